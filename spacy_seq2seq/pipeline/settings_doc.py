"""docs/configuration.md, generated from the settings object.

`scripts/write_configuration_doc.py` writes the page; a test checks that the
checked-in page is what `configuration_markdown()` gives, so the page never
drifts from `Seq2SeqSettings` (settings.py).
"""

from typing import List

import srsly

from ..declarations import type_name
from .factory import DEFAULT_MODEL_CONFIG
from .settings import Seq2SeqSettings, setting_default, setting_fields

INTRO = """\
# Configuration

<!-- Generated from spacy_seq2seq/pipeline/settings.py (Seq2SeqSettings) by
`python scripts/write_configuration_doc.py`: edit the settings there, not
this page. tests/pipeline/test_settings.py checks that it is current. -->

A `seq2seq_attn` component's settings are the keys of its config section,
each declared once, with its type, default, doc and checks, in
`spacy_seq2seq/pipeline/settings.py` (`Seq2SeqSettings`). The network's own
settings (`[components.seq2seq_attn.model]`) are the arguments of the
`spacy-seq2seq.RNNAttnSeq2Seq.v1` architecture
(`spacy_seq2seq/models/architectures.py`). `configs/*.cfg` are complete
configs.
"""

DECODING_INTRO = """\
These say how to apply the model, not what it learned. A saved pipeline
does not restore them: the config it is loaded with decides, so they can be
changed at load time:

```python
nlp = spacy.load("out", config={"components": {"seq2seq_attn": {"beam_size": 1}}})
```
"""

PYTHON_SECTION = """\
## Changing settings in Python

`pipe.settings` is the component's `Seq2SeqSettings`, frozen: assign a
changed copy, which the component checks like a config.

```python
from dataclasses import replace

pipe = nlp.get_pipe("seq2seq_attn")
pipe.settings = replace(pipe.settings, beam_size=1, quantize="int8")
```

`pipe.cfg` is a read-only view of the same values as flat config keys (what
the pipeline saves); writing into it raises E050.
"""


def configuration_markdown() -> str:
    """The whole page, Markdown."""
    sections = [
        INTRO,
        "## Every setting, with its default\n\n" + _config_block(),
        "## What the model learned with (restored from a saved pipeline)\n\n" + _table(decoding=False),
        "## Decoding settings\n\n" + DECODING_INTRO + "\n" + _table(decoding=True),
        PYTHON_SECTION,
    ]
    return "\n".join(section.rstrip("\n") + "\n" for section in sections)


def _config_block() -> str:
    lines = ["```ini", "[components.seq2seq_attn]", 'factory = "seq2seq_attn"']
    lines += [f"{spec.name} = {_config_literal(setting_default(spec))}" for spec in setting_fields()]
    model_lines = DEFAULT_MODEL_CONFIG.strip().splitlines()
    assert model_lines[0] == "[model]"
    lines += ["", "[components.seq2seq_attn.model]", *model_lines[1:], "```"]
    return "\n".join(lines) + "\n"


def _table(*, decoding: bool) -> str:
    types = Seq2SeqSettings.types()
    rows: List[str] = ["| Setting | Type | Default | What it does |", "| --- | --- | --- | --- |"]
    for spec in setting_fields():
        if spec.metadata["decoding"] != decoding:
            continue
        cells = (
            f"`{spec.name}`",
            _cell(f"`{type_name(types[spec.name])}`"),
            f"`{_config_literal(setting_default(spec))}`",
            _cell(spec.metadata["doc"]),
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def _config_literal(value: object) -> str:
    """A value as a config file writes it (JSON: true, null, "split", [...])."""
    return srsly.json_dumps(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
