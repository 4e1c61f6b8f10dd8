"""The in-place optimizer step gives thinc's results without re-wrapping
the parameters (thinc's re-wrapping leaked memory every step)."""

import copy

import torch
from thinc.api import Adam, PyTorchShim

from spacy_seq2seq.models.optimizer import apply_optimizer
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
