"""The thread policy: how many torch / BLAS threads a run uses, and how many runs at once.

The rule, applied by the sweep runner and by anyone who drives an algorithm directly:

- a run uses ``threads`` torch and BLAS threads: a sweep's ``threads_per_run`` (default 1);
  outside a sweep (an algorithm from :func:`lab.algorithms.registry.make_algorithm`, run in
  a notebook) ``$LAB_THREADS`` if set, else 1;
- at most ``floor(cores / threads)`` runs execute at once, ``cores`` being the CPUs this
  process may use (its affinity mask): ``workers x threads <= cores`` always. A larger
  ``--workers`` is lowered to that, with a warning.

Why one thread by default: a BO iteration's matrices (a few hundred evaluated points, chunks of
a few thousand candidates) are too small for intra-op threads to pay, and spinning threads
that outnumber the free cores are catastrophic on a shared machine (one ``qnehvi`` iteration
went from 1.2 s with one thread to 7.9 s with torch's default of two, on a loaded two-core
machine); parallelism across runs scales instead. The threads a run used are recorded in its
manifest (``threads``).
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lab.errors import ConfigError

#: Environment variable: threads of an algorithm run outside a sweep.
THREADS_ENV = "LAB_THREADS"

_active: list[int] = []  # thread limits in force in this process (innermost last)


def available_cpus() -> int:
    """CPUs this process may use (affinity-aware where the platform tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    """Threads of a run outside a sweep: ``$LAB_THREADS`` or 1, at most the CPUs."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return 1
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"${THREADS_ENV}={raw!r} is not an integer >= 1") from None
    if value < 1:
        raise ConfigError(f"${THREADS_ENV}={raw!r} is not an integer >= 1")
    return min(value, available_cpus())


@dataclass(frozen=True)
class ThreadPlan:
    """How a sweep uses the machine: ``workers`` runs at once, ``threads`` each, on
    ``cores`` CPUs (``workers * threads <= cores``)."""

    workers: int
    threads: int
    cores: int

    def describe(self) -> dict[str, int]:
        return {"workers": self.workers, "threads_per_run": self.threads, "cores": self.cores}


def plan_threads(threads: int, workers: int | None = None, cores: int | None = None) -> ThreadPlan:
    """The policy's plan for runs of ``threads`` threads and an optional ``workers`` wish.

    Raises:
        ConfigError: ``threads`` or ``workers`` below 1.
    """
    cores = available_cpus() if cores is None else int(cores)
    if threads < 1:
        raise ConfigError(f"threads_per_run must be >= 1, got {threads}")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {workers}")
    if threads > cores:
        warnings.warn(
            f"threads_per_run={threads} exceeds the {cores} CPUs available; each run will "
            "oversubscribe them (lower threads_per_run)",
            RuntimeWarning,
            stacklevel=2,
        )
    most = max(1, cores // threads)
    if workers is not None and workers > most:
        warnings.warn(
            f"--workers {workers} x threads_per_run {threads} exceeds the {cores} CPUs "
            f"available; running {most} at once",
            RuntimeWarning,
            stacklevel=2,
        )
    return ThreadPlan(workers=min(workers or most, most), threads=threads, cores=cores)


@contextmanager
def thread_limit(n: int) -> Iterator[None]:
    """Limit BLAS/OpenMP pools, and torch's if loaded, to ``n`` threads inside the block
    (restored after). Floating-point sums depend on the thread count, so a run's results
    depend on ``n`` and not on where it runs."""
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    _active.append(n)
    try:
        with threadpool_limits(limits=n):
            if torch is not None:
                torch.set_num_threads(n)
            yield
    finally:
        _active.pop()
        if torch is not None and before is not None:
            torch.set_num_threads(before)


@contextmanager
def policy_threads() -> Iterator[None]:
    """Apply the policy to a block of an algorithm's work: nothing inside a sweep's run (its
    limit is in force), :func:`default_threads` otherwise."""
    if _active:
        yield
        return
    with thread_limit(default_threads()):
        yield
