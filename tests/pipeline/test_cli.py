"""The command line: decoding options reach the component."""

import json

import pytest
from toy_data import TOY_PAIRS, reversal_pairs, reversed_links
from typer.testing import CliRunner

from spacy_seq2seq.__main__ import app

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


def test_evaluate_line_aligned_files_and_writes_hypotheses(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in TOY_PAIRS), encoding="utf8")
    (tmp_path / "ref.txt").write_text("".join(t + "\n" for _, t in TOY_PAIRS), encoding="utf8")
    result = runner.invoke(app, [
        "evaluate", str(tmp_path / "model"), str(tmp_path / "src.txt"), "--tgt", str(tmp_path / "ref.txt"),
        "--beam-size", "1", "--output", str(tmp_path / "scores.json"), "--hypotheses", str(tmp_path / "hyp.txt"),
    ])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["decoding"]["beam_size"] == 1 and scores["n_segments"] == len(TOY_PAIRS)
    hypotheses = (tmp_path / "hyp.txt").read_text(encoding="utf8").splitlines()
    assert hypotheses == [nlp(s)._.translation for s, _ in TOY_PAIRS]
    assert hypotheses == [t for _, t in TOY_PAIRS]
    assert scores["translation_bleu"] == pytest.approx(100.0)


def test_align_and_evaluate_alignment(reversal_model, reversal_backward, tmp_path):
    """Pharaoh output on pre-tokenised files, then AER against gold (.talp,
    1-based) made from the known reversal links: 0 for a perfect model, and
    the scorer sees a broken file."""
    reversal_model.to_disk(tmp_path / "fwd")
    reversal_backward.to_disk(tmp_path / "bwd")
    pairs = reversal_pairs()[:12]
    (tmp_path / "src.txt").write_text("".join(s + "\n" for s, _ in pairs), encoding="utf8")
    (tmp_path / "tgt.txt").write_text("".join(t + "\n" for _, t in pairs), encoding="utf8")
    gold = [" ".join(f"{i + 1}-{j + 1}" for i, j in reversed_links(len(s.split()))) for s, _ in pairs]
    (tmp_path / "gold.talp").write_text("".join(line + "\n" for line in gold), encoding="utf8")
    expected = ["".join(f"{i}-{j} " for i, j in reversed_links(len(s.split()))).strip() for s, _ in pairs]
    both = ["--reverse-model", str(tmp_path / "bwd"), "--symmetrize"]
    for extra in ([], [*both, "intersection"], [*both, "agreement", "--min-product", "0.25"]):
        result = runner.invoke(app, [
            "align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"),
            "--batch-size", "5", "-o", str(tmp_path / "pred.txt"), *extra,
        ])
        assert result.exit_code == 0, result.output
        assert (tmp_path / "pred.txt").read_text(encoding="utf8").splitlines() == expected
    result = runner.invoke(app, [
        "evaluate-alignment", str(tmp_path / "gold.talp"), str(tmp_path / "pred.txt"),
        "-o", str(tmp_path / "aer.json"),
    ])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("AER 0.00  precision 100.00  recall 100.00  (12 pairs")
    assert json.loads((tmp_path / "aer.json").read_text())["aer"] == 0.0
    # A wrong alignment (shift) scores worse, and the number is the scorer's.
    runner.invoke(app, [
        "align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"),
        "--method", "shift", "-o", str(tmp_path / "shift.txt"),
    ])
    result = runner.invoke(app, ["evaluate-alignment", str(tmp_path / "gold.talp"), str(tmp_path / "shift.txt")])
    assert result.exit_code == 0 and float(result.output.split()[1]) > 40.0


def test_align_rejects_an_unknown_symmetrization(reversal_model, tmp_path):
    reversal_model.to_disk(tmp_path / "fwd")
    (tmp_path / "src.txt").write_text("un deux\n", encoding="utf8")
    (tmp_path / "tgt.txt").write_text("two one\n", encoding="utf8")
    result = runner.invoke(app, [
        "align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt"),
        "--reverse-model", str(tmp_path / "fwd"), "--symmetrize", "average",
    ])
    assert result.exit_code != 0
    assert "agreement" in result.output and "'average'" in result.output


def test_align_rejects_files_of_different_lengths(reversal_model, tmp_path):
    reversal_model.to_disk(tmp_path / "fwd")
    (tmp_path / "src.txt").write_text("un deux\ntrois\n", encoding="utf8")
    (tmp_path / "tgt.txt").write_text("two one\n", encoding="utf8")
    result = runner.invoke(app, ["align", str(tmp_path / "fwd"), str(tmp_path / "src.txt"), str(tmp_path / "tgt.txt")])
    assert result.exit_code != 0
    message = " ".join(result.output.replace("│", " ").split())  # unwrap typer's box
    assert "src.txt has 2 lines but" in message and "tgt.txt has 1" in message and "line-aligned" in message


def test_evaluate_reports_rouge_from_json_keys(trained_toy, tmp_path):
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    config = (tmp_path / "model" / "config.cfg").read_text(encoding="utf8")
    assert 'metrics = ["bleu", "chrf"]' in config
    (tmp_path / "model" / "config.cfg").write_text(config.replace('metrics = ["bleu", "chrf"]', 'metrics = ["rouge"]'), encoding="utf8")
    records = [{"dialogue": s, "summary": t} for s, t in TOY_PAIRS] + [{"dialogue": "", "summary": "x"}]
    (tmp_path / "val.json").write_text(json.dumps(records), encoding="utf8")
    result = runner.invoke(app, [
        "evaluate", str(tmp_path / "model"), str(tmp_path / "val.json"), "--src-key", "dialogue",
        "--tgt-key", "summary", "--beam-size", "1", "--output", str(tmp_path / "scores.json"),
        "--on-malformed", "skip",
    ])
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "scores.json").read_text())
    assert scores["translation_rouge1"] == pytest.approx(100.0) and scores["translation_rougeLsum"] == pytest.approx(100.0)
    assert "translation_bleu" not in scores
    assert scores["n_segments"] == len(TOY_PAIRS) and scores["skipped"]["empty"] == 1
    assert "ROUGE F1 (stemmed): rouge1 100.00" in result.output
