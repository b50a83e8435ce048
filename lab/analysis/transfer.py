"""Transfer: the set a run returned, scored on the other problems of the same benchmark table.

Problems over one table share its rows (architectures), so a run's returned architectures (its
stored ``row`` values) can be looked up in any other problem over that table. A *target* of a
problem is every other problem over the same table with the same objective names in the same
order — another dataset (NAS-Bench-Graph cora → citeseer, NAS-Bench-201 cifar10 → cifar100) or
another device's latency. The returned set is scored by :mod:`lab.scoring.transfer`: on the
target's report metrics, normalized with the target's frozen bounds, as a hypervolume divided by
that of the target's exact report front; architectures that violate the target's constraints are
left out of the scored set.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.analysis.run_arrays import RUN_KEYS, ProblemRuns
from lab.errors import AnalysisError
from lab.problems import Problem, get_problem, problem_names, problem_specs
from lab.scoring import TransferScorer

TRANSFER_COLUMNS: tuple[str, ...] = (
    *RUN_KEYS, "target", "n_returned", "n_scored", "hv", "hv_normalized",
    "source_hv_normalized",
)  # fmt: skip


def transfer_targets(problem: Problem) -> list[str]:
    """Names of the transfer targets of ``problem``: the other available problems over the same
    benchmark table with the same objective names (sorted)."""
    available = set(problem_names(available_only=True))
    return sorted(
        name
        for name, spec in problem_specs().items()
        if name != problem.name
        and name in available
        and spec.benchmark == problem.spec.benchmark
        and tuple(o.name for o in spec.objectives) == problem.objective_names
    )


def transfer_table(
    block: ProblemRuns,
    returned: list[np.ndarray],
    source_hv_normalized: np.ndarray,
    targets: list[str] | None = None,
) -> pd.DataFrame:
    """Normalized hypervolume of every run's returned set on every transfer target.

    Args:
        block: the source problem's runs.
        returned: per run, indices of its returned set into the run's evaluations.
        source_hv_normalized: per run, the normalized report hypervolume on the source problem
            (copied into the table for comparison).
        targets: target problem names; default :func:`transfer_targets`.

    Returns:
        One row per (run, target) with :data:`TRANSFER_COLUMNS`: ``n_returned``, ``n_scored``
        (returned architectures feasible on the target), ``hv`` (target-normalized space,
        reference point 1.1) and ``hv_normalized`` (÷ the target's exact report front's
        hypervolume); empty when the problem has no target.
    """
    names = transfer_targets(block.problem) if targets is None else targets
    frames = []
    for name in names:
        target = get_problem(name)
        if target.n_architectures != block.problem.n_architectures:
            raise AnalysisError(
                f"transfer target {name!r} has {target.n_architectures} rows but "
                f"{block.problem.name!r} has {block.problem.n_architectures}; not the same table"
            )
        scorer = TransferScorer(target, block.rows)
        scores = [scorer.score(sl.start + returned[j]) for j, sl in block]
        frame = block.runs.copy()
        frame["target"] = name
        frame["n_returned"] = [r.size for r in returned]
        frame["n_scored"] = np.array([t.n_scored for t in scores], dtype=np.int64)
        frame["hv"] = np.array([t.hv for t in scores], dtype=float)
        frame["hv_normalized"] = np.array([t.hv_normalized for t in scores], dtype=float)
        frame["source_hv_normalized"] = np.asarray(source_hv_normalized, dtype=float)
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=list(TRANSFER_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(TRANSFER_COLUMNS)]
