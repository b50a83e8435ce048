"""Evaluations to reach X % of the cold start's final hypervolume: what a prior saves.

For a transfer variant paired with its cold start (the same algorithm without prior knowledge)
on one problem, the *level* of ``X`` % is ``X / 100`` times the cold start's median (over seeds)
final normalized hypervolume on the report metrics (:func:`lab.scoring.score_run`'s
``hv_normalized``). A run's *evaluations to X %* is the smallest ``k`` such that the set it would
return after its first ``k`` evaluations (:func:`lab.scoring.returned_set_trace`, every ``k``
from 1 to the budget) has at least that hypervolume. A run that never reaches it within its
``n`` evaluations is *censored* at ``n + 1``: it ranks after every run that reached it, which is
all a rank test needs.

Paired (by seed) two-sided Wilcoxon signed-rank tests of the transfer variant's evaluations
against the cold start's (:func:`lab.stats.pairwise.wilcoxon_paired`), Holm-corrected over every
(pair, level) comparison of one problem (:func:`lab.stats.multiple_testing.holm`); the verdict
is the transfer variant's (``better``: fewer evaluations).

Run as ``python -m lab.analysis.evaluations_to_target EXPERIMENT [--pair transfer=cold ...]
[--percent 50 --percent 90 ...]`` to print the table of an experiment in the results store;
without ``--pair``, every label ``X-transfer`` / ``X-warm`` is paired with ``X-cold`` or ``X``,
and ``zeroshot`` with ``random``, where both exist.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lab.analysis.run_arrays import ProblemRuns, problem_runs
from lab.errors import AnalysisError
from lab.scoring import Yardstick, returned_set_trace
from lab.stats.multiple_testing import holm
from lab.stats.pairwise import wilcoxon_paired

#: Default levels, in % of the cold start's median final hypervolume.
DEFAULT_PERCENTS: tuple[float, ...] = (50.0, 75.0, 90.0, 100.0)

RUN_COLUMNS: tuple[str, ...] = (
    "problem", "algorithm", "other", "percent", "level", "seed", "budget", "evaluations",
    "reached", "evaluations_other", "reached_other",
)  # fmt: skip
TEST_COLUMNS: tuple[str, ...] = (
    "problem", "algorithm", "other", "percent", "level", "n_seeds", "median_algorithm",
    "median_other", "share_reached_algorithm", "share_reached_other", "statistic", "p_value",
    "p_holm", "verdict",
)  # fmt: skip


def evaluations_to_reach(hv: np.ndarray, level: float) -> int | None:
    """The smallest ``k`` (1-based) with ``hv[k - 1] >= level``, ``None`` if none.

    Args:
        hv: ``n`` hypervolume of the returned set after ``1 .. n`` evaluations.
        level: the hypervolume to reach.
    """
    hit = np.flatnonzero(np.asarray(hv, dtype=np.float64) >= level)
    return int(hit[0]) + 1 if hit.size else None


def anytime_hv(block: ProblemRuns) -> dict[int, np.ndarray]:
    """Run index -> ``n`` normalized report hypervolume after every ``k = 1 .. n``."""
    yardstick = Yardstick.of(block.problem)
    out: dict[int, np.ndarray] = {}
    for j, sl in block:
        n = sl.stop - sl.start
        if n == 0:
            continue
        _, (hv,), _ = returned_set_trace(
            block.S[sl],
            block.R[sl],
            block.returnable[sl],
            np.arange(1, n + 1, dtype=np.int64),
            yardstick.report_front,
            yardstick.ref,
            indicators=("hv",),
            search_indicators=(),
            search_ref=yardstick.search_ref,
        )
        out[j] = hv / yardstick.report_front_hv
    return out


def compare_curves(
    curves: Mapping[str, Mapping[int, np.ndarray]],
    pairs: Mapping[str, str],
    *,
    problem: str = "",
    percents: Sequence[float] = DEFAULT_PERCENTS,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Evaluations to X % of each cold start's final HV, and the paired tests (one problem).

    Args:
        curves: label -> seed -> ``n`` anytime hypervolume after ``1 .. n`` evaluations.
        pairs: transfer label -> cold-start label.
        problem: the problem's name (a column of the tables, and named in errors).
        percents: the levels, in % of the cold start's median final HV (``> 0``).
        alpha: family-wise level of the verdicts (Holm over all (pair, level) comparisons).

    Returns:
        ``(runs, tests)``: one row per (pair, level, seed) with :data:`RUN_COLUMNS`
        (``evaluations`` censored at ``n + 1`` where ``reached`` is false), and one row per
        (pair, level) with :data:`TEST_COLUMNS`; ``budget`` is the runs' length ``n``.

    Raises:
        AnalysisError: a label without curves, a pair run on different seeds, or a level that
            is not positive.
    """
    if any(not p > 0 for p in percents):
        raise AnalysisError(f"percents must be > 0, got {list(percents)}")
    rows, tests = [], []
    for transfer, cold in pairs.items():
        for label in (transfer, cold):
            if label not in curves:
                raise AnalysisError(
                    f"problem {problem!r}: no runs labelled {label!r}; labels: {sorted(curves)}"
                )
        a, b = curves[transfer], curves[cold]
        if set(a) != set(b):
            raise AnalysisError(
                f"problem {problem!r}: {transfer!r} and {cold!r} ran on different seeds "
                f"({sorted(set(a) ^ set(b))[:10]} on one side only); the test is paired"
            )
        seeds = sorted(a)
        final_cold = float(np.median([b[s][-1] for s in seeds]))
        for percent in percents:
            level = percent / 100.0 * final_cold
            ea, eb, ra, rb = [], [], [], []
            for s in seeds:
                ka, kb = evaluations_to_reach(a[s], level), evaluations_to_reach(b[s], level)
                ea.append(len(a[s]) + 1 if ka is None else ka)
                eb.append(len(b[s]) + 1 if kb is None else kb)
                ra.append(ka is not None)
                rb.append(kb is not None)
                n = max(len(a[s]), len(b[s]))
                rows.append(
                    (problem, transfer, cold, percent, level, s, n, ea[-1], ra[-1], eb[-1], rb[-1])
                )
            d = np.asarray(ea, dtype=np.float64) - np.asarray(eb, dtype=np.float64)
            stat, p, direction = wilcoxon_paired(d)
            tests.append(
                {
                    "problem": problem,
                    "algorithm": transfer,
                    "other": cold,
                    "percent": percent,
                    "level": level,
                    "n_seeds": len(seeds),
                    "median_algorithm": float(np.median(ea)),
                    "median_other": float(np.median(eb)),
                    "share_reached_algorithm": float(np.mean(ra)),
                    "share_reached_other": float(np.mean(rb)),
                    "statistic": stat,
                    "p_value": p,
                    "_direction": direction,
                }
            )
    adjusted = holm([t["p_value"] for t in tests]) if tests else []
    for t, p_adj in zip(tests, adjusted, strict=True):
        t["p_holm"] = float(p_adj)
        direction = t.pop("_direction")
        # Fewer evaluations is better: a negative R+ - R- of (transfer - cold).
        t["verdict"] = (
            "tie" if p_adj > alpha or direction == 0 else ("better" if direction < 0 else "worse")
        )
    return pd.DataFrame(rows, columns=list(RUN_COLUMNS)), pd.DataFrame(
        tests, columns=list(TEST_COLUMNS)
    )


