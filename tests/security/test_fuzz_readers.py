"""Property-based fuzzing of three readers of untrusted files (Hypothesis, bounded in time).

Properties:

* the restricted unpickler returns plain data exactly as pickled, and on any byte string (random,
  or a valid pickle with bytes flipped, cut or inserted) either returns or raises
  :class:`~lab.errors.BenchmarkFileError` — never another exception, never a payload;
* the sweep config loader, on any YAML document made of the config's field names and random
  values (and on random text), returns a config or raises :class:`~lab.errors.ConfigError`;
* the user-table spec loader and builder, on specs and CSV files with random values, return a
  table or raise a :class:`~lab.errors.LabError` naming the file;
* the results store, on run manifests made of random JSON (valid manifests with fields
  replaced, random documents, random bytes, deep nesting), never raises while checking,
  listing or loading them: each is an intact run or a named damaged file;
* the integrity check, on stored sweep copies of random text, names each copy it cannot
  expand and never raises;
* the surrogate card reader, on random cards, returns a card or raises
  :class:`~lab.errors.SurrogateFileError`, and ``lab surrogate ls`` lists every folder.

Each test runs a bounded number of examples (``max_examples``) with a per-example ``deadline``,
so the default suite stays fast; ``HYPOTHESIS_PROFILE=long`` runs many more.
"""

from __future__ import annotations

import os
import pickle
import string
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.benchmarks.safe_pickle import safe_loads
from lab.errors import BenchmarkFileError, ConfigError, LabError

settings.register_profile(
    "default-suite", max_examples=60, deadline=2000, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)  # fmt: skip
settings.register_profile(
    "long", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "default-suite"))

# ------------------------------------------------------------------ the restricted unpickler
_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.binary(max_size=20) | st.complex_numbers(allow_nan=False)
)  # fmt: skip
plain_data = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=5) | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8) | st.integers(), inner, max_size=5)
        | st.frozensets(st.integers() | st.text(max_size=5), max_size=5)
    ),
    max_leaves=30,
)  # fmt: skip


class _Payload:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@PROFILE
@given(plain_data, st.integers(min_value=0, max_value=pickle.HIGHEST_PROTOCOL))
def test_unpickler_reads_plain_data_exactly(value, protocol) -> None:
    assert safe_loads(pickle.dumps(value, protocol=protocol), source="fuzz") == value


@PROFILE
@given(st.binary(max_size=300))
def test_unpickler_on_random_bytes(data) -> None:
    _loads_or_refuses(b"\x80\x04" + data)
    _loads_or_refuses(data)


@PROFILE
@given(
    plain_data,
    st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255), st.sampled_from("fic")),
             min_size=1, max_size=6),
)  # fmt: skip
def test_unpickler_on_mutated_pickles(value, edits) -> None:
    """A valid pickle with bytes flipped (f), inserted (i) or the tail cut (c); half of the
    examples carry a payload object that must never run."""
    with tempfile.TemporaryDirectory() as folder:
        marker = Path(folder) / "PWNED"
        data = bytearray(pickle.dumps([value, _Payload(str(marker))], protocol=4))
        for position, byte, kind in edits:
            if not data:
                break
            at = position % max(len(data), 1)
            if kind == "f":
                data[at] = byte
            elif kind == "i":
                data.insert(at, byte)
            else:
                del data[at:]
        _loads_or_refuses(bytes(data))
        assert not marker.exists()


def _loads_or_refuses(data: bytes) -> None:
    try:
        safe_loads(data, source="fuzz.pkl")
    except BenchmarkFileError as exc:
        assert "fuzz.pkl" in str(exc)


# -------------------------------------------------------------------------- sweep configs
#: The sweep config's own field names (``imports`` left out on purpose: it names modules to
#: import, i.e. code, and is tested by the config's own tests).
SWEEP_FIELDS = ("name", "description", "master_seed", "problems", "algorithms", "seeds",
                "budget", "batch_size", "n_init", "init", "threads_per_run", "seed_batch")  # fmt: skip
