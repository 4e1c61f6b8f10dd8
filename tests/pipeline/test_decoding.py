"""Decoding through the pipeline: n-best on the Doc, batch invariance of
`nlp.pipe`, worker processes, and long Docs split and stitched."""

import itertools
import json
import os
import random
import subprocess
import sys
import textwrap
import warnings

import numpy
import pytest
import spacy
from spacy.tokens import Doc, DocBin
from thinc.api import Adam
from toy_data import TOY_PAIRS, copy_of, make_examples, outputs, overridden

from spacy_seq2seq.models.quantization import int8_copy
from spacy_seq2seq.pipeline.segments import encode_parts

# Every combination of the toy vocabulary: 96 different sources, most of them
# never seen in training, with different lengths.
TEXTS = [
    " ".join(words) + " ."
    for words in itertools.product(
        ["le", "un"], ["chat", "chien"], ["noir", "blanc", ""], ["dort", "mange"], ["", "vite"]
    )
]
TEXTS = [" ".join(text.split()) for text in TEXTS]


@pytest.fixture(scope="module")
def beam_nlp(trained_toy):
    return copy_of(trained_toy[0], beam_size=4, n_best=3)


def test_nbest_is_on_the_doc_with_alignment_and_attention(beam_nlp):
    doc = beam_nlp("le chien noir dort .")
    nbest = doc._.translation_nbest
    assert len(nbest) == 3
    assert nbest[0][0] == doc._.translation
    scores = [score for _, score in nbest]
    assert scores == sorted(scores, reverse=True) and scores[0] < 0.0
    assert len({text for text, _ in nbest}) == 3
    assert doc._.translation_nbest_tokens[0] == doc._.translation_tokens
    assert doc._.translation_nbest_alignment[0] == doc._.translation_alignment
    assert doc._.translation_nbest_attention[0] == doc._.translation_attention
    for (text, _), tokens, alignment, attention in zip(
        nbest, doc._.translation_nbest_tokens, doc._.translation_nbest_alignment,
        doc._.translation_nbest_attention,
    ):
        assert tokens == text.split()
        assert len(attention) == len(tokens) and all(len(row) == len(doc) for row in attention)
        assert {j for _, j in alignment} <= set(range(len(tokens)))
        for i, j in alignment:
            assert attention[j][i] == max(attention[j])
    # The n-best values survive a DocBin round trip unchanged.
    doc_bin = DocBin(store_user_data=True)
    doc_bin.add(doc)
    (restored,) = DocBin().from_bytes(doc_bin.to_bytes()).get_docs(beam_nlp.vocab)
    assert outputs(restored) == outputs(doc)


@pytest.mark.parametrize("beam_size", [1, 4])
def test_pipe_is_batch_invariant(trained_toy, beam_size):
    """Same outputs, bit for bit, whatever the batch size and order."""
    nlp = copy_of(trained_toy[0], beam_size=beam_size, n_best=min(2, beam_size))
    texts = TEXTS[:64]
    reference = [outputs(doc) for doc in nlp.pipe(texts, batch_size=64)]
    assert len({ref[0] for ref in reference}) > 10  # not all the same output
    for batch_size in (1, 7):
        assert [outputs(doc) for doc in nlp.pipe(texts, batch_size=batch_size)] == reference
    order = list(range(len(texts)))
    random.Random(1).shuffle(order)
    shuffled = [outputs(doc) for doc in nlp.pipe([texts[i] for i in order], batch_size=64)]
    assert [shuffled[order.index(i)] for i in range(len(texts))] == reference
    # A small sub-batch budget splits the batch differently: same outputs.
    with overridden(nlp.get_pipe("seq2seq_attn"), max_batch_items=40):
        assert [outputs(doc) for doc in nlp.pipe(texts, batch_size=64)] == reference


