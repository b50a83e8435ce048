"""Attack: damaged or edited surrogate folders.

Model files hold only allowed types, so a child index of 10**9 in a tree passes every type
check and crashed ``lab surrogate evaluate`` with a segmentation fault. The crash tests run the
CLI in a subprocess so that a regression fails the test instead of killing pytest. Every other
damage (truncated file, deleted file, edited field) must end in one
:class:`~lab.surrogates.errors.SurrogateFileError` naming the file.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from lab.errors import SurrogateFileError
from lab.surrogates.artifact import CARD_FILE, file_checksums, load_surrogate
from lab.surrogates.fitting import fit_surrogate

ROOT = Path(__file__).resolve().parents[2]
BENCH = "nasbench-graph-proteins"
TARGETS = ["val_acc_proteins"]


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> Path:
    """One small random forest, XGBoost model and MLP, saved once."""
    directory = tmp_path_factory.mktemp("surrogates")
    for name, predictor, params in (
        ("rf", "random_forest", {"n_estimators": 3}),
        ("xgb", "xgboost", {"n_estimators": 5}),
        ("mlp", "mlp", {"epochs": 2, "n_hidden": 8}),
    ):
        fit_surrogate(
            name, benchmark=BENCH, targets=TARGETS, predictor=predictor, params=params,
            n_train=200, seed=0, directory=directory,
        )  # fmt: skip
    return directory


@pytest.fixture
def copy_of(fitted, tmp_path):
    def make(name: str) -> Path:
        shutil.copytree(fitted, tmp_path / "s", dirs_exist_ok=True)
        return tmp_path / "s" / name

    return make


def _reseal(folder: Path) -> None:
    """Rewrite the card's checksums, as an attacker editing the folder would."""
    card = json.loads((folder / CARD_FILE).read_text())
    card["files"] = file_checksums(folder)
    (folder / CARD_FILE).write_text(json.dumps(card))


def _edit_skops_tree(path: Path, field: str, value: int) -> None:
    """Set ``field`` of node 0 of the first tree inside the skops archive ``path``."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    schema = json.loads(members["schema.json"])

    def first_tree(node):
        if isinstance(node, dict):
            if node.get("__class__") == "Tree":
                return node
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            return None
        for child in children:
            if (found := first_tree(child)) is not None:
                return found
        return None

    nodes_file = first_tree(schema)["content"]["content"]["nodes"]["file"]
    nodes = np.load(io.BytesIO(members[nodes_file]))
    nodes[field][0] = value
    buffer = io.BytesIO()
    np.save(buffer, nodes)
    members[nodes_file] = buffer.getvalue()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


#: Loads each surrogate and predicts: the step that crashed with a segmentation fault.
_LOAD_AND_PREDICT = """
import sys
from lab.benchmarks.store import load_table
from lab.errors import LabError
from lab.surrogates.artifact import load_surrogate
genomes = load_table("nasbench-graph-proteins").genomes[:50]
for name in sys.argv[2:]:
    try:
        load_surrogate(name, directory=sys.argv[1]).surrogate.predict(genomes)
        print(name, "predicted")
    except LabError as exc:
        print(name, "refused:", exc)
