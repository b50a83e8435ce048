"""Every recipe of the checkout renders from stored results alone; files are valid PDF and PNG of
the recipe's size, figures have the expected panels, tables are copied, nothing is rerun."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import struct
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from lab.analysis import load_analysis
from lab.errors import ConfigError
from lab.figures import FigureError, load_recipe, render_recipe
from lab.figures.layout import data_axes
from lab.figures.recipe import EXPERIMENT_KINDS, parse_recipe
from lab.figures.sources import ExperimentSource
from lab.figures.style import SINGLE_COLUMN_IN
from lab.problems import get_problem
from tests.figures.conftest import EXPERIMENT, LABELS, PROBLEMS, RECIPE_DIR, SEEDS

TWO_OBJ, THREE_OBJ = PROBLEMS


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) in pixels from the PNG header."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def assert_pdf(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-"), f"{path} is not a PDF"
    assert b"%%EOF" in data[-64:], f"{path} is truncated"


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def quickstart(store_root: Path, tmp_path_factory):
    """The checkout's quickstart recipe rendered from the small experiment (whose analysis is
    missing, so rendering computes it), with the store's runs fingerprinted before and after."""
    runs = store_root / EXPERIMENT / "runs"
    shutil.rmtree(store_root / EXPERIMENT / "analysis", ignore_errors=True)
    before = digest_tree(runs)
    out = tmp_path_factory.mktemp("qs-figures")
    report = render_recipe(
        RECIPE_DIR / "quickstart.yaml", experiment=EXPERIMENT, results_dir=store_root, out_dir=out
    )
    return report, before, digest_tree(runs)


def test_every_checkout_recipe_is_valid():
    paths = sorted(RECIPE_DIR.glob("*.yaml"))
    assert {p.stem for p in paths} >= {"quickstart", "surrogates"}
    for path in paths:
        recipe = load_recipe(path)
        assert recipe.name == path.stem
        assert set(recipe.formats) >= {"pdf", "png"}


def test_quickstart_recipe_renders_every_figure(quickstart, store_root: Path):
    report, _, _ = quickstart
    recipe = report.recipe
    names = {f.name for f in report.figures}
    assert names == {
        "anytime_hv_normalized",
        "anytime_igd_plus",
        "final_hv_normalized",
        f"fronts-{TWO_OBJ}",
        f"fronts-{THREE_OBJ}",
        f"eaf_diff-{TWO_OBJ}",
        "cd_hv_normalized",
        "generalization",
        "transfer",
    }
    assert not report.missing
    # The analysis did not exist: it was computed from the stored runs and saved.
    assert report.analysis.startswith("recomputed from the stored runs")
    assert (
        load_analysis(EXPERIMENT, store_root).info["n_runs"] == len(PROBLEMS) * len(LABELS) * SEEDS
    )
    for fig in report.figures:
        assert [p.suffix for p in fig.paths] == [".pdf", ".png"]
        assert_pdf(fig.paths[0])
        width, height = png_size(fig.paths[1])
        assert width == round(SINGLE_COLUMN_IN * recipe.dpi)
        # The PNG shows the figure object that was returned, at the recipe's resolution.
        _, fh = fig.figure.get_size_inches()
        assert height == round(fh * recipe.dpi)
        assert mpimg.imread(fig.paths[1]).shape[:2] == (height, width)


def test_quickstart_panels(quickstart):
    report, _, _ = quickstart
    panels = {f.name: f.panels for f in report.figures}
    for f in report.figures:
        assert f.panels == len(data_axes(f.figure))
    assert panels["anytime_hv_normalized"] == len(PROBLEMS)
    assert panels["final_hv_normalized"] == len(PROBLEMS)
    assert panels["generalization"] == len(PROBLEMS)
    # Both problems have transfer targets (the other NAS-Bench-Graph datasets).
    assert panels["transfer"] == len(PROBLEMS)
    assert panels[f"fronts-{TWO_OBJ}"] == 1
    assert panels[f"fronts-{THREE_OBJ}"] == 3  # one panel per pair of 3 objectives
    assert panels[f"eaf_diff-{TWO_OBJ}"] == 2
    assert panels["cd_hv_normalized"] == 1
    eaf = next(f for f in report.figures if f.name.startswith("eaf_diff"))
    assert len(eaf.figure.axes) == 3  # two panels and the colour bar
    assert THREE_OBJ in eaf.note  # the 3-objective problem is named as left out


