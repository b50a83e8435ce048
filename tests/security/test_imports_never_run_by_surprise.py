"""Attack: modules named under ``imports:`` are code.

``lab report E`` imported the modules that a sweep copy stored in the results store named
(``imports: [this, evilmod]`` with ``evilmod.py`` in the working folder ran it), also through
:func:`lab.figures.report.write_report`; ``lab run --dry-run`` imported a config's modules.
Imports now run only on an explicit choice: ``lab run --allow-imports`` or
``allow_imports=True``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

import lab
from lab.errors import ConfigError
from lab.experiments import load_config
from lab.figures.report import _expected_runs, write_report
from lab.results.store import ResultsStore
from tests.security._received_store import (
    EXPERIMENT,
    SWEEP,
    cli,
    copy_store,
    flat,
    make_store,
    sweeps_dir,
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("imports"))


@pytest.fixture
def payload(tmp_path, monkeypatch) -> tuple[str, Path]:
    """A module in the working folder (and on ``sys.path``) that leaves a marker file when it
    is imported; ``(module name, marker)``."""
    name = f"evilmod_{tmp_path.name.replace('-', '_')}"
    marker = tmp_path / "PWNED"
    work = tmp_path / "work"
    work.mkdir()
    (work / f"{name}.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    monkeypatch.chdir(work)
    monkeypatch.syspath_prepend(str(work))
    yield name, marker
    sys.modules.pop(name, None)


def _plant(root: Path, module: str) -> Path:
    """A sweep copy in the store that imports ``this`` and ``module``."""
    copy = sweeps_dir(root) / "aaaaaaaaaaaa.yaml"
    copy.write_text(yaml.safe_dump({**SWEEP, "imports": ["this", module]}))
    return copy


def test_report_never_imports_what_a_stored_sweep_names(pristine, tmp_path, payload) -> None:
    module, marker = payload
    root = copy_store(pristine, tmp_path)
    copy = _plant(root, module)
    expected, unreadable = _expected_runs(ResultsStore(root), EXPERIMENT)
    assert len(expected) == 4  # the genuine sweep copy still expands
    assert any(copy.name in why and "does not import code" in why for why in unreadable)
    write_report(EXPERIMENT, tmp_path / "report.html", root=root)
    result = cli("report", EXPERIMENT, "--results-dir", str(root), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0, result.output
    assert not marker.exists() and module not in sys.modules and "this" not in sys.modules
    assert "does not import code" in (tmp_path / "r.html").read_text()


def test_check_show_and_analyze_never_import(pristine, tmp_path, payload) -> None:
    module, marker = payload
    root = copy_store(pristine, tmp_path)
    _plant(root, module)
    for args in (("results", "check"), ("results", "show"), ("analyze",)):
        cli(*args, EXPERIMENT, "--results-dir", str(root))
    assert not marker.exists() and module not in sys.modules


def test_dry_run_never_imports(tmp_path, payload) -> None:
    module, marker = payload
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump({**SWEEP, "imports": [module]}))
    for extra in ((), ("--allow-imports",)):
        result = cli("run", str(config), "--dry-run", *extra, "--results-dir", str(tmp_path / "r"))
        assert result.exit_code == 2, result.output
        assert "--dry-run never imports" in flat(result.output)
    assert not marker.exists() and module not in sys.modules


def test_run_imports_only_when_allowed(tmp_path, payload) -> None:
    module, marker = payload
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump({**SWEEP, "seeds": 1, "imports": [module]}))
    refused = cli("run", str(config), "-w", "1", "--results-dir", str(tmp_path / "r"))
    assert refused.exit_code == 2 and "--allow-imports" in flat(refused.output)
    with pytest.raises(ConfigError, match="not imported"):
        load_config(config)
    with pytest.raises(ConfigError, match="allow_imports=True"):
        lab.run_sweep(config, workers=1, results_dir=tmp_path / "r")
    assert not marker.exists() and module not in sys.modules
    report = lab.run_sweep(config, workers=1, results_dir=tmp_path / "r", allow_imports=True)
    assert marker.exists() and len(report.ok) == 2


def test_a_module_name_must_be_a_module_name(tmp_path) -> None:
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump({**SWEEP, "imports": ["../../x"]}))
    with pytest.raises(ConfigError, match="is not a module name"):
        load_config(config, allow_imports=True)
