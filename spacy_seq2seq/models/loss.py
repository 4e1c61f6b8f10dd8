"""The training loss, computed in torch so full logits never leave the graph."""

from typing import Tuple

from .pytorch.loss import label_smoothed_nll
from .types import LossGradient, TeacherForced


def teacher_forced_loss(
    output: TeacherForced, *, label_smoothing: float
) -> Tuple[float, int, LossGradient]:
    """Mean label-smoothed cross-entropy per real target piece.

    output (TeacherForced): From the model's teacher-forced pass.
    label_smoothing (float): Mass spread over the vocabulary (0 disables).
    RETURNS (Tuple[float, int, LossGradient]): The mean loss, the number of
        target pieces it averages over, and the gradient handle for backprop.
    """
    loss_sum, n_tokens = label_smoothed_nll(
        output.logits, output.tgt_out,
        pad_id=output.pad_id, label_smoothing=label_smoothing,
    )
    loss = loss_sum / max(n_tokens, 1)
    return float(loss.detach()), n_tokens, LossGradient(loss=loss)
