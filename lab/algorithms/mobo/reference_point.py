"""The hypervolume reference point of a Bayesian search, from what a real user would have.

A search may use only the metrics it evaluated and what the problem spec declares. The
reference point of qEHVI / qNEHVI (and of their screening) therefore comes, per objective, from

* the objective's declared ``threshold`` in the problem spec (the worst value still of interest,
  as an Ax user declares objective thresholds; every built-in problem declares one per
  objective, and the scoring and SMS-EMOA use the same point), or, where none is declared,
* the data seen so far: the Pareto front of the feasible evaluations' search metrics, with the
  nadir moved back by 10 % of the front's range — BoTorch's ``infer_reference_point``, the
  rule Ax applies when objective thresholds are missing (Ishibuchi et al. 2011 found 0.1 a robust
  multiplier) — and never moved inward: per objective, the worse of the new inferred value and
  the previous iteration's. BoTorch's rule alone shrinks the box as better points replace the
  front's extremes, which stops the search from valuing the ends of the front.

Rules (the ``reference_point`` hyperparameter of the MOBO algorithms):

``auto`` (default)
    declared thresholds where present, inferred (never inward) for the other objectives.
``thresholds``
    declared thresholds only; an error unless every objective declares one.
``inferred``
    BoTorch's rule as is for every objective, ignoring declared thresholds (labelled ablation).
``oracle``
    the 1.1 point of the exact report front of the *whole table* (test metrics included,
    :attr:`~lab.problems.problem.Problem.oracle_point`). No MOEA has this knowledge: use it
    only as a labelled ablation, never in a comparison.

Values are in the problem's minimized raw units (``m``); the BoTorch adapter flips signs.
"""

from __future__ import annotations

import numpy as np
import torch
from botorch.utils.multi_objective.hypervolume import infer_reference_point

from lab.errors import ConfigError
from lab.problems.pareto import nondominated_mask
from lab.problems.problem import Problem

#: The reference-point rules, by name.
REFERENCE_POINT_RULES: tuple[str, ...] = ("auto", "thresholds", "inferred", "oracle")
#: Share of the observed front's range by which an inferred reference point lies beyond its nadir.
INFER_SCALE = 0.1


def check_rule(rule: str, problem: Problem, *, where: str = "mobo") -> str:
    """``rule`` if it is valid for ``problem``; ``ConfigError`` naming the fix otherwise."""
    if rule not in REFERENCE_POINT_RULES:
        raise ConfigError(
            f"{where}: reference_point {rule!r} is not one of {list(REFERENCE_POINT_RULES)}"
        )
    if rule == "thresholds" and np.isinf(problem.thresholds).any():
        missing = [
            name
            for name, t in zip(problem.objective_names, problem.thresholds, strict=True)
            if np.isinf(t)
        ]
        raise ConfigError(
            f"{where}: reference_point 'thresholds' needs a threshold on every objective of "
            f"problem {problem.name!r}; {missing} declare none (add `threshold:` to those "
            "objectives in the problem spec, or use reference_point 'auto')"
        )
    return rule


def search_reference_point(
    problem: Problem,
    F_observed: np.ndarray,
    feasible: np.ndarray | None = None,
    *,
    rule: str = "auto",
    previous: np.ndarray | None = None,
) -> np.ndarray:
    """The reference point a search uses now (``m``, minimized raw units).

    Args:
        problem: the problem (its spec's thresholds; its frozen point for ``oracle`` only).
        F_observed: ``n x m`` search-metric objectives of the evaluations so far (minimized).
        feasible: ``n`` mask of the feasible ones (``None``: all); when none is feasible yet,
            every evaluation is used.
        rule: see the module docstring.
        previous: the point this search used at its last iteration (``m``), or ``None``; with
            ``auto`` the result is never better than it in any objective.

    Returns:
        The reference point. With ``auto``, a declared threshold is used as declared once some
        observed front point is better than the declared thresholds; before that, BoTorch's rule
        moves every objective 10 % of the front's range beyond ``min(nadir, threshold)``.
    """
    check_rule(rule, problem)
    if rule == "oracle":
        return np.asarray(problem.oracle_point, dtype=np.float64).copy()
    thresholds = np.where(np.isinf(problem.thresholds), np.nan, problem.thresholds)
    if rule == "thresholds":
        return thresholds.astype(np.float64)
    F = np.asarray(F_observed, dtype=np.float64).reshape(-1, problem.n_obj)
    if feasible is not None and np.asarray(feasible, dtype=bool).any():
        F = F[np.asarray(feasible, dtype=bool)]
    front = F[nondominated_mask(F)] if len(F) else F
    declared = thresholds if rule == "auto" else np.full(problem.n_obj, np.nan)
    # BoTorch maximizes: negate in, negate out. Declared entries bound the inferred point.
    ref = infer_reference_point(
        -torch.as_tensor(front),
        max_ref_point=None if np.isnan(declared).all() else -torch.as_tensor(declared),
        scale=INFER_SCALE,
    )
    point = -ref.cpu().numpy().astype(np.float64)
    if rule == "auto" and previous is not None:
        # Inferred objectives never move inward; declared ones stay as BoTorch sets them.
        inferred = np.isnan(declared)
        point = np.where(inferred, np.maximum(point, np.asarray(previous, dtype=np.float64)), point)
    return point
