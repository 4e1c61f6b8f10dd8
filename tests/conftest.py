"""Shared test options (--slow and --gpu gate the long and the CUDA checks) and
the small trained pipelines several test folders share."""

import pytest
from gpu_support import DRY_RUN
from toy_data import train_reversal, train_toy


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="run slow tests")
    parser.addoption("--gpu", action="store_true", default=False, help="run GPU tests")


def pytest_collection_modifyitems(config, items):
    run_slow = config.getoption("--slow", False)
    run_gpu = config.getoption("--gpu", False) or DRY_RUN
    no_gpu = None if run_gpu else why_no_gpu()
    for item in items:
        if "slow" in item.keywords and not run_slow:
            item.add_marker(pytest.mark.skip(reason="slow: run with --slow"))
        if "gpu" in item.keywords and no_gpu:
            item.add_marker(pytest.mark.skip(reason=f"gpu: {no_gpu}"))


def why_no_gpu():
    """Why the GPU tests cannot run here, or None when they can: they need a
    CUDA device for torch and CuPy for thinc (spaCy's --gpu-id and
    require_gpu go through thinc)."""
    import torch

    if not torch.cuda.is_available():
        return "no CUDA device here"
    try:
        import cupy

        cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # ImportError, or CuPy built for another CUDA
        return (
            f"CUDA is here but CuPy is not usable ({type(error).__name__}: {error}); "
            "install the wheel for this CUDA version, e.g. make install CUPY_SPEC=cupy-cuda12x"
        )
    return None


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
