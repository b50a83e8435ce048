"""LaTeX tables (booktabs) of the across-seed results: one table per metric, a row per problem and
a column per algorithm variant, each cell the median (IQR) over seeds; the best median of each
problem in bold; ``$^{+}$`` / ``$^{-}$`` after a cell whose variant is significantly better /
worse than the baseline (the ``vs_baseline`` verdicts), ``$^{\\dagger}$`` after a cell whose
comparison is untestable (with these seeds the smallest attainable Holm-adjusted p-value exceeds
alpha, so its "no difference" is by construction; the console says "untestable" and the report
marks it with the same dagger). The caption says what the cells, the bold face and the markers
mean, and how many seeds an untestable comparison needs. Column heads are the algorithms'
display names (:mod:`lab.analysis.display_names`). The output needs ``\\usepackage{booktabs}``
and nothing else.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from lab.analysis.display_names import display_label
from lab.errors import InputError
from lab.stats.attainable import seeds_needed

#: Display names of the metrics.
METRIC_TITLES: dict[str, str] = {
    "hv_normalized": "Normalized hypervolume",
    "igd_plus": "IGD$^{+}$",
    "igd": "IGD",
    "hv_search_normalized": "Normalized hypervolume on the search metrics",
}

MARKERS: dict[str, str] = {"better": "$^{+}$", "worse": "$^{-}$"}
#: Mark of a comparison that cannot reach alpha with its seeds (as the HTML report's).
UNTESTABLE_MARK = "$^{\\dagger}$"

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0


def escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (for names in tables and captions).

    Control characters (newlines included) become spaces: a blank line ends a paragraph, which
    LaTeX refuses inside a table cell or a caption, and a line break would end the ``%`` comment
    the table starts with."""
    return "".join(" " if _is_control(ch) else _SPECIAL.get(ch, ch) for ch in str(text))


def _decimals(values: np.ndarray) -> int:
    """Decimals that show about three significant digits of the smallest positive value
    (between 3 and 6)."""
    pos = values[np.isfinite(values) & (values > 0)]
    if pos.size == 0:
        return 3
    return int(min(6, max(3, 2 - math.floor(math.log10(float(pos.min()))))))


def _fmt(x: float, decimals: int) -> str:
    if math.isnan(x):
        return "--"
    if math.isinf(x):
        return r"$\infty$"
    return f"{x:.{decimals}f}"


def _name(label: str, names: dict[str, str] | None) -> str:
    """A variant's column head: its display name (LaTeX math kept), escaped otherwise."""
    shown = display_label(label, names)
    return shown if "$" in shown and shown != label else escape(shown)


def _unreachable(row) -> bool:
    value = getattr(row, "reachable", None)
    return value is not None and not pd.isna(value) and not bool(value)


def _untestable_phrase(tests: pd.DataFrame, alpha: float) -> str:
    """Caption sentence of the untestable comparisons: what the dagger means and the seeds a
    verdict needs (per family size and test, the largest)."""
    bad = [r for r in tests.itertuples(index=False) if _unreachable(r)]
    if not bad:
        return ""
    sizes = tests.groupby("problem").size().to_dict()
    need = max(
        seeds_needed(alpha, int(sizes[r.problem]), paired=bool(getattr(r, "paired", True)))
        for r in bad
    )
    have = sorted(
        {int(r.n_effective) for r in bad if not pd.isna(getattr(r, "n_effective", np.nan))}
    )
    with_ = f"with {'/'.join(map(str, have))} seeds " if have else ""
    return (
        f" {UNTESTABLE_MARK}: untestable: {with_}the smallest attainable Holm-adjusted p-value "
        f"exceeds $\\alpha$, so no difference could be significant whatever the data; a "
        f"verdict needs at least {need} seeds whose runs differ."
    )


def _tests_phrase(pairwise: pd.DataFrame) -> str:
    tests = set(pairwise["test"]) if len(pairwise) else {"wilcoxon"}
    names = []
    if "wilcoxon" in tests:
        names.append("Wilcoxon signed-rank test paired by seed")
    if "mannwhitneyu" in tests:
        names.append("Mann--Whitney $U$ test")
    return "two-sided " + " or ".join(names)


def _seed_phrase(counts: pd.Series) -> str:
    lo, hi = int(counts.min()), int(counts.max())
    return f"{lo} seeds" if lo == hi else f"{lo}--{hi} seeds"


