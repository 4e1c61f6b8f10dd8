"""translate_corpus and decode_dataset on one local 2-CPU Ray cluster,
shared by this module's tests (Ray starts slowly on 2 cores): records equal
to one-process `nlp.pipe`, exactly once when an actor crashes, resumed
shards, skip counts, forced alignment, Parquet, the command line."""

import json
import os
import shutil

import pytest

ray = pytest.importorskip("ray", reason="the optional [ray] extra is not installed")

from distributed_inputs import TEXTS, read_jsonl_shards, write_jsonl, write_lines  # noqa: E402
from gpu_support import DRY_RUN  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from spacy_seq2seq.cli import app  # noqa: E402
from spacy_seq2seq.distributed import decode_dataset, job, translate_corpus  # noqa: E402
from spacy_seq2seq.distributed.worker import ShardDecoder  # noqa: E402
from spacy_seq2seq.names import FieldNames  # noqa: E402

NAMES = FieldNames("translation")
# More records than one shard, so the job has several; the empty line is skipped.
CORPUS = TEXTS * 2


@pytest.fixture(scope="module", autouse=True)
def ray_cluster():
    ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def model(trained_toy, tmp_path_factory):
    path = tmp_path_factory.mktemp("model")
    trained_toy[0].to_disk(path)
    return path


@pytest.fixture(scope="module")
def first_job(model, tmp_path_factory):
    """One undisturbed job over CORPUS, 2 workers, 5 records per shard."""
    folder = tmp_path_factory.mktemp("first")
    source = write_lines(folder / "corpus.txt", CORPUS)
    summary = translate_corpus(model, str(source), folder / "out", workers=2, shard_size=5, progress=False)
    return source, folder / "out", summary


def one_process_records(nlp, texts):
    """What `nlp.pipe` in this process gives, read from the Docs directly."""
    records = []
    for record_id, doc in enumerate(nlp.pipe(texts)):
        if not texts[record_id].strip():
            continue
        records.append({
            "id": record_id, "source": texts[record_id],
            NAMES.text: doc._.translation, NAMES.tokens: doc._.translation_tokens,
            NAMES.alignment: [list(link) for link in doc._.translation_alignment],
            NAMES.score: doc._.translation_nbest[0][1],
        })
    return records


def shard_bytes(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("part-*"))}


def test_records_equal_one_process_nlp_pipe_bit_for_bit(first_job, trained_toy):
    _, out, summary = first_job
    assert read_jsonl_shards(out) == one_process_records(trained_toy[0], CORPUS)
    assert summary["read"] == len(CORPUS) and summary["written"] == len(CORPUS) - 2
    assert summary["skipped"] == {"empty": 2, "malformed": 0, "undecodable": 0}
    assert summary["shards"] == {"total": 4, "computed": 4, "reused": 0}
    assert summary["workers"] == 2 and summary["threads_per_worker"] == 1
    assert 0 < summary["decode_seconds"] <= summary["seconds"] and summary["worker_peak_rss_mib"]
    assert json.loads((out / "_SUMMARY.json").read_text()) == summary


def test_a_crashed_actor_still_gives_every_id_exactly_once(first_job, model, tmp_path):
    source, first_out, _ = first_job
    marker = tmp_path / "crashed"

    class CrashingOnce(ShardDecoder):
        """Kills its process in the middle of the first shard any actor
        starts (the marker file makes it happen once per test)."""

        def __call__(self, batch):
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return super().__call__(batch)
            os._exit(1)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(job, "WORKER_CLASS", CrashingOnce)
        summary = translate_corpus(model, str(source), tmp_path / "out", workers=2, shard_size=5, progress=False)
    assert marker.exists()
    records = read_jsonl_shards(tmp_path / "out")
    assert sorted(r["id"] for r in records) == [r["id"] for r in records]
    assert len({r["id"] for r in records}) == len(records) == summary["written"]
    assert shard_bytes(tmp_path / "out") == shard_bytes(first_out)
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_a_rerun_computes_only_the_missing_shard(first_job, model, tmp_path):
    source, first_out, _ = first_job
    out = tmp_path / "out"
    shutil.copytree(first_out, out)
    (out / "part-000002.jsonl").unlink()
    kept = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*")}
    summary = translate_corpus(model, str(source), out, workers=1, shard_size=5, progress=False)
    assert summary["shards"] == {"total": 4, "computed": 1, "reused": 3}
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("part-*") if p.name in kept} == kept
    assert shard_bytes(out) == shard_bytes(first_out)
    assert summary["written"] == len(CORPUS) - 2
    # Nothing left to do: no worker starts at all.
    assert translate_corpus(model, str(source), out, shard_size=5, progress=False)["shards"]["computed"] == 0


