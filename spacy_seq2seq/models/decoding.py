"""Decoding many documents: length-bucketed sub-batches, then greedy or beam
search on each, results back in input order."""

from contextlib import contextmanager
from typing import Iterator, List, Optional, Sequence

import torch
from thinc.api import PyTorchShim

from .converters import pad_ids, tensor_to_numpy
from .pytorch import (
    Constraints,
    Hypothesis,
    RNNAttnSeq2Seq,
    Terms,
    beam_search,
    greedy_search,
    output_length_limits,
    output_length_minimums,
)
from .quantization import int8_copy
from .types import DecodeBatch, Decoded, PieceTerms, SearchSettings


def length_buckets(lengths: Sequence[int], max_batch_items: int) -> Iterator[List[int]]:
    """Group row indices by length under a padded-size budget.

    Rows are sorted by length so each sub-batch carries little padding; a
    sub-batch grows while (rows x longest row) stays within the budget, and
    always holds at least one row.

    lengths (Sequence[int]): Length of each row.
    max_batch_items (int): Budget of padded items per sub-batch.
    YIELDS (List[int]): Row indices of one sub-batch.
    """
    order = sorted(range(len(lengths)), key=lambda i: (lengths[i], i))
    bucket: List[int] = []
    for index in order:
        longest = max(lengths[index], lengths[bucket[-1]] if bucket else 0)
        if bucket and (len(bucket) + 1) * longest > max_batch_items:
            yield bucket
            bucket = []
        bucket.append(index)
    if bucket:
        yield bucket


@contextmanager
def eval_mode(module: torch.nn.Module) -> Iterator[None]:
    """Dropout off for the duration, then the module's mode as it was (a
    pipeline may be predicting in the middle of training)."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)


def decode(shim: PyTorchShim, batch: DecodeBatch) -> List[List[Decoded]]:
    """Decode every document of the batch, with the shim's network or, with
    `quantize = "int8"`, its int8 CPU copy (see quantization.py).

    Documents are sorted by length into sub-batches of at most
    `max_batch_items` padded source pieces (divided by the beam size, since
    each document then takes beam_size rows). Decoding is batch-invariant,
    so the grouping changes speed only, never results.

    RETURNS (List[List[Decoded]]): Per document, in input order, its n-best
        outputs, best first.
    """
    settings = batch.search
    if batch.quantize == "int8":
        module, device = int8_copy(shim), torch.device("cpu")
    else:
        module, device = shim._model, shim.device
    results: List[Optional[List[Decoded]]] = [None] * len(batch.src)
    lengths = [len(src) for src in batch.src]
    budget = max(1, batch.max_batch_items // settings.beam_size)
    with eval_mode(module):
        for rows in length_buckets(lengths, budget):
            src_ids, src_lengths = pad_ids(
                [batch.src[i] for i in rows], pad_id=module.config.pad_id, device=device
            )
            limits = output_length_limits(
                src_lengths, max_output_length=settings.max_output_length,
                max_output_ratio=settings.max_output_ratio,
            )
            terms = None if batch.terms is None else [batch.terms[i] for i in rows]
            found = _search(module, src_ids, src_lengths, limits, settings, terms, batch.glued_ids)
            for row, hypotheses, limit in zip(rows, found, limits.tolist()):
                results[row] = [_to_decoded(hypothesis, limit) for hypothesis in hypotheses]
    return results  # type: ignore[return-value]


def _search(
    module: RNNAttnSeq2Seq, src_ids, src_lengths, max_lengths, settings: SearchSettings,
    terms: Optional[List[PieceTerms]] = None, glued_ids: Sequence[int] = (),
) -> List[List[Hypothesis]]:
    constraints = Constraints(
        min_lengths=output_length_minimums(
            src_lengths, min_output_length=settings.min_output_length,
            min_output_ratio=settings.min_output_ratio, max_lengths=max_lengths,
        ),
        max_lengths=max_lengths,
        no_repeat_ngram_size=settings.no_repeat_ngram_size,
    )
    term_tensors = None if terms is None else Terms.from_lists(
        [t.positive for t in terms], [t.negative for t in terms], glued=glued_ids
    )
    if term_tensors is not None and settings.beam_size == 1:
        return _split_greedy_search(module, src_ids, src_lengths, constraints, settings, terms, term_tensors)
    if settings.beam_size == 1:
        greedy = greedy_search(
            module, src_ids, src_lengths, constraints=constraints,
            length_alpha=settings.length_alpha, coverage_penalty=settings.coverage_penalty,
        )
        return [[hypothesis] for hypothesis in greedy]
    return beam_search(
        module, src_ids, src_lengths, constraints=constraints,
        beam_size=settings.beam_size, length_alpha=settings.length_alpha,
        n_best=settings.n_best, coverage_penalty=settings.coverage_penalty, terms=term_tensors,
    )


def _split_greedy_search(
    module: RNNAttnSeq2Seq, src_ids, src_lengths, constraints: Constraints, settings: SearchSettings,
    terms: List[PieceTerms], term_tensors: Terms,
) -> List[List[Hypothesis]]:
    """beam_size 1 with terms: documents with terms get a beam of one with
    bank allocation (terms need it), the others plain greedy search, each
    search on its own rows (both are batch-invariant, so a document's
    result does not depend on the split)."""
    results: List[Optional[List[Hypothesis]]] = [None] * len(terms)
    with_terms = [i for i, t in enumerate(terms) if t]
    without = [i for i, t in enumerate(terms) if not t]
    for rows, constrained in ((with_terms, True), (without, False)):
        if not rows:
            continue
        index = torch.tensor(rows, dtype=torch.long)
        lengths = src_lengths.index_select(0, index)
        ids = src_ids.index_select(0, index.to(src_ids.device))[:, : int(lengths.max())]
        part = Constraints(
            min_lengths=constraints.min_lengths.index_select(0, index),
            max_lengths=constraints.max_lengths.index_select(0, index),
            no_repeat_ngram_size=constraints.no_repeat_ngram_size,
        )
        if constrained:
            found = beam_search(
                module, ids, lengths, constraints=part, beam_size=1, length_alpha=settings.length_alpha,
                coverage_penalty=settings.coverage_penalty, terms=term_tensors.select(index),
            )
        else:
            found = [[h] for h in greedy_search(
                module, ids, lengths, constraints=part, length_alpha=settings.length_alpha,
                coverage_penalty=settings.coverage_penalty,
            )]
        for row, hypotheses in zip(rows, found):
            results[row] = hypotheses
    return results  # type: ignore[return-value]


def _to_decoded(hypothesis: Hypothesis, limit: int) -> Decoded:
    return Decoded(
        ids=hypothesis.ids,
        score=hypothesis.score,
        attention=None if hypothesis.attention is None else tensor_to_numpy(hypothesis.attention),
        at_length_limit=len(hypothesis.ids) >= limit,
        copy_share=None if hypothesis.copy_share is None else tensor_to_numpy(hypothesis.copy_share),
        unmet_terms=hypothesis.unmet_terms, term_ends=hypothesis.term_ends,
    )
