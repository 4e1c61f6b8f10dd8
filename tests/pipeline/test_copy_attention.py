"""Copy attention on a task that needs it: names never seen in training must
come out exactly, and the Doc says which source token each was copied from."""

import random

import pytest
import spacy
import torch
from thinc.api import Adam, fix_random_seed
from toy_data import make_examples

LETTERS = "bcdfghjklmnpqrstvwxz"  # no vowels: names share no pieces with the template words


def names(n: int, seed: int):
    rng = random.Random(seed)
    return ["".join(rng.choice(LETTERS) for _ in range(rng.randint(4, 6))).capitalize() for _ in range(n)]


def pairs(people):
    return [(f"je m'appelle {name} .", f"my name is {name} .") for name in people]


def train(copy: bool, n_steps: int = 160):
    fix_random_seed(0)
    torch.manual_seed(0)
    nlp = spacy.blank("fr")
    nlp.add_pipe("seq2seq_attn", config={
        "tgt_lang": "en", "joint_vocab": True, "src_vocab_size": 60, "tgt_vocab_size": 60,
        "beam_size": 1, "max_output_ratio": 3.0,
        "model": {"embed_width": 32, "hidden_width": 64, "dropout_prob": 0.0, "copy_attention": copy},
    })
    examples = make_examples(nlp, pairs(names(120, seed=1)))
    nlp.initialize(lambda: examples)
    optimizer = Adam(0.01)
    for _ in range(n_steps):
        nlp.update(random.Random(_).sample(examples, 32), sgd=optimizer)
    return nlp


@pytest.fixture(scope="module")
def copying():
    return train(copy=True)


def test_unseen_names_are_copied_exactly(copying):
    unseen = [name for name in names(40, seed=99) if name not in set(names(120, seed=1))][:20]
    docs = list(copying.pipe([source for source, _ in pairs(unseen)]))
    right = [doc._.translation == target for doc, (_, target) in zip(docs, pairs(unseen))]
    assert sum(right) >= 0.8 * len(unseen), [doc._.translation for doc in docs]
    for doc, name in zip(docs, unseen):
        if doc._.translation_tokens[-2] != name:
            continue
        # The name (word -2) was copied from the source's name token (token 3).
        assert doc._.translation_copied[-2] == 3, doc._.translation_copied
        # "my name is" comes from the model's own vocabulary.
        assert doc._.translation_copied[:3] == [-1, -1, -1]


def test_copy_sources_survive_a_docbin(copying):
    from spacy.tokens import DocBin

    doc = copying("je m'appelle Brxtk .")
    data = DocBin(docs=[doc], store_user_data=True).to_bytes()
    [restored] = DocBin().from_bytes(data).get_docs(copying.vocab)
    assert restored._.translation_copied == doc._.translation_copied is not None


def test_copy_attention_needs_a_joint_vocabulary():
    nlp = spacy.blank("fr")
    with pytest.raises(ValueError, match="E020"):
        nlp.add_pipe("seq2seq_attn", config={"joint_vocab": False, "model": {"copy_attention": True}})


def test_without_copying_unseen_names_mostly_fail(copying):
    """The guard for the first test: the same task without copy attention."""
    plain = train(copy=False)
    unseen = [name for name in names(40, seed=99) if name not in set(names(120, seed=1))][:20]
    right_plain = sum(
        doc._.translation == target
        for doc, (_, target) in zip(plain.pipe([s for s, _ in pairs(unseen)]), pairs(unseen))
    )
    right_copy = sum(
        doc._.translation == target
        for doc, (_, target) in zip(copying.pipe([s for s, _ in pairs(unseen)]), pairs(unseen))
    )
    assert right_copy > right_plain

