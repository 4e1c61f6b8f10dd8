"""Reading corpus inputs without Ray: every format, record ids across files,
partitions, skip reasons, and the argument checks that run before Ray."""

import json

import pytest
from distributed_inputs import write_jsonl, write_lines, write_parquet, write_tsv

from spacy_seq2seq.distributed.formats import EMPTY, MALFORMED
from spacy_seq2seq.distributed.inputs import check_input
from spacy_seq2seq.distributed.partitions import make_plan, read_partition
from spacy_seq2seq.distributed.shards import (
    MANIFEST,
    check_output_dir,
    claim_output_dir,
)


def read_all(pattern, shard_size, **options):
    files, input_format, column = check_input(pattern, **options)
    plan = make_plan(files, input_format, column, shard_size)
    return plan, [row for partition in plan.partitions for row in read_partition(plan, partition)]


@pytest.mark.parametrize("writer,name,options", [
    (write_lines, "in.txt", {}),
    (write_tsv, "in.tsv", {"column": "1"}),
    (write_jsonl, "in.jsonl", {}),
    (write_parquet, "in.parquet", {}),
])
def test_every_format_reads_each_record_once_with_its_number(tmp_path, writer, name, options):
    texts = [f"phrase {k}" for k in range(7)] + [""]
    writer(tmp_path / name, texts)
    for shard_size in (1, 3, 100):
        plan, rows = read_all(str(tmp_path / name), shard_size, **options)
        assert [row[0] for row in rows] == list(range(8))
        assert [parsed[0] for _, parsed, _ in rows[:7]] == texts[:7]
        assert rows[7][1] == (None, (EMPTY, ""))
        assert len(plan.partitions) == -(-8 // shard_size)


def test_ids_run_across_files_in_sorted_order_and_partitions_stay_in_one_file(tmp_path):
    write_lines(tmp_path / "b.txt", ["b0", "b1", "b2"])
    write_lines(tmp_path / "a.txt", ["a0", "a1"])
    (tmp_path / "c.txt").write_text("c0\r\nc1", encoding="utf8")  # CRLF, no final newline
    plan, rows = read_all(str(tmp_path / "*.txt"), 2)
    assert [parsed[0] for _, parsed, _ in rows] == ["a0", "a1", "b0", "b1", "b2", "c0", "c1"]
    assert [(p.first_id, p.count) for p in plan.partitions] == [(0, 2), (2, 2), (4, 1), (5, 2)]
    assert all(len(p.source) == 1 for p in plan.partitions)


def test_align_targets_follow_the_source_ids_across_differently_cut_files(tmp_path):
    write_lines(tmp_path / "src.txt", [f"s{k}" for k in range(5)])
    write_lines(tmp_path / "t1.txt", ["t0", "t1", "t2"])
    write_lines(tmp_path / "t2.txt", ["t3", "t4"])
    files, input_format, column = check_input(str(tmp_path / "src.txt"))
    plan = make_plan(files, input_format, column, 2, target=check_input(str(tmp_path / "t*.txt")))
    pairs = [(i, s[0], t[0]) for p in plan.partitions for i, s, t in read_partition(plan, p)]
    assert pairs == [(k, f"s{k}", f"t{k}") for k in range(5)]
    with pytest.raises(ValueError, match=r"\[E075\].*4 records but the source input has 5"):
        write_lines(tmp_path / "t2.txt", ["t3"])
        make_plan(files, input_format, column, 2, target=check_input(str(tmp_path / "t*.txt")))


def test_malformed_records_are_reported_with_the_reason(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"other": "x"}\nnot json\n{"text": 3}\n{"text": "  "}\n\xff\xfe\n[1]\n')
    _, rows = read_all(str(path), 10)
    reasons = [parsed[1] and parsed[1][0] for _, parsed, _ in rows]
    assert reasons == [None, MALFORMED, MALFORMED, MALFORMED, EMPTY, MALFORMED, MALFORMED]
    assert "not UTF-8" in rows[5][1][1][1] and "no key 'text'" in rows[1][1][1][1]
    write_tsv(tmp_path / "in.tsv", ["a"], column=0)
    _, rows = read_all(str(tmp_path / "in.tsv"), 10, column="2")
    assert rows[0][1] == (None, (MALFORMED, "1 TSV column(s), no column 2"))
    write_parquet(tmp_path / "in.parquet", ["a", None])
    _, rows = read_all(str(tmp_path / "in.parquet"), 10)
    assert rows[1][1][1][0] == MALFORMED


def test_bad_inputs_fail_with_coded_errors_naming_the_fix(tmp_path):
    with pytest.raises(ValueError, match=r"\[E072\].*no file matches it as a glob"):
        check_input(str(tmp_path / "missing*.txt"))
    write_lines(tmp_path / "a.txt", ["x"])
    write_jsonl(tmp_path / "b.jsonl", ["x"])
    with pytest.raises(ValueError, match=r"\[E073\].*mixes formats"):
        check_input(str(tmp_path / "*"))
    with pytest.raises(ValueError, match=r"\[E073\].*0-based column number"):
        check_input(str(tmp_path / "a.txt"), requested_format="tsv", column="text")
    with pytest.raises(ValueError, match=r"\[E073\].*Unknown --format 'csv'"):
        check_input(str(tmp_path / "a.txt"), requested_format="csv")
    write_parquet(tmp_path / "c.parquet", ["x"], column="sentence")
    with pytest.raises(ValueError, match=r"\[E073\].*no column 'text' \(its columns: sentence\)"):
        check_input(str(tmp_path / "c.parquet"))
    assert check_input(str(tmp_path / "c.parquet"), column="sentence")[1:] == ("parquet", "sentence")


def test_an_output_folder_of_another_job_is_refused(tmp_path):
    out = tmp_path / "out"
    assert claim_output_dir(out, {"model": "a", "shard_size": 2}) is False
    assert claim_output_dir(out, {"model": "a", "shard_size": 2}) is True  # the same job: resume
    with pytest.raises(ValueError, match=r"\[E074\].*differs in: shard_size.*delete"):
        claim_output_dir(out, {"model": "a", "shard_size": 3})
    assert json.loads((out / MANIFEST).read_text())["shard_size"] == 2
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "part-000000.jsonl").write_text("{}\n")
    with pytest.raises(ValueError, match=r"\[E074\].*1 shard file\(s\).*no _JOB.json"):
        check_output_dir(tmp_path / "foreign")