def test_pipe_with_two_processes(trained_toy, tmp_path):
    """spaCy forks its workers; torch's OpenMP pool must not hang them."""
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    script = textwrap.dedent(f"""
        import json, spacy
        nlp = spacy.load({str(tmp_path / "model")!r})
        texts = {TEXTS[:24]!r}
        one = [d._.translation for d in nlp.pipe(texts)]  # torch threads start here
        two = [d._.translation for d in nlp.pipe(texts, n_process=2, batch_size=5)]
        print(json.dumps({{"one": one, "two": two}}))
    """)
    env = {**os.environ, "OMP_NUM_THREADS": "2"}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=180, env=env
    )
    assert result.returncode == 0, result.stderr[-2000:]
    translations = json.loads(result.stdout.strip().splitlines()[-1])
    assert translations["two"] == translations["one"]
    assert len(set(translations["one"])) > 5


def sentence_texts():
    return ["le chat noir dort .", "un chien blanc mange .", "le chat mange ."]


def test_long_doc_is_decoded_by_sentence_and_stitched(trained_toy):
    nlp, _ = trained_toy
    sentences = sentence_texts()
    pieces = nlp.get_pipe("seq2seq_attn").src_pieces
    longest = max(len(encode_parts(nlp.make_doc(s), pieces, 1000)[0].ids) for s in sentences)
    split = copy_of(nlp, max_src_length=longest, beam_size=1)
    whole = copy_of(nlp, beam_size=1)
    doc = split(" ".join(sentences))
    # The same as decoding each sentence on its own...
    alone = [whole(sentence) for sentence in sentences]
    assert doc._.translation == " ".join(d._.translation for d in alone)
    assert doc._.translation_tokens == [t for d in alone for t in d._.translation_tokens]
    # ...with alignments shifted to the original Doc's tokens and words.
    expected, token_offset, word_offset = [], 0, 0
    for d in alone:
        expected += [(i + token_offset, j + word_offset) for i, j in d._.translation_alignment]
        token_offset += len(d)
        word_offset += len(d._.translation_tokens)
    assert sorted(doc._.translation_alignment) == sorted(expected)
    assert len(doc._.translation_attention) == len(doc._.translation_tokens)
    assert all(len(row) == len(doc) for row in doc._.translation_attention)
    assert doc._.translation_nbest == [(doc._.translation, pytest.approx(sum(d._.translation_nbest[0][1] for d in alone)))]
    # Without the split, it is one input: different from the stitched output.
    assert whole(" ".join(sentences))._.translation_attention != doc._.translation_attention


def test_doc_sents_decide_the_parts(trained_toy):
    nlp, _ = trained_toy
    pieces = nlp.get_pipe("seq2seq_attn").src_pieces
    words = "le chat noir dort . un chien mange .".split()
    # Boundaries at odd places: the parts must follow them, not the periods.
    doc = Doc(nlp.vocab, words=words, sent_starts=[True, False, False, True, False, False, False, False, False])
    parts = encode_parts(doc, pieces, max_src_length=len(encode_parts(doc, pieces, 1000)[0].ids) - 1)
    assert [sorted({o for o in part.owners if o >= 0}) for part in parts] == [[0, 1, 2], [3, 4, 5, 6, 7, 8]]


def test_too_long_sentence_is_cut_into_windows_with_a_warning(trained_toy):
    nlp, _ = trained_toy
    pieces = nlp.get_pipe("seq2seq_attn").src_pieces
    doc = nlp.make_doc("le chat noir dort et le chien blanc mange et un chat dort")
    with pytest.warns(UserWarning, match=r"\[W002\].*tokens 0-13"):
        parts = encode_parts(doc, pieces, max_src_length=8)
    assert len(parts) > 1 and all(len(part.ids) <= 8 for part in parts)
    owners = [o for part in parts for o in part.owners if o >= 0]
    # Every token is decoded, once, in order: nothing dropped.
    assert sorted(set(owners)) == list(range(len(doc))) and owners == sorted(owners)
    split = copy_of(nlp, max_src_length=8, beam_size=1)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        translated = split(doc)
    # W002 for the cut; the toy model, never trained on such windows, may
    # also run into the output limit there (W004), which is said too.
    codes = {str(w.message)[:6] for w in record}
    assert "[W002]" in codes and codes <= {"[W002]", "[W004]"}
    # The output is the windows' outputs, each decoded on its own, stitched.
    whole = copy_of(nlp, beam_size=1)
    alone = []
    for part in parts:
        tokens = [o for o in part.owners if o >= 0]
        window = doc[tokens[0] : tokens[-1] + 1].as_doc()
        assert encode_parts(window, pieces, 1000)[0].ids.tolist() == part.ids.tolist()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # W004 again, if at all
            alone.append(whole(window))
    assert translated._.translation == " ".join(d._.translation for d in alone)
    assert translated._.translation_tokens == [t for d in alone for t in d._.translation_tokens]
    assert translated._.translation_tokens


