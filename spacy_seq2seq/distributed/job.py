"""`translate_corpus`: a whole corpus job, from checked arguments to the
`_SUMMARY.json` of its output folder.

1. Check every argument before Ray starts (model, inputs, output folder,
   worker sizes), so a typo costs nothing.
2. Index the input and cut it into partitions (partitions.py); claim the
   output folder with the job's manifest, or resume the job it holds.
3. Decode the partitions without a finished shard on an actor pool
   (`map_batches` over partition numbers; see worker.py), with Ray's actor
   restarts and task retries on.
4. Sum the shard reports into the summary, checking that every record read
   was written or skipped.
"""

import hashlib
import json
import sys
import time
import warnings
import zlib
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Set, Union

from ..errors import Errors, Warnings
from .cluster import (
    bounded_retries,
    cluster_resources,
    import_ray,
    machine_cores,
    quiet_data_context,
    ray_connection,
    retries_warning_silenced,
)
from .formats import SKIP_REASONS
from .inputs import check_input
from .job_settings import JobSettings
from .partitions import Plan, make_plan
from .progress import Progress
from .shards import (
    SUMMARY,
    ShardReport,
    check_output_dir,
    claim_output_dir,
    read_report,
    write_text_atomically,
)
from .worker import ShardDecoder

PathLike = Union[str, Path]
# How many skipped records the summary quotes (all are in _done/*.json).
SKIP_EXAMPLES = 20


# The actor class that decodes a shard (tests put a crashing one here).
WORKER_CLASS: type = ShardDecoder


def translate_corpus(
    model: PathLike,
    input: str,
    output_dir: PathLike,
    *,
    decoding: Optional[Mapping[str, Any]] = None,
    **settings: Any,
) -> Dict[str, Any]:
    """Decode (or, with `align`, force-align) every record of `input` on
    Ray and write the output shards and `_SUMMARY.json` to `output_dir`.

    model: A saved pipeline's folder (readable on every node).
    input: A file, a folder or a glob (quoted) of files in one format.
    output_dir: Where the shards go; a re-run resumes the job there.
    decoding: The component's decoding settings to change, e.g.
        {"beam_size": 1}.
    **settings: How the job runs: the settings of `JobSettings`
        (job_settings.py) by name, e.g. `workers=2, shard_size=5`.
    RETURNS (Dict[str, Any]): The summary, as written to _SUMMARY.json.
    """
    started = time.perf_counter()
    job = JobSettings(**settings)
    decoding = dict(sorted((decoding or {}).items()))
    import_ray()  # fails at once, naming the install, where Ray is missing
    model_path = _check_model(Path(model), job.component)
    output_path = Path(output_dir)
    check_output_dir(output_path)
    files, source_format, source_column = check_input(input, job.input_format, job.column)
    target = check_input(job.align) if job.align is not None else None
    _check_markup(job.markup, job.align)
    glossary_tsv = _check_glossary(job.glossary)
    plan = make_plan(files, source_format, source_column, job.shard_size, target=target)
    # What decides the shards' contents (see _manifest).
    outputs = {
        "component": job.component, "decoding": decoding, "attention": job.attention,
        "align": job.align is not None, "output_format": job.output_format, "shard_size": job.shard_size,
        **({"markup": job.markup} if job.markup is not None else {}),
    }
    if glossary_tsv is not None:  # another glossary gives other outputs: no resuming across them
        outputs["glossary_sha256"] = hashlib.sha256(glossary_tsv.encode("utf8")).hexdigest()
    reused = claim_output_dir(output_path, _manifest(model_path, plan, outputs))
    pending = [
        p for p in plan.partitions if not reused or read_report(output_path, p.name, job.output_format) is None
    ]
    placement: Dict[str, Any] = {"workers": 0, "threads_per_worker": 0, "gpus_per_worker": job.gpus_per_worker}
    ray_seconds = 0.0
    if pending:
        connecting = time.perf_counter()
        with ray_connection(job.address) as local:
            ray_seconds = time.perf_counter() - connecting
            placement = _placement(job.workers, job.threads_per_worker, job.gpus_per_worker, local, len(pending))
            _run(plan, pending, output_path, model_path, job, decoding, placement, glossary_tsv)
    summary = _summary(plan, output_path, job.output_format, computed={p.index for p in pending})
    seconds = time.perf_counter() - started
    computed_records = sum(p.count for p in pending)
    summary.update({
        "seconds": round(seconds, 3),
        "startup_seconds": round(ray_seconds, 3),
        "records_per_second": round(computed_records / seconds, 3) if pending else None,
        **placement,
        "model": str(model_path),
        "input": [f.path for f in plan.source.files],
        "input_format": plan.source.format,
        "align": [f.path for f in plan.target.files] if plan.target is not None else None,
        "settings": {**outputs, "batch_size": job.batch_size, "max_retries": job.max_retries},
    })
    write_text_atomically(output_path / SUMMARY, json.dumps(summary, indent=1, ensure_ascii=False))
    return summary


