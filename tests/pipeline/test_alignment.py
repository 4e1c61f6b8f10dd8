"""Forced alignment, alignment methods and target-side spaCy objects, on a
toy model whose right alignment is known (number reversal)."""

import numpy
import pytest
from spacy.tokens import Doc, DocBin, Span
from toy_data import TOY_PAIRS, overridden, reversal_pairs, reversed_links

from spacy_seq2seq.alignment import flip, symmetrize
from spacy_seq2seq.alignment.projection import project_entities, project_spans
from spacy_seq2seq.pipeline.forced import (
    align_word_lists,
    linking_weights_for_word_lists,
)

# Pairs the model never saw, plus training pairs.
UNSEEN = [("huit un deux sept", "seven two one eight"), ("cinq cinq trois", "three five five")]


def aligned(pipe, src: str, target, **options) -> Doc:
    return pipe.align([Doc(pipe.vocab, words=src.split())], [target], **options)[0]


def test_forced_alignment_recovers_the_known_alignment(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    pairs = reversal_pairs()[:30] + UNSEEN
    for src, tgt in pairs:
        gold = reversed_links(len(src.split()))
        # The three kinds of target give the same words and links.
        for target in (tgt, tgt.split(), Doc(reversal_model.vocab, words=tgt.split())):
            doc = aligned(pipe, src, target)
            assert doc._.translation == tgt
            assert doc._.translation_tokens == tgt.split()
            assert doc._.translation_alignment == gold, (src, tgt)


def test_forced_pass_reproduces_decoding(trained_toy):
    """Aligning a model's own output gives back its decode-time alignment,
    attention and score: the forced pass and the search see the same steps."""
    nlp, _ = trained_toy
    pipe = nlp.get_pipe("seq2seq_attn")
    for beam_size in (1, 3):
        with overridden(pipe, beam_size=beam_size):
            decoded = list(nlp.pipe([src for src, _ in TOY_PAIRS]))
        forced = pipe.align([nlp.make_doc(d.text) for d in decoded], [d._.translation for d in decoded])
        for d, f in zip(decoded, forced):
            assert f._.translation_tokens == d._.translation_tokens
            assert f._.translation_alignment == d._.translation_alignment
            numpy.testing.assert_allclose(f._.translation_attention, d._.translation_attention, atol=1e-5)
            assert f._.translation_nbest[0][1] == pytest.approx(d._.translation_nbest[0][1], abs=1e-4)


def test_forced_scores_rank_the_right_target_first(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    src = "un deux trois"
    right, wrong = aligned(pipe, src, "three two one"), aligned(pipe, src, "one two three")
    assert right._.translation_nbest[0][1] > wrong._.translation_nbest[0][1]


def test_shift_reads_the_step_where_the_word_is_input(reversal_model):
    """The reversal model attends, while outputting target word j, to its
    source word n-1-j; at the next step (shift) it already looks at the
    source of word j+1, n-2-j. So shift links are known too."""
    pipe = reversal_model.get_pipe("seq2seq_attn")
    for src, tgt in reversal_pairs()[:20]:
        n = len(src.split())
        links = aligned(pipe, src, tgt.split(), method="shift")._.translation_alignment
        assert [link for link in links if link[1] < n - 1] == [(n - 2 - j, j) for j in range(n - 1)][::-1]


def test_threshold_methods(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    src, tgt = UNSEEN[0]
    n = len(src.split())
    everything = aligned(pipe, src, tgt, method="threshold", threshold=0.0)._.translation_alignment
    assert everything == [(i, j) for i in range(n) for j in range(n)]
    sharp = aligned(pipe, src, tgt, method="threshold", threshold=0.5)._.translation_alignment
    assert sharp == reversed_links(n)  # the toy's attention is peaked above 0.5
    doc = aligned(pipe, src, tgt, method="threshold", threshold=0.5)
    attention = numpy.asarray(doc._.translation_attention)
    assert sorted(zip(*numpy.nonzero(attention.T >= 0.5))) == sharp


def test_method_comes_from_the_config(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    src, _ = UNSEEN[0]
    argmax = reversal_model(src)._.translation_alignment
    with overridden(pipe, alignment_method="shift"):
        shifted = reversal_model(src)._.translation_alignment
    assert argmax == reversed_links(4)
    assert shifted != argmax and [link for link in shifted if link[1] < 3] == [(2, 0), (1, 1), (0, 2)][::-1]


def test_bad_alignment_input_is_named(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    doc = Doc(pipe.vocab, words=["un", "deux"])
    with pytest.raises(ValueError, match="E014"):
        pipe.align([doc], ["two one", "one"])
    with pytest.raises(ValueError, match="whitespace"):
        pipe.align([doc], [["two one", "one"]])
    with pytest.raises(ValueError, match="E003"):
        pipe.align([doc], ["two one"], method="diagonal")
    with pytest.raises(ValueError, match="alignment_threshold"):
        pipe.align([doc], ["two one"], method="threshold", threshold=1.5)


def test_empty_source_keeps_the_target_with_no_links(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    empty, normal = pipe.align([Doc(pipe.vocab, words=[]), Doc(pipe.vocab, words=["un"])], ["one two", "one"])
    assert (empty._.translation, empty._.translation_tokens, empty._.translation_alignment) == ("one two", ["one", "two"], [])
    assert empty._.translation_nbest == []
    assert normal._.translation_alignment == [(0, 0)]


def test_target_doc_aligned_tokens_and_projection(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    doc = aligned(pipe, "un deux trois quatre", "four three two one")
    assert [token._.translation_aligned for token in doc] == [[3], [2], [1], [0]]
    target = doc._.translation_doc
    assert target.text == "four three two one" and target.vocab.lang == "en"
    span = Span(doc, 1, 3, label="PAIR")  # deux trois
    projection = span._.translation_projection
    assert (projection.text, projection.label_) == ("three two", "PAIR")
    doc.ents = [Span(doc, 0, 1, label="A"), Span(doc, 3, 4, label="B")]
    target, counts = project_entities(doc, "translation", "en")
    assert [(e.text, e.label_) for e in target.ents] == [("four", "B"), ("one", "A")]
    assert counts == {"projected": 2, "unaligned": 0, "overlapping": 0}
    _, spans = project_spans(doc, [Span(doc, 0, 2), Span(doc, 2, 4)], "translation", "en")
    assert [s.text for s in spans] == ["two one", "four three"]


def test_projection_counts_unaligned_and_overlapping(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    doc = aligned(pipe, "un deux trois", "three two one", method="threshold", threshold=0.99)
    linked = {i for i, _ in doc._.translation_alignment}
    unlinked = [i for i in range(3) if i not in linked]
    doc.ents = [Span(doc, i, i + 1, label="X") for i in range(3)]
    target, counts = project_entities(doc, "translation", "en")
    assert counts["unaligned"] == len(unlinked)
    assert counts["projected"] + counts["unaligned"] + counts["overlapping"] == 3


def test_alignment_objects_survive_docbin(reversal_model):
    pipe = reversal_model.get_pipe("seq2seq_attn")
    doc = aligned(pipe, "un deux trois", "three two one")
    doc.ents = [Span(doc, 0, 2, label="X")]
    bin_ = DocBin(store_user_data=True)
    bin_.add(doc)
    restored = list(DocBin().from_bytes(bin_.to_bytes()).get_docs(reversal_model.vocab))[0]
    assert restored._.translation_alignment == doc._.translation_alignment
    assert restored._.translation_attention == doc._.translation_attention
    assert [t._.translation_aligned for t in restored] == [t._.translation_aligned for t in doc]
    assert restored.ents[0]._.translation_projection.text == doc.ents[0]._.translation_projection.text == "two one"


def test_bidirectional_agreement_on_word_lists(reversal_model, reversal_backward):
    """A target->source model trained on the swapped pairs; its flipped
    links agree with the forward ones, so every symmetrization is exact."""
    backward = reversal_backward
    pairs = reversal_pairs()[:10] + UNSEEN
    sources = [src.split() for src, _ in pairs]
    targets = [tgt.split() for _, tgt in pairs]
    forward = align_word_lists(reversal_model.get_pipe("seq2seq_attn"), sources, targets, batch_size=4)
    reverse = align_word_lists(backward.get_pipe("seq2seq_attn"), targets, sources, batch_size=4)
    for src, f, r in zip(sources, forward, reverse):
        for how in ("intersection", "union", "grow-diag-final-and"):
            assert symmetrize(f, flip(r), how) == reversed_links(len(src))


@pytest.mark.parametrize("extra", ["source", "target"])
def test_word_lists_of_unequal_length_are_an_error(reversal_model, extra):
    """One more sentence on either side is E014, not a shorter result
    (zip would drop the extra target without a word)."""
    pipe = reversal_model.get_pipe("seq2seq_attn")
    pairs = reversal_pairs()[:3]
    sources = [src.split() for src, _ in pairs]
    targets = [tgt.split() for _, tgt in pairs]
    (sources if extra == "source" else targets).append(["one", "two"])
    for run in (align_word_lists, linking_weights_for_word_lists):
        with pytest.raises(ValueError, match="3 source Docs but 4 targets|4 source Docs but 3 targets"):
            run(pipe, sources, targets, batch_size=2)
