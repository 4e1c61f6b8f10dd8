"""Shared test options: --slow and --gpu gate the long and the CUDA checks."""

import pytest


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
