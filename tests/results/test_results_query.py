"""The query API: an experiment as one tidy table, its manifests, the list of experiments."""

from __future__ import annotations

import json

import pytest

from lab.errors import UnknownNameError
from lab.results import (
    RUN_COLUMNS,
    final_summary,
    list_experiments,
    load_experiment,
    load_manifests,
    load_run,
)
from lab.results.store import ResultsStore, ResultsStoreError


def test_load_experiment_is_one_tidy_table(store_root):
    df = load_experiment("demo", root=store_root)
    assert list(df.columns[: len(RUN_COLUMNS)]) == list(RUN_COLUMNS)
    assert {"order", "row", "arch_id", "f0", "f1", "r0", "r1", "feasible"} <= set(df.columns)
    assert len(df) == 4 * 20 and df["run_id"].nunique() == 4  # failed runs have no history
    assert set(df["label"]) == {"random", "random-b4"}
    assert sorted(df.groupby("run_id")["order"].max()) == [19] * 4
    assert set(df["params"]) == {"{}"} and set(df["seed"]) == {0, 1}
    assert set(df.loc[df["label"] == "random-b4", "batch_size"]) == {4}
    # Sorted by problem, label, seed, order; each run's rows equal its stored history.
    store = ResultsStore(store_root)
    for run_id, group in df.groupby("run_id", sort=False):
        history = store.read_history("demo", run_id)
        assert group["order"].tolist() == list(range(20))
        assert group["f0"].tolist() == history["f0"].tolist()


def test_manifests_table_and_summary(store_root):
    m = load_manifests("demo", root=store_root)
    assert len(m) == 6 and (m["status"] == "ok").sum() == 4
    failed = load_manifests("demo", root=store_root, status="failed")
    assert set(failed["label"]) == {"failing"} and set(failed["error_type"]) == {"RuntimeError"}
    summary = final_summary(m).set_index("label")
    assert summary.loc["failing", "runs"] == 0 and summary.loc["failing", "failed"] == 2
    ok = m[m["label"] == "random"]["hv_normalized"]
    assert summary.loc["random", "hv_median"] == pytest.approx(ok.median())
    assert summary.loc["random", "hv_iqr"] == pytest.approx(ok.quantile(0.75) - ok.quantile(0.25))
    assert ((0 < ok) & (ok <= 1)).all()


def test_load_run_and_list(store_root):
    m = load_manifests("demo", root=store_root)
    rid = m.loc[m["status"] == "ok", "run_id"].iloc[0]
    manifest, history = load_run("demo", rid, root=store_root)
    assert manifest["run_id"] == rid and len(history) == 20
    bad = m.loc[m["status"] == "failed", "run_id"].iloc[0]
    assert load_run("demo", bad, root=store_root)[1] is None
    with pytest.raises(UnknownNameError, match="unknown run"):
        load_run("demo", "ffffffffffffffff", root=store_root)
    listed = list_experiments(store_root)
    row = listed.set_index("experiment").loc["demo"]
    assert (row["runs"], row["ok"], row["failed"], row["algorithms"]) == (6, 4, 2, 3)


def test_unknown_experiment_and_missing_store(store_root, tmp_path):
    with pytest.raises(UnknownNameError, match="valid: demo"):
        load_experiment("dmeo", root=store_root)
    with pytest.raises(ResultsStoreError, match="no results store"):
        load_manifests("demo", root=tmp_path / "nowhere")
    assert list_experiments(tmp_path / "nowhere").empty


def test_params_column_is_canonical_json(store_root):
    m = load_manifests("demo", root=store_root)
    assert all(json.loads(p) == {} for p in m["params"])


def test_load_experiment_names_the_objectives(store_root):
    """``<objective>_search`` / ``_report`` copy ``f*`` / ``r*`` under the problem's names."""
    from lab.problems import get_problem

    df = load_experiment("demo", root=store_root)
    names = get_problem(df["problem"].iloc[0]).objective_names
    for j, name in enumerate(names):
        assert df[f"{name}_search"].tolist() == df[f"f{j}"].tolist()
        assert df[f"{name}_report"].tolist() == df[f"r{j}"].tolist()


def test_unusable_objective_names_in_a_manifest_add_no_columns():
    """A hand-edited manifest's names that are not one string per objective are ignored."""
    import pandas as pd

    from lab.results.query import _named_objectives

    history = pd.DataFrame({"f0": [1.0], "f1": [2.0], "r0": [3.0], "r1": [4.0]})
    good = _named_objectives(history, {"problem": {"objectives": ["error", "latency"]}})
    assert good[["error_search", "latency_report"]].iloc[0].tolist() == [1.0, 4.0]
    for names in (None, ["error"], ["error", "error"], ["error", 3], "error,latency"):
        same = _named_objectives(history, {"problem": {"objectives": names}})
        assert list(same.columns) == ["f0", "f1", "r0", "r1"], names
    assert list(_named_objectives(history, {"problem": "x"}).columns) == list(history.columns)
