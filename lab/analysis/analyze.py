"""``analyze_experiment``: every analysis table of an experiment from its results store, in one
call, written to ``<results root>/<experiment>/analysis/``.

Stages, each per problem on normalized numpy arrays (:mod:`lab.analysis.run_arrays`):

1. final indicators of each run's returned set (:mod:`lab.analysis.final_indicators`);
2. search → report rank agreement per objective (:mod:`lab.analysis.rank_agreement`);
3. anytime traces on a log-spaced grid (:mod:`lab.analysis.traces`);
4. transfer to the other problems of the same benchmark table (:mod:`lab.analysis.transfer`);

then, over all problems, across-seed summaries (:mod:`lab.analysis.seed_summaries`), pairwise tests and
ranking (:mod:`lab.analysis.significance`) and LaTeX tables (:mod:`lab.analysis.latex`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pandas as pd

from lab.analysis.final_indicators import FINAL_COLUMNS, final_indicators
from lab.analysis.latex import latex_table
from lab.analysis.rank_agreement import GENERALIZATION_COLUMNS, generalization_table
from lab.analysis.result import (
    ANALYSIS_SCHEMA,
    INFO_FILE,
    RANKING_FILE,
    TABLES,
    AnalysisResult,
    analysis_dir,
    runs_fingerprint,
    write_table,
)
from lab.analysis.run_arrays import problem_runs
from lab.analysis.seed_summaries import N_RESAMPLES, SUMMARY_METRICS, summarize_metrics
from lab.analysis.significance import (
    ALGORITHM_COL,
    TESTED_METRICS,
    paired_problems,
    pairwise_table,
    protocol_warnings,
    ranking_summary,
    resolve_baseline,
)
from lab.analysis.traces import TRACE_COLUMNS, TRACE_POINTS, traces_table
from lab.analysis.transfer import TRANSFER_COLUMNS, transfer_table, transfer_targets
from lab.errors import AnalysisError
from lab.fileio import atomic_write_text, write_json
from lab.results.conflicts import design_conflicts
from lab.results.provenance import library_versions, utc_now
from lab.results.query import load_experiment
from lab.results.store import ResultsStore


def dropped_runs(store: ResultsStore, name: str) -> list[str]:
    """Runs an analysis of ``name`` would leave out without a word, one line each: runs of the
    design (:func:`~lab.experiments.design.check_design`) that are missing or damaged, damaged
    or partial runs found in the ``runs/`` folder, and sweep copies whose runs are unknown."""
    from lab.experiments.design import check_design
    from lab.results.integrity import check_runs_folder

    design = check_design(store, name)
    lines = {run_id: f"{design.describe(run_id)}: missing" for run_id in design.missing}
    lines.update(
        {run_id: f"{design.describe(run_id)}: {what}" for run_id, what in design.damaged.items()}
    )
    for issue in check_runs_folder(store, name):
        if issue.run_id is None or issue.run_id in lines:
            continue
        if issue.kind == "damaged" or (
            issue.kind == "partial" and not store.is_complete(name, issue.run_id)
        ):
            lines[issue.run_id] = f"{issue.path.name}: {issue.what}"
    out = [lines[k] for k in sorted(lines)]
    out += [f"{path}: runs unknown ({error})" for path, error in design.unreadable.items()]
    return out


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(frames, ignore_index=True)


def analyze_experiment(
    name: str,
    *,
    root: Path | str | None = None,
    baseline: str | None = None,
    alpha: float = 0.05,
    seed: int = 0,
    trace_points: int = TRACE_POINTS,
    transfer: bool = True,
    n_resamples: int = N_RESAMPLES,
    write: bool = True,
    allow_missing: bool = False,
) -> AnalysisResult:
    """Analyse every complete run of experiment ``name``.

    Args:
        name: the experiment (a folder of the results store).
        root: the store's root (default ``$LAB_RESULTS_DIR`` or ``./results``).
        baseline: label of the variant the others are tested against (or the registry name of
            an algorithm with a single variant); default ``random`` when the experiment has it,
            otherwise no verdicts.
        alpha: family-wise significance level (Holm) of the verdicts and the critical
            difference, in ``(0, 1)``.
        seed: seed of the bootstrap confidence intervals (same seed, same intervals).
        trace_points: log-spaced grid points of the anytime traces.
        transfer: score the returned sets on the other problems of the same table.
        n_resamples: bootstrap resamples per group.
        write: write the files (``False``: compute only; ``paths`` is then empty).
        allow_missing: analyse the intact runs even when runs of the design (the runs of the
            experiment's stored sweep configs) are missing or damaged; they are then listed in
            ``info['dropped_runs']``. Without it such an experiment is refused.

    Returns:
        :class:`AnalysisResult`. Its tables (``algorithm`` is the registry name, ``label`` the
        variant that is compared):

        * ``final``: :data:`~lab.analysis.final_indicators.FINAL_COLUMNS`, one row per run;
        * ``traces``: :data:`~lab.analysis.traces.TRACE_COLUMNS`;
        * ``generalization``: :data:`~lab.analysis.rank_agreement.GENERALIZATION_COLUMNS`;
        * ``transfer``: :data:`~lab.analysis.transfer.TRANSFER_COLUMNS`;
        * ``summary``: ``problem, label, metric`` and the summary columns (count, mean,
          ci_low, ci_high, median, q25, q75, iqr) for the metrics of
          :data:`~lab.analysis.seed_summaries.SUMMARY_METRICS`;
        * ``transfer_summary``: the same per ``problem, label, target`` for ``hv_normalized``;
        * ``pairwise``: :data:`~lab.analysis.significance.PAIRWISE_TABLE_COLUMNS` for
          ``hv_normalized`` and ``igd_plus``.

    Raises:
        UnknownNameError: no such experiment (the message lists the experiments).
        AnalysisError: no complete run, an unknown baseline, a bad setting, stored histories
            that disagree with the benchmark table, or runs of the design that are missing or
            damaged (unless ``allow_missing``).
    """
    if not 0 < alpha < 1:
        raise AnalysisError(f"alpha must be in (0, 1), got {alpha}")
    if trace_points < 1:
        raise AnalysisError(f"trace_points must be >= 1, got {trace_points}")
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = timings.get(stage, 0.0) + now - clock
        clock = now

    store = ResultsStore(root)
    store.require_experiment(name)
    # The fingerprint is taken before reading the runs: a run added meanwhile makes the saved
    # analysis look stale (and be recomputed), never look complete while missing it.
    conflicts = design_conflicts(store.manifests(name))
    if conflicts:
        raise AnalysisError(
            "\n".join(c.describe(name) for c in conflicts)
            + f"\n(`lab results check {name}` lists the runs)"
        )
    dropped = dropped_runs(store, name)
    if dropped and not allow_missing:
        shown = "\n".join(f"  {line}" for line in dropped[:20])
        more = f"\n  ... and {len(dropped) - 20} more" if len(dropped) > 20 else ""
        raise AnalysisError(
            f"experiment {name!r}: {len(dropped)} run(s) of its design are missing or damaged "
            f"and would be left out silently:\n{shown}{more}\nrerun the sweep (`lab run` "
            f"redoes exactly these runs), see `lab results check {name}`, or pass "
            "--allow-missing to analyse the intact runs only"
        )
    manifests = store.manifests(name)
    fingerprint, _ = runs_fingerprint(manifests)
    tidy = load_experiment(name, root=root)
    lap("load")
    if tidy.empty:
        statuses = pd.Series([m.get("status") for m in manifests]).value_counts().to_dict()
        raise AnalysisError(
            f"experiment {name!r} has no complete run to analyse (manifests by status: "
            f"{statuses or 'none'}); see `lab results show {name} --failed`"
        )
    variants = tidy[["algorithm", ALGORITHM_COL]].drop_duplicates()
    baseline = resolve_baseline(variants, baseline)

    finals, gens, traces, transfers = [], [], [], []
    targets: dict[str, list[str]] = {}
    for problem in sorted(tidy["problem"].unique()):
        block = problem_runs(tidy, problem)
        lap("arrays")
        fi = final_indicators(block)
        finals.append(fi.table)
        gens.append(generalization_table(block, fi.generalization))
        lap("final")
        traces.append(traces_table(block, points=trace_points))
        lap("traces")
        if transfer:
            targets[problem] = transfer_targets(block.problem)
            transfers.append(
                transfer_table(block, fi.returned, fi.table["hv_normalized"], targets[problem])
            )
            lap("transfer")
    del tidy
    final = _concat(finals, FINAL_COLUMNS)
    generalization = _concat(gens, GENERALIZATION_COLUMNS)
    trace = _concat(traces, TRACE_COLUMNS)
    transferred = _concat(transfers, TRANSFER_COLUMNS)

    group = ["problem", ALGORITHM_COL]
    summary = summarize_metrics(
        final, group, list(SUMMARY_METRICS), seed=seed, n_resamples=n_resamples
    )
    transfer_summary = summarize_metrics(
        transferred, [*group, "target"], ["hv_normalized"], seed=seed, n_resamples=n_resamples
    )
    lap("summary")
    pairwise = pairwise_table(final, baseline=baseline, alpha=alpha, seed=seed)
    warnings = protocol_warnings(pairwise, alpha=alpha, paired=paired_problems(final))
    ranking = ranking_summary(final, alpha=alpha)
    lap("significance")
    latex = {
        f"table_{metric}.tex": latex_table(
            summary, pairwise, metric=metric, higher_is_better=higher, experiment=name,
            baseline=baseline, alpha=alpha,
        )
        for metric, higher in TESTED_METRICS.items()
    }  # fmt: skip
    lap("latex")

    info: dict[str, Any] = {
        "analysis_schema": ANALYSIS_SCHEMA,
        "experiment": name,
        "created_at": utc_now(),
        "baseline": baseline,
        "alpha": alpha,
        "seed": seed,
        "trace_points": trace_points,
        "n_resamples": n_resamples,
        "transfer": transfer,
        "n_runs": len(final),
        "n_manifests": len(manifests),
        "n_failed": sum(1 for m in manifests if m.get("status") != "ok"),
        "dropped_runs": dropped,
        "runs_fingerprint": fingerprint,
        "problems": sorted(final["problem"].unique()),
        "algorithms": sorted(final[ALGORITHM_COL].unique()),
        "paired": paired_problems(final),
        "warnings": warnings,
        "transfer_targets": targets,
        "latex_tables": sorted(latex),
        "versions": library_versions(),
        "timings_s": timings,
    }
    tables = {
        "final": final,
        "traces": trace,
        "generalization": generalization,
        "transfer": transferred,
        "summary": summary,
        "transfer_summary": transfer_summary,
        "pairwise": pairwise,
    }
    directory = analysis_dir(name, root)
    paths: dict[str, Path] = {}
    if write:
        # Never written through a symbolic link: the store's own folder or an error.
        directory = store.own_folder(name, directory.name)
        for table_name in TABLES:
            paths.update(write_table(directory, table_name, tables[table_name]))
        write_json(directory / RANKING_FILE, ranking)
        paths[RANKING_FILE] = directory / RANKING_FILE
        for file_name, text in latex.items():
            atomic_write_text(directory / file_name, text)
            paths[file_name] = directory / file_name
        lap("write")
        info["timings_s"] = timings
        write_json(directory / INFO_FILE, info)
        paths[INFO_FILE] = directory / INFO_FILE
    else:
        lap("write")
    return AnalysisResult(
        experiment=name,
        directory=directory,
        ranking=ranking,
        info=info,
        paths=paths,
        **tables,
    )
