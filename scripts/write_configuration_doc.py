"""Write docs/configuration.md from the settings objects (see
spacy_seq2seq/configuration_doc.py). Run it after changing a setting:

    python scripts/write_configuration_doc.py

With --check it writes nothing and exits with 1 if the page is out of date.
"""

import sys
from pathlib import Path

from spacy_seq2seq.configuration_doc import configuration_markdown

PAGE = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"


def main(check: bool = False) -> int:
    text = configuration_markdown()
    if check:
        current = PAGE.read_text(encoding="utf8") if PAGE.exists() else ""
        if current != text:
            sys.stderr.write(f"{PAGE} is out of date: run python scripts/write_configuration_doc.py\n")
            return 1
        return 0
    PAGE.write_text(text, encoding="utf8")
    return 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
