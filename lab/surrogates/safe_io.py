"""Safe model files: skops with an explicit allow-list of types, torch tensors loaded with
``weights_only=True``, JSON for configuration. Nothing here unpickles arbitrary objects.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from lab.errors import SurrogateFileError, UnsafeModelError
from lab.fileio import atomic_write
from lab.fileio import read_json as read_json_file

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

    from lab.surrogates.model_checks import check_sklearn_model

    path = Path(path)
    if not path.is_file():
        raise SurrogateFileError(f"{path}: model file not found")
    try:
        untrusted = set(sio.get_untrusted_types(file=path))
    except Exception as exc:  # BadZipFile, KeyError, JSON errors: a damaged archive
        raise SurrogateFileError(
            f"{path}: not a readable skops file ({type(exc).__name__}: {exc}); refit the "
            "surrogate with `lab surrogate fit`"
        ) from exc
    refused = sorted(untrusted - SKOPS_TRUSTED_TYPES - extra_trusted)
    if refused:
        raise UnsafeModelError(
            f"{path}: refuses to load types outside the allow-list: {refused}; if the file is "
            "yours and the types are safe, add them to lab.surrogates.safe_io.SKOPS_TRUSTED_TYPES"
        )
    try:
        model = sio.load(path, trusted=sorted(untrusted))
    except Exception as exc:  # a damaged member, an edited schema, a wrong array shape
        raise SurrogateFileError(
            f"{path}: the skops file is damaged ({type(exc).__name__}: {exc}); refit the "
            "surrogate with `lab surrogate fit`"
        ) from exc
    check_sklearn_model(model, path)
    return model


def read_model_bytes(path: Path) -> bytes:
    """The bytes of a model file, or a :class:`SurrogateFileError` naming it."""
    path = Path(path)
    if not path.is_file():
        raise SurrogateFileError(f"{path}: model file not found")
    return path.read_bytes()


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
    except pickle.UnpicklingError as exc:  # torch refuses anything beyond tensors this way
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnsafeModelError(f"{path}: not a plain tensor file ({first})") from exc
    except Exception as exc:  # truncated or edited archive
        raise SurrogateFileError(
            f"{path}: unreadable tensor file ({type(exc).__name__}: {exc}); refit the surrogate "
            "with `lab surrogate fit`"
        ) from exc


def read_json(path: Path) -> Any:
    """Parse a JSON file of a saved surrogate; errors (:class:`SurrogateFileError`) name it.

    The file must be a regular file within ``LAB_MAX_JSON_BYTES`` and nest at most
    ``LAB_MAX_JSON_DEPTH`` deep (:mod:`lab.file_bounds`): a card of 200,000 nested brackets is
    refused by name instead of exhausting the parser's recursion."""
    return read_json_file(path, what="surrogate file", error=SurrogateFileError)
