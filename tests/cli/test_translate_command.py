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


def test_translate_a_markup_file(reversal_model, tmp_path):
    reversal_model.to_disk(tmp_path / "model")
    page = tmp_path / "page.html"
    page.write_text('<h1>un deux</h1>\n<p>un <b class="k">deux</b> trois</p>\n', encoding="utf8")
    notes = tmp_path / "notes.md"
    notes.write_text("# un *deux*\n", encoding="utf8")
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), str(page), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.output == '<h1>two one</h1>\n<p>three <b class="k">two</b> one</p>\n'
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), "--format", "markdown", "--input", str(notes)])
    assert result.exit_code == 0, result.output
    assert result.output == "# *two* one\n"
    bad = tmp_path / "bad.xml"
    bad.write_text("<doc><p>un</doc>", encoding="utf8")
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), str(bad), "--format", "xml"])
    assert result.exit_code == 1 and "[E170]" in result.output
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), str(page), "--format", "docx"])
    assert result.exit_code == 1 and "[E171]" in result.output


def test_translate_with_a_glossary(trained_toy, tmp_path):
    """--glossary: its terms appear where their source matches, the text
    output lists them, and a malformed file is refused naming its line."""
    nlp, _ = trained_toy
    nlp.to_disk(tmp_path / "model")
    glossary = tmp_path / "glossary.tsv"
    glossary.write_text("chat\tdog\n", encoding="utf8")
    result = runner.invoke(app, [
        "translate", str(tmp_path / "model"), "le chat mange .", "un chien dort .", "--glossary", str(glossary),
        "--json",
    ])
    assert result.exit_code == 0, result.output
    first, second = [json.loads(line) for line in result.output.splitlines()]
    assert "dog" in first["tokens"] and first["translation_terms_used"][0]["met"] is True
    assert second["translation"] == "a dog sleeps ." and "translation_terms_used" not in second
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), "le chat mange .", "--glossary", str(glossary)])
    assert "terms: dog (met)" in result.output
    glossary.write_text("chat dog\n", encoding="utf8")
    result = runner.invoke(app, ["translate", str(tmp_path / "model"), "le chat mange .", "--glossary", str(glossary)])
    assert result.exit_code != 0 and "E191" in result.output and "line 1" in result.output


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
    assert bad.exit_code != 0 and "[E003]" in bad.output and "'--symmetrize'" in bad.output