def _check_glossary(glossary: Optional[PathLike]) -> Optional[str]:
    """The glossary file's text, checked line by line before any worker
    starts (E191 names a bad line); None without one."""
    if glossary is None:
        return None
    import spacy

    from ..terms import Glossary
    from ..terms.glossary import read_tsv_text

    text = read_tsv_text(glossary)
    Glossary.parse_tsv(text, spacy.blank("xx").make_doc, where=str(glossary))
    return text


def _check_model(model: Path, component: str) -> Path:
    from spacy.util import load_config

    from ..pipeline.components import seq2seq_component_name

    if not model.is_dir():
        raise ValueError(Errors.E071.format(model=model, problem="is not a folder" if model.exists() else "does not exist"))
    if not (model / "config.cfg").is_file():
        raise ValueError(Errors.E071.format(model=model, problem="has no config.cfg"))
    seq2seq_component_name(load_config(model / "config.cfg"), component)  # E040/E041
    return model.resolve()


def _check_markup(markup: Optional[str], align: Optional[str]) -> None:
    """A markup format that exists (E171), and not with --align (E174)."""
    if markup is None:
        return
    from ..markup.formats import get_format

    get_format(markup)
    if align is not None:
        raise ValueError(Errors.E174)


def _manifest(model: Path, plan: Plan, settings: Dict[str, Any]) -> Dict[str, Any]:
    """What made the shards: a re-run resumes only if all of it is equal.
    Worker counts and batch sizes are not in it: they never change an
    output (the component is batch-invariant)."""

    def described(corpus):
        return None if corpus is None else {
            "format": corpus.format, "column": corpus.column,
            "files": [[f.path, f.size, f.records, f.checksum] for f in corpus.files],
        }

    manifest = {
        "model": str(model), "model_checksum": _folder_checksum(model),
        "input": described(plan.source), "align": described(plan.target), **settings,
    }
    return json.loads(json.dumps(manifest))  # as it reads back from the file


def _folder_checksum(folder: Path) -> int:
    """CRC-32 of every file's relative path and bytes: a model retrained into
    the same folder is another job (its shards would differ)."""
    checksum = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        checksum = zlib.crc32(str(path.relative_to(folder)).encode("utf8"), checksum)
        with open(path, "rb") as stream:
            while chunk := stream.read(8 * 1024 * 1024):
                checksum = zlib.crc32(chunk, checksum)
    return checksum


