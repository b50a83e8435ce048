"""SMS-EMOA's survival with the problem's reference point (its declared thresholds)."""

from __future__ import annotations

import moocore
import numpy as np
from pymoo.algorithms.moo.sms import LeastHypervolumeContributionSurvival
from pymoo.core.population import Population
from pymoo.core.problem import Problem as PymooProblem

from lab.algorithms.moeas import ThresholdHypervolumeSurvival
from lab.algorithms.registry import make_algorithm
from lab.problems import get_problem


def _population(F: np.ndarray) -> Population:
    pop = Population.new(X=np.arange(len(F))[:, None].astype(float), F=F)
    pop.set("CV", np.zeros((len(F), 1)))
    return pop


def _survivors(survival, F: np.ndarray, n: int) -> set[int]:
    kept = survival.do(PymooProblem(n_var=1, n_obj=F.shape[1]), _population(F), n_survive=n)
    return {int(x) for x in kept.get("X")[:, 0]}


def test_without_thresholds_it_is_pymoos_survival() -> None:
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 1, 12))
    F = np.column_stack([x, 1 - x**0.5]) + rng.uniform(0, 0.3, (12, 2))
    ours = ThresholdHypervolumeSurvival(np.array([np.inf, np.inf]))
    assert _survivors(ours, F, 7) == _survivors(LeastHypervolumeContributionSurvival(), F, 7)


def test_a_point_outside_the_region_goes_first() -> None:
    # Four non-dominated points; (0.0, 2.0) is the cheap extreme beyond the threshold 1.5 on the
    # second objective, which pymoo's own point (the population's nadir + 10) would keep.
    F = np.array([[0.0, 2.0], [0.3, 1.0], [0.6, 0.5], [1.0, 0.0]])
    assert 0 in _survivors(LeastHypervolumeContributionSurvival(), F, 3)
    ours = ThresholdHypervolumeSurvival(np.array([1.2, 1.5]))
    assert _survivors(ours, F, 3) == {1, 2, 3}
    # The contributions it ranks are moocore's w.r.t. the threshold (normalized alike).
    ideal, nadir = F.min(axis=0), F.max(axis=0)
    ref = (np.array([1.2, 1.5]) - ideal) / (nadir - ideal)
    contrib = moocore.hv_contributions((F - ideal) / (nadir - ideal), ref=ref)
    assert contrib[0] == 0.0 and (contrib[1:] > 0).all()


def test_smsemoa_gets_the_problems_thresholds() -> None:
    p = get_problem("nbg-cora-err-lat")
    algo = make_algorithm("smsemoa", p, budget=40, seed=0, n_init=10)
    algo.run()
    survival = algo.pymoo.survival
    assert isinstance(survival, ThresholdHypervolumeSurvival)
    np.testing.assert_allclose(survival.reference, algo._scale(p.thresholds))
