"""The rule that gives every built-in problem its region of interest (declared thresholds).

A threshold is the worst value of an objective that is still of interest, part of the problem
statement: the scoring's reference point and the reference point of every algorithm that uses
one. The built-in problems declare round values just beyond the exact fronts, by one rule:

1. take the exact Pareto fronts of the feasible, non-degenerate architectures on the search
   metrics and on the report metrics (what a problem without thresholds scores against);
2. per objective, move each front's worst value (nadir) back by 10 % of that front's range
   (the margin of the usual 1.1 reference point), and take the worse of the two;
3. round it up (towards worse) to two significant digits.

So every exact front lies strictly inside the region, and the threshold is a number a
practitioner would write down ("error <= 31 %, latency <= 8.5 ms"). It uses of the table only
the two exact fronts' extremes. ``lab bench thresholds PROBLEM`` prints the rule's values for a
problem of one's own.
"""

from __future__ import annotations

import math

import numpy as np

from lab.problems.problem import KINDS, Problem

#: Share of a front's range by which a threshold lies beyond the front's nadir.
MARGIN = 0.1
#: Significant digits of a declared threshold.
DIGITS = 2


def round_up(value: float, digits: int = DIGITS) -> float:
    """``value`` rounded towards ``+inf`` to ``digits`` significant digits (``0`` stays ``0``).

    >>> round_up(30.57), round_up(0.004321), round_up(-12.34)
    (31.0, 0.0044, -12.0)
    """
    if value == 0 or not math.isfinite(value):
        return float(value)
    exponent = math.floor(math.log10(abs(value))) - (digits - 1)
    step = 10.0**exponent
    # Round the quotient first so that a value already on the grid (0.31 / 0.01 = 31.000000004)
    # is not pushed one step further by floating-point noise.
    quotient = round(value / step, 9)
    return float(round(math.ceil(quotient) * step, max(0, -exponent)))


def without_thresholds(problem: Problem) -> Problem:
    """``problem`` rebuilt from its spec with every threshold removed (same table and space)."""
    objectives = tuple(o.model_copy(update={"threshold": None}) for o in problem.spec.objectives)
    spec = problem.spec.model_copy(update={"objectives": objectives})
    return Problem(spec, problem.table, problem.space)


def rule_thresholds(problem: Problem) -> np.ndarray:
    """The rule's thresholds (``m``, minimized raw units) for ``problem``.

    The fronts are those of ``problem`` rebuilt without thresholds (step 1), so the result does
    not depend on the thresholds it declares.
    """
    problem = without_thresholds(problem)
    worst = np.full(problem.n_obj, -np.inf)
    nadir = np.full(problem.n_obj, -np.inf)
    for kind in KINDS:
        front = problem.objectives_of(kind)[problem.true_front_rows(kind)]
        lo, hi = front.min(axis=0), front.max(axis=0)
        worst = np.maximum(worst, hi + MARGIN * (hi - lo))
        nadir = np.maximum(nadir, hi)
    out = []
    for w, worst_front in zip(worst, nadir, strict=True):
        t = round_up(float(w))
        if t <= worst_front:  # a one-point front: keep it strictly inside
            t = round_up(float(worst_front) + max(abs(float(worst_front)), 1e-12) * 0.01)
        out.append(t)
    return np.array(out)
