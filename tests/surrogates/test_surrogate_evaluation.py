"""The predictor study: splits shared across predictors, learning-curve tables, the headline
NAS-Bench-201 figure (slow), and the command line."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from lab.surrogates.evaluation import (
    Task,
    curve_markdown,
    evaluate_once,
    expand_targets,
    learning_curve_table,
    run_study,
)


def test_expand_targets(graph_table):
    assert len(expand_targets(graph_table, ["val_acc_*"])) == 8
    assert expand_targets(graph_table, ["val_acc_cora", "val_acc_c*"])[0] == "val_acc_cora"


def test_study_rows_and_learning_curve_table(proteins_table):
    results = run_study(
        proteins_table, [Task("val_acc_proteins")], ["linear", "knn"], sizes=[20, 60], seeds=[0, 1],
    )  # fmt: skip
    assert len(results) == 2 * 2 * 2
    assert set(results["n_test"]) == {len(proteins_table) - 20, len(proteins_table) - 60}
    # a study row is reproducible on its own
    again = evaluate_once(proteins_table, Task("val_acc_proteins"), "knn", n_train=60, seed=1)
    row = results[
        (results.predictor == "knn") & (results.n_train == 60) & (results.seed == 1)
    ].iloc[0]
    assert again["kendall_tau"] == row["kendall_tau"]
    curve = learning_curve_table(results)
    assert list(curve["predictor"]) == ["knn", "linear"]
    lin = results[results.predictor == "linear"]
    assert curve.set_index("predictor").loc["linear", "60"] == pytest.approx(
        lin[lin.n_train == 60]["kendall_tau"].mean()
    )
    assert (curve["n_seeds"] == 2).all()
    md = curve_markdown(curve)
    assert "| val_acc_proteins | val_acc_proteins | random | knn |" in md


def test_every_predictor_sees_the_same_split(proteins_table):
    # a predictor that ignores its inputs scores the same test rows for everyone: compare n_test
    # and the ids via a deterministic model on two calls with different predictors
    a = evaluate_once(proteins_table, Task("val_acc_proteins"), "linear", n_train=50, seed=4)
    b = evaluate_once(proteins_table, Task("val_acc_proteins"), "knn", n_train=50, seed=4)
    assert a["n_test"] == b["n_test"]
    from lab.surrogates.evaluation import make_split

    s1 = make_split(proteins_table, Task("val_acc_proteins"), 50, np.random.default_rng(0))
    s2 = make_split(proteins_table, Task("val_acc_proteins"), 50, np.random.default_rng(0))
    np.testing.assert_array_equal(s1.test, s2.test)


def test_ood_and_cross_column_tasks(proteins_table):
    ood = evaluate_once(
        proteins_table, Task("val_acc_proteins", split="ood", top_fraction=0.1), "xgboost",
        n_train=200, seed=0, params={"n_estimators": 50},
    )  # fmt: skip
    assert ood["split"] == "ood" and ood["n_test"] == round(0.1 * len(proteins_table))
    cost = evaluate_once(
        proteins_table, Task("latency_proteins", split="ood", region="params_proteins"), "linear",
        n_train=100, seed=0,
    )  # fmt: skip
    assert cost["n_test"] == round(0.2 * len(proteins_table))
    cross = evaluate_once(
        proteins_table, Task("val_acc_proteins", test_target="test_acc_proteins"), "random_forest",
        n_train=300, seed=0, params={"n_estimators": 20},
    )  # fmt: skip
    assert cross["scored_on"] == "test_acc_proteins" and "nll" not in cross
    same = evaluate_once(
        proteins_table, Task("val_acc_proteins"), "random_forest", n_train=300, seed=0,
        params={"n_estimators": 20},
    )  # fmt: skip
    assert 0.0 <= same["coverage_90"] <= 1.0 and np.isfinite(same["nll"])


@pytest.mark.slow
def test_nb201_best_predictor_reaches_tau_078_with_1000_architectures(nb201_table):
    """Headline: CIFAR-10 validation accuracy, 1,000 random training architectures, tau on the
    other 14,625, mean over 3 splits (XGBoost on the default encoding: one-hot, paths, pruned one-hot, op counts)."""
    results = run_study(
        nb201_table, [Task("val_acc_cifar10")], ["xgboost"], sizes=[1000], seeds=[0, 1, 2],
        transform="auto",
    )  # fmt: skip
    assert results["kendall_tau"].mean() >= 0.78


def test_cli_fit_ls_evaluate_table_importance_curve(
    surrogates_dir, tmp_path, monkeypatch, graph_table
):
    from rich.console import Console

    from lab.cli.main import app

    monkeypatch.setattr("lab.cli.surrogate.console", Console(width=250))  # no truncated cells

    data = tmp_path / "tables"
    graph_table.save(data)  # a private data folder that already holds the true table
    monkeypatch.setenv("LAB_DATA_DIR", str(data))
    from lab.benchmarks.store import clear_cache

    clear_cache()
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result.output

    out = ok("surrogate", "fit", "cora", "-b", "nasbench-graph", "-t", "val_acc_cora", "-t",
             "test_acc_cora", "-p", "random_forest", "--param", "n_estimators=20", "--n-train", "300")  # fmt: skip
    assert "kendall" in out and (surrogates_dir / "cora" / "card.json").is_file()
    assert "cora" in ok("surrogate", "ls")
    assert "val_acc_cora -> val_acc_citeseer" in ok(
        "surrogate", "evaluate", "cora", "--score-on", "val_acc_cora=val_acc_citeseer"
    )
    ok("surrogate", "table", "cora", "--as", "cora-sur", "--noise-seed", "1")
    assert (data / "cora-sur.parquet").is_file()
    clear_cache()
    fid = ok("surrogate", "fidelity", "nbg-cora-err-lat", "--table", "cora-sur", "--budget", "20",
             "--seeds", "1", "--out", str(tmp_path / "fid"))  # fmt: skip
    assert "Kendall tau" in fid
    assert (
        pd.read_csv(tmp_path / "fid" / "fidelity-nbg-cora-err-lat-cora-sur-summary.csv").shape[0]
        == 1
    )
    ok(
        "surrogate",
        "importance",
        "cora",
        "--out",
        str(tmp_path / "imp"),
        "--n-sample",
        "200",
        "--repeats",
        "1",
    )
    assert (tmp_path / "imp" / "importance-cora.png").is_file()
    assert (tmp_path / "imp" / "importance-cora.pdf").is_file()
    positions = pd.read_csv(tmp_path / "imp" / "importance-cora-positions.csv")
    assert set(positions["variable"]) == {"link", "op_1", "op_2", "op_3", "op_4"}
    ok("surrogate", "curve", "-b", "nasbench-graph", "-t", "val_acc_co*", "--predictors", "linear,knn",
       "--sizes", "20,50", "--seeds", "2", "--out", str(tmp_path / "curves"), "--tag", "t")  # fmt: skip
    curve = pd.read_csv(tmp_path / "curves" / "t-curve.csv")
    assert set(curve["predictor"]) == {"linear", "knn"} and {"20", "50"} <= set(curve.columns)
    clear_cache()
