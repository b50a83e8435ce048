"""Run a sweep into the results store: resumable, fault-tolerant, safe to run twice at once.

The driver (this process) keeps at most ``executor.capacity`` runs in flight. Before sending a
run it takes the run's lock in the store and checks again that no one completed it meanwhile;
runs locked by another sweep are retried later, and count as done once that sweep completes
them. Each outcome is written (history, then manifest, both atomic) as soon as it arrives, and
the lock released. A killed sweep therefore loses only its runs in flight: the kernel releases
their locks, their temporary files are removed by the next claimant, and a rerun executes them
again from their seeds — with the same results.

A run counts as done only if it is complete in the store *and* ran on the benchmark table that
its problem has now (the manifest's ``problem.table_sha256``): after a table is rebuilt or
re-imported, its runs are stale and run again (:func:`lab.experiments.verify.stale_reason`).

A pool worker that dies (a crash, the out-of-memory killer) breaks a local process pool: every
run then in flight is recorded as failed, the pool is replaced and the sweep goes on; a rerun
retries those runs.

Seed batches: the runs of one (problem, algorithm variant, sizes) that differ only in seed go
to a worker together, up to ``seed_batch`` at a time, when the algorithm can batch seeds
(BO: :class:`~lab.algorithms.mobo.seed_batch.SeedBatch`); each run still has its own lock,
history and manifest. A seed's results do not depend on which seeds share its batch, so a
resumed sweep that batches the remaining seeds differently reproduces them exactly.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
import traceback
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from lab.errors import ConfigError
from lab.experiments.config import SweepConfig
from lab.experiments.execute import RunOutcome, RunTask
from lab.experiments.executors import EXECUTORS, Executor, InProcessExecutor, make_executor
from lab.experiments.expansion import RunSpec, expand
from lab.experiments.progress import BatchFileWatcher, SweepProgress, read_batch_progress
from lab.results.lock import RunLock
from lab.results.provenance import git_commit, utc_now
from lab.results.store import ResultsStore
from lab.run_ids import canonical_json
from lab.terminal_text import markup_safe
from lab.threads import available_cpus
from lab.writable_folder import writable_folder

#: Seconds between looks at runs that another sweep holds.
POLL_S = 0.5


@dataclass
class SweepReport:
    """What a sweep did.

    Attributes:
        experiment: the experiment name; ``results_dir`` its folder.
        runs: every run of the sweep, in expansion order.
        already_done: runs complete before this sweep started (skipped).
        done_elsewhere: runs another sweep completed while this one ran.
        ok, failed: run ids this sweep executed, by status.
        wall_time_s: the sweep's wall time in seconds.
    """

    experiment: str
    results_dir: Path
    runs: list[RunSpec]
    already_done: list[str] = field(default_factory=list)
    done_elsewhere: list[str] = field(default_factory=list)
    ok: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    wall_time_s: float = 0.0

    @property
    def complete(self) -> bool:
        """Did every run of the sweep end with status ok?"""
        return not self.failed and len(self.already_done) + len(self.done_elsewhere) + len(
            self.ok
        ) == len(self.runs)


def _failed_outcome(spec: RunSpec, exc: BaseException, started: str, wall: float) -> RunOutcome:
    """Outcome of a run whose worker never answered (it died, or the executor failed)."""
    return RunOutcome(
        run_id=spec.run_id,
        status="failed",
        history=None,
        meta={
            "started_at": started,
            "finished_at": utc_now(),
            "wall_time_s": wall,
            "error": {
                "type": type(exc).__name__,
                "message": f"the worker did not return a result: {exc}",
                "traceback": "".join(traceback.format_exception(exc)),
            },
        },
    )


class _DoneCheck:
    """Is a run done: complete in the store and run on its problem's current table? The
    tables' checksums are looked up once per problem, and only for runs that are complete."""

    def __init__(self, store: ResultsStore, experiment: str) -> None:
        self.store, self.experiment = store, experiment
        self._current: dict[str, str | None] = {}

    def stale(self, spec: RunSpec) -> str | None:
        from lab.experiments.verify import current_table_sha256, stale_reason

        if spec.problem not in self._current:
            self._current[spec.problem] = current_table_sha256(spec.problem)
        manifest = self.store.read_manifest(self.experiment, spec.run_id) or {}
        return stale_reason(manifest, self._current[spec.problem])

    def __call__(self, spec: RunSpec) -> bool:
        if not self.store.is_complete(self.experiment, spec.run_id):
            return False
        return self.stale(spec) is None


