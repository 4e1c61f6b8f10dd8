"""The training loss, computed in torch so full logits never leave the graph."""

from typing import Tuple

from ..errors import Errors
from .pytorch.loss import coverage_loss, guided_alignment_ce, label_smoothed_nll
from .types import LossGradient, TeacherForced


def teacher_forced_loss(
    output: TeacherForced, *, label_smoothing: float, guided_alignment_weight: float = 0.0,
    coverage_loss_weight: float = 0.0,
) -> Tuple[float, int, LossGradient]:
    """Mean label-smoothed cross-entropy per real target piece, plus (with
    a guide in the output and a positive weight) the weighted mean
    guided-alignment cross-entropy per guided decoder step (on the alignment
    head if the model has one, else on the attention), plus (with a
    positive weight) the weighted mean coverage loss per target piece.

    output (TeacherForced): From the model's teacher-forced pass.
    label_smoothing (float): Mass spread over the vocabulary (0 disables).
    guided_alignment_weight (float): Weight of the alignment term.
    coverage_loss_weight (float): Weight of the coverage term (See et al.
        2017 use 1.0).
    RETURNS (Tuple[float, int, LossGradient]): The loss, the number of
        target pieces the main term averages over, and the gradient handle.
    """
    loss_sum, n_tokens = label_smoothed_nll(
        output.logits, output.gold_for_logits(),
        pad_id=output.pad_id, label_smoothing=label_smoothing,
    )
    loss = loss_sum / max(n_tokens, 1)
    if guided_alignment_weight > 0 and output.guide is not None:
        # An alignment head takes the guide; the generating attention is
        # then left to serve translation alone.
        guided = output.alignment if output.alignment is not None else output.attention
        if guided is None:
            raise ValueError(Errors.E103.format())
        guided_sum, n_guided = guided_alignment_ce(guided, output.guide)
        loss = loss + guided_alignment_weight * guided_sum / max(n_guided, 1)
    if coverage_loss_weight > 0:
        if output.attention is None:
            raise ValueError(Errors.E104.format())
        overlap, n_steps = coverage_loss(output.attention, output.tgt_out, pad_id=output.pad_id)
        loss = loss + coverage_loss_weight * overlap / max(n_steps, 1)
    return float(loss.detach()), n_tokens, LossGradient(loss=loss)
