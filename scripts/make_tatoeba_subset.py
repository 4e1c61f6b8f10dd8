"""Make the French->English Tatoeba subset shipped in assets/tatoeba-fr-en/.

Reads the manythings.org / Tatoeba export ``fra.txt`` (``English<TAB>French``,
one pair per line) and writes ``train.tsv``, ``dev.tsv`` and ``test.tsv`` with
columns ``fr<TAB>en`` (source first), plus a README.md with attribution,
provenance, the command line, counts and checksums.

Held-out pairs share no sentence with train. Tatoeba lists the same English
sentence many times with alternative French translations (and vice versa), so
a plain random split would put near-copies of test pairs into train and inflate
BLEU. Pairs are therefore linked into groups when they share an English or a
French sentence (compared after collapsing whitespace and case-folding), and
whole groups go to dev, test or train.

Deterministic: the same input file, settings and seed give byte-identical
output.

    python scripts/make_tatoeba_subset.py /work/shared/data/tatoeba/fra.txt
"""

import argparse
import hashlib
import random
import sys
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

# sha256 of the fra.txt this subset was made from (2019-04-07 export), as listed
# in the data MANIFEST; a different file still works but is reported.
EXPECTED_SHA256 = "0bb85dbaa1c896844649094d7eaf2e34bee34e84fe362b26ce7e8f2e12aae104"
EXPORT_DATE = "2019-04-07"

Pair = Tuple[str, str]  # (english, french)