def latex_table(
    summary: pd.DataFrame,
    pairwise: pd.DataFrame,
    *,
    metric: str,
    higher_is_better: bool,
    experiment: str,
    baseline: str | None,
    alpha: float,
    algorithms: list[str] | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """One booktabs table of ``metric``.

    Args:
        summary: the across-seed summary (:func:`lab.analysis.seed_summaries.summarize_metrics` with
            groups ``problem, label``); its ``median``, ``iqr`` and ``count`` are shown.
        pairwise: the pairwise table; its ``vs_baseline`` rows for ``metric`` give the markers.
        metric: the metric column to show.
        higher_is_better: direction of the metric (which median is best, in bold).
        experiment: name shown in the caption and the label.
        baseline: the baseline's label (``None``: no markers, and the caption says so).
        alpha: the significance level, for the caption.
        algorithms: column order (default: the baseline first, then the others sorted).
        names: label -> column head (default: display names, :func:`display_label`).

    Returns:
        The LaTeX source of a ``table`` environment, ending with a newline.
    """
    rows = summary[summary["metric"] == metric]
    if rows.empty:
        raise InputError(f"the summary has no rows for metric {metric!r}")
    labels = sorted(rows["label"].unique())
    if algorithms is None:
        algorithms = ([baseline] if baseline in labels else []) + [
            a for a in labels if a != baseline
        ]
    problems = sorted(rows["problem"].unique())
    median = rows.pivot(index="problem", columns="label", values="median")
    iqr = rows.pivot(index="problem", columns="label", values="iqr")
    tests = pairwise[(pairwise["metric"] == metric) & (pairwise["family"] == "vs_baseline")]
    verdict = {(r.problem, r.algorithm): r.verdict for r in tests.itertuples(index=False)}
    untestable = {
        (r.problem, r.algorithm) for r in tests.itertuples(index=False) if _unreachable(r)
    }
    decimals = _decimals(rows["median"].to_numpy(dtype=float))
    body = []
    for problem in problems:
        med = median.loc[problem].reindex(algorithms).to_numpy(dtype=float)
        finite = med[~np.isnan(med)]
        best = (finite.max() if higher_is_better else finite.min()) if finite.size else np.nan
        cells = [escape(problem)]
        for a, m in zip(algorithms, med, strict=True):
            if math.isnan(m):
                cells.append("--")
                continue
            text = f"{_fmt(m, decimals)} ({_fmt(float(iqr.loc[problem, a]), decimals)})"
            if m == best:
                text = r"\bfseries " + text
            text += MARKERS.get(verdict.get((problem, a), ""), "")
            if (problem, a) in untestable:
                text += UNTESTABLE_MARK
            cells.append(text)
        body.append(" & ".join(cells) + r" \\")
    title = METRIC_TITLES.get(metric, escape(metric))
    direction = "higher is better" if higher_is_better else "lower is better"
    caption = (
        f"{title} ({direction}) on experiment \\texttt{{{escape(experiment)}}}: median "
        f"(interquartile range) over {_seed_phrase(rows['count'])}. "
        "The best median of each problem is in bold."
    )
    if baseline is not None:
        caption += (
            f" {MARKERS['better']}/{MARKERS['worse']}: significantly better/worse than "
            f"\\texttt{{{escape(baseline)}}} ({_tests_phrase(tests)}, Holm-corrected per "
            f"problem, $\\alpha = {alpha:g}$); no marker: no significant difference."
        ) + _untestable_phrase(tests, alpha)
    else:
        caption += " No baseline was given, so no significance markers are shown."
    header = " & ".join(["Problem", *(_name(a, names) for a in algorithms)]) + r" \\"
    label = f"tab:{experiment}-{metric}".replace("_", "-")
    lines = [
        f"% {title} of experiment {escape(experiment)}; generated by `lab analyze`. "
        "Needs booktabs.",
        r"\begin{table}[htbp]",
        r"\centering",
        f"\\caption{{{caption}}}",
        f"\\label{{{escape(label)}}}",
        f"\\begin{{tabular}}{{l{'c' * len(algorithms)}}}",
        r"\toprule",
        header,
        r"\midrule",
        *body,
        r"\bottomrule",
        r"\end{tabular}",
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"
