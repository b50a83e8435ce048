"""Safe model files: skops with an explicit allow-list of types, torch tensors loaded with
``weights_only=True``, JSON for configuration. Nothing here unpickles arbitrary objects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from lab.atomic_io import atomic_write, atomic_write_text
from lab.surrogates.errors import SurrogateFileError, UnsafeModelError

#: Types that skops does not trust by default but that the predictors of this package store. Any
#: other type found in a skops file is refused before anything is loaded.
SKOPS_TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "sklearn.tree._tree.Tree",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.neighbors._ball_tree.BallTree",
    }
)


def save_skops(obj: Any, path: Path) -> None:
    """Write a scikit-learn object to ``path`` in the skops format (atomically)."""
    import skops.io as sio

    atomic_write(Path(path), lambda tmp: sio.dump(obj, tmp))


def load_skops(path: Path, *, extra_trusted: frozenset[str] = frozenset()) -> Any:
    """Load a skops file whose every non-default type is in :data:`SKOPS_TRUSTED_TYPES`.

    Raises:
        UnsafeModelError: the file names a type outside the allow-list (it is not loaded).
    """
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise SurrogateFileError(f"{path}: model file not found")
    untrusted = set(sio.get_untrusted_types(file=path))
    refused = sorted(untrusted - SKOPS_TRUSTED_TYPES - extra_trusted)
    if refused:
        raise UnsafeModelError(
            f"{path}: refuses to load types outside the allow-list: {refused}; if the file is "
            "yours and the types are safe, add them to lab.surrogates.safe_io.SKOPS_TRUSTED_TYPES"
        )
    return sio.load(path, trusted=sorted(untrusted))


def save_tensors(tensors: dict[str, Any], path: Path) -> None:
    """``torch.save`` a flat mapping of name -> tensor (or a state dict) atomically."""
    import torch

    atomic_write(Path(path), lambda tmp: torch.save(tensors, tmp))


def load_tensors(path: Path) -> dict[str, Any]:
    """Inverse of :func:`save_tensors`, with ``weights_only=True`` (no arbitrary unpickling)."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise SurrogateFileError(f"{path}: tensor file not found")
    try:
        return torch.load(path, weights_only=True, map_location="cpu")
    except Exception as exc:  # torch raises UnpicklingError for anything beyond tensors
        raise UnsafeModelError(f"{path}: not a plain tensor file ({exc})") from exc


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def write_json(path: Path, data: Any) -> None:
    """Pretty JSON, atomically; numpy scalars and arrays become plain numbers and lists."""
    atomic_write_text(Path(path), json.dumps(_jsonable(data), indent=2, sort_keys=False) + "\n")


def read_json(path: Path) -> Any:
    """Parse a JSON file; errors name the file."""
    path = Path(path)
    if not path.is_file():
        raise SurrogateFileError(f"{path}: not found")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SurrogateFileError(f"{path}: invalid JSON ({exc})") from exc
