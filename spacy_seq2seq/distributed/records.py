"""Decoding a batch of texts (or forced-aligning given pairs) into output
records, the one-process work every worker does.

A record's keys are the Doc extensions' names (see names.py): `id`,
`source`, `<field>`, `<field>_tokens`, `<field>_alignment` (a list of
[i, j]), `<field>_score` and, when asked, `<field>_attention`. The values
are read from the Docs through those public extensions, exactly as
`nlp.pipe` in one process leaves them.
"""

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..names import FieldNames
from .formats import UNDECODABLE

# Details longer than this are cut in the skip reports.
MAX_DETAIL = 300


@dataclass(frozen=True)
class Item:
    """One record to decode: its id, source text and (--align) target text."""

    id: int
    source: str
    target: Optional[str] = None


@dataclass(frozen=True)
class Skip:
    """A record that is not in the output, and why."""

    id: int
    reason: str
    detail: str = ""

    def to_list(self) -> List[Any]:
        return [self.id, self.reason, self.detail[:MAX_DETAIL]]


Outcome = Tuple[List[Dict[str, Any]], List[Skip]]


def decode_items(
    nlp, pipe_name: str, items: Sequence[Item], *, align: bool, attention: bool, batch_size: int,
    markup: Optional[str] = None,
) -> Outcome:
    """Records for the items that decode, and an `undecodable` skip (with
    the error) for each that does not. A batch that fails is retried one
    item at a time, so one bad record costs only itself; the component is
    batch-invariant, so the others come out as they would have anyway.
    With `markup` ("html", "xml", "markdown"), each record is a document
    (see `markup_record`)."""
    try:
        return _decode(nlp, pipe_name, items, align=align, attention=attention, batch_size=batch_size, markup=markup)
    except Exception:
        if len(items) == 1:
            raise
    records: List[Dict[str, Any]] = []
    skips: List[Skip] = []
    for item in items:
        try:
            one_records, one_skips = _decode(
                nlp, pipe_name, [item], align=align, attention=attention, batch_size=1, markup=markup,
            )
        except Exception as error:  # whatever the model raised for this one text
            skips.append(Skip(item.id, UNDECODABLE, f"{type(error).__name__}: {error}"))
            continue
        records.extend(one_records)
        skips.extend(one_skips)
    return records, skips


def _decode(
    nlp, pipe_name: str, items: Sequence[Item], *, align: bool, attention: bool, batch_size: int,
    markup: Optional[str] = None,
) -> Outcome:
    if markup is not None:
        return _decode_markup(nlp, pipe_name, items, markup, batch_size), []
    pipe = nlp.get_pipe(pipe_name)
    if align:
        docs = _forced(nlp, pipe, items, batch_size)
    else:
        docs = list(nlp.pipe((item.source for item in items), batch_size=batch_size))
    names = FieldNames(pipe.field)
    records: List[Dict[str, Any]] = []
    skips: List[Skip] = []
    for item, doc in zip(items, docs):
        nbest = doc._.get(names.nbest)
        if not nbest:
            # Text, but not one source piece to decode (e.g. only characters
            # the tokenizer drops): nothing to report but the skip.
            skips.append(Skip(item.id, UNDECODABLE, "no source piece to decode"))
            continue
        records.append(make_record(item.id, item.source, doc, names, attention))
    return records, skips


def _forced(nlp, pipe, items: Sequence[Item], batch_size: int) -> List[Any]:
    """Forced alignment of given pairs, as the `align` command does it: both
    sides are pre-tokenised, their words the whitespace tokens of the text
    (word i of the source, word j of the target)."""
    from spacy.tokens import Doc

    docs: List[Any] = []
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        sources = [Doc(nlp.vocab, words=item.source.split()) for item in batch]
        docs.extend(pipe.align(sources, [(item.target or "").split() for item in batch]))
    return docs


def make_record(record_id: int, source: str, doc, names: FieldNames, attention: bool) -> Dict[str, Any]:
    """The output record of one processed Doc."""
    record: Dict[str, Any] = {
        "id": record_id,
        "source": source,
        names.text: doc._.get(names.text),
        names.tokens: doc._.get(names.tokens),
        names.alignment: [[i, j] for i, j in doc._.get(names.alignment)],
        names.score: doc._.get(names.nbest)[0][1],
    }
    if attention:
        record[names.attention] = doc._.get(names.attention)
    return record


def _decode_markup(nlp, pipe_name: str, items: Sequence[Item], markup: str, batch_size: int) -> List[Dict[str, Any]]:
    """One record per document. The W045/W046 warnings are not printed by
    the workers: each record's `markup_report` holds the same details."""
    import warnings

    from ..markup import translate_documents

    names = FieldNames(nlp.get_pipe(pipe_name).field)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = list(translate_documents(
            nlp, [item.source for item in items], markup, component=pipe_name, batch_size=batch_size,
        ))
    return [markup_record(item.id, item.source, result, names) for item, result in zip(items, results)]


def markup_record(record_id: int, source: str, result, names: FieldNames) -> Dict[str, Any]:
    """The output record of a translated document: `id`, `source`, `<field>`
    (the translated document, markup and all), `<field>_score` (the sum of
    its segments' scores) and `markup_report` (segments, elements, the
    elements written empty and the repairs, as text)."""
    report = result.report
    return {
        "id": record_id,
        "source": source,
        names.text: result.markup,
        names.score: sum(doc._.get(names.nbest)[0][1] for doc in result.docs if doc._.get(names.nbest)),
        "markup_report": {
            "segments": report.segments, "elements": report.elements, "clipped": report.clipped,
            "unplaced": [str(item) for item in report.unplaced], "repairs": list(report.repairs),
        },
    }
