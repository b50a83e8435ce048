"""Search → report generalization and transfer to other datasets of the same table."""

from __future__ import annotations

from pathlib import Path

import moocore
import numpy as np
import pytest
from scipy import stats

from lab.analysis import AnalysisResult
from lab.analysis.transfer import transfer_targets
from lab.problems import get_problem
from lab.results.store import ResultsStore
from lab.scoring import transfer_score
from tests.analysis.conftest import EXPERIMENT


def test_targets_are_the_other_datasets_with_the_same_objectives() -> None:
    targets = transfer_targets(get_problem("nbg-cora-err-lat"))
    assert "nbg-citeseer-err-lat" in targets and "nbg-pubmed-err-lat" in targets
    assert "nbg-cora-err-lat" not in targets
    # Same table, different objectives (3 of them): not a target.
    assert not any(t.endswith("-params") for t in targets)
    # Another table (ogbn-proteins has its own benchmark table): not a target.
    assert "nbg-proteins-err-lat" not in targets


def test_transfer_hv_equals_a_direct_recomputation(
    analysis: AnalysisResult, store_root: Path
) -> None:
    store = ResultsStore(store_root)
    target = get_problem("nbg-citeseer-err-lat")
    rows = analysis.transfer[
        (analysis.transfer["problem"] == "nbg-cora-err-lat")
        & (analysis.transfer["target"] == "nbg-citeseer-err-lat")
    ]
    assert len(rows) == 9
    source = get_problem("nbg-cora-err-lat")
    final = analysis.final.set_index("run_id")
    for row in rows.itertuples(index=False):
        history = store.read_history(EXPERIMENT, row.run_id)
        S = source.normalize(history[["f0", "f1"]].to_numpy(float))
        ret = np.flatnonzero(moocore.is_nondominated(S, keep_weakly=True))
        T = target.normalize(target.F_report_all[history["row"].to_numpy()[ret]])
        # The target's reference point: its declared thresholds, in its normalization.
        ref = (target.thresholds - target.ideal) / (target.nadir - target.ideal)
        expected = moocore.hypervolume(T, ref=ref) / target.true_front_hv("report")
        assert row.hv_normalized == pytest.approx(expected, rel=1e-12)
        assert row.n_returned == row.n_scored == ret.size
        assert row.source_hv_normalized == final.loc[row.run_id, "hv_normalized"]
        # The scoring core's public function agrees.
        other = transfer_score(target, history["row"].to_numpy()[ret])
        assert row.hv == pytest.approx(other.hv, rel=1e-12)


def test_every_run_is_scored_on_all_seven_other_datasets(analysis: AnalysisResult) -> None:
    counts = analysis.transfer.groupby("run_id")["target"].nunique()
    assert len(counts) == 18 and (counts == 7).all()
    ts = analysis.transfer_summary
    assert set(ts["metric"]) == {"hv_normalized"}
    assert len(ts) == 2 * 3 * 7  # problems x algorithms x targets
    medians = analysis.transfer.groupby(["problem", "label", "target"])["hv_normalized"].median()
    np.testing.assert_allclose(
        ts.set_index(["problem", "label", "target"])["median"].sort_index(),
        medians.sort_index(),
    )


def test_generalization_correlations(analysis: AnalysisResult, store_root: Path) -> None:
    gen = analysis.generalization
    assert len(gen) == 18 * 2 and set(gen["objective"]) == {"error", "latency"}
    # Latency is measured, not estimated: its search metric is its report metric.
    lat = gen[gen["objective"] == "latency"]
    assert (lat["search_metric"] == lat["report_metric"]).all()
    assert np.allclose(lat.loc[lat["n_returned"] >= 3, "kendall_tau"], 1.0)
    err = gen[(gen["objective"] == "error")].iloc[0]
    history = ResultsStore(store_root).read_history(EXPERIMENT, err["run_id"])
    problem = get_problem(err["problem"])
    S = problem.normalize(history[["f0", "f1"]].to_numpy(float))
    ret = np.flatnonzero(moocore.is_nondominated(S, keep_weakly=True))
    R = problem.normalize(history[["r0", "r1"]].to_numpy(float))
    if ret.size >= 3:
        tau = stats.kendalltau(S[ret, 0], R[ret, 0]).statistic
        rho = stats.spearmanr(S[ret, 0], R[ret, 0]).statistic
        assert err["kendall_tau"] == pytest.approx(tau)
        assert err["spearman_rho"] == pytest.approx(rho)
