"""The pymoo bridge: initial population, objective rescaling, duplicate elimination, repair,
MOEA/D specifics and the relaxed box of MOPSO-CD."""

from __future__ import annotations

import numpy as np
import pytest
from pymoo.core.population import Population
from pymoo.decomposition.tchebicheff import Tchebicheff

from lab.algorithms.moeas import _ConstrainedReplacement, das_dennis_directions
from lab.algorithms.pymoo_operators import (
    ArchitectureDuplicateElimination,
    CategoricalMutation,
    ResampleInvalidRepair,
    TableProblem,
)
from lab.algorithms.registry import make_algorithm
from lab.algorithms.scalarizing_functions import chebyshev, observed_normalize
from lab.problems import get_problem


@pytest.fixture(scope="module")
def nb201():
    """A NAS-Bench-201-space problem whose search space holds every genome as its own row: the
    AnalogNAS cells (each trained separately) with the degenerate ones included."""
    from lab.problems.problem import Problem

    base = get_problem("anb-err-params-drop")
    spec = base.spec.model_copy(update={"degenerate": "include"})
    return Problem(spec, base.table, base.space)


def _run_until_first_generation(algo) -> None:
    """Evaluate the first population and ask once more (pymoo then gets the first tell)."""
    while algo.n_evaluated < max(algo.pop_size, algo.n_init) + 1 and not algo.done:
        g = algo.ask()
        algo.tell(g, algo.problem.evaluate(g))


@pytest.mark.parametrize("name", ["nsga2", "smsemoa", "spea2", "ibea", "agemoea", "nsga3"])
def test_first_population_is_design_plus_fill_with_rescaled_values(nb201, name: str) -> None:
    algo = make_algorithm(name, nb201, budget=60, seed=0, n_init=10, params={"pop_size": 16})
    _run_until_first_generation(algo)
    first = algo.history.rows[:16]
    pop = algo.pymoo.pop
    rows = nb201.rows(pop.get("X").astype(np.int64))
    assert set(rows.tolist()) <= set(algo.history.rows.tolist())
    if name in ("nsga2", "smsemoa", "spea2", "ibea", "agemoea"):
        # survival of the first population keeps all of it
        assert set(rows.tolist()) == set(first.tolist())
    lo = algo.history.F[:10].min(axis=0)
    span = algo.history.F[:10].max(axis=0) - lo
    for ind, row in zip(pop, rows, strict=True):
        np.testing.assert_allclose(ind.F, (nb201.F_all[row] - lo) / span)


def test_design_larger_than_population_enters_whole(nb201) -> None:
    algo = make_algorithm("nsga2", nb201, budget=40, seed=1, n_init=12, params={"pop_size": 4})
    while algo.n_evaluated < 13:
        g = algo.ask()
        algo.tell(g, nb201.evaluate(g))
    # the 13th evaluation is already an offspring of a 12-member first population
    assert algo.n_evaluated == 13
    assert not np.isin(algo.history.rows[12], algo.history.rows[:12])


def test_duplicate_elimination_by_architecture(nb201) -> None:
    evaluated = np.zeros(nb201.n_architectures, dtype=bool)
    evaluated[5] = True
    elim = ArchitectureDuplicateElimination(nb201.rows, lambda r: evaluated[r])
    X = nb201.genomes_all[[1, 5, 1, 7]]
    pop = Population.new(X=X)
    kept = elim.do(pop)
    np.testing.assert_array_equal(nb201.rows(kept.get("X")), [1, 7])
    other = Population.new(X=nb201.genomes_all[[7]])
    kept = elim.do(Population.new(X=X), other)
    np.testing.assert_array_equal(nb201.rows(kept.get("X")), [1])


def test_duplicate_elimination_keeps_evaluated_individuals_that_carry_values(nb201) -> None:
    evaluated = np.ones(nb201.n_architectures, dtype=bool)
    elim = ArchitectureDuplicateElimination(nb201.rows, lambda r: evaluated[r])
    pop = Population.new(X=nb201.genomes_all[[3, 4]])
    pop[0].evaluated.update(("F",))
    np.testing.assert_array_equal(nb201.rows(elim.do(pop).get("X")), [3])


def test_repair_replaces_invalid_nbg_genomes() -> None:
    problem = get_problem("nbg-cora-err-lat")
    repair = ResampleInvalidRepair(problem, lambda X: np.asarray(X, np.int64), lambda g: g)
    X = np.array([[0, 8, 8, 8, 8], [0, 1, 2, 3, 4]])
    out = repair._do(TableProblem(problem), X, random_state=np.random.default_rng(0))
    assert (problem.rows(out) >= 0).all()
    np.testing.assert_array_equal(out[1], X[1])


