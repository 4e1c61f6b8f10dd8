"""Build a pipeline package with `spacy package` and check that it installs
into a fresh virtual environment and translates exactly as the original.

    python scripts/check_package.py training/tatoeba_fr_en/model-best /tmp/pkgcheck \\
        --name fr_en_demo --text "Le chat noir est sur le tapis."

Steps: (1) `spacy package ... --build wheel`; (2) a new venv with the pinned
torch first (TORCH_SPEC, as the Makefile does, so pip never resolves a CUDA
build), then this repository's package, then the pipeline wheel; (3) in that
venv, `spacy.load(name)` translates the texts; (4) the outputs (text, words,
alignment, attention, n-best) must equal those of the original pipeline
loaded here. Exit status 0 only if they do.
"""

import json
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import List

import typer

REPO = Path(__file__).resolve().parent.parent
TRANSLATE = """
import json, sys, spacy
from spacy_seq2seq.names import FieldNames
nlp = spacy.load(sys.argv[1])
names = FieldNames(next(p for _, p in nlp.pipeline if type(p).__name__ == "Seq2SeqAttn").field)
roles = (names.text, names.tokens, names.alignment, names.attention, names.nbest)
out = [[doc._.get(name) for name in roles] for doc in nlp.pipe(json.loads(sys.argv[2]))]
print(json.dumps(out))
"""


def run(command: List[str], **kwargs) -> str:
    typer.echo("$ " + " ".join(command))
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        typer.echo(result.stdout[-3000:] + result.stderr[-3000:], err=True)
        raise typer.Exit(1)
    return result.stdout


def main(
    model: Path = typer.Argument(..., help="A saved pipeline."),
    workdir: Path = typer.Argument(..., help="Scratch folder (packages/ and venv/ go here)."),
    name: str = typer.Option("seq2seq_check", help="Package name (without the language prefix)."),
    version: str = typer.Option("0.0.1"),
    text: List[str] = typer.Option(["Le chat noir est sur le tapis."], "--text"),
    torch_spec: str = typer.Option(os.environ.get("TORCH_SPEC", "torch==2.13.0")),
) -> None:
    workdir = workdir.resolve()
    packages = workdir / "packages"
    packages.mkdir(parents=True, exist_ok=True)
    run([sys.executable, "-m", "spacy", "package", str(model), str(packages),
         "--name", name, "--version", version, "--build", "wheel", "--force"])
    wheels = sorted(packages.glob(f"*{name}-{version}/dist/*.whl"))
    if not wheels:
        typer.echo(f"No wheel was built under {packages}.", err=True)
        raise typer.Exit(1)
    env_dir = workdir / "venv"
    if not (env_dir / "bin" / "python").exists():
        venv.create(env_dir, with_pip=True)
    python = str(env_dir / "bin" / "python")
    run([python, "-m", "pip", "install", "-q", torch_spec])
    run([python, "-m", "pip", "install", "-q", str(REPO)])
    # The pipeline's own requirements (spacy, spacy-seq2seq) are installed
    # above; `pip check` then confirms the wheel's requirements are met.
    run([python, "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(wheels[0])])
    run([python, "-m", "pip", "check"])
    lang = json.loads((model / "meta.json").read_text(encoding="utf8"))["lang"]
    package_name = f"{lang}_{name}"
    texts = json.dumps(text)
    installed = json.loads(run([python, "-c", TRANSLATE, package_name, texts], cwd=workdir).splitlines()[-1])
    original = json.loads(run([sys.executable, "-c", TRANSLATE, str(model), texts]).splitlines()[-1])
    if installed != original:
        typer.echo(f"MISMATCH\ninstalled: {installed}\noriginal:  {original}", err=True)
        raise typer.Exit(1)
    typer.echo(f"OK: {wheels[0].name} installs in a fresh venv and gives identical outputs for {len(text)} text(s):")
    for source, output in zip(text, installed):
        typer.echo(f"  {source} -> {output[0]}")


if __name__ == "__main__":
    typer.run(main)
