"""A user's own table from CSV + YAML: no code needed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.store import import_table, load_table
from lab.errors import BenchmarkFileError, ConfigError

SPEC = """
name: toy-bench
file: toy.csv
architecture_column: arch
genome:
  - {column: a, cardinality: 3}
  - {column: b, cardinality: 2, labels: [small, big]}
metrics:
  - {column: acc, metric: accuracy, split: val, unit: "%", direction: max, dataset: toy}
  - {column: lat, metric: latency, split: exact, unit: ms, direction: min, device: cpu}
licence: CC0
"""


def write_toy(folder: Path, spec: str = SPEC) -> Path:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        [
            (f"{a}-{b}", a, b, rng.uniform(50, 90), rng.uniform(1, 5))
            for a in range(3)
            for b in range(2)
        ],
        columns=["arch", "a", "b", "acc", "lat"],
    )
    frame.to_csv(folder / "toy.csv", index=False)
    (folder / "toy.yaml").write_text(spec)
    return folder / "toy.yaml"


def test_import_and_use_in_a_problem(tmp_path: Path) -> None:
    from lab.problems.problem import Problem
    from lab.problems.registry import _space_for
    from lab.problems.spec import ProblemSpec

    spec = write_toy(tmp_path)
    table = import_table("toy-bench", spec, directory=tmp_path / "tables")
    assert len(table) == 6
    assert table.metrics["lat"].unit == "ms"
    loaded = load_table("toy-bench", directory=tmp_path / "tables")
    assert loaded.meta["licence"] == "CC0"
    problem = Problem(
        ProblemSpec(name="toy", benchmark="toy-bench",
                    objectives=[{"name": "err", "search": "acc"}, {"name": "lat", "search": "lat"}]),
        loaded, _space_for(loaded),
    )  # fmt: skip
    ev = problem.evaluate(np.array([[2, 1]]))
    csv = pd.read_csv(tmp_path / "toy.csv").set_index("arch")
    assert ev.F[0, 0] == pytest.approx(100 - csv.loc["2-1", "acc"])
    assert ev.F[0, 1] == pytest.approx(csv.loc["2-1", "lat"])
    assert problem.space.describe([2, 1]) == {"a": "2", "b": "big"}


def test_missing_column_names_file_and_column(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC.replace("column: lat,", "column: latency_ms,"))
    with pytest.raises(BenchmarkFileError, match=r"toy\.csv.*toy\.yaml.*'latency_ms'.*file lacks"):
        import_table("toy-bench", spec, directory=tmp_path / "t")


def test_unknown_spec_field_is_an_error(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC + "colour: blue\n")
    with pytest.raises(ConfigError, match=r"(?s)toy\.yaml.*colour"):
        import_table("toy-bench", spec, directory=tmp_path / "t")


def test_genome_out_of_cardinality(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC.replace("cardinality: 3", "cardinality: 2"))
    with pytest.raises(
        BenchmarkFileError, match=r"genome variable 'a' has value 2 .*outside 0\.\.1"
    ):
        import_table("toy-bench", spec, directory=tmp_path / "t")


def test_bad_direction(tmp_path: Path) -> None:
    spec = write_toy(tmp_path, SPEC.replace("direction: min", "direction: lower"))
    with pytest.raises(ConfigError, match=r"metrics\[1\]\.direction.*lower"):
        import_table("toy-bench", spec, directory=tmp_path / "t")


# ----------------------------------------------------------------- a real-shaped JSON table
def write_macro_like(folder: Path) -> dict:
    """A 16,384-architecture JSON dict keyed by 7-digit 1-based codes (4 choices per layer),
    each entry a list of 3 per-seed accuracies plus params and FLOPs, from a deterministic
    function of the architecture (the shape of a real macro-space table)."""
    import itertools
    import json

    rng = np.random.default_rng(7)
    weight = rng.uniform(0.2, 1.0, size=(7, 4))
    data = {}
    for digits in itertools.product(range(1, 5), repeat=7):
        key = "".join(map(str, digits))
        g = np.asarray(digits) - 1
        quality = float(weight[np.arange(7), g].sum())
        noise = rng.normal(0, 0.3, size=3)
        data[key] = {
            "test_acc": [round(70 + 3 * quality + float(e), 4) for e in noise],
            "params": int(200_000 + 50_000 * g.sum()),
            "flops": int(10_000_000 + 3_000_000 * (g**2).sum()),
        }
    (folder / "macro16k.json").write_text(json.dumps(data))
    return data


MACRO_SPEC = """
name: macro16k
file: macro16k.json
key: {column: arch, separator: ""}
key_column: arch
genome:
  - {position: 0, repeat: 7, name: layer, codes: [1, 2, 3, 4], labels: [id, k3, k5, k7]}
