"""`use_averages = true`: spaCy evaluates and saves with the optimizer's
averaged weights through `nlp.use_params`, and training goes on with the
trained ones. (thinc's own PyTorchShim.use_params silently ignores them.)"""

import numpy
import torch
from thinc.api import Adam
from toy_data import make_examples, outputs, reversal_pairs, reversal_pipeline


def weights(nlp) -> dict:
    module = nlp.get_pipe("seq2seq_attn").model.shims[0]._model
    return {name: p.detach().clone() for name, p in module.named_parameters()}


def test_use_params_swaps_in_the_averages_as_spacy_train_does():
    nlp = reversal_pipeline()
    examples = make_examples(nlp, reversal_pairs(20))
    nlp.initialize(lambda: examples)
    optimizer = Adam(0.01, use_averages=True)
    for _ in range(15):
        nlp.update(examples, sgd=optimizer)
    trained = weights(nlp)
    text = "un deux trois quatre"
    raw_attention = numpy.asarray(nlp(text)._.translation_attention)

    shim_id = nlp.get_pipe("seq2seq_attn").model.shims[0].id
    with nlp.use_params(optimizer.averages):
        averaged = weights(nlp)
        for name, value in averaged.items():
            numpy.testing.assert_array_equal(value.numpy(), optimizer.averages[(shim_id, name)])
        averaged_doc = nlp(text)
        saved = nlp.to_bytes()
    averaged_attention = numpy.asarray(averaged_doc._.translation_attention)
    assert averaged_attention.shape != raw_attention.shape or not numpy.allclose(
        averaged_attention, raw_attention
    )

    # Afterwards training goes on from the trained weights, untouched.
    for name, value in weights(nlp).items():
        assert torch.equal(value, trained[name]), name
    # What was saved inside the block is the averaged model.
    loaded = reversal_pipeline(seed=1).from_bytes(saved)
    for name, value in weights(loaded).items():
        assert torch.equal(value, averaged[name]), name
    assert outputs(loaded(text)) == outputs(averaged_doc)


def test_use_params_without_averages_changes_nothing():
    nlp = reversal_pipeline()
    examples = make_examples(nlp, reversal_pairs(10))
    nlp.initialize(lambda: examples)
    nlp.update(examples, sgd=Adam(0.01))
    before = weights(nlp)
    with nlp.use_params({}):
        for name, value in weights(nlp).items():
            assert torch.equal(value, before[name]), name
