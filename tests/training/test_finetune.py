"""configs/finetune.cfg sources a trained component: training resumes from
its vocabularies and weights (nothing is initialised again)."""

import json
import warnings
from pathlib import Path

import pytest
import torch
from spacy import util
from spacy.cli.train import train
from spacy.training.initialize import init_nlp
from toy_data import TOY_PAIRS, make_examples, outputs

from spacy_seq2seq.models import get_torch_module

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "configs" / "finetune.cfg"
# The new domain: the toy pairs plus two with words the toy model never saw.
NEW_PAIRS = TOY_PAIRS + [("le chat blanc mange .", "the white cat eats ."),
                         ("un chien dort .", "a dog sleeps .")]


def weights(nlp):
    module = get_torch_module(nlp.get_pipe("seq2seq_attn").model)
    return {name: value.detach().clone() for name, value in module.state_dict().items()}


def vocab_bytes(nlp):
    pipe = nlp.get_pipe("seq2seq_attn")
    return pipe.src_pieces.to_bytes(), pipe.tgt_pieces.to_bytes()


@pytest.fixture(scope="module")
def base(trained_toy, tmp_path_factory):
    """The toy model saved as a base model, and a new corpus (TSV)."""
    folder = tmp_path_factory.mktemp("finetune")
    nlp, _ = trained_toy
    nlp.to_disk(folder / "base")
    (folder / "new.tsv").write_text("".join(f"{s}\t{t}\n" for s, t in NEW_PAIRS), encoding="utf8")
    return nlp, folder


def overrides(folder: Path, **more):
    return {
        "paths.base_model": str(folder / "base"), "paths.train": str(folder / "new.tsv"),
        "paths.dev": str(folder / "new.tsv"), "training.max_steps": 4,
        "training.eval_frequency": 2, **more,
    }


def test_the_sourced_component_starts_as_the_base_model(base):
    nlp, folder = base
    config = util.load_config(CONFIG, overrides=overrides(folder))
    finetuning = init_nlp(config)  # what `spacy train` runs before the first step
    assert vocab_bytes(finetuning) == vocab_bytes(nlp)
    theirs, ours = weights(nlp), weights(finetuning)
    assert theirs.keys() == ours.keys()
    for name in theirs:
        torch.testing.assert_close(ours[name], theirs[name], rtol=0, atol=0, msg=name)
    texts = [source for source, _ in NEW_PAIRS]
    assert [outputs(d) for d in finetuning.pipe(texts)] == [outputs(d) for d in nlp.pipe(texts)]


def test_the_first_evaluation_of_a_run_is_the_base_model_score(base, tmp_path):
    # spaCy evaluates after the first update: with a learning rate of 0 that
    # update changes nothing, so the step-0 score must be the base model's
    # (a re-initialised component, or averages that start at zero, score lower).
    nlp, folder = base
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W004 of a tiny model
        train(CONFIG, tmp_path, overrides=overrides(
            folder, **{"training.max_steps": 1, "training.eval_frequency": 1,
                       "training.optimizer.learn_rate": 0.0}))
        expected = nlp.evaluate(make_examples(nlp, NEW_PAIRS))
    scores = json.loads((tmp_path / "model-best" / "meta.json").read_text())["performance"]
    # model-best is saved with the weights it was evaluated with (the averages).
    evaluated = weights(util.load_model(tmp_path / "model-best"))
    for name, value in weights(nlp).items():
        torch.testing.assert_close(evaluated[name], value, rtol=0, atol=0, msg=name)
    assert expected["translation_bleu"] > 0.3  # a score that a damaged model would lose
    assert scores["translation_bleu"] == pytest.approx(expected["translation_bleu"], abs=1e-9)
    assert scores["translation_chrf"] == pytest.approx(expected["translation_chrf"], abs=1e-9)


def test_training_changes_the_weights_and_keeps_the_vocabularies(base, tmp_path):
    nlp, folder = base
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train(CONFIG, tmp_path, overrides=overrides(folder, **{"training.optimizer.learn_rate": 0.01}))
    finetuned = util.load_model(tmp_path / "model-last")
    assert vocab_bytes(finetuned) == vocab_bytes(nlp)
    before, after = weights(nlp), weights(finetuned)
    changed = [name for name in before if not torch.equal(before[name], after[name])]
    assert len(changed) == len(before)


def test_the_config_is_complete_but_for_the_sourced_component(base):
    # test_configs.py checks the other configs; a sourced component's block
    # is filled from the base model, so only the rest is compared here.
    _, folder = base
    written = util.load_config(CONFIG, overrides=overrides(folder), interpolate=False)
    nlp = util.load_model_from_config(written, auto_fill=True, validate=True)
    filled = nlp.config
    assert written["components"]["seq2seq_attn"] == {"source": "${paths.base_model}"}
    assert filled["components"]["seq2seq_attn"]["factory"] == "seq2seq_attn"
    for section in written:
        if section != "components":
            assert written[section] == filled[section] or section == "paths", section
