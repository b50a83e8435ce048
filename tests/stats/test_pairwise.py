import numpy as np
import pandas as pd
import pytest
from scipy import stats

from lab.errors import StatsInputError
from lab.stats.effect_size import a12
from lab.stats.multiple_testing import holm
from lab.stats.pairwise import PAIRWISE_COLUMNS, pairwise_tests, wilcoxon_paired

SEEDS = list(range(12))


def _table() -> pd.DataFrame:
    """Two problems; A, B, C share seeds 0..11; D ran on seeds 100..109 (unpaired)."""
    rng = np.random.default_rng(42)
    rows = []
    for problem, shift in (("p1", 0.0), ("p2", 0.3)):
        for alg, mu in (("A", 0.50), ("B", 0.70), ("C", 0.50)):
            for s in SEEDS:
                rows.append((problem, alg, s, mu + shift + 0.05 * rng.standard_normal()))
        for s in range(100, 110):
            rows.append((problem, "D", s, 0.45 + shift + 0.05 * rng.standard_normal()))
    return pd.DataFrame(rows, columns=["problem", "algorithm", "seed", "value"])


def _values(df, problem, alg):
    part = df[(df.problem == problem) & (df.algorithm == alg)].sort_values("seed")
    return part["value"].to_numpy()


def test_p_values_equal_scipy_called_directly():
    df = _table()
    out = pairwise_tests(df, higher_is_better=True)
    assert list(out.columns) == list(PAIRWISE_COLUMNS)
    assert len(out) == 2 * 6  # all pairs of 4 algorithms, per problem
    for row in out.itertuples():
        x, y = _values(df, row.problem, row.algorithm), _values(df, row.problem, row.other)
        if "D" in (row.algorithm, row.other):
            assert not row.paired and row.test == "mannwhitneyu"
            ref = stats.mannwhitneyu(x, y, alternative="two-sided")
        else:
            assert row.paired and row.test == "wilcoxon"
            ref = stats.wilcoxon(x, y)
        assert row.p_value == pytest.approx(ref.pvalue, rel=1e-12)
        assert row.statistic == pytest.approx(ref.statistic, rel=1e-12)
        assert row.a12 == pytest.approx(a12(x, y))
        assert row.median_algorithm == pytest.approx(np.median(x))
    for _, part in out.groupby("problem"):
        np.testing.assert_allclose(part["p_holm"], holm(part["p_value"].to_numpy()))


def test_verdicts_against_a_baseline_follow_the_direction():
    df = _table()
    hv = pairwise_tests(df, higher_is_better=True, baseline="A").set_index(["problem", "algorithm"])
    assert (hv["other"] == "A").all() and len(hv) == 2 * 3
    assert hv.loc[("p1", "B"), "verdict"] == "better"  # B's values are clearly higher
    assert hv.loc[("p1", "C"), "verdict"] == "tie"
    assert hv.loc[("p1", "B"), "a12_better"] == hv.loc[("p1", "B"), "a12"] == 1.0
    igd = pairwise_tests(df, higher_is_better=False, baseline="A").set_index(
        ["problem", "algorithm"]
    )
    assert igd.loc[("p1", "B"), "verdict"] == "worse"
    assert igd.loc[("p1", "B"), "a12_better"] == 0.0
    np.testing.assert_allclose(igd["p_holm"], hv["p_holm"])


def test_paired_direction_uses_signed_ranks():
    d = np.array([1.0, 2.0, -0.5, 3.0, 0.0])
    stat, p, direction = wilcoxon_paired(d)
    ref = stats.wilcoxon(d)
    assert (stat, p) == (ref.statistic, ref.pvalue)
    assert direction == pytest.approx((2 + 3 + 4) - 1)
    assert wilcoxon_paired(np.zeros(4)) == (0.0, 1.0, 0.0)


def test_identical_samples_tie_and_infinite_values_are_handled():
    df = pd.DataFrame(
        {
            "problem": "p",
            "algorithm": ["X"] * 4 + ["Y"] * 4,
            "seed": [0, 1, 2, 3] * 2,
            "value": [1.0, np.inf, 2.0, 3.0, 1.0, np.inf, 2.0, 3.0],
        }
    )
    out = pairwise_tests(df, higher_is_better=False)
    assert out["verdict"].tolist() == ["tie"] and out["p_value"].iloc[0] == 1.0


