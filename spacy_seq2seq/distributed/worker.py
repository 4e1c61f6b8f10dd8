"""The callable classes Ray Data runs on its actor pool (`map_batches`).

Each actor loads the pipeline ONCE, from disk, in its constructor: a
pipeline is never shipped through Ray's object store (pickling a spaCy
pipeline is slow, large, and breaks with some components: spaCy issue
#13506). Threads are set explicitly before torch is loaded, so workers x
threads never exceed the cores Ray gave the actors.

Nothing here imports Ray: the classes are plain Python, which Ray places
on its workers.
"""

import os
import resource
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

from .formats import Parsed
from .partitions import Partition, Plan, read_partition
from .records import Item, Skip, decode_items
from .shards import ShardReport, write_shard


def limit_threads(threads: int) -> None:
    """Use `threads` CPU threads in this process: the OpenMP and MKL pools
    (read when torch loads, so this must run before) and torch's own count.
    Idle OpenMP threads wait passively, as in the rest of the project: a
    spinning thread steals the core of the worker next to it."""
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = str(threads)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    torch.set_num_threads(threads)


def load_pipeline(model: str, component: str, overrides: Dict[str, Any]):
    """(nlp, component name): the saved pipeline with its decoding settings
    replaced by the non-None `overrides`, through the config (so the
    component checks them like any config value)."""
    import spacy
    from spacy.util import load_config

    from ..pipeline.components import seq2seq_component_name

    name = seq2seq_component_name(load_config(Path(model) / "config.cfg"), component)
    settings = {key: value for key, value in overrides.items() if value is not None}
    nlp = spacy.load(model, config={"components": {name: settings}} if settings else {})
    return nlp, name


class RecordDecoder:
    """Batches of rows in, batches of records out: the Dataset-to-Dataset
    path (`decode_dataset`).

    model (str): A saved pipeline's folder, readable on every node.
    component (str): The seq2seq_attn component ("" for the first).
    overrides (Dict[str, Any]): Decoding settings to replace (None: keep).
    attention (bool): Keep `<field>_attention` in the records.
    align (bool): Forced alignment of given pairs instead of decoding.
    markup (Optional[str]): "html", "xml" or "markdown": each record is a
        document with markup (spacy_seq2seq.markup); None: plain text.
    threads (int): CPU threads of this worker.
    gpus (float): GPUs of this worker (> 0: decode on CUDA).
    batch_size (int): Texts per `nlp.pipe` batch.
    text_column, target_column (str): The input columns (Dataset path).
    glossary_tsv (Optional[str]): A TSV glossary's text to use instead of
        the pipeline's own glossary.
    """

    def __init__(
        self, model: str, *, component: str = "", overrides: Optional[Dict[str, Any]] = None,
        attention: bool = False, align: bool = False, threads: int = 1, gpus: float = 0,
        batch_size: int = 256, text_column: str = "text", target_column: str = "target",
        markup: Optional[str] = None,
        glossary_tsv: Optional[str] = None,
    ) -> None:
        limit_threads(threads)
        if gpus:
            import spacy

            # Before loading, so the network is built on the GPU Ray assigned
            # this actor (it sets CUDA_VISIBLE_DEVICES, so it is device 0).
            spacy.require_gpu()
        overrides = dict(overrides or {})
        # Attention rows are only kept when asked: they are the largest part
        # of a record and do not change any other value. Markup placement
        # reads them (alignment/projection.py), so documents keep them.
        overrides["store_attention"] = attention or markup is not None
        self.nlp, self.pipe_name = load_pipeline(model, component, overrides)
        pipe = self.nlp.get_pipe(self.pipe_name)
        if glossary_tsv is not None:
            from ..terms import Glossary

            pipe.set_glossary(Glossary.parse_tsv(glossary_tsv, self.nlp.make_doc, where="--glossary"))
        self.field = pipe.field
        self.attention, self.align, self.batch_size, self.markup = attention, align, batch_size, markup
        self.text_column, self.target_column = text_column, target_column

    def decode(self, rows: List[tuple]) -> "tuple[List[Dict[str, Any]], List[Skip]]":
        """Records and skips for (id, parsed source, parsed target) rows."""
        items: List[Item] = []
        skips: List[Skip] = []
        for record_id, (text, problem), target in rows:
            target_text, target_problem = target if target is not None else (None, None)
            if problem is not None:
                skips.append(Skip(record_id, problem[0], problem[1]))
            elif target_problem is not None:
                skips.append(Skip(record_id, target_problem[0], "target: " + target_problem[1]))
            else:
                items.append(Item(record_id, text, target_text))
        records, decode_skips = decode_items(
            self.nlp, self.pipe_name, items, align=self.align, attention=self.attention, batch_size=self.batch_size,
            markup=self.markup,
        )
        return records, skips + decode_skips

    def __call__(self, batch):
        """A pyarrow batch with `text_column` (and `target_column` with
        align; `id` if present) in; one row per input row out, a skipped one
        with its reason in `skipped` and no output values."""
        import pyarrow

        from .formats import check_value

        texts = batch.column(self.text_column).to_pylist()
        ids = batch.column("id").to_pylist() if "id" in batch.column_names else list(range(len(texts)))
        targets: List[Optional[Parsed]] = [None] * len(texts)
        if self.align:
            targets = [check_value(t, self.target_column) for t in batch.column(self.target_column).to_pylist()]
        rows = [(k, check_value(text, self.text_column), target) for k, (text, target) in enumerate(zip(texts, targets))]
        records, skips = self.decode(rows)
        by_row: Dict[int, Dict[str, Any]] = {record["id"]: record for record in records}
        for skip in skips:
            by_row[skip.id] = {"id": skip.id, "source": texts[skip.id], "skipped": skip.reason}
        out = []
        for k in range(len(texts)):
            row = by_row[k]
            row["id"] = ids[k]
            row.setdefault("skipped", None)
            out.append(row)
        return pyarrow.Table.from_pylist(out)


class ShardDecoder(RecordDecoder):
    """Partition numbers in, one finished shard per partition: reads the
    partition's records from the input, decodes them, and writes the shard
    and its report atomically (see shards.py). Returns the report's counts.

    plan (Plan): The job's partitions.
    output_dir (str): Where the shards go.
    output_format (str): "jsonl" or "parquet".
    """

    def __init__(self, plan: Plan, output_dir: str, output_format: str, **decoder: Any) -> None:
        super().__init__(align=plan.target is not None, **decoder)
        self.plan, self.output_dir, self.output_format = plan, output_dir, output_format

    def __call__(self, batch: Dict[str, Any]) -> Dict[str, List[Any]]:
        reports = [self.decode_partition(self.plan.partitions[int(index)]) for index in batch["partition"]]
        return {
            "partition": [r.partition for r in reports],
            "read": [r.read for r in reports],
            "written": [r.written for r in reports],
        }

    def decode_partition(self, partition: Partition) -> ShardReport:
        start, started = time.perf_counter(), time.time()
        records, skips = self.decode(list(read_partition(self.plan, partition)))
        report = ShardReport(
            partition=partition.index, first_id=partition.first_id, read=partition.count,
            written=len(records), skipped=sorted((s.to_list() for s in skips), key=lambda s: s[0]),
            seconds=round(time.perf_counter() - start, 3), pid=os.getpid(),
            peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            started=started, finished=time.time(),
        )
        write_shard(Path(self.output_dir), partition.name, records, self.output_format, report)
        return report