def test_outputs_cut_by_the_length_limit_are_reported(trained_toy):
    nlp, _ = trained_toy
    short = copy_of(nlp, max_output_length=3, beam_size=1)
    with pytest.warns(UserWarning, match=r"\[W004\].*1 of 1 outputs.*max_output_length=3.*doc 1 \(tokens 0-5: 'le chat noir dort \.'\)"):
        docs = list(short.pipe(["  ", "le chat noir dort ."]))
    assert len(docs[1]._.translation_tokens) < 5


def test_token_with_too_many_pieces_is_cut_with_a_warning(trained_toy):
    nlp, _ = trained_toy
    pieces = nlp.get_pipe("seq2seq_attn").src_pieces
    doc = nlp.make_doc("le " + "chatchienblancnoirmange" * 2 + " dort")
    n_pieces = len(pieces.encode_token(doc[1].text))
    assert n_pieces > 6
    with pytest.warns(UserWarning) as record:
        parts = encode_parts(doc, pieces, max_src_length=6)
    messages = " ".join(str(w.message) for w in record)
    assert "[W003] Token 1" in messages and f"{n_pieces} source pieces" in messages
    assert sum(o == 1 for part in parts for o in part.owners) == 5
    assert {o for part in parts for o in part.owners if o >= 0} == {0, 1, 2}


def test_short_docs_are_not_split(trained_toy):
    nlp, _ = trained_toy
    pieces = nlp.get_pipe("seq2seq_attn").src_pieces
    doc = nlp.make_doc("le chat dort . le chien mange .")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(encode_parts(doc, pieces, max_src_length=128)) == 1
    assert encode_parts(nlp.make_doc("  "), pieces, 128) == []


def test_int8_decoding_translates_and_keeps_fp32_weights(trained_toy):
    nlp, _ = trained_toy
    fp32 = copy_of(nlp, beam_size=1)
    int8 = copy_of(nlp, beam_size=1, quantize="int8")
    saved = int8.get_pipe("seq2seq_attn").to_bytes()
    texts = [source for source, _ in TOY_PAIRS]
    expected = [doc._.translation for doc in fp32.pipe(texts)]
    quantized = list(int8.pipe(texts))
    # Tiny quality loss allowed; on the toy pairs it must still be right.
    assert [doc._.translation for doc in quantized] == expected
    for doc, reference in zip(quantized, fp32.pipe(texts)):
        assert numpy.allclose(doc._.translation_attention, reference._.translation_attention, atol=0.05)
    # The network really is quantized, and nothing int8 reaches the saved bytes.
    shim = int8.get_pipe("seq2seq_attn").model.shims[0]
    copy = int8_copy(shim)
    for layer in (copy.encoder.rnn, copy.decoder.rnn, copy.decoder.output):
        assert ".quantized.dynamic." in type(layer).__module__, type(layer)
    assert int8.get_pipe("seq2seq_attn").to_bytes() == saved


