"""Execute one run, wherever it is sent (this process, a pool worker, a Ray worker).

:func:`execute_run` never raises for a failing algorithm: the error and its traceback come back
in the outcome, so that one bad run is recorded as failed and the sweep goes on. It writes
nothing; the sweep's driver stores the outcome, which keeps every write (and lock) in one
process and lets Ray workers run on machines that do not share the results folder.
"""

from __future__ import annotations

import importlib
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from lab.experiments.expansion import RunSpec
from lab.results.provenance import host_info, library_versions, utc_now
from lab.scoring.diagnostics import run_diagnostics
from lab.threads import thread_limit


@dataclass(frozen=True)
class RunTask:
    """What a worker needs: the runs (one, or several seeds of one configuration that run as
    one seed batch), the modules to import first (plugin algorithms), and the sweep's thread
    plan (recorded in the manifests).

    The runs of a multi-run task differ only in seed; an algorithm that cannot batch seeds
    runs them one after the other."""

    specs: tuple[RunSpec, ...]
    imports: tuple[str, ...] = ()
    thread_plan: dict[str, int] = field(default_factory=dict)
    #: Where a seed batch writes its progress for the sweep's bar (``None``: nowhere).
    progress_file: str | None = None

    @property
    def spec(self) -> RunSpec:
        """The first run (the only one of a single-run task)."""
        return self.specs[0]


@dataclass
class RunOutcome:
    """What a worker sends back.

    Attributes:
        run_id: the run's id.
        status: ``ok`` or ``failed``.
        history: the evaluation history (``History.to_frame()``), ``None`` on failure.
        meta: manifest fields measured where the run ran (times, host, versions, problem and
            algorithm details, final indicator values, warnings raised during the run, the
            error with its traceback).
    """

    run_id: str
    status: str
    history: pd.DataFrame | None
    meta: dict[str, Any] = field(default_factory=dict)


#: At most this many distinct warnings are kept per run.
MAX_WARNINGS = 20


def _distinct_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    out: list[str] = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})"
        if text not in out:
            out.append(text)
    return out[:MAX_WARNINGS]


def _problem_meta(problem: Any) -> dict[str, Any]:
    return {
        "name": problem.name,
        "benchmark": problem.table.name,
        "table_sha256": problem.table.meta.get("table_sha256"),
        "n_architectures": problem.n_architectures,
        "n_searchable": problem.n_searchable,
        "objectives": list(problem.objective_names),
        "n_constraints": problem.n_constr,
    }


def _make(spec: RunSpec, problem: Any) -> Any:
    from lab.algorithms.registry import make_algorithm

    return make_algorithm(
        spec.algorithm,
        problem,
        budget=spec.budget,
        seed=spec.run_seed,
        batch_size=spec.batch_size,
        n_init=spec.n_init,
        init=spec.init,
        params=spec.params,
    )


def _finish_meta(meta: dict[str, Any], problem: Any, algorithm: Any) -> pd.DataFrame:
    """Record a finished run's results in ``meta``; return its history as a frame."""
    history = algorithm.history
    frame = history.to_frame()
    scores = algorithm.scores()
    meta["algo_time_s"] = float(history.algo_time_s.sum())
    meta["n_evaluations"] = len(history)
    meta["final"] = {
        "hv_normalized": scores.hv_normalized,
        "n_returned": scores.n_returned,
        "n_feasible": int(history.feasible.sum()),
    }
    meta["diagnostics"] = run_diagnostics(
        problem, history.rows, history.F, history.feasible
    ).as_dict()
    return frame


def _error(exc: BaseException) -> dict[str, str]:
    return {"type": type(exc).__name__, "message": str(exc), "traceback": traceback.format_exc()}


def _batchable(task: RunTask) -> bool:
    if len(task.specs) < 2:
        return False
    from lab.algorithms.registry import algorithm_class

    return bool(getattr(algorithm_class(task.spec.algorithm), "batches_seeds", False))


def execute_task(task: RunTask) -> list[RunOutcome]:
    """Run every run of ``task`` to its budget; their outcomes, in order (see the module
    docstring). Several seeds of an algorithm that batches seeds run as one
    :class:`~lab.algorithms.mobo.seed_batch.SeedBatch`; each still gets its own outcome."""
    try:
        for module in task.imports:
            importlib.import_module(module)
        batchable = _batchable(task)
    except Exception as exc:
        return [_failed_start(spec, exc, task) for spec in task.specs]
    if not batchable:
        return [
            execute_run(RunTask((spec,), task.imports, task.thread_plan)) for spec in task.specs
        ]
    return _execute_batch(task)


def _failed_start(spec: RunSpec, exc: BaseException, task: RunTask) -> RunOutcome:
    now = utc_now()
    meta = {"started_at": now, "finished_at": now, "wall_time_s": 0.0, "error": _error(exc)}
    return RunOutcome(run_id=spec.run_id, status="failed", history=None, meta=meta)


