"""Corpus reader for parallel text: (source, target) pairs -> spaCy Examples.

The reader is registered as ``spacy-seq2seq.ParallelCorpus.v1`` and is used in
a training config like spaCy's own ``spacy.Corpus.v1``:

```ini
[corpora.train]
@readers = "spacy-seq2seq.ParallelCorpus.v1"
path = ${paths.train}
format = "auto"
max_length = 50
```

For every pair it yields ``Example(predicted, reference)`` where both Docs are
``nlp.make_doc(source)`` and ``reference._.{field}`` holds the target text, which
is where the ``seq2seq_attn`` component looks for its gold output.

Bad input is never dropped silently: malformed lines and empty pairs either
raise a ``ValueError`` naming the file and line (``on_malformed="error"``) or are
skipped, counted in ``reader.stats`` and summarised in a warning at the end of
every pass (``on_malformed="skip"``).
"""

import logging
from contextlib import closing
from dataclasses import asdict, dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Literal,
    Optional,
    Tuple,
    Union,
    get_args,
)

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin
from spacy.training import Example

from ..errors import Errors, check_choice
from ..pipeline.extensions import install_extensions
from .formats import (
    Record,
    open_binary,
    records_json,
    records_jsonl,
    records_lines,
    records_tsv,
)
from .gold_alignments import AlignmentLines, parse_links

logger = logging.getLogger("spacy_seq2seq")

FormatType = Literal["auto", "lines", "tsv", "jsonl", "json"]
OnMalformedType = Literal["skip", "error"]
FORMATS: Tuple[str, ...] = get_args(FormatType)
ON_MALFORMED: Tuple[str, ...] = get_args(OnMalformedType)

# Only the first few line numbers per reason are kept: enough to find the
# problem in an editor, and bounded when a whole file is in the wrong format.
MAX_RECORDED_LINES = 10

_SKIP_HINT = (
    'Fix or remove it, or set on_malformed = "skip" to skip and count such '
    "lines instead."
)


@dataclass
class CorpusStats:
    """What one pass of a ParallelCorpus over its file(s) did.

    path (str): The source file.
    format (str): The format that was read (after "auto" was resolved).
    yielded (int): Examples yielded.
    malformed (int): Records skipped because they could not be parsed.
    empty (int): Records skipped because the source or target is empty.
    too_long (int): Pairs skipped by the `max_length` filter.
    malformed_lines (List[int]): First 1-based line (or JSON item) numbers of
        malformed records.
    empty_lines (List[int]): First 1-based line (or JSON item) numbers of empty
        pairs.
    first_malformed_reason (Optional[str]): What was wrong with the first
        malformed record.
    complete (bool): Whether the pass ran to the end of the file or to `limit`
        (False while a pass is in progress or after it was abandoned).
    stopped_at_limit (bool): Whether the pass stopped early because of `limit`.
    """

    path: str
    format: str
    yielded: int = 0
    malformed: int = 0
    empty: int = 0
    too_long: int = 0
    malformed_lines: List[int] = dataclass_field(default_factory=list)
    empty_lines: List[int] = dataclass_field(default_factory=list)
    first_malformed_reason: Optional[str] = None
    complete: bool = False
    stopped_at_limit: bool = False

    @property
    def skipped(self) -> int:
        """RETURNS (int): All records that were read but not yielded."""
        return self.malformed + self.empty + self.too_long

    def to_dict(self) -> Dict[str, Any]:
        """RETURNS (Dict[str, Any]): The counts as a plain dict (JSON-safe)."""
        data = asdict(self)
        data["skipped"] = self.skipped
        return data

    def summary(self) -> str:
        """A one-line, human-readable summary of the pass, for the log.

        RETURNS (str): E.g. "ParallelCorpus train.tsv: yielded 998, skipped 2
            (1 malformed at line 17, 1 empty at line 40), 0 too long".
        """
        unit = "item" if self.format == "json" else "line"
        parts = []
        for count, lines, what in (
            (self.malformed, self.malformed_lines, "malformed"),
            (self.empty, self.empty_lines, "empty"),
        ):
            if count:
                shown = ", ".join(str(i) for i in lines)
                more = ", ..." if count > len(lines) else ""
                plural = "s" if count > 1 else ""
                parts.append(f"{count} {what} at {unit}{plural} {shown}{more}")
        detail = f" ({'; '.join(parts)})" if parts else ""
        text = (
            f"ParallelCorpus {Path(self.path).name}: yielded {self.yielded}, "
            f"skipped {self.malformed + self.empty}{detail}, "
            f"{self.too_long} too long"
        )
        if self.first_malformed_reason:
            text += f". First malformed {unit}: {self.first_malformed_reason}"
        if self.stopped_at_limit:
            text += " (stopped early at `limit`)"
        return text