def _placement(workers, threads, gpus, local: bool, n_pending: int) -> Dict[str, Any]:
    """Workers and threads per worker, checked against the cluster."""
    resources = cluster_resources()
    cpus = int(resources["CPU"])
    if threads is None:
        threads = max(1, cpus // workers) if workers else 1
    if workers is None:
        workers = int(resources["GPU"] // gpus) if gpus else cpus // threads
        workers = max(1, min(workers, n_pending))
    for resource, per_worker in (("CPU", threads), ("GPU", gpus)):
        if per_worker and workers * per_worker > resources[resource]:
            raise ValueError(Errors.E077.format(
                available=resources[resource], resource=resource + "s", workers=workers,
                per_worker=per_worker, needed=workers * per_worker,
            ))
    if local and workers * threads > machine_cores():
        warnings.warn(Warnings.W010.format(workers=workers, threads=threads, total=workers * threads, cores=machine_cores()))
    return {"workers": workers, "threads_per_worker": threads, "gpus_per_worker": gpus}


def _run(
    plan: Plan, pending: List[Any], output_path: Path, model_path: Path, job: JobSettings,
    decoding: Dict[str, Any], placement: Dict[str, Any], glossary_tsv: Optional[str],
) -> None:
    ray = import_ray()
    quiet_data_context()
    partitions = ray.data.from_items([{"partition": p.index} for p in pending], override_num_blocks=len(pending))
    decoder = dict(
        plan=plan, output_dir=str(output_path), output_format=job.output_format, model=str(model_path),
        component=job.component, overrides=decoding, attention=job.attention, markup=job.markup,
        threads=placement["threads_per_worker"], gpus=job.gpus_per_worker, batch_size=job.batch_size,
        glossary_tsv=glossary_tsv,
    )
    with retries_warning_silenced():
        shards = partitions.map_batches(
            WORKER_CLASS,
            batch_size=1,  # one partition per call: one shard per task, retried whole
            compute=ray.data.ActorPoolStrategy(size=placement["workers"]),
            fn_constructor_kwargs=decoder,
            num_cpus=placement["threads_per_worker"],
            num_gpus=placement["gpus_per_worker"] or None,
            **bounded_retries(job.max_retries),
        )
    progress = Progress(sum(p.count for p in pending), stream=sys.stderr if job.progress else None)
    for row in shards.iter_rows():
        progress.add(int(row["read"]))


def _summary(plan: Plan, output_path: Path, output_format: str, computed: Set[int]) -> Dict[str, Any]:
    """Counts over every shard's report (reused or new), checked: each
    record read is written or skipped, and every partition has its shard."""
    skipped = {reason: 0 for reason in SKIP_REASONS}
    examples: List[List[Any]] = []
    written = 0
    peak_rss: Dict[int, float] = {}  # per worker process (reused shards included)
    window: List[float] = []  # first start and last finish of this run's shards
    for partition in plan.partitions:
        report: Optional[ShardReport] = read_report(output_path, partition.name, output_format)
        if report is None or report.read != partition.count or report.first_id != partition.first_id:
            raise RuntimeError(Errors.E117.format(shard=partition.name))
        if report.read != report.written + len(report.skipped):
            raise RuntimeError(Errors.E078.format(
                shard=partition.name, n_read=report.read, n_written=report.written, n_skipped=len(report.skipped)
            ))
        written += report.written
        peak_rss[report.pid] = max(peak_rss.get(report.pid, 0.0), report.peak_rss_mib)
        if partition.index in computed:
            window = [min(window[0], report.started), max(window[1], report.finished)] if window else [report.started, report.finished]
        for skip in report.skipped:
            skipped[skip[1]] = skipped.get(skip[1], 0) + 1
            if len(examples) < SKIP_EXAMPLES:
                examples.append(skip)
    return {
        "read": plan.records,
        "written": written,
        "skipped": skipped,
        "skipped_examples": examples,
        "shards": {"total": len(plan.partitions), "computed": len(computed), "reused": len(plan.partitions) - len(computed)},
        # From the first shard started to the last one finished in this run:
        # decoding, without Ray's start-up and the workers' model loading.
        "decode_seconds": round(window[1] - window[0], 3) if window else None,
        "worker_peak_rss_mib": sorted(peak_rss.values(), reverse=True),
        "output_dir": str(output_path.resolve()),
        "output_format": output_format,
    }
