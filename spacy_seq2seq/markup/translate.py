"""Translating a document with markup: parse, translate every segment
through `nlp.pipe` in one stream, put the inline markup back, join."""

import warnings
from dataclasses import dataclass, field
from typing import Iterable, Iterator, List, Optional

from spacy.language import Language
from spacy.tokens import Doc

from ..errors import Errors, Warnings
from ..pipeline.components import seq2seq_component_names
from .formats import get_format
from .placement import Unplaced, place_segment
from .segments import Segment


@dataclass
class MarkupReport:
    """What translating one document did.

    segments (int): Segments translated.
    elements (int): Inline elements inside them.
    unplaced (List[Unplaced]): Elements written empty (no output word to wrap).
    clipped (int): Element ranges cut to keep the input's nesting.
    repairs (List[str]): What was repaired in malformed input.
    """

    segments: int = 0
    elements: int = 0
    unplaced: List[Unplaced] = field(default_factory=list)
    clipped: int = 0
    repairs: List[str] = field(default_factory=list)


@dataclass
class MarkupTranslation:
    """A translated document.

    markup (str): The output document.
    report (MarkupReport): What was placed, clipped and repaired.
    docs (List[Doc]): The translated Doc of each segment, in order (their
        extensions hold each segment's output, alignment and attention).
    """

    markup: str
    report: MarkupReport
    docs: List[Doc] = field(default_factory=list)


def translate_markup(
    nlp: Language, text: str, format: str = "html", *, component: str = "", batch_size: int = 64,
) -> str:
    """Translate a document with markup and give the output document.

    nlp (Language): A pipeline with a seq2seq_attn component.
    text (str): The document: HTML, XML or Markdown.
    format (str): "html", "xml" or "markdown".
    component (str): The component's name (default: the first seq2seq_attn).
    batch_size (int): Segments per `nlp.pipe` batch.
    RETURNS (str): The translated document. Elements written empty and
        repairs of malformed input are reported as coded warnings (W045,
        W046); `translate_document` gives the full report.
    """
    return translate_document(nlp, text, format, component=component, batch_size=batch_size).markup


def translate_document(
    nlp: Language, text: str, format: str = "html", *, component: str = "", batch_size: int = 64,
    what: str = "the document",
) -> MarkupTranslation:
    """`translate_markup` with its report (see MarkupReport)."""
    return next(translate_documents(nlp, [text], format, component=component, batch_size=batch_size, names=[what]))


def translate_documents(
    nlp: Language, texts: Iterable[str], format: str = "html", *, component: str = "",
    batch_size: int = 64, names: Optional[Iterable[str]] = None,
) -> Iterator[MarkupTranslation]:
    """Translate many documents, their segments batched together through
    `nlp.pipe` (one stream, so short documents share batches).

    names (Optional[Iterable[str]]): How warnings name each document
        (default: "document 1", "document 2", ...).
    """
    markup_format = get_format(format)
    field_name = _field(nlp, component)
    names_iter = iter(names) if names is not None else None
    parsed = []
    for number, text in enumerate(texts, start=1):
        if not isinstance(text, str):
            raise TypeError(Errors.E172.format(type=type(text).__name__))
        parts, repairs = markup_format.parse(text)
        name = next(names_iter) if names_iter is not None else f"document {number}"
        parsed.append((name, parts, repairs))
    segments = [part for _, parts, _ in parsed for part in parts if isinstance(part, Segment)]
    docs = iter(nlp.pipe((segment.text for segment in segments), batch_size=batch_size))
    for name, parts, repairs in parsed:
        report = MarkupReport(repairs=list(repairs))
        out: List[str] = []
        segment_docs: List[Doc] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            segment_docs.append(next(docs))
            rendered, unplaced, clipped = place_segment(
                part, segment_docs[-1], field_name, markup_format.escape, markup_format.writes_empty,
            )
            out.extend((part.lead, rendered, part.trail))
            report.segments += 1
            report.elements += len(part.elements)
            report.unplaced.extend(unplaced)
            report.clipped += clipped
        _warn(name, report)
        yield MarkupTranslation("".join(out), report, segment_docs)


def _field(nlp: Language, component: str) -> str:
    names = seq2seq_component_names(nlp.config)
    if not names:
        raise ValueError(Errors.E173.format(components=", ".join(nlp.pipe_names) or "none"))
    return nlp.get_pipe(component or names[0]).field


def _warn(name: str, report: MarkupReport) -> None:
    if report.repairs:
        warnings.warn(Warnings.W046.format(what=name, details="; ".join(report.repairs)))
    if report.unplaced:
        warnings.warn(Warnings.W045.format(
            n=len(report.unplaced), what=name, details="; ".join(str(item) for item in report.unplaced),
        ))