class ParallelCorpus:
    """Stream (source, target) pairs from disk as spaCy Examples.

    Calling the reader with an `nlp` object starts a fresh pass over the file(s),
    so the same reader can be iterated once per epoch. Nothing but the current
    line is held in memory, except for `format="json"` (a single JSON list,
    which must be parsed whole; use JSONL for large corpora).
    """

    def __init__(
        self,
        path: Union[str, Path],
        *,
        tgt_path: Optional[Union[str, Path]] = None,
        format: str = "auto",
        src_column: int = 0,
        tgt_column: int = 1,
        src_key: str = "src",
        tgt_key: str = "tgt",
        field: str = "translation",
        max_length: Optional[int] = None,
        limit: Optional[int] = None,
        on_malformed: str = "skip",
        pretokenized: bool = False,
        alignment_path: Optional[Union[str, Path]] = None,
    ) -> None:
        """Check the settings; the file itself is only opened when called.

        path (Union[str, Path]): The source file, or the single file holding both
            sides for "tsv", "jsonl" and "json". A ".gz" suffix is decompressed.
        tgt_path (Optional[Union[str, Path]]): For "lines": the target file,
            line-aligned with `path`.
        format (str): "auto", "lines", "tsv", "jsonl" or "json".
        src_column (int): TSV column (0-based) of the source text.
        tgt_column (int): TSV column (0-based) of the target text.
        src_key (str): JSON/JSONL key of the source text.
        tgt_key (str): JSON/JSONL key of the target text.
        field (str): The target goes to `reference._.{field}`.
        max_length (Optional[int]): Skip pairs where either side has more than
            this many whitespace-separated words. None or 0: no filter.
        limit (Optional[int]): Stop after this many examples. None or 0: no limit
            (0 as in `spacy.Corpus.v1`).
        on_malformed (str): "skip" (count and warn) or "error" (raise).
        pretokenized (bool): Make the source Docs from the whitespace tokens
            (`Doc(vocab, words=text.split())`) instead of the tokenizer.
        alignment_path (Optional[Union[str, Path]]): Gold word alignments for
            guided-alignment training: 0-based pharaoh links over whitespace
            tokens, line N for record N; stored in
            `reference._.{field}_alignment`. Needs `pretokenized = true`.
        """
        if path is None:
            raise ValueError(
                "ParallelCorpus: `path` is not set. Point it at your corpus file, "
                "e.g. `--paths.train corpus/train.tsv` on the command line or "
                "`path = ${paths.train}` in the [corpora] section of the config."
            )
        check_choice("format", format, FORMATS)
        check_choice("on_malformed", on_malformed, ON_MALFORMED)
        for setting, value in (("src_column", src_column), ("tgt_column", tgt_column)):
            if not isinstance(value, int) or value < 0:
                raise ValueError(
                    Errors.E013.format(
                        setting=setting, constraint="an integer >= 0", value=value
                    )
                )
        if src_column == tgt_column:
            raise ValueError(
                Errors.E013.format(
                    setting="src_column",
                    constraint=f"different from tgt_column ({tgt_column})",
                    value=src_column,
                )
            )
        for setting, value in (("max_length", max_length), ("limit", limit)):
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(
                    Errors.E013.format(
                        setting=setting,
                        constraint="an integer >= 0, or null for no limit",
                        value=value,
                    )
                )
        if not isinstance(field, str) or not field.isidentifier():
            raise ValueError(
                Errors.E013.format(
                    setting="field",
                    constraint='a Python identifier such as "translation" (it '
                    "names the Doc extension `doc._.{field}`)",
                    value=field,
                )
            )
        if format == "lines" and tgt_path is None:
            raise ValueError(
                'ParallelCorpus: format = "lines" reads line-aligned source and '
                "target files, but `tgt_path` is not set. Set tgt_path to the "
                "target file (e.g. train.en next to train.de)."
            )
        if tgt_path is not None and format not in ("auto", "lines"):
            # A tgt_path that is silently ignored would mean training on the
            # wrong data without noticing.
            raise ValueError(
                f'ParallelCorpus: `tgt_path` is only used with format = "lines", '
                f"but format = {format!r} reads both sides from `path`. Remove "
                f'tgt_path or set format = "lines".'
            )
        if alignment_path is not None and not pretokenized:
            raise ValueError(
                "ParallelCorpus: `alignment_path` indexes whitespace tokens, so the "
                "source Docs must be made from them too: set pretokenized = true."
            )
        self.pretokenized = pretokenized
        self.alignment_path = Path(alignment_path) if alignment_path is not None else None
        self.path = Path(path)
        self.tgt_path = Path(tgt_path) if tgt_path is not None else None
        self.format = format
        self.src_column = src_column
        self.tgt_column = tgt_column
        self.src_key = src_key
        self.tgt_key = tgt_key
        self.field = field
        self.max_length = max_length or None
        self.limit = limit or None
        self.on_malformed = on_malformed
        self.stats: Optional[CorpusStats] = None
        install_extensions(field)

    def __call__(self, nlp: Language) -> Iterator[Example]:
        """Yield one Example per usable pair; each call re-reads the file(s).

        nlp (Language): The pipeline whose tokenizer makes the source Docs.
        YIELDS (Example): Examples with the target in `reference._.{field}`.
        """
        # Extensions are global state; re-installing is cheap and guards against
        # a Doc class that was reset between construction and use (e.g. tests).
        install_extensions(self.field)
        for file in (self.path, self.tgt_path, self.alignment_path):
            if file is not None and not file.is_file():
                raise FileNotFoundError(
                    f"ParallelCorpus: corpus file not found: '{file}'. Check the "
                    f"path in the [corpora] section or the --paths.* overrides."
                )
        fmt = self.resolve_format()
        stats = CorpusStats(path=str(self.path), format=fmt)
        # Exposed before the pass starts, so a consumer that stops early still
        # sees the counts so far.
        self.stats = stats
        # closing(): stopping at `limit` must close the files now, not whenever
        # the abandoned generator happens to be collected.
        gold = AlignmentLines(self.alignment_path) if self.alignment_path is not None else None
        try:
            with closing(self._records(fmt)) as records:
                yield from self._examples(nlp, records, stats, gold)
        finally:
            if gold is not None:
                gold.close()
        stats.complete = True
        if stats.malformed or stats.empty or not stats.yielded:
            logger.warning(stats.summary())
        else:
            logger.info(stats.summary())

    def _examples(
        self, nlp: Language, records: Iterator[Record], stats: CorpusStats,
        gold: Optional[AlignmentLines] = None,
    ) -> Iterator[Example]:
        def make_doc(text: str) -> Doc:
            if self.pretokenized:
                return Doc(nlp.vocab, words=text.split())
            return nlp.make_doc(text)

        for record in records:
            if record.problem is not None:
                self._reject(stats, record, "malformed", record.problem)
                continue
            src = (record.src or "").strip()
            tgt = (record.tgt or "").strip()
            if not src or not tgt:
                sides = " and ".join(
                    side
                    for side, text in (("source", src), ("target", tgt))
                    if not text
                )
                self._reject(stats, record, "empty", f"the {sides} is empty")
                continue
            if self.max_length is not None and (
                len(src.split()) > self.max_length or len(tgt.split()) > self.max_length
            ):
                stats.too_long += 1
                continue
            links = None
            if gold is not None:
                links, problem = parse_links(gold.line(record.number), len(src.split()), len(tgt.split()))
                if problem is not None:
                    assert self.alignment_path is not None
                    self._reject(stats, record._replace(file=self.alignment_path), "malformed", problem)
                    continue
            reference = make_doc(src)
            setattr(reference._, self.field, tgt)
            if links is not None:
                reference._.set(f"{self.field}_alignment", links)
            stats.yielded += 1
            yield Example(make_doc(src), reference)
            if self.limit is not None and stats.yielded >= self.limit:
                stats.stopped_at_limit = True
                break

    def resolve_format(self) -> str:
        """The format that will be read, with "auto" resolved.

        RETURNS (str): "lines", "tsv", "jsonl" or "json".
        """
        if self.format != "auto":
            return self.format
        if self.tgt_path is not None:
            return "lines"
        name = self.path.name.lower()
        if name.endswith(".gz"):
            name = name[: -len(".gz")]
        suffix = Path(name).suffix
        if suffix == ".jsonl":
            return "jsonl"
        if suffix == ".json":
            return "json"
        if suffix == ".tsv":
            return "tsv"
        # Anything else (.txt, Tatoeba/Anki exports, ...) is TSV if its first
        # non-blank line has a tab; guessing further would be unsafe.
        with open_binary(self.path) as file_:
            for raw in file_:
                line = raw.strip()
                if line:
                    if b"\t" in line:
                        return "tsv"
                    break
        raise ValueError(
            f"ParallelCorpus: cannot infer the format of '{self.path}': it is not "
            f".tsv/.jsonl/.json, no tgt_path is set, and its first line has no tab. "
            f"Set format explicitly to one of {', '.join(FORMATS[1:])}, or set "
            f"tgt_path for line-aligned source and target files."
        )

    def _reject(
        self, stats: CorpusStats, record: Record, reason: str, what: str
    ) -> None:
        """Raise, or count a malformed/empty record, according to on_malformed."""
        unit = "item" if stats.format == "json" else "line"
        if self.on_malformed == "error":
            if reason == "empty":
                fix = (
                    "Remove the pair or fill in the missing side, or set "
                    'on_malformed = "skip" to skip and count empty pairs instead.'
                )
            else:
                fix = _SKIP_HINT
            raise ValueError(
                f"ParallelCorpus: {reason} {unit} {record.number} in "
                f"'{record.file}': {what}. {fix}"
            )
        if reason == "malformed":
            stats.malformed += 1
            lines = stats.malformed_lines
            if stats.first_malformed_reason is None:
                stats.first_malformed_reason = (
                    f"'{record.file.name}' {unit} {record.number}: {what}"
                )
        else:
            stats.empty += 1
            lines = stats.empty_lines
        if len(lines) < MAX_RECORDED_LINES:
            lines.append(record.number)

    def _records(self, fmt: str) -> Iterator[Record]:
        if fmt == "lines":
            assert self.tgt_path is not None
            yield from records_lines(self.path, self.tgt_path)
        elif fmt == "tsv":
            yield from records_tsv(self.path, self.src_column, self.tgt_column)
        elif fmt == "jsonl":
            yield from records_jsonl(self.path, self.src_key, self.tgt_key)
        else:
            yield from records_json(self.path, self.src_key, self.tgt_key)


