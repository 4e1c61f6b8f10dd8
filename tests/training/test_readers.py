"""Tests for the spacy-seq2seq.ParallelCorpus.v1 reader (settings, formats,
malformed records, coded errors, gold alignments). Format detection, the
pass statistics and the DocBin converter have their own test modules."""

import gzip
import json

import pytest
import spacy
from confection import ConfigValidationError
from corpus_files import PAIRS, pairs_of, tsv, write
from spacy.language import Language
from spacy.training import Example
from spacy.util import registry
from thinc.api import Config

from spacy_seq2seq.training.readers import (
    ParallelCorpus,
    create_parallel_corpus_reader,
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.blank("fr")


def test_tsv_yields_examples_with_target_on_reference(tmp_path, nlp):
    reader = ParallelCorpus(write(tmp_path / "train.tsv", tsv(PAIRS)))
    examples = list(reader(nlp))
    assert pairs_of(examples) == PAIRS
    for eg in examples:
        assert isinstance(eg, Example)
        assert eg.predicted is not eg.reference
        assert eg.predicted.text == eg.reference.text
        # The gold target must not leak into the Doc the model predicts on.
        assert eg.predicted._.translation is None
    assert reader.stats is not None
    assert reader.stats.format == "tsv"
    assert reader.stats.yielded == 3
    assert reader.stats.skipped == 0
    assert reader.stats.complete


def test_tsv_columns(tmp_path, nlp):
    text = "".join(f"{tgt}\tCC-BY 2.0\t{src}\n" for src, tgt in PAIRS)
    path = write(tmp_path / "three.tsv", text)
    reader = create_parallel_corpus_reader(path, src_column=2, tgt_column=0)
    assert pairs_of(list(reader(nlp))) == PAIRS


def test_custom_field(tmp_path, nlp):
    path = write(tmp_path / "train.tsv", tsv(PAIRS[:1]))
    (eg,) = ParallelCorpus(path, field="summary")(nlp)
    assert eg.reference._.summary == PAIRS[0][1]
    assert eg.reference._.translation is None


def test_lines_format(tmp_path, nlp):
    src = write(tmp_path / "train.fr", "".join(s + "\n" for s, _ in PAIRS))
    tgt = write(tmp_path / "train.en", "".join(t + "\n" for _, t in PAIRS))
    reader = ParallelCorpus(src, tgt_path=tgt)
    assert reader.resolve_format() == "lines"
    assert pairs_of(list(reader(nlp))) == PAIRS


def test_lines_count_mismatch_skip_and_error(tmp_path, nlp):
    src = write(tmp_path / "train.fr", "".join(s + "\n" for s, _ in PAIRS))
    tgt = write(tmp_path / "train.en", "".join(t + "\n" for _, t in PAIRS[:1]))
    reader = ParallelCorpus(src, tgt_path=tgt, format="lines")
    assert pairs_of(list(reader(nlp))) == PAIRS[:1]
    assert reader.stats.malformed == 2
    assert reader.stats.malformed_lines == [2, 3]
    strict = ParallelCorpus(src, tgt_path=tgt, on_malformed="error")
    with pytest.raises(ValueError) as excinfo:
        list(strict(nlp))
    message = str(excinfo.value)
    assert message.startswith("[E028] ParallelCorpus: malformed line 2 in ")
    assert "train.fr" in message
    assert "same number of lines" in message


def test_jsonl_with_custom_keys(tmp_path, nlp):
    lines = [json.dumps({"fr": s, "en": t, "id": i}) for i, (s, t) in enumerate(PAIRS)]
    path = write(tmp_path / "train.jsonl", "\n".join(lines) + "\n")
    reader = ParallelCorpus(path, src_key="fr", tgt_key="en")
    assert reader.resolve_format() == "jsonl"
    assert pairs_of(list(reader(nlp))) == PAIRS
    # The default keys do not exist in this file: every line is malformed.
    default_keys = ParallelCorpus(path)
    assert list(default_keys(nlp)) == []
    assert default_keys.stats.malformed == 3


def test_jsonl_malformed_lines(tmp_path, nlp):
    good = [json.dumps({"src": s, "tgt": t}) for s, t in PAIRS]
    lines = [good[0], "{not json", json.dumps({"src": "x"}), "[1, 2]", good[1]]
    path = write(tmp_path / "train.jsonl", "\n".join(lines) + "\n")
    reader = ParallelCorpus(path)
    assert pairs_of(list(reader(nlp))) == PAIRS[:2]
    assert reader.stats.malformed == 3
    assert reader.stats.malformed_lines == [2, 3, 4]
    with pytest.raises(ValueError, match=r"^\[E028\] .*train\.jsonl.*invalid JSON"):
        list(ParallelCorpus(path, on_malformed="error")(nlp))
    path2 = write(tmp_path / "b.jsonl", "\n".join([lines[0], lines[2]]))
    with pytest.raises(ValueError, match=r"^\[E028\] .*line 2 .*missing key\(s\) 'tgt'"):
        list(ParallelCorpus(path2, on_malformed="error")(nlp))


def test_json_list(tmp_path, nlp):
    data = [{"source": s, "target": t} for s, t in PAIRS] + [{"source": "x"}]
    path = write(tmp_path / "train.json", json.dumps(data))
    reader = ParallelCorpus(path, src_key="source", tgt_key="target")
    assert reader.resolve_format() == "json"
    assert pairs_of(list(reader(nlp))) == PAIRS
    assert reader.stats.malformed == 1
    assert reader.stats.malformed_lines == [4]
    with pytest.raises(ValueError, match=r"^\[E031\] .*holds a JSON dict") as excinfo:
        list(ParallelCorpus(write(tmp_path / "d.json", '{"a": 1}'))(nlp))
    # The example names the keys the reader was told to use.
    assert '[{"src": "...", "tgt": "..."}]' in str(excinfo.value)


@pytest.mark.parametrize("content", [b'[{"src": "a", "tgt": "b"}', b'[{"src": "caf\xe9"}]'])
def test_json_file_that_cannot_be_parsed_raises_E030_even_in_skip_mode(tmp_path, nlp, content):
    path = tmp_path / "train.json"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"^\[E030\] .*is not a valid UTF-8 JSON file") as excinfo:
        list(ParallelCorpus(path, on_malformed="skip")(nlp))
    assert str(path) in str(excinfo.value)
    assert 'format = "jsonl"' in str(excinfo.value)


