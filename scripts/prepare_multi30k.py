"""Lay out Multi30k for training: plain UTF-8 files in one folder.

Reads `{split}.{lang}` or `{split}.{lang}.gz` (the raw files as published,
or a local copy such as ../shared/data/multi30k) from DATA_DIR and writes
`{split}.{lang}` to OUT_DIR, checking that every language of a split has
the same number of lines (the files are line-aligned). Multi30k is for
research and non-commercial use; it is never copied into the repository or
a package, only into the ignored corpus/ folder.

    python scripts/prepare_multi30k.py ../shared/data/multi30k corpus/multi30k --langs de en fr
"""

import gzip
from pathlib import Path
from typing import List

import typer

SPLITS = ("train", "val", "test_2016_flickr")


def read_lines(data_dir: Path, name: str) -> List[str]:
    plain, packed = data_dir / name, data_dir / f"{name}.gz"
    if plain.exists():
        return plain.read_text(encoding="utf8").splitlines()
    if packed.exists():
        with gzip.open(packed, "rt", encoding="utf8") as file:
            return file.read().splitlines()
    raise typer.BadParameter(
        f"Neither {plain} nor {packed} exists. Point DATA_DIR at the Multi30k raw files "
        "(`spacy project assets` downloads them to assets/multi30k) or at a local copy."
    )


def main(
    data_dir: Path = typer.Argument(..., help="Folder with {split}.{lang}[.gz]."),
    out_dir: Path = typer.Argument(..., help="Where to write {split}.{lang}."),
    langs: List[str] = typer.Option(["de", "en", "fr"], "--langs"),
) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for split in SPLITS:
        texts = {lang: read_lines(data_dir, f"{split}.{lang}") for lang in langs}
        counts = {lang: len(lines) for lang, lines in texts.items()}
        if len(set(counts.values())) != 1:
            raise typer.BadParameter(f"{split}: the languages are not line-aligned: {counts}")
        for lang, lines in texts.items():
            (out_dir / f"{split}.{lang}").write_text("".join(line + "\n" for line in lines), encoding="utf8")
        typer.echo(f"{split}: {next(iter(counts.values()))} lines x {len(langs)} languages")


if __name__ == "__main__":
    typer.run(main)
