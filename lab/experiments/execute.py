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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lab.experiments.expansion import RunSpec
from lab.results.provenance import host_info, library_versions, utc_now


@dataclass(frozen=True)
class RunTask:
    """What a worker needs: the run and the modules to import first (plugin algorithms)."""

    spec: RunSpec
    imports: tuple[str, ...] = ()


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


@contextmanager
def _thread_limit(n: int):
    """Limit BLAS/OpenMP pools, and torch's if loaded, to ``n`` threads: floating-point sums
    depend on the thread count, and results must not depend on the executor."""
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    with threadpool_limits(limits=n):
        if torch is not None:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            if torch is not None and before is not None:
                torch.set_num_threads(before)


#: At most this many distinct warnings are kept per run.
MAX_WARNINGS = 20


def _distinct_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    out: list[str] = []
    for w in caught:
        text = f"{w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})"
        if text not in out:
            out.append(text)
    return out[:MAX_WARNINGS]


def final_normalized_hv(problem: Any, F_report: np.ndarray) -> float:
    """Hypervolume of the normalized report objectives ``F_report`` (``n x m``) w.r.t. the
    frozen reference point (1.1), divided by that of the problem's exact report front."""
    from lab.indicators.hypervolume import normalized_hypervolume
    from lab.problems.problem import NORMALIZED_REFERENCE

    ref = np.full(problem.n_obj, NORMALIZED_REFERENCE)
    return normalized_hypervolume(problem.normalize(F_report), ref, problem.true_front_hv())


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
        from lab.algorithms.registry import make_algorithm
        from lab.problems.registry import get_problem

        problem = get_problem(spec.problem)
        meta["problem"] = {
            "name": problem.name,
            "benchmark": problem.table.name,
            "table_sha256": problem.table.meta.get("table_sha256"),
            "n_architectures": problem.n_architectures,
            "objectives": list(problem.objective_names),
            "n_constraints": problem.n_constr,
        }
        algorithm = make_algorithm(
            spec.algorithm,
            problem,
            budget=spec.budget,
            seed=spec.run_seed,
            batch_size=spec.batch_size,
            n_init=spec.n_init,
            init=spec.init,
            params=spec.params,
        )
        meta["hyperparameters"] = algorithm.hyperparameters()
        # Warnings go to the manifest, not to the terminal the progress bar is drawn on.
        with _thread_limit(spec.threads), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            run_start = time.perf_counter()
            try:
                history = algorithm.run()
            finally:
                meta["run_time_s"] = time.perf_counter() - run_start
                meta["warnings"] = _distinct_warnings(caught)
        frame = history.to_frame()
        returned = algorithm.result_rows()
        # An infeasible returned set (nothing feasible was found) dominates nothing: HV 0.
        feasible = returned[history.feasible[returned]]
        meta["algo_time_s"] = float(history.algo_time_s.sum())
        meta["n_evaluations"] = len(history)
        meta["final"] = {
            "hv_normalized": final_normalized_hv(problem, history.F_report[feasible]),
            "n_returned": len(returned),
            "n_feasible": int(history.feasible.sum()),
        }
        status = "ok"
    except Exception as exc:
        frame = None
        meta["error"] = {
            "type": type(exc).__name__,
            "message": str(exc),
            "traceback": traceback.format_exc(),
        }
    meta["finished_at"] = utc_now()
    meta["wall_time_s"] = time.perf_counter() - start
    return RunOutcome(run_id=spec.run_id, status=status, history=frame, meta=meta)
