"""Layered spec locations: built-ins ship inside the package; ./benchmarks/ and
$LAB_BENCHMARKS_DIR add to them; clashes name both files; unfrozen problems are refused with
the command that freezes them; frozen points land beside the spec that declares the problem."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab.benchmarks import locations
from lab.errors import ConfigError, DuplicateNameError
from lab.problems.registry import freeze, get_problem, problem_origin, problem_specs

USER_PROBLEM = """
benchmark: "{graph}"
problems:
  - name: "my-{dataset}-err-params"
    for_each: {dataset: [cora], graph: [nasbench-graph]}
    objectives:
      - {name: error, search: "val_acc_{dataset}", report: "test_acc_{dataset}"}
      - {name: params, search: "params_{dataset}"}
"""


def test_builtin_specs_ship_inside_the_package() -> None:
    folder = locations.builtin_specs_dir()
    assert (Path(locations.__file__).parents[1] / "_builtin_benchmarks").exists()
    assert (folder / "frozen.yaml").is_file() and (folder / "nasbench_graph.yaml").is_file()
    assert problem_origin("nbg-cora-err-lat").layer.kind == "builtin"


def test_working_folder_specs_add_to_the_builtins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_BENCHMARKS_DIR", raising=False)
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "mine.yaml").write_text(USER_PROBLEM)
    specs = problem_specs()
    assert "my-cora-err-params" in specs and "nbg-cora-err-lat" in specs
    assert specs["my-cora-err-params"].benchmark == "nasbench-graph"  # placeholder filled
    with pytest.raises(
        ConfigError, match=r"no frozen normalization.*`lab bench freeze my-cora-err-params`"
    ):
        get_problem("my-cora-err-params")
    builtin_before = (locations.builtin_specs_dir() / "frozen.yaml").read_bytes()
    # Without names: the user's problems only (the built-ins are not rewritten from here).
    (written,) = freeze()
    assert written == tmp_path / "benchmarks" / "frozen.yaml"
    assert (locations.builtin_specs_dir() / "frozen.yaml").read_bytes() == builtin_before
    assert get_problem("my-cora-err-params").n_obj == 2
    builtin_frozen = (locations.builtin_specs_dir() / "frozen.yaml").read_text()
    assert "my-cora-err-params" not in builtin_frozen


def test_env_folder_clash_names_both_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "env").mkdir()
    monkeypatch.setenv("LAB_BENCHMARKS_DIR", str(tmp_path / "env"))
    clash = USER_PROBLEM.replace('"my-{dataset}-err-params"', '"nbg-{dataset}-err-lat"')
    (tmp_path / "env" / "clash.yaml").write_text(clash)
    with pytest.raises(DuplicateNameError) as info:
        problem_specs()
    message = str(info.value)
    assert "nbg-cora-err-lat" in message and "nasbench_graph.yaml" in message
    assert str(tmp_path / "env" / "clash.yaml") in message


def test_an_installed_builtin_layer_is_never_written(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(locations, "builtin_specs_editable", lambda: False)
    with pytest.raises(ConfigError, match="built into the installed package"):
        freeze(["nbg-cora-err-lat"])


def test_fresh_clone_lists_builtin_problems_without_any_file(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "LAB_DATA_DIR": str(tmp_path / "tables"),
        "LAB_RAW_DATA_DIR": str(tmp_path / "no-raw-files"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        "COLUMNS": "200",
    }
    env.pop("LAB_BENCHMARKS_DIR", None)
    out = subprocess.run(
        [sys.executable, "-c", "from lab.cli.main import run; run()", "bench", "list"],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    for name in ("anb-err-analog-drift", "anb-err-params-drop", "nbg-cora-err-lat"):
        assert name in out.stdout
    assert "not listed (table not here): `lab bench fetch nasbench201-12ep`" in out.stdout


def test_surrogates_folder_is_the_working_folders(tmp_path: Path, monkeypatch) -> None:
    from lab.surrogates.artifact import surrogates_dir

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_SURROGATES_DIR", raising=False)
    assert surrogates_dir() == tmp_path / "surrogates"


def test_problem_over_a_missing_benchmark_says_so(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "benchmarks").mkdir()
    spec = USER_PROBLEM.replace("graph: [nasbench-graph]", "graph: [no-such-table]")
    (tmp_path / "benchmarks" / "mine.yaml").write_text(spec)
    (tmp_path / "benchmarks" / "frozen.yaml").write_text("my-cora-err-params: {}\n")
    with pytest.raises(ConfigError, match=r"over benchmark 'no-such-table'.*not available here"):
        get_problem("my-cora-err-params")


# --------------------------------------------------------------------- the same spec found twice
def _copy_builtin(tmp_path: Path, name: str = "analognas.yaml", edit=None) -> Path:
    folder = tmp_path / "benchmarks"
    folder.mkdir(exist_ok=True)
    text = (locations.builtin_specs_dir() / name).read_text()
    (folder / name).write_text(edit(text) if edit else text)
    return folder / name


def test_a_builtin_spec_found_again_in_the_working_folder_is_one_problem(
    tmp_path: Path, monkeypatch
) -> None:
    """A checkout's (or a copy's) ./benchmarks/ beside the installed built-ins: same content,
    or the same problems worded differently, is no clash; the built-in keeps its frozen points."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_BENCHMARKS_DIR", raising=False)
    _copy_builtin(tmp_path)
    _copy_builtin(tmp_path, "nasbench_graph.yaml", edit=lambda t: "# a comment\n" + t)
    specs = problem_specs()
    for name in ("anb-err-analog-drift", "nbg-cora-err-lat"):
        assert problem_origin(name).layer.kind == "builtin"
        assert name in specs
    assert get_problem("anb-err-analog-drift").n_obj == 2