seeds:
  - {column: test_acc, count: 3, search: [0], report: [1, 2], metric: accuracy, unit: "%",
     direction: max, dataset: cifar10}
metrics:
  - {column: params_m, source: params, scale: 1.0e-6, metric: params, split: exact, unit: M,
     direction: min}
  - {column: mflops, source: flops, scale: 1.0e-6, metric: flops, split: exact, unit: MFLOPs,
     direction: min}
problems:
  - name: "m16-err-{cost}"
    for_each: {cost: [params_m, mflops]}
    objectives:
      - {name: error, search: test_acc_search, report: test_acc_report}
      - {name: "{cost}", search: "{cost}"}
"""


def test_real_shaped_json_dict_with_per_seed_lists(tmp_path: Path, monkeypatch) -> None:
    from lab.problems.registry import get_problem
    from lab.problems.user_import import import_user_benchmark

    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    data = write_macro_like(tmp_path)
    (tmp_path / "macro16k.yaml").write_text(MACRO_SPEC)
    table, problems = import_user_benchmark("macro16k", tmp_path / "macro16k.yaml")
    assert len(table) == 16_384 and table.cardinalities == (4,) * 7
    assert [p.name for p in problems] == ["m16-err-params_m", "m16-err-mflops"]
    frame = table.frame.set_index("arch_str")
    entry = data["4132211"]
    row = frame.loc["4132211"]
    assert [row["g0"], row["g1"], row["g6"]] == [3, 0, 0]  # 1-based codes -> 0-based genome
    assert row["test_acc_seed2"] == pytest.approx(entry["test_acc"][2])
    assert row["test_acc_search"] == pytest.approx(entry["test_acc"][0])
    assert row["test_acc_report"] == pytest.approx(np.mean(entry["test_acc"][1:]))
    assert row["params_m"] == pytest.approx(entry["params"] / 1e6)
    assert table.metrics["test_acc_report"].split == "seed1+2"
    # The problem is registered, frozen, and its exact front matches an independent filter.
    problem = get_problem("m16-err-params_m")
    F = np.column_stack([100 - frame["test_acc_report"].to_numpy(), frame["params_m"].to_numpy()])
    # 2-D sweep: sorted by (f0, f1), a point is on the front iff its f1 beats every point
    # before it (or equals the last front point exactly).
    front, best = [], (np.inf, np.inf)
    for f0, f1 in sorted(map(tuple, F)):
        if f1 < best[1] or (f0, f1) == best:
            front.append((f0, f1))
            best = (f0, f1)
    assert len(problem.true_front_rows("report")) == len(front)
    assert problem.space.describe(problem.genomes_all[0])["layer0"] in {"id", "k3", "k5", "k7"}


def test_nas_bench_macro_real_json_through_a_user_spec(tmp_path: Path, monkeypatch) -> None:
    """The real NAS-Bench-Macro file, imported by a spec alone, reproduces the built-in
    problem's frozen normalization."""
    from tests.conftest import SHARED_DATA, has_shared

    if not has_shared("nas-bench-macro"):
        pytest.skip("NAS-Bench-Macro raw file (shared/data/nas-bench-macro) is absent")
    from lab.problems.registry import frozen_values
    from lab.problems.user_import import import_user_benchmark

    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    spec = f"""
name: macro-user
file: {SHARED_DATA / "nas-bench-macro" / "nas-bench-macro_cifar10.json"}
key: {{column: key}}
genome:
  - {{position: 0, repeat: 8, name: layer, codes: ["0", "1", "2"]}}
seeds:
  - {{column: test_acc, count: 3, search: [0], report: [1, 2], metric: accuracy, unit: "%",
     direction: max, dataset: cifar10}}
metrics:
  - {{column: params_m, source: params, scale: 1.0e-6, metric: params, split: exact, unit: M,
     direction: min}}
problems:
  - name: macro-user-err-params
    objectives:
      - {{name: error, search: test_acc_search, report: test_acc_report, threshold: 60}}
      - {{name: params, search: params_m, threshold: 3}}
"""
    (tmp_path / "macro-user.yaml").write_text(spec)
    _, (problem,) = import_user_benchmark("macro-user", tmp_path / "macro-user.yaml")
    builtin = frozen_values()["macro-err-params"]
    ours = problem.frozen()
    # With the built-in's declared thresholds (its region of interest) as well.
    keys = ("ideal", "nadir", "reference_point", "true_front_size", "search_front_size")
    for key in (*keys, "true_front_hv"):
        assert np.allclose(ours[key], builtin[key]), key


