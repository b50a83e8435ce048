"""The README's long-table example (a long hardware table named by official NAS-Bench-201
indices -> pivot, declared space, templated metrics and problems -> a spec joining it with
AnalogNAS) runs as written, and what the README says about it holds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import spearmanr

from tests.conftest import SHARED_DATA, needs_nb201
from tests.test_readme_worked_example import ROOT, shims

pytestmark = needs_nb201


def example_blocks() -> list[tuple[str, str, str | None]]:
    """``(language, code, file name)`` of each fenced block between the example's markers."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split("<!-- long-table-example:start -->")[1]
    body = body.split("<!-- long-table-example:end -->")[0]
    blocks = []
    for match in re.finditer(r"(?:`([^`\n]+)`[^\n]*:\n\n)?```(\w+)\n(.*?)```", body, re.S):
        name, lang, code = match.group(1), match.group(2), match.group(3)
        if lang == "python" and name is None:
            name = re.match(r"# (\S+\.py)", code).group(1)
        blocks.append((lang, code, name))
    return blocks


def _has_analognas() -> bool:
    from lab.benchmarks.recipes.analognas import data_path

    return data_path() is not None


def _write_files(work: Path) -> list[tuple[str, str, str | None]]:
    blocks = example_blocks()
    for _, code, name in blocks:
        if name is not None:
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_text(code)
    return blocks


def test_the_example_s_tables_and_what_the_readme_says(tmp_path: Path, monkeypatch) -> None:
    """In this process: the long table imports with the spec alone (15,625 cells, 4 problems),
    its problems get NAS-Bench-201's degenerate rule (1,983 cells out, CIFAR-100 error nadir
    59.72 %, 99 % without the space), and the joined spec equals an independent join."""
    from lab.benchmarks.store import clear_cache, load_table
    from lab.problems.user_import import import_user_benchmark
    from lab.spaces.nasbench201 import NasBench201Space

    monkeypatch.chdir(tmp_path)
    _write_files(tmp_path)
    subprocess.run([sys.executable, "make_hw_table.py"], check=True, cwd=tmp_path, timeout=300)
    table, problems = import_user_benchmark("hw", tmp_path / "benchmarks" / "hw.yaml")
    assert len(table) == 15625 and table.space == "nasbench201"
    assert sorted(p.name for p in problems) == [
        "hw-cifar10-err-lat-pixel3_1", "hw-cifar10-err-lat-titan_rtx_256",
        "hw-cifar100-err-lat-pixel3_1", "hw-cifar100-err-lat-titan_rtx_256",
    ]  # fmt: skip
    source = load_table("nasbench201-12ep").frame.set_index("arch_id").loc[table.arch_ids]
    np.testing.assert_array_equal(
        table.metric_values("lat_titan_rtx_32"), source["latency_titan_rtx_32"]
    )
    np.testing.assert_array_equal(table.metric_values("acc_cifar100"), source["test_acc_cifar100"])
    np.testing.assert_allclose(table.metric_values("params"), source["params_cifar100"])
    problem = next(p for p in problems if p.name == "hw-cifar100-err-lat-pixel3_1")
    degenerate = NasBench201Space().degenerate_mask(table.genomes)
    assert int(degenerate.sum()) == 1983 == int(problem.degenerate_all.sum())
    assert problem.nadir[0] == pytest.approx(59.72, abs=1e-6)
    opaque = (tmp_path / "benchmarks" / "hw.yaml").read_text()
    opaque = opaque.replace("name: hw\n", "name: hwo\n").replace('"hw-{task}', '"hwo-{task}')
    opaque = opaque.replace("space: nasbench201", "genome: [{column: arch, cardinality: 15625}]")
    opaque = opaque.replace("index_column: arch", "id_column: arch")
    opaque = re.sub(r"  - \{column: params, compute.*?\n.*?\n", "", opaque)
    (tmp_path / "benchmarks" / "hwo.yaml").write_text(opaque)
    _, before = import_user_benchmark("hwo", tmp_path / "benchmarks" / "hwo.yaml")
    worst = next(p for p in before if p.name == "hwo-cifar100-err-lat-pixel3_1")
    assert not worst.degenerate_all.any() and worst.nadir[0] == pytest.approx(99.0)
    if _has_analognas():
        joined, _ = import_user_benchmark("hw-analog", tmp_path / "benchmarks" / "hw-analog.yaml")
        analog = load_table("analognas").frame.set_index("arch_id").loc[joined.arch_ids]
        np.testing.assert_array_equal(
            joined.metric_values("acc_analog_30d"), analog["acc_analog_ft_drift_30d"]
        )
        by_string = analog.reset_index().set_index("arch_str").loc[table.frame["arch_str"]]
        rho = spearmanr(table.metric_values("acc_cifar10"), by_string["acc_digital"]).statistic
        assert rho == pytest.approx(0.880, abs=5e-4)
    clear_cache()


@pytest.mark.slow
def test_the_example_runs_as_written(tmp_path: Path) -> None:
    if not _has_analognas():
        pytest.skip("analog-nasbench is not installed")
    work = tmp_path / "study"
    work.mkdir()
    env = {
        **os.environ,
        "PATH": f"{shims(tmp_path / 'bin')}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "LAB_DATA_DIR": str(tmp_path / "tables"),
        "LAB_RAW_DATA_DIR": str(SHARED_DATA),
        "COLUMNS": "200",
    }
    outputs = []
    for lang, code, name in _write_files(work):
        if name is not None or lang != "bash":
            continue
        for line in code.splitlines():
            command = line.split("  #")[0].strip()
            if command:
                out = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True,
                                     text=True, timeout=900)  # fmt: skip
                assert out.returncode == 0, f"{command}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
                outputs.append(out.stdout)
    text = " ".join(" ".join(outputs).split())
    assert "imported hw: 15625 rows" in text
    assert "1983 degenerate" in text
    assert (tmp_path / "tables" / "hw.audit.yaml").is_file()
    assert "+0.880" in text
