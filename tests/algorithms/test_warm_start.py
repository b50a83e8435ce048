"""Prior knowledge (lab.algorithms.warm_start): leakage and other spaces refused with the
metric named, the prior drawn with the run's seed (also in a fresh process) and free for the
budget, ``front`` selection against an independent non-dominated sort, and the algorithms that
use it (cold starts equal to their base algorithms, the prior's rows evaluated first)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import moocore
import numpy as np
import pytest

from lab.algorithms.registry import make_algorithm
from lab.algorithms.warm_start import (
    WarmStart,
    check_source,
    draw_prior,
    prior_rng,
    spread_order,
)
from lab.errors import ParameterError
from lab.problems import get_problem
from tests.algorithms.conformance import PROJECT_ROOT

TARGET = "nbg-citeseer-err-lat"
SOURCE = "nbg-cora-err-lat"


@pytest.fixture(scope="module")
def target():
    return get_problem(TARGET)


@pytest.fixture(scope="module")
def source():
    return get_problem(SOURCE)


def test_a_source_sharing_a_metric_is_refused_naming_it(target) -> None:
    # nbg-citeseer-err-lat-params reads val_acc_citeseer, test_acc_citeseer and
    # latency_citeseer, as the target does.
    leaky = get_problem("nbg-citeseer-err-lat-params")
    with pytest.raises(ParameterError, match="leakage") as err:
        check_source(target, leaky)
    for metric in ("latency_citeseer", "test_acc_citeseer", "val_acc_citeseer"):
        assert metric in str(err.value)
    # The device pair: the same CIFAR-10 accuracy on another device is leakage too.
    with pytest.raises(ParameterError, match=r"\['test_acc_cifar10', 'val_acc_cifar10'\]"):
        check_source(get_problem("nb201-cifar10-err-lat-eyeriss"),
                     get_problem("nb201-cifar10-err-lat-pixel3"))  # fmt: skip
    with pytest.raises(ParameterError, match="the source is the target"):
        check_source(target, target)


def test_a_source_over_another_space_or_objectives_is_refused(target) -> None:
    with pytest.raises(ParameterError, match="search space"):
        check_source(target, get_problem("nb201-cifar100-err-lat-pixel3"))
    with pytest.raises(ParameterError, match="objectives"):
        check_source(target, get_problem("nbg-cora-err-lat-params"))
    check_source(target, get_problem(SOURCE))  # another dataset: fine


def test_an_algorithm_refuses_a_leaky_source(target) -> None:
    warm = {"problem": "nbg-citeseer-err-lat-params", "evaluations": 5}
    with pytest.raises(ParameterError, match="val_acc_citeseer"):
        make_algorithm("zeroshot", target, budget=20, seed=0, params={"warm_start": warm})


def test_prior_is_drawn_with_the_seed(target, source) -> None:
    warm = WarmStart(problem=SOURCE, evaluations=40)
    a, b = draw_prior(target, warm, 3), draw_prior(target, warm, 3)
    np.testing.assert_array_equal(a.genomes, b.genomes)
    c = draw_prior(target, warm, 4)
    assert not np.array_equal(a.genomes, c.genomes)
    # Independent recomputation: 40 uniform searchable rows of the source from the run's
    # third seed child, their source search metrics, the target rows of their genomes.
    rows = source.sample_rows(40, prior_rng(3))
    np.testing.assert_array_equal(a.genomes, source.genomes_all[rows])
    np.testing.assert_array_equal(a.F, source.F_all[rows])
    np.testing.assert_array_equal(a.target_rows, target.rows(source.genomes_all[rows]))
    assert a.sources == (SOURCE,) and (a.task == 0).all()


def test_front_selection_is_the_sources_best_ranks(target, source) -> None:
    searchable = np.flatnonzero(source.searchable_all)
    F = source.F_all[searchable]
    front = searchable[moocore.is_nondominated(F)]
    # Exactly the front's size: the prior is the exact search front of the source.
    prior = draw_prior(target, WarmStart(problem=SOURCE, evaluations=len(front),
                                         selection="front"), 0)  # fmt: skip
    assert set(source.rows(prior.genomes).tolist()) == set(front.tolist())
    # One more: the front plus one architecture of the second rank.
    more = draw_prior(target, WarmStart(problem=SOURCE, evaluations=len(front) + 1,
                                        selection="front"), 0)  # fmt: skip
    rank = moocore.pareto_rank(F)
    rows = source.rows(more.genomes)
    assert set(front.tolist()) < set(rows.tolist())
    extra = (set(rows.tolist()) - set(front.tolist())).pop()
    assert rank[np.flatnonzero(searchable == extra)[0]] == 1


def test_prior_is_free_for_the_budget_and_evaluated_first(target) -> None:
    warm = {"problem": SOURCE, "evaluations": 30, "selection": "front"}
    algo = make_algorithm("zeroshot", target, budget=25, seed=2, n_init=10, batch_size=5,
                          params={"warm_start": warm})  # fmt: skip
    expected = algo.prior.ranked_target_rows()
    history = algo.run()
    assert len(history) == 25  # the 30 source evaluations cost nothing
    cold = make_algorithm("random", target, budget=25, seed=2, n_init=10, batch_size=5)
    cold_history = cold.run()
    # The shared initial design first, then the prior's best target rows in order.
    np.testing.assert_array_equal(history.rows[:10], cold_history.rows[:10])
    after = [r for r in expected if r not in set(history.rows[:10].tolist())][:15]
    np.testing.assert_array_equal(history.rows[10:], after)


@pytest.mark.parametrize(("warm", "cold"), [("nsga2_warm", "nsga2"), ("smsemoa_warm", "smsemoa")])
def test_a_cold_warm_moea_is_its_base_algorithm(target, warm: str, cold: str) -> None:
    a = make_algorithm(warm, target, budget=40, seed=5, batch_size=4, params={"pop_size": 16})
    b = make_algorithm(cold, target, budget=40, seed=5, batch_size=4, params={"pop_size": 16})
    np.testing.assert_array_equal(a.run().rows, b.run().rows)


def test_warm_moea_first_population_holds_the_prior(target) -> None:
    warm = {"problem": SOURCE, "evaluations": 50, "selection": "front"}
    algo = make_algorithm("nsga2_warm", target, budget=40, seed=5, n_init=10, batch_size=5,
                          params={"pop_size": 20, "warm_start": warm})  # fmt: skip
    history = algo.run()
    ranked = [r for r in algo.prior.ranked_target_rows() if r not in set(history.rows[:10])]
    # The first population's 10 members beyond the design are the prior's 10 best.
    assert set(history.rows[10:20].tolist()) == set(ranked[:10])


def test_prior_reproducible_in_a_fresh_process(target) -> None:
    warm = WarmStart(problem=SOURCE, evaluations=25)
    here = draw_prior(target, warm, 11).genomes.tolist()
    script = (
        "import json; from lab.problems import get_problem; "
        "from lab.algorithms.warm_start import WarmStart, draw_prior; "
        f"p = draw_prior(get_problem({TARGET!r}), WarmStart(problem={SOURCE!r}, "
        "evaluations=25), 11); print(json.dumps(p.genomes.tolist()))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, cwd=PROJECT_ROOT, env=env)  # fmt: skip
    assert json.loads(out.stdout) == here


def test_spread_order_covers_the_front_evenly() -> None:
    F = np.column_stack([np.arange(9.0), -np.arange(9.0)])[::-1]
    order = spread_order(F)
    assert sorted(order.tolist()) == list(range(9))
    firsts = F[order[:3], 0].tolist()
    assert firsts == [0.0, 8.0, 4.0]  # both ends, then the middle


def test_warm_start_params_are_validated(target) -> None:
    with pytest.raises(ParameterError, match="evaluations"):
        make_algorithm("zeroshot", target, budget=20, seed=0,
                       params={"warm_start": {"problem": SOURCE, "evaluations": 0}})  # fmt: skip
    with pytest.raises(ParameterError, match="selection"):
        make_algorithm("zeroshot", target, budget=20, seed=0,
                       params={"warm_start": {"problem": SOURCE, "evaluations": 3,
                                              "selection": "best"}})  # fmt: skip