def test_a_different_spec_under_a_builtin_name_says_how_to_override(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_BENCHMARKS_DIR", raising=False)
    path = _copy_builtin(tmp_path, edit=lambda t: t.replace("threshold: 6.6", "threshold: 7"))
    with pytest.raises(DuplicateNameError) as info:
        problem_specs()
    message = str(info.value)
    assert "anb-err-analog-drift" in message and str(path) in message
    assert "overrides_builtin: true" in message


def test_overrides_builtin_replaces_the_builtin_on_purpose(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_BENCHMARKS_DIR", raising=False)
    path = _copy_builtin(
        tmp_path,
        edit=lambda t: "overrides_builtin: true\n" + t.replace("threshold: 6.6", "threshold: 7"),
    )
    builtin_before = (locations.builtin_specs_dir() / "frozen.yaml").read_bytes()
    origin = problem_origin("anb-err-analog-drift")
    assert origin.file == str(path) and origin.layer.kind == "working"
    # The unchanged problem of the same file is still the built-in one.
    assert problem_origin("anb-err-params-drop").layer.kind == "builtin"
    (written,) = freeze(["anb-err-analog-drift"])
    assert written == tmp_path / "benchmarks" / "frozen.yaml"
    assert get_problem("anb-err-analog-drift").reference_point[0] == 7
    assert (locations.builtin_specs_dir() / "frozen.yaml").read_bytes() == builtin_before


def test_overrides_builtin_must_be_a_boolean(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_BENCHMARKS_DIR", raising=False)
    _copy_builtin(tmp_path, edit=lambda t: "overrides_builtin: yes please\n" + t)
    with pytest.raises(ConfigError, match=r"(?s)analognas\.yaml.*overrides_builtin.*true or false"):
        problem_specs()


def test_editable_builtins_are_written_only_from_the_checkout(tmp_path: Path, monkeypatch) -> None:
    """With the built-ins a checkout's benchmarks/ (an editable install), freeze and audit of a
    built-in problem from another folder refuse before writing anything."""
    from lab.problems.registry import auditable_names, check_audit_writable, write_audit

    monkeypatch.delenv("LAB_BENCHMARKS_DIR", raising=False)
    monkeypatch.setattr(locations, "builtin_specs_editable", lambda: True)
    frozen = locations.builtin_specs_dir() / "frozen.yaml"
    audit = locations.builtin_specs_dir() / "audit.yaml"
    before = (frozen.read_bytes(), audit.read_bytes() if audit.is_file() else None)
    empty, copy = tmp_path / "empty", tmp_path / "copy"
    empty.mkdir()
    copy.mkdir()
    _copy_builtin(copy, "nasbench_graph.yaml")  # a copy of the checkout's specs: one problem
    for cwd in (empty, copy):
        monkeypatch.chdir(cwd)
        assert not locations.running_in_checkout()
        with pytest.raises(ConfigError, match="rewritten only from that checkout"):
            freeze(["nbg-cora-err-lat"])
        with pytest.raises(ConfigError, match="rewritten only from that checkout"):
            check_audit_writable(["nbg-cora-err-lat"])
        with pytest.raises(ConfigError, match="rewritten only from that checkout"):
            write_audit({"nbg-cora-err-lat": {"verdict": "x"}})
        assert "nbg-cora-err-lat" not in auditable_names()
        assert freeze() == []  # the default freezes the user's own problems only
    assert (frozen.read_bytes(), audit.read_bytes() if audit.is_file() else None) == before
    monkeypatch.chdir(locations.builtin_specs_dir().parent)
    assert locations.running_in_checkout()
    assert problem_origin("nbg-cora-err-lat").layer.writable
