"""Reading YAML files with errors that name the file: one place for every config loader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from lab.errors import ConfigError


def read_yaml(path: Path, *, what: str) -> tuple[str, Any]:
    """The text of the YAML file at ``path`` and its parsed content.

    Args:
        path: the file.
        what: what the file is, for messages (e.g. ``"sweep config"``).
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML ({exc})") from None
