"""benchmarks/harness.py: every benchmark report records the machine, the
thread settings, the command and the peak RSS, and a run replaces the
previous run's report at the same path."""

import json
import os
import platform
import subprocess
import sys
import time

import torch

from benchmarks.harness import BenchmarkRun, cpu_model, peak_rss_mib


def _write(tmp_path, results, argv=("--beam-size", "5", "data dir/src.txt")):
    run = BenchmarkRun("toy_bench", results_dir=tmp_path / "results", argv=list(argv))
    report = run.write("Toy benchmark", "| mode | s |\n|---|---|\n| greedy | 1.5 |", results)
    return run, report


def test_report_written_with_run_facts(tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    run, report = _write(tmp_path, {"greedy": {"seconds": 1.5}})
    assert run.json_path == tmp_path / "results" / "toy_bench.json"
    assert run.markdown_path == tmp_path / "results" / "toy_bench.md"
    on_disk = json.loads(run.json_path.read_text(encoding="utf8"))
    assert on_disk == report
    assert on_disk["benchmark"] == "toy_bench" and on_disk["title"] == "Toy benchmark"
    assert on_disk["results"] == {"greedy": {"seconds": 1.5}}
    facts = on_disk["run"]
    # The command can be pasted back into a shell: quoted where needed.
    assert facts["command"] == "python -m benchmarks.toy_bench --beam-size 5 'data dir/src.txt'"
    machine = facts["machine"]
    assert machine["cores"] == os.cpu_count()
    assert machine["python"] == platform.python_version()
    assert machine["torch"] == torch.__version__
    assert machine["spacy"] and machine["cpu"]
    threads = facts["threads"]
    assert threads["OMP_NUM_THREADS"] == "3"
    assert threads["OMP_WAIT_POLICY"] is None
    assert threads["torch_threads"] == torch.get_num_threads()


def test_wall_clock_counts_from_the_start_of_the_run(tmp_path):
    started = time.perf_counter()
    run = BenchmarkRun("toy_bench", results_dir=tmp_path, argv=[])
    time.sleep(0.3)
    report = run.write("Toy benchmark", "body", {})
    elapsed = time.perf_counter() - started
    # Rounded to 0.1 s in the report.
    assert 0.3 <= report["run"]["wall_s"] <= elapsed + 0.05


def test_markdown_report_has_body_and_run_section(tmp_path, monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    monkeypatch.setenv("OMP_WAIT_POLICY", "PASSIVE")
    run, report = _write(tmp_path, {"x": 1})
    text = run.markdown_path.read_text(encoding="utf8")
    assert text.startswith("# Toy benchmark\n\n| mode | s |")
    assert "| greedy | 1.5 |" in text
    assert "## Run" in text
    assert f"- Command: `{report['run']['command']}`" in text
    assert "OMP_NUM_THREADS=2" in text and "OMP_WAIT_POLICY=PASSIVE" in text
    assert f"torch {torch.__version__}" in text


def test_a_run_replaces_the_previous_report(tmp_path):
    first, _ = _write(tmp_path, {"bleu": 30.0})
    second, _ = _write(tmp_path, {"bleu": 31.5}, argv=["--repeats", "2"])
    assert first.json_path == second.json_path
    report = json.loads(second.json_path.read_text(encoding="utf8"))
    assert report["results"] == {"bleu": 31.5}
    assert report["run"]["command"].endswith("--repeats 2")
    assert "30.0" not in second.json_path.read_text(encoding="utf8")
    # One report per benchmark: no dated or numbered copies pile up.
    assert sorted(path.name for path in (tmp_path / "results").iterdir()) == ["toy_bench.json", "toy_bench.md"]


def test_extra_files_share_the_report_name(tmp_path):
    run = BenchmarkRun("toy_bench", results_dir=tmp_path, argv=[])
    assert run.path(".svg") == tmp_path / "toy_bench.svg"


def test_peak_rss_is_in_mib_and_at_least_current_rss():
    with open("/proc/self/statm") as statm:
        current_mib = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    peak = peak_rss_mib()
    assert peak["self"] > 0
    # A high-water mark cannot be below what is resident now; a unit slip
    # (KiB taken for bytes, or MiB divided once more) would break this.
    assert peak["self"] >= current_mib * 0.99
    assert peak["self"] < current_mib * 100
    # A finished child that held 100 MiB is the largest child so far, or
    # an earlier one was larger still.
    subprocess.run([sys.executable, "-c", "block = b'x' * (100 * 2**20)"], check=True)
    assert peak_rss_mib()["largest_child"] >= 100


def test_cpu_model_is_the_kernel_model_name():
    with open("/proc/cpuinfo", encoding="utf8") as cpuinfo:
        names = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    if names:
        assert cpu_model() == names[0]
    else:  # e.g. ARM kernels without "model name"
        assert cpu_model() == (platform.processor() or platform.machine())
