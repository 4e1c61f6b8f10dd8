"""docs/configuration.md, generated from the settings objects.

Every setting of the project is a field of one settings object (see
`declarations.py`); this module lists them all, each with where it is
declared and checked, so that the page never drifts from the code.
`scripts/write_configuration_doc.py` writes the page; a test checks that
the checked-in page is what `configuration_markdown()` gives.
"""

from dataclasses import Field
from typing import Any, List, NamedTuple, Sequence, Tuple

import srsly

from .declarations import declared_fields, declared_types, default_of, type_name
from .distributed.job_settings import JobSettings
from .models import NetworkSettings, SearchSettings
from .models.architectures import ARCHITECTURE
from .pipeline.settings import LearnedSettings, Seq2SeqSettings
from .training.mixing import MixingSettings
from .training.reader_settings import ReaderSettings


class SettingsObject(NamedTuple):
    """One settings object, as the page describes it."""

    cls: type
    module: str  # where it is declared, from the repository root
    used_as: str  # where its settings are written


COMPONENT = SettingsObject(
    Seq2SeqSettings, "spacy_seq2seq/pipeline/settings.py", "`[components.seq2seq_attn]`"
)
NETWORK = SettingsObject(
    NetworkSettings, "spacy_seq2seq/models/pytorch/config.py", "`[components.seq2seq_attn.model]`"
)
READER = SettingsObject(
    ReaderSettings, "spacy_seq2seq/training/reader_settings.py",
    '`[corpora.*]` with `@readers = "spacy-seq2seq.ParallelCorpus.v1"`',
)
MIXING = SettingsObject(
    MixingSettings, "spacy_seq2seq/training/mixing.py",
    '`[corpora.train]` with `@readers = "spacy-seq2seq.MixedCorpus.v1"`',
)
JOB = SettingsObject(
    JobSettings, "spacy_seq2seq/distributed/job_settings.py",
    "`translate_corpus(..., **settings)` and the `translate-corpus` flags",
)
# Where the parts of the component's settings are declared.
PARTS = {
    LearnedSettings: "spacy_seq2seq/pipeline/settings.py",
    SearchSettings: "spacy_seq2seq/models/types.py",
    Seq2SeqSettings: "spacy_seq2seq/pipeline/settings.py",
}

INTRO = """\
# Configuration

<!-- Generated from the settings objects by
`python scripts/write_configuration_doc.py` (spacy_seq2seq/configuration_doc.py):
edit the settings where they are declared, not this page.
tests/test_settings_declared_once.py checks that it is current. -->

Every setting is declared once: a field of one frozen dataclass, with its
type, default and one-line doc, and checked once, by that class's
`validate` (each failing check raises a coded error, `spacy_seq2seq/errors.py`).
Signatures, default configs, command-line flags, docstrings and this page
are generated from the declarations (`spacy_seq2seq/declarations.py` says
how). `configs/*.cfg` are complete configs.

## Where each setting is declared, checked and documented

| Settings | Written in | Declared in | Checked by |
| --- | --- | --- | --- |
"""

