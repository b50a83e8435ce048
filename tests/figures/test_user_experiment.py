"""Every figure kind on an experiment the figures were not designed for: 4 problems with long
names (2 and 3 objectives, one constrained), 8 algorithms, several seeds; each drawn figure is
checked for overlapping or clipped text. Runs a real sweep (about a minute of CPU): slow."""

from __future__ import annotations

import pytest
import yaml

from lab.experiments import load_config, run_sweep
from lab.figures import parse_recipe, render_recipe
from lab.figures.layout_check import layout_problems
from lab.figures.style import paper_style

SWEEP = {
    "name": "user-sweep",
    "problems": [
        "nb201-cifar10-err-flops-lat-pixel3-le12",
        "nbg-citeseer-err-lat",
        "nb201-cifar100-err-params-flops",
        "nbg-arxiv-err-lat-params",
    ],
    "algorithms": [
        "random",
        "nsga2",
        "moead",
        "smsemoa",
        "nsga3",
        "ibea",
        "pls",
        "scalarized_tcheby",
    ],
    "seeds": 4,
    "budget": 30,
    "n_init": 10,
    "batch_size": 5,
}
FIGURES = [
    {"kind": "anytime"},
    {"kind": "anytime", "name": "anytime_init", "x_from": "initial_design"},
    {"kind": "final_distribution"},
    {"kind": "fronts"},
    {"kind": "fronts", "name": "fronts_parallel", "many_objectives": "parallel_coordinates"},
    {"kind": "fronts", "name": "fronts_pairs", "many_objectives": "pairs"},
    {"kind": "eaf_difference"},
    {"kind": "critical_difference"},
    {"kind": "generalization"},
    {"kind": "transfer"},
]


@pytest.mark.slow
@pytest.mark.parametrize("width", ["single", "double"])
def test_every_kind_renders_without_overlap(width, tmp_path_factory):
    folder = tmp_path_factory.getbasetemp() / "user-sweep"
    if not (folder / "results").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "sweep.yaml").write_text(yaml.safe_dump(SWEEP))
        report = run_sweep(
            load_config(folder / "sweep.yaml"), workers=1, results_dir=folder / "results",
            progress=False,
        )  # fmt: skip
        assert report.complete
    recipe = parse_recipe(
        {
            "name": "user",
            "experiment": "user-sweep",
            "formats": ["png"],
            "dpi": 60,
            "width": width,
            "figures": FIGURES,
        }
    )
    out = render_recipe(
        recipe, results_dir=folder / "results", out_dir=tmp_path_factory.mktemp("f")
    )
    kinds = {f.kind for f in out.figures}
    assert kinds == {f["kind"] for f in FIGURES}, out.skipped
    problems = {}
    with paper_style():
        for fig in out.figures:
            found = layout_problems(fig.figure)
            if found:
                problems[fig.name] = found[:3]
    assert not problems, problems
