"""The region of interest of the built-in problems: one documented rule, every exact front
inside, and the thresholds as the one reference point of the scoring."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lab.problems import get_problem, problem_names
from lab.problems.region_of_interest import round_up, rule_thresholds, without_thresholds
from lab.problems.registry import problem_origin

BUILTIN = [n for n in problem_names(available_only=True) if problem_origin(n).layer is not None]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (30.57, 31.0), (31.0, 31.0), (0.004321, 0.0044), (0.0044, 0.0044), (8.4134, 8.5),
        (-12.34, -12.0), (117.88, 120.0), (0.0, 0.0), (9.99, 10.0), (0.31, 0.31),
    ],
)  # fmt: skip
def test_round_up_to_two_significant_digits(value: float, expected: float) -> None:
    assert round_up(value) == expected
    assert round_up(value) >= value


def test_every_builtin_objective_declares_a_threshold() -> None:
    assert len(BUILTIN) >= 18  # NAS-Bench-Graph and AnalogNAS need no files
    for name in BUILTIN:
        problem = get_problem(name)
        missing = [o.name for o in problem.spec.objectives if o.threshold is None]
        assert not missing, f"{name}: objectives {missing} declare no threshold"


@pytest.mark.parametrize("name", BUILTIN)
def test_declared_thresholds_follow_the_rule_and_hold_every_exact_front(name: str) -> None:
    problem = get_problem(name)
    np.testing.assert_array_equal(problem.thresholds, rule_thresholds(problem))
    bare = without_thresholds(problem)
    for kind in ("search", "report"):
        # Independently of the rule's code: the fronts without thresholds, 10 % beyond.
        front = bare.objectives_of(kind)[bare.true_front_rows(kind)]
        lo, hi = front.min(axis=0), front.max(axis=0)
        assert (problem.thresholds >= hi + 0.1 * (hi - lo) - 1e-12).all()
        assert (front < problem.thresholds).all()
        # A region that holds the front leaves the front (and its normalization) unchanged.
        np.testing.assert_array_equal(
            np.sort(problem.true_front_rows(kind)), np.sort(bare.true_front_rows(kind))
        )
        np.testing.assert_array_equal(problem.bounds(kind), bare.bounds(kind))
    # Round: two significant digits.
    for t in problem.thresholds:
        digits = math.floor(math.log10(abs(t))) - 1
        assert round(t / 10.0**digits, 6) == round(t / 10.0**digits)


def test_thresholds_are_the_reference_point_of_the_scoring() -> None:
    p = get_problem("nbg-computers-err-lat")
    np.testing.assert_array_equal(p.reference_point, p.thresholds)
    # The front's hypervolume is measured against the thresholds, on both metrics.
    for kind in ("search", "report"):
        ideal, nadir = p.bounds(kind)
        ref = (p.thresholds - ideal) / (nadir - ideal)
        np.testing.assert_allclose(p.normalized_reference(kind), ref, rtol=1e-12)
    # Without thresholds the usual 1.1 point of each kind's normalization is the reference.
    bare = without_thresholds(p)
    np.testing.assert_array_equal(bare.normalized_reference("search"), [1.1, 1.1])
    np.testing.assert_allclose(bare.reference_point, bare.oracle_point)
    np.testing.assert_allclose(bare.normalize(bare.oracle_point[None])[0], [1.1, 1.1])