def test_categorical_mutation_operator_changes_genes_at_rate() -> None:
    cards = np.array([4, 4, 4, 4])
    mutation = CategoricalMutation(cards, prob_var=0.5)
    X = np.zeros((5000, 4), dtype=np.int64)
    out = mutation._do(None, X, random_state=np.random.default_rng(0))
    assert abs((out != 0).mean() - 0.5) < 0.02
    assert out.max() <= 3


def test_das_dennis_sizes() -> None:
    assert len(das_dennis_directions(2, 20)) == 20
    assert len(das_dennis_directions(3, 20)) == 15
    assert len(das_dennis_directions(4, 20)) == 20
    assert len(das_dennis_directions(3, 2)) == 3  # at least one partition


def test_moead_initial_members_greedy_per_weight(nb201) -> None:
    algo = make_algorithm("moead", nb201, budget=40, seed=0, n_init=12, params={"pop_size": 6})
    design = nb201.F_all[algo.initial_rows]
    chosen = algo._initial_members(design)
    assert len(chosen) == len(algo.ref_dirs) == len(np.unique(chosen))
    Fn = observed_normalize(design)
    free = np.ones(len(design), dtype=bool)
    for w, c in zip(algo.ref_dirs, chosen, strict=True):
        values = np.where(free, chebyshev(Fn, w, rho=0.0), np.inf)
        assert values[c] == values.min()
        free[c] = False


def test_moead_replacement_is_feasibility_first() -> None:
    class Stub(_ConstrainedReplacement):
        pass

    stub = Stub()
    stub.ref_dirs = np.array([[1.0, 0.0], [0.5, 0.5]])
    stub.neighbors = np.array([[0, 1], [1, 0]])
    stub.decomposition = Tchebicheff()
    stub.ideal = np.zeros(2)
    stub.pop = Population.new(X=np.zeros((2, 1)))
    for ind, f, g in zip(stub.pop, [[0.1, 0.1], [0.9, 0.9]], [[0.0], [1.0]], strict=True):
        ind.F, ind.G, ind.H = np.array(f), np.array(g), np.zeros(0)
    off = Population.new(X=np.ones((1, 1)))[0]
    off.F, off.G, off.H = np.array([0.5, 0.5]), np.array([0.0]), np.zeros(0)
    stub._replace(0, off)
    # member 0 is feasible and better: kept; member 1 is infeasible: replaced
    np.testing.assert_allclose(stub.pop[0].F, [0.1, 0.1])
    np.testing.assert_allclose(stub.pop[1].F, [0.5, 0.5])


def test_mopso_relaxed_box_maps_cells_to_genes(nb201) -> None:
    algo = make_algorithm("mopso_cd", nb201, budget=30, seed=0)
    X = np.array([[0.0, 0.99, 1.0, 4.999, 5.0, 2.5]])
    np.testing.assert_array_equal(algo._to_genomes(X), [[0, 0, 1, 4, 4, 2]])
    np.testing.assert_allclose(
        algo._to_x(np.array([[0, 4, 1, 2, 3, 0]])), [[0.5, 4.5, 1.5, 2.5, 3.5, 0.5]]
    )
    shell = TableProblem(nb201, continuous=True)
    np.testing.assert_allclose(shell.xu, nb201.cardinalities)


def test_pymoo_algorithms_share_no_state_between_runs(nb201) -> None:
    # pymoo's default operator objects are shared class defaults; a stateful one (SPEA2's
    # normalization) would make a second run differ from the first
    a = make_algorithm("spea2", nb201, budget=60, seed=9, params={"pop_size": 8}).run()
    make_algorithm(
        "spea2", get_problem("nb201-cifar10-err-lat-params-flops"), budget=40, seed=1
    ).run()
    b = make_algorithm("spea2", nb201, budget=60, seed=9, params={"pop_size": 8}).run()
    np.testing.assert_array_equal(a.rows, b.rows)


def test_an_empty_generation_is_replaced_by_random_new_architectures(nb201) -> None:
    algo = make_algorithm("nsga2", nb201, budget=60, seed=2, params={"pop_size": 8})
    _run_until_first_generation(algo)
    real_ask = algo.pymoo.ask
    calls = []

    def empty_once():
        calls.append(1)
        return Population.empty() if len(calls) == 1 else real_ask()

    algo.pymoo.ask = empty_once
    history = algo.run()
    assert calls and len(history) == 60
    assert len(np.unique(history.rows)) == 60
