"""The alignment head: a second attention that reads each target piece."""

import pytest
import torch
from builders import BOS, FIRST_REAL, make_model, pad_rows

from spacy_seq2seq.models.pytorch.loss import guided_alignment_ce


def teacher_forced(model, src_rows, tgt_rows):
    src_ids, src_lengths = pad_rows(src_rows)
    tgt_in, _ = pad_rows([[BOS] + list(row) for row in tgt_rows])
    with torch.no_grad():
        return model(src_ids, src_lengths, tgt_in)


@pytest.mark.parametrize("input_feeding", [True, False])
def test_head_rows_are_distributions_over_real_source_positions(input_feeding):
    model = make_model(alignment_head=True, input_feeding=input_feeding)
    src = [[FIRST_REAL, FIRST_REAL + 1, FIRST_REAL + 2, 3], [FIRST_REAL + 3, 3]]
    tgt = [[FIRST_REAL, FIRST_REAL + 1, FIRST_REAL + 4], [FIRST_REAL + 2, FIRST_REAL]]
    output = teacher_forced(model, src, tgt)
    assert output.alignment.shape == output.attention.shape == (2, 4, 4)
    # Piece rows sum to 1; the second source has 2 real positions, padding gets 0.
    torch.testing.assert_close(output.alignment[0, :3].sum(-1), torch.ones(3))
    torch.testing.assert_close(output.alignment[1, :2].sum(-1), torch.ones(2))
    assert torch.all(output.alignment[1, :, 2:] == 0)
    assert torch.all(output.alignment[0, 3] == 0)  # the EOS row of the longest target


def test_models_without_a_head_give_none():
    model = make_model()
    output = teacher_forced(model, [[FIRST_REAL, 3]], [[FIRST_REAL]])
    assert output.alignment is None
    assert not any(name.startswith("decoder.alignment_head") for name, _ in model.named_parameters())


def test_head_row_reads_its_own_piece_where_attention_cannot():
    """Changing target piece k changes the head's row k (the step that reads
    piece k), while the generating attention's row k (the step that outputs
    it, before seeing it) and every earlier row stay the same."""
    model = make_model(alignment_head=True)
    src = [[FIRST_REAL, FIRST_REAL + 1, FIRST_REAL + 2, FIRST_REAL + 3, 3]]
    before = teacher_forced(model, src, [[FIRST_REAL, FIRST_REAL + 1, FIRST_REAL + 2]])
    after = teacher_forced(model, src, [[FIRST_REAL, FIRST_REAL + 5, FIRST_REAL + 2]])
    torch.testing.assert_close(after.attention[0, :2], before.attention[0, :2])
    torch.testing.assert_close(after.alignment[0, :1], before.alignment[0, :1])
    assert not torch.allclose(after.alignment[0, 1], before.alignment[0, 1], atol=1e-4)


def test_guided_loss_on_the_head_fits_the_guide():
    """Gradient steps on the guided loss of the head alone make the head
    reproduce the guide."""
    torch.manual_seed(0)
    model = make_model(alignment_head=True)
    model.train()
    src = [[FIRST_REAL + i for i in range(4)] + [3]]
    tgt = [[FIRST_REAL + 5, FIRST_REAL + 6, FIRST_REAL + 7]]
    guide = torch.zeros(1, 4, 5)
    for row, column in enumerate((2, 0, 3)):
        guide[0, row, column] = 1.0
    src_ids, src_lengths = pad_rows(src)
    tgt_in, _ = pad_rows([[BOS] + tgt[0]])
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(60):
        output = model(src_ids, src_lengths, tgt_in)
        loss, n_guided = guided_alignment_ce(output.alignment, guide)
        optimizer.zero_grad()
        (loss / n_guided).backward()
        optimizer.step()
    assert n_guided == 3
    model.eval()
    output = teacher_forced(model, src, tgt)
    assert output.alignment[0, :3].argmax(-1).tolist() == [2, 0, 3]
    assert float(output.alignment[0, :3].max(-1).values.min()) > 0.9