def test_skipped_records_are_counted_by_reason_and_parquet_output(model, tmp_path, trained_toy):
    lines = ['{"text": "le chat noir dort ."}', '{"text": ""}', "oops", '{"txt": "x"}', '{"text": "un chien dort ."}']
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf8")
    summary = translate_corpus(model, str(source), tmp_path / "out", workers=1, shard_size=2, output_format="parquet", attention=True, progress=False)
    assert summary["skipped"] == {"empty": 1, "malformed": 2, "undecodable": 0}
    assert [s[:2] for s in summary["skipped_examples"]] == [[1, "empty"], [2, "malformed"], [3, "malformed"]]
    import pyarrow.parquet as pq

    rows = [row for shard in sorted((tmp_path / "out").glob("part-*.parquet")) for row in pq.read_table(shard).to_pylist()]
    expected = one_process_records(trained_toy[0], ["le chat noir dort .", "un chien dort ."])
    assert [r["id"] for r in rows] == [0, 4]
    assert [r[NAMES.score] for r in rows] == [e[NAMES.score] for e in expected]
    doc = trained_toy[0]("un chien dort .")
    assert rows[1][NAMES.attention] == doc._.translation_attention


def test_forced_alignment_of_given_pairs_equals_pipe_align(model, tmp_path, trained_toy):
    from spacy.tokens import Doc

    nlp = trained_toy[0]
    pairs = [("le chat noir dort .", "the black cat sleeps ."), ("un chien dort .", "a dog sleeps ."), ("le chat mange .", "")]
    write_lines(tmp_path / "src.txt", [s for s, _ in pairs])
    write_jsonl(tmp_path / "tgt.jsonl", [t for _, t in pairs])
    summary = translate_corpus(model, str(tmp_path / "src.txt"), tmp_path / "out", align=str(tmp_path / "tgt.jsonl"), workers=1, shard_size=2, progress=False)
    assert summary["skipped"]["empty"] == 1
    docs = nlp.get_pipe("seq2seq_attn").align([Doc(nlp.vocab, words=s.split()) for s, _ in pairs[:2]], [t.split() for _, t in pairs[:2]])
    records = read_jsonl_shards(tmp_path / "out")
    assert [r[NAMES.text] for r in records] == [t for _, t in pairs[:2]]
    assert [r[NAMES.alignment] for r in records] == [[list(link) for link in d._.translation_alignment] for d in docs]
    assert [r[NAMES.score] for r in records] == [d._.translation_nbest[0][1] for d in docs]


def test_dataset_in_dataset_out(model, trained_toy):
    texts = ["le chat noir dort .", "", "un chien dort ."]
    dataset = ray.data.from_items([{"id": 10 + k, "text": t} for k, t in enumerate(texts)])
    rows = sorted(decode_dataset(dataset, str(model), batch_size=2).take_all(), key=lambda r: r["id"])
    expected = one_process_records(trained_toy[0], texts)
    assert [r["id"] for r in rows] == [10, 11, 12]
    assert rows[1]["skipped"] == "empty" and rows[1][NAMES.text] is None
    assert [(r[NAMES.text], r[NAMES.score]) for r in (rows[0], rows[2])] == [(e[NAMES.text], e[NAMES.score]) for e in expected]


