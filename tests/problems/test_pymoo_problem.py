"""A lab problem handed to pymoo: NSGA-II from pymoo searches it through ``minimize``."""

from __future__ import annotations

import copy

import numpy as np
from pymoo.algorithms.moo.nsga2 import NSGA2
from pymoo.core.problem import Problem as PymooBase
from pymoo.optimize import minimize

from lab.problems import get_problem
from lab.scoring import score_evaluation, score_run


def test_pymoo_nsga2_runs_on_a_lab_problem():
    problem = get_problem("nbg-cora-err-lat")
    searched = problem.as_pymoo()
    assert isinstance(searched, PymooBase)
    assert searched.n_var == problem.n_var and searched.n_obj == problem.n_obj
    assert searched.vtype is int
    np.testing.assert_array_equal(searched.xl, 0)
    np.testing.assert_array_equal(searched.xu, np.asarray(problem.cardinalities) - 1)
    res = minimize(searched, NSGA2(pop_size=16), ("n_evals", 64), seed=2)
    ev = searched.evaluations()
    assert len(searched.rows) == 64
    # pymoo's result holds search objectives of real architectures of the table.
    genomes = np.rint(res.X).astype(np.int64)
    np.testing.assert_allclose(res.F, problem.F_all[problem.rows(genomes)])
    scores = score_evaluation(problem, ev)
    assert 0 < scores.hv_normalized <= 1
    returnable = problem.returnable_mask(ev.rows, ev.feasible)
    same = score_run(problem, ev.F, ev.F_report, returnable)
    assert scores.as_dict() == same.as_dict()


def test_genomes_without_an_architecture_violate_the_extra_constraint():
    problem = get_problem("nbg-cora-err-lat")
    # Every genome of this space denotes an architecture; leave out a third of the table.
    partial = copy.copy(problem)
    kept = np.arange(problem.n_architectures) % 3 != 0
    partial.rows = lambda g: np.where(kept[problem.rows(g)], problem.rows(g), -1)
    searched = partial.as_pymoo()
    rng = np.random.default_rng(0)
    genomes = rng.integers(0, problem.cardinalities, size=(300, problem.n_var))
    out: dict = {}
    searched._evaluate(genomes.astype(float), out)
    valid = partial.rows(genomes) >= 0
    assert 0 < valid.sum() < len(valid)
    np.testing.assert_array_equal(out["G"][:, -1] <= 0, valid)
    assert (out["F"][~valid] > problem.F_all.max(axis=0)).all()
    np.testing.assert_allclose(out["F"][valid], problem.evaluate(genomes[valid]).F)
    assert len(searched.evaluations().rows) == valid.sum()


def test_pymoo_is_charged_per_call_and_the_distinct_budget_counts_architectures():
    from pymoo.algorithms.moo.nsga2 import NSGA2
    from pymoo.optimize import minimize

    problem = get_problem("nbg-cora-err-lat")
    charged = problem.as_pymoo()
    minimize(charged, NSGA2(pop_size=20), ("n_evals", 300), seed=1)
    rows = charged.rows
    assert charged.n_charged == len(rows) == 300
    assert charged.n_distinct == len(np.unique(rows[rows >= 0])) < 300
    searched = problem.as_pymoo()
    minimize(searched, NSGA2(pop_size=20), searched.distinct_budget(100), seed=1)
    assert searched.n_distinct >= 100 and searched.n_charged > searched.n_distinct
    found = searched.evaluations(distinct=True, limit=100)
    assert len(found.rows) == len(np.unique(found.rows)) == 100
    # The first 100 distinct architectures, in the order pymoo evaluated them.
    valid = searched.rows[searched.rows >= 0]
    _, first = np.unique(valid, return_index=True)
    np.testing.assert_array_equal(found.rows, valid[np.sort(first)][:100])
