"""The README's Python examples run as written: every ```python block, in order, in one
namespace (as a notebook would), in a fresh working folder."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def python_blocks(text: str) -> list[str]:
    return BLOCK.findall(text)


def test_the_readme_has_python_examples_for_every_entry_point():
    code = "\n".join(python_blocks(README.read_text(encoding="utf-8")))
    for entry in ("load_problem", "make_algorithm", "run(", "run_sweep", "load_experiment",
                  "analyze", "draw", "as_pymoo", "minimize"):  # fmt: skip
        assert f"lab.{entry}" in code or entry in code, entry


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LAB_RESULTS_DIR", raising=False)
    namespace: dict[str, object] = {"__name__": "readme"}
    blocks = python_blocks(README.read_text(encoding="utf-8"))
    assert len(blocks) >= 5
    for i, block in enumerate(blocks):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
    # What the examples promise, checked on what they left behind.
    result = namespace["result"]
    assert 0 < result.scores.hv_normalized <= 1
    assert (tmp_path / "anytime.png").stat().st_size > 0
    assert namespace["report"].complete and len(namespace["runs"]) == 14 * 30
