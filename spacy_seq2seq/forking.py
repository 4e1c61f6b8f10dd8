"""Make `nlp.pipe(..., n_process=N)` work after torch has run.

spaCy starts its worker processes with fork. A forked child inherits
OpenMP's thread-pool bookkeeping but not its threads, so the first parallel
torch operation in the child waits forever for threads that do not exist
(GNU OpenMP is not fork-safe; seen here as a hang as soon as the parent had
decoded anything with 2 threads).

Each forked child therefore drops to one intra-op thread before it can run
anything: with one thread torch never enters an OpenMP parallel region.
That is also the right setting for workers, which get their parallelism
from the processes. The parent is untouched.

CUDA has no such fix: a process forked after CUDA was initialised can never
use it. spaCy forks its workers without asking the components, and an
exception in a fork hook is ignored, so the refusal comes from the worker's
first batch (`cuda_forbidden`, raised by the component): spaCy hands it to
the parent as its E871 with our message inside, before anything is decoded.
"""

import os

import torch


def _single_threaded_child() -> None:
    torch.set_num_threads(1)


def cuda_forbidden() -> bool:
    """Whether this process was forked after CUDA was initialised (so CUDA
    calls here would fail, or hang)."""
    is_in_bad_fork = getattr(torch.cuda, "_is_in_bad_fork", None)
    return bool(is_in_bad_fork()) if is_in_bad_fork is not None else False


def install_fork_guard() -> None:
    """Register the after-fork hook (once per process; registering twice is
    harmless but pointless, so it is guarded)."""
    global _installed
    if not _installed:
        os.register_at_fork(after_in_child=_single_threaded_child)
        _installed = True


_installed = False
