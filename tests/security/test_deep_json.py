"""Attack: JSON nested 200,000 deep.

One such manifest made ``results check``, ``results show``, ``run`` (so no resume), ``analyze``
and ``report`` exit 1 with "RecursionError ... defect", naming no file; the same in one
surrogate's ``card.json``/``surrogate.json`` broke ``lab surrogate ls`` for every surrogate.
JSON depth is now bounded (``LAB_MAX_JSON_DEPTH``); the damaged file is named and skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lab.analysis import analyze_experiment
from lab.errors import AnalysisError, SurrogateFileError
from lab.experiments import load_config, run_sweep
from lab.file_bounds import MAX_JSON_DEPTH, loads_json
from lab.results.query import load_manifests
from lab.surrogates.artifact import CARD_FILE, SURROGATE_FILE, load_surrogate, read_card
from lab.surrogates.fitting import fit_surrogate
from tests.security._received_store import (
    EXPERIMENT,
    SWEEP,
    cli,
    copy_store,
    make_store,
    run_ids,
    runs_dir,
    squash,
)

BOMB = "[" * 200_000 + "]" * 200_000


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return make_store(tmp_path_factory.mktemp("deep"))


def test_depth_bound_is_exact() -> None:
    ok = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert loads_json(ok, source="x.json", what="manifest") is not None
    deeper = "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(AnalysisError, match=r"x\.json: the manifest nests deeper than 64"):
        loads_json(deeper, source="x.json", what="manifest", error=AnalysisError)
    with pytest.raises(AnalysisError, match="LAB_MAX_JSON_DEPTH"):
        loads_json(BOMB, source="x.json", what="manifest", error=AnalysisError)


def test_deep_manifest_is_named_and_skipped(pristine, tmp_path) -> None:
    root = copy_store(pristine, tmp_path)
    bad = run_ids(root)[0]
    (runs_dir(root) / f"{bad}.json").write_text(BOMB)
    assert len(load_manifests(EXPERIMENT, root=root)) == 3
    for args in (("results", "check"), ("results", "show")):
        result = cli(*args, EXPERIMENT, "--results-dir", str(root))
        assert "RecursionError" not in result.output and "defect" not in result.output
        assert f"{bad}.json" in squash(result.output)
    assert cli("results", "check", EXPERIMENT, "--results-dir", str(root)).exit_code == 1
    refused = cli("analyze", EXPERIMENT, "--results-dir", str(root))
    assert refused.exit_code == 2 and bad in squash(refused.output)
    result = analyze_experiment(EXPERIMENT, root=root, write=False, n_resamples=20,
                                allow_missing=True)  # fmt: skip
    assert result.info["n_runs"] == 3
    config = tmp_path / "sweep.yaml"
    config.write_text(yaml.safe_dump(SWEEP))
    resumed = run_sweep(load_config(config), workers=1, results_dir=root, progress=False)
    assert len(resumed.ok) == 1 and len(resumed.already_done) == 3


@pytest.fixture(scope="module")
def surrogates(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("surrogates")
    fit_surrogate(
        "good", benchmark="nasbench-graph-proteins", targets=["val_acc_proteins"],
        predictor="random_forest", params={"n_estimators": 2}, n_train=60, seed=0,
        directory=directory,
    )  # fmt: skip
    return directory


@pytest.mark.parametrize("damaged", [CARD_FILE, SURROGATE_FILE])
def test_deep_surrogate_file_is_named_and_the_others_listed(
    surrogates, tmp_path, monkeypatch, damaged
) -> None:
    directory = tmp_path / "s"
    shutil.copytree(surrogates, directory)
    shutil.copytree(directory / "good", directory / "bad")
    (directory / "bad" / damaged).write_text(BOMB)
    with pytest.raises(SurrogateFileError, match="nests deeper"):
        load_surrogate("bad", directory=directory)
    if damaged == CARD_FILE:
        with pytest.raises(SurrogateFileError, match=r"bad/card\.json"):
            read_card("bad", directory=directory)
    monkeypatch.setenv("LAB_SURROGATES_DIR", str(directory))
    listed = cli("surrogate", "ls")
    assert listed.exit_code == 0, listed.output
    assert "good" in listed.output and "nasbench-graph-proteins" in squash(listed.output)
    assert "RecursionError" not in listed.output
    if damaged == CARD_FILE:
        assert "nestsdeeper" in squash(listed.output)
