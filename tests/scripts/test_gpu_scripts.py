"""The scripts a lent GPU runs (scripts/gpu/, docs/gpu.md) are checked here
first, on the CPU: device minutes are few, and a script that fails there
for a typo wastes a whole machine start."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts" / "gpu"


def dry_run_env(tmp_path):
    return {
        **os.environ, "SPACY_SEQ2SEQ_GPU_DRY_RUN": "1", "PYTHON": sys.executable, "OUT": str(tmp_path / "out"),
        "OMP_NUM_THREADS": "1",
    }


@pytest.mark.parametrize("script", sorted(path.name for path in SCRIPTS.glob("*.sh")))
def test_the_shell_scripts_parse(script):
    checked = subprocess.run(["bash", "-n", str(SCRIPTS / script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_the_setup_step_runs_the_smoke_check_with_warnings_as_errors(tmp_path):
    """A dry run (the CPU stands in for the GPU) of the first device call's
    checks: every check passes and the reports are written to $OUT."""
    run = subprocess.run(["bash", str(SCRIPTS / "run_checks.sh"), "setup"], capture_output=True, text=True,
                         cwd=ROOT, env=dry_run_env(tmp_path), timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    smoke = (tmp_path / "out" / "smoke.txt").read_text()
    for check in ("versions", "round trip", "adam step", "decoding"):
        assert f"\nok {check} (" in smoke, smoke
    assert "4 of 4 checks passed" in smoke
    assert "python" in (tmp_path / "out" / "environment.txt").read_text()


def test_the_smoke_check_fails_when_a_check_fails_or_warns(monkeypatch, capsys):
    """The negative control: a failing check, or one that only warns (the
    script runs with -W error), makes the exit status 1; the others still run."""
    import importlib.util
    import warnings

    spec = importlib.util.spec_from_file_location("smoke_check", SCRIPTS / "smoke_check.py")
    smoke_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(smoke_check)

    def deprecated():
        warnings.warn("toDlpack() is deprecated", DeprecationWarning)
        return "fine"

    def broken():
        raise AssertionError("not the same memory")

    monkeypatch.setattr(smoke_check, "CHECKS", [("warns", deprecated), ("broken", broken), ("fine", lambda: "ok")])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # what -W error sets up
        assert smoke_check.main() == 1
    printed = capsys.readouterr().out
    assert "FAILED warns" in printed and "toDlpack() is deprecated" in printed
    assert "FAILED broken" in printed and "not the same memory" in printed
    assert "ok fine" in printed and "1 of 3 checks passed" in printed


def test_a_step_refuses_to_run_without_the_carried_packages(tmp_path):
    """A machine that went cold between calls has lost .gpu-site: each step
    says what is missing and where it comes from, before running anything."""
    repo = tmp_path / "repo"
    shutil.copytree(SCRIPTS, repo / "scripts" / "gpu")
    site = repo / ".gpu-site"
    (site / "thinc-8.3.14.dist-info").mkdir(parents=True)
    (site / "spacy_legacy-3.0.12.dist-info").mkdir()
    (site / ".expected.txt").write_text("spacy\nspacy_legacy\nthinc\n")
    env = {**dry_run_env(tmp_path), "SPACY_SEQ2SEQ_GPU_DRY_RUN": "0", "PYTHON": "false"}
    for step in ("tests", "bench"):
        run = subprocess.run(["bash", str(repo / "scripts" / "gpu" / "run_checks.sh"), step], capture_output=True,
                             text=True, cwd=repo, env=env, timeout=60)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "missing from .gpu-site: spacy\n" in run.stdout  # spacy_legacy is not spacy
        assert "install_part.sh a" in (tmp_path / "out" / f"{step}_site.txt").read_text()
    (site / "spacy-3.8.18.dist-info").mkdir()
    run = subprocess.run(["bash", str(repo / "scripts" / "gpu" / "run_checks.sh"), "bench"], capture_output=True,
                         text=True, cwd=repo, env=env, timeout=60)
    assert "all 3 carried distributions are in .gpu-site" in run.stdout
    assert run.returncode == 1  # PYTHON=false: the benchmark itself "fails", after the check passed


def test_a_step_stopped_at_its_limit_says_so_in_its_report(tmp_path):
    """Each step stops itself before its device call's limit and keeps what
    it wrote: the report ends with why it stopped."""
    repo = tmp_path / "repo"
    shutil.copytree(SCRIPTS, repo / "scripts" / "gpu")
    slow_python = tmp_path / "slow_python"
    slow_python.write_text("#!/bin/sh\necho 'step 100/300'\nexec sleep 30\n")
    slow_python.chmod(0o755)
    env = {**dry_run_env(tmp_path), "PYTHON": str(slow_python), "BENCH_LIMIT": "1"}
    run = subprocess.run(["bash", str(repo / "scripts" / "gpu" / "run_checks.sh"), "bench"], capture_output=True,
                         text=True, cwd=repo, env=env, timeout=60)
    assert run.returncode == 124, run.stdout + run.stderr
    report = (tmp_path / "out" / "benchmark.log").read_text()
    assert report.splitlines()[-2:] == [
        "step 100/300", "STOPPED: the step ran past its limit (BENCH_LIMIT=1 s); what it printed so far is above"
    ]


def toy_wheel(folder: Path) -> Path:
    """A minimal pure-Python wheel: toy_pkg 1.0."""
    import zipfile

    folder.mkdir(parents=True)
    path = folder / "toy_pkg-1.0-py3-none-any.whl"
    files = {
        "toy_pkg/__init__.py": "VALUE = 42\n",
        "toy_pkg-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: toy-pkg\nVersion: 1.0\n",
        "toy_pkg-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + "toy_pkg-1.0.dist-info/RECORD,,\n"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, text in {**files, "toy_pkg-1.0.dist-info/RECORD": record}.items():
            wheel.writestr(name, text)
    return path


@pytest.mark.parametrize("with_pip", [True, False], ids=["pip", "no pip"])
def test_install_part_installs_the_carried_wheels_with_or_without_pip(tmp_path, with_pip):
    """The GPU machine's Python may have no pip: the wheels are then unpacked."""
    repo = tmp_path / "repo"
    shutil.copytree(SCRIPTS, repo / "scripts" / "gpu")
    toy_wheel(repo / ".gpu-wheels" / "a")
    python = sys.executable
    if not with_pip:
        python = tmp_path / "python_without_pip"
        python.write_text(f'#!/bin/sh\n[ "$1" = "-m" ] && exit 1\nexec {sys.executable} "$@"\n')
        python.chmod(0o755)
    run = subprocess.run(["bash", str(repo / "scripts" / "gpu" / "install_part.sh"), "a"], capture_output=True,
                         text=True, cwd=repo, env={**os.environ, "PYTHON": str(python)}, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "installed part a: 1 wheels" in run.stdout
    assert ("no pip" in run.stdout) is not with_pip
    imported = subprocess.run([sys.executable, "-c", "import toy_pkg; print(toy_pkg.VALUE)"], capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(repo / ".gpu-site")})
    assert imported.stdout.strip() == "42", imported.stderr
    assert (repo / ".gpu-site" / "toy_pkg-1.0.dist-info" / "METADATA").is_file()