def sha256_of(path: Path) -> str:
    """path (Path): A file. RETURNS (str): Its sha256, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as file_:
        for block in iter(lambda: file_.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def n_words(text: str) -> int:
    """text (str): A sentence. RETURNS (int): Its whitespace-separated words."""
    return len(text.split())


def sentence_key(text: str) -> str:
    # Case and spacing variants count as the same sentence, so the held-out
    # check is a little stricter than exact string equality.
    return " ".join(text.split()).casefold()


def read_pairs(path: Path) -> List[Pair]:
    """Read ``English<TAB>French`` lines, dropping exact duplicate pairs.

    path (Path): The Tatoeba/Anki export.
    RETURNS (List[Pair]): (english, french) pairs in file order.
    """
    pairs: List[Pair] = []
    seen = set()
    with path.open("r", encoding="utf-8-sig", newline="\n") as file_:
        for number, line in enumerate(file_, start=1):
            columns = line.rstrip("\r\n").split("\t")
            if len(columns) < 2:
                raise ValueError(f"{path}:{number}: expected English<TAB>French")
            english, french = columns[0].strip(), columns[1].strip()
            if not english or not french or (english, french) in seen:
                continue
            seen.add((english, french))
            pairs.append((english, french))
    return pairs


def group_pairs(pairs: Sequence[Pair]) -> List[int]:
    """Link pairs that share an English or a French sentence (union-find).

    pairs (Sequence[Pair]): The pairs.
    RETURNS (List[int]): For each pair, the id of its group.
    """
    parent: Dict[Tuple[str, str], Tuple[str, str]] = {}

    def find(node: Tuple[str, str]) -> Tuple[str, str]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for english, french in pairs:
        root_en = find(("en", sentence_key(english)))
        root_fr = find(("fr", sentence_key(french)))
        if root_en != root_fr:
            parent[root_en] = root_fr
    # Number groups by first appearance, so ids don't depend on hashing.
    group_ids: Dict[Tuple[str, str], int] = {}
    return [
        group_ids.setdefault(find(("en", sentence_key(english))), len(group_ids))
        for english, _ in pairs
    ]


def split_pairs(
    pairs: Sequence[Pair], n_dev: int, n_test: int, max_train: int, seed: int
) -> Tuple[List[Pair], List[Pair], List[Pair]]:
    """Split into train/dev/test so that no group is in two splits.

    Groups are drawn for dev and test by visiting pairs in a seeded random order
    (so a group's chance grows with its size, as in the corpus) and taking the
    whole group if it still fits. Train is a seeded sample of the rest. Every
    split comes out shuffled, so streaming readers don't see the source file's
    short-to-long order.

    pairs (Sequence[Pair]): The filtered pairs.
    n_dev (int): Dev pairs (exact).
    n_test (int): Test pairs (exact).
    max_train (int): At most this many train pairs.
    seed (int): Random seed.
    RETURNS (Tuple[List[Pair], List[Pair], List[Pair]]): train, dev, test.
    """
    rng = random.Random(seed)
    groups = group_pairs(pairs)
    members: Dict[int, List[int]] = {}
    for index, group in enumerate(groups):
        members.setdefault(group, []).append(index)
    order = list(range(len(pairs)))
    rng.shuffle(order)
    held_out: Dict[int, str] = {}
    dev: List[int] = []
    test: List[int] = []
    for index in order:
        if len(dev) == n_dev and len(test) == n_test:
            break
        group = groups[index]
        if group in held_out:
            continue
        size = len(members[group])
        for name, split, wanted in (("dev", dev, n_dev), ("test", test, n_test)):
            if len(split) + size <= wanted:
                held_out[group] = name
                split.extend(members[group])
                break
    if len(dev) != n_dev or len(test) != n_test:
        raise ValueError(f"Could not fill dev/test: got {len(dev)}/{len(test)} pairs")
    rest = [i for i in order if groups[i] not in held_out]
    train = rest if len(rest) <= max_train else rng.sample(rest, max_train)
    rng.shuffle(dev)
    rng.shuffle(test)
    return (
        [pairs[i] for i in train],
        [pairs[i] for i in dev],
        [pairs[i] for i in test],
    )


def write_tsv(path: Path, pairs: Sequence[Pair]) -> None:
    """Write ``fr<TAB>en`` lines (source first), UTF-8, LF line endings."""
    with path.open("w", encoding="utf-8", newline="\n") as file_:
        for english, french in pairs:
            file_.write(f"{french}\t{english}\n")


README_TEMPLATE = """\
# Tatoeba French→English subset

Small French→English parallel corpus used as the default data of
`spacy-seq2seq`. Files are UTF-8 TSV, one pair per line, **source first**:
`French<TAB>English` (read them with the `spacy-seq2seq.ParallelCorpus.v1`
reader; `format = "auto"` detects TSV).

| file | pairs | bytes | sha256 |
| --- | ---: | ---: | --- |
{table}

## Attribution and licence

Sentences and translations are from the [Tatoeba Project](https://tatoeba.org),
as exported by [www.manythings.org/anki](http://www.manythings.org/anki/)
(file `fra.txt` of `fra-eng.zip`). They are released under the
[Creative Commons Attribution 2.0 France licence (CC-BY 2.0 FR)](https://creativecommons.org/licenses/by/2.0/fr/)
(see also the [Tatoeba terms of use](https://tatoeba.org/eng/terms_of_use)).
Attribution: **www.manythings.org/anki and tatoeba.org**. This subset is a
selection and re-arrangement of those pairs (columns swapped, pairs filtered,
split and shuffled) and is distributed under the same licence. The Tatoeba data
is community-contributed and contains errors.

## Provenance

- Source file: manythings.org Anki export `fra.txt` dated {export_date}
  (`English<TAB>French`, {n_source_pairs:,} pairs), sha256
  `{source_sha256}`.
- Command (from the repository root):

  ```bash
  {command}
  ```

- Selection: exact duplicate pairs dropped; pairs kept where both sides have at
  most {max_words} whitespace-separated words ({n_kept:,} pairs). Pairs that
  share an English or a French sentence (after collapsing whitespace and
  case-folding) form a group, and each group goes to exactly one split, so no
  English or French sentence of dev/test appears in train. Dev and test get
  {n_dev:,} pairs each; train gets a random sample of at most {max_train:,} of
  the remaining {n_rest:,} pairs. All splits are shuffled (seed {seed}).
"""


def main(argv: Sequence[str] = sys.argv[1:]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", type=Path, help="fra.txt (English<TAB>French)")
    parser.add_argument("--output-dir", type=Path, default=Path("assets/tatoeba-fr-en"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-words", type=int, default=15)
    parser.add_argument("--n-dev", type=int, default=1000)
    parser.add_argument("--n-test", type=int, default=1000)
    parser.add_argument("--max-train", type=int, default=120_000)
    args = parser.parse_args(argv)

    source_sha256 = sha256_of(args.input)
    if source_sha256 != EXPECTED_SHA256:
        print(
            f"Note: {args.input} is not the {EXPORT_DATE} export this subset was "
            f"made from (sha256 {source_sha256}); the output will differ.",
            file=sys.stderr,
        )
    all_pairs = read_pairs(args.input)
    kept = [
        (english, french)
        for english, french in all_pairs
        if n_words(english) <= args.max_words and n_words(french) <= args.max_words
    ]
    train, dev, test = split_pairs(
        kept, args.n_dev, args.n_test, args.max_train, args.seed
    )
    args.output_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, pairs in (("train", train), ("dev", dev), ("test", test)):
        path = args.output_dir / f"{name}.tsv"
        write_tsv(path, pairs)
        rows.append(
            f"| `{path.name}` | {len(pairs):,} | {path.stat().st_size:,} | "
            f"`{sha256_of(path)}` |"
        )
        print(f"{path}: {len(pairs)} pairs, {path.stat().st_size} bytes")
    command = (
        f"python scripts/make_tatoeba_subset.py {args.input.as_posix()} "
        f"--output-dir {args.output_dir.as_posix()} --seed {args.seed} "
        f"--max-words {args.max_words} --n-dev {args.n_dev} "
        f"--n-test {args.n_test} --max-train {args.max_train}"
    )
    readme = README_TEMPLATE.format(
        table="\n".join(rows),
        export_date=EXPORT_DATE,
        n_source_pairs=len(all_pairs),
        source_sha256=source_sha256,
        command=command,
        max_words=args.max_words,
        n_kept=len(kept),
        n_dev=args.n_dev,
        max_train=args.max_train,
        n_rest=len(kept) - len(dev) - len(test),
        seed=args.seed,
    )
    (args.output_dir / "README.md").write_text(readme, encoding="utf-8")


if __name__ == "__main__":
    main()
