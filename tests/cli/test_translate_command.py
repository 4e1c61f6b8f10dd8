"""`translate`: decoding options reach the component, outputs as text or JSON."""

import json

from typer.testing import CliRunner

from spacy_seq2seq.cli import app

runner = CliRunner()


def test_translate_with_beam_and_nbest(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    result = runner.invoke(app, [
        "translate", str(tmp_path / "model"), "le chat noir dort .", "un chien dort .",
        "--beam-size", "3", "--n-best", "3", "--json",
    ])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["translation"] for line in lines] == ["the black cat sleeps .", "a dog sleeps ."]
    assert all(len(line["nbest"]) == 3 and line["nbest"][0][0] == line["translation"] for line in lines)


def test_min_output_length_reaches_the_decoder(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    pieces = nlp.get_pipe("seq2seq_attn").tgt_pieces
    outputs = {}
    for minimum in (0, 20):
        result = runner.invoke(app, [
            "translate", str(tmp_path / "model"), "un chien dort .", "--min-output-length", str(minimum), "--json",
        ])
        assert result.exit_code == 0, result.output
        outputs[minimum] = json.loads(result.output)["translation"]
    assert outputs[0] == "a dog sleeps ."
    assert len(pieces.encode_text(outputs[0])) < 20 <= len(pieces.encode_text(outputs[20]))


def test_min_output_ratio_reaches_the_decoder_and_the_report(trained_toy, tmp_path):
    """The minimum grows with the source: at 1.5 output pieces per source
    piece the toy's short reference no longer fits, and evaluate records it."""
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    pipe = nlp.get_pipe("seq2seq_attn")
    source = "le chat noir dort ."
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), source, "--min-output-ratio", "1.5", "--json"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.output)["translation"]
    assert output != "the black cat sleeps ."
    assert len(pipe.tgt_pieces.encode_text(output)) >= 1.5 * len(pipe.src_pieces.encode_text(source))
    (tmp_path / "src.txt").write_text(source + "\n", encoding="utf8")
    (tmp_path / "ref.txt").write_text("the black cat sleeps .\n", encoding="utf8")
    result = runner.invoke(app, [
        "evaluate", str(tmp_path / "model"), str(tmp_path / "src.txt"), "--tgt", str(tmp_path / "ref.txt"),
        "--min-output-ratio", "1.5", "--output", str(tmp_path / "scores.json"),
    ])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["decoding"]["min_output_ratio"] == 1.5
    assert scores["translation_bleu"] < 100.0


def test_translate_rejects_invalid_decoding_settings(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), "le chat .", "--beam-size", "2", "--n-best", "3"])
    assert result.exit_code != 0
    assert "n_best" in str(result.exception)


def test_translate_prints_each_output_with_its_links(trained_toy, tmp_path):
    """Plain output: the source, the output, its links as source word ->
    target word, then the other n-best outputs ranked from 2."""
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    (tmp_path / "in.txt").write_text("le chat noir dort .\n", encoding="utf8")
    result = runner.invoke(app, [
        "translate", str(tmp_path / "model"), "--input", str(tmp_path / "in.txt"), "-b", "2", "--n-best", "2",
    ])
    assert result.exit_code == 0, result.output
    doc = nlp("le chat noir dort .")
    lines = result.output.splitlines()
    assert lines[:2] == ["le chat noir dort .", "-> the black cat sleeps ."]
    tokens = doc._.translation_tokens
    assert lines[2] == "   alignment: " + ", ".join(f"{doc[i].text}->{tokens[j]}" for i, j in doc._.translation_alignment)
    assert lines[2].count("->") == len(doc._.translation_alignment) > 0
    assert len(lines) == 4 and lines[3].startswith("   2. ") and lines[3].endswith(")")


def test_translate_with_a_reverse_model_prints_the_combined_links(reversal_model, reversal_backward, tmp_path):
    from spacy_seq2seq.pipeline.bidirectional import translate_symmetric

    reversal_model.to_disk(tmp_path / "fwd")
    reversal_backward.to_disk(tmp_path / "bwd")
    source = "un deux trois quatre"
    result = runner.invoke(app, [
        "translate", str(tmp_path / "fwd"), source, "--reverse-model", str(tmp_path / "bwd"),
        "--symmetrize", "intersection", "--json",
    ])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output.splitlines()[0])
    (doc,) = translate_symmetric(
        reversal_model, reversal_backward.get_pipe("seq2seq_attn"), [source], symmetrize="intersection",
    )
    assert [tuple(link) for link in record["alignment"]] == doc._.translation_alignment
    assert doc._.translation_alignment == [(0, 3), (1, 2), (2, 1), (3, 0)]
    bad = runner.invoke(app, ["translate", str(tmp_path / "fwd"), source, "--reverse-model", str(tmp_path / "bwd"),
                              "--symmetrize", "average"])
    assert bad.exit_code != 0 and "--symmetrize must be one of" in bad.output
