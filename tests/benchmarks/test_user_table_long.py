"""Long tables in a spec: ``where`` keeps rows, ``pivot`` makes one row per architecture
(values spread over all or some of the long table's columns), ``for_each`` templates metrics."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.recipes.user_table import build_user_table, load_user_spec
from lab.errors import BenchmarkFileError, ConfigError

DEVICES = {"gpu": [1, 32], "phone": [1]}  # the phone is timed at batch size 1 only
TASKS = ("c10", "c100")

SPEC = """
name: long
file: long.csv
genome:
  - {column: a, cardinality: 4}
  - {column: b, cardinality: 3}
where: {framework: [onnx]}
pivot:
  index: arch
  columns: [device, batch, task]
  values:
    - {name: latency, over: [device, batch]}
    - {name: energy, over: [device]}
    - {name: accuracy, over: [task]}
  keep: [a, b]
metrics:
  - {column: "acc_{task}", source: "accuracy_{task}", for_each: {task: [c10, c100]},
     metric: accuracy, split: test, unit: "%", direction: max, dataset: "{task}"}
  - {column: "lat_{d}_{n}", source: "latency_{d}_{n}",
     for_each: [{d: gpu, n: 1}, {d: gpu, n: 32}, {d: phone, n: 1}],
     metric: latency, split: exact, unit: ms, direction: min, device: "{d}"}
  - {column: energy_gpu, metric: energy, split: exact, unit: mJ, direction: min, device: gpu}
problems:
  - name: "long-{task}-err-lat"
    for_each: {task: [c10, c100]}
    objectives:
      - {name: error, search: "acc_{task}"}
      - {name: latency, search: lat_gpu_1}
"""


def long_frame(seed: int = 0) -> pd.DataFrame:
    """One row per architecture x device x batch x framework x task; energy on the GPU only."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(4):
        for b in range(3):
            base = rng.uniform(1, 5)
            acc = {t: rng.uniform(50, 95) for t in TASKS}
            for device, batches in DEVICES.items():
                power = rng.uniform(1, 2) if device == "gpu" else np.nan
                for batch in batches:
                    for framework in ("onnx", "tflite"):
                        latency = base * batch**0.5 * (3 if device == "phone" else 1)
                        latency *= 1.0 if framework == "onnx" else 1.3
                        for task in TASKS:
                            rows.append((f"{a}{b}", a, b, device, batch, framework, task,
                                         latency, power, acc[task]))  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=["arch", "a", "b", "device", "batch", "framework", "task", "latency", "energy",
                 "accuracy"],
    )  # fmt: skip


def _write(folder: Path, frame: pd.DataFrame, spec: str = SPEC) -> Path:
    frame.to_csv(folder / "long.csv", index=False)
    (folder / "long.yaml").write_text(spec)
    return folder / "long.yaml"


def test_pivot_matches_an_independent_pandas_pivot(tmp_path: Path) -> None:
    frame = long_frame()
    table = build_user_table(_write(tmp_path, frame))
    assert len(table) == 12
    assert set(table.metrics) == {
        "acc_c10", "acc_c100", "lat_gpu_1", "lat_gpu_32", "lat_phone_1", "energy_gpu",
    }  # fmt: skip
    onnx = frame[frame["framework"] == "onnx"]
    by_arch = table.frame.set_index("arch_str")
    lat = onnx.pivot_table(index="arch", columns=["device", "batch"], values="latency")
    acc = onnx.pivot_table(index="arch", columns="task", values="accuracy")
    for arch in lat.index:
        key = f"{arch[0]}-{arch[1]}"  # the genome labels: a-b
        assert by_arch.loc[key, "lat_gpu_32"] == pytest.approx(lat.loc[arch, ("gpu", 32)])
        assert by_arch.loc[key, "lat_phone_1"] == pytest.approx(lat.loc[arch, ("phone", 1)])
        assert by_arch.loc[key, "acc_c100"] == pytest.approx(acc.loc[arch, "c100"])
    assert table.metrics["acc_c100"].dataset == "c100"
    assert table.metrics["lat_phone_1"].device == "phone"


def test_a_combination_never_measured_has_no_column(tmp_path: Path) -> None:
    spec = SPEC.replace("energy_gpu, metric", "energy_phone, metric")
    with pytest.raises(BenchmarkFileError, match=r"'energy_phone'.*lacks.*energy_gpu"):
        build_user_table(_write(tmp_path, long_frame(), spec))


def test_without_the_filter_rows_repeat_a_combination(tmp_path: Path) -> None:
    spec = SPEC.replace("where: {framework: [onnx]}\n", "")
    with pytest.raises(BenchmarkFileError, match=r"repeat an \(arch, device, batch, task\)"):
        build_user_table(_write(tmp_path, long_frame(), spec))


def test_a_value_that_varies_where_over_says_it_may_not(tmp_path: Path) -> None:
    spec = SPEC.replace("{name: accuracy, over: [task]}", "{name: accuracy, over: [device]}")
    with pytest.raises(BenchmarkFileError, match=r"'accuracy' differs between rows of"):
        build_user_table(_write(tmp_path, long_frame(), spec))


def test_a_filter_that_keeps_nothing_names_the_values(tmp_path: Path) -> None:
    spec = SPEC.replace("[onnx]", "[tensorrt]")
    with pytest.raises(BenchmarkFileError, match=r"no row has 'framework' in \['tensorrt'\].*onnx"):
        build_user_table(_write(tmp_path, long_frame(), spec))


def test_a_template_placeholder_missing_from_for_each(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        long_frame(),
        SPEC.replace('source: "accuracy_{task}"', 'source: "accuracy_{tsk}"'),
    )
    with pytest.raises(ConfigError, match=r"metrics\[0\] uses placeholder 'tsk'"):
        load_user_spec(path)


def test_over_must_name_pivot_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, long_frame(), SPEC.replace("over: [device]}", "over: [chip]}"))
    with pytest.raises(ConfigError, match=r"'over' names \['chip'\]"):
        load_user_spec(path)