def test_quickstart_legends_stay_outside_the_panels(quickstart):
    report, _, _ = quickstart
    for f in report.figures:
        f.figure.canvas.draw()
        for legend in f.figure.legends:
            box = legend.get_window_extent()
            for ax in data_axes(f.figure):
                assert not box.overlaps(ax.get_window_extent()), f"{f.name}: legend over data"


def test_rendering_reads_the_store_and_reruns_nothing(quickstart):
    _, before, after = quickstart
    assert before == after


def test_tables_and_index_beside_the_figures(quickstart, store_root: Path):
    report, _, _ = quickstart
    analysis = load_analysis(EXPERIMENT, store_root)
    names = sorted(p.name for p in report.tables)
    assert names == sorted(analysis.info["latex_tables"])
    assert {"table_hv_normalized.tex", "table_igd_plus.tex"} <= set(names)
    for path in report.tables:
        assert path.parent == report.directory
        assert path.read_text() == (analysis.directory / path.name).read_text()
    index = json.loads((report.directory / "figures.json").read_text())
    assert index["experiment"] == EXPERIMENT
    assert index["analysis"]["runs_fingerprint"] == analysis.info["runs_fingerprint"]
    assert set(index["files"]) == {p.name for p in report.paths}
    assert all((report.directory / name).is_file() for name in index["files"])


def test_fronts_show_the_median_attainment_surface_and_exact_front(quickstart, store_root: Path):
    report, _, _ = quickstart
    fig = next(f for f in report.figures if f.name == f"fronts-{TWO_OBJ}").figure
    (ax,) = data_axes(fig)
    problem = get_problem(TWO_OBJ)
    front = problem.true_front("report")
    # Every drawn curve ends at the reference point (shown in % and ms).
    xmax = problem.reference_point[0] * 100.0
    staircases = [ln for ln in ax.get_lines() if ln.get_drawstyle() == "steps-post"]
    assert len(staircases) == 1 + len(LABELS)
    for line in staircases:
        assert line.get_xdata()[-1] == pytest.approx(xmax)
    # The grey staircase walks through the exact front's points.
    grey = staircases[0]
    np.testing.assert_allclose(grey.get_xdata()[1:-1], np.sort(front[:, 0]) * 100.0)
    # No variant's median surface beats the exact front: each corner is weakly dominated.
    source = ExperimentSource(EXPERIMENT, root=store_root)
    for label, runs in source.run_sets(TWO_OBJ).items():
        assert len(runs) == SEEDS
        for run in runs:
            dominated = (front[None, :, :] <= run.points[:, None, :]).all(axis=2).any(axis=1)
            assert dominated.all(), label


def test_returned_sets_match_the_analysis(store_root: Path):
    source = ExperimentSource(EXPERIMENT, root=store_root)
    final = source.analysis.final
    for problem in PROBLEMS:
        for label, runs in source.run_sets(problem).items():
            for run in runs:
                row = final[final["run_id"] == run.run_id].iloc[0]
                assert row["label"] == label and row["seed"] == run.seed
                assert len(run.points) == row["n_returned"]


def test_pdfs_are_reproducible(quickstart, store_root: Path, tmp_path: Path):
    report, _, _ = quickstart
    recipe = parse_recipe(
        {
            "experiment": EXPERIMENT,
            "figures": [{"kind": "anytime"}, {"kind": "critical_difference"}],
        },
        default_name="again",
    )
    again = render_recipe(recipe, results_dir=store_root, out_dir=tmp_path)
    for name in ("anytime_hv_normalized", "cd_hv_normalized"):
        first = next(f for f in report.figures if f.name == name).paths[0]
        second = next(f for f in again.figures if f.name == name).paths[0]
        assert first.read_bytes() == second.read_bytes()


