"""Everything the package registers resolves by name, through entry points."""

import subprocess
import sys

import pytest

REGISTERED = [
    ("factories", "seq2seq_attn"),
    ("architectures", "spacy-seq2seq.RNNAttnSeq2Seq.v1"),
    ("readers", "spacy-seq2seq.ParallelCorpus.v1"),
    ("readers", "spacy-seq2seq.MixedCorpus.v1"),
    ("callbacks", "spacy-seq2seq.vocab_coverage_report.v1"),
    ("misc", "spacy-seq2seq.pair_length.v1"),
]


@pytest.mark.parametrize("registry_name, name", REGISTERED)
def test_entry_point_resolves_in_a_fresh_interpreter(registry_name, name):
    # A fresh interpreter, so nothing was imported by earlier tests: the
    # package is not loaded until the name is resolved, and then it is,
    # through its entry point.
    if registry_name == "factories":
        # spaCy resolves factory entry points when a pipe is added.
        check = f"spacy.blank('fr').add_pipe({name!r})"
    else:
        check = f"registry.{registry_name}.get({name!r})"
    code = (
        "import sys\nimport spacy\nfrom spacy.util import registry\n"
        f"before = 'spacy_seq2seq' in sys.modules\n{check}\n"
        "print(before, 'spacy_seq2seq' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "True"]