def test_command_line_runs_a_job_and_refuses_bad_arguments_before_ray(model, tmp_path):
    source = write_lines(tmp_path / "in.txt", ["le chat mange .", "un chien dort ."])
    bad_glossary = write_lines(tmp_path / "bad.tsv", ["chat without a tab"])
    runner = CliRunner()
    result = runner.invoke(app, ["translate-corpus", str(model), str(source), str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "2 of 2 records written" in result.output and "2/2 records (100.0%)" in result.output
    for arguments, message in [
        ([str(tmp_path / "nomodel"), str(source), str(tmp_path / "o2")], "[E071]"),
        ([str(model), str(tmp_path / "none.txt"), str(tmp_path / "o2")], "[E072]"),
        ([str(model), str(source), str(tmp_path / "o2"), "--workers", "0"], "[E076]"),
        ([str(model), str(source), str(tmp_path / "out"), "--shard-size", "7"], "[E074]"),
        ([str(model), str(source), str(tmp_path / "o2"), "--workers", "3", "--threads-per-worker", "1"], "[E077]"),
        ([str(model), str(source), str(tmp_path / "o2"), "--glossary", str(bad_glossary)], "[E191]"),
    ]:
        result = runner.invoke(app, ["translate-corpus", *arguments])
        assert result.exit_code == 1 and message in result.output, (arguments, result.output)


@pytest.mark.gpu
def test_gpu_workers_give_the_cpu_records(first_job, model, tmp_path):
    """Never run here (no GPU was lent to this task): a GPU actor decodes on
    CUDA and writes the records the CPU job wrote, up to float rounding."""
    if DRY_RUN:
        pytest.skip("dry run: the GPU worker calls spacy.require_gpu, which needs CuPy and a GPU")
    source, first_out, _ = first_job
    ray.shutdown()  # a cluster that sees the GPU
    ray.init(num_cpus=2, num_gpus=1, include_dashboard=False, logging_level="WARNING")
    summary = translate_corpus(model, str(source), tmp_path / "out", workers=1, gpus_per_worker=1, shard_size=5, progress=False)
    assert summary["gpus_per_worker"] == 1
    gpu, cpu = read_jsonl_shards(tmp_path / "out"), read_jsonl_shards(first_out)
    assert [r[NAMES.text] for r in gpu] == [r[NAMES.text] for r in cpu]
    assert [r[NAMES.score] for r in gpu] == pytest.approx([r[NAMES.score] for r in cpu], abs=1e-4)


def test_markup_documents_on_ray_equal_one_process(model, tmp_path, trained_toy):
    from spacy_seq2seq.distributed.records import Item, decode_items

    documents = ["<p>le <b>chat</b> noir dort .</p>\n<p>un chien dort .</p>", "<ul><li>le chat mange .</li></ul>"]
    source = write_jsonl(tmp_path / "pages.jsonl", documents)
    summary = translate_corpus(model, str(source), tmp_path / "out", workers=1, markup="html", progress=False)
    assert summary["written"] == 2
    records = read_jsonl_shards(tmp_path / "out")
    expected, _ = decode_items(
        trained_toy[0], "seq2seq_attn", [Item(k, d) for k, d in enumerate(documents)],
        align=False, attention=False, batch_size=256, markup="html",
    )
    assert records == expected
    assert records[0]["markup_report"]["segments"] == 2
    runner = CliRunner()
    for arguments, message in [
        (["--markup", "docx"], "[E171]"),
        (["--markup", "html", "--align", str(source)], "[E174]"),
    ]:
        result = runner.invoke(app, ["translate-corpus", str(model), str(source), str(tmp_path / "o2"), *arguments])
        assert result.exit_code == 1 and message in result.output, (arguments, result.output)
def test_a_glossary_reaches_every_worker(model, tmp_path, trained_toy):
    """--glossary: the records are those of `nlp.pipe` with the glossary set."""
    import spacy

    from spacy_seq2seq.terms import Glossary

    source = write_lines(tmp_path / "in.txt", ["le chat mange .", "un chien dort ."])
    glossary = write_lines(tmp_path / "glossary.tsv", ["chat\tdog"])
    summary = translate_corpus(model, str(source), tmp_path / "out", workers=1, glossary=glossary, progress=False)
    assert summary["written"] == 2 and "glossary_sha256" in summary["settings"]
    records = read_jsonl_shards(tmp_path / "out")
    nlp = spacy.load(model)
    nlp.get_pipe("seq2seq_attn").set_glossary(Glossary.read_tsv(glossary, nlp.make_doc))
    expected = [doc._.translation for doc in nlp.pipe(["le chat mange .", "un chien dort ."])]
    assert [record["translation"] for record in records] == expected and "dog" in expected[0]
