"""pipeline.components: finding the seq2seq_attn components by the config."""

import pytest

from spacy_seq2seq.pipeline.components import (
    seq2seq_component_name,
    seq2seq_component_names,
)

CONFIG = {"components": {
    "tok2vec": {"factory": "tok2vec"},
    "summariser": {"factory": "seq2seq_attn"},
    "translator": {"factory": "seq2seq_attn"},
}}


def test_names_in_config_order():
    assert seq2seq_component_names(CONFIG) == ["summariser", "translator"]
    assert seq2seq_component_names({"components": {}}) == []


def test_the_first_unless_one_is_named():
    assert seq2seq_component_name(CONFIG) == "summariser"
    assert seq2seq_component_name(CONFIG, "translator") == "translator"


def test_a_wrong_name_or_none_is_a_coded_error():
    with pytest.raises(ValueError, match=r"\[E041\] Component 'tok2vec'.*summariser, translator"):
        seq2seq_component_name(CONFIG, "tok2vec")
    with pytest.raises(ValueError, match=r"\[E040\].*its components: tok2vec\)"):
        seq2seq_component_name({"components": {"tok2vec": {"factory": "tok2vec"}}})
