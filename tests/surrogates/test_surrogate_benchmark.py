"""Surrogate benchmarks: canonical tables from predictions, loadable by name, problems over
them, fidelity checks and interpretability."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from lab.algorithms.registry import algorithm_names, make_algorithm
from lab.benchmarks.store import benchmark_names, build_table, load_table
from lab.benchmarks.table import BenchmarkTable
from lab.errors import BenchmarkFileError, SurrogateError
from lab.problems.registry import get_problem
from lab.spaces.nasbench201 import OPS
from lab.surrogates.benchmark import save_surrogate_table, surrogate_problem, surrogate_table
from lab.surrogates.fidelity import fidelity_check, normalized_hv
from lab.surrogates.fitting import fit_surrogate
from lab.surrogates.importance import (
    feature_importance,
    operation_effects,
    plot_importance,
    position_importance,
)
from lab.surrogates.predictors import make_predictor
from lab.surrogates.surrogate import Surrogate
from lab.surrogates.targets import TargetTransform

PROBLEM = "nbg-cora-err-lat"  # error[val_acc_cora -> test_acc_cora], latency_cora


@pytest.fixture(scope="module")
def saved(tmp_path_factory, graph_table):
    return fit_surrogate(
        "cora", benchmark="nasbench-graph", targets=["val_acc_cora", "test_acc_cora"],
        predictor="random_forest", params={"n_estimators": 30}, n_train=2000, seed=0,
        directory=tmp_path_factory.mktemp("surrogates"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def sur_table(saved, graph_table):
    return surrogate_table(saved, graph_table, "nbg-cora-sur")


def test_surrogate_table_layout(saved, sur_table, graph_table):
    np.testing.assert_array_equal(sur_table.arch_ids, graph_table.arch_ids)
    np.testing.assert_array_equal(sur_table.genomes, graph_table.genomes)
    pred = saved.surrogate.predict(graph_table.genomes)
    np.testing.assert_array_equal(sur_table.metric_values("val_acc_cora"), pred[:, 0])
    np.testing.assert_array_equal(sur_table.metric_values("test_acc_cora"), pred[:, 1])
    # exact columns are carried over unchanged, learned ones of other datasets are not
    np.testing.assert_array_equal(
        sur_table.metric_values("latency_cora"), graph_table.metric_values("latency_cora")
    )
    assert "val_acc_pubmed" not in sur_table.metrics
    assert sur_table.meta["recipe"] == "Surrogate" and sur_table.meta["noise"] is None
    assert sur_table.meta["source_table_sha256"] == graph_table.meta["table_sha256"]
    assert "surrogate prediction" in sur_table.metrics["val_acc_cora"].description


def test_saved_table_loads_by_name_and_is_listed(sur_table, tmp_path):
    save_surrogate_table(sur_table, directory=tmp_path)
    loaded = load_table("nbg-cora-sur", directory=tmp_path)
    pd.testing.assert_frame_equal(loaded.frame, sur_table.frame)
    assert loaded.meta["recipe"] == "Surrogate"
    assert "nbg-cora-sur" in benchmark_names(tmp_path)
    with pytest.raises(BenchmarkFileError, match="lab surrogate table cora --as nbg-cora-sur"):
        build_table("nbg-cora-sur", directory=tmp_path)


def test_noise_model_is_seeded(saved, graph_table):
    a = surrogate_table(saved, graph_table, "n1", noise_seed=5)
    b = surrogate_table(saved, graph_table, "n2", noise_seed=5)
    c = surrogate_table(saved, graph_table, "n3", noise_seed=6)
    np.testing.assert_array_equal(a.metric_values("val_acc_cora"), b.metric_values("val_acc_cora"))
    assert not np.array_equal(a.metric_values("val_acc_cora"), c.metric_values("val_acc_cora"))
    mean, std = saved.surrogate.predict_transformed(graph_table.genomes, return_std=True)
    z = saved.surrogate.to_transformed(
        np.column_stack([a.metric_values("val_acc_cora"), a.metric_values("test_acc_cora")])
    )
    standardized = (z - mean) / std
    assert abs(standardized.mean()) < 0.05 and 0.95 < standardized.std() < 1.05
    assert a.meta["noise"]["seed"] == 5


def test_noise_needs_uncertainty_and_names_are_checked(graph_table, tmp_path):
    no_std = fit_surrogate(
        "lin", benchmark="nasbench-graph", targets=["val_acc_cora"], predictor="linear",
        n_train=100, directory=tmp_path,
    )  # fmt: skip
    with pytest.raises(SurrogateError, match="no uncertainty"):
        surrogate_table(no_std, graph_table, "x", noise_seed=0)
    with pytest.raises(SurrogateError, match="built-in"):
        surrogate_table(no_std, graph_table, "nasbench-graph")


def test_problem_over_surrogate_table_runs_every_algorithm_unchanged(sur_table):
    true_problem = get_problem(PROBLEM)
    problem = surrogate_problem(sur_table, true_problem.spec)
    assert problem.objective_names == true_problem.objective_names
    assert problem.name == f"{PROBLEM}@nbg-cora-sur"
    history = make_algorithm("random", problem, budget=25, seed=0).run()
    assert len(history) == 25
    np.testing.assert_array_equal(history.F, problem.F_all[history.rows])
    custom = surrogate_problem(
        sur_table, [{"name": "error", "search": "val_acc_cora"}, {"name": "lat", "search": "latency_cora"}],
        name="custom",
    )  # fmt: skip
    assert custom.n_obj == 2
    with pytest.raises(SurrogateError, match="val_acc_pubmed"):
        surrogate_problem(
            sur_table,
            [{"name": "e", "search": "val_acc_pubmed"}, {"name": "l", "search": "latency_cora"}],
        )


def _copy_as_surrogate(table: BenchmarkTable, name: str, transform=None) -> BenchmarkTable:
    frame = table.frame.copy()
    if transform is not None:
        transform(frame)
    return BenchmarkTable(name, frame, dict(table.metrics), table.cardinalities, table.space,
                          {"recipe": "Surrogate"})  # fmt: skip


def test_fidelity_of_an_exact_copy_is_perfect(graph_table):
    true_problem = get_problem(PROBLEM)
    copy = surrogate_problem(_copy_as_surrogate(graph_table, "copy"), true_problem.spec)
    algos = ["random"] + [a for a in ("nsga2",) if a in algorithm_names()]
    report = fidelity_check(true_problem, copy, algos, budget=40, seeds=[0, 1])
    np.testing.assert_allclose(report.runs["hv_true"], report.runs["hv_surrogate"])
    np.testing.assert_allclose(report.runs["hv_true"], report.runs["hv_surrogate_found_on_true"])
    np.testing.assert_allclose(report.summary["hv_diff"], 0.0, atol=1e-12)
    assert report.same_winner
    if len(algos) > 1 and report.summary["hv_true"].nunique() > 1:
        assert report.kendall_tau == pytest.approx(1.0)


def test_fidelity_detects_a_misleading_surrogate(graph_table):
    true_problem = get_problem(PROBLEM)

    def invert(frame):  # the surrogate ranks accuracies upside down
        for c in ("val_acc_cora", "test_acc_cora"):
            frame[c] = 1.0 - frame[c]

    bad = surrogate_problem(_copy_as_surrogate(graph_table, "bad", invert), true_problem.spec)
    report = fidelity_check(true_problem, bad, ["random"], budget=40, seeds=[0, 1])
    # sets that look good on the inverted table are poor on the true one
    assert (report.runs["hv_surrogate_found_on_true"] < report.runs["hv_true"]).all()


def test_normalized_hv_of_the_true_front_is_one():
    problem = get_problem(PROBLEM)
    assert normalized_hv(problem, problem.true_front_rows("report")) == pytest.approx(1.0)
    assert normalized_hv(problem, np.zeros(0, dtype=int)) == 0.0


def test_importance_finds_the_only_position_that_matters(tmp_path):
    rng = np.random.default_rng(0)
    genomes = rng.integers(0, 5, size=(600, 6))
    y = 3.0 * genomes[:, 2]  # only edge 2 matters; each step of its choice adds 3
    s = Surrogate(
        "nasbench201", "onehot", ("y",), (TargetTransform(),), make_predictor("linear", alpha=1e-8)
    )
    s.fit(genomes, y)
    pos = position_importance(s, genomes, np.random.default_rng(1), n_repeats=3)
    by_pos = pos.set_index("position")["importance"]
    assert by_pos[2] == pytest.approx(2.0, abs=0.3)  # shuffling an only cause: 2 x variance
    assert by_pos.drop(2).abs().max() < 1e-6
    eff = operation_effects(s, genomes)
    edge2 = eff[eff["position"] == 2].set_index("choice")["effect"]
    np.testing.assert_allclose(edge2.to_numpy(), 3.0 * np.arange(5) - y.mean(), atol=1e-5)
    assert list(edge2.index) == list(OPS)
    assert eff[eff["position"] != 2]["effect"].abs().max() < 1e-6
    paths = plot_importance(pos, eff, tmp_path / "imp")
    assert [p.suffix for p in paths] == [".png", ".pdf"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[1].read_bytes()[:5] == b"%PDF-"
    assert feature_importance(s) is None


def test_tree_feature_importances_are_named(graph_table):
    s = Surrogate.for_table(
        graph_table, ["latency_cora"], predictor="xgboost", params={"n_estimators": 30}
    )
    s.fit_table(graph_table, np.arange(0, len(graph_table), 20))
    fi = feature_importance(s)
    assert len(fi) == s.encoder.n_features and fi["importance"].is_monotonic_decreasing
    assert set(fi["feature"]) == set(s.encoder.feature_names)
    assert dataclasses.is_dataclass(s)


def test_equivalent_genomes_share_a_prediction(graph_table):
    from lab.spaces.registry import get_space

    s = Surrogate.for_table(graph_table, ["val_acc_cora"], predictor="linear")
    s.fit_table(graph_table, np.arange(0, len(graph_table), 10))
    space = get_space("nasbench-graph")
    genomes = space.all_genomes()[::97]
    canon = space.canonical_genomes(genomes)
    valid = canon[:, 0] >= 0
    assert (canon[valid] != genomes[valid]).any(1).any()  # some genomes are not canonical
    np.testing.assert_array_equal(s.predict(genomes[valid]), s.predict(canon[valid]))
    all_skip = np.array([[0, 8, 8, 8, 8]])
    with pytest.raises(SurrogateError, match="no architecture"):
        s.predict(all_skip)