def _threads_meta(task: RunTask, spec: RunSpec) -> dict[str, Any]:
    """The thread policy's numbers for the manifest (inside the run's thread limit)."""
    out: dict[str, Any] = {**task.thread_plan, "threads_per_run": spec.threads}
    torch = sys.modules.get("torch")  # only algorithms that use torch load it
    if torch is not None:
        out["torch_threads"] = torch.get_num_threads()
    return out


#: Least seconds between two progress writes of a seed batch.
PROGRESS_EVERY_S = 1.0


def _progress_writer(task: RunTask):
    """The seed batch's per-round callback: its progress to ``task.progress_file`` (at most
    once per :data:`PROGRESS_EVERY_S`, and at the end); ``None`` without a file. A failed
    write never stops the runs."""
    if task.progress_file is None:
        return None
    from lab.experiments.progress import write_batch_progress

    spec = task.specs[0]
    what = f"{spec.problem} {spec.label}"
    last = [0.0]

    def write(done: int, budget: int) -> None:
        now = time.perf_counter()
        if done < budget and now - last[0] < PROGRESS_EVERY_S:
            return
        last[0] = now
        try:
            write_batch_progress(task.progress_file, done, budget, len(task.specs), what)
        except OSError:
            pass

    return write


def _execute_batch(task: RunTask) -> list[RunOutcome]:
    """Several seeds of one BO configuration as one seed batch."""
    from lab.algorithms.mobo.seed_batch import SeedBatch
    from lab.problems.registry import get_problem

    specs = task.specs
    batch = {
        "size": len(specs),
        "seeds": [s.seed for s in specs],
        "run_ids": [s.run_id for s in specs],
    }
    metas: list[dict[str, Any]] = [
        {"started_at": utc_now(), "host": host_info(), "versions": library_versions(),
         "seed_batch": batch}
        for _ in specs
    ]  # fmt: skip
    start = time.perf_counter()
    frames: list[pd.DataFrame | None] = [None] * len(specs)
    status = "failed"
    try:
        problem = get_problem(specs[0].problem)
        algorithms = [_make(spec, problem) for spec in specs]
        for meta, algorithm in zip(metas, algorithms, strict=True):
            meta["problem"] = _problem_meta(problem)
            meta["hyperparameters"] = algorithm.hyperparameters()
        with thread_limit(specs[0].threads), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            threads = _threads_meta(task, specs[0])
            run_start = time.perf_counter()
            try:
                SeedBatch(algorithms).run(on_iteration=_progress_writer(task))
            finally:
                run_time = time.perf_counter() - run_start
                for meta in metas:
                    meta["run_time_s"] = run_time / len(specs)
                    meta["seed_batch"] = {**batch, "run_time_s": run_time}
                    meta["warnings"] = _distinct_warnings(caught)
                    meta["threads"] = threads
        frames = [_finish_meta(m, problem, a) for m, a in zip(metas, algorithms, strict=True)]
        status = "ok"
    except Exception as exc:
        frames = [None] * len(specs)
        for meta in metas:
            meta["error"] = _error(exc)
    wall = time.perf_counter() - start
    out = []
    for spec, meta, frame in zip(specs, metas, frames, strict=True):
        meta["finished_at"] = utc_now()
        meta["wall_time_s"] = wall / len(specs)
        out.append(RunOutcome(run_id=spec.run_id, status=status, history=frame, meta=meta))
    return out


def execute_run(task: RunTask) -> RunOutcome:
    """Run ``task.spec`` to its budget and return the outcome (see the module docstring)."""
    spec = task.spec
    meta: dict[str, Any] = {
        "started_at": utc_now(),
        "host": host_info(),
        "versions": library_versions(),
    }
    start = time.perf_counter()
    status, frame = "failed", None
    try:
        for module in task.imports:
            importlib.import_module(module)
        from lab.problems.registry import get_problem

        problem = get_problem(spec.problem)
        meta["problem"] = _problem_meta(problem)
        algorithm = _make(spec, problem)
        meta["hyperparameters"] = algorithm.hyperparameters()
        # Warnings go to the manifest, not to the terminal the progress bar is drawn on.
        with thread_limit(spec.threads), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            run_start = time.perf_counter()
            try:
                algorithm.run()
            finally:
                meta["run_time_s"] = time.perf_counter() - run_start
                meta["warnings"] = _distinct_warnings(caught)
                meta["threads"] = _threads_meta(task, spec)
        frame = _finish_meta(meta, problem, algorithm)
        status = "ok"
    except Exception as exc:
        frame = None
        meta["error"] = _error(exc)
    meta["finished_at"] = utc_now()
    meta["wall_time_s"] = time.perf_counter() - start
    return RunOutcome(run_id=spec.run_id, status=status, history=frame, meta=meta)
