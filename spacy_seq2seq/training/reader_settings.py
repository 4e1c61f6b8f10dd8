"""The settings of the parallel corpus reader (`spacy-seq2seq.ParallelCorpus.v1`),
declared once: each one's type, default, one-line doc and coded check. The
registered reader's signature and docstring and the reader class's
settings are derived from here; docs/configuration.md lists them.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Optional, Tuple, get_args

from ..declarations import check_integer, setting, settings_docstring
from ..errors import Errors, check_choice
from .format_detection import FORMATS, FormatType

OnMalformedType = Literal["skip", "error"]
ON_MALFORMED: Tuple[str, ...] = get_args(OnMalformedType)
# Where guided-alignment links can come from when the corpus has none
# (training/teacher.py makes them).
TeacherType = Literal["eflomal"]
TEACHERS: Tuple[str, ...] = get_args(TeacherType)


@dataclass(frozen=True)
class ReaderSettings:
    """How `ParallelCorpus` reads a parallel corpus. Checked on creation;
    paths become `Path`s, and `max_length` / `limit` of 0 become None (no
    limit, as in `spacy.Corpus.v1`)."""

    path: Optional[Path] = setting(
        None,
        'The source file, or the single file holding both sides for `"tsv"`, `"jsonl"` and `"json"`; '
        '".gz" is decompressed. Required (null only so that an unset `${paths.train}` gives a clear error).',
    )
    tgt_path: Optional[Path] = setting(None, 'For format `"lines"`: the line-aligned target file.')
    format: FormatType = setting(
        "auto",
        '`"auto"` (tgt_path set: `"lines"`; .jsonl, .json, .tsv by suffix; else a tab on the first line: '
        '`"tsv"`), `"lines"`, `"tsv"`, `"jsonl"` or `"json"` (one JSON list of objects, read whole).',
    )
    src_column: int = setting(0, "TSV column (0-based) of the source text.")
    tgt_column: int = setting(1, "TSV column (0-based) of the target text.")
    src_key: str = setting("src", "JSON/JSONL key of the source text.")
    tgt_key: str = setting("tgt", "JSON/JSONL key of the target text.")
    field: str = setting("translation", "The target text goes to `reference._.{field}`.")
    max_length: Optional[int] = setting(
        None,
        "Skip pairs where either side has more than this many whitespace-separated words (counted in "
        "`reader.stats.too_long`); null or 0: no filter.",
    )
    limit: Optional[int] = setting(None, "Stop after this many examples per pass; null or 0: no limit.")
    on_malformed: OnMalformedType = setting(
        "skip",
        '`"skip"`: skip, count and warn about malformed lines and empty pairs; `"error"`: raise a '
        "coded error naming the file and line.",
    )
    pretokenized: bool = setting(
        False, "Make the source Docs from the whitespace tokens, not the tokenizer."
    )
    alignment_path: Optional[Path] = setting(
        None,
        "Gold word alignments for guided-alignment training: 0-based pharaoh links over whitespace "
        "tokens, line N for record N, stored in `reference._.{field}_alignment`; needs "
        "`pretokenized = true`. Bad or missing lines count as malformed.",
    )
    alignment_teacher: Optional[TeacherType] = setting(
        None,
        '`"eflomal"`: make the guided-alignment links on the first pass, from this corpus '
        "(training/teacher.py; needs the `align` extra), over the words the model aligns, cached; "
        "null: no teacher.",
    )
    teacher_cache_dir: Optional[Path] = setting(
        None,
        "Where the teacher's links are cached, keyed by a checksum of the corpus and the settings "
        "(null: $SPACY_SEQ2SEQ_CACHE/teacher or ~/.cache/spacy_seq2seq/teacher).",
    )

    def __post_init__(self) -> None:
        self.validate()
        for name in ("path", "tgt_path", "alignment_path", "teacher_cache_dir"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)))
        for name in ("max_length", "limit"):
            object.__setattr__(self, name, getattr(self, name) or None)

    def validate(self) -> None:
        """Check every setting.

        RAISES (ValueError): A coded error (E003, E013, E022-E025, E153) naming the
            first bad setting and the fix.
        """
        if self.path is None:
            raise ValueError(Errors.E022.format())
        check_choice("format", self.format, FORMATS)
        check_choice("on_malformed", self.on_malformed, ON_MALFORMED)
        for name in ("src_column", "tgt_column"):
            check_integer(name, getattr(self, name), 0, "an integer >= 0")
        if self.src_column == self.tgt_column:
            raise ValueError(Errors.E013.format(
                setting="src_column", constraint=f"different from tgt_column ({self.tgt_column})",
                value=self.src_column,
            ))
        for name in ("max_length", "limit"):
            if getattr(self, name) is not None:
                check_integer(name, getattr(self, name), 0, "an integer >= 0, or null for no limit")
        if not isinstance(self.field, str) or not self.field.isidentifier():
            raise ValueError(Errors.E013.format(
                setting="field",
                constraint='a Python identifier such as "translation" (it names the Doc extension '
                "`doc._.{field}`)",
                value=self.field,
            ))
        if self.format == "lines" and self.tgt_path is None:
            raise ValueError(Errors.E023.format())
        if self.tgt_path is not None and self.format not in ("auto", "lines"):
            # A tgt_path that is silently ignored would mean training on the
            # wrong data without noticing.
            raise ValueError(Errors.E024.format(format=self.format))
        if self.alignment_path is not None and not self.pretokenized:
            raise ValueError(Errors.E025.format())
        if self.alignment_teacher is not None:
            check_choice("alignment_teacher", self.alignment_teacher, TEACHERS)
            if self.alignment_path is not None:
                raise ValueError(Errors.E153.format(teacher=self.alignment_teacher))


ReaderSettings.__doc__ = settings_docstring(ReaderSettings, marks=False)
