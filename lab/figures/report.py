"""``lab report``: one self-contained HTML page of an experiment, to open in a browser or attach
to a review.

The page holds everything a reviewer asks for, with nothing to fetch: the figures (PNG embedded
as base64 ``data:`` URIs, with their captions), per problem the table of normalized hypervolume
and IGD+ with each variant's verdict against the baseline (test, Holm-corrected p, A12 effect
size with its bootstrap interval, search and report metric side by side, and the warning when
the number of seeds cannot reach alpha), the ranking across problems, the runs that failed or
are missing, the sweep configs as run, and the provenance recorded in the run manifests
(library versions, benchmark table checksums, commits). The page has no script and loads no
resource.
"""

from __future__ import annotations

import base64
import html
import math
import tempfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from lab.analysis import AnalysisResult
from lab.analysis.display_names import display_label, plain_text
from lab.figures.recipe import FigureRecipe, load_recipe, parse_recipe
from lab.figures.render import RenderReport, render_recipe
from lab.figures.sources import ExperimentSource
from lab.fileio import atomic_write_text
from lab.results.store import ResultsStore

#: The figures of a report (recipe entries; a kind the data do not allow is noted, not drawn).
REPORT_FIGURES: tuple[dict[str, Any], ...] = (
    {"kind": "anytime", "metric": "hv_normalized"},
    {"kind": "anytime", "metric": "hv_search_normalized"},
    {"kind": "final_distribution", "metric": "hv_normalized"},
    {"kind": "fronts"},
    {"kind": "eaf_difference"},
    {"kind": "critical_difference", "metric": "hv_normalized"},
    {"kind": "generalization"},
    {"kind": "transfer"},
)
#: Resolution of the embedded figures (pixels per inch): sharp on screen, a small page.
REPORT_DPI = 130
#: Metrics whose verdicts the tables show, with their column titles.
VERDICT_METRICS: dict[str, str] = {
    "hv_normalized": "vs baseline: HV (report)",
    "igd_plus": "vs baseline: IGD<sup>+</sup> (report)",
    "hv_search_normalized": "vs baseline: HV (search)",
}
#: Distribution names that are one package (the lab's import name and its distribution name):
#: shown as one version row.
SAME_PACKAGE: dict[str, str] = {"lab": "mo-nas-lab"}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:72em;
padding:0 1.5em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:2em;border-bottom:1px solid #ccc}
h3{margin-bottom:.3em}table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right;vertical-align:top}
th{background:#f3f3f3}td.name,th.name{text-align:left}
.better{color:#0a6d2b;font-weight:600}.worse{color:#b00020;font-weight:600}
.warn{background:#fff4d6;border-left:4px solid #e0a800;padding:.4em .8em;margin:.5em 0}
.fail{background:#fde8ea;border-left:4px solid #b00020;padding:.4em .8em;margin:.5em 0}
figure{margin:1.2em 0;max-width:100%}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.92em;color:#444;max-width:60em}
pre{background:#f7f7f7;padding:.8em;overflow-x:auto;font-size:.85em}
.meta{color:#555}nav a{margin-right:1em}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(x: Any, digits: int = 4) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    return "–" if math.isnan(v) else f"{v:.{digits}f}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], names: int = 1) -> str:
    """An HTML table; cells are already-escaped HTML; the first ``names`` columns are text."""
    head = "".join(
        f'<th class="name">{h}</th>' if i < names else f"<th>{h}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="name">{c}</td>' if i < names else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --------------------------------------------------------------------------------- sections
def _unreachable(row: pd.Series) -> bool:
    """Whether the comparison could not be significant with these seeds, whatever the data."""
    value = row.get("reachable")
    return value is not None and not pd.isna(value) and not bool(value)


def _verdict_cell(row: pd.Series | None, alpha: float) -> str:
    """Verdict, Holm p, A12 of the variant being better with its interval, and a warning when
    the seeds cannot reach alpha."""
    if row is None:
        return "–"
    verdict = str(row["verdict"])
    css = {"better": "better", "worse": "worse"}.get(verdict, "")
    mark = {"better": "better ▲", "worse": "worse ▼"}.get(verdict, verdict)
    a12 = row.get("a12_better", row.get("a12"))
    text = f'<span class="{css}">{_e(mark)}</span> p<sub>Holm</sub> = {_num(row["p_holm"], 3)}'
    text += f", A12 = {_num(a12, 2)}"
    lo, hi = row.get("a12_ci_low"), row.get("a12_ci_high")
    if lo is not None and not pd.isna(lo):
        # The interval is of A12(algorithm > other); shown in the direction "better".
        if (
            a12 is not None
            and row.get("a12") is not None
            and not math.isclose(float(a12), float(row["a12"]))
        ):
            lo, hi = 1 - float(hi), 1 - float(lo)
        text += f" [{_num(lo, 2)}, {_num(hi, 2)}]"
    if _unreachable(row):
        text += " †"
    return text


def _problem_tables(a: AnalysisResult) -> str:
    s = a.summary
    pw = a.pairwise
    vs = pw[pw["family"] == "vs_baseline"] if len(pw) else pw
    out = []
    protocol = (
        f"Verdicts against the baseline <b>{_e(a.baseline)}</b>: two-sided tests over seeds "
        "(Wilcoxon signed-rank where every variant ran the same seeds, else Mann–Whitney U), "
        f"Holm-corrected per problem and metric, α = {a.alpha:g}; A12 is the probability that "
        "the variant beats the baseline on a seed (0.5: no difference), with its 95% bootstrap "
        "interval."
        if a.baseline
        else "No baseline in this experiment: no verdicts."
    )
    out.append(f"<p>{protocol}</p>")
    for problem in a.info.get("problems", sorted(s["problem"].unique())):
        hv = s[(s["problem"] == problem) & (s["metric"] == "hv_normalized")]
        hv = hv.sort_values("median", ascending=False)
        igd = s[(s["problem"] == problem) & (s["metric"] == "igd_plus")].set_index("label")
        hvs = s[(s["problem"] == problem) & (s["metric"] == "hv_search_normalized")]
        hvs = hvs.set_index("label")
        paired = a.info.get("paired", {}).get(problem)
        rows = []
        for _, r in hv.iterrows():
            label = r["label"]
            cells = [
                _e(plain_text(display_label(label))),
                _e(int(r["count"])),
                f"{_num(r['median'])} ({_num(r['iqr'])})",
                f"{_num(r['mean'])} [{_num(r['ci_low'])}, {_num(r['ci_high'])}]",
                _num(hvs.loc[label, "median"]) if label in hvs.index else "–",
                _num(igd.loc[label, "median"]) if label in igd.index else "–",
            ]
            for metric in VERDICT_METRICS:
                if label == a.baseline:
                    cells.append("<i>baseline</i>")
                    continue
                hit = vs[
                    (vs["problem"] == problem)
                    & (vs["algorithm"] == label)
                    & (vs["metric"] == metric)
                ]
                cells.append(_verdict_cell(hit.iloc[0] if len(hit) else None, a.alpha))
            rows.append(cells)
        headers = [
            "algorithm",
            "runs",
            "HV median (IQR)",
            "HV mean [95% CI]",
            "HV search median",
            "IGD<sup>+</sup> median",
            *VERDICT_METRICS.values(),
        ]
        test = "paired by seed" if paired else "unpaired"
        out.append(
            f"<h3>{_e(problem)}</h3><p class='meta'>{_e(_description(problem))}"
            f"Comparisons {test}. {_audit_line(problem)}</p>"
        )
        out.append(_table(headers, rows))
        # One count per metric (each metric's comparisons are one family of the same size).
        mine = vs[(vs["problem"] == problem) & (vs["metric"] == "hv_normalized")] if len(vs) else vs
        dead = mine[[_unreachable(r) for _, r in mine.iterrows()]] if len(mine) else mine
        if len(dead):
            out.append(
                f'<div class="warn">† {len(dead)} of {len(mine)} comparisons with the baseline '
                f"(per metric) cannot reach α = {a.alpha:g} with these seeds, whatever the data: the "
                f"smallest attainable p-value ({_num(dead['min_p'].min(), 3)}) times the "
                "number of comparisons exceeds α, so their verdict is a tie by construction. "
                "The analysis' warnings below say how many seeds would do.</div>"
            )
    warnings = a.info.get("warnings") or []
    if warnings:
        items = "".join(f"<li>{_e(w)}</li>" for w in warnings)
        out.append(
            f'<div class="warn">{len(warnings)} warning(s) of the analysis, e.g. comparisons '
            f"that cannot reach α with this number of seeds:<details><summary>show</summary>"
            f"<ul>{items}</ul></details></div>"
        )
    return "\n".join(out)


def _description(problem: str) -> str:
    """The problem's description from its spec, as a sentence (empty if none)."""
    from lab.problems import problem_specs

    spec = problem_specs().get(problem)
    text = spec.description.strip() if spec is not None and spec.description else ""
    return f"{text[:1].upper()}{text[1:]}. " if text else ""


def _audit_line(problem: str) -> str:
    """The problem's audit verdict and what it measured (escaped HTML), or that it has none."""
    from lab.analysis.problem_audit import verdict, verdict_reason
    from lab.problems.registry import audit_values

    entry = audit_values().get(problem)
    if not entry:
        return f"Audit: none stored (<code>lab bench audit {_e(problem)}</code>)."
    try:
        v, why = verdict(entry), verdict_reason(entry)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        return f"Audit: unreadable ({_e(type(exc).__name__)})."
    css = "" if v == "discriminative" else ' class="worse"'
    return f"Audit: <span{css}>{_e(v)}</span> ({_e(why)})."


def _diagnostics(a: AnalysisResult) -> str:
    """What the runs spent their budgets on (:mod:`lab.analysis.diagnostics_summary`)."""
    from lab.analysis.diagnostics_summary import diagnostics_summary

    summary = diagnostics_summary(a.final)
    if summary.empty:
        return "<p>This analysis has no run diagnostics (analysed before they existed).</p>"
    rows = [
        [
            _e(r.problem), _e(plain_text(display_label(r.label))), str(r.n_runs), f"{r.share_degenerate:.1%}",
            f"{r.share_duplicate:.1%}", f"{r.share_infeasible:.1%}",
            f"{r.share_outside_roi:.1%}", f"{r.table_degenerate_rate:.1%}",
        ]
        for r in summary.itertuples(index=False)
    ]  # fmt: skip
    return (
        "<p>Share of each run's evaluations (mean over runs) that were degenerate "
        "architectures, duplicates of an earlier evaluation's objective vector, infeasible, or "
        "outside the problem's region of interest, beside the table's share of degenerate "
        "architectures.</p>"
        + _table(
            [
                "problem", "algorithm", "runs", "degenerate", "duplicate", "infeasible",
                "outside region", "table's degenerate rate",
            ],
            rows,
            names=2,
        )
    )  # fmt: skip


def _ranking(a: AnalysisResult) -> str:
    entry = (a.ranking.get("metrics") or {}).get("hv_normalized") or {}
    if not entry.get("available"):
        why = entry.get("reason") or "fewer than two problems or variants"
        return f"<p>No ranking across problems: {_e(why)}.</p>"
    ranks = sorted(entry["average_ranks"].items(), key=lambda kv: kv[1])
    rows = [[_e(k), _num(v, 2)] for k, v in ranks]
    cd = entry.get("critical_difference")
    return (
        f"<p>Friedman test and Nemenyi critical difference over {_e(entry.get('n_problems'))} "
        f"problems (normalized HV; 1 = best): CD = {_num(cd, 2)}, Friedman p = "
        f"{_num(entry.get('friedman_p'), 3)}.</p>" + _table(["algorithm", "average rank"], rows)
    )


def _figures(report: RenderReport) -> str:
    out = []
    for fig in report.figures:
        png = next((p for p in fig.paths if p.suffix == ".png"), None)
        if png is None:
            continue
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        caption = fig.caption or ""
        if fig.note:
            caption = f"{caption} Note: {fig.note}".strip()
        out.append(
            f'<figure id="fig-{_e(fig.name)}"><img alt="{_e(fig.name)}" '
            f'src="data:image/png;base64,{data}">'
            f"<figcaption><b>{_e(fig.name)}</b>. {_e(caption)}</figcaption></figure>"
        )
    for name, why in report.skipped:
        if not any(f.name == name for f in report.figures):
            out.append(f"<p class='meta'>Not drawn: <b>{_e(name)}</b>: {_e(why)}</p>")
    for name, why in report.missing:
        out.append(f'<div class="fail">Not drawn: <b>{_e(name)}</b>: {_e(why)}</div>')
    return "\n".join(out)


def _expected_runs(store: ResultsStore, experiment: str) -> tuple[dict[str, dict], list[str]]:
    """Run id -> (problem, label, seed) of every run the experiment's stored sweep configs
    expand to, and the configs that could not be read (named, with why).

    The copies are read as the integrity check reads them
    (:func:`lab.experiments.design.check_design`): under the store's bounds, and never
    importing the modules a copy lists under ``imports`` (a received store is untrusted).
    """
    from lab.experiments.design import check_design

    design = check_design(store, experiment)
    expected = {
        run_id: {"problem": spec.problem, "label": spec.label, "seed": spec.seed}
        for run_id, spec in design.expected.items()
    }
    unreadable = [f"{Path(path).name}: {error}" for path, error in design.unreadable.items()]
    return expected, unreadable


def _runs(store: ResultsStore, experiment: str, manifests: list[dict]) -> tuple[str, int, int]:
    """The runs section, and the numbers of failed and missing runs."""
    ok = [m for m in manifests if m.get("status") == "ok"]
    failed = [m for m in manifests if m.get("status") != "ok"]
    expected, unreadable = _expected_runs(store, experiment)
    present = {m.get("run_id") for m in manifests}
    missing = [dict(run_id=k, **v) for k, v in expected.items() if k not in present]
    out = [
        f"<p>{len(ok)} runs completed, {len(failed)} failed, {len(missing)} missing of "
        f"{len(expected) or len(manifests)} planned by the stored sweep configs.</p>"
    ]
    if failed:
        rows = []
        for m in failed:
            cfg = m.get("config") or {}
            err = m.get("error") or {}
            rows.append(
                [
                    _e(m.get("run_id")),
                    _e(cfg.get("problem")),
                    _e(cfg.get("label")),
                    _e(cfg.get("seed")),
                    _e(f"{err.get('type', '')}: {err.get('message', '')}"),
                ]
            )
        out.append('<div class="fail">Failed runs (rerun the sweep to retry them):</div>')
        out.append(_table(["run", "problem", "algorithm", "seed", "error"], rows, names=5))
    if missing:
        rows = [[_e(m["run_id"]), _e(m["problem"]), _e(m["label"]), _e(m["seed"])] for m in missing]
        out.append('<div class="warn">Missing runs (never finished; rerun the sweep):</div>')
        out.append(_table(["run", "problem", "algorithm", "seed"], rows, names=4))
    for why in unreadable:
        out.append(f'<div class="warn">Sweep config not expanded: {_e(why)}</div>')
    return "\n".join(out), len(failed), len(missing)


def _configs(store: ResultsStore, experiment: str) -> str:
    """The stored sweep copies as text, each read under the store's bounds (a link, a device
    or an oversized copy is named, not read)."""
    import hashlib

    from lab.errors import LabError

    out = []
    for path in store.sweep_copies(experiment):
        try:
            text = store.read_sweep_copy(path)
        except LabError as exc:
            out.append(f'<h3>{_e(path.name)}</h3><div class="warn">Not shown: {_e(exc)}</div>')
            continue
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        out.append(
            f"<h3>{_e(path.name)}</h3><p class='meta'>sha256 {_e(sha)}</p><pre>{_e(text)}</pre>"
        )
    return "\n".join(out) or "<p>No sweep config stored with the runs.</p>"


def _provenance(manifests: list[dict], a: AnalysisResult) -> str:
    versions: dict[str, set[str]] = {}
    tables: dict[tuple[str, str], set[str]] = {}
    commits: set[str] = set()
    configs: set[str] = set()
    for m in manifests:
        for k, v in (m.get("versions") or {}).items():
            versions.setdefault(SAME_PACKAGE.get(str(k), str(k)), set()).add(str(v))
        prob = m.get("problem") or {}
        if prob.get("name"):
            key = (str(prob.get("name")), str(prob.get("benchmark")))
            tables.setdefault(key, set()).add(str(prob.get("table_sha256")))
        if m.get("git_commit"):
            commits.add(str(m["git_commit"]))
        sweep = m.get("sweep") or {}
        if sweep.get("config_sha256"):
            configs.add(str(sweep["config_sha256"]))
    vrows = [
        [_e(k), _e(", ".join(sorted(v))) + (" <b>(differs between runs)</b>" if len(v) > 1 else "")]
        for k, v in sorted(versions.items())
    ]
    trows = [
        [_e(p), _e(b), _e(", ".join(sorted(v))) + (" <b>(differs)</b>" if len(v) > 1 else "")]
        for (p, b), v in sorted(tables.items())
    ]
    info = a.info
    return (
        "<h3>Library versions (from the run manifests)</h3>"
        + _table(["package", "version"], vrows, names=2)
        + "<h3>Benchmark tables (sha256 from the run manifests)</h3>"
        + _table(["problem", "benchmark", "table sha256"], trows, names=3)
        + "<h3>Code and inputs</h3>"
        + _table(
            ["what", "value"],
            [
                ["git commits of the runs", _e(", ".join(sorted(commits)) or "–")],
                ["sweep config sha256", _e(", ".join(sorted(configs)) or "–")],
                ["analysis created", _e(info.get("created_at", "–"))],
                ["runs fingerprint (sha256)", _e(info.get("runs_fingerprint", "–"))],
                ["runs analysed", _e(info.get("n_runs", "–"))],
            ],
            names=2,
        )
    )


# --------------------------------------------------------------------------------- the page
#: Where a report looks for the experiment's figure recipe (relative to the working folder).
RECIPE_DIR = Path("paper_figures")


def experiment_recipe(
    experiment: str, recipe_dirs: Sequence[Path | str] | None = None
) -> tuple[FigureRecipe | None, str]:
    """The figure recipe drawing ``experiment`` (``experiment: <name>``) among the ``*.yaml``
    files of ``recipe_dirs`` (default :data:`RECIPE_DIR`), first by file name, and a sentence
    saying which figures the report shows. Recipes are read as ``lab figures`` reads them
    (safe YAML, bounded, validated); one that does not load is named and skipped."""
    from lab.errors import LabError

    found: list[FigureRecipe] = []
    skipped: list[str] = []
    for folder in [Path(d) for d in (recipe_dirs if recipe_dirs is not None else [RECIPE_DIR])]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.yaml")):
            if not path.is_file() or path.is_symlink():
                continue
            try:
                recipe = load_recipe(path)
            except LabError as exc:
                skipped.append(f"{path.name} ({str(exc).splitlines()[0][:120]})")
                continue
            if recipe.experiment == experiment:
                found.append(recipe)
    if found:
        chosen = found[0]
        note = f"Figures of the experiment's recipe {chosen.source}."
        if len(found) > 1:
            note += f" Other recipes of it: {', '.join(str(r.source) for r in found[1:])}."
        return chosen, note
    note = "Default figures (no figure recipe names this experiment)."
    if skipped:
        note += f" Recipes that did not load: {'; '.join(skipped)}."
    return None, note


def report_html(
    experiment: str,
    *,
    root: Path | str | None = None,
    baseline: str | None = None,
    width: str | float = "double",
    recipe_dirs: Sequence[Path | str] | None = None,
) -> str:
    """The report page of ``experiment`` as one HTML string (see the module docstring).

    Args:
        experiment: the experiment's name in the results store.
        root: the results store root (default ``$LAB_RESULTS_DIR`` or ``./results``).
        baseline: the verdicts' baseline (default: the saved analysis', else random search).
        width: the figures' width (``single`` or ``double`` column, or inches).
        recipe_dirs: folders searched for the experiment's figure recipe
            (:func:`experiment_recipe`; default ``./paper_figures``).

    Raises:
        UnknownNameError: no such experiment.
        AnalysisError: no complete run to analyse.
    """
    store = ResultsStore(root)
    store.require_experiment(experiment)
    own, recipe_note = experiment_recipe(experiment, recipe_dirs)
    fields: dict[str, Any] = {"figures": list(REPORT_FIGURES)}
    if own is not None:
        # The experiment's own figures, as its paper shows them (names, order, selection).
        fields = own.model_dump(
            include={
                "figures",
                "problems",
                "algorithms",
                "display_names",
                "problem_names",
                "metric_names",
            },
            exclude_none=True,
        )
    recipe = parse_recipe(
        {
            **fields,
            "name": "report",
            "experiment": experiment,
            "baseline": baseline if baseline is not None else (own.baseline if own else None),
            "formats": ["png"],
            "dpi": REPORT_DPI,
            "width": width,
            "tables": False,
        },
        source=own.source if own is not None and own.source else f"report of {experiment}",
    )
    # Missing or damaged runs do not stop the report: it lists them at the top and in "Runs".
    source = ExperimentSource(
        experiment, root=root, baseline=baseline, where="report", allow_missing=True
    )
    a = source.analysis
    with tempfile.TemporaryDirectory(prefix="lab-report-") as tmp:
        rendered = render_recipe(recipe, out_dir=tmp, results_dir=root, source=source)
        figures = _figures(rendered)
    manifests = store.manifests(experiment)
    runs_html, n_failed, n_missing = _runs(store, experiment, manifests)
    banner = ""
    if n_failed or n_missing:
        banner = (
            f'<div class="fail">{n_failed} run(s) failed and {n_missing} are missing: the '
            'results below use the intact runs only; see <a href="#runs">Runs</a>.</div>'
        )
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    figures = f"<p class='meta'>{_e(recipe_note)}</p>" + figures
    sections = [
        ("results", "Results per problem", _problem_tables(a)),
        ("diagnostics", "Run diagnostics", _diagnostics(a)),
        ("ranking", "Ranking across problems", _ranking(a)),
        ("figures", "Figures", figures),
        ("runs", "Runs: failed and missing", runs_html),
        ("config", "Sweep configuration", _configs(store, experiment)),
        ("provenance", "Provenance", _provenance(manifests, a)),
    ]
    nav = "".join(f'<a href="#{sid}">{_e(title)}</a>' for sid, title, _ in sections)
    body = "".join(f'<h2 id="{sid}">{_e(t)}</h2>\n{content}\n' for sid, t, content in sections)
    problems = a.info.get("problems", [])
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(experiment)}: report</title>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{_CSS}</style></head><body>"
        f"<h1>Experiment {_e(experiment)}</h1>"
        f"<p class='meta'>{len(problems)} problems, {a.final['label'].nunique()} algorithm "
        f"variants, {a.info.get('n_runs', len(a.final))} runs analysed; baseline "
        f"{_e(a.baseline)}; report written {now}.</p><nav>{nav}</nav>{banner}{body}"
        "</body></html>\n"
    )


def write_report(
    experiment: str,
    out: Path | str | None = None,
    *,
    root: Path | str | None = None,
    baseline: str | None = None,
    width: str | float = "double",
    recipe_dirs: Sequence[Path | str] | None = None,
) -> Path:
    """Write :func:`report_html` to ``out`` (default ``<store>/<experiment>/report.html``)
    atomically; returns the path."""
    store = ResultsStore(root)
    page = report_html(
        experiment, root=root, baseline=baseline, width=width, recipe_dirs=recipe_dirs
    )
    # The default place is a folder of the store: never written through a symbolic link.
    path = Path(out) if out is not None else store.own_folder(experiment) / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, page)
    return path
