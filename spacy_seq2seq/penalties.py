"""GNMT's length and coverage penalties (Wu et al. 2016), as plain float and
numpy maths.

Both searches (`models/pytorch`) rank finished outputs with them, and forced
alignment (`pipeline/forced.py`) scores a given output the same way, so they
live here, below both layers: this module imports nothing from the package
and no torch.
"""

from typing import Any

import numpy


def length_penalty(length: int, alpha: float) -> float:
    """GNMT length penalty ((5 + length) / 6) ** alpha; 1 when alpha is 0.
    Scores are divided by it, so alpha > 0 favours longer outputs.

    length (int): Output pieces, EOS included.
    alpha (float): Exponent (the `length_alpha` setting).
    RETURNS (float): The divisor, >= 1 for alpha >= 0.
    """
    return ((5.0 + length) / 6.0) ** alpha


def coverage_penalty(attention: Any, weight: float) -> float:
    """GNMT coverage penalty: weight * sum over source positions of
    log(min(total attention received, 1)). 0 when every position got at
    least its share; negative for outputs that leave source uncovered.

    attention (Optional[array-like]): One output's weights (a numpy array or
        a CPU tensor), every step (EOS included) over its real source
        positions. Shape: (steps, src_length).
    weight (float): Beta (the `coverage_penalty` setting; 0 = no penalty).
    RETURNS (float): The penalty, added to the length-normalised score.
    """
    if weight == 0.0 or attention is None:
        return 0.0
    received = numpy.clip(numpy.asarray(attention, dtype=numpy.float64).sum(axis=0), 1e-9, 1.0)
    return weight * float(numpy.log(received).sum())
