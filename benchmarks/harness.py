"""What every benchmark report records, and where it is written.

A benchmark's figures mean little without the machine, the thread settings
and the command that produced them, so each benchmark hands its results to
`BenchmarkRun.write`, which adds those and writes one JSON and one Markdown
report to a fixed path, `benchmarks/results/<name>.json` and `.md`. The
next run of the same benchmark overwrites them: the results folder holds
the current figures only, and git keeps the earlier ones.

Benchmarks run from the repository root as modules
(`python -m benchmarks.<name> ...`), so they import this as
`benchmarks.harness` without touching `sys.path`.
"""

import datetime
import json
import os
import platform
import resource
import shlex
import sys
import time
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Sequence

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# The environment variables that decide how many threads torch's CPU
# kernels use and whether idle threads spin (spinning threads slow down
# 2-3x when another process is busy, so timings need both written down).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY")


def cpu_model() -> str:
    """The CPU's model name as Linux reports it, else what platform knows."""
    try:
        with open("/proc/cpuinfo", encoding="utf8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info() -> Dict[str, Any]:
    """The machine and the library versions a figure depends on."""
    import spacy
    import torch

    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "architecture": platform.machine(),
        "system": platform.platform(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "spacy": spacy.__version__,
        "cuda": torch.cuda.is_available(),
    }


def thread_settings() -> Dict[str, Any]:
    """The thread environment variables (None when unset) and the number of
    threads torch actually uses."""
    import torch

    settings: Dict[str, Any] = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    settings["torch_threads"] = torch.get_num_threads()
    return settings


def peak_rss_mib() -> Dict[str, float]:
    """Peak resident memory of this process and of its largest finished
    child process, in MiB (Linux reports ru_maxrss in KiB). Benchmarks that
    run each system in a child process report the child's own figure too."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"self": round(own, 1), "largest_child": round(children, 1)}


class BenchmarkRun:
    """One run of a benchmark: started when made, reported by `write`.

    `name` is the benchmark's module name (`benchmarks.<name>`): it names
    the command and the report files. `argv` is the command's arguments
    (default: this process's), recorded so the run can be repeated.
    """

    def __init__(
        self,
        name: str,
        results_dir: Path = RESULTS_DIR,
        argv: Optional[Sequence[str]] = None,
    ) -> None:
        self.name = name
        self.results_dir = Path(results_dir)
        arguments = list(sys.argv[1:] if argv is None else argv)
        self.command = shlex.join(["python", "-m", f"benchmarks.{name}", *arguments])
        self.started = datetime.datetime.now(datetime.timezone.utc)
        self._clock = time.perf_counter()

    @property
    def json_path(self) -> Path:
        return self.results_dir / f"{self.name}.json"

    @property
    def markdown_path(self) -> Path:
        return self.results_dir / f"{self.name}.md"

    def path(self, suffix: str) -> Path:
        """Where an extra file of this report goes (e.g. ".svg" for a chart)."""
        return self.results_dir / f"{self.name}{suffix}"

    def run_info(self) -> Dict[str, Any]:
        """The facts about this run that every report carries."""
        return {
            "command": self.command,
            "started_utc": self.started.isoformat(timespec="seconds"),
            "wall_s": round(time.perf_counter() - self._clock, 1),
            "machine": machine_info(),
            "threads": thread_settings(),
            "peak_rss_mib": peak_rss_mib(),
        }

    def write(self, title: str, body: str, results: Mapping[str, Any]) -> Dict[str, Any]:
        """Write `<name>.json` (the run facts and `results`) and `<name>.md`
        (`title`, the benchmark's own Markdown `body`, then the run facts),
        replacing the files of any earlier run. Returns the JSON report."""
        report = {"benchmark": self.name, "title": title, "run": self.run_info(), "results": dict(results)}
        self.results_dir.mkdir(parents=True, exist_ok=True)
        self.json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf8")
        self.markdown_path.write_text(markdown_report(title, body, report["run"]), encoding="utf8")
        return report


def markdown_report(title: str, body: str, run: Mapping[str, Any]) -> str:
    """The Markdown report: the benchmark's body first, then how it ran."""
    machine, threads, rss = run["machine"], run["threads"], run["peak_rss_mib"]
    thread_env = " ".join(f"{name}={threads[name]}" for name in THREAD_VARIABLES if threads[name] is not None)
    lines = [
        f"# {title}",
        "",
        body.strip(),
        "",
        "## Run",
        "",
        f"- Command: `{run['command']}`",
        f"- Started: {run['started_utc']}, {run['wall_s']} s wall clock",
        f"- Machine: {machine['cpu']}, {machine['cores']} cores ({machine['architecture']}), "
        f"Python {machine['python']}, torch {machine['torch']}, spaCy {machine['spacy']}",
        f"- Threads: {thread_env or 'no thread variables set'}; torch uses {threads['torch_threads']}",
        f"- Peak RSS: {rss['self']:.0f} MiB (this process), {rss['largest_child']:.0f} MiB (largest child process)",
    ]
    return "\n".join(lines) + "\n"


def run_main_or_worker(app: Any) -> None:
    """Run a benchmark's typer app whose commands are `main` (what a user
    runs, the default) and `worker` (one system, started by `main` in a
    fresh process so that its peak RSS is its own)."""
    if not (len(sys.argv) > 1 and sys.argv[1] == "worker"):
        sys.argv.insert(1, "main")
    app()
