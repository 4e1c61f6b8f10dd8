"""Connecting to Ray: an existing cluster (`--address`), the one this
process is already connected to, or a local one started for the job (sized
to the machine, no dashboard, quiet logs) and shut down after it."""

import logging
import os
import warnings
from contextlib import contextmanager
from typing import Iterator, Optional

from ..errors import Errors


def import_ray():
    """Ray and Ray Data, or the coded error saying how to install them."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as error:
        raise ImportError(Errors.E070.format(error=error)) from None
    return ray


def machine_cores() -> int:
    """The cores this process may run on (a container's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@contextmanager
def ray_connection(address: Optional[str] = None) -> Iterator[bool]:
    """Inside the block Ray is connected. YIELDS whether the cluster is a
    local one started here (it is shut down at the end; a cluster this
    process was already connected to is left as it was)."""
    ray = import_ray()
    if ray.is_initialized():
        yield False
        return
    if address:
        ray.init(address=address, logging_level=logging.WARNING)
    else:
        # Ray says on every start that token authentication is on (its
        # secure default, kept); for a private local cluster that is noise.
        logging.getLogger("ray._private.authentication.authentication_token_setup").setLevel(logging.ERROR)
        ray.init(num_cpus=machine_cores(), include_dashboard=False, logging_level=logging.WARNING)
    try:
        yield not address
    finally:
        ray.shutdown()


def quiet_data_context():
    """Ray Data's settings for this process: no progress bars of its own
    (the job prints one line of progress), and only warnings from its logs."""
    ray = import_ray()
    with warnings.catch_warnings():
        # Creating the context sets a deprecated option of Ray's own
        # (use_push_based_shuffle): not ours to fix, and not the user's.
        warnings.simplefilter("ignore", DeprecationWarning)
        context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    # Its one message is that the bars are off, which is what was asked.
    logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)
    return context


def cluster_resources() -> dict:
    """CPUs and GPUs of the connected cluster."""
    ray = import_ray()
    resources = ray.cluster_resources()
    return {"CPU": resources.get("CPU", 0.0), "GPU": resources.get("GPU", 0.0)}


def bounded_retries(max_retries: int) -> dict:
    """The actor options for `map_batches`: a crashed actor is restarted and
    its task retried, at most `max_retries` times (Ray Data's default is
    forever, so a record that always kills its worker, e.g. out of memory,
    would never end the job)."""
    return {"max_restarts": max_retries, "max_task_retries": max_retries}


@contextmanager
def retries_warning_silenced() -> Iterator[None]:
    """Ray 2.60 has no named parameter for the options above and warns that
    passing them as keyword arguments goes away in Ray 2.64 (the `ray`
    extra pins 2.60.x); the warning is for us, not for the user."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
