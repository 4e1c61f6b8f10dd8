"""What the live demo answers for one request body: the checks on the
input, then the decoded output as JSON (no HTTP here, so it is tested
without a socket).

A request body is a JSON object `{"text": "..."}`, optionally with a
`"glossary"`: lines `source term = target term` (or tab-separated), whose
terms the output must contain where their source matches
(docs/terminology.md). The answer is the output, its words, the n-best
list, the word alignment, the terms and what became of them, and the
figure that `render` would draw for it (its markup; the page brings the
script), and the warnings the component gave while decoding it.
Anything wrong with the input is a `RequestError`: an HTTP status and a
coded message the page shows as it is.
"""

import json
import threading
import warnings
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from spacy.language import Language

from ..displacy.markup import render_view
from ..displacy.view import view_from_doc
from ..errors import Errors
from ..names import FieldNames
from ..terms import Glossary

# Longest text a request may ask for by default: a few sentences. Decoding
# time and the page's matrix grow with it, and this is a demo, not a batch
# service (for files, use `translate`).
DEFAULT_MAX_CHARS = 1000


class RequestError(Exception):
    """A request the demo will not decode: the status to answer with and
    the message to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class LiveLimits:
    """How much one request may ask for.

    max_chars (int): Characters of input text.
    """

    max_chars: int = DEFAULT_MAX_CHARS

    @property
    def max_body_bytes(self) -> int:
        """The largest request body worth reading: the text at its longest,
        every character JSON-escaped (`\\uXXXX`, 6 bytes), and a glossary
        as long (see `glossary_of`), plus room for the object around them.
        Anything larger is refused unread."""
        return 12 * self.max_chars + 1024


def text_of(body: bytes, limits: LiveLimits) -> str:
    """The text a request body asks to decode, or a RequestError saying
    what is wrong with it (bad UTF-8, bad JSON, no "text", empty, too long)."""
    return request_of(body, limits)[0]


# What a request may say the text is: plain text, or a markup format.
LIVE_FORMATS = ("text", "html", "xml", "markdown")


def request_of(body: bytes, limits: LiveLimits) -> Tuple[str, str]:
    """The text and its format ("format": "text" unless the request says
    "html", "xml" or "markdown") a request body asks for, or a RequestError
    (what `text_of` refuses, and an unknown format: E171)."""
    try:
        decoded = body.decode("utf8")
    except UnicodeDecodeError as error:
        raise RequestError(400, Errors.E091.format(position=error.start)) from None
    try:
        data = json.loads(decoded)
    except json.JSONDecodeError as error:
        raise RequestError(400, Errors.E092.format(problem=f"{error.msg} at line {error.lineno}, column {error.colno}")) from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        got = type(data.get("text")).__name__ if isinstance(data, dict) else type(data).__name__
        raise RequestError(400, Errors.E092.format(problem=f'expected an object with a string "text", got {got}'))
    text = data["text"].strip()
    if not text:
        raise RequestError(400, Errors.E093)
    if len(text) > limits.max_chars:
        raise RequestError(413, Errors.E094.format(n_chars=len(text), max_chars=limits.max_chars))
    markup_format = data.get("format", "text")
    if markup_format not in LIVE_FORMATS:
        raise RequestError(400, Errors.E171.format(format=markup_format, formats=", ".join(LIVE_FORMATS[1:])))
    return text, markup_format


def glossary_of(body: bytes, limits: LiveLimits) -> Optional[str]:
    """The glossary a request body sends (a body `text_of` accepted), as
    TSV text: each `source = target` line becomes `source<TAB>target`
    (a tab is hard to type into a text box). None without one."""
    data = json.loads(body.decode("utf8"))
    glossary = data.get("glossary")
    if glossary is None or (isinstance(glossary, str) and not glossary.strip()):
        return None
    if not isinstance(glossary, str):
        raise RequestError(400, Errors.E092.format(problem=f'"glossary" must be a string, got {type(glossary).__name__}'))
    if len(glossary) > limits.max_chars:
        raise RequestError(413, Errors.E094.format(n_chars=len(glossary), max_chars=limits.max_chars))
    lines = [line if "\t" in line else line.replace("=", "\t", 1) for line in glossary.splitlines()]
    return "\n".join(lines)


class LiveAnswerer:
    """Decodes one text at a time with a loaded pipeline and describes the
    result for the page.

    nlp (Language): The pipeline.
    component (str): The name of its seq2seq_attn component.
    """

    def __init__(self, nlp: Language, component: str) -> None:
        self.nlp = nlp
        self.pipe = nlp.get_pipe(component)
        self.field = self.pipe.field
        self.names = FieldNames(self.field)
        # The server answers requests in threads; the network is decoded by
        # one at a time (its modules are not meant for concurrent calls, and
        # two decodes would only share the same cores).
        self._lock = threading.Lock()

    def answer(self, text: str, markup_format: str = "text", glossary: Optional[str] = None) -> Dict[str, Any]:
        """The JSON answer for one checked text (a document, for a markup
        format: see `answer_markup`), with the terms of `glossary` (TSV
        text, see `glossary_of`) where their source matches. The glossary
        applies to this request only: its terms are set on the Doc, the
        component's own glossary is left as it is. It applies to plain text
        only (a document is decoded segment by segment through nlp.pipe)."""
        if markup_format != "text":
            if glossary is not None:
                raise RequestError(400, Errors.E092.format(
                    problem='"glossary" applies to plain text only: send the document without it'
                ))
            return self.answer_markup(text, markup_format)
        with self._lock:
            # What the component warns about (e.g. W004, an output cut at the
            # length limit) belongs with the answer it concerns. Recording
            # warnings changes process-wide state: it happens under the lock.
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                doc = self.nlp.make_doc(text)
                if glossary is not None:
                    doc._.set(self.names.terms, self._glossary_terms(doc, glossary))
                doc = self.nlp(doc)
        names = self.names
        tokens: List[str] = list(doc._.get(names.tokens) or [])
        alignment = [(int(i), int(j)) for i, j in doc._.get(names.alignment) or []]
        return {
            "source": doc.text,
            "output": doc._.get(names.text) or "",
            "source_tokens": [token.text for token in doc],
            "tokens": tokens,
            "alignment": [
                {"source": i, "target": j, "source_word": doc[i].text, "target_word": tokens[j]}
                for i, j in alignment
            ],
            "nbest": [{"text": str(output), "score": float(score)} for output, score in doc._.get(names.nbest) or []],
            "terms": list(doc._.get(names.terms_used) or []),
            "html": render_view(view_from_doc(doc, self.field), 0),
            "warnings": [str(warning.message) for warning in caught],
        }

    def answer_markup(self, text: str, markup_format: str) -> Dict[str, Any]:
        """A document with markup: `output` (and `markup`) is the translated
        document, `html` one attention figure per segment, `alignment` the
        links of every segment in turn; malformed XML is a RequestError."""
        from ..markup import translate_document

        with self._lock:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    result = translate_document(self.nlp, text, markup_format)
                except ValueError as error:
                    raise RequestError(400, str(error)) from None
        names = self.names
        links = []
        for doc in result.docs:
            tokens = list(doc._.get(names.tokens) or [])
            links.extend(
                {"source": i, "target": j, "source_word": doc[i].text, "target_word": tokens[j]}
                for i, j in doc._.get(names.alignment) or []
            )
        score = sum(doc._.get(names.nbest)[0][1] for doc in result.docs if doc._.get(names.nbest))
        return {
            "source": text,
            "format": markup_format,
            "output": result.markup,
            "markup": result.markup,
            "source_tokens": [token.text for doc in result.docs for token in doc],
            "tokens": [word for doc in result.docs for word in doc._.get(names.tokens) or []],
            "alignment": links,
            "nbest": [{"text": result.markup, "score": float(score)}],
            "html": "".join(render_view(view_from_doc(doc, self.field), k) for k, doc in enumerate(result.docs)),
            "warnings": [str(warning.message) for warning in caught],
        }
    def _glossary_terms(self, doc, glossary: str) -> List[Dict[str, Any]]:
        """The request glossary's terms in `doc` (a coded 400 for a bad
        glossary). Matched on the tokenized text: lemma matching would need
        the components before this one, so it matches ignoring case."""
        try:
            parsed = Glossary.parse_tsv(glossary, self.nlp.make_doc, where="the glossary field")
        except ValueError as error:
            raise RequestError(400, str(error)) from None
        match = self.pipe.settings.glossary_match
        return [term.to_dict() for term in parsed.find(doc, "lower" if match == "lemma" else match)]
