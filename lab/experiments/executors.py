"""Where runs execute: in this process, in a local process pool, or on a Ray cluster.

Every executor takes :class:`~lab.experiments.execute.RunTask` objects (one run, or several
seeds of one configuration that run as a seed batch) and returns ``concurrent.futures.Future``
objects resolving to a list of :class:`~lab.experiments.execute.RunOutcome` (one per run);
the sweep driver waits on them the same way whatever the executor. Results do not depend on
the executor: a run's seed comes from its identity and its thread count from its config, and
how many runs go at once follows the thread policy (:mod:`lab.threads`).
"""

from __future__ import annotations

import multiprocessing
from abc import ABC, abstractmethod
from concurrent.futures import Future, ProcessPoolExecutor

from lab.errors import ConfigError
from lab.experiments.execute import RunOutcome, RunTask, execute_task
from lab.threads import available_cpus, plan_threads

__all__ = ["EXECUTORS", "Executor", "available_cpus", "make_executor"]

EXECUTORS = ("local", "ray")


class Executor(ABC):
    """Submits runs; ``capacity`` is how many runs it executes at once."""

    kind: str = "executor"
    capacity: int = 1

    @abstractmethod
    def submit(self, task: RunTask) -> Future[list[RunOutcome]]:
        """Start ``task``; the future resolves to its outcome."""

    def restart(self) -> None:  # noqa: B027 - only pools that can break override it
        """Replace broken workers (after a worker process died)."""

    def close(self) -> None:  # noqa: B027 - nothing to release by default
        """Stop the workers; pending tasks are cancelled."""

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "workers": self.capacity}

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Runs each task in this process, at submission (``--workers 1``)."""

    kind = "local"
    capacity = 1

    def submit(self, task: RunTask) -> Future[list[RunOutcome]]:
        future: Future[list[RunOutcome]] = Future()
        future.set_result(execute_task(task))
        return future


class ProcessPoolRunExecutor(Executor):
    """A pool of ``workers`` local processes, started with ``spawn`` (fresh interpreters: no
    inherited thread or RNG state, the same on every platform)."""

    kind = "local"

    def __init__(self, workers: int) -> None:
        self.capacity = int(workers)
        self._pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.capacity,
            mp_context=multiprocessing.get_context("spawn"),
        )

    def submit(self, task: RunTask) -> Future[list[RunOutcome]]:
        return self._pool.submit(execute_task, task)

    def restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class RayExecutor(Executor):
    """Runs on Ray: connects to the cluster at ``address`` (e.g. ``auto`` or
    ``ray://head:10001``) or, without one, starts a local instance with ``workers`` CPUs.

    Each run reserves ``threads`` CPUs. ``capacity`` is ``workers`` if given, else the
    cluster's CPUs divided by ``threads``. Workers need the lab installed and the benchmark
    tables reachable (``LAB_DATA_DIR``); they send results back to this process, which writes
    the store, so the results folder need not be shared.
    """

    kind = "ray"

    def __init__(self, workers: int | None, address: str | None, *, threads: int = 1) -> None:
        try:
            import ray
        except ImportError as exc:  # pragma: no cover - ray is a dependency
            raise ConfigError(f"--executor ray needs the 'ray' package ({exc})") from None
        self._ray = ray
        self._owns = False
        self.address = address
        if not ray.is_initialized():
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(
                    num_cpus=workers or available_cpus(),
                    include_dashboard=False,
                    log_to_driver=False,
                )
            self._owns = True
        cluster_cpus = int(ray.cluster_resources().get("CPU", 1))
        self.capacity = int(workers) if workers else max(1, cluster_cpus // threads)
        self._remote = ray.remote(num_cpus=threads, max_retries=0)(execute_task)

    def submit(self, task: RunTask) -> Future[list[RunOutcome]]:
        return self._remote.remote(task).future()

    def describe(self) -> dict[str, object]:
        return {"kind": self.kind, "workers": self.capacity, "address": self.address}

    def close(self) -> None:
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()


def make_executor(
    kind: str = "local",
    *,
    workers: int | None = None,
    address: str | None = None,
    threads: int = 1,
) -> Executor:
    """The executor ``kind`` (``local`` or ``ray``). Local: ``workers`` processes, as the
    thread policy allows (:func:`lab.threads.plan_threads`: default and most, the available
    CPUs divided by ``threads``); ``workers=1`` runs in this process."""
    if kind not in EXECUTORS:
        raise ConfigError(f"unknown executor {kind!r}; valid: {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be >= 1, got {workers}")
    if kind == "ray":
        return RayExecutor(workers, address, threads=threads)
    if address is not None:
        raise ConfigError("--address applies to --executor ray only")
    n = plan_threads(threads, workers).workers
    return InProcessExecutor() if n == 1 else ProcessPoolRunExecutor(n)
