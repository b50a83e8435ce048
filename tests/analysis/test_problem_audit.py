"""The problem audit: its measures against closed forms and brute force, the stored file, the
verdicts in the README, and the warning of `lab run`."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import moocore
import numpy as np
import pytest

from lab.analysis.problem_audit import (
    THRESHOLDS,
    audit_problem,
    best_subset_shares,
    random_search_hv,
    report_hv,
    verdict,
    verdict_range,
    verdict_reason,
)
from lab.problems import get_problem
from lab.problems.registry import audit_values, audit_warnings, problem_origin, problem_specs

README = Path(__file__).resolve().parents[2] / "README.md"
REF = 1.1


def test_best_subset_shares_match_brute_force_on_a_small_front() -> None:
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(0, 1, 9))
    front = np.column_stack([x, 1 - np.sqrt(x)])  # convex 2-D front, all non-dominated
    shares = best_subset_shares(front, np.array([REF, REF]), ks=(1, 3))
    total = moocore.hypervolume(front, ref=[REF, REF])
    for k in (1, 3):
        best = max(
            moocore.hypervolume(front[list(c)], ref=[REF, REF])
            for c in itertools.combinations(range(len(front)), k)
        )
        # k = 1 is exact; greedy reaches at least 1 - 1/e of the best k-subset.
        assert shares[k] <= best / total + 1e-12
        assert shares[k] >= (1 - 1 / np.e) * best / total
    assert shares[1] == pytest.approx(
        max(moocore.hypervolume(p[None], ref=[REF, REF]) for p in front) / total
    )
    # Every point chosen: the whole front.
    assert best_subset_shares(front[:2], np.array([REF, REF]), ks=(1, 3))[3] == 1.0


def test_report_hv_of_the_whole_table_is_the_search_fronts() -> None:
    p = get_problem("nbg-cora-err-lat")
    everything = np.arange(p.n_architectures)
    search_front_hv = report_hv(p, p.true_front_rows("search"))
    assert report_hv(p, everything) == pytest.approx(search_front_hv, rel=1e-12)
    # Independently: the exact search front's architectures on the report metrics, w.r.t. the
    # declared thresholds.
    R = p.normalize(p.F_report_all[p.true_front_rows("search")])
    ref = p.normalize(p.thresholds[None])[0]
    front = p.normalize(p.true_front("report"))
    assert search_front_hv == pytest.approx(
        moocore.hypervolume(R, ref=ref) / moocore.hypervolume(front, ref=ref), rel=1e-12
    )
    assert 0 < search_front_hv <= 1 + 1e-12
    # Evaluating the report front's architectures scores at most 1.
    assert report_hv(p, p.true_front_rows("report")) <= 1 + 1e-12


def test_random_search_is_seeded_and_grows_with_budget() -> None:
    p = get_problem("nbg-cora-err-lat")
    a = random_search_hv(p, seeds=10)
    b = random_search_hv(p, seeds=10)
    for budget in (100, 500):
        np.testing.assert_array_equal(a[budget], b[budget])
        assert a[budget].shape == (10,)
    # More evaluations help in the median (not run by run: a point that dominates on the
    # search metrics can replace a returned point that was better on the report metrics).
    assert np.median(a[500]) > np.median(a[100])


def test_verdict_thresholds() -> None:
    base = {"hv_share_best": {1: 0.5, 3: 0.8, 10: 0.99}, "headroom": 0.2, "rank_correlation": 0.9}
    assert verdict(base) == "discriminative"
    assert verdict({**base, "headroom": THRESHOLDS["noise_max_headroom"]}) == "noise-dominated"
    assert verdict({**base, "headroom": -0.05}) == "noise-dominated"
    assert verdict({**base, "headroom": 0.025}) == "saturating"
    assert verdict({**base, "hv_share_best": {1: 0.95, 3: 1, 10: 1}}) == "saturating"


def test_no_noise_verdict_without_a_separate_report_metric() -> None:
    """Where every report metric is its search metric there is no noise to measure: a small
    headroom means random search is close to the front, and the verdict says so."""
    same = {"hv_share_best": {1: 0.5, 3: 0.8, 10: 0.99}, "headroom": 0.0, "rank_correlation": None}
    assert verdict(same) == "saturating"
    assert "random search is close" in verdict_reason(same)
    noisy = {**same, "rank_correlation": 0.4}
    assert verdict(noisy) == "noise-dominated"
    assert "no better than random search" in verdict_reason(noisy)


def test_verdict_is_borderline_when_the_interval_spans_two() -> None:
    base = {"hv_share_best": {1: 0.5, 3: 0.8, 10: 0.99}, "rank_correlation": 0.9}
    inside = {**base, "headroom": 0.05, "headroom_interval": [0.04, 0.06]}
    assert verdict(inside) == "discriminative"
    across = {**base, "headroom": 0.032, "headroom_interval": [0.029, 0.035]}
    assert verdict(across) == "borderline"
    assert verdict_range(across) == ["saturating", "discriminative", "discriminative"]
    assert "saturating at the interval's low end" in verdict_reason(across)


def test_headroom_interval_is_a_bootstrap_of_the_random_median() -> None:
    """The interval, recomputed independently: percentile bootstrap of the median of the same
    random searches (scipy, the audit's resamples and seed)."""
    from scipy import stats

    from lab.analysis.problem_audit import AUDIT_SEED, BOOTSTRAP_RESAMPLES

    p = get_problem("nbg-photo-err-lat")
    entry = audit_problem(p, seeds=12)
    values = random_search_hv(p, seeds=12)[500]
    ci = stats.bootstrap(
        (values,), np.median, n_resamples=BOOTSTRAP_RESAMPLES, method="percentile",
        random_state=np.random.default_rng(AUDIT_SEED),
    ).confidence_interval  # fmt: skip
    head = entry["search_front_report_hv"]
    assert entry["headroom_interval"] == pytest.approx([head - ci.high, head - ci.low], abs=2e-4)
    lo, hi = entry["headroom_interval"]
    assert lo <= entry["headroom"] <= hi
    assert (
        entry["random_interval"][500][0]
        <= entry["random_median"][500]
        <= entry["random_interval"][500][1]
    )


def test_stored_audit_is_reproduced() -> None:
    stored = audit_values()["nbg-cora-err-lat"]
    fresh = audit_problem(get_problem("nbg-cora-err-lat"), seeds=stored["random_seeds"])
    assert fresh == stored
    assert fresh["verdict"] == "saturating"  # one GNN holds ~96 % of the front's hypervolume


def test_every_builtin_problem_is_audited_and_its_verdict_is_in_the_readme() -> None:
    audits = audit_values()
    text = README.read_text(encoding="utf-8")
    builtin = [n for n in problem_specs() if problem_origin(n).layer is not None]
    missing = [n for n in builtin if n not in audits]
    assert not missing, f"run `lab bench audit` for {missing}"
    for name in builtin:
        entry = audits[name]
        assert entry["verdict"] == verdict(entry)
        row = re.search(rf"^\| `{re.escape(name)}` \|.*$", text, flags=re.M)
        assert row, f"README's problem table lacks {name}"
        assert entry["verdict"] in row.group(0), f"README's verdict of {name} is stale"


def test_run_warns_about_problems_that_cannot_discriminate() -> None:
    warnings = audit_warnings(["nbg-cora-err-lat", "nbg-arxiv-err-lat-params"])
    assert len(warnings) == 1 and "'nbg-cora-err-lat' is saturating" in warnings[0]
    assert audit_warnings(["nbg-arxiv-err-lat-params"]) == []
