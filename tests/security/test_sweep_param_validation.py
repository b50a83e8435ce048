"""Attack: algorithm hyperparameters of the wrong type or range in a sweep config.

``pop_size: abc``, ``-3`` or ``crossover_prob: 7.5`` used to pass config loading; every run then
failed with a traceback in its manifest ("'<' not supported ...", no field named). They are now
refused when the config is loaded, naming the file, the algorithm entry and the field.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lab.cli.main import app
from lab.errors import ConfigError
from lab.experiments.config import load_config

HEADER = "name: params\nproblems: [nbg-cora-err-lat]\nseeds: 1\nbudget: 20\n"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("{pop_size: abc}", r"algorithms\[0\] \(nsga2\)\.params\.pop_size: .*'abc'"),
        ("{pop_size: -3}", r"algorithms\[0\] \(nsga2\)\.params\.pop_size: .*-3"),
        ("{crossover_prob: 7.5}", r"algorithms\[0\] \(nsga2\)\.params\.crossover_prob: .*7\.5"),
        ("{pop_sise: 20}", r"algorithms\[0\] \(nsga2\)\.params.*pop_sise"),
    ],
)
def test_wrong_type_or_range_is_refused_at_load(tmp_path, params, message) -> None:
    path = tmp_path / "params.yaml"
    path.write_text(HEADER + f"algorithms:\n  - name: nsga2\n    params: {params}\n")
    with pytest.raises(ConfigError, match=rf"params\.yaml(.|\n)*{message}"):
        load_config(path)


def test_dry_run_says_which_field_without_a_traceback(tmp_path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text(
        HEADER + "algorithms:\n  - random\n  - name: nsga2\n    label: big\n"
        "    params: {pop_size: abc, crossover_prob: 7.5}\n"
    )
    result = CliRunner().invoke(app, ["run", str(path), "--dry-run"], env={"COLUMNS": "250"})
    assert result.exit_code == 2, result.output
    assert "algorithms[1] (big)" in result.output or "algorithms[1] (nsga2)" in result.output
    assert "pop_size" in result.output and "crossover_prob" in result.output
    assert "Traceback" not in result.output