ALGO_FIELDS = ("name", "label", "params", "grid", "batch_size")
_yaml_scalars = (
    st.none() | st.booleans() | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=True) | st.text(string.printable, max_size=12)
    | st.sampled_from(["random", "nsga2", "moead", "nbg-cora-err-lat", "nb201-*", "lhs", "abc"])
)  # fmt: skip
_yaml_values = st.recursive(
    _yaml_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                               max_size=4),
    max_leaves=12,
)  # fmt: skip
_params = st.dictionaries(
    st.sampled_from(["pop_size", "crossover_prob", "mutation_prob", "n_neighbors", "x", ""]),
    _yaml_values, max_size=3,
)  # fmt: skip
_algorithm = st.sampled_from(["random", "nsga2", "moead", "nope"]) | st.fixed_dictionaries(
    {"name": st.sampled_from(["random", "nsga2", "moead", "nope"])},
    optional={f: (_params if f in ("params", "grid") else _yaml_values) for f in ALGO_FIELDS[1:]},
)
sweep_docs = st.fixed_dictionaries(
    {},
    optional={
        **{f: _yaml_values for f in SWEEP_FIELDS},
        "problems": st.lists(st.sampled_from(["nbg-cora-err-lat", "nb201-*", "nope"]), max_size=3)
        | _yaml_values,
        "algorithms": st.lists(_algorithm, max_size=3) | _yaml_values,
        "unknown_field": _yaml_values,
    },
)


def _load_config_or_refuse(text: str) -> None:
    from lab.experiments.config import load_config

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sweep.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_config(path)
        except ConfigError as exc:
            assert str(path) in str(exc)
        except LabError:
            pass  # e.g. an unknown problem or algorithm name: still one readable error


@PROFILE
@given(sweep_docs)
def test_sweep_config_loader_on_random_documents(doc) -> None:
    _load_config_or_refuse(yaml.safe_dump(doc, sort_keys=False))


@PROFILE
@given(st.text(string.printable, max_size=300))
def test_sweep_config_loader_on_random_text(text) -> None:
    _load_config_or_refuse(text)


# ---------------------------------------------------------------------- user-table specs
_SPEC_BASE = {
    "name": "fuzz-bench",
    "file": "toy.csv",
    "architecture_column": "arch",
    "genome": [{"column": "a", "cardinality": 3}, {"column": "b", "cardinality": 2}],
    "metrics": [{"column": "acc", "metric": "accuracy", "split": "val", "unit": "%",
                 "direction": "max"}],
}  # fmt: skip
_CSV_HEADER = "arch,a,b,acc\n"
_cells = st.one_of(
    st.integers(-3, 5), st.floats(allow_nan=True, allow_infinity=True),
    st.text(string.ascii_letters + string.digits + " -_.", max_size=6), st.just(""),
)  # fmt: skip
_csv_rows = st.lists(st.tuples(_cells, _cells, _cells, _cells), min_size=0, max_size=8)
_spec_changes = st.dictionaries(
    st.sampled_from(["name", "file", "format", "key_column", "architecture_column", "id_column",
                     "key", "genome", "seeds", "metrics", "problems", "title", "bogus"]),
    _yaml_values, max_size=3,
)  # fmt: skip


@PROFILE
@given(_spec_changes, _csv_rows)
def test_user_table_spec_on_random_specs_and_data(changes, rows) -> None:
    from lab.benchmarks.recipes.user_table import build_user_table

    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "toy.yaml"
        spec.write_text(yaml.safe_dump({**_SPEC_BASE, **changes}, sort_keys=False))
        lines = [",".join(str(c).replace(",", " ") for c in row) for row in rows]
        (Path(folder) / "toy.csv").write_text(_CSV_HEADER + "\n".join(lines) + "\n")
        try:
            build_user_table(spec)
        except LabError as exc:
            assert folder in str(exc) or "toy" in str(exc) or "fuzz-bench" in str(exc), str(exc)


# ----------------------------------------------------------------------- results store files
_json_scalars = (
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats(allow_nan=False,
    allow_infinity=False) | st.text(max_size=12)
)  # fmt: skip
_json_values = st.recursive(
    _json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=15,
)  # fmt: skip
_MANIFEST_FIELDS = ("config", "final", "error", "host", "problem", "history", "sweep", "status",
                    "seed", "manifest_schema", "versions", "wall_time_s")  # fmt: skip
_RUN_ID = "0123456789abcdef"


@pytest.fixture(scope="module")
def sample_manifest(tmp_path_factory) -> dict:
    """A genuine manifest (and its history) of a one-run sweep."""
    from lab.experiments import load_config, run_sweep

    folder = tmp_path_factory.mktemp("fuzz-store")
    config = folder / "fz.yaml"
    config.write_text(yaml.safe_dump({"name": "fz", "problems": ["nbg-cora-err-lat"],
                                      "algorithms": ["random"], "seeds": 1, "budget": 6,
                                      "n_init": 3}))  # fmt: skip
    run_sweep(load_config(config), workers=1, results_dir=folder / "r", progress=False)
    (manifest,) = (folder / "r" / "fz" / "runs").glob("*.json")
    return {"text": manifest.read_text(), "history": manifest.with_suffix(".parquet")}


