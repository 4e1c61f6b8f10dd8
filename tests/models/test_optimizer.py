"""The in-place optimizer step gives thinc's results without re-wrapping
the parameters (thinc's re-wrapping leaked memory every step), and the
optimizer's averaged weights can be swapped in and out."""

import copy

import pytest
import torch
from thinc.api import Adam, PyTorchShim

from spacy_seq2seq.models.optimizer import apply_optimizer, averaged_weights
from spacy_seq2seq.models.pytorch import RNNAttnSeq2Seq, Seq2SeqConfig


def make_shim() -> PyTorchShim:
    torch.manual_seed(0)
    config = Seq2SeqConfig(src_vocab_size=30, tgt_vocab_size=30, pad_id=0, bos_id=2, eos_id=3,
                           embed_width=8, hidden_width=16, dropout_prob=0.0)
    return PyTorchShim(RNNAttnSeq2Seq(config))


def backward(module) -> None:
    torch.manual_seed(1)
    src = torch.randint(4, 30, (3, 5))
    tgt = torch.randint(4, 30, (3, 4))
    module(src, torch.tensor([5, 4, 2]), tgt).logits.sum().backward()


def test_in_place_step_matches_thinc_and_keeps_the_tensors():
    theirs = make_shim()
    ours = copy.deepcopy(theirs)
    ours.id = theirs.id  # same optimizer keys
    their_optimizer, our_optimizer = Adam(0.01, grad_clip=1.0), Adam(0.01, grad_clip=1.0)
    pointers = [p.data_ptr() for p in ours._model.parameters()]
    for _ in range(3):
        backward(theirs._model)
        backward(ours._model)
        theirs.finish_update(their_optimizer)
        apply_optimizer(ours, our_optimizer)
    for (name, mine), (_, reference) in zip(ours._model.named_parameters(), theirs._model.named_parameters()):
        torch.testing.assert_close(mine, reference, rtol=0, atol=0, msg=name)
        assert not torch.equal(mine, make_shim()._model.get_parameter(name)), name  # it did change
        assert mine.grad is not None and not mine.grad.any()
    # Updated where they are: the same storage as before the first step.
    assert [p.data_ptr() for p in ours._model.parameters()] == pointers


def trained_with_averages(n_steps: int = 4):
    shim = make_shim()
    optimizer = Adam(0.01, use_averages=True)
    for _ in range(n_steps):
        backward(shim._model)
        apply_optimizer(shim, optimizer)
    return shim, optimizer


def test_averaged_weights_are_used_inside_and_the_trained_ones_restored():
    shim, optimizer = trained_with_averages()
    trained = {name: p.detach().clone() for name, p in shim._model.named_parameters()}
    assert set(optimizer.averages) == {(shim.id, name) for name in trained}
    with averaged_weights(shim, optimizer.averages):
        assert torch.is_grad_enabled()  # the block keeps the caller's grad mode
        for name, param in shim._model.named_parameters():
            average = torch.from_numpy(optimizer.averages[(shim.id, name)])
            torch.testing.assert_close(param.detach(), average, rtol=0, atol=0, msg=name)
            # An average of several steps is not the last step's weights.
            assert not torch.equal(param.detach(), trained[name]), name
    for name, param in shim._model.named_parameters():
        torch.testing.assert_close(param.detach(), trained[name], rtol=0, atol=0, msg=name)


def test_averaged_weights_restore_after_an_error_and_ignore_other_keys():
    shim, optimizer = trained_with_averages()
    trained = {name: p.detach().clone() for name, p in shim._model.named_parameters()}
    with pytest.raises(RuntimeError):
        with averaged_weights(shim, optimizer.averages):
            raise RuntimeError("evaluation failed")
    for name, param in shim._model.named_parameters():
        assert torch.equal(param.detach(), trained[name]), name
    others = {(shim.id + 1, name): value for (_, name), value in optimizer.averages.items()}
    with averaged_weights(shim, others):
        for name, param in shim._model.named_parameters():
            assert torch.equal(param.detach(), trained[name]), name


def test_averages_of_another_model_are_refused_by_shape():
    shim, optimizer = trained_with_averages()
    name = next(name for name, _ in shim._model.named_parameters())
    wrong = dict(optimizer.averages)
    wrong[(shim.id, name)] = wrong[(shim.id, name)][:1]
    with pytest.raises(ValueError, match="another model"):
        with averaged_weights(shim, wrong):
            pass


def test_averages_start_at_the_starting_weights_not_at_zero():
    # A fine-tuning run starts from trained weights: with a learning rate of
    # 0 its average must be those weights (thinc's own start at zero would
    # give 9/11 of them after the first step).
    shim = make_shim()
    start = {name: p.detach().clone() for name, p in shim._model.named_parameters()}
    optimizer = Adam(0.0, use_averages=True)
    backward(shim._model)
    apply_optimizer(shim, optimizer)
    for name, value in start.items():
        average = torch.from_numpy(optimizer.averages[(shim.id, name)])
        torch.testing.assert_close(average, value, rtol=0, atol=1e-7, msg=name)