def plan_table(config: SweepConfig, runs: list[RunSpec], store: ResultsStore) -> Table:
    """A rich table of the runs of a sweep and their state in the store (for ``--dry-run``)."""
    where = markup_safe(store.experiment_dir(config.name))
    table = Table(title=f"{config.name}: {len(runs)} runs -> {where}")
    for col in ("problem", "algorithm", "params", "seed", "run seed", "run id", "state"):
        table.add_column(col)
    done = _DoneCheck(store, config.name)
    for spec in runs:
        manifest = store.read_manifest(config.name, spec.run_id)
        if store.is_complete(config.name, spec.run_id) and done.stale(spec) is not None:
            state = "[yellow]stale[/] (table changed; will rerun)"
        elif store.is_complete(config.name, spec.run_id):
            state = "[green]done[/]"
        elif manifest is not None and manifest.get("status") == "failed":
            state = "[red]failed[/] (will retry)"
        else:
            state = "pending"
        table.add_row(
            markup_safe(spec.problem), markup_safe(spec.label), markup_safe(spec.params or ""),
            str(spec.seed),
            str(spec.run_seed), spec.run_id, state,
        )  # fmt: skip
    return table


def _batch_key(spec: RunSpec) -> str:
    """What the runs of one seed batch share: everything but the seed."""
    resolved = spec.resolved()
    for key in ("seed", "run_seed"):
        resolved.pop(key)
    return canonical_json(resolved)


