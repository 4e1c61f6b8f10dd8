"""How a corpus job runs, declared once: each setting's type, default,
one-line doc and coded check. `translate_corpus` takes them by name and the
`translate-corpus` command's flags are generated from them
(cli/options.py); docs/configuration.md lists them."""

from dataclasses import dataclass
from typing import Optional

from ..declarations import setting, settings_docstring
from ..errors import Errors
from .shards import OUTPUT_FORMATS


@dataclass(frozen=True)
class JobSettings:
    """How `translate_corpus` runs a job (what it decodes with is the
    pipeline's settings, changed by its `decoding` argument). Checked on
    creation, before Ray starts."""

    workers: Optional[int] = setting(
        None,
        "Decoding actors (default: the cluster's CPUs / threads per worker, or GPUs / GPUs per worker).",
    )
    address: Optional[str] = setting(
        None,
        "A running Ray cluster ('auto': the one this node joined); without it a local Ray is started "
        "and shut down.",
    )
    threads_per_worker: Optional[int] = setting(
        None, "CPU threads per actor (default: the cores shared among the workers, else 1)."
    )
    gpus_per_worker: float = setting(
        0, "GPUs per actor; > 0 decodes on CUDA (needs CuPy, see docs/distributed.md)."
    )
    input_format: str = setting(
        "auto", "auto | lines | tsv | jsonl | parquet (auto: from the extension)."
    )
    column: Optional[str] = setting(
        None, "TSV: 0-based column number (default 0); JSONL / Parquet: the text's key (default 'text')."
    )
    align: Optional[str] = setting(
        None,
        "Targets (same record numbers as the input, format from their extension) to force-align "
        "instead of decoding; both sides pre-tokenised, as in `align`.",
    )
    attention: bool = setting(False, "Add <field>_attention (word-level attention rows) to each record.")
    markup: Optional[str] = setting(
        None,
        "html | xml | markdown: each record is a document; its markup is kept (records add markup_report).",
    )
    glossary: Optional[str] = setting(
        None,
        "TSV glossary (source term<TAB>target term per line) whose terms the outputs must contain; "
        "replaces the pipeline's own (docs/terminology.md). Read once, checked before any worker "
        "starts, and sent to the workers.",
    )
    output_format: str = setting("jsonl", "jsonl | parquet.")
    shard_size: int = setting(10_000, "Records per output shard (the unit of retries and resumes).")
    batch_size: int = setting(256, "Texts per nlp.pipe batch in a worker.")
    max_retries: int = setting(3, "Restarts of a crashed worker, and retries of its shard.")
    component: str = setting("", "The seq2seq_attn component (default: the first).")
    progress: bool = setting(True, "Print records done, records/s and ETA to stderr.")

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Check the counts and the output format.

        RAISES (ValueError): E076, naming the command-line flag.
        """
        checks = [
            ("workers", self.workers is None or _at_least(self.workers, 1), "at least 1"),
            ("threads_per_worker", self.threads_per_worker is None or _at_least(self.threads_per_worker, 1),
             "at least 1"),
            ("gpus_per_worker", _at_least(self.gpus_per_worker, 0, integer=False), "0 or more"),
            ("shard_size", _at_least(self.shard_size, 1), "at least 1"),
            ("batch_size", _at_least(self.batch_size, 1), "at least 1"),
            ("max_retries", _at_least(self.max_retries, 0), "0 or more"),
            ("output_format", self.output_format in OUTPUT_FORMATS, " or ".join(OUTPUT_FORMATS)),
        ]
        for name, valid, constraint in checks:
            if not valid:
                flag = "--" + name.replace("_", "-")
                raise ValueError(Errors.E076.format(setting=flag, constraint=constraint, value=getattr(self, name)))


def _at_least(value: object, least: float, integer: bool = True) -> bool:
    kinds = (int,) if integer else (int, float)
    return isinstance(value, kinds) and not isinstance(value, bool) and value >= least


JobSettings.__doc__ = settings_docstring(JobSettings, marks=False)
