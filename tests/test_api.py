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