# --------------------------------------------------------------------------------- bad input
def _import(tmp_path: Path, spec: str, data=None, *, name: str = "bad"):
    import json

    from lab.problems.user_import import import_user_benchmark

    rows = data if data is not None else [
        {"arch": f"{a}{b}", "acc": [60.0 + a + b, 61.0 + a, 59.0 + b], "lat": 1.0 + a * b}
        for a in range(3) for b in range(3)
    ]  # fmt: skip
    (tmp_path / "t.json").write_text(json.dumps(rows))
    (tmp_path / "s.yaml").write_text(spec)
    return import_user_benchmark(name, tmp_path / "s.yaml", directory=tmp_path / "tables")


BASE = """
name: bad
file: t.json
key: {column: arch}
genome:
  - {position: 0, repeat: 2, codes: ["0", "1", "2"]}
seeds:
  - {column: acc, count: 3, search: [0], report: [1, 2], metric: accuracy, unit: "%", direction: max}
metrics:
  - {column: lat, metric: latency, split: exact, unit: ms, direction: min}
problems:
  - name: bad-err-lat
    objectives:
      - {name: error, search: acc_search, report: acc_report}
      - {name: latency, search: lat}
"""


def test_valid_base_imports(tmp_path: Path) -> None:
    table, (problem,) = _import(tmp_path, BASE)
    assert len(table) == 9 and problem.n_obj == 2
    assert (tmp_path / "tables" / "bad.parquet").is_file()


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        (("column: lat,", "column: latency,"), r"metric 'latency' reads column 'latency'.*lacks"),
        (
            ("key: {column: arch}", "key: {column: arch, separator: '-'}"),
            r"key '00' \(row 0\) splits into 1",
        ),
        (
            ("column: lat,", "column: arch_id, source: lat,"),
            r"'arch_id' is named like an internal column.*source: arch_id",
        ),
        (('codes: ["0", "1", "2"]', "cardinality: 40000"), r"40000 choices exceed the 32768"),
        (('codes: ["0", "1", "2"]', "cardinality: 3, base: 1"), r"value 0 .*outside 1\.\.3.*base"),
        (("count: 3,", "count: 4,"), r"list of 4 per-seed values"),
        (("search: [0], report: [1, 2]", "search: [0, 1], report: [1, 2]"), "overlap"),
    ],
)
def test_bad_spec_names_file_field_and_fix(tmp_path: Path, edit, pattern) -> None:
    with pytest.raises((ConfigError, BenchmarkFileError), match=pattern) as info:
        _import(tmp_path, BASE.replace(*edit))
    assert "s.yaml" in str(info.value) or "t.json" in str(info.value)
    assert not (tmp_path / "tables").exists()  # nothing half-written


def test_space_too_large_for_genome_codes(tmp_path: Path) -> None:
    spec = BASE.replace(
        '{position: 0, repeat: 2, codes: ["0", "1", "2"]}',
        "{position: 0, repeat: 2, cardinality: 3}",
    )
    spec = spec.replace(
        "genome:\n",
        "genome:\n  - {column: lat, cardinality: 30000}\n  - {column: lat, name: x2, cardinality: 30000}\n  - {column: lat, name: x3, cardinality: 30000}\n  - {column: lat, name: x4, cardinality: 30000}\n  - {column: lat, name: x5, cardinality: 30000}\n",
    )
    with pytest.raises(ConfigError, match=r"s\.yaml: field 'genome'.*2\^62"):
        _import(tmp_path, spec)
    assert not (tmp_path / "tables").exists()


def test_nan_and_inf_in_an_objective_column_name_column_and_rows(tmp_path: Path) -> None:
    rows = [
        {"arch": f"{a}{b}", "acc": [60.0 + a, 61.0, 59.0], "lat": 1.0 + a * b}
        for a in range(3) for b in range(3)
    ]  # fmt: skip
    rows[4]["lat"] = None
    rows[7]["lat"] = float("inf")
    with pytest.raises(BenchmarkFileError, match=r"reads column 'lat'.*2 row\(s\).*'11', '21'"):
        _import(tmp_path, BASE, rows)
    assert not (tmp_path / "tables").exists()


