"""Saved surrogates: ``surrogates/<name>/`` holds everything needed to predict again, in safe
formats only, plus a model card.

Layout::

    surrogates/<name>/
        surrogate.json     space, encoding, targets, transforms, benchmark, format version
        predictor/         predictor.json + the model (XGBoost JSON, skops, torch state dict)
        split.json         arch ids of the training rows
        card.json          model card: data and checksum of the table, split, training size,
                           held-out metrics, library versions, sha256 of every other file
        card.md            the same card for people

The folder is written under a temporary name and renamed when complete, so a killed fit never
leaves a folder that looks like a surrogate. Loading checks every file against the sha256 the
card records, and the model files' structure (:mod:`lab.surrogates.model_checks`) before any
library reads them; a damaged folder is one :class:`SurrogateFileError` naming the file. The
surrogates folder is ``$LAB_SURROGATES_DIR`` or ``./surrogates/`` of the working folder.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lab.errors import LabError, SurrogateError, SurrogateFileError, unknown_name
from lab.fileio import sha256_file, write_json
from lab.registry import check_name as check_lab_name
from lab.surrogates.predictors import load_predictor
from lab.surrogates.safe_io import read_json
from lab.surrogates.surrogate import Surrogate
from lab.surrogates.targets import TargetTransform
from lab.writable_folder import writable_folder

SURROGATES_ENV = "LAB_SURROGATES_DIR"
ARTIFACT_FORMAT_VERSION = 2
SURROGATE_FILE = "surrogate.json"
CARD_FILE = "card.json"
CARD_MD_FILE = "card.md"
SPLIT_FILE = "split.json"
PREDICTOR_DIR = "predictor"


def surrogates_dir() -> Path:
    """Folder of saved surrogates: ``$LAB_SURROGATES_DIR`` or ``./surrogates/`` of the working
    folder (never a folder relative to where the lab is installed)."""
    return Path(os.environ.get(SURROGATES_ENV) or Path.cwd() / "surrogates").expanduser()


def check_name(name: str) -> str:
    """``name`` if it follows the lab's name rule (:func:`lab.registry.check_name`) for a
    surrogate (or table) name, else a :class:`SurrogateError`."""
    return check_lab_name(
        name, what="surrogate name", why="it names a folder of surrogates", error=SurrogateError
    )


@dataclass
class SavedSurrogate:
    """A surrogate loaded from disk with its card and training rows.

    Attributes:
        name: folder name.
        path: the folder.
        surrogate: the fitted surrogate.
        card: the model card (``card.json``).
        train_arch_ids: arch ids of the training rows.
    """

    name: str
    path: Path
    surrogate: Surrogate
    card: dict[str, Any]
    train_arch_ids: np.ndarray


def library_versions() -> dict[str, str]:
    """Versions of the libraries a saved surrogate depends on."""
    import importlib.metadata as md
    import platform

    out = {"python": platform.python_version()}
    for dist in ("mo-nas-lab", "numpy", "scikit-learn", "xgboost", "torch", "gpytorch",
                 "botorch", "skops", "pandas"):  # fmt: skip
        try:
            out[dist] = md.version(dist)
        except md.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def card_markdown(card: dict[str, Any]) -> str:
    """A readable model card."""
    lines = [
        f"# Surrogate `{card['name']}`",
        "",
        f"Predicts {', '.join(f'`{t}`' for t in card['targets'])} of benchmark "
        f"`{card['data']['benchmark']}` with `{card['predictor']['name']}` on the "
        f"`{card['encoding']['name']}` encoding ({card['encoding']['n_features']} features).",
        "",
        "## Data",
        f"- table: `{card['data']['benchmark']}`, {card['data']['table_rows']} rows, sha256 "
        f"`{card['data']['table_sha256']}`",
        f"- space: `{card['data']['space']}`",
        f"- split: {card['split']['kind']}, {card['split']['n_train']} training rows, "
        f"{card['split']['n_test']} held out, seed {card['split']['seed']}",
        "",
        "## Held-out metrics",
    ]
    if card["metrics"]:
        names = list(next(iter(card["metrics"].values())))
        lines += ["| target | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for target, values in card["metrics"].items():
            cells = [f"{values[n]:.4f}" if values[n] is not None else "" for n in names]
            lines.append(f"| {target} | " + " | ".join(cells) + " |")
    else:
        lines.append("(fitted on every row; nothing held out)")
    lines += [
        "",
        "## Model",
        f"- predictor: `{card['predictor']['name']}`, params `{card['predictor']['params']}`",
        f"- target transforms: `{card['transforms']}`",
        f"- fit time: {card['fit_s']:.2f} s",
        "",
        "## Versions",
        *(f"- {k}: {v}" for k, v in card["versions"].items()),
        "",
        "## Files (sha256)",
        *(f"- `{k}`: `{v}`" for k, v in card.get("files", {}).items()),
        "",
    ]
    return "\n".join(lines)


def save_surrogate(
    saved_name: str,
    surrogate: Surrogate,
    *,
    card: dict[str, Any],
    train_arch_ids: np.ndarray,
    directory: Path | None = None,
    overwrite: bool = False,
) -> Path:
    """Write ``surrogate`` as ``<directory>/<saved_name>/`` (atomically); returns the folder.

    The new surrogate is written into a temporary folder beside the target and renamed into
    place complete. With ``overwrite``, the old one is first renamed aside and deleted only once
    the new one is in place: a process killed between the two renames leaves the old surrogate
    complete as ``.<saved_name>.<hex>.old`` (rename it back), never half of either.
    Folders get the usual permissions (``0o777`` filtered by the umask), as files do.
    """
    directory = Path(directory or surrogates_dir())
    target = directory / check_name(saved_name)
    if target.exists() and not overwrite:
        raise SurrogateError(f"{target}: a surrogate of that name exists; pass --force to replace")
    writable_folder(directory, what="saved surrogates", setting="$LAB_SURROGATES_DIR")
    # Not tempfile.mkdtemp: it creates the folder 0o700, which the rename would keep.
    tmp = directory / f".{saved_name}.{uuid.uuid4().hex}.tmp"
    tmp.mkdir()
    try:
        surrogate.predictor.save(tmp / PREDICTOR_DIR)
        write_json(
            tmp / SURROGATE_FILE,
            {
                "format_version": ARTIFACT_FORMAT_VERSION,
                "space": surrogate.space,
                "encoding": surrogate.encoding,
                "targets": list(surrogate.targets),
                "transforms": [t.to_dict() for t in surrogate.transforms],
                "benchmark": card["data"]["benchmark"],
            },
        )
        write_json(tmp / SPLIT_FILE, {"train_arch_ids": np.asarray(train_arch_ids).tolist()})
        card = {**card, "files": file_checksums(tmp)}
        write_json(tmp / CARD_FILE, card)
        (tmp / CARD_MD_FILE).write_text(card_markdown(card), encoding="utf-8")
        _replace_folder(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _replace_folder(new: Path, target: Path) -> None:
    """Put the complete folder ``new`` at ``target``; an existing ``target`` is renamed aside
    first and deleted last, so that at every moment one complete surrogate exists on disk."""
    if not target.exists():
        os.replace(new, target)
        return
    old = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
    os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def file_checksums(folder: Path) -> dict[str, str]:
    """``relative path -> sha256`` of every file in a surrogate folder but the card itself."""
    folder = Path(folder)
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).as_posix() not in (CARD_FILE, CARD_MD_FILE)
    }


def verify_files(path: Path, card: dict[str, Any]) -> None:
    """Compare every file of the surrogate folder ``path`` with the sha256 in its card.

    Raises:
        SurrogateFileError: a file is missing, changed, or not recorded in the card.
    """
    recorded = card.get("files")
    where = path / CARD_FILE
    if not isinstance(recorded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in recorded.items()
    ):
        raise SurrogateFileError(
            f"{where}: no 'files' checksums; refit the surrogate with `lab surrogate fit`"
        )
    actual = file_checksums(path)
    for name, digest in recorded.items():
        if name not in actual:
            raise SurrogateFileError(
                f"{path / name}: missing (the card records it); the surrogate folder is "
                "incomplete: refit it with `lab surrogate fit`"
            )
        if actual[name] != digest:
            raise SurrogateFileError(
                f"{path / name}: sha256 {actual[name]} differs from {digest} recorded in {where}; "
                "the file was damaged or edited: refit the surrogate with `lab surrogate fit`"
            )
    foreign = sorted(set(actual) - set(recorded))
    if foreign:
        raise SurrogateFileError(
            f"{path / foreign[0]}: not recorded in {where} (a foreign file in the surrogate "
            "folder); remove it or refit the surrogate"
        )


def surrogate_names(directory: Path | None = None) -> list[str]:
    """Names of the complete saved surrogates in ``directory``."""
    directory = Path(directory or surrogates_dir())
    if not directory.is_dir():
        return []
    return sorted(
        p.name
        for p in directory.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / SURROGATE_FILE).is_file()
    )


def read_card(name: str, *, directory: Path | None = None) -> dict[str, Any]:
    """The model card of the saved surrogate ``name`` (nothing else is loaded)."""
    directory = Path(directory or surrogates_dir())
    if not (directory / name).is_dir():
        raise unknown_name(f"surrogate in {directory}", name, surrogate_names(directory))
    # Bounded like every file of a surrogate folder (size, nesting: lab.file_bounds); a damaged
    # card is a SurrogateFileError naming it, so listing goes on with the other surrogates.
    card = read_json(directory / name / CARD_FILE)
    if not isinstance(card, dict):
        raise SurrogateFileError(f"{directory / name / CARD_FILE}: expected a JSON object")
    for key in ("data", "targets", "predictor", "encoding", "split", "metrics"):
        if key not in card:
            raise SurrogateFileError(f"{directory / name / CARD_FILE}: missing field {key!r}")
    _check_card_shape(card, directory / name / CARD_FILE)
    return card


def _check_card_shape(card: dict[str, Any], path: Path) -> None:
    """Refuse a card whose fields that listings read have the wrong type (an edited card must
    be one error naming it, not a crash of ``lab surrogate ls``)."""
    objects = ("data", "predictor", "encoding", "split", "metrics")
    wrong = [k for k in objects if not isinstance(card[k], dict)]
    if not isinstance(card["targets"], list) or not all(
        isinstance(t, str) for t in card["targets"]
    ):
        wrong.append("targets")
    if not wrong and not all(
        isinstance(m, dict) and isinstance(m.get("kendall_tau"), int | float)
        for m in card["metrics"].values()
    ):
        wrong.append("metrics")
    if not wrong:
        needed = (("data", "benchmark"), ("predictor", "name"), ("encoding", "name"),
                  ("split", "n_train"))  # fmt: skip
        wrong += [f"{obj}.{key}" for obj, key in needed if key not in card[obj]]
    if wrong:
        raise SurrogateFileError(
            f"{path}: field(s) {wrong} do not have the type a model card has (edited?); refit "
            "the surrogate with `lab surrogate fit`"
        )


def load_surrogate(name: str, *, directory: Path | None = None) -> SavedSurrogate:
    """Load the saved surrogate ``name`` (or a folder path); never unpickles anything."""
    path = Path(name)
    if not (path / SURROGATE_FILE).is_file():
        directory = Path(directory or surrogates_dir())
        path = directory / name
        if not path.is_dir():
            raise unknown_name(f"surrogate in {directory}", name, surrogate_names(directory))
    info = read_json(path / SURROGATE_FILE)
    if not isinstance(info, dict) or info.get("format_version") != ARTIFACT_FORMAT_VERSION:
        version = info.get("format_version") if isinstance(info, dict) else None
        raise SurrogateFileError(
            f"{path / SURROGATE_FILE}: format_version {version!r} is not "
            f"{ARTIFACT_FORMAT_VERSION}; refit with `lab surrogate fit`"
        )
    for key in ("space", "encoding", "targets", "transforms"):
        if key not in info:
            raise SurrogateFileError(f"{path / SURROGATE_FILE}: missing field {key!r}")
    card = read_json(path / CARD_FILE)
    if not isinstance(card, dict):
        raise SurrogateFileError(f"{path / CARD_FILE}: expected a JSON object")
    verify_files(path, card)
    try:
        surrogate = Surrogate(
            space=info["space"],
            encoding=info["encoding"],
            targets=tuple(info["targets"]),
            transforms=tuple(TargetTransform(**t) for t in info["transforms"]),
            predictor=load_predictor(path / PREDICTOR_DIR),
        )
        split = read_json(path / SPLIT_FILE)
        train_ids = np.asarray(split["train_arch_ids"], dtype=np.int64)
    except LabError:
        raise
    except Exception as exc:  # KeyError, TypeError, ValueError, RuntimeError of a bad field
        raise SurrogateFileError(
            f"{path}: the saved surrogate is inconsistent ({type(exc).__name__}: {exc}); refit "
            "it with `lab surrogate fit`"
        ) from exc
    return SavedSurrogate(path.name, path, surrogate, card, train_ids)
