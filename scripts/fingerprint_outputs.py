"""Fingerprint what the package computes, to show that a refactor changed no
output: run it before and after, and compare the two files.

    python scripts/fingerprint_outputs.py before.json
    ... refactor ...
    python scripts/fingerprint_outputs.py after.json
    python scripts/fingerprint_outputs.py --compare before.json after.json

It goes through the public entry points only (the component's config, its
`settings`, the registered reader), so it runs unchanged on both sides of a
refactor of the internals. Each configuration gets a SHA-256 of:

- a network (model settings x the component's training settings): its
  training losses over 3 steps on a toy corpus and its saved bytes;
- a decoding of that network (decoding settings): every Doc extension value
  (text, words, alignment, attention, n-best and scores);
- a `spacy-seq2seq.ParallelCorpus.v1` pass (reader settings): every
  Example's texts, words and gold links.

Seeds are fixed and torch runs on one thread, so two runs of the same code
give the same file. CPU only.
"""

import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, Dict, Iterator, List, Tuple

import numpy
import spacy
import srsly
import torch
from spacy.training import Example
from thinc.api import Adam, fix_random_seed

from spacy_seq2seq.pipeline.extensions import extension_names

PAIRS = [
    ("le chat noir dort .", "the black cat sleeps ."),
    ("le chien blanc mange .", "the white dog eats ."),
    ("un chat blanc dort .", "a white cat sleeps ."),
    ("un chien noir mange .", "a black dog eats ."),
    ("le chat mange . le chien dort .", "the cat eats . the dog sleeps ."),
    ("un chien dort .", "a dog sleeps ."),
]
SOURCES = [source for source, _ in PAIRS] + ["le chat blanc mange le chien noir .", "", "dort"]

NETWORKS: List[Dict[str, Any]] = [
    {"model": {"cell": cell, "attention": attention, "bidirectional": bidirectional}}
    for cell in ("gru", "lstm")
    for attention in ("dot", "general", "additive", "none")
    for bidirectional in (True, False)
] + [
    {"model": {"n_layers": 2, "input_feeding": False}},
    {"model": {"tie_embeddings": True}, "label_smoothing": 0.0},
    {"model": {"copy_attention": True}, "joint_vocab": True},
    {"model": {"coverage": True}, "coverage_loss_weight": 1.0},
    {"model": {"alignment_head": True, "cell": "lstm"}, "alignment_method": "head"},
    {"model": {"attention": "dot", "dropout_prob": 0.2}, "src_line_break": "|"},
]
DECODINGS: List[Dict[str, Any]] = [
    {"beam_size": 1},
    {},  # the defaults: beam 5, length_alpha 0.6
    {"beam_size": 3, "n_best": 2, "length_alpha": 0.0, "coverage_penalty": 0.4, "alignment_method": "threshold", "alignment_threshold": 0.3},
    {"beam_size": 2, "min_output_length": 3, "no_repeat_ngram_size": 2, "max_src_length": 6,
     "max_output_ratio": 1.0, "store_attention": False},
]
EXTRA_DECODINGS: List[Dict[str, Any]] = [
    {"quantize": "int8", "beam_size": 2},
    {"long_src": "truncate", "max_src_length": 4, "min_output_ratio": 0.5, "max_output_length": 5},
    {"long_src": "truncate_left", "max_src_length": 4, "alignment_method": "shift_threshold", "max_batch_items": 7},
]
BASE = {"tgt_lang": "en", "src_vocab_size": 40, "tgt_vocab_size": 40}
WIDTHS = {"embed_width": 16, "hidden_width": 24, "dropout_prob": 0.0}


def digest(value: Any) -> str:
    return hashlib.sha256(_bytes(value)).hexdigest()


def _bytes(value: Any) -> bytes:
    if isinstance(value, numpy.ndarray):
        return repr((value.dtype.str, value.shape)).encode() + value.tobytes()
    if isinstance(value, (list, tuple)):
        return b"[" + b",".join(_bytes(item) for item in value) + b"]"
    if isinstance(value, dict):
        return b"{" + b",".join(_bytes(key) + b":" + _bytes(item) for key, item in value.items()) + b"}"
    if isinstance(value, float):
        return numpy.float64(value).tobytes()
    return repr(value).encode()


def trained(config: Dict[str, Any]):
    fix_random_seed(0)
    torch.manual_seed(0)
    nlp = spacy.blank("fr")
    settings = {key: value for key, value in config.items() if key != "model"}
    nlp.add_pipe("seq2seq_attn", config={
        **BASE, **settings, "beam_size": 1, "model": {**WIDTHS, **config.get("model", {})},
    })
    examples = []
    for source, target in PAIRS:
        reference = nlp.make_doc(source)
        reference._.translation = target
        examples.append(Example(nlp.make_doc(source), reference))
    nlp.initialize(lambda: examples)
    optimizer = Adam(0.01)
    losses = []
    for _ in range(3):
        step: Dict[str, float] = {}
        nlp.update(examples, sgd=optimizer, losses=step)
        losses.append(step["seq2seq_attn"])
    return nlp, losses


