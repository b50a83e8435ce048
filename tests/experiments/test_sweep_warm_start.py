"""A sweep's warm_start: resolved per problem into the run's params (manifest and run id),
refused with the file, the field and the metric when the source leaks, and checked for every
problem of the sweep."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lab.errors import ConfigError
from lab.experiments import load_config
from lab.experiments.expansion import expand
from tests.conftest import needs_nb201

TARGETS = ["nbg-citeseer-err-lat", "nbg-pubmed-err-lat"]
WARM = {"problem": "nbg-cora-err-lat", "evaluations": 20, "selection": "front"}


def _write(tmp_path: Path, algorithms: list, problems: list[str] = TARGETS) -> Path:
    path = tmp_path / "transfer.yaml"
    raw = {"problems": problems, "algorithms": algorithms, "seeds": 2, "budget": 30}
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def _error(tmp_path: Path, algorithms: list, problems: list[str] = TARGETS) -> str:
    path = _write(tmp_path, algorithms, problems)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value)
    return str(info.value)


def test_warm_start_enters_params_manifest_and_run_id(tmp_path: Path) -> None:
    algorithms = [
        "zeroshot",
        {"name": "zeroshot", "label": "zeroshot-warm", "warm_start": WARM},
    ]
    runs = expand(load_config(_write(tmp_path, algorithms)))
    warm = [r for r in runs if r.label == "zeroshot-warm"]
    cold = [r for r in runs if r.label == "zeroshot"]
    assert len(warm) == len(cold) == 4
    for r in warm:
        assert r.params == {"warm_start": WARM}
        assert r.resolved()["params"]["warm_start"] == WARM  # what the manifest stores
    assert all(r.params == {} for r in cold)
    assert {r.run_id for r in warm}.isdisjoint({r.run_id for r in cold})
    # Another warm start is another run; no warm start keeps the id it had.
    other = [{"name": "zeroshot", "label": "zeroshot-warm",
              "warm_start": {**WARM, "evaluations": 21}}]  # fmt: skip
    (tmp_path / "b").mkdir()
    changed = expand(load_config(_write(tmp_path / "b", ["zeroshot", *other])))
    assert {r.run_id for r in changed if r.label == "zeroshot-warm"}.isdisjoint(
        {r.run_id for r in warm}
    )
    assert [r.run_id for r in changed if r.label == "zeroshot"] == [r.run_id for r in cold]


def test_a_mapping_gives_each_problem_its_source(tmp_path: Path) -> None:
    mapping = {"nbg-citeseer-err-lat": "nbg-cora-err-lat",
               "nbg-pubmed-err-lat": ["nbg-cora-err-lat", "nbg-photo-err-lat"]}  # fmt: skip
    algorithms = [{"name": "nsga2_warm", "warm_start": {**WARM, "problem": mapping}}]
    runs = expand(load_config(_write(tmp_path, algorithms)))
    by_problem = {r.problem: r.params["warm_start"]["problem"] for r in runs}
    assert by_problem == mapping


def test_a_leaky_source_is_refused_naming_the_metric(tmp_path: Path) -> None:
    leaky = {**WARM, "problem": "nbg-citeseer-err-lat-params"}
    message = _error(tmp_path, [{"name": "zeroshot", "warm_start": leaky}])
    assert "algorithms[0] (zeroshot).warm_start.problem" in message
    assert "leakage" in message
    for metric in ("latency_citeseer", "test_acc_citeseer", "val_acc_citeseer"):
        assert metric in message


def test_every_problem_of_the_sweep_is_checked(tmp_path: Path) -> None:
    # cora is a fine source for citeseer but is the target itself in the second problem.
    message = _error(tmp_path, [{"name": "zeroshot", "warm_start": WARM}],
                     problems=["nbg-citeseer-err-lat", "nbg-cora-err-lat"])  # fmt: skip
    assert "the source is the target" in message
    missing = {**WARM, "problem": {"nbg-citeseer-err-lat": "nbg-cora-err-lat"}}
    message = _error(tmp_path, [{"name": "zeroshot", "warm_start": missing}])
    assert "no source for problem 'nbg-pubmed-err-lat'" in message
    extra = {**WARM, "problem": {**dict.fromkeys(TARGETS, "nbg-cora-err-lat"), "nbg-cs": "x"}}
    assert "does not run" in _error(tmp_path, [{"name": "zeroshot", "warm_start": extra}])


@needs_nb201  # the source over another space is a NAS-Bench-201 problem
def test_a_source_over_another_space_is_refused(tmp_path: Path) -> None:
    other_space = {**WARM, "problem": "nb201-cifar100-err-lat-pixel3"}
    assert "search space" in _error(tmp_path, [{"name": "zeroshot", "warm_start": other_space}])


def test_unknown_source_and_bad_fields(tmp_path: Path) -> None:
    unknown = {**WARM, "problem": "no-such-problem"}
    assert "no available problem" in _error(tmp_path, [{"name": "zeroshot", "warm_start": unknown}])
    assert "evaluations" in _error(
        tmp_path, [{"name": "zeroshot", "warm_start": {**WARM, "evaluations": 0}}]
    )
    assert "takes no warm_start" in _error(tmp_path, [{"name": "random", "warm_start": WARM}])
    assert "not inside params" in _error(
        tmp_path, [{"name": "zeroshot", "params": {"warm_start": WARM}}]
    )