def _store_survives(folder: Path, run_id: str) -> None:
    """Every reader of the store on the folder: no exception, and a manifest that is not an
    intact run is named as damaged."""
    from typer.testing import CliRunner

    from lab.cli.main import app
    from lab.results.conflicts import design_conflicts
    from lab.results.integrity import check_runs_folder
    from lab.results.query import load_experiment, load_manifests
    from lab.results.store import ResultsStore

    store = ResultsStore(folder)
    problem = store.run_problem("fz", run_id)
    issues = {i.path.name: i.kind for i in check_runs_folder(store, "fz")}
    assert problem is None or issues.get(f"{run_id}.json") == "damaged"
    load_manifests("fz", root=folder)
    load_experiment("fz", root=folder)
    design_conflicts(store.manifests("fz"))
    result = CliRunner().invoke(app, ["results", "check", "fz", "--results-dir", str(folder)])
    assert result.exit_code in (0, 1), result.output
    assert "defect" not in result.output, result.output


def _write_run(folder: Path, name: str, data: bytes, history: Path | None = None) -> None:
    runs = folder / "fz" / "runs"
    runs.mkdir(parents=True, exist_ok=True)
    (runs / f"{name}.json").write_bytes(data)
    if history is not None:
        (runs / f"{name}.parquet").write_bytes(history.read_bytes())


@PROFILE
@given(st.dictionaries(st.sampled_from(_MANIFEST_FIELDS), _json_values, max_size=4))
def test_store_on_manifests_with_random_fields(sample_manifest, changes) -> None:
    import json

    manifest = {**json.loads(sample_manifest["text"]), **changes}
    run_id = manifest.get("run_id")
    with tempfile.TemporaryDirectory() as folder:
        name = run_id if isinstance(run_id, str) and len(run_id) == 16 else _RUN_ID
        name = name if all(c in "0123456789abcdef" for c in name) else _RUN_ID
        _write_run(Path(folder), name, json.dumps(manifest).encode(), sample_manifest["history"])
        _store_survives(Path(folder), name)


@PROFILE
@given(_json_values | st.binary(max_size=200).map(lambda b: b"\0" + b),
       st.integers(0, 3000))  # fmt: skip
def test_store_on_random_manifest_documents(doc, depth) -> None:
    import json

    data = doc if isinstance(doc, bytes) else json.dumps({"run_id": _RUN_ID, "x": doc}).encode()
    with tempfile.TemporaryDirectory() as folder:
        _write_run(Path(folder), _RUN_ID, data)
        _write_run(Path(folder), "fedcba9876543210", b"[" * depth + b"]" * depth)
        _store_survives(Path(folder), _RUN_ID)
        _store_survives(Path(folder), "fedcba9876543210")


@PROFILE
@given(st.text(string.printable, max_size=300) | sweep_docs.map(yaml.safe_dump))
def test_design_check_on_random_sweep_copies(text) -> None:
    from lab.experiments.design import check_design
    from lab.results.store import ResultsStore

    with tempfile.TemporaryDirectory() as folder:
        sweeps = Path(folder) / "fz" / "sweeps"
        sweeps.mkdir(parents=True)
        (Path(folder) / "fz" / "runs").mkdir()
        copy = sweeps / "aaaaaaaaaaaa.yaml"
        copy.write_text(text, encoding="utf-8")
        design = check_design(ResultsStore(folder), "fz")
        assert design.expected or str(copy) in design.unreadable


_CARD_KEYS = ("data", "targets", "predictor", "encoding", "split", "metrics", "name", "files")


@PROFILE
@given(st.dictionaries(st.sampled_from(_CARD_KEYS), _json_values, max_size=8) | _json_values)
def test_surrogate_card_reader_on_random_cards(card) -> None:
    import json

    from typer.testing import CliRunner

    from lab.cli.main import app
    from lab.errors import SurrogateFileError
    from lab.surrogates.artifact import CARD_FILE, SURROGATE_FILE, read_card

    with tempfile.TemporaryDirectory() as folder:
        for name in ("fuzzed", "other"):
            (Path(folder) / name).mkdir()
            (Path(folder) / name / SURROGATE_FILE).write_text("{}")
            (Path(folder) / name / CARD_FILE).write_text(json.dumps(card))
        try:
            assert isinstance(read_card("fuzzed", directory=Path(folder)), dict)
        except SurrogateFileError as exc:
            assert "fuzzed" in str(exc)
        result = CliRunner().invoke(app, ["surrogate", "ls"], env={"LAB_SURROGATES_DIR": folder,
                                                                   "COLUMNS": "300"})  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "fuzzed" in result.output and "other" in result.output


def test_profiles_bound_the_default_suite() -> None:
    assert PROFILE.max_examples <= 60 or os.environ.get("HYPOTHESIS_PROFILE") == "long"
    assert PROFILE.deadline is None or PROFILE.deadline.total_seconds() <= 2


pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
