"""Toy data and helpers shared by the pipeline tests."""

import random
from contextlib import contextmanager
from dataclasses import replace
from typing import Dict, Iterator, List, Optional, Tuple

import spacy
import torch
from spacy.language import Language
from spacy.training import Example
from thinc.api import Adam, fix_random_seed

from spacy_seq2seq.pipeline.extensions import extension_names

# A tiny French -> English task with reordering (adjective after the noun in
# French, before it in English), so attention has something to learn.
TOY_PAIRS: List[Tuple[str, str]] = [
    ("le chat noir dort .", "the black cat sleeps ."),
    ("le chien blanc mange .", "the white dog eats ."),
    ("un chat blanc dort .", "a white cat sleeps ."),
    ("un chien noir mange .", "a black dog eats ."),
    ("le chat mange .", "the cat eats ."),
    ("un chien dort .", "a dog sleeps ."),
]

TOY_CONFIG: Dict = {
    "tgt_lang": "en",
    "src_vocab_size": 60,
    "tgt_vocab_size": 60,
    "model": {"embed_width": 32, "hidden_width": 64, "dropout_prob": 0.0},
}


def make_examples(nlp: Language, pairs=TOY_PAIRS, field: str = "translation") -> List[Example]:
    examples = []
    for source, target in pairs:
        reference = nlp.make_doc(source)
        reference._.set(field, target)
        examples.append(Example(nlp.make_doc(source), reference))
    return examples


def train_toy(
    config: Dict = TOY_CONFIG, n_steps: int = 120, seed: int = 0, pairs=TOY_PAIRS
) -> Tuple[Language, List[float]]:
    """A blank French pipeline with a seq2seq_attn trained on `pairs` (TOY_PAIRS).

    RETURNS (Tuple[Language, List[float]]): The pipeline and the loss per step.
    """
    fix_random_seed(seed)
    torch.manual_seed(seed)
    nlp = spacy.blank("fr")
    nlp.add_pipe("seq2seq_attn", config=config)
    examples = make_examples(nlp, pairs)
    nlp.initialize(lambda: examples)
    optimizer = Adam(0.01)
    history = []
    for _ in range(n_steps):
        losses: Dict[str, float] = {}
        nlp.update(examples, sgd=optimizer, losses=losses)
        history.append(losses["seq2seq_attn"])
    return nlp, history


def copy_of(nlp: Language, **settings) -> Language:
    """A separate toy pipeline with the same weights and changed decoding
    settings (the shared fixture must not be modified)."""
    copy = spacy.blank("fr")
    copy.add_pipe("seq2seq_attn", config={**TOY_CONFIG, **settings})
    copy.get_pipe("seq2seq_attn").from_bytes(nlp.get_pipe("seq2seq_attn").to_bytes())
    return copy


def outputs(doc, field: str = "translation") -> Tuple:
    """All extension values of a Doc, for exact comparisons."""
    return tuple(doc._.get(name) for name in extension_names(field).values())


# Word-for-word number translation with the order reversed: the right word
# alignment of every pair is known (source i <-> target n - 1 - i), and a
# small attention model learns it exactly in a few seconds.
NUMBERS_FR = "un deux trois quatre cinq six sept huit".split()
NUMBERS_EN = "one two three four five six seven eight".split()


def reversal_pairs(n_pairs: int = 80, seed: int = 0) -> List[Tuple[str, str]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(n_pairs):
        words = [rng.randrange(len(NUMBERS_FR)) for _ in range(rng.randint(3, 6))]
        pairs.append((
            " ".join(NUMBERS_FR[w] for w in words),
            " ".join(NUMBERS_EN[w] for w in reversed(words)),
        ))
    return pairs


def reversed_links(n_words: int) -> List[Tuple[int, int]]:
    return [(i, n_words - 1 - i) for i in range(n_words)]


def reversal_pipeline(
    settings: Optional[Dict] = None, model: Optional[Dict] = None, swap: bool = False, seed: int = 0
) -> Language:
    """A blank, seeded pipeline with the small seq2seq_attn the reversal
    tests train, plus any component `settings` and `model` settings."""
    fix_random_seed(seed)
    torch.manual_seed(seed)
    nlp = spacy.blank("en" if swap else "fr")
    nlp.add_pipe("seq2seq_attn", config={
        "tgt_lang": "fr" if swap else "en", "src_vocab_size": 40, "tgt_vocab_size": 40, "beam_size": 1,
        **(settings or {}), "model": {"embed_width": 32, "hidden_width": 64, "dropout_prob": 0.0, **(model or {})},
    })
    return nlp


def train_on(nlp: Language, examples: List[Example], n_steps: int) -> Language:
    """Initialize on the examples, then full-batch Adam steps (lr 0.01)."""
    nlp.initialize(lambda: examples)
    optimizer = Adam(0.01)
    for _ in range(n_steps):
        nlp.update(examples, sgd=optimizer)
    return nlp


def train_reversal(n_steps: int = 150, seed: int = 0, swap: bool = False) -> Language:
    """A blank pipeline whose seq2seq_attn learned `reversal_pairs`:
    French -> English, or English -> French with `swap`."""
    pairs = reversal_pairs()
    if swap:
        pairs = [(tgt, src) for src, tgt in pairs]
    nlp = reversal_pipeline(swap=swap, seed=seed)
    return train_on(nlp, make_examples(nlp, pairs), n_steps)


@contextmanager
def overridden(pipe, **changes) -> Iterator[None]:
    """The component's settings changed inside the block (checked, as
    `pipe.settings = replace(...)` always is), and the previous settings
    object back after it: fixtures are shared by a module's tests."""
    saved = pipe.settings
    pipe.settings = replace(saved, **changes)
    try:
        yield
    finally:
        pipe.settings = saved


# Adjective/noun reordering (French "chat noir" -> English "black cat"),
# with enough variety that a statistical aligner (the eflomal teacher) has
# something to count: 2 x 6 x 6 x 3 = 216 pairs of the form
# le(0) NOUN(1) ADJ(2) VERB(3) .(4) -> the(0) ADJ(1) NOUN(2) VERB(3) .(4).
DETERMINERS = [("le", "the"), ("un", "a")]
NOUNS = [("chat", "cat"), ("chien", "dog"), ("oiseau", "bird"), ("cheval", "horse"), ("lapin", "rabbit"),
         ("poisson", "fish")]
ADJECTIVES = [("noir", "black"), ("blanc", "white"), ("rouge", "red"), ("vert", "green"), ("petit", "small"),
              ("gros", "fat")]
VERBS = [("dort", "sleeps"), ("mange", "eats"), ("court", "runs")]
# The content words' links, (source_i, target_j). Where "le" and "." always
# meet "the" and ".", their links are a coin toss for any aligner.
CONTENT_LINKS = {(1, 2), (2, 1), (3, 3)}


def adjective_noun_pairs() -> List[Tuple[str, str]]:
    pairs = []
    for det_fr, det_en in DETERMINERS:
        for noun_fr, noun_en in NOUNS:
            for adj_fr, adj_en in ADJECTIVES:
                for verb_fr, verb_en in VERBS:
                    pairs.append((f"{det_fr} {noun_fr} {adj_fr} {verb_fr} .", f"{det_en} {adj_en} {noun_en} {verb_en} ."))
    return pairs
