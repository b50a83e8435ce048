"""Benchmark: where multi-objective TPE's time goes. The laboratory's ``tpe`` run against
Optuna's own ask/tell loop on the same categorical space and the same table lookups (no
laboratory code in the loop), and against NSGA-II's run, all measured in the same run.

Optuna's loop is what a user of Optuna would write: a ``TPESampler`` with the laboratory's
settings (multivariate, constant liar, 10 startup trials, 24 EI candidates), one categorical
parameter per genome variable, each trial's objectives looked up in the table (a genome that
denotes no architecture is told as failed, as the laboratory does). Its per-trial time is
printed at the start and the end of the run: TPE refits its Parzen estimators on every
completed trial at each ask, so a trial costs more as the study grows. If Optuna's own loop
costs about what the laboratory's run costs, TPE cannot reach a MOEA's cost through the
laboratory's wrapper.

Run as ``python tests/perf/bench_tpe.py`` (``--problem``, ``--budget``, ``--seeds``;
``LAB_PERF_SIZE=small`` runs 2 seeds).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lab.api import run as run_algorithm
from lab.problems import get_problem
from tests.perf.perf_size import sized


def optuna_loop(problem, budget: int, seed: int) -> tuple[float, list[float]]:
    """Optuna's multi-objective TPE over ``problem`` for ``budget`` completed trials; returns
    the wall time and each completed trial's ask-to-tell time (s)."""
    import optuna
    from optuna.distributions import CategoricalDistribution
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    warnings.simplefilter("ignore", category=optuna.exceptions.ExperimentalWarning)
    distributions = {
        f"g{j}": CategoricalDistribution(list(range(int(c))))
        for j, c in enumerate(problem.cardinalities)
    }
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=10, n_ei_candidates=24,
                                         multivariate=True, constant_liar=True)  # fmt: skip
    study = optuna.create_study(directions=["minimize"] * problem.n_obj, sampler=sampler)
    per_trial = []
    start = time.perf_counter()
    while len(per_trial) < budget:
        t0 = time.perf_counter()
        trial = study.ask(distributions)
        genome = np.array([[trial.params[k] for k in distributions]])
        row = int(problem.rows(genome)[0])
        if row < 0:
            study.tell(trial, state=TrialState.FAIL)
            continue
        study.tell(trial, values=[float(x) for x in problem.F_all[row]])
        per_trial.append(time.perf_counter() - t0)
    return time.perf_counter() - start, per_trial


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="nbg-arxiv-err-lat-params")
    parser.add_argument("--budget", type=int, default=200)
    parser.add_argument("--seeds", type=int, default=sized(5, 2))
    args = parser.parse_args()
    problem = get_problem(args.problem)
    print(f"{args.problem}: {problem.n_architectures} architectures, {problem.n_obj} objectives, "
          f"budget {args.budget}, {args.seeds} seeds")  # fmt: skip
    # The first run in a process builds the space's canonical lookup once (the runner's
    # workers keep it across runs): timed apart, so the medians are the steady state.
    t0 = time.perf_counter()
    run_algorithm(problem, "tpe", budget=12, seed=10_000)
    print(f"first tpe run in this process (builds the space's lookup): "
          f"{time.perf_counter() - t0:.2f} s")  # fmt: skip
    walls: dict[str, list[float]] = {"lab tpe": [], "optuna loop": [], "lab nsga2": []}
    early, late = [], []
    for seed in range(args.seeds):
        for name, algo in (("lab tpe", "tpe"), ("lab nsga2", "nsga2")):
            t0 = time.perf_counter()
            run_algorithm(problem, algo, budget=args.budget, seed=seed)
            walls[name].append(time.perf_counter() - t0)
        wall, per_trial = optuna_loop(problem, args.budget, seed)
        walls["optuna loop"].append(wall)
        early.append(np.median(per_trial[10:30]))
        late.append(np.median(per_trial[-20:]))
    medians = {k: float(np.median(v)) for k, v in walls.items()}
    for name, value in medians.items():
        print(f"{name:12s} median {value:7.3f} s per run "
              f"({value / medians['lab nsga2']:6.1f}x NSGA-II, "
              f"{value / medians['optuna loop']:5.2f}x Optuna's own loop)")  # fmt: skip
    print(f"Optuna's per-trial time: {1e3 * np.median(early):.1f} ms at trials 10-30, "
          f"{1e3 * np.median(late):.1f} ms over the last 20 (of {args.budget})")  # fmt: skip


if __name__ == "__main__":
    main()
