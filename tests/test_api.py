"""The Python API (``import lab``): cheap to import, the same numbers as the parts it joins."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import lab
from lab.errors import ConfigError
from lab.scoring import score_run


def test_import_lab_is_cheap_and_lists_the_entry_points():
    code = (
        "import sys, lab; "
        "print(sorted(m for m in ('numpy', 'pandas', 'torch', 'lab.api') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert {"load_problem", "make_algorithm", "run", "run_sweep", "load_experiment", "analyze",
            "draw", "RunResult"} <= set(lab.__all__)  # fmt: skip
    with pytest.raises(AttributeError):
        lab.no_such_entry_point  # noqa: B018


def test_run_by_name_equals_a_made_algorithm_and_the_scoring_core():
    problem = lab.load_problem("nbg-cora-err-lat")
    a = lab.run("nbg-cora-err-lat", "nsga2", budget=50, seed=4, n_init=10)
    b = lab.run(problem, lab.make_algorithm("nsga2", problem, budget=50, seed=4, n_init=10))
    assert a.scores.as_dict() == b.scores.as_dict()
    h = a.history
    assert a.scores.as_dict() == score_run(problem, h.F, h.F_report, h.feasible).as_dict()
    assert len(h) == 50
    np.testing.assert_array_equal(a.returned["row"], h.rows[a.scores.returned])
    frame = a.to_frame()
    assert frame["returned"].sum() == a.scores.n_returned


def test_run_refuses_ambiguous_settings():
    problem = lab.load_problem("nbg-cora-err-lat")
    with pytest.raises(ConfigError, match="budget"):
        lab.run(problem, "random")
    algo = lab.make_algorithm("random", problem, budget=20)
    with pytest.raises(ConfigError, match="already made"):
        lab.run(problem, algo, budget=30)
    with pytest.raises(ConfigError, match="no hyperparameter"):
        lab.make_algorithm("random", problem, budget=20, population=4)


def test_histories_name_their_objectives_and_keep_the_short_columns():
    result = lab.run("nbg-cora-err-lat", "random", budget=15, seed=2)
    frame = result.to_frame()
    h = result.history
    for j, name in enumerate(result.problem.objective_names):  # error, latency
        np.testing.assert_array_equal(frame[f"{name}_search"], h.F[:, j])
        np.testing.assert_array_equal(frame[f"{name}_report"], h.F_report[:, j])
        np.testing.assert_array_equal(frame[f"f{j}"], h.F[:, j])
    assert {"error_search", "latency_report"} <= set(result.returned.columns)
    # The stored layout (no names given) is unchanged.
    assert not any(c.endswith("_search") for c in h.to_frame().columns)
    with pytest.raises(ValueError, match="objective_names has 1 names"):
        h.to_frame(["error"])


def test_draw_returns_figures_at_the_paper_resolution(tmp_path, monkeypatch):
    """``lab.draw(...)[0].savefig(path)`` writes the recipe's 300 dpi, not matplotlib's 100."""
    import matplotlib.image as mpimg
    import yaml

    monkeypatch.chdir(tmp_path)
    sweep = {"name": "api-dpi", "problems": ["nbg-cora-err-lat"], "algorithms": ["random"],
             "seeds": 2, "budget": 12, "n_init": 6}  # fmt: skip
    (tmp_path / "api-dpi.yaml").write_text(yaml.safe_dump(sweep))
    lab.run_sweep(tmp_path / "api-dpi.yaml", workers=1, results_dir=tmp_path / "results")
    (fig,) = lab.draw("anytime", "api-dpi", results_dir=tmp_path / "results")
    fig.savefig(tmp_path / "a.png")
    _, width = mpimg.imread(tmp_path / "a.png").shape[:2]
    assert fig.dpi == 300
    assert width == round(fig.get_figwidth() * 300) and width >= 900