def test_nan_architecture_id(tmp_path: Path) -> None:
    rows = [
        {"arch": f"{a}{b}", "idx": float(3 * a + b), "acc": [60.0, 61.0, 59.0], "lat": 1.0}
        for a in range(3) for b in range(3)
    ]  # fmt: skip
    rows[5]["idx"] = float("nan")
    spec = BASE.replace("key: {column: arch}", "key: {column: arch}\nid_column: idx")
    with pytest.raises(
        BenchmarkFileError, match=r"'id_column' \('idx'\) must hold integers; 1 row\(s\): 5"
    ):
        _import(tmp_path, spec, rows)


@pytest.mark.parametrize(
    ("content", "pattern"),
    [
        (
            b"name: bad\n\xff\xfe file: t.json\n",
            r"not UTF-8 text \(byte 10 .*save the table spec as a UTF-8",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", r"is a binary file, not YAML text"),
        (b"- just\n- a list\n", r"must be a YAML mapping of fields"),
    ],
)
def test_unreadable_spec_files(tmp_path: Path, content: bytes, pattern: str) -> None:
    from lab.benchmarks.recipes.user_table import load_user_spec

    path = tmp_path / "s.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=pattern) as info:
        load_user_spec(path)
    assert str(path) in str(info.value)


def test_data_file_given_as_the_spec(tmp_path: Path) -> None:
    from lab.benchmarks.recipes.user_table import load_user_spec

    path = tmp_path / "table.parquet"
    pd.DataFrame({"a": [1, 2]}).to_parquet(path)
    with pytest.raises(
        ConfigError, match=r"(?s)binary file.*looks like the data file: pass the YAML spec"
    ):
        load_user_spec(path)


def test_string_codes_from_a_csv_and_records(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "op_a": ["conv", "pool", "skip", "conv"],
            "op_b": [1, 1, 2, 2],
            "acc": [0.9, 0.5, 0.4, 0.8],
        }
    )
    frame.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "s.yaml").write_text(
        "name: codes\nfile: t.csv\ngenome:\n"
        "  - {column: op_a, codes: [skip, pool, conv]}\n"
        "  - {column: op_b, cardinality: 2, base: 1}\n"
        "metrics:\n  - {column: acc, metric: accuracy, split: val, unit: fraction, direction: max}\n"
    )
    table = import_table("codes", tmp_path / "s.yaml", directory=tmp_path / "tables")
    by_str = table.frame.set_index("arch_str")
    assert by_str.loc["conv-2", ["g0", "g1", "acc"]].tolist() == [2, 1, 0.8]
    assert by_str.loc["skip-2", ["g0", "g1"]].tolist() == [0, 1]


def test_problem_name_of_a_builtin_is_refused_on_import(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    with pytest.raises(
        ConfigError,
        match=r"(?s)s\.yaml: problem 'nbg-cora-err-lat' is already declared in .*nasbench_graph\.yaml",
    ):
        _import(tmp_path, BASE.replace("name: bad-err-lat", "name: nbg-cora-err-lat"))
    assert not (tmp_path / "tables").exists()


def test_table_named_like_a_builtin_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkFileError, match="name of a built-in benchmark"):
        _import(
            tmp_path, BASE.replace("name: bad\n", "name: nasbench-graph\n"), name="nasbench-graph"
        )


def test_a_key_longer_than_the_declared_positions_is_an_error(tmp_path: Path) -> None:
    """A 3-character key read by a 2-position genome is not truncated (which would make
    distinct architectures look like one genome): the error names the file, the field and
    the fix."""
    rows = [
        {"arch": f"{a}{b}{c}", "acc": [60.0 + a, 61.0 + b, 59.0 + c], "lat": 1.0 + a * b + c}
        for a in range(3) for b in range(3) for c in range(3)
    ]  # fmt: skip
    with pytest.raises(BenchmarkFileError) as info:
        _import(tmp_path, BASE, rows)
    message = str(info.value)
    assert "s.yaml" in message and "t.json" in message and "field 'genome'" in message
    assert "splits into 3 positions" in message and "positions [2] are not read" in message
    assert "repeat: 3" in message and "share a genome" not in message
    assert not (tmp_path / "tables").exists()
