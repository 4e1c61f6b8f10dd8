"""Shared test options (--slow and --gpu gate the long and the CUDA checks) and
the small trained pipelines several test folders share."""

import pytest
from toy_data import train_reversal, train_toy


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="run slow tests")
    parser.addoption("--gpu", action="store_true", default=False, help="run GPU tests")


def pytest_collection_modifyitems(config, items):
    run_slow = config.getoption("--slow", False)
    run_gpu = config.getoption("--gpu", False)
    try:
        import torch

        has_cuda = torch.cuda.is_available()
    except ImportError:  # pragma: no cover
        has_cuda = False
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(pytest.mark.skip(reason="slow: run with --slow"))
        if "gpu" in item.keywords and not (run_gpu or has_cuda):
            item.add_marker(pytest.mark.skip(reason="gpu: no CUDA device here"))


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
