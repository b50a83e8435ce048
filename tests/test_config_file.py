"""lab.config_file: bounded safe YAML reading and one validation-error formatter."""

from __future__ import annotations

import time
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from lab.config_file import (
    YamlBounds,
    field_path,
    load_yaml_model,
    parse_yaml,
    read_yaml,
    validate,
)
from lab.errors import ConfigError

# 9 levels of 9 aliases: 9**9 (about 387 million) strings once expanded, in under 450 bytes.
ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(
            f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]"
            for a, b in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    pop_size: int = Field(default=10, ge=2)
    crossover_prob: float = Field(default=0.9, ge=0, le=1)


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    params: Params = Params()


class Sweep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["fast", "slow"] = "fast"
    algorithms: list[Entry]
    budget: int = Field(ge=1)


def test_alias_bomb_fails_fast_naming_file_and_bound(tmp_path) -> None:
    assert len(ALIAS_BOMB.encode()) < 450
    path = tmp_path / "bomb.yaml"
    path.write_text(ALIAS_BOMB)
    start = time.perf_counter()
    with pytest.raises(ConfigError) as info:
        read_yaml(path, what="sweep config")
    assert time.perf_counter() - start < 5  # generous: it takes milliseconds
    assert str(path) in str(info.value) and "max_nodes" in str(info.value)


def test_alias_count_depth_and_size_are_bounded(tmp_path) -> None:
    aliases = "a: &a 1\nb: [" + ", ".join(["*a"] * 20) + "]\n"
    with pytest.raises(ConfigError, match="max_aliases"):
        parse_yaml(aliases, source="x.yaml", bounds=YamlBounds(max_aliases=10))
    assert parse_yaml(aliases)["b"] == [1] * 20
    deep = "[" * 100 + "]" * 100
    with pytest.raises(ConfigError, match=r"x\.yaml.*max_depth"):
        parse_yaml(deep, source="x.yaml")
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200)
    with pytest.raises(ConfigError, match=r"big\.yaml.*larger than 100 bytes \(max_bytes\)"):
        read_yaml(path, what="config", bounds=YamlBounds(max_bytes=100))


def test_recursive_alias_is_refused() -> None:
    with pytest.raises(ConfigError, match="recursive alias"):
        parse_yaml("a: &a [1, *a]\n", source="r.yaml")


def test_binary_and_non_utf8_files_are_refused_with_the_fix(tmp_path) -> None:
    binary = tmp_path / "model.yaml"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ConfigError, match=r"model\.yaml: the spec is a binary file.*UTF-8"):
        read_yaml(binary, what="spec")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin\.yaml: the spec is not UTF-8 .*byte 9 is 0xe9"):
        read_yaml(latin, what="spec")
    bom = tmp_path / "bom.yaml"
    bom.write_bytes("\ufeffname: caf\u00e9\n".encode())
    assert read_yaml(bom, what="spec")[1] == {"name": "caf\u00e9"}


def test_unsafe_tags_missing_files_and_bad_yaml(tmp_path) -> None:
    with pytest.raises(ConfigError, match="invalid YAML"):
        parse_yaml("a: !!python/object/apply:os.system ['true']\n", source="t.yaml")
    with pytest.raises(
        ConfigError, match=r"nope\.yaml: cannot read the sweep config .*check the path"
    ):
        read_yaml(tmp_path / "nope.yaml", what="sweep config")
    with pytest.raises(ConfigError, match=r"invalid YAML"):
        parse_yaml("a: [1, 2\n", source="t.yaml")


def test_validation_errors_name_file_field_value_and_fix(tmp_path) -> None:
    path = tmp_path / "sweep.yaml"
    path.write_text(
        "budget: 0\n"
        "algorithms:\n"
        "  - name: random\n"
        "  - {name: nsga2, params: {pop_size: abc}}\n"
        "  - {name: moead, params: {pop_size: -3, crossover_prob: 7.5, pop_sise: 4}}\n"
    )
    with pytest.raises(ConfigError) as info:
        load_yaml_model(path, Sweep, what="sweep config")
    lines = str(info.value).splitlines()
    assert lines[0] == f"{path}: invalid sweep config"
    text = "\n".join(lines[1:])
    assert "field budget: Input should be greater than or equal to 1 (got 0)" in text
    assert "field algorithms[1] (nsga2).params.pop_size:" in text
    assert "(got 'abc'); give a whole number" in text
    assert "field algorithms[2] (moead).params.pop_size: Input should be greater" in text
    assert "field algorithms[2] (moead).params.crossover_prob: Input should be less" in text
    assert (
        "field algorithms[2] (moead).params.pop_sise: unknown field; remove it or fix its "
        "spelling (valid fields: pop_size, crossover_prob)"
    ) in text


def test_validate_needs_a_mapping_and_reports_missing_fields() -> None:
    with pytest.raises(ConfigError, match=r"s\.yaml: a sweep config must be a YAML mapping"):
        validate(Sweep, [1, 2], source="s.yaml", what="sweep config")
    with pytest.raises(ConfigError, match=r"field algorithms: Field required; add this field"):
        validate(Sweep, {"budget": 3}, source="s.yaml", what="sweep config")
    ok = validate(Sweep, {"budget": 3, "algorithms": [{"name": "x"}]}, source="s", what="w")
    assert ok.algorithms[0].params.pop_size == 10


def test_field_path_shows_names_and_tags() -> None:
    raw = {"figures": [{"kind": "fronts", "x": 1}], "algorithms": ["random", {"name": "ibea"}]}
    assert field_path(("figures", 0, "fronts", "x"), raw) == "figures[0] (fronts).x"
    assert field_path(("algorithms", 1, "params"), raw) == "algorithms[1] (ibea).params"
    assert field_path(("algorithms", 0), raw) == "algorithms[0] (random)"
    assert field_path((), raw) == "(top level)"