def test_one_problem_critical_difference_draws_ranks_with_a_note(store_root: Path, tmp_path):
    recipe = parse_recipe(
        {
            "experiment": EXPERIMENT,
            "problems": [TWO_OBJ],
            "figures": [{"kind": "critical_difference"}],
        },
        default_name="one",
    )
    report = render_recipe(recipe, results_dir=store_root, out_dir=tmp_path)
    (fig,) = report.figures
    assert "One problem" in fig.note and "no critical difference" in fig.note
    texts = [t.get_text() for t in data_axes(fig.figure)[0].texts]
    assert not any(t.startswith("CD =") for t in texts)
    # The ranks drawn are those of the median HV over seeds on that problem.
    final = load_analysis(EXPERIMENT, store_root).final
    med = final[final["problem"] == TWO_OBJ].groupby("label")["hv_normalized"].median()
    ranks = (-med).rank()
    for label, rank in ranks.items():
        assert any(t.endswith(f"({rank:.2f})") for t in texts), (label, texts)


def test_critical_difference_across_problems_uses_the_analysis_ranking(quickstart, store_root):
    report, _, _ = quickstart
    fig = next(f for f in report.figures if f.name == "cd_hv_normalized").figure
    texts = [t.get_text() for t in data_axes(fig)[0].texts]
    entry = load_analysis(EXPERIMENT, store_root).ranking["metrics"]["hv_normalized"]
    assert entry["available"]
    assert f"CD = {entry['critical_difference']:.2f}" in texts
    for rank in entry["average_ranks"].values():
        assert any(t.endswith(f"({rank:.2f})") for t in texts)


def test_stale_or_other_baseline_analysis_is_recomputed(store_copy: Path, tmp_path):
    shutil.rmtree(store_copy / EXPERIMENT / "analysis", ignore_errors=True)
    recipe = {"experiment": EXPERIMENT, "figures": [{"kind": "final_distribution"}]}
    first = render_recipe(
        parse_recipe(recipe, default_name="a"), results_dir=store_copy, out_dir=tmp_path / "a"
    )
    assert first.analysis.startswith("recomputed")
    second = render_recipe(
        parse_recipe(recipe, default_name="a"), results_dir=store_copy, out_dir=tmp_path / "a"
    )
    assert second.analysis.startswith("loaded")
    third = render_recipe(
        parse_recipe({**recipe, "baseline": "nsga2"}, default_name="a"),
        results_dir=store_copy,
        out_dir=tmp_path / "a",
    )
    assert "baseline" in third.analysis
    assert load_analysis(EXPERIMENT, store_copy).baseline == "nsga2"
    # A run whose history changed makes the saved analysis stale.
    manifest = next((store_copy / EXPERIMENT / "runs").glob("*.json"))
    data = json.loads(manifest.read_text())
    history = manifest.with_suffix(".parquet")
    frame = pd.read_parquet(history).iloc[:-1]
    frame.to_parquet(history, index=False)
    data["history"]["sha256"] = hashlib.sha256(history.read_bytes()).hexdigest()
    data["history"]["rows"] = len(frame)
    manifest.write_text(json.dumps(data))
    fourth = render_recipe(
        parse_recipe(recipe, default_name="a"), results_dir=store_copy, out_dir=tmp_path / "a"
    )
    assert fourth.analysis.startswith("recomputed")


