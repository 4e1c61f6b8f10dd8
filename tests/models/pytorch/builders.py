"""Builders the tests of the torch network share: small configurations,
networks with large random weights, padded batches, random sources and
targets, and a network nudged towards EOS for the search tests."""

import functools
from typing import List, Sequence, Tuple

import torch

from spacy_seq2seq.models.pytorch import (
    Constraints,
    RNNAttnSeq2Seq,
    Seq2SeqConfig,
    greedy_search,
)

PAD, BOS, EOS = 0, 2, 3
FIRST_REAL = 4  # ids below are specials (pad, unk, bos, eos)
SRC_VOCAB, TGT_VOCAB = 11, 13


def make_config(**overrides) -> Seq2SeqConfig:
    settings = dict(
        src_vocab_size=SRC_VOCAB, tgt_vocab_size=TGT_VOCAB,
        pad_id=PAD, bos_id=BOS, eos_id=EOS,
        embed_width=8, hidden_width=12, dropout_prob=0.0,
    )
    settings.update(overrides)
    return Seq2SeqConfig(**settings)


def make_model(seed: int = 0, **overrides) -> RNNAttnSeq2Seq:
    """A network in eval mode with large random weights: the default init
    gives an untrained network nearly constant outputs, which would make
    comparisons between two computations weak."""
    torch.manual_seed(seed)
    model = RNNAttnSeq2Seq(make_config(**overrides))
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.uniform_(-1.0, 1.0)
        model.encoder.embedding.weight[PAD].zero_()
        model.decoder.embedding.weight[PAD].zero_()
    model.eval()
    return model


def up_to(max_lengths: torch.Tensor, no_repeat_ngram_size: int = 0) -> Constraints:
    """Search constraints with these maximum lengths and no minimum."""
    return Constraints(
        min_lengths=torch.zeros_like(max_lengths), max_lengths=max_lengths,
        no_repeat_ngram_size=no_repeat_ngram_size,
    )


def pad_rows(rows: Sequence[Sequence[int]]) -> Tuple[torch.Tensor, torch.Tensor]:
    lengths = torch.tensor([len(row) for row in rows], dtype=torch.long)
    ids = torch.full((len(rows), int(lengths.max())), PAD, dtype=torch.long)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return ids, lengths


def random_sources(lengths: Sequence[int], seed: int = 1) -> List[List[int]]:
    """EOS-terminated source rows of the given total lengths."""
    generator = torch.Generator().manual_seed(seed)
    return [
        torch.randint(FIRST_REAL, SRC_VOCAB, (n - 1,), generator=generator).tolist() + [EOS]
        for n in lengths
    ]


def random_targets(batch: int, length: int, seed: int = 2) -> torch.Tensor:
    """Decoder inputs: BOS then real pieces, no padding. Shape: (batch, length)."""
    generator = torch.Generator().manual_seed(seed)
    body = torch.randint(FIRST_REAL, TGT_VOCAB, (batch, length - 1), generator=generator)
    return torch.cat([torch.full((batch, 1), BOS, dtype=torch.long), body], dim=1)


SEARCH_SOURCES = random_sources([6, 2, 5, 3, 7, 4], seed=5)
SEARCH_LIMITS = [9, 1, 5, 0, 8, 3]


@functools.lru_cache(maxsize=None)
def biased_model(attention: str, cell: str, input_feeding: bool = True) -> RNNAttnSeq2Seq:
    """An untrained model nudged towards EOS, so that in SEARCH_SOURCES some
    rows end on their own and others run into their length limit.

    The nudge is found by a scan rather than hard-coded, so the setup does
    not depend on the exact random weights.
    """
    src_ids, src_lengths = pad_rows(SEARCH_SOURCES)
    limits = torch.tensor(SEARCH_LIMITS)
    for seed in range(20):
        model = make_model(seed=seed, attention=attention, cell=cell, input_feeding=input_feeding)
        for _ in range(60):
            hypotheses = greedy_search(model, src_ids, src_lengths, constraints=up_to(limits))
            lengths = [len(h.ids) for h in hypotheses]
            by_eos = sum(n < limit for n, limit in zip(lengths, SEARCH_LIMITS))
            at_limit = sum(n == limit > 0 for n, limit in zip(lengths, SEARCH_LIMITS))
            if by_eos >= 2 and at_limit >= 1 and len(set(lengths)) >= 3:
                return model
            with torch.no_grad():
                model.decoder.output.bias[EOS] += 0.05
    raise AssertionError("no EOS bias gives a mix of endings")  # pragma: no cover


def teacher_forced_check(model, src_row: List[int], ids: List[int]):
    """Logits and attention of a teacher-forced pass over BOS + ids."""
    src_ids, src_lengths = pad_rows([src_row])
    tgt_in = torch.tensor([[BOS] + ids], dtype=torch.long)
    with torch.no_grad():
        logits, weights, *_ = model(src_ids, src_lengths, tgt_in)
    return logits[0], None if weights is None else weights[0]


def assert_attention_of(hypothesis, weights, src_row: List[int], attention: str) -> None:
    """A search's attention is one row per decoder step (the EOS step last)
    over this row's source only, as the teacher-forced pass (`weights`, from
    `teacher_forced_check`) over the hypothesis' ids + EOS gives it; None
    without attention."""
    if attention == "none":
        assert hypothesis.attention is None
        return
    n_steps = len(hypothesis.ids) + 1
    assert hypothesis.attention.shape == (n_steps, len(src_row))
    torch.testing.assert_close(hypothesis.attention, weights[:n_steps], atol=1e-5, rtol=1e-5)
