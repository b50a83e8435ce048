"""Recipe schema: defaults, and errors that name the file, the field and the valid values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lab.errors import ConfigError
from lab.figures.recipe import FIGURE_KINDS, load_recipe, parse_recipe
from lab.figures.render import default_output_dir


def parse(raw: dict, name: str = "r"):
    return parse_recipe(raw, source="paper_figures/r.yaml", default_name=name)


def test_defaults_and_file_stems():
    r = parse(
        {
            "experiment": "e",
            "figures": [
                {"kind": "anytime"},
                {"kind": "anytime", "metric": "igd_plus"},
                {"kind": "final_distribution"},
                {"kind": "fronts"},
                {"kind": "eaf_difference"},
                {"kind": "critical_difference"},
                {"kind": "generalization"},
                {"kind": "transfer"},
            ],
        }
    )
    assert r.name == "r" and r.formats == ["pdf", "png"] and r.dpi == 300
    assert r.width == "single" and r.tables
    assert [f.stem() for f in r.figures] == [
        "anytime_hv_normalized",
        "anytime_igd_plus",
        "final_hv_normalized",
        "fronts",
        "eaf_diff",
        "cd_hv_normalized",
        "generalization",
        "transfer",
    ]
    assert r.figures[0].logx and not r.figures[0].logy


def test_output_folder_is_beside_the_recipe(tmp_path: Path):
    path = tmp_path / "figs" / "paper.yaml"
    path.parent.mkdir()
    path.write_text("experiment: e\nfigures: [{kind: anytime}]\n")
    recipe = load_recipe(path)
    assert recipe.name == "paper" and recipe.source == str(path) and len(recipe.source_sha256) == 64
    assert default_output_dir(recipe) == tmp_path / "figs" / "paper"


@pytest.mark.parametrize(
    ("raw", "pattern"),
    [
        (
            {"experiment": "e", "figures": [{"kind": "anytim"}]},
            r"field figures\[0\]: Input tag 'anytim' .* expected tags: 'anytime', 'critical_difference'",
        ),
        (
            {"experiment": "e", "figures": [{"kind": "anytime", "metrc": "x"}]},
            r"field figures\[0\] \(anytime\)\.metrc: unknown field; .*valid fields: .*metric",
        ),
        (
            {"experiment": "e", "figures": [{"kind": "anytime", "metric": "hv"}]},
            r"figures\[0\] \(anytime\)\.metric: Input should be 'hv_normalized'",
        ),
        ({"figures": [{"kind": "anytime"}]}, r"set 'experiment'"),
        (
            {"experiment": "e", "colour": 1, "figures": [{"kind": "anytime"}]},
            r"field colour: unknown field; .*valid fields: name, description, experiment",
        ),
        (
            {"experiment": "e", "figures": [{"kind": "anytime"}, {"kind": "anytime"}]},
            r"same files \['anytime_hv_normalized'\]",
        ),
        (
            {"experiment": "e", "figures": [{"kind": "fronts", "show": "seed"}]},
            r"figures\[0\] \(fronts\): show: seed needs 'seed'",
        ),
        (
            {"experiment": "e", "figures": [{"kind": "fronts", "seed": 2}]},
            r"'seed' is only used with show: seed",
        ),
        (
            {"experiment": "e", "figures": [{"kind": "eaf_difference", "pair": ["a", "a"]}]},
            r"\(eaf_difference\)\.pair: pair needs two different variants",
        ),
        ({"figures": [{"kind": "parity"}]}, r"exactly one of 'table'.*'surrogates'"),
        (
            {"figures": [{"kind": "parity", "table": "t.csv", "surrogates": ["s"]}]},
            r"exactly one of 'table'",
        ),
        ({"figures": [{"kind": "importance"}]}, r"\(importance\)\.table: Field required"),
        (
            {"experiment": "e", "figures": [{"kind": "anytime", "name": "a/b"}]},
            r"\.name: .*it becomes a file name",
        ),
        (
            {"experiment": "e", "formats": ["pdf", "pdf"], "figures": [{"kind": "anytime"}]},
            r"field formats: .*repeat",
        ),
        ({"experiment": "e", "figures": []}, r"field figures: List should have at least 1"),
        ({"experiment": "e", "width": "triple", "figures": [{"kind": "anytime"}]}, r"field width"),
    ],
)
def test_errors_name_file_and_field(raw, pattern):
    with pytest.raises(ConfigError, match=r"paper_figures/r\.yaml: invalid figure recipe") as info:
        parse(raw)
    assert re.search(pattern, str(info.value)), str(info.value)


def test_file_level_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match=r"nothing\.yaml: cannot read"):
        load_recipe(tmp_path / "nothing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("figures: [\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: invalid YAML"):
        load_recipe(bad)
    bad.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match=r"bad\.yaml: a figure recipe must be a YAML mapping"):
        load_recipe(bad)


def test_every_kind_is_documented_and_drawable():
    from lab.figures.entry import FigureEntry

    assert len(FIGURE_KINDS) >= 11
    for kind, cls in FIGURE_KINDS.items():
        assert cls.__doc__, kind
        # Each kind draws itself: the method is its own, not the base class' placeholder.
        assert cls.draw is not FigureEntry.draw, kind


def test_a_kind_is_added_in_one_place(tmp_path):
    """A new entry class registered with ``figure_kind`` is accepted by the recipe schema and
    drawn by the renderer, with no other edit."""
    from typing import Literal

    from matplotlib.figure import Figure

    from lab.figures import entry as entry_mod
    from lab.figures import recipe as recipe_mod
    from lab.figures import render as render_mod

    @entry_mod.figure_kind
    class BlankFigure(entry_mod.FigureEntry):
        """An empty panel (for this test)."""

        kind: Literal["blank_for_test"]

        def draw(self, ctx):
            fig = Figure(figsize=(2, 2))
            fig.add_subplot()
            return [entry_mod.Drawn(None, fig)]

    try:
        import importlib

        # The schema is built from the registry when the recipe module is imported.
        importlib.reload(recipe_mod)
        importlib.reload(render_mod)
        recipe = recipe_mod.parse_recipe(
            {"name": "blank", "formats": ["png"], "figures": [{"kind": "blank_for_test"}]}
        )
        report = render_mod.render_recipe(recipe, out_dir=tmp_path)
        assert [f.kind for f in report.figures] == ["blank_for_test"]
        assert (tmp_path / "blank_for_test.png").is_file()
    finally:
        del entry_mod.FIGURE_KINDS["blank_for_test"]
        importlib.reload(recipe_mod)
        importlib.reload(render_mod)


def test_one_class_called_recipe_in_the_lab():
    """Benchmark recipes keep the name; the figure recipe is ``FigureRecipe``."""
    import ast
    from pathlib import Path

    import lab

    root = Path(lab.__file__).parent
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef) and node.name == "Recipe"
    ]
    assert found == ["benchmarks/recipe.py"]