@spacy.registry.readers("spacy-seq2seq.ParallelCorpus.v1")
def create_parallel_corpus_reader(
    path: Optional[Path],
    tgt_path: Optional[Path] = None,
    format: FormatType = "auto",
    src_column: int = 0,
    tgt_column: int = 1,
    src_key: str = "src",
    tgt_key: str = "tgt",
    field: str = "translation",
    max_length: Optional[int] = None,
    limit: Optional[int] = None,
    on_malformed: OnMalformedType = "skip",
    pretokenized: bool = False,
    alignment_path: Optional[Path] = None,
) -> Callable[[Language], Iterable[Example]]:
    """Create a reader of parallel (source, target) text for `spacy train`.

    path (Optional[Path]): The source file, or the single file holding both
        sides for "tsv", "jsonl" and "json"; ".gz" is decompressed. Optional
        only so that an unset `${paths.train}` gives a clear error.
    tgt_path (Optional[Path]): For format "lines": the line-aligned target file.
    format (str): "auto" (tgt_path set -> "lines"; .jsonl -> "jsonl"; .json ->
        "json"; .tsv, or a first line with a tab -> "tsv"), "lines", "tsv",
        "jsonl" or "json" (one JSON list of objects, read whole).
    src_column (int): TSV column (0-based) of the source text.
    tgt_column (int): TSV column (0-based) of the target text.
    src_key (str): JSON/JSONL key of the source text.
    tgt_key (str): JSON/JSONL key of the target text.
    field (str): The target text goes to `reference._.{field}`.
    max_length (Optional[int]): Skip pairs where either side has more than this
        many whitespace-separated words (counted in `reader.stats.too_long`).
    limit (Optional[int]): Stop after this many examples per pass.
    on_malformed (str): "skip" to skip, count and warn about malformed lines and
        empty pairs; "error" to raise a ValueError naming file and line.
    pretokenized (bool): Source Docs from whitespace tokens, not the tokenizer.
    alignment_path (Optional[Path]): Gold word alignments (0-based pharaoh,
        line N for record N) for guided-alignment training; needs
        pretokenized = true. Bad or missing lines count as malformed.
    RETURNS (ParallelCorpus): A callable `(nlp) -> Iterator[Example]`; its
        `.stats` describe the most recent pass.
    """
    return ParallelCorpus(
        path,  # type: ignore[arg-type]
        tgt_path=tgt_path,
        format=format,
        src_column=src_column,
        tgt_column=tgt_column,
        src_key=src_key,
        tgt_key=tgt_key,
        field=field,
        max_length=max_length,
        limit=limit,
        on_malformed=on_malformed,
        pretokenized=pretokenized,
        alignment_path=alignment_path,
    )


def convert_to_docbin(
    reader: ParallelCorpus, nlp: Language, output_path: Union[str, Path]
) -> CorpusStats:
    """Write the reference Docs of a parallel corpus to a `.spacy` file.

    The target text travels in the Docs' user data (`reference._.{field}`), so
    `spacy.Corpus.v1` can read the file back for training. The DocBin is built
    in memory, as DocBin requires; for very large corpora, stream with the
    reader instead.

    reader (ParallelCorpus): The configured reader, e.g.
        `ParallelCorpus("train.tsv", max_length=50)`.
    nlp (Language): The pipeline whose tokenizer makes the Docs.
    output_path (Union[str, Path]): The `.spacy` file to write.
    RETURNS (CorpusStats): The reader's counts for the pass that was written.
    """
    doc_bin = DocBin(store_user_data=True)
    for example in reader(nlp):
        doc_bin.add(example.reference)
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    doc_bin.to_disk(output_path)
    assert reader.stats is not None
    return reader.stats