def test_int8_copy_follows_weight_updates(trained_toy):
    nlp, _ = trained_toy
    int8 = copy_of(nlp, beam_size=1, quantize="int8")
    s2s = int8.get_pipe("seq2seq_attn")
    shim = s2s.model.shims[0]
    before = int8_copy(shim)
    assert int8_copy(shim) is before  # cached
    examples = make_examples(int8)
    int8.update(examples, sgd=Adam(0.01))
    after = int8_copy(shim)
    assert after is not before
    # After reloading the original weights, decoding uses them again, not
    # the copy of the updated ones.
    texts = [source for source, _ in TOY_PAIRS]
    updated = [outputs(doc) for doc in int8.pipe(texts)]
    s2s.from_bytes(nlp.get_pipe("seq2seq_attn").to_bytes())
    fresh = copy_of(nlp, beam_size=1, quantize="int8")
    reloaded = [outputs(doc) for doc in int8.pipe(texts)]
    assert reloaded == [outputs(doc) for doc in fresh.pipe(texts)]
    assert reloaded != updated


def test_invalid_quantize_setting_names_the_options():
    with pytest.raises(ValueError, match=r"\[E003\].*quantize.*none, int8"):
        spacy.blank("fr").add_pipe("seq2seq_attn", config={"quantize": "fp16"})


@pytest.mark.gpu
def test_beam_search_on_gpu_gives_the_cpu_outputs(trained_toy):
    from gpu_support import CPU_TOLERANCE, DRY_RUN, GPU, thinc_on_gpu

    nlp, _ = trained_toy
    texts = TEXTS[:32]
    cpu = [doc._.translation_nbest for doc in copy_of(nlp, beam_size=4, n_best=2).pipe(texts)]
    with thinc_on_gpu():
        on_gpu = copy_of(nlp, beam_size=4, n_best=2)
        module = on_gpu.get_pipe("seq2seq_attn").model.shims[0]._model
        assert next(module.parameters()).device.type == GPU.type
        gpu = [doc._.translation_nbest for doc in on_gpu.pipe(texts)]
        if not DRY_RUN:  # int8 is a CPU feature: refused when the GPU copy is built
            with pytest.raises(ValueError, match=r"\[E060\].*int8"):
                copy_of(nlp, quantize="int8")
    assert [[text for text, _ in nbest] for nbest in gpu] == [[text for text, _ in nbest] for nbest in cpu]
    for gpu_nbest, cpu_nbest in zip(gpu, cpu):
        assert [score for _, score in gpu_nbest] == pytest.approx([score for _, score in cpu_nbest], abs=CPU_TOLERANCE)


def test_beam_search_never_scores_below_greedy_on_the_toy_pairs(trained_toy):
    """A regression: stopping after beam_size finished hypotheses (fairseq's
    rule) let poor early endings crowd out "a dog sleeps ." for beam 3."""
    nlp, _ = trained_toy
    greedy = copy_of(nlp, beam_size=1, length_alpha=0.0)
    beam = copy_of(nlp, beam_size=3, n_best=3, length_alpha=0.0)
    for source, target in TOY_PAIRS:
        greedy_best = greedy(source)._.translation_nbest[0]
        beam_best = beam(source)._.translation_nbest[0]
        assert greedy_best[0] == target
        assert beam_best[1] >= greedy_best[1] - 1e-6
        assert beam_best[0] == target


def test_length_limit_warnings_are_capped_per_call(trained_toy):
    """Every batch hits the limit here; one nlp.pipe call says so at most
    MAX_CUT_WARNINGS times, the last one saying the rest are not reported,
    and the next call starts again."""
    import warnings

    from spacy_seq2seq.pipeline.seq2seq_attn import MAX_CUT_WARNINGS

    nlp, _ = trained_toy
    pipe = nlp.get_pipe("seq2seq_attn")
    with overridden(pipe, max_output_length=2):
        for _ in range(2):
            with warnings.catch_warnings(record=True) as record:
                warnings.simplefilter("always")
                docs = list(nlp.pipe(["le chat noir dort ."] * 12, batch_size=2))
            messages = [str(w.message) for w in record if "[W004]" in str(w.message)]
            assert len(docs) == 12
            assert len(messages) == MAX_CUT_WARNINGS
            assert "later batches are not reported" in messages[-1]
            assert not any("later batches" in m for m in messages[:-1])
