"""Saved surrogates: identical predictions in a fresh process, safe loading only, model cards."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lab.errors import SurrogateError, SurrogateFileError, UnknownNameError, UnsafeModelError
from lab.surrogates.artifact import load_surrogate, read_card, surrogate_names
from lab.surrogates.fitting import evaluate_saved, fit_surrogate
from lab.surrogates.predictors import load_predictor, make_predictor
from lab.surrogates.safe_io import load_skops, load_tensors, save_skops

ROOT = Path(__file__).resolve().parents[2]
#: One cheap configuration per storage format: XGBoost JSON, skops, torch state dict, nested members.
CONFIGS = {
    "xgboost": {"n_estimators": 60},
    "random_forest": {"n_estimators": 20},
    "knn": {},
    "linear": {},
    "mlp": {"epochs": 20, "n_hidden": 32},
    "gp": {"lbfgs_iterations": 20},
    "ensemble": {"params": {"n_estimators": 40}, "n_members": 2},
}
FRESH_SCRIPT = """
import json, sys
import numpy as np
from lab.benchmarks.store import load_table
from lab.surrogates.artifact import load_surrogate
out = {}
table = load_table("nasbench-graph-proteins")
genomes = table.genomes[:: 5]
for name in sys.argv[1:]:
    s = load_surrogate(name).surrogate
    pred = s.predict(genomes)
    entry = {"mean": pred.tolist()}
    if s.predictor.supports_std:
        entry["std"] = s.predict_transformed(genomes, return_std=True)[1].tolist()
    out[name] = entry
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def saved_all(tmp_path_factory, proteins_table):
    directory = tmp_path_factory.mktemp("surrogates")
    for name, params in CONFIGS.items():
        fit_surrogate(
            f"s-{name}", benchmark="nasbench-graph-proteins", targets=["val_acc_proteins", "latency_proteins"],
            predictor=name, params=params, n_train=150, seed=3, directory=directory,
        )  # fmt: skip
    return directory


def test_reload_in_fresh_process_predicts_identically(saved_all, proteins_table):
    names = [f"s-{n}" for n in CONFIGS]
    env = {**os.environ, "LAB_SURROGATES_DIR": str(saved_all)}
    proc = subprocess.run(
        [sys.executable, "-c", FRESH_SCRIPT, *names], capture_output=True, text=True, env=env,
        cwd=ROOT, timeout=300, check=True,
    )  # fmt: skip
    fresh = json.loads(proc.stdout)
    genomes = proteins_table.genomes[::5]
    for name in names:
        s = load_surrogate(name, directory=saved_all).surrogate
        np.testing.assert_array_equal(
            np.asarray(fresh[name]["mean"]), s.predict(genomes), err_msg=name
        )
        if s.predictor.supports_std:
            std = s.predict_transformed(genomes, return_std=True)[1]
            np.testing.assert_array_equal(np.asarray(fresh[name]["std"]), std, err_msg=name)


def test_model_card_records_data_split_metrics_versions(saved_all, proteins_table):
    card = read_card("s-xgboost", directory=saved_all)
    assert card["data"]["benchmark"] == "nasbench-graph-proteins"
    assert card["data"]["table_sha256"] == proteins_table.meta["table_sha256"]
    assert card["data"]["table_rows"] == len(proteins_table)
    assert card["split"] == {
        "kind": "random",
        "n_train": 150,
        "n_test": len(proteins_table) - 150,
        "seed": 3,
    }
    assert set(card["metrics"]) == {"val_acc_proteins", "latency_proteins"}
    assert -1 <= card["metrics"]["val_acc_proteins"]["kendall_tau"] <= 1
    assert {"numpy", "scikit-learn", "xgboost", "torch", "skops"} <= set(card["versions"])
    assert card["transforms"]["val_acc_proteins"]["kind"] == "identity"  # ROC-AUC, not accuracy
    assert card["transforms"]["latency_proteins"]["kind"] == "log"
    assert (saved_all / "s-xgboost" / "card.md").read_text().startswith("# Surrogate `s-xgboost`")
    assert "nll" in read_card("s-gp", directory=saved_all)["metrics"]["val_acc_proteins"]
    saved = load_surrogate("s-xgboost", directory=saved_all)
    assert len(saved.train_arch_ids) == 150
    assert set(surrogate_names(saved_all)) == {f"s-{n}" for n in CONFIGS}


def test_evaluate_reproduces_card_metrics_and_scores_other_columns(saved_all, monkeypatch):
    monkeypatch.setenv("LAB_SURROGATES_DIR", str(saved_all))
    saved = load_surrogate("s-linear")
    metrics = evaluate_saved(saved)
    card_tau = saved.card["metrics"]["val_acc_proteins"]["kendall_tau"]
    assert metrics["val_acc_proteins"]["kendall_tau"] == pytest.approx(card_tau)
    cross = evaluate_saved(saved, scored_on={"val_acc_proteins": "test_acc_proteins"})
    assert "val_acc_proteins -> test_acc_proteins" in cross
    with pytest.raises(SurrogateError, match="not targets"):
        evaluate_saved(saved, scored_on={"test_acc_proteins": "val_acc_proteins"})


def test_changed_table_checksum_is_refused(saved_all, tmp_path):
    import shutil

    copy = tmp_path / "s-linear"
    shutil.copytree(saved_all / "s-linear", copy)
    card = json.loads((copy / "card.json").read_text())
    card["data"]["table_sha256"] = "0" * 64
    (copy / "card.json").write_text(json.dumps(card))
    with pytest.raises(SurrogateFileError, match="table_sha256"):
        evaluate_saved(load_surrogate(str(copy)))


def test_names_and_overwrite(saved_all):
    with pytest.raises(UnknownNameError, match="s-xgboost"):
        load_surrogate("nope", directory=saved_all)
    with pytest.raises(SurrogateError, match="--force"):
        fit_surrogate("s-linear", benchmark="nasbench-graph-proteins", targets=["val_acc_proteins"],
                      predictor="linear", n_train=50, directory=saved_all)  # fmt: skip
    with pytest.raises(SurrogateError, match="invalid name"):
        fit_surrogate("../evil", benchmark="nasbench-graph-proteins", targets=["val_acc_proteins"],
                      predictor="linear", n_train=50, directory=saved_all)  # fmt: skip


# ------------------------------------------------------------------------------- safe loading
EXECUTED: list[str] = []


class Payload:
    """A type outside the allow-list; building it would record that it ran."""

    def __init__(self) -> None:
        self.x = 1

    def __setstate__(self, state: dict) -> None:
        EXECUTED.append("setstate")
        self.__dict__.update(state)


def test_skops_file_with_untrusted_type_is_refused(tmp_path):
    model = make_predictor("random_forest", n_estimators=3).fit(np.eye(4), np.arange(4.0))
    directory = model.save(tmp_path / "rf")
    np.testing.assert_array_equal(
        load_predictor(directory).predict(np.eye(4)), model.predict(np.eye(4))
    )
    save_skops({"model": model.model_, "extra": Payload()}, directory / "model.skops")
    with pytest.raises(UnsafeModelError, match="Payload"):
        load_predictor(directory)
    with pytest.raises(UnsafeModelError, match="allow-list"):
        load_skops(directory / "model.skops")
    assert EXECUTED == []


def test_torch_file_with_an_object_is_refused(tmp_path):
    import torch

    path = tmp_path / "state.pt"
    torch.save({"network": Payload()}, path)
    with pytest.raises(UnsafeModelError, match="not a plain tensor file"):
        load_tensors(path)
    assert EXECUTED == []