def test_limit(tmp_path, nlp):
    path = write(tmp_path / "train.tsv", "bad line\n" + tsv(PAIRS))
    reader = ParallelCorpus(path, limit=2)
    assert pairs_of(list(reader(nlp))) == PAIRS[:2]
    assert reader.stats.stopped_at_limit
    assert reader.stats.malformed == 1


@pytest.mark.parametrize(
    "bad_line,problem,code",
    [
        ("only one column", "expected at least 2 tab-separated columns", "[E028] ParallelCorpus: malformed"),
        ("a\tb\tc", "found 3 tab-separated columns", "[E028] ParallelCorpus: malformed"),
        ("Salut !\t ", "target is empty", "[E029] ParallelCorpus: empty"),
        ("\tHello.", "source is empty", "[E029] ParallelCorpus: empty"),
    ],
)
def test_error_mode_names_file_and_line(tmp_path, nlp, bad_line, problem, code):
    path = write(tmp_path / "train.tsv", tsv(PAIRS[:2]) + bad_line + "\n")
    reader = ParallelCorpus(path, on_malformed="error")
    with pytest.raises(ValueError) as excinfo:
        list(reader(nlp))
    message = str(excinfo.value)
    assert message.startswith(f"{code} line 3 in ")
    assert str(path) in message
    assert problem in message
    assert 'on_malformed = "skip"' in message


def test_invalid_utf8_line_is_malformed(tmp_path, nlp):
    path = tmp_path / "train.tsv"
    path.write_bytes(tsv(PAIRS[:1]).encode() + b"caf\xe9\tcoffee\n")
    reader = ParallelCorpus(path)
    assert pairs_of(list(reader(nlp))) == PAIRS[:1]
    assert reader.stats.malformed_lines == [2]
    assert "UTF-8" in reader.stats.first_malformed_reason


def test_crlf_and_bom(tmp_path, nlp):
    path = tmp_path / "train.tsv"
    path.write_bytes(b"\xef\xbb\xbf" + tsv(PAIRS).replace("\n", "\r\n").encode())
    examples = list(ParallelCorpus(path)(nlp))
    assert pairs_of(examples) == PAIRS
    assert examples[0].reference[0].text == "Bonjour"


def test_crlf_lines_format_with_bom(tmp_path, nlp):
    src = tmp_path / "a.fr"
    tgt = tmp_path / "a.en"
    src.write_bytes(b"\xef\xbb\xbf" + "Bonjour.\r\nMerci.\r\n".encode())
    tgt.write_bytes(b"\xef\xbb\xbf" + "Hello.\r\nThanks.\r\n".encode())
    examples = list(ParallelCorpus(src, tgt_path=tgt)(nlp))
    assert pairs_of(examples) == [("Bonjour.", "Hello."), ("Merci.", "Thanks.")]