"""


def test_tree_child_index_out_of_range_never_crashes(copy_of) -> None:
    """sklearn and XGBoost trees whose node 0 points at child 10**9 (run in a subprocess: a
    regression is a failed test, not a dead pytest)."""
    rf = copy_of("rf")
    _edit_skops_tree(rf / "predictor" / "model.skops", "left_child", 10**9)
    _reseal(rf)
    xgb = rf.parent / "xgb"
    model = xgb / "predictor" / "xgboost_model.json"
    doc = json.loads(model.read_text())
    doc["learner"]["gradient_booster"]["model"]["trees"][0]["left_children"][0] = 10**9
    model.write_text(json.dumps(doc))
    _reseal(xgb)
    proc = subprocess.run(
        [sys.executable, "-c", _LOAD_AND_PREDICT, str(rf.parent), "rf", "xgb"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, env=dict(os.environ),
    )  # fmt: skip
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines())
    assert lines["rf"].startswith("refused:") and "model.skops" in lines["rf"]
    assert "left child 1000000000" in lines["rf"]
    assert lines["xgb"].startswith("refused:") and "xgboost_model.json" in lines["xgb"]
    assert "left child 1000000000" in lines["xgb"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("right_child", 0, r"right child 0 is not in \(0, "),  # a cycle: predict would loop
        ("feature", 50_000, "feature 50000 is not in"),
    ],
)
def test_sklearn_tree_cycles_and_features_are_refused(copy_of, field, value, message) -> None:
    folder = copy_of("rf")
    _edit_skops_tree(folder / "predictor" / "model.skops", field, value)
    _reseal(folder)
    with pytest.raises(SurrogateFileError, match=message):
        load_surrogate("rf", directory=folder.parent)


def test_xgboost_cycle_is_refused(copy_of) -> None:
    folder = copy_of("xgb")
    model = folder / "predictor" / "xgboost_model.json"
    doc = json.loads(model.read_text())
    tree = doc["learner"]["gradient_booster"]["model"]["trees"][0]
    tree["left_children"][tree["left_children"][0]] = 0 if tree["left_children"][0] > 0 else 1
    model.write_text(json.dumps(doc))
    _reseal(folder)
    with pytest.raises(SurrogateFileError, match="xgboost_model.json.*(reached twice|child 0)"):
        load_surrogate("xgb", directory=folder.parent)


def test_card_records_sha256_of_every_model_file(fitted) -> None:
    card = json.loads((fitted / "rf" / CARD_FILE).read_text())
    assert set(card["files"]) == {
        "surrogate.json", "split.json", "predictor/predictor.json", "predictor/model.skops",
    }  # fmt: skip
    assert card["files"] == file_checksums(fitted / "rf")
    assert card["files"]["predictor/model.skops"] in (fitted / "rf" / "card.md").read_text()


@pytest.mark.parametrize("name", ["rf", "xgb", "mlp"])
def test_edited_model_file_fails_its_checksum(copy_of, name) -> None:
    folder = copy_of(name)
    model = next(p for p in (folder / "predictor").iterdir() if p.name != "predictor.json")
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    with pytest.raises(SurrogateFileError, match=rf"{model.name}: sha256 .* differs"):
        load_surrogate(name, directory=folder.parent)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    ("name", "damage", "where"),
    [
        # was BadZipFile
        ("rf", lambda f: _truncate(f / "predictor" / "model.skops"), "model.skops"),
        # was XGBoostError
        ("xgb", lambda f: _truncate(f / "predictor" / "xgboost_model.json"), "xgboost_model.json"),
        ("mlp", lambda f: _truncate(f / "predictor" / "mlp_state.pt"), "mlp_state.pt"),
        # was KeyError
        ("rf", lambda f: (f / "predictor" / "predictor.json").write_text("{}"), "rf"),
        # was TypeError
        (
            "rf",
            lambda f: (f / "predictor" / "predictor.json").write_text(
                (f / "predictor" / "predictor.json")
                .read_text()
                .replace('"params": {', '"params": {"bogus": 1, ')
            ),
            "rf",
        ),
        ("xgb", lambda f: (f / "split.json").write_text('{"train_arch_ids": "x"}'), "xgb"),
        ("rf", lambda f: (f / "surrogate.json").write_text("[1]"), "surrogate.json"),
    ],
)
def test_damaged_folder_is_one_clear_error(copy_of, name, damage, where) -> None:
    folder = copy_of(name)
    damage(folder)
    _reseal(folder)
    with pytest.raises(SurrogateFileError, match=where):
        load_surrogate(name, directory=folder.parent)


def test_deleted_and_foreign_files_are_named(copy_of) -> None:
    folder = copy_of("rf")
    (folder / "predictor" / "model.skops").unlink()
    with pytest.raises(SurrogateFileError, match=r"model\.skops: missing"):
        load_surrogate("rf", directory=folder.parent)
    folder = copy_of("xgb")
    (folder / "predictor" / "extra.bin").write_bytes(b"x")
    with pytest.raises(SurrogateFileError, match=r"extra\.bin: not recorded"):
        load_surrogate("xgb", directory=folder.parent)


class _Payload:
    """Writes ``marker`` when unpickled without restriction."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_state_file_torch_refuses_is_one_cli_message(copy_of, tmp_path) -> None:
    """An MLP state file replaced by a pickle with a payload (card resealed): torch's
    ``weights_only`` load refuses it; the CLI says so in one message, the payload never runs."""
    import pickle

    from typer.testing import CliRunner

    from lab.cli.main import app

    folder = copy_of("mlp")
    marker = tmp_path / "PWNED"
    (folder / "predictor" / "mlp_state.pt").write_bytes(pickle.dumps(_Payload(marker)))
    _reseal(folder)
    result = CliRunner().invoke(
        app, ["surrogate", "evaluate", "mlp"],
        env={"LAB_SURROGATES_DIR": str(folder.parent), "COLUMNS": "250"},
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "mlp_state.pt" in result.output and "Traceback" not in result.output
    assert not marker.exists()
