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
raise a coded ``ValueError`` (E028, E029) naming the file and line
(``on_malformed="error"``) or are skipped, counted in ``reader.stats`` and
summarised in a warning at the end of every pass (``on_malformed="skip"``).

The parts live next door: ``formats`` reads each file format into records,
``format_detection`` resolves ``format = "auto"``, ``gold_alignments`` reads
supplied word alignments, ``corpus_stats`` counts and reports a pass, and
``docbin`` writes a corpus to a ``.spacy`` file.
"""

import warnings
from contextlib import closing
from pathlib import Path
from typing import (
    Callable,
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
from spacy.tokens import Doc
from spacy.training import Example

from ..alignment.eflomal import MAX_EFLOMAL_WORDS
from ..errors import Errors, Warnings, check_choice
from ..names import FieldNames
from ..pipeline.extensions import install_extensions

# Marks a reference Doc whose links index the target tokenizer's words (not
# whitespace tokens): the training batch then splits the target so.
from ..pipeline.train_batch import TARGET_WORDS_KEY
from .corpus_stats import CorpusStats, SkipReason
from .format_detection import FORMATS, FormatType, detect_format
from .formats import (
    Record,
    records_json,
    records_jsonl,
    records_lines,
    records_tsv,
)
from .gold_alignments import AlignmentLines, parse_links
from .teacher import (
    TEACHERS,
    TeacherLinks,
    TeacherPair,
    default_cache_dir,
    source_words,
    target_splitter,
    teacher_links,
    tokenizer_fingerprint,
)

OnMalformedType = Literal["skip", "error"]
ON_MALFORMED: Tuple[str, ...] = get_args(OnMalformedType)


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
        alignment_teacher: Optional[str] = None,
        teacher_cache_dir: Optional[Union[str, Path]] = None,
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
        alignment_teacher (Optional[str]): "eflomal": make those links on the
            first pass, from this corpus (training/teacher.py), over the
            words the model aligns; None: no teacher.
        teacher_cache_dir (Optional[Union[str, Path]]): Where the teacher's
            links are cached, keyed by a checksum of the corpus and settings.
            None: $SPACY_SEQ2SEQ_CACHE/teacher or ~/.cache/spacy_seq2seq/teacher.
        """
        if path is None:
            raise ValueError(Errors.E022.format())
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
            raise ValueError(Errors.E023.format())
        if tgt_path is not None and format not in ("auto", "lines"):
            # A tgt_path that is silently ignored would mean training on the
            # wrong data without noticing.
            raise ValueError(Errors.E024.format(format=format))
        if alignment_path is not None and not pretokenized:
            raise ValueError(Errors.E025.format())
        if alignment_teacher is not None:
            check_choice("alignment_teacher", alignment_teacher, TEACHERS)
            if alignment_path is not None:
                raise ValueError(Errors.E153.format(teacher=alignment_teacher))
        self.alignment_teacher = alignment_teacher
        self.teacher_cache_dir = Path(teacher_cache_dir) if teacher_cache_dir is not None else default_cache_dir()
        # The teacher's links, made (or read from the cache) once per reader.
        self._teacher: Optional[TeacherLinks] = None
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
                raise FileNotFoundError(Errors.E026.format(path=file))
        fmt = self.resolve_format()
        stats = CorpusStats(path=str(self.path), format=fmt)
        # Exposed before the pass starts, so a consumer that stops early still
        # sees the counts so far.
        self.stats = stats
        # closing(): stopping at `limit` must close the files now, not whenever
        # the abandoned generator happens to be collected.
        teacher = self.teacher_links(nlp) if self.alignment_teacher is not None else None
        gold = AlignmentLines(self.alignment_path) if self.alignment_path is not None else None
        try:
            with closing(self._records(fmt)) as records:
                yield from self._examples(nlp, records, stats, gold, teacher)
        finally:
            if gold is not None:
                gold.close()
        stats.complete = True
        stats.log_summary()

    def _examples(
        self, nlp: Language, records: Iterator[Record], stats: CorpusStats,
        gold: Optional[AlignmentLines] = None, teacher: Optional[TeacherLinks] = None,
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
            if self._too_long(src, tgt):
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
            if teacher is not None:
                links = teacher.links(record.number)
                if links is not None and not self.pretokenized:
                    reference.user_data[TARGET_WORDS_KEY] = "tokenizer"
            if links is not None:
                reference._.set(FieldNames(self.field).alignment, links)
            stats.yielded += 1
            yield Example(make_doc(src), reference)
            if self.limit is not None and stats.yielded >= self.limit:
                stats.stopped_at_limit = True
                break

    def _too_long(self, src: str, tgt: str) -> bool:
        return self.max_length is not None and (
            len(src.split()) > self.max_length or len(tgt.split()) > self.max_length
        )

    def teacher_links(self, nlp: Language) -> TeacherLinks:
        """The teacher's links for the records this reader yields (before
        `limit`'s cut, the same filters otherwise), made on the first call."""
        if self._teacher is not None:
            return self._teacher
        split_target, target_words = target_splitter(nlp, self.field, self.pretokenized)
        texts: List[Tuple[int, str, str]] = []
        with closing(self._records(self.resolve_format())) as records:
            for record in records:
                src, tgt = (record.src or "").strip(), (record.tgt or "").strip()
                if record.problem is not None or not src or not tgt or self._too_long(src, tgt):
                    continue  # the pass itself counts (or raises on) these
                texts.append((record.number, src, tgt))
                if self.limit is not None and len(texts) >= self.limit:
                    break

        def split_pair(number: int, src: str, tgt: str) -> TeacherPair:
            if self.pretokenized:
                words = src.split()
                return TeacherPair(number, words, tgt.split(), list(range(len(words))))
            words, tokens = source_words(nlp.make_doc(src))
            return TeacherPair(number, words, split_target(tgt), tokens)

        settings = [self.alignment_teacher or "", target_words, tokenizer_fingerprint(nlp, self.pretokenized)]
        links = teacher_links(texts, split_pair, cache_dir=self.teacher_cache_dir, settings=settings)
        if links.n_unlinked:
            warnings.warn(Warnings.W036.format(
                n_unlinked=links.n_unlinked, n_pairs=links.n_pairs, n_too_long=links.n_too_long,
                max_words=MAX_EFLOMAL_WORDS,
            ))
        self._teacher = links
        return links

    def resolve_format(self) -> str:
        """The format that will be read, with "auto" resolved.

        RETURNS (str): "lines", "tsv", "jsonl" or "json".
        """
        if self.format != "auto":
            return self.format
        return detect_format(self.path, self.tgt_path)

    def _reject(
        self, stats: CorpusStats, record: Record, reason: SkipReason, problem: str
    ) -> None:
        """Raise, or count a malformed/empty record, according to on_malformed."""
        if self.on_malformed == "error":
            error = Errors.E029 if reason == "empty" else Errors.E028
            raise ValueError(
                error.format(
                    unit=stats.unit, number=record.number, path=record.file, problem=problem
                )
            )
        stats.count_skipped(reason, record.number, record.file.name, problem)

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
    alignment_teacher: Optional[Literal["eflomal"]] = None,
    teacher_cache_dir: Optional[Path] = None,
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
    alignment_teacher (Optional[str]): "eflomal" to make the links from this
        corpus on the first pass (needs the align extra); null for none.
    teacher_cache_dir (Optional[Path]): Where the teacher's links are cached
        (null: $SPACY_SEQ2SEQ_CACHE/teacher or ~/.cache/spacy_seq2seq/teacher).
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
        alignment_teacher=alignment_teacher,
        teacher_cache_dir=teacher_cache_dir,
    )

