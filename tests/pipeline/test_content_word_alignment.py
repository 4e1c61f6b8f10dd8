"""Content words across reordering (French "chat noir" -> English "black
cat"): a small model trained end to end as a recipe trains, with the
reader's eflomal teacher and a guided alignment head, links every noun,
adjective and verb of held-out pairs right; the generating attention
("argmax") still misses some at the same point of training."""

import random

import pytest
import spacy
import torch
from thinc.api import Adam, fix_random_seed
from toy_data import CONTENT_LINKS, adjective_noun_pairs

from spacy_seq2seq.training.readers import ParallelCorpus

pytest.importorskip("eflomal")


def content_errors(nlp, pairs, method: str) -> float:
    """The share of content words whose links are not exactly the right one."""
    pipe = nlp.get_pipe("seq2seq_attn")
    docs = pipe.align([nlp.make_doc(src) for src, _ in pairs], [tgt for _, tgt in pairs], method=method)
    wrong = 0
    for doc in docs:
        links = doc._.translation_alignment
        for i, j in CONTENT_LINKS:
            wrong += {src for src, tgt in links if tgt == j} != {i}
    return wrong / (len(CONTENT_LINKS) * len(docs))


def test_a_guided_head_links_reordered_content_words(tmp_path):
    fix_random_seed(0)
    torch.manual_seed(0)
    pairs = adjective_noun_pairs()
    random.Random(0).shuffle(pairs)
    held_out, train = pairs[:40], pairs[40:]
    corpus = tmp_path / "train.tsv"
    corpus.write_text("".join(f"{src}\t{tgt}\n" for src, tgt in train), encoding="utf8")
    nlp = spacy.blank("fr")
    nlp.add_pipe("seq2seq_attn", config={
        "tgt_lang": "en", "src_vocab_size": 60, "tgt_vocab_size": 60, "beam_size": 1,
        "guided_alignment_weight": 1.0,
        "model": {"embed_width": 32, "hidden_width": 64, "dropout_prob": 0.0, "alignment_head": True},
    })
    reader = ParallelCorpus(corpus, alignment_teacher="eflomal", teacher_cache_dir=tmp_path / "cache")
    examples = list(reader(nlp))
    nlp.initialize(lambda: examples)
    optimizer = Adam(0.01)
    for _ in range(100):
        nlp.update(examples, sgd=optimizer)
    errors = {method: content_errors(nlp, held_out, method) for method in ("head", "argmax")}
    # 120 content words held out: at most 2 wrong. (Measured: head 0.0,
    # argmax 0.10 after these 100 steps; both get there with more.)
    assert errors["head"] <= 0.02, errors
    assert errors["head"] <= errors["argmax"], errors
