"""Pairwise tests, verdicts, summaries and ranking against scipy and numpy called directly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lab.analysis import AnalysisError, AnalysisResult
from lab.analysis.seed_summaries import summarize_metrics
from lab.analysis.significance import (
    pairwise_table,
    ranking_summary,
    resolve_baseline,
)
from lab.stats import holm


def test_pairwise_p_values_equal_scipy_wilcoxon(analysis: AnalysisResult) -> None:
    pw = analysis.pairwise
    assert analysis.baseline == "random"
    assert set(pw["metric"]) == {"hv_normalized", "igd_plus", "hv_search_normalized"}
    final = analysis.final
    for metric in ("hv_normalized", "igd_plus", "hv_search_normalized"):
        for problem in final["problem"].unique():
            part = pw[(pw["metric"] == metric) & (pw["problem"] == problem)]
            base = part[part["family"] == "vs_baseline"]
            assert sorted(base["algorithm"]) == ["moead", "nsga2"]
            assert (base["other"] == "random").all()
            assert len(part[part["family"] == "all_pairs"]) == 3
            for row in part.itertuples(index=False):
                x = final[(final["problem"] == problem) & (final["label"] == row.algorithm)]
                y = final[(final["problem"] == problem) & (final["label"] == row.other)]
                d = (
                    x.set_index("seed")[metric].sort_index()
                    - y.set_index("seed")[metric].sort_index()
                )
                assert row.paired and row.test == "wilcoxon"
                assert row.p_value == pytest.approx(stats.wilcoxon(d.to_numpy()).pvalue)
            for _, family in part.groupby("family"):
                np.testing.assert_allclose(family["p_holm"], holm(family["p_value"].to_numpy()))
    # Three seeds cannot reach p <= 0.05 with an exact Wilcoxon test (its smallest p is 0.25):
    # the table says so, and the analysis warns with the number of seeds that would do.
    assert (pw["verdict"] == "tie").all()
    assert not pw["reachable"].any() and (pw["min_p"] >= 0.25).all()
    warnings = analysis.info["warnings"]
    assert any("vs_baseline" in w and "needs at least 7" in w for w in warnings)
    assert any("all_pairs" in w and "after Holm over 3" in w for w in warnings)


def _synthetic(paired: bool) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for problem in ("p1", "p2"):
        for alg, shift in (("random", 0.0), ("good", 0.3), ("bad", -0.3)):
            seeds = range(12) if paired or alg != "bad" else range(100, 112)
            for s in seeds:
                hv = 0.5 + shift + 0.01 * rng.standard_normal()
                rows.append({"problem": problem, "algorithm": alg, "label": alg, "seed": s,
                             "hv_normalized": hv, "igd_plus": 1.0 - hv,
                             "hv_search_normalized": hv + 0.02})  # fmt: skip
    return pd.DataFrame(rows)


def test_unpaired_seeds_use_mann_whitney_and_give_verdicts() -> None:
    final = _synthetic(paired=False)
    pw = pairwise_table(final, baseline="random", alpha=0.05)
    assert not pw["paired"].any() and (pw["test"] == "mannwhitneyu").all()
    base = pw[(pw["family"] == "vs_baseline") & (pw["metric"] == "hv_normalized")]
    for row in base.itertuples(index=False):
        x = final[(final["problem"] == row.problem) & (final["label"] == row.algorithm)]
        y = final[(final["problem"] == row.problem) & (final["label"] == "random")]
        p = stats.mannwhitneyu(x["hv_normalized"], y["hv_normalized"], alternative="two-sided")
        assert row.p_value == pytest.approx(p.pvalue)
    verdicts = dict(zip(base["algorithm"], base["verdict"], strict=False))
    assert verdicts == {"good": "better", "bad": "worse"}
    # IGD+ is lower-is-better: the same runs get the same verdicts.
    igd = pw[(pw["family"] == "vs_baseline") & (pw["metric"] == "igd_plus")]
    assert dict(zip(igd["algorithm"], igd["verdict"], strict=False)) == verdicts


def test_paired_seeds_use_wilcoxon() -> None:
    pw = pairwise_table(_synthetic(paired=True), baseline="random", alpha=0.05)
    assert pw["paired"].all() and (pw["test"] == "wilcoxon").all()


def test_baseline_resolution() -> None:
    final = _synthetic(paired=True)
    assert resolve_baseline(final, None) == "random"
    assert resolve_baseline(final.assign(label=final["label"] + "-x"), None) is None
    assert resolve_baseline(final, "good") == "good"
    with pytest.raises(AnalysisError, match=r"unknown baseline 'nope'.*valid: bad, good, random"):
        resolve_baseline(final, "nope")


def test_ranking_matches_ranks_of_medians(analysis: AnalysisResult) -> None:
    entry = analysis.ranking["metrics"]["hv_normalized"]
    assert entry["available"] and entry["n_problems"] == 2 and entry["n_algorithms"] == 3
    medians = analysis.final.pivot_table(
        index="problem", columns="label", values="hv_normalized", aggfunc="median"
    )
    expected = (-medians).rank(axis=1).mean(axis=0)
    for label, rank in entry["average_ranks"].items():
        assert rank == pytest.approx(expected[label])
    assert entry["critical_difference"] > 0
    fr = stats.friedmanchisquare(*(-medians[c].to_numpy() for c in medians.columns))
    assert entry["friedman_p"] == pytest.approx(fr.pvalue)


def test_ranking_with_one_problem_says_why() -> None:
    final = _synthetic(paired=True)
    entry = ranking_summary(final[final["problem"] == "p1"], alpha=0.05)["metrics"]["hv_normalized"]
    assert entry["available"] is False
    assert "at least 2 problems" in entry["reason"] and "p1" in entry["reason"]


def test_summary_matches_numpy_and_is_reproducible(analysis: AnalysisResult) -> None:
    s = analysis.summary[analysis.summary["metric"] == "hv_normalized"]
    for row in s.itertuples(index=False):
        x = analysis.final.loc[
            (analysis.final["problem"] == row.problem) & (analysis.final["label"] == row.label),
            "hv_normalized",
        ].to_numpy()
        q25, med, q75 = np.quantile(x, [0.25, 0.5, 0.75])
        assert (row.median, row.q25, row.q75) == pytest.approx((med, q25, q75))
        assert row.iqr == pytest.approx(q75 - q25) and row.mean == pytest.approx(x.mean())
        assert row.ci_low <= row.mean <= row.ci_high
    final = _synthetic(paired=True)
    a = summarize_metrics(final, ["problem", "label"], ["hv_normalized", "igd_plus"], seed=3)
    b = summarize_metrics(final, ["problem", "label"], ["igd_plus", "hv_normalized"], seed=3)
    c = summarize_metrics(final, ["problem", "label"], ["hv_normalized"], seed=4)
    key = ["metric", "problem", "label"]
    pd.testing.assert_frame_equal(
        a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True)
    )
    hv_a = a[a["metric"] == "hv_normalized"].reset_index(drop=True)
    assert not np.allclose(hv_a["ci_low"], c["ci_low"])
