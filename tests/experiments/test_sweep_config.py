"""Sweep configs: valid files load, invalid ones fail with the file, the field and the fix."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import pytest
import yaml

from lab.errors import ConfigError
from lab.experiments import load_config
from lab.problems.registry import frozen_values, problem_names
from tests.experiments._sweeps import PROBLEM, SWEEP, write_config


def _error(tmp_path: Path, **changes) -> str:
    path = write_config(tmp_path, **changes)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message, message
    return message


def test_valid_config_resolves_fields(tmp_path):
    config = load_config(write_config(tmp_path, name=None, master_seed=7, init="lhs"))
    assert config.name == "sweep"  # the file stem
    assert config.problems == (PROBLEM,)
    assert config.seeds == (0, 1, 2)
    assert [a.name for a in config.algorithms] == ["slow_random", "random"]
    assert config.algorithms[1].batch_size == 3
    assert (config.budget, config.batch_size, config.n_init, config.init) == (20, 1, 5, "lhs")
    assert config.master_seed == 7 and config.threads_per_run == 1
    assert len(config.source_sha256) == 64


def test_seed_list_and_problem_glob(tmp_path):
    config = load_config(write_config(tmp_path, seeds=[4, 2], problems=["nbg-cora-*"]))
    assert config.seeds == (4, 2)
    expected = [p for p in problem_names(available_only=True) if p.startswith("nbg-cora-")]
    assert list(config.problems) == expected and len(expected) >= 2


def test_quickstart_config_is_valid():
    path = Path(__file__).resolve().parents[2] / "experiments" / "quickstart.yaml"
    raw = yaml.safe_load(path.read_text())
    names = [a if isinstance(a, str) else a["name"] for a in raw["algorithms"]]
    assert {"random", "nsga2", "moead", "smsemoa", "qnehvi", "qparego"} <= set(names)
    from lab.algorithms.registry import algorithm_names

    if set(names) <= set(algorithm_names()):
        config = load_config(path)
        assert config.name == "quickstart"
        # The demo compares algorithms on problems whose audit says results can differ.
        from lab.problems.registry import audit_values

        audits = audit_values()
        assert {audits[p]["verdict"] for p in config.problems} == {"discriminative"}


def test_unknown_top_level_field_lists_valid_fields(tmp_path):
    message = _error(tmp_path, budgt=10)
    assert "field budgt" in message and "unknown field" in message
    assert "budget" in message and "n_init" in message and "seeds" in message


def test_missing_required_field(tmp_path):
    message = _error(tmp_path, budget=None)
    assert "field budget" in message and "required" in message.lower()


def test_unknown_algorithm_lists_registered_names(tmp_path):
    message = _error(tmp_path, algorithms=["random", {"name": "nsga9"}])
    assert "field algorithms[1] (nsga9).name" in message
    assert "unknown algorithm 'nsga9'" in message and "random" in message


def test_unknown_hyperparameter_lists_valid_ones(tmp_path):
    message = _error(tmp_path, algorithms=[{"name": "failing", "params": {"mesage": "x"}}])
    assert "algorithms[0] (failing)" in message
    assert "['mesage']" in message and "message='planned failure'" in message
    message = _error(tmp_path, algorithms=[{"name": "random", "grid": {"pop_size": [1, 2]}}])
    assert "no hyperparameter(s) ['pop_size']; valid: (none)" in message


def test_unknown_algorithm_entry_field(tmp_path):
    message = _error(tmp_path, algorithms=[{"name": "random", "param": {}}])
    assert "algorithms[0] (random).param" in message
    assert "valid fields: name, label, params, grid, batch_size" in message


def test_problem_pattern_matching_nothing(tmp_path):
    message = _error(tmp_path, problems=["nbg-korra-*"])
    assert "field problems" in message and "'nbg-korra-*' matches no available problem" in message
    assert PROBLEM in message  # the valid names are listed


def test_invalid_init_names_valid_values(tmp_path):
    message = _error(tmp_path, init="sobol")
    assert "field init" in message and "'random'" in message and "'lhs'" in message


@pytest.mark.parametrize("seeds", [0, -2, [], [1, 1], [0, -1], "three", True])
def test_invalid_seeds(tmp_path, seeds):
    message = _error(tmp_path, seeds=seeds)
    assert "field seeds" in message


def test_sizes_are_checked(tmp_path):
    assert "n_init (30) exceeds budget (20)" in _error(tmp_path, n_init=30)
    assert "field budget" in _error(tmp_path, budget=0)
    rows = frozen_values()[PROBLEM]["table_rows"]
    assert f"exceeds the {rows} architectures" in _error(tmp_path, budget=rows + 1)
    assert "field batch_size" in _error(tmp_path, batch_size=0)


def test_duplicate_labels_are_refused(tmp_path):
    message = _error(tmp_path, algorithms=["random", "random"])
    assert "algorithms[0] and algorithms[1] both produce the label 'random'" in message


def test_grid_errors(tmp_path):
    message = _error(tmp_path, algorithms=[{"name": "failing", "grid": {"message": []}}])
    assert "grid 'message' has no values" in message
    message = _error(
        tmp_path,
        algorithms=[{"name": "failing", "params": {"message": "a"}, "grid": {"message": ["b"]}}],
    )
    assert "appear in both params and grid" in message


def test_bad_experiment_name_and_import(tmp_path):
    assert "not a valid experiment name" in _error(tmp_path, name="../escape")
    refused = _error(tmp_path, imports=["no_such_module_xyz"])
    assert "not imported" in refused and "--allow-imports" in refused
    with pytest.raises(ConfigError, match="cannot import 'no_such_module_xyz'"):
        load_config(write_config(tmp_path, imports=["no_such_module_xyz"]), allow_imports=True)


def test_yaml_and_file_errors(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("problems: [unclosed\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(bad)
    with pytest.raises(ConfigError, match="cannot read the sweep config"):
        load_config(tmp_path / "missing.yaml")
    scalar = tmp_path / "scalar.yaml"
    scalar.write_text("42\n")
    with pytest.raises(ConfigError, match="must be a YAML mapping"):
        load_config(scalar)


def test_reference_sweep_constant_is_consistent():
    assert SWEEP["seeds"] == 3 and len(SWEEP["algorithms"]) == 2


def test_default_experiments_use_only_discriminative_problems():
    """The quickstart and the paper experiment compare algorithms only on problems whose audit
    (`lab bench audit`) says results on them can differ."""
    from lab.problems.registry import audit_values

    audits = audit_values()
    root = Path(__file__).resolve().parents[2] / "experiments"
    for name in ("quickstart.yaml", "paper.yaml"):
        path = root / name
        if not path.is_file():
            continue
        problems = yaml.safe_load(path.read_text())["problems"]
        # Glob patterns expand against the declared problems (as `load_config` does).
        names = [n for p in problems for n in audits if fnmatch.fnmatchcase(n, p)]
        assert names, f"{name}: no audited problem matches {problems}"
        verdicts = {n: audits[n]["verdict"] for n in names}
        assert set(verdicts.values()) == {"discriminative"}, f"{name}: {verdicts}"


def test_hyperparameter_types_and_ranges_name_entry_and_field(tmp_path):
    message = _error(
        tmp_path,
        algorithms=[
            "random",
            {"name": "nsga2", "params": {"pop_size": "abc"}},
            {"name": "moead", "params": {"pop_size": -3}, "grid": {"crossover_prob": [0.5, 7.5]}},
        ],
    )
    lines = message.splitlines()
    assert lines[0].endswith("invalid sweep config")
    assert "  field algorithms[1] (nsga2).params.pop_size: give a whole number, got 'abc'" in lines
    assert (
        "  field algorithms[2] (moead).params.pop_size: Input should be greater than or equal "
        "to 2 (got -3)"
    ) in lines
    assert (
        "  field algorithms[2] (moead).grid.crossover_prob[1]: Input should be less than or "
        "equal to 1 (got 7.5)"
    ) in lines
    assert len(lines) == 4  # each error once, although the bad pop_size is in both variants
