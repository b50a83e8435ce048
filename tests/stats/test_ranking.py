import numpy as np
import pandas as pd
import pytest
import scikit_posthocs as sp
from scipy import stats

from lab.errors import StatsInputError
from lab.stats.ranking import cd_cliques, critical_difference, nemenyi_q, rank_algorithms

# Demšar (2006), Table 5(a): q_0.05 of the Nemenyi test for k = 2..10.
DEMSAR_Q05 = [1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164]
# Table 5(a), alpha = 0.10.
DEMSAR_Q10 = [1.645, 2.052, 2.291, 2.459, 2.589, 2.693, 2.780, 2.855, 2.920]


def _table(seed: int = 0, n_problems: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n_problems):
        for alg, mu in (("A", 0.8), ("B", 0.6), ("C", 0.55), ("D", 0.3)):
            for s in range(3):
                rows.append((f"p{p}", alg, s, mu + 0.15 * rng.standard_normal()))
    return pd.DataFrame(rows, columns=["problem", "algorithm", "seed", "value"])


@pytest.mark.parametrize("k", range(2, 11))
def test_q_alpha_matches_demsar_table(k):
    assert nemenyi_q(k, 0.05) == pytest.approx(DEMSAR_Q05[k - 2], abs=1e-3)
    assert nemenyi_q(k, 0.10) == pytest.approx(DEMSAR_Q10[k - 2], abs=1e-3)


def test_critical_difference_formula():
    # Demšar's example: k = 4 classifiers, N = 14 data sets, CD = 2.569 * sqrt(20 / 84) = 1.25.
    assert critical_difference(4, 14) == pytest.approx(1.25, abs=5e-3)
    assert critical_difference(5, 10, 0.1) == pytest.approx(nemenyi_q(5, 0.1) * np.sqrt(5 * 6 / 60))


def test_ranks_friedman_and_nemenyi_equal_the_libraries():
    df = _table()
    res = rank_algorithms(df, higher_is_better=True)
    scores = df.groupby(["problem", "algorithm"])["value"].median().unstack()
    pd.testing.assert_frame_equal(res.scores, scores, check_names=False)
    ranks = (-scores).rank(axis=1)
    pd.testing.assert_frame_equal(res.ranks, ranks, check_names=False)
    np.testing.assert_allclose(res.average_ranks.sort_index(), ranks.mean().sort_index())
    fr = stats.friedmanchisquare(*(scores[c] for c in scores.columns))
    assert res.friedman_statistic == pytest.approx(fr.statistic)
    assert res.friedman_p == pytest.approx(fr.pvalue)
    nem = sp.posthoc_nemenyi_friedman(scores.reset_index(drop=True))
    np.testing.assert_allclose(res.nemenyi_p.to_numpy(), nem.to_numpy())
    assert res.critical_difference == pytest.approx(critical_difference(4, 8))
    assert res.n_problems == 8 and res.n_algorithms == 4
    assert res.average_ranks.index[0] == "A"


def test_hand_computed_ranks_with_ties_and_direction():
    df = pd.DataFrame(
        {
            "problem": ["p1"] * 3 + ["p2"] * 3 + ["p3"] * 3,
            "algorithm": ["A", "B", "C"] * 3,
            "value": [1.0, 2.0, 3.0, 1.0, 3.0, 2.0, 2.0, 2.0, 1.0],
        }
    )
    # Lower is better: p1 ranks A1 B2 C3, p2 A1 B3 C2, p3 C1 and A, B tied at 2.5.
    low = rank_algorithms(df, higher_is_better=False)
    assert low.average_ranks.to_dict() == pytest.approx({"A": 1.5, "B": 2.5, "C": 2.0})
    assert list(low.average_ranks.index) == ["A", "C", "B"]
    # Higher is better: p1 A3 B2 C1, p2 A3 B1 C2, p3 A, B tied at 1.5 and C3.
    high = rank_algorithms(df, higher_is_better=True)
    assert high.average_ranks.to_dict() == pytest.approx({"A": 2.5, "B": 1.5, "C": 2.0})
    assert high.friedman_statistic == pytest.approx(low.friedman_statistic)


def test_cliques():
    ranks = pd.Series({"A": 1.0, "B": 1.5, "C": 2.4, "D": 3.9})
    assert cd_cliques(ranks, 1.0) == [("A", "B"), ("B", "C")]
    assert cd_cliques(ranks, 3.0) == [("A", "B", "C", "D")]
    assert cd_cliques(ranks, 0.1) == []


def test_two_algorithms_have_no_friedman_test():
    df = _table()
    res = rank_algorithms(df[df.algorithm.isin(["A", "B"])], higher_is_better=True)
    assert np.isnan(res.friedman_statistic) and res.nemenyi_p.shape == (2, 2)


def test_invalid_inputs_raise():
    df = _table()
    with pytest.raises(StatsInputError, match="every algorithm needs a value"):
        rank_algorithms(df[~((df.problem == "p0") & (df.algorithm == "B"))], higher_is_better=True)
    with pytest.raises(StatsInputError, match="at least 2 problems"):
        rank_algorithms(df[df.problem == "p0"], higher_is_better=True)
    with pytest.raises(StatsInputError, match="missing column"):
        rank_algorithms(df.drop(columns="problem"), higher_is_better=True)
