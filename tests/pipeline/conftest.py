import pytest
from toy_data import train_toy


@pytest.fixture(scope="session")
def trained_toy():
    """(nlp, loss history): one toy model trained once and shared (read-only!)."""
    return train_toy()
