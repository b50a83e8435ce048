"""LaTeX tables: booktabs structure, the best median in bold, significance markers, legend."""

from __future__ import annotations

import re

import pandas as pd

from lab.analysis import AnalysisResult
from lab.analysis.display_names import display_label
from lab.analysis.latex import UNTESTABLE_MARK, escape, latex_table
from lab.analysis.seed_summaries import summarize_metrics
from lab.analysis.significance import pairwise_table
from lab.stats.attainable import seeds_needed
from tests.analysis.test_significance import _synthetic


def _check_structure(tex: str, n_columns: int) -> list[list[str]]:
    """Environments balanced, braces balanced, every row with the right number of cells;
    returns the body rows' cells."""
    assert tex.count(r"\begin{table}") == tex.count(r"\end{table}") == 1
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}") == 1
    body = tex.split(r"\begin{tabular}")[1]
    assert body.index(r"\toprule") < body.index(r"\midrule") < body.index(r"\bottomrule")
    unescaped = re.sub(r"\\[{}]", "", tex)
    assert unescaped.count("{") == unescaped.count("}")
    spec = re.search(r"\\begin\{tabular\}\{(\w+)\}", tex).group(1)
    assert spec == "l" + "c" * (n_columns - 1)
    rows = body.split(r"\midrule")[1].split(r"\bottomrule")[0].strip().splitlines()
    cells = [r.removesuffix(r"\\").strip().split(" & ") for r in rows]
    assert all(len(c) == n_columns for c in cells)
    return cells


def test_real_tables_bold_the_best_median(analysis: AnalysisResult) -> None:
    for metric, higher in (("hv_normalized", True), ("igd_plus", False)):
        tex = analysis.paths[f"table_{metric}.tex"].read_text()
        header = tex.split(r"\toprule")[1].split(r"\midrule")[0].strip().removesuffix(r"\\")
        algorithms = [h.strip() for h in header.split(" & ")[1:]]
        # Display names, the baseline first (as the figures and the report name them).
        assert algorithms[0] == "Random" and sorted(algorithms) == ["MOEA/D", "NSGA-II", "Random"]
        cells = _check_structure(tex, 4)
        s = analysis.summary[analysis.summary["metric"] == metric]
        for row in cells:
            problem = row[0]
            med = s[s["problem"] == problem].set_index("label")["median"]
            best = med.idxmax() if higher else med.idxmin()
            shown = {display_label(lab): lab for lab in med.index}
            for alg, cell in zip(algorithms, row[1:], strict=True):
                assert cell.startswith(r"\bfseries") == (shown[alg] == best), (metric, cell)
        assert r"\caption{" in tex and r"$^{+}$/$^{-}$" in tex and r"\texttt{random}" in tex
        assert "Wilcoxon signed-rank test paired by seed" in tex
        assert r"\label{tab:analysis-small-" in tex


def test_markers_for_significant_differences() -> None:
    final = _synthetic(paired=False)
    summary = summarize_metrics(final, ["problem", "label"], ["hv_normalized", "igd_plus"],
                                seed=0, n_resamples=99)  # fmt: skip
    pw = pairwise_table(final, baseline="random", alpha=0.05)
    for metric, higher in (("hv_normalized", True), ("igd_plus", False)):
        tex = latex_table(summary, pw, metric=metric, higher_is_better=higher,
                          experiment="toy_exp", baseline="random", alpha=0.05)  # fmt: skip
        cells = _check_structure(tex, 4)
        assert "Problem & Random & bad & good" in tex
        for row in cells:
            random, bad, good = row[1:]  # the baseline first, then sorted
            assert good.startswith(r"\bfseries") and good.endswith("$^{+}$")
            assert bad.endswith("$^{-}$") and not bad.startswith(r"\bfseries")
            assert "$^" not in random
        assert "Mann--Whitney $U$ test" in tex and "toy\\_exp" in tex
        assert "significantly better/worse" in tex


def test_no_baseline_means_no_markers() -> None:
    final = _synthetic(paired=True)
    summary = summarize_metrics(final, ["problem", "label"], ["hv_normalized"], seed=0,
                                n_resamples=99)  # fmt: skip
    pw = pairwise_table(final, baseline=None, alpha=0.05)
    tex = latex_table(summary, pw, metric="hv_normalized", higher_is_better=True,
                      experiment="e", baseline=None, alpha=0.05)  # fmt: skip
    assert "$^{+}$" not in tex.split(r"\midrule")[1] and "No baseline" in tex


def test_missing_cells_and_escaping() -> None:
    summary = pd.DataFrame({
        "problem": ["p_1", "p_1", "p2"], "label": ["a&b", "c", "c"], "metric": "hv_normalized",
        "count": 3, "median": [0.5, 0.6, 0.7], "iqr": [0.1, 0.1, 0.1],
    })  # fmt: skip
    pw = pd.DataFrame(columns=["metric", "family", "problem", "algorithm", "verdict", "test"])
    tex = latex_table(summary, pw, metric="hv_normalized", higher_is_better=True,
                      experiment="e", baseline=None, alpha=0.05)  # fmt: skip
    cells = _check_structure(tex, 3)
    assert cells[0] == ["p2", "--", r"\bfseries 0.700 (0.100)"]  # problems sorted
    assert cells[1] == [escape("p_1"), "0.500 (0.100)", r"\bfseries 0.600 (0.100)"]
    assert r"a\&b" in tex and r"p\_1" in tex


def test_untestable_comparisons_are_marked_with_the_seeds_a_verdict_needs() -> None:
    """With 4 seeds the exact Wilcoxon test cannot go below 2 / 2^4 = 0.125 > alpha: every
    comparison is a tie by construction; the table marks each with the report's dagger and
    says how many seeds would do (7 for the 2 comparisons of a problem's family)."""
    final = _synthetic(paired=True)
    final = final[final["seed"] < 4]
    summary = summarize_metrics(final, ["problem", "label"], ["hv_normalized"], seed=0,
                                n_resamples=99)  # fmt: skip
    pw = pairwise_table(final, baseline="random", alpha=0.05)
    assert not pw[pw["family"] == "vs_baseline"]["reachable"].any()
    tex = latex_table(summary, pw, metric="hv_normalized", higher_is_better=True,
                      experiment="e", baseline="random", alpha=0.05)  # fmt: skip
    cells = _check_structure(tex, 4)
    for row in cells:
        random, bad, good = row[1:]
        assert bad.endswith(UNTESTABLE_MARK) and good.endswith(UNTESTABLE_MARK)
        assert "$^{+}$" not in good and UNTESTABLE_MARK not in random
    need = seeds_needed(0.05, 2, paired=True)
    assert need == 7
    assert f"{UNTESTABLE_MARK}: untestable: with 4 seeds" in tex
    assert f"a verdict needs at least {need} seeds" in tex
    # With 12 seeds every comparison is testable: no dagger, no sentence.
    full = _synthetic(paired=True)
    summary = summarize_metrics(full, ["problem", "label"], ["hv_normalized"], seed=0,
                                n_resamples=99)  # fmt: skip
    pw = pairwise_table(full, baseline="random", alpha=0.05)
    tex = latex_table(summary, pw, metric="hv_normalized", higher_is_better=True,
                      experiment="e", baseline="random", alpha=0.05)  # fmt: skip
    assert UNTESTABLE_MARK not in tex
