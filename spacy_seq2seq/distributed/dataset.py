"""`decode_dataset`: a `ray.data.Dataset` in, a Dataset of records out, for
pipelines already built on Ray Data (their own readers, filters, writers)."""

from typing import Any, Dict, Optional

from .cluster import bounded_retries, import_ray, retries_warning_silenced
from .worker import RecordDecoder


def decode_dataset(
    dataset,
    model: str,
    *,
    workers: int = 1,
    threads_per_worker: int = 1,
    gpus_per_worker: float = 0,
    text_column: str = "text",
    align_column: Optional[str] = None,
    attention: bool = False,
    batch_size: int = 256,
    component: str = "",
    decoding: Optional[Dict[str, Any]] = None,
    max_retries: int = 3,
):
    """The records of every row of `dataset` (lazy, like any Dataset
    transformation): `id` (the row's `id` column if it has one, else its
    number within its batch: bring your own ids), `source`, `<field>`,
    `<field>_tokens`, `<field>_alignment`, `<field>_score`,
    `<field>_attention` with `attention`, and `skipped` (None, or why the
    row was not decoded: empty, malformed, undecodable). No row is dropped.

    dataset (ray.data.Dataset): Rows with a `text_column` (and with
        `align_column`, the target text to force-align instead of decoding).
    model (str): A saved pipeline's folder, readable on every node; each
        actor loads it once.
    RETURNS (ray.data.Dataset): The records, one per input row.
    """
    ray = import_ray()
    with retries_warning_silenced():
        return dataset.map_batches(
            RecordDecoder,
            batch_size=batch_size,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(size=workers),
            fn_constructor_kwargs=dict(
                model=str(model), component=component, overrides=decoding or {}, attention=attention,
                align=align_column is not None, threads=threads_per_worker, gpus=gpus_per_worker,
                batch_size=batch_size, text_column=text_column, target_column=align_column or "target",
            ),
            num_cpus=threads_per_worker,
            num_gpus=gpus_per_worker or None,
            **bounded_retries(max_retries),
        )
