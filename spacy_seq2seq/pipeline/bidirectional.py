"""Word links for given sentence pairs from one model, or from two models
(source -> target and target -> source) combined: what `python -m
spacy_seq2seq align` writes, callable from Python.

Two directions see different errors, so combining them (symmetrization of
their links, or agreement of their weights) gives better links than either
alone; see `alignment/symmetrize.py` for the combinations themselves.
"""

from typing import Iterable, List, Optional, Sequence, Tuple

from spacy.tokens import Doc

from ..alignment import SYMMETRIZATIONS, agreement, flip
from ..alignment import symmetrize as symmetrize_links
from ..errors import check_choice
from .forced import align_word_lists, linking_weights_for_word_lists

# "agreement" multiplies the two directions' weights instead of combining
# their links, so it needs the weights (and ignores `threshold`).
SYMMETRIZE_OPTIONS = (*SYMMETRIZATIONS, "agreement")


def align_word_pairs(
    pipe,
    sources: Sequence[Sequence[str]],
    targets: Sequence[Sequence[str]],
    *,
    reverse_pipe=None,
    symmetrize: str = "grow-diag-final-and",
    min_product: float = 0.1,
    method: Optional[str] = None,
    threshold: Optional[float] = None,
    batch_size: int = 256,
) -> List[List[Tuple[int, int]]]:
    """Forced alignment of pre-tokenised pairs (no decoding), in one
    direction or, with `reverse_pipe`, in both, combined.

    pipe (Seq2SeqAttn): A trained source -> target component.
    sources, targets (Sequence[Sequence[str]]): Words per pair, used exactly
        as given.
    reverse_pipe (Optional[Seq2SeqAttn]): A target -> source component; None
        aligns with `pipe` alone (and `symmetrize` is not used).
    symmetrize (str): One of SYMMETRIZE_OPTIONS: how the two directions
        are combined, a symmetrization of their links or "agreement" of
        their weights (the names of `align --symmetrize`).
    min_product (float): "agreement": the least product of the two
        directions' weights for a link.
    method (Optional[str]): Overrides the components' `alignment_method`.
    threshold (Optional[float]): Least attention for a link (threshold
        methods; not used by "agreement").
    batch_size (int): Pairs per forced pass.
    RETURNS (List[List[Tuple[int, int]]]): (source_i, target_j) links per pair.
    """
    check_choice("symmetrize", symmetrize, SYMMETRIZE_OPTIONS)
    if reverse_pipe is not None and symmetrize == "agreement":
        forward = linking_weights_for_word_lists(pipe, sources, targets, method=method, batch_size=batch_size)
        reverse = linking_weights_for_word_lists(reverse_pipe, targets, sources, method=method, batch_size=batch_size)
        return [agreement(f, r, min_product) for f, r in zip(forward, reverse)]
    options = dict(method=method, threshold=threshold, batch_size=batch_size)
    links = align_word_lists(pipe, sources, targets, **options)
    if reverse_pipe is None:
        return links
    reverse_links = align_word_lists(reverse_pipe, targets, sources, **options)
    return [symmetrize_links(f, flip(r), symmetrize) for f, r in zip(links, reverse_links)]


def translate_symmetric(
    nlp,
    reverse_pipe,
    texts: Iterable,
    *,
    component: str = "seq2seq_attn",
    symmetrize: str = "grow-diag-final-and",
    min_product: float = 0.1,
    method: Optional[str] = None,
    threshold: Optional[float] = None,
    batch_size: int = 256,
) -> List[Doc]:
    """Translate, then link each output with both directions combined.

    Decoding gives one direction's links; the reverse model force-aligns
    each output back to its source, and the two are combined as
    `align_word_pairs` combines them, on the words the Doc shows (its
    non-space tokens and `_.{field}_tokens`). The combined links replace
    `doc._.{field}_alignment` (so `token._.{field}_aligned` reads them);
    the attention shown is still the forward model's.

    nlp (Language): The source -> target pipeline.
    reverse_pipe (Seq2SeqAttn): A trained target -> source component.
    texts (Iterable[Union[str, Doc]]): What to translate.
    component (str): The name of `nlp`'s seq2seq_attn component.
    symmetrize, min_product, method, threshold, batch_size: As in
        `align_word_pairs` (the links of every direction are recomputed by
        forced passes, so both use the same method).
    RETURNS (List[Doc]): The translated Docs, with the combined links.
    """
    check_choice("symmetrize", symmetrize, SYMMETRIZE_OPTIONS)
    pipe = nlp.get_pipe(component)
    names = pipe.extension_names
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    words_of = [[token for token in doc if not token.is_space] for doc in docs]
    outputs = [list(doc._.get(names["tokens"]) or []) for doc in docs]
    # Pairs with an empty side have no links in any direction.
    aligned = [n for n, (words, output) in enumerate(zip(words_of, outputs)) if words and output]
    links = align_word_pairs(
        pipe, [[token.text for token in words_of[n]] for n in aligned], [outputs[n] for n in aligned],
        reverse_pipe=reverse_pipe, symmetrize=symmetrize, min_product=min_product,
        method=method, threshold=threshold, batch_size=batch_size,
    )
    for doc in docs:
        doc._.set(names["alignment"], [])
    for n, pair_links in zip(aligned, links):
        tokens = words_of[n]
        docs[n]._.set(names["alignment"], sorted((tokens[i].i, j) for i, j in pair_links))
    return docs
