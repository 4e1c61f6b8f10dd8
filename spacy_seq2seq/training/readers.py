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

The reader's settings are declared once in ``reader_settings`` (``ReaderSettings``:
types, defaults, docs, checks); this module's registered function takes them by
name. The other parts live next door: ``formats`` reads each file format into records,
``format_detection`` resolves ``format = "auto"``, ``gold_alignments`` reads
supplied word alignments, ``corpus_stats`` counts and reports a pass, and
``docbin`` writes a corpus to a ``.spacy`` file.
"""

import warnings
from contextlib import closing
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, List, Optional, Tuple, Union

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example

from ..alignment.eflomal import MAX_EFLOMAL_WORDS
from ..declarations import give_signature, keyword_parameters, settings_docstring
from ..errors import Errors, Warnings
from ..names import FieldNames
from ..pipeline.extensions import install_extensions

# Marks a reference Doc whose links index the target tokenizer's words (not
# whitespace tokens): the training batch then splits the target so.
from ..pipeline.train_batch import TARGET_WORDS_KEY
from .corpus_stats import CorpusStats, SkipReason
from .format_detection import detect_format
from .formats import (
    Record,
    records_json,
    records_jsonl,
    records_lines,
    records_tsv,
)
from .gold_alignments import AlignmentLines, parse_links
from .reader_settings import ReaderSettings
from .teacher import (
    TeacherLinks,
    TeacherPair,
    default_cache_dir,
    source_words,
    target_splitter,
    teacher_links,
    tokenizer_fingerprint,
)


class ParallelCorpus:
    """Stream (source, target) pairs from disk as spaCy Examples.

    Calling the reader with an `nlp` object starts a fresh pass over the file(s),
    so the same reader can be iterated once per epoch. Nothing but the current
    line is held in memory, except for `format="json"` (a single JSON list,
    which must be parsed whole; use JSONL for large corpora).
    """

    def __init__(self, path: Union[str, Path, None] = None, **settings: Any) -> None:
        """Check the settings; the file itself is only opened when called.

        path (Union[str, Path]): The corpus file (the `path` setting).
        **settings: The other settings of `ReaderSettings` (reader_settings.py),
            by name, e.g. `ParallelCorpus("train.tsv", max_length=50)`.
        """
        self.settings = ReaderSettings(path=path, **settings)
        self.stats: Optional[CorpusStats] = None
        cache_dir = self.settings.teacher_cache_dir
        self.teacher_cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        # The teacher's links, made (or read from the cache) once per reader.
        self._teacher: Optional[TeacherLinks] = None
        install_extensions(self.settings.field)

    def __call__(self, nlp: Language) -> Iterator[Example]:
        """Yield one Example per usable pair; each call re-reads the file(s).

        nlp (Language): The pipeline whose tokenizer makes the source Docs.
        YIELDS (Example): Examples with the target in `reference._.{field}`.
        """
        # Extensions are global state; re-installing is cheap and guards against
        # a Doc class that was reset between construction and use (e.g. tests).
        settings = self.settings
        install_extensions(settings.field)
        for file in (settings.path, settings.tgt_path, settings.alignment_path):
            if file is not None and not file.is_file():
                raise FileNotFoundError(Errors.E026.format(path=file))
        fmt = self.resolve_format()
        stats = CorpusStats(path=str(settings.path), format=fmt)
        # Exposed before the pass starts, so a consumer that stops early still
        # sees the counts so far.
        self.stats = stats
        # closing(): stopping at `limit` must close the files now, not whenever
        # the abandoned generator happens to be collected.
        teacher = self.teacher_links(nlp) if settings.alignment_teacher is not None else None
        gold = AlignmentLines(settings.alignment_path) if settings.alignment_path is not None else None
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
            if self.settings.pretokenized:
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
                    assert self.settings.alignment_path is not None
                    self._reject(stats, record._replace(file=self.settings.alignment_path), "malformed", problem)
                    continue
            reference = make_doc(src)
            setattr(reference._, self.settings.field, tgt)
            if teacher is not None:
                links = teacher.links(record.number)
                if links is not None and not self.settings.pretokenized:
                    reference.user_data[TARGET_WORDS_KEY] = "tokenizer"
            if links is not None:
                reference._.set(FieldNames(self.settings.field).alignment, links)
            stats.yielded += 1
            yield Example(make_doc(src), reference)
            if self.settings.limit is not None and stats.yielded >= self.settings.limit:
                stats.stopped_at_limit = True
                break

    def _too_long(self, src: str, tgt: str) -> bool:
        max_length = self.settings.max_length
        return max_length is not None and (len(src.split()) > max_length or len(tgt.split()) > max_length)

    def teacher_links(self, nlp: Language) -> TeacherLinks:
        """The teacher's links for the records this reader yields (before
        `limit`'s cut, the same filters otherwise), made on the first call."""
        if self._teacher is not None:
            return self._teacher
        settings = self.settings
        split_target, target_words = target_splitter(nlp, settings.field, settings.pretokenized)
        texts: List[Tuple[int, str, str]] = []
        with closing(self._records(self.resolve_format())) as records:
            for record in records:
                src, tgt = (record.src or "").strip(), (record.tgt or "").strip()
                if record.problem is not None or not src or not tgt or self._too_long(src, tgt):
                    continue  # the pass itself counts (or raises on) these
                texts.append((record.number, src, tgt))
                if settings.limit is not None and len(texts) >= settings.limit:
                    break

        def split_pair(number: int, src: str, tgt: str) -> TeacherPair:
            if settings.pretokenized:
                words = src.split()
                return TeacherPair(number, words, tgt.split(), list(range(len(words))))
            words, tokens = source_words(nlp.make_doc(src))
            return TeacherPair(number, words, split_target(tgt), tokens)

        fingerprint = [settings.alignment_teacher or "", target_words, tokenizer_fingerprint(nlp, settings.pretokenized)]
        links = teacher_links(texts, split_pair, cache_dir=self.teacher_cache_dir, settings=fingerprint)
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
        if self.settings.format != "auto":
            return self.settings.format
        assert self.settings.path is not None
        return detect_format(self.settings.path, self.settings.tgt_path)

    def _reject(
        self, stats: CorpusStats, record: Record, reason: SkipReason, problem: str
    ) -> None:
        """Raise, or count a malformed/empty record, according to on_malformed."""
        if self.settings.on_malformed == "error":
            error = Errors.E029 if reason == "empty" else Errors.E028
            raise ValueError(
                error.format(
                    unit=stats.unit, number=record.number, path=record.file, problem=problem
                )
            )
        stats.count_skipped(reason, record.number, record.file.name, problem)

    def _records(self, fmt: str) -> Iterator[Record]:
        settings = self.settings
        assert settings.path is not None
        if fmt == "lines":
            assert settings.tgt_path is not None
            yield from records_lines(settings.path, settings.tgt_path)
        elif fmt == "tsv":
            yield from records_tsv(settings.path, settings.src_column, settings.tgt_column)
        elif fmt == "jsonl":
            yield from records_jsonl(settings.path, settings.src_key, settings.tgt_key)
        else:
            yield from records_json(settings.path, settings.src_key, settings.tgt_key)


def create_parallel_corpus_reader(
    path: Optional[Path] = None, **settings: Any
) -> Callable[[Language], Iterable[Example]]:
    """Create a reader of parallel (source, target) text for `spacy train`.
    Takes one keyword per setting of `ReaderSettings` (reader_settings.py),
    which declares and checks them; the signature and the list below are
    generated from it.

    RETURNS (ParallelCorpus): A callable `(nlp) -> Iterator[Example]`; its
        `.stats` describe the most recent pass.
    """
    return ParallelCorpus(path, **settings)


# `path` may be given by position, as the reader's first argument.
_path, *_others = keyword_parameters(ReaderSettings)
give_signature(
    create_parallel_corpus_reader, leading=[_path.replace(kind=_path.POSITIONAL_OR_KEYWORD)],
    settings=_others, returns=Callable[[Language], Iterable[Example]],
)
create_parallel_corpus_reader.__doc__ = settings_docstring(
    ReaderSettings, create_parallel_corpus_reader.__doc__, marks=False
)
spacy.registry.readers("spacy-seq2seq.ParallelCorpus.v1")(create_parallel_corpus_reader)
