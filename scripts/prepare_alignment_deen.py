"""Training text for the German-English word-alignment benchmark.

The aligner learns, unsupervised, from Multi30k train (de-en) plus the 508
RWTH gold sentence pairs as plain text (never their links), as the eflomal
peer recipe does (`../shared/peers/eflomal`), with the same preparation so
the two compare on equal terms:

- Multi30k: Moses-tokenised (sacremoses, no escaping) and lower-cased;
  pairs with an empty side dropped (counted).
- RWTH gold text: already tokenised; only lower-cased, tokens kept, so the
  gold `.talp` indices apply to the whitespace tokens.

`--gold-repeat N` writes the gold text N times into the training file: an
unsupervised aligner only sees the gold sentences as text, and a neural
model that reads 508 Europarl sentences once among 29,000 captions learns
little about them (eflomal, counting co-occurrences, needs no repeats; give
it the same file to compare like with like).

Writes to OUT_DIR: `train.{de,en}` (Multi30k then the gold pairs, last),
`val.{de,en}` (Multi30k val, for model selection), `gold.{de,en}` (the 508
pairs alone, to align) and `gold.talp` (a copy of the gold links for the
evaluation command). Research-only data: OUT_DIR belongs in the ignored
corpus/ folder, never in the repository or a package.

    python scripts/prepare_alignment_deen.py --multi30k corpus/multi30k \\
        --gold-dir ../shared/data/alignment/deen corpus/align_deen
"""

import shutil
from pathlib import Path
from typing import List, Tuple

import typer


def read(path: Path) -> List[str]:
    if not path.is_file():
        raise typer.BadParameter(f"{path} does not exist.")
    return path.read_text(encoding="utf8").splitlines()


def moses_lower(lines: List[str], lang: str) -> List[str]:
    from sacremoses import MosesTokenizer

    tokenizer = MosesTokenizer(lang=lang)
    return [tokenizer.tokenize(line.strip(), escape=False, return_str=True).lower() for line in lines]


def non_empty_pairs(src: List[str], tgt: List[str]) -> Tuple[List[str], List[str], int]:
    kept = [(s, t) for s, t in zip(src, tgt) if s.split() and t.split()]
    return [s for s, _ in kept], [t for _, t in kept], len(src) - len(kept)


def write(path: Path, lines: List[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf8")


def main(
    out_dir: Path = typer.Argument(..., help="Where to write the prepared files."),
    multi30k: Path = typer.Option(..., "--multi30k", help="Folder with Multi30k {train,val}.{de,en}."),
    gold_dir: Path = typer.Option(..., "--gold-dir", help="Folder with deen.de, deen.en, deen.talp."),
    gold_repeat: int = typer.Option(1, "--gold-repeat", min=1, help="Copies of the gold text in train.*"),
) -> None:
    try:
        import sacremoses  # noqa: F401
    except ImportError:
        raise typer.BadParameter(
            "sacremoses is needed to tokenise like the eflomal recipe: pip install 'spacy-seq2seq[align]'"
        ) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    gold_de = [line.lower() for line in read(gold_dir / "deen.de")]
    gold_en = [line.lower() for line in read(gold_dir / "deen.en")]
    if len(gold_de) != len(gold_en):
        raise typer.BadParameter(f"deen.de has {len(gold_de)} lines but deen.en has {len(gold_en)}.")
    for split in ("train", "val"):
        de, en, dropped = non_empty_pairs(
            moses_lower(read(multi30k / f"{split}.de"), "de"), moses_lower(read(multi30k / f"{split}.en"), "en")
        )
        if split == "train":
            de, en = de + gold_de * gold_repeat, en + gold_en * gold_repeat
        write(out_dir / f"{split}.de", de)
        write(out_dir / f"{split}.en", en)
        typer.echo(f"{split}: {len(de)} pairs ({dropped} with an empty side dropped)")
    write(out_dir / "gold.de", gold_de)
    write(out_dir / "gold.en", gold_en)
    shutil.copyfile(gold_dir / "deen.talp", out_dir / "gold.talp")
    typer.echo(f"gold: {len(gold_de)} pairs to align ({gold_repeat} copies in train)")


if __name__ == "__main__":
    typer.run(main)