def test_gzip(tmp_path, nlp):
    path = tmp_path / "train.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as file_:
        file_.write(tsv(PAIRS))
    reader = ParallelCorpus(path)
    assert reader.resolve_format() == "tsv"
    assert pairs_of(list(reader(nlp))) == PAIRS
    jsonl = tmp_path / "train.jsonl.gz"
    with gzip.open(jsonl, "wt", encoding="utf-8") as file_:
        file_.write(json.dumps({"src": "Oui.", "tgt": "Yes."}) + "\n")
    assert pairs_of(list(ParallelCorpus(jsonl)(nlp))) == [("Oui.", "Yes.")]


def test_reiteration_rereads_the_file(tmp_path, nlp):
    path = write(tmp_path / "train.tsv", tsv(PAIRS))
    reader = ParallelCorpus(path)
    first = pairs_of(list(reader(nlp)))
    second = pairs_of(list(reader(nlp)))
    assert first == second == PAIRS
    # Each call opens the file anew, so edits between epochs are seen.
    write(path, tsv(PAIRS[:1]))
    assert pairs_of(list(reader(nlp))) == PAIRS[:1]


def test_reader_is_lazy(tmp_path, nlp):
    # A bad line after the first pair must not be touched before it is reached.
    path = write(tmp_path / "train.tsv", tsv(PAIRS[:1]) + "bad\n")
    examples = ParallelCorpus(path, on_malformed="error")(nlp)
    assert pairs_of([next(examples)]) == PAIRS[:1]
    with pytest.raises(ValueError, match=r"^\[E028\] .*line 2"):
        next(examples)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"format": "xml"}, r"^\[E003\] .*auto, lines, tsv, jsonl, json"),
        ({"on_malformed": "ignore"}, r"^\[E003\] .*skip, error"),
        ({"format": "lines"}, r"^\[E023\] .*`tgt_path` is not set"),
        ({"format": "tsv", "tgt_path": "x.en"}, r"^\[E024\] .*only used with .*format = 'tsv'"),
        ({"src_column": 1}, r"^\[E013\] .*different from tgt_column"),
        ({"max_length": -1}, r"^\[E013\] max_length"),
        ({"field": "not a name"}, r"^\[E013\] .*Python identifier"),
    ],
)
def test_invalid_settings(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ParallelCorpus(tmp_path / "train.tsv", **kwargs)


def test_unset_path_raises_E022_naming_the_config_setting():
    with pytest.raises(ValueError, match=r"^\[E022\] ParallelCorpus: `path` is not set") as excinfo:
        create_parallel_corpus_reader(None)
    # The fix is written as the user writes it in a config ("${paths.train}").
    assert "path = ${paths.train}" in str(excinfo.value)


@pytest.mark.parametrize("missing", ["source", "target", "alignments"])
def test_missing_file_raises_E026_naming_it(tmp_path, nlp, missing):
    files = {
        "source": write(tmp_path / "train.fr", "le chat\n"),
        "target": write(tmp_path / "train.en", "the cat\n"),
        "alignments": write(tmp_path / "links.txt", "0-0 1-1\n"),
    }
    files[missing].unlink()
    reader = ParallelCorpus(
        files["source"], tgt_path=files["target"], pretokenized=True,
        alignment_path=files["alignments"],
    )
    with pytest.raises(FileNotFoundError, match=r"^\[E026\] ") as excinfo:
        list(reader(nlp))
    assert f"'{files[missing]}'" in str(excinfo.value)


def test_registry_resolves_reader(tmp_path, nlp):
    assert (
        spacy.registry.readers.get("spacy-seq2seq.ParallelCorpus.v1")
        is create_parallel_corpus_reader
    )
    path = write(tmp_path / "train.tsv", tsv(PAIRS))
    config = Config().from_str(f"""
        [corpus]
        @readers = "spacy-seq2seq.ParallelCorpus.v1"
        path = {json.dumps(str(path))}
        max_length = 4
        limit = 10
        """)
    reader = registry.resolve(config)["corpus"]
    assert isinstance(reader, ParallelCorpus)
    assert reader.settings.max_length == 4
    assert pairs_of(list(reader(nlp))) == [PAIRS[0], PAIRS[2]]
    config["corpus"]["format"] = "xml"
    with pytest.raises(ValueError, match=r"\[E003\] Invalid value for 'format': 'xml'"):
        registry.resolve(config)
    config["corpus"]["format"] = "tsv"
    config["corpus"]["max_lenght"] = 4
    with pytest.raises(ConfigValidationError, match="max_lenght"):
        registry.resolve(config)


# Gold alignments for guided training ----------------------------------------


def test_alignment_path_fills_gold_links_and_counts_bad_lines(tmp_path):
    (tmp_path / "src.txt").write_text("le chat noir\nun chien\nle chat\nun chat\n", encoding="utf8")
    (tmp_path / "tgt.txt").write_text("the black cat\na dog\nthe cat\na cat\n", encoding="utf8")
    # line 2: out of range; line 3: not pharaoh; line 4 missing.
    (tmp_path / "links.txt").write_text("0-0 1-2 2-1\n0-0 5-1\n0-0 1x1\n", encoding="utf8")
    nlp = spacy.blank("fr")
    reader = ParallelCorpus(
        tmp_path / "src.txt", tgt_path=tmp_path / "tgt.txt", pretokenized=True,
        alignment_path=tmp_path / "links.txt",
    )
    examples = list(reader(nlp))
    assert len(examples) == 1 and reader.stats.malformed == 3
    assert reader.stats.malformed_lines == [2, 3, 4]
    assert "out of range" in reader.stats.first_malformed_reason
    assert examples[0].reference._.translation_alignment == [(0, 0), (1, 2), (2, 1)]
    with pytest.raises(ValueError, match=r"^\[E028\] .*line 2 in '.*links.txt'.*out of range"):
        list(ParallelCorpus(
            tmp_path / "src.txt", tgt_path=tmp_path / "tgt.txt", pretokenized=True,
            alignment_path=tmp_path / "links.txt", on_malformed="error",
        )(nlp))


def test_alignment_path_needs_pretokenized_and_pretokenized_keeps_tokens(tmp_path):
    (tmp_path / "pairs.tsv").write_text("l'homme mange.\tthe man eats.\n", encoding="utf8")
    with pytest.raises(ValueError, match=r"^\[E025\] .*pretokenized = true"):
        ParallelCorpus(tmp_path / "pairs.tsv", alignment_path=tmp_path / "links.txt")
    nlp = spacy.blank("fr")
    tokenized = list(ParallelCorpus(tmp_path / "pairs.tsv")(nlp))[0]
    kept = list(ParallelCorpus(tmp_path / "pairs.tsv", pretokenized=True)(nlp))[0]
    assert [t.text for t in kept.reference] == ["l'homme", "mange."]
    assert len(tokenized.reference) > 2  # the tokenizer splits them


def test_alignment_line_that_is_not_utf8_raises_E032_naming_file_and_line(tmp_path, nlp):
    write(tmp_path / "src.txt", "le chat\nun chien\nun chat\n")
    write(tmp_path / "tgt.txt", "the cat\na dog\na cat\n")
    links = tmp_path / "links.txt"
    links.write_bytes(b"0-0 1-1\n0-0\xe9 1-1\n0-0 1-1\n")
    for on_malformed in ("skip", "error"):
        reader = ParallelCorpus(
            tmp_path / "src.txt", tgt_path=tmp_path / "tgt.txt", pretokenized=True,
            alignment_path=links, on_malformed=on_malformed,
        )
        examples = reader(nlp)
        # Line 1 is read before the bad line 2 is reached.
        assert next(examples).reference._.translation_alignment == [(0, 0), (1, 1)]
        with pytest.raises(ValueError, match=r"^\[E032\] ") as excinfo:
            next(examples)
        message = str(excinfo.value)
        assert f"line 2 of the alignment file '{links}'" in message
        assert "not valid UTF-8" in message and "re-encode the file as UTF-8" in message


def test_alignment_file_is_split_and_decoded_like_the_corpus(tmp_path, nlp):
    # A BOM and CRLF line endings (a file saved on Windows) must not make
    # line 1 malformed or shift the lines against the corpus.
    write(tmp_path / "src.txt", "le chat\nun chien\n")
    write(tmp_path / "tgt.txt", "the cat\na dog\n")
    links = tmp_path / "links.txt"
    links.write_bytes(b"\xef\xbb\xbf0-0 1-1\r\n0-0 1-1\r\n")
    reader = ParallelCorpus(
        tmp_path / "src.txt", tgt_path=tmp_path / "tgt.txt", pretokenized=True,
        alignment_path=links, on_malformed="error",
    )
    alignments = [eg.reference._.translation_alignment for eg in reader(nlp)]
    assert alignments == [[(0, 0), (1, 1)], [(0, 0), (1, 1)]]
