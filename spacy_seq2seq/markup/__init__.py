"""Documents with markup, translated: HTML, XML and Markdown in, the same
markup out, each inline element put back around the output words aligned to
the words it wrapped (docs/markup.md).

Above the pipeline: it uses the component only through `nlp.pipe` and the
Doc extensions, and never imports torch.
"""

from .formats import FORMATS
from .translate import (
    MarkupReport,
    MarkupTranslation,
    translate_document,
    translate_documents,
    translate_markup,
)

__all__ = ["FORMATS", "MarkupReport", "MarkupTranslation", "translate_document", "translate_documents", "translate_markup"]