DECODING_INTRO = """\
These say how to apply the model, not what it learned. A saved pipeline
does not restore them: the config it is loaded with decides, so they can be
changed at load time, and the commands that decode take them as flags (the
search settings and `quantize`: `--beam-size`, `--n-best`, ...; see
docs/cli.md):

```python
nlp = spacy.load("out", config={"components": {"seq2seq_attn": {"beam_size": 1}}})
```

The search settings are declared in `SearchSettings` (`models/types.py`),
the object the model's search takes: the component's settings extend it, so
the model searches with the component's own values and defaults.
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

NETWORK_INTRO = f"""\
The keys of `[components.seq2seq_attn.model]`, the arguments of the
`{ARCHITECTURE}` architecture. A saved pipeline rebuilds its network from
them, so they are restored with it.
"""

READER_INTRO = """\
The corpus reader for `spacy train` (`[corpora.train]`, `[corpora.dev]`),
also `ParallelCorpus(path, **settings)` in Python. Malformed lines and empty
pairs are skipped, counted and reported (or raise, with
`on_malformed = "error"`).
"""

MIXING_INTRO = """\
The fine-tuning reader (docs/finetune.md): every example of its `new`
reader (a nested `[corpora.train.new]` block) once per pass, with a share of
an old corpus mixed in, read with the corpus reader above.
"""

JOB_INTRO = """\
How a corpus-scale job runs on Ray (docs/distributed.md): the arguments of
`spacy_seq2seq.distributed.translate_corpus` after `model`, `input` and
`output_dir`, and the flags of `translate-corpus` (`--format` for
`input_format`, `--quiet` for `progress = false`). What it decodes with is
the pipeline's settings, changed by its `decoding` argument (the command's
decoding flags).
"""


def configuration_markdown() -> str:
    """The whole page, Markdown."""
    learned = [spec for spec in declared_fields(Seq2SeqSettings) if not spec.metadata["decoding"]]
    decoding = [spec for spec in declared_fields(Seq2SeqSettings) if spec.metadata["decoding"]]
    sections = [
        INTRO + _where_table(),
        "## The component: every setting, with its default\n\n" + _config_block(),
        "## What the model learned with (restored from a saved pipeline)\n\n" + _table(Seq2SeqSettings, learned),
        "## Decoding settings\n\n" + DECODING_INTRO + "\n" + _table(Seq2SeqSettings, decoding),
        PYTHON_SECTION,
        "## The network\n\n" + NETWORK_INTRO + "\n" + _table(NetworkSettings),
        "## The corpus reader\n\n" + READER_INTRO + "\n" + _table(ReaderSettings),
        "## Mixing an old corpus in\n\n" + MIXING_INTRO + "\n" + _table(MixingSettings),
        "## Corpus jobs\n\n" + JOB_INTRO + "\n" + _table(JobSettings),
    ]
    return "\n".join(section.rstrip("\n") + "\n" for section in sections)


def _where_table() -> str:
    rows = []
    for settings in (COMPONENT, NETWORK, READER, MIXING, JOB):
        declared = f"`{settings.module}` (`{settings.cls.__name__}`)"
        if settings is COMPONENT:
            declared = "; ".join(f"`{module}` (`{part.__name__}`)" for part, module in PARTS.items())
        rows.append(f"| {settings.cls.__name__} | {settings.used_as} | {declared} | "
                    f"`{settings.cls.__name__}.validate` |")
    rows.append(
        "| Command-line decoding flags | `translate`, `evaluate`, `render`, `serve`, `translate-corpus` | "
        "the component's (`spacy_seq2seq/cli/options.py` derives them) | the component, through the config |"
    )
    return "\n".join(rows) + "\n"


def _config_block() -> str:
    lines = ["```ini", "[components.seq2seq_attn]", 'factory = "seq2seq_attn"']
    lines += [f"{spec.name} = {_config_literal(default_of(spec))}" for spec in declared_fields(Seq2SeqSettings)]
    lines += ["", "[components.seq2seq_attn.model]", f"@architectures = {_config_literal(ARCHITECTURE)}"]
    lines += [f"{spec.name} = {_config_literal(default_of(spec))}" for spec in declared_fields(NetworkSettings)]
    lines.append("```")
    return "\n".join(lines) + "\n"


def _table(cls: type, specs: Sequence[Field] = ()) -> str:
    """A row per setting: name, type, default, doc (and, for the component,
    which part declares it)."""
    types = declared_types(cls)
    parts = cls is Seq2SeqSettings
    header: Tuple[str, ...] = ("Setting", "Type", "Default", "What it does") + (("Declared in",) if parts else ())
    rows: List[str] = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for spec in specs or declared_fields(cls):
        cells = [
            f"`{spec.name}`",
            _cell(f"`{type_name(types[spec.name])}`"),
            f"`{_config_literal(default_of(spec))}`",
            _cell(spec.metadata["doc"]),
        ]
        if parts:
            cells.append(f"`{_declaring_part(spec.name).__name__}`")
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def _declaring_part(name: str) -> type:
    return next(part for part in PARTS if name in part.__dict__.get("__annotations__", {}))


def _config_literal(value: Any) -> str:
    """A value as a config file writes it (JSON: true, null, "split", [...])."""
    return srsly.json_dumps(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