def test_paired_modes():
    df = _table()
    forced = pairwise_tests(df, higher_is_better=True, paired=False)
    assert (forced["test"] == "mannwhitneyu").all()
    with pytest.raises(StatsInputError, match="different seeds"):
        pairwise_tests(df, higher_is_better=True, paired=True)


def test_missing_algorithm_on_a_problem_is_skipped_and_nan_dropped():
    df = _table()
    df = df[~((df.problem == "p2") & (df.algorithm == "A"))].copy()
    df.loc[df.index[0], "value"] = np.nan
    out = pairwise_tests(df, higher_is_better=True, baseline="A")
    assert set(out["problem"]) == {"p1"}
    assert out.loc[out.algorithm == "B", "n_other"].iloc[0] == 11
    assert not out.loc[out.algorithm == "B", "paired"].iloc[0]  # A lost seed 0 -> unpaired


def test_invalid_inputs_raise():
    df = _table()
    with pytest.raises(StatsInputError, match="repeated"):
        pairwise_tests(pd.concat([df, df.iloc[:1]]), higher_is_better=True)
    with pytest.raises(StatsInputError, match="missing column"):
        pairwise_tests(df.drop(columns="seed"), higher_is_better=True)
    with pytest.raises(StatsInputError, match="baseline 'Z'"):
        pairwise_tests(df, higher_is_better=True, baseline="Z")


def test_attainable_p_values_and_seeds_needed() -> None:
    from itertools import product

    from lab.stats.attainable import min_p_mannwhitney, min_p_wilcoxon, seeds_needed

    # Exact Wilcoxon: the all-positive sign pattern is the only most extreme one per tail.
    for n in (3, 5, 6, 8):
        d = np.arange(1.0, n + 1)
        assert min_p_wilcoxon(n) == pytest.approx(stats.wilcoxon(d, method="exact").pvalue)
        # and no sign pattern gives a smaller p-value (brute force over all 2^n patterns)
        if n <= 6:
            smallest = min(
                stats.wilcoxon(d * np.array(s), method="exact").pvalue
                for s in product((-1, 1), repeat=n)
            )
            assert smallest == pytest.approx(min_p_wilcoxon(n))
    for n, m in ((3, 3), (4, 6), (10, 10)):
        x, y = np.arange(n) + 100.0, np.arange(m, dtype=float)
        exact = stats.mannwhitneyu(x, y, alternative="two-sided", method="exact").pvalue
        assert min_p_mannwhitney(n, m) == pytest.approx(exact)
    assert seeds_needed(0.05) == 6  # 2 / 2^6 = 0.031 <= 0.05 < 2 / 2^5
    assert seeds_needed(0.05, 5) == 8
    assert seeds_needed(0.05, 20) == 10
    assert seeds_needed(0.05, paired=False) == 4  # 2 / C(8, 4) = 0.029


def test_a12_interval_and_reachability_columns() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(10):
        base = rng.normal()
        rows += [
            {"problem": "p", "algorithm": "a", "seed": seed, "value": base + 1.0},
            {"problem": "p", "algorithm": "b", "seed": seed, "value": base},
        ]
    table = pairwise_tests(pd.DataFrame(rows), higher_is_better=True, alpha=0.05)
    row = table.iloc[0]
    assert row["paired"] and row["n_effective"] == 10 and row["reachable"]
    assert row["min_p"] == pytest.approx(2.0**-9)
    assert row["a12_ci_low"] <= row["a12"] <= row["a12_ci_high"]
    # Same seed, same interval; a different seed moves it only by resampling noise.
    again = pairwise_tests(pd.DataFrame(rows), higher_is_better=True, alpha=0.05)
    assert again.iloc[0]["a12_ci_low"] == row["a12_ci_low"]
    # Five seeds of which two tie exactly: 3 effective differences, p >= 0.25, untestable.
    few = pd.DataFrame(rows[:10])
    few.loc[few.index[[0, 2]], "value"] = few.loc[few.index[[1, 3]], "value"].to_numpy()
    row = pairwise_tests(few, higher_is_better=True, alpha=0.05).iloc[0]
    assert row["n_effective"] == 3 and not row["reachable"] and row["verdict"] == "tie"
