import pytest
from toy_data import train_reversal, train_toy


@pytest.fixture(scope="session")
def trained_toy():
    """(nlp, loss history): one toy model trained once and shared (read-only!)."""
    return train_toy()


@pytest.fixture(scope="session")
def reversal_model():
    """A pipeline trained on number reversal, where the alignment is known (read-only!)."""
    return train_reversal()


@pytest.fixture(scope="session")
def reversal_backward():
    """The English -> French direction of `reversal_model` (read-only!)."""
    return train_reversal(swap=True)