FINAL_COLUMNS: tuple[str, ...] = (
    "problem", "algorithm", "other", "n_seeds", "median_algorithm", "median_other",
    "p_value", "p_holm", "verdict",
)  # fmt: skip


def compare_finals(
    curves: Mapping[str, Mapping[int, np.ndarray]],
    pairs: Mapping[str, str],
    *,
    problem: str = "",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Final normalized HV of each transfer variant against its cold start: medians over
    seeds, paired two-sided Wilcoxon, Holm over the problem's pairs; the verdict is the transfer
    variant's (``better``: higher HV). One row per pair with :data:`FINAL_COLUMNS`."""
    out = []
    for transfer, cold in pairs.items():
        a, b = curves[transfer], curves[cold]
        seeds = sorted(set(a) & set(b))
        fa = np.array([a[s][-1] for s in seeds])
        fb = np.array([b[s][-1] for s in seeds])
        _, p, direction = wilcoxon_paired(np.where(fa == fb, 0.0, fa - fb))
        out.append(
            [problem, transfer, cold, len(seeds), np.median(fa), np.median(fb), p, direction]
        )
    adjusted = holm([r[6] for r in out]) if out else []
    rows = []
    for r, p_adj in zip(out, adjusted, strict=True):
        direction = r.pop()
        verdict = (
            "tie" if p_adj > alpha or direction == 0 else ("better" if direction > 0 else "worse")
        )
        rows.append([*r, float(p_adj), verdict])
    return pd.DataFrame(rows, columns=list(FINAL_COLUMNS))


def problem_curves(block: ProblemRuns) -> dict[str, dict[int, np.ndarray]]:
    """Label -> seed -> :func:`anytime_hv` of one problem's runs."""
    hv = anytime_hv(block)
    runs = block.runs.reset_index(drop=True)
    curves: dict[str, dict[int, np.ndarray]] = {}
    for j, curve in hv.items():
        curves.setdefault(str(runs.loc[j, "label"]), {})[int(runs.loc[j, "seed"])] = curve
    return curves


def evaluations_to_target(
    block: ProblemRuns,
    pairs: Mapping[str, str],
    *,
    percents: Sequence[float] = DEFAULT_PERCENTS,
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`compare_curves` of one problem's runs (their :func:`anytime_hv`, by label and
    seed)."""
    return compare_curves(
        problem_curves(block),
        pairs,
        problem=block.problem.name,
        percents=percents,
        alpha=alpha,
    )


def default_pairs(labels: Sequence[str]) -> dict[str, str]:
    """Transfer label -> cold label by the naming convention of the module docstring."""
    present = set(labels)
    out = {}
    for label in sorted(present):
        for suffix in ("-transfer", "-warm"):
            if label.endswith(suffix):
                stem = label[: -len(suffix)]
                cold = next((c for c in (f"{stem}-cold", stem) if c in present), None)
                if cold is not None:
                    out[label] = cold
    if "zeroshot" in present and "random" in present:
        out["zeroshot"] = "random"
    return out


def experiment_evaluations_to_target(
    name: str,
    pairs: Mapping[str, str] | None = None,
    *,
    percents: Sequence[float] = DEFAULT_PERCENTS,
    alpha: float = 0.05,
    root: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(runs, tests, finals)`` of :func:`compare_curves` and :func:`compare_finals` for every
    problem of experiment ``name`` (complete runs of the results store at ``root``), the tables
    concatenated; ``pairs`` default to :func:`default_pairs` of the labels on each problem."""
    from lab.results.query import load_experiment

    tidy = load_experiment(name, root=root)
    if tidy.empty:
        raise AnalysisError(f"experiment {name!r} has no complete run")
    run_tables, test_tables, final_tables = [], [], []
    for problem in sorted(tidy["problem"].unique()):
        block = problem_runs(tidy, problem)
        chosen = dict(pairs) if pairs is not None else default_pairs(block.runs["label"].unique())
        if not chosen:
            continue
        curves = problem_curves(block)
        r, t = compare_curves(curves, chosen, problem=problem, percents=percents, alpha=alpha)
        run_tables.append(r)
        test_tables.append(t)
        final_tables.append(compare_finals(curves, chosen, problem=problem, alpha=alpha))
    if not test_tables:
        raise AnalysisError(f"experiment {name!r}: no (transfer, cold start) pair of labels")
    return (
        pd.concat(run_tables, ignore_index=True),
        pd.concat(test_tables, ignore_index=True),
        pd.concat(final_tables, ignore_index=True),
    )


def _main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment")
    parser.add_argument("--pair", action="append", default=[], help="TRANSFER=COLD label pair")
    parser.add_argument("--percent", action="append", type=float, default=[])
    parser.add_argument("--results-dir", default=None)
    parser.add_argument("--alpha", type=float, default=0.05)
    args = parser.parse_args(argv)
    pairs = dict(p.split("=", 1) for p in args.pair) if args.pair else None
    _, tests, finals = experiment_evaluations_to_target(
        args.experiment,
        pairs,
        percents=args.percent or DEFAULT_PERCENTS,
        alpha=args.alpha,
        root=args.results_dir,
    )
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print("Final normalized HV (report metrics), paired Wilcoxon + Holm per problem:")
        print(finals.to_string(index=False, float_format="%.4g"))
        print("\nEvaluations to X % of the cold start's median final HV (n + 1: not reached):")
        print(tests.drop(columns=["statistic"]).to_string(index=False, float_format="%.4g"))


if __name__ == "__main__":
    _main()