def group_runs(runs: list[RunSpec], seed_batch: int) -> list[list[RunSpec]]:
    """Runs in submission groups: the seeds of one configuration of an algorithm that batches
    seeds, split into ``ceil(seeds / seed_batch)`` batches of near-equal size (10 seeds and
    ``seed_batch: 8``: two batches of 5, which two workers finish together); every other run
    alone. Groups come in the expansion order of their first run."""
    from lab.algorithms.registry import algorithm_class

    batches: dict[str, bool] = {}
    slots: list[list[RunSpec] | str] = []  # a lone run's group, or a batch key (its first place)
    by_key: dict[str, list[RunSpec]] = {}
    for spec in runs:
        if spec.algorithm not in batches:
            batches[spec.algorithm] = bool(
                getattr(algorithm_class(spec.algorithm), "batches_seeds", False)
            )
        if seed_batch <= 1 or not batches[spec.algorithm]:
            slots.append([spec])
            continue
        key = _batch_key(spec)
        if key not in by_key:
            by_key[key] = []
            slots.append(key)
        by_key[key].append(spec)
    groups: list[list[RunSpec]] = []
    for slot in slots:
        if not isinstance(slot, str):
            groups.append(slot)
            continue
        specs = by_key[slot]
        parts = -(-len(specs) // seed_batch)
        size, extra = divmod(len(specs), parts)
        start = 0
        for i in range(parts):
            stop = start + size + (1 if i < extra else 0)
            groups.append(specs[start:stop])
            start = stop
    return groups


def run_sweep(
    config: SweepConfig,
    *,
    executor: str | Executor = "local",
    workers: int | None = None,
    address: str | None = None,
    results_dir: Path | str | None = None,
    console: Console | None = None,
    progress: bool = True,
) -> SweepReport:
    """Execute every run of ``config`` not yet complete in the store.

    Args:
        config: the validated sweep.
        executor: ``local`` (a process pool; ``workers=1`` runs in this process), ``ray``, or
            an :class:`~lab.experiments.executors.Executor` (then ``workers``/``address`` are
            ignored and the caller closes it).
        workers: parallel runs (local default: available CPUs / ``threads_per_run``).
        address: Ray cluster address (default: start a local instance).
        results_dir: store root (default ``$LAB_RESULTS_DIR`` or ``./results``).
        console: where progress goes; ``progress=False`` prints nothing.

    Returns:
        The :class:`SweepReport`. Failed runs are recorded in the store with their traceback
        and do not stop the sweep; a rerun retries them.
    """
    if not isinstance(executor, Executor) and executor not in EXECUTORS:
        raise ConfigError(f"unknown executor {executor!r}; valid: {', '.join(EXECUTORS)}")
    start = time.perf_counter()
    console = console or Console()
    store = ResultsStore(results_dir)
    writable_folder(
        store.experiment_dir(config.name), what="results",
        setting="--results-dir or $LAB_RESULTS_DIR",
    )  # fmt: skip
    store.own_folder(config.name, "runs")  # never write through a link out of the store
    runs = expand(config)
    is_done = _DoneCheck(store, config.name)
    report = SweepReport(config.name, store.experiment_dir(config.name), runs)
    if config.source and Path(config.source).is_file():
        store.write_sweep_config(
            config.name, Path(config.source).read_text(encoding="utf-8"), config.source_sha256
        )
    store.runs_dir(config.name).mkdir(parents=True, exist_ok=True)
    pending: list[RunSpec] = []
    for spec in runs:
        if is_done(spec):
            report.already_done.append(spec.run_id)
        else:
            pending.append(spec)
    queue: deque[list[RunSpec]] = deque(group_runs(pending, config.seed_batch))
    if not queue:
        report.wall_time_s = time.perf_counter() - start
        return report

    if address is None:
        # Load every problem here first: a missing table is built once, not by every worker
        # at the same time, and a problem that cannot load stops the sweep before any run.
        from lab.problems.registry import get_problem

        for name in dict.fromkeys(spec.problem for spec in pending):
            get_problem(name)

    owns_executor = not isinstance(executor, Executor)
    ex = (
        make_executor(executor, workers=workers, address=address, threads=config.threads_per_run)
        if owns_executor
        else executor
    )
    sweep_meta = {
        "experiment": config.name,
        "git_commit": git_commit(),
        "sweep": {
            "config_file": config.source or None,
            "config_sha256": config.source_sha256 or None,
            "executor": ex.describe(),
            "driver_host": socket.gethostname(),
        },
    }
    thread_plan = {
        "workers": ex.capacity,
        "threads_per_run": config.threads_per_run,
        "cores": available_cpus(),
    }
    # future -> (runs, their locks, submission time (ISO), perf_counter at submission,
    # pool generation)
    in_flight: dict[
        Future[list[RunOutcome]], tuple[list[RunSpec], list[RunLock], str, float, int]
    ] = {}
    deferred: list[list[RunSpec]] = []
    generation = 0  # bumped when a broken pool is replaced
    description = f"{config.name}: {len(pending)} runs"
    if report.already_done:
        description += f" ({len(report.already_done)} already done)"

    def finish(spec: RunSpec, lock: RunLock, outcome: RunOutcome) -> None:
        manifest = {
            **sweep_meta,
            **outcome.meta,
            "status": outcome.status,
            "config": spec.resolved(),
            "seed": spec.run_seed,
        }
        try:
            written = store.write_run(config.name, spec.run_id, manifest, outcome.history)
        finally:
            lock.release()
        (report.ok if outcome.status == "ok" else report.failed).append(spec.run_id)
        bar.run_finished(spec, written)

    # Seed batches report their rounds through small files here (shown under the sweep's bar).
    progress_dir = tempfile.mkdtemp(prefix="lab-progress-") if progress else None
    watched: dict[Future[list[RunOutcome]], Path] = {}
    try:
        with SweepProgress(console, enabled=progress) as bar:
            bar.start(description, total=len(pending))
            while queue or in_flight or deferred:
                while queue and len(in_flight) < ex.capacity:
                    specs, locks = [], []
                    for spec in queue.popleft():
                        if is_done(spec):
                            report.done_elsewhere.append(spec.run_id)
                            bar.skipped()
                            continue
                        lock = store.claim(config.name, spec.run_id)
                        if lock is None:
                            deferred.append([spec])
                            continue
                        if is_done(spec):  # done before we locked
                            lock.release()
                            report.done_elsewhere.append(spec.run_id)
                            bar.skipped()
                            continue
                        specs.append(spec)
                        locks.append(lock)
                    if not specs:
                        continue
                    progress_file = None
                    if progress_dir is not None and len(specs) > 1:
                        progress_file = str(Path(progress_dir) / f"{specs[0].run_id}.json")
                    task = RunTask(tuple(specs), config.imports, thread_plan, progress_file)
                    # In this process the batch runs inside submit: a thread shows its rounds.
                    in_process = isinstance(ex, InProcessExecutor) and progress_file is not None
                    watcher = BatchFileWatcher(bar, progress_file) if in_process else nullcontext()
                    submitted, t0 = utc_now(), time.perf_counter()
                    try:
                        with watcher:
                            try:
                                future = ex.submit(task)
                            except BrokenProcessPool:  # a worker died since the last look
                                ex.restart()
                                generation += 1
                                future = ex.submit(task)
                    except BaseException:
                        for lock in locks:
                            lock.release()
                        raise
                    in_flight[future] = (specs, locks, submitted, t0, generation)
                    if progress_file is not None and not in_process:
                        watched[future] = Path(progress_file)
                if in_flight:
                    done, _ = wait(
                        list(in_flight),
                        timeout=POLL_S if deferred and not queue else (1.0 if watched else None),
                        return_when=FIRST_COMPLETED,
                    )
                    for future, path in list(watched.items()):
                        if future in done:
                            bar.batch_finished(str(path))
                            del watched[future]
                        elif (seen := read_batch_progress(path)) is not None:
                            bar.batch_progress(str(path), seen)
                    broken = False
                    for future in done:
                        specs, locks, submitted, t0, gen = in_flight.pop(future)
                        try:
                            outcomes = future.result()
                        except Exception as exc:  # the worker died or the executor failed
                            # A dead pool worker breaks the whole pool: every run in flight
                            # fails with it (a rerun retries them); replace the pool once.
                            broken |= isinstance(exc, BrokenProcessPool) and gen == generation
                            wall = time.perf_counter() - t0
                            outcomes = [_failed_outcome(s, exc, submitted, wall) for s in specs]
                        for spec, lock, outcome in zip(specs, locks, outcomes, strict=True):
                            finish(spec, lock, outcome)
                    if broken:
                        ex.restart()
                        generation += 1
                elif deferred:
                    time.sleep(POLL_S)
                if deferred and not queue:
                    queue.extend(deferred)
                    deferred.clear()
    finally:
        # Stop the workers before unlocking, so that no other sweep starts a run still going.
        if owns_executor:
            ex.close()
        for _, locks, *_ in in_flight.values():
            for lock in locks:
                lock.release()
        if progress_dir is not None:
            shutil.rmtree(progress_dir, ignore_errors=True)
    report.wall_time_s = time.perf_counter() - start
    return report