def test_files_of_a_dropped_figure_are_removed(store_root: Path, tmp_path: Path):
    both = {
        "experiment": EXPERIMENT,
        "figures": [{"kind": "generalization"}, {"kind": "anytime", "name": "extra"}],
    }
    render_recipe(parse_recipe(both, default_name="r"), results_dir=store_root, out_dir=tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    assert (tmp_path / "extra.pdf").is_file()
    one = {**both, "figures": both["figures"][:1], "tables": False}
    render_recipe(parse_recipe(one, default_name="r"), results_dir=store_root, out_dir=tmp_path)
    assert not (tmp_path / "extra.pdf").exists() and not (tmp_path / "extra.png").exists()
    assert not (tmp_path / "table_hv_normalized.tex").exists()
    assert (tmp_path / "generalization.pdf").is_file()
    assert (tmp_path / "notes.txt").read_text() == "mine"  # files it did not write stay


def test_unknown_names_in_a_recipe_are_clear_errors(store_root: Path, tmp_path: Path):
    bad_alg = {"experiment": EXPERIMENT, "figures": [{"kind": "anytime", "algorithms": ["qnehvi"]}]}
    with pytest.raises(FigureError, match=r"figures\[0\] \(anytime\)\.algorithms.*qnehvi.*valid"):
        render_recipe(
            parse_recipe(bad_alg, default_name="x"), results_dir=store_root, out_dir=tmp_path
        )
    bad_problem = {
        "experiment": EXPERIMENT,
        "problems": ["nb201-cifar10-err-params-flops"],
        "figures": [{"kind": "generalization"}],
    }
    with pytest.raises(FigureError, match=r"field problems: .*nb201-cifar10-err-params-flops"):
        render_recipe(
            parse_recipe(bad_problem, default_name="x"), results_dir=store_root, out_dir=tmp_path
        )
    attainment_3d = {
        "experiment": EXPERIMENT,
        "problems": [THREE_OBJ],
        "figures": [{"kind": "fronts", "show": "attainment"}],
    }
    with pytest.raises(FigureError, match=r"figures\[0\] \(fronts\)\.show.*3"):
        render_recipe(
            parse_recipe(attainment_3d, default_name="x"), results_dir=store_root, out_dir=tmp_path
        )


def test_eaf_pair_and_seed_fronts(store_root: Path, tmp_path: Path):
    recipe = {
        "experiment": EXPERIMENT,
        "algorithms": ["random", "nsga2"],
        "figures": [
            {"kind": "eaf_difference", "pair": ["nsga2", "random"]},
            {"kind": "fronts", "show": "seed", "seed": 1, "problems": [TWO_OBJ]},
        ],
    }
    report = render_recipe(
        parse_recipe(recipe, default_name="p"), results_dir=store_root, out_dir=tmp_path
    )
    eaf = next(f for f in report.figures if f.kind == "eaf_difference").figure
    assert [ax.get_title() for ax in data_axes(eaf)] == ["NSGA-II better", "Random better"]
    fronts = next(f for f in report.figures if f.kind == "fronts").figure
    (ax,) = data_axes(fronts)
    source = ExperimentSource(EXPERIMENT, root=store_root)
    run = source.seed_run(TWO_OBJ, "nsga2", 1)
    # Scatter offsets of NSGA-II: its seed-1 returned set in % and ms.
    shown = [c.get_offsets() for c in ax.collections]
    scale = np.array([100.0, 1000.0])
    assert any(
        len(s) == len(run.points)
        and np.allclose(np.sort(s, axis=0), np.sort(run.points * scale, axis=0))
        for s in shown
    )


def test_surrogate_recipe_renders_from_saved_tables(tmp_path: Path, monkeypatch):
    """The checkout's surrogate recipe, from small tables and surrogates of its documented
    layout written where it looks for them."""
    from lab.benchmarks.store import load_table
    from lab.surrogates.evaluation import Task, learning_curve_table, run_study
    from lab.surrogates.fitting import fit_surrogate
    from lab.surrogates.importance import operation_effects, position_importance

    recipe = load_recipe(RECIPE_DIR / "surrogates.yaml")
    assert not set(f.kind for f in recipe.figures) & EXPERIMENT_KINDS
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LAB_SURROGATES_DIR", str(tmp_path / "surrogates"))
    table = load_table("nasbench-graph")
    parity = next(f for f in recipe.figures if f.kind == "parity")
    targets = ["val_acc_cora", "latency_cora"]
    for name, predictor in zip(parity.surrogates, ("xgboost", "random_forest"), strict=False):
        params = {"n_estimators": 20} if predictor != "knn" else {}
        fit_surrogate(
            name,
            benchmark=table.name,
            targets=targets,
            predictor=predictor,
            params=params,
            n_train=150,
            seed=0,
        )
    curve = next(f for f in recipe.figures if f.kind == "learning_curve")
    study = run_study(
        table, [Task("latency_cora")], ["linear", "knn"], sizes=[20, 60], seeds=[0, 1]
    )
    Path(curve.table).parent.mkdir(parents=True, exist_ok=True)
    study.to_csv(curve.table, index=False)
    from lab.surrogates.artifact import load_surrogate

    saved = load_surrogate(parity.surrogates[0])
    genomes = table.genomes[:60]
    rng = np.random.default_rng(0)
    imp = next(f for f in recipe.figures if f.kind == "importance")
    position_importance(saved.surrogate, genomes, rng, n_repeats=2).to_csv(imp.table, index=False)
    eff = next(f for f in recipe.figures if f.kind == "operation_effects")
    operation_effects(saved.surrogate, genomes).to_csv(eff.table, index=False)

    report = render_recipe(recipe, out_dir=tmp_path / "out")
    assert not report.missing and not report.tables and report.analysis is None
    panels = {f.kind: f.panels for f in report.figures}
    assert panels == {
        "learning_curve": 1,
        "parity": 2 * len(targets),
        "importance": 2,
        "operation_effects": 2,
    }
    for f in report.figures:
        assert_pdf(f.paths[0])
        assert png_size(f.paths[1])[0] == round(SINGLE_COLUMN_IN * recipe.dpi)
    # The learning-curve figure shows the study's mean over seeds.
    lc = next(f for f in report.figures if f.kind == "learning_curve").figure
    means = learning_curve_table(study).set_index("predictor")
    lines = {ln.get_color(): ln for ln in data_axes(lc)[0].get_lines()}
    assert len(lines) == 2
    for line in lines.values():
        y = line.get_ydata()
        assert any(
            np.allclose(y, means.loc[p, ["20", "60"]].to_numpy(dtype=float)) for p in means.index
        )
    assert math.isfinite(float(means["60"].iloc[0]))


def test_missing_surrogate_table_is_reported_not_fatal(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("s.yaml").write_text("figures: [{kind: importance, table: nowhere.csv}]\n")
    report = render_recipe("s.yaml", out_dir=tmp_path / "out")
    assert not report.figures
    ((name, why),) = report.missing
    assert name == "importance" and "s.yaml" in why and "figures[0] (importance).table" in why


def test_recipe_file_errors_name_the_file(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("experiment: x\nfigures:\n  - kind: anytime\n    metrc: hv\n")
    with pytest.raises(ConfigError, match=r"(?s)bad\.yaml.*figures\[0\] \(anytime\)\.metrc"):
        render_recipe(path)


def test_recipe_picks_and_orders_algorithms_and_titles_panels_by_description(
    store_root: Path, tmp_path: Path
):
    """``algorithms`` selects the variants and their order (boxes and legends follow it); the
    panels are titled from the problems' descriptions unless ``problem_names`` says otherwise."""
    from lab.figures.units import description_title
    from lab.problems import problem_specs

    recipe = {
        "experiment": EXPERIMENT,
        "problem_names": {PROBLEMS[1]: "Cora, three objectives"},
        "figures": [
            {"kind": "final_distribution", "algorithms": ["moead", "random"]},
            {"kind": "anytime", "algorithms": ["nsga2", "moead"], "highlight": "all"},
        ],
    }
    report = render_recipe(
        parse_recipe(recipe, default_name="order"), results_dir=store_root, out_dir=tmp_path
    )
    boxes = next(f for f in report.figures if f.kind == "final_distribution").figure
    axes = data_axes(boxes)
    assert [t.get_text() for t in axes[0].get_xticklabels()] == ["MOEA/D", "Random"]
    described = description_title(problem_specs()[PROBLEMS[0]].description)
    assert axes[0].get_title().replace("\n", " ") == described
    assert axes[1].get_title().replace("\n", " ") == "Cora, three objectives"
    anytime = next(f for f in report.figures if f.kind == "anytime").figure
    legend = [t.get_text() for t in anytime.legends[0].get_texts()]
    assert legend[:2] == ["NSGA-II", "MOEA/D"]