def decoded(nlp, decoding: Dict[str, Any]) -> List[Any]:
    pipe = nlp.get_pipe("seq2seq_attn")
    saved = pipe.settings
    pipe.settings = replace(saved, **{"beam_size": 5, "alignment_method": "argmax", **decoding})
    try:
        names = list(extension_names("translation").values())
        return [[doc._.get(name) for name in names] for doc in nlp.pipe(SOURCES, batch_size=4)]
    finally:
        pipe.settings = saved


def network_fingerprints() -> Iterator[Tuple[str, str]]:
    for index, config in enumerate(NETWORKS):
        nlp, losses = trained(config)
        weights = srsly.msgpack_loads(nlp.get_pipe("seq2seq_attn").to_bytes())
        yield f"network {index} {json.dumps(config, sort_keys=True)}", digest([losses, weights])
        decodings = DECODINGS + (EXTRA_DECODINGS if index in (0, 13, 19) else [])
        if config.get("alignment_method") == "head":
            decodings = [dict(decoding, alignment_method="head" if i % 2 else "head_threshold") for i, decoding in enumerate(decodings)]
        for decoding in decodings:
            yield f"  decode {index} {json.dumps(decoding, sort_keys=True)}", digest(decoded(nlp, decoding))


READER_FILES = {
    "pairs.tsv": "le chat\tthe cat\tx\n\tvide\nun  chien noir mange\ta black dog eats\ttrois\n"
                 "trop long ici vraiment\tfar too long\n",
    "pairs.jsonl": '{"src": "le chat", "tgt": "the cat", "a": "un", "b": "one"}\n'
                   '{"src": "", "tgt": "x"}\n{"a": "deux chats", "b": "two cats"}\n',
    "src.txt": "le chat dort\nun chien\n\nnoir\n",
    "tgt.txt": "the cat sleeps\na dog\nx\nblack\n",
    "links.txt": "0-0 1-1 2-2\n0-1 1-0\n\n0-0\n",
}
READERS: List[Dict[str, Any]] = [
    {"path": "pairs.tsv"},
    {"path": "pairs.tsv", "src_column": 1, "tgt_column": 0},
    {"path": "pairs.tsv", "src_column": 2, "tgt_column": 0, "max_length": 3},
    {"path": "pairs.tsv", "limit": 1, "field": "summary"},
    {"path": "pairs.jsonl"},
    {"path": "pairs.jsonl", "src_key": "a", "tgt_key": "b"},
    {"path": "src.txt", "tgt_path": "tgt.txt", "pretokenized": True},
    {"path": "src.txt", "tgt_path": "tgt.txt", "pretokenized": True, "alignment_path": "links.txt",
     "format": "lines"},
]


def reader_fingerprints() -> Iterator[Tuple[str, str]]:
    import warnings

    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in READER_FILES.items():
            (folder / name).write_text(text, encoding="utf8")
        nlp = spacy.blank("fr")
        for config in READERS:
            arguments = {
                key: str(folder / value) if key.endswith("path") else value for key, value in config.items()
            }
            reader = spacy.registry.readers.get("spacy-seq2seq.ParallelCorpus.v1")(**arguments)
            field = config.get("field", "translation")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                examples = [
                    (
                        [token.text for token in eg.predicted], [token.text for token in eg.reference],
                        eg.reference._.get(field), eg.reference._.get(f"{field}_alignment"),
                    )
                    for eg in reader(nlp)
                ]
            stats = reader.stats.to_dict() if reader.stats is not None else None
            if stats is not None:
                stats.pop("path", None)
            yield f"reader {json.dumps(config, sort_keys=True)}", digest([examples, stats])


def fingerprints() -> Dict[str, str]:
    torch.set_num_threads(1)
    return dict([*network_fingerprints(), *reader_fingerprints()])


def compare(before: Dict[str, str], after: Dict[str, str]) -> int:
    changed = [key for key in before if before[key] != after.get(key)]
    added = [key for key in after if key not in before]
    for key in changed:
        print(f"CHANGED: {key}")
    for key in added:
        print(f"NEW (not compared): {key}")
    print(f"{len(before) - len(changed)} of {len(before)} configurations identical")
    return 1 if changed else 0


def main(argv: List[str]) -> int:
    if argv[:1] == ["--compare"]:
        before, after = (srsly.read_json(path) for path in argv[1:3])
        return compare(before, after)
    result = fingerprints()
    srsly.write_json(argv[0], result)
    print(f"{len(result)} configurations fingerprinted into {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
