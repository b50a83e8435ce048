"""NAS-Bench-201 / NATS-Bench topology, 200-epoch results (several seeds) from the official files.

Sources (any one; ``--from PATH`` names the file or the folder holding it):

* ``NAS-Bench-201-v1_1-096897.pth`` (or ``-v1_0-e61699.pth``): one ``torch.save`` archive (zip
  or the legacy non-zip format) of ``{'meta_archs', 'arch2infos', 'evaluated_indexes'}`` where
  ``arch2infos[index] = {'less': ArchResults state, 'full': ArchResults state}``;
* ``NATS-tss-v1_0-3ffb9-simple/`` or ``-full/``: ``meta.pickle.pbz2`` (``meta_archs``) and one
  bz2 pickle per architecture, ``{index:06d}.pickle.pbz2 = {'12': state, '200': state}``;
* ``NATS-tss-v1_0-3ffb9.pickle.pbz2``: the whole NATS topology dict in one bz2 pickle.

Safety: the official APIs read these files with ``torch.load`` / ``pickle.load``, which run
any code a pickle names. Here every file is read by the project's restricted unpickler instead
(:class:`~lab.benchmarks.safe_pickle.RestrictedUnpickler`: containers and numpy data only), and
only the resulting plain dict is handed to the official API classes (``NASBench201API`` of
``nas-bench-201`` for ``.pth`` files, ``NATStopology`` of ``nats-bench`` for NATS files), which
then answer every query. Trained weights (tensors, in NATS ``-full`` files) are never built:
their storages and rebuild functions resolve to an inert :data:`DROPPED` placeholder, so neither
torch nor any other callable runs while reading.

Table ``nasbench201-200ep`` (space ``nasbench201``; one row per evaluated architecture;
``arch_id`` = official index, ``arch_str`` = official string, genome from the string). For each
dataset suffix ``<ds>`` in ``cifar10``, ``cifar100``, ``imagenet16``:

* ``val_acc_<ds>_seed<s>``, ``test_acc_<ds>_seed<s>``: top-1 accuracy (%) after the last of the
  200 epochs of the trial with seed ``<s>`` (MetricInfo split ``val`` / ``test``; the seed is in
  the column name and the description). NaN where the architecture has no trial with that seed
  (the official file trains some architectures once or twice only);
* ``val_acc_<ds>``, ``test_acc_<ds>``: mean over the architecture's trials, as the official
  API's ``is_random=False``;
* ``params_<ds>`` (M), ``flops_<ds>`` (MFLOPs), ``latency_<ds>`` (ms; NaN if none recorded): the
  benchmark's own figures (``get_compute_costs``).

As the official API does, CIFAR-10 validation comes from dataset ``cifar10-valid`` (trained on
train, scored on ``x-valid``) and CIFAR-10 test from ``cifar10`` (trained on train+valid, scored
on ``ori-test``); CIFAR-100 and ImageNet16-120 use ``x-valid`` and ``x-test``. Costs of CIFAR-10
come from ``cifar10``.
"""

from __future__ import annotations

import bz2
import contextlib
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from lab.benchmarks.locations import raw_data_dirs
from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.read_bounds import bounded_stream, decompressed_limit
from lab.benchmarks.recipe import Recipe
from lab.benchmarks.recipes.nasbench201_schema import (
    DROPPED,
    DroppedTensor,
    check_arch_entry,
    check_meta_archs,
    check_official_dict,
)
from lab.benchmarks.safe_pickle import DEFAULT_ALLOWED, RestrictedUnpickler, read_zip_member
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.errors import BenchmarkFileError, ResourceBoundError, UnsafePickleError
from lab.fileio import sha256_file
from lab.spaces.nasbench201 import NasBench201Space, genome_to_string, string_to_genome

NB201_FILES: tuple[str, ...] = ("NAS-Bench-201-v1_1-096897.pth", "NAS-Bench-201-v1_0-e61699.pth")
#: The official file's sha256 is not pinned: it is recorded in the table's provenance.
RAW_FILES: dict[str, str | None] = {NB201_FILES[0]: None}
NATS_BASE = "NATS-tss-v1_0-3ffb9"
NATS_EXT = ".pickle.pbz2"
NATS_META = f"meta{NATS_EXT}"
NATS_DIRS: tuple[str, ...] = (f"{NATS_BASE}-simple", f"{NATS_BASE}-full")
#: Hyper-parameter key of the 200-epoch schedule in the official APIs.
HP = "200"
EPOCHS = 200
#: ``(column suffix, validation dataset, its eval set, test dataset, its eval set)``
DATASETS: tuple[tuple[str, str, str, str, str], ...] = (
    ("cifar10", "cifar10-valid", "x-valid", "cifar10", "ori-test"),
    ("cifar100", "cifar100", "x-valid", "cifar100", "x-test"),
    ("imagenet16", "ImageNet16-120", "x-valid", "ImageNet16-120", "x-test"),
)
SourceKind = Literal["nas-bench-201", "nats-archive", "nats-file"]
_NATS_ARCH_FILE = re.compile(r"^(\d+)\.pickle\.pbz2$")
#: Magic number and protocol of torch's legacy (pre-zip) ``torch.save`` format.
_LEGACY_TORCH_MAGIC = 0x1950A86A20F9469CFC6C
_LEGACY_TORCH_PROTOCOL = 1001


# ------------------------------------------------------------------------------- safe reading


def _dropped(*_args: Any, **_kwargs: Any) -> DroppedTensor:
    """Stands in for every tensor-building callable; it only returns :data:`DROPPED`."""
    return DROPPED


#: Globals that rebuild tensors in torch archives and in plain pickles of tensors. They resolve
#: to :func:`_dropped`, never to torch: reading a benchmark file imports and calls nothing.
_TENSOR_GLOBALS: frozenset[tuple[str, str]] = frozenset({
    ("torch._utils", "_rebuild_tensor"),
    ("torch._utils", "_rebuild_tensor_v2"),
    ("torch._utils", "_rebuild_tensor_v3"),
    ("torch._utils", "_rebuild_parameter"),
    ("torch._utils", "_rebuild_parameter_with_state"),
    ("torch._tensor", "_rebuild_from_type_v2"),
    ("torch.nn.parameter", "Parameter"),
    ("torch.storage", "_load_from_bytes"),
})  # fmt: skip
_TORCH_DTYPES: frozenset[str] = frozenset({
    "float16", "float32", "float64", "bfloat16", "half", "float", "double", "int8", "int16",
    "int32", "int64", "uint8", "short", "int", "long", "bool", "complex64", "complex128",
})  # fmt: skip


class _BenchmarkUnpickler(RestrictedUnpickler):
    """Restricted unpickler that replaces tensors and their storages by :data:`DROPPED`."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _TENSOR_GLOBALS or (
            module == "torch" and (name.endswith("Storage") or name in _TORCH_DTYPES)
        ):
            return _dropped
        return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        # torch archives reference each tensor storage by ('storage', type, key, location, ...);
        # the storage bytes are never read.
        if isinstance(pid, tuple) and pid and pid[0] == "storage":
            return DROPPED
        return super().persistent_load(pid)


def _unpickle(stream: IO[bytes], source: str) -> Any:
    """One pickle from ``stream`` through :class:`_BenchmarkUnpickler`; errors name ``source``."""
    try:
        return _BenchmarkUnpickler(stream, allowed=DEFAULT_ALLOWED, source=source).load()
    except BenchmarkFileError:
        raise
    except MemoryError:
        raise ResourceBoundError(
            f"{source}: reading the pickle ran out of memory; the file is larger than this "
            "machine can hold, or crafted to be"
        ) from None
    except Exception as exc:  # truncated, corrupted or not a pickle at all
        raise BenchmarkFileError(
            f"{source}: not a readable benchmark pickle ({type(exc).__name__}: {exc}); the file "
            "may be truncated or corrupted: download or copy it again."
        ) from exc


def read_torch_file(path: Path) -> Any:
    """Read a ``torch.save`` file (zip archive or legacy format) without running code or torch."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileError(f"{path}: file not found")
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                members = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "data.pkl"]
                if len(members) != 1:
                    raise BenchmarkFileError(
                        f"{path}: expected one data.pkl inside the PyTorch archive, found {members}"
                    )
                with read_zip_member(archive, members[0], source=str(path)) as member:
                    return _unpickle(member, str(path))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
            raise BenchmarkFileError(
                f"{path}: unreadable PyTorch zip archive ({exc}); the file may be truncated or "
                "corrupted: download or copy it again."
            ) from exc
    with open(path, "rb") as fh:
        # Legacy layout: magic number, protocol, system info, the object, then raw storages.
        magic = _unpickle(fh, str(path))
        if magic != _LEGACY_TORCH_MAGIC:
            raise BenchmarkFileError(
                f"{path}: not a PyTorch file (no zip archive, no legacy magic number); expected "
                f"the official {NB201_FILES[0]}"
            )
        protocol = _unpickle(fh, str(path))
        if protocol != _LEGACY_TORCH_PROTOCOL:
            raise BenchmarkFileError(
                f"{path}: legacy PyTorch protocol {protocol!r}, expected {_LEGACY_TORCH_PROTOCOL}"
            )
        _unpickle(fh, str(path))  # system info (endianness, type sizes): not needed
        return _unpickle(fh, str(path))


def read_bz2_pickle(path: Path) -> tuple[Any, str]:
    """Read a NATS-Bench ``.pickle.pbz2`` file safely; return the object and the file's sha256."""
    path = Path(path)
    if not path.is_file():
        raise BenchmarkFileError(f"{path}: file not found")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    limit = decompressed_limit(len(data))
    try:
        with bounded_stream(
            bz2.BZ2File(io.BytesIO(data)), limit=limit, source=str(path), what="bz2 stream"
        ) as stream:
            return _unpickle(stream, str(path)), digest
    except (OSError, EOFError) as exc:
        raise BenchmarkFileError(
            f"{path}: not a readable bz2 file ({type(exc).__name__}: {exc}); the file may be "
            "truncated or corrupted: download or copy it again."
        ) from exc


# ------------------------------------------------------------------------------ locating files
@dataclass(frozen=True)
class OfficialSource:
    """A located official benchmark: what kind, and the file or folder to read."""

    kind: SourceKind
    path: Path


def locate_official_source(path: Path) -> OfficialSource | None:
    """The official file or folder at or inside ``path``; ``None`` if there is none.

    Looks for, in order: ``path`` itself (a ``.pth`` file, a NATS ``.pickle.pbz2`` file, or a
    NATS archive folder holding ``meta.pickle.pbz2``); inside the folder ``path``: the
    NAS-Bench-201 files (:data:`NB201_FILES`, then any ``NAS-Bench-201-*.pth``), the NATS
    folders (:data:`NATS_DIRS`), then ``NATS-tss-v1_0-3ffb9.pickle.pbz2``.
    """
    path = Path(path)
    if path.is_file():
        if path.name.endswith(".pth"):
            return OfficialSource("nas-bench-201", path)
        if path.name == NATS_META:
            return OfficialSource("nats-archive", path.parent)
        if path.name.endswith(NATS_EXT) and not _NATS_ARCH_FILE.match(path.name):
            return OfficialSource("nats-file", path)
        return None
    if not path.is_dir():
        return None
    if (path / NATS_META).is_file():
        return OfficialSource("nats-archive", path)
    for name in NB201_FILES:
        if (path / name).is_file():
            return OfficialSource("nas-bench-201", path / name)
    others = sorted(p for p in path.glob("NAS-Bench-201-*.pth") if p.is_file())
    if others:
        return OfficialSource("nas-bench-201", others[0])
    for name in NATS_DIRS:
        if (path / name / NATS_META).is_file():
            return OfficialSource("nats-archive", path / name)
    if (path / f"{NATS_BASE}{NATS_EXT}").is_file():
        return OfficialSource("nats-file", path / f"{NATS_BASE}{NATS_EXT}")
    return None


def _expected_layouts() -> str:
    return (
        f"{NB201_FILES[0]} (or another NAS-Bench-201-*.pth), a NATS folder {NATS_DIRS[0]}/ or "
        f"{NATS_DIRS[1]}/ (with {NATS_META} and one {{index:06d}}{NATS_EXT} per architecture), "
        f"or {NATS_BASE}{NATS_EXT}"
    )


# --------------------------------------------------------------------------------- loading
@dataclass
class OfficialData:
    """The plain benchmark dict (as the official API takes it) and the checksums of its files."""

    kind: SourceKind
    source: Path
    data: dict[str, Any]
    checksums: dict[str, str] = field(default_factory=dict)


class _SharedDict(dict):
    """The loaded benchmark dict, handed to an official API without its defensive deep copy.

    The API deep-copies a dict argument; the dict read here belongs to nobody else, and copying
    the full benchmark would double the memory (several GB).
    """

    def __deepcopy__(self, memo: dict) -> _SharedDict:
        return self


def _nats_archive_files(folder: Path, n_archs: int) -> dict[int, Path]:
    """Per-architecture files of a NATS archive folder, by official index."""
    files: dict[int, Path] = {}
    for name in os.listdir(folder):
        match = _NATS_ARCH_FILE.match(name)
        if match is None:
            continue
        index = int(match.group(1))
        if not 0 <= index < n_archs:
            raise BenchmarkFileError(
                f"{folder / name}: index {index} outside the {n_archs} architectures of {NATS_META}"
            )
        if index in files:
            raise BenchmarkFileError(
                f"{folder}: architecture {index} appears twice ({files[index].name}, {name})"
            )
        files[index] = folder / name
    if not files:
        raise BenchmarkFileError(
            f"{folder}: no per-architecture files ({{index:06d}}{NATS_EXT}) beside {NATS_META}"
        )
    return dict(sorted(files.items()))


def load_official(source: OfficialSource) -> OfficialData:
    """Read an official benchmark safely into the dict its official API takes."""
    if source.kind == "nas-bench-201":
        data = check_official_dict(read_torch_file(source.path), source.path, "nas-bench-201")
        return OfficialData(
            source.kind, source.path, data, {source.path.name: sha256_file(source.path)}
        )
    if source.kind == "nats-file":
        obj, digest = read_bz2_pickle(source.path)
        data = check_official_dict(obj, source.path, "nats")
        return OfficialData(source.kind, source.path, data, {source.path.name: digest})
    folder = source.path
    meta, meta_digest = read_bz2_pickle(folder / NATS_META)
    if not isinstance(meta, dict) or "meta_archs" not in meta:
        raise BenchmarkFileError(f"{folder / NATS_META}: expected a dict with a 'meta_archs' list")
    meta_archs = check_meta_archs(meta["meta_archs"], folder / NATS_META)
    arch2infos: dict[int, Any] = {}
    digests = []
    for index, path in _nats_archive_files(folder, len(meta_archs)).items():
        arch2infos[index], digest = read_bz2_pickle(path)
        check_arch_entry(arch2infos[index], path, "results", "nats")
        digests.append(f"{path.name} {digest}\n")
    combined = hashlib.sha256("".join(digests).encode()).hexdigest()
    data = {
        "meta_archs": meta_archs,
        "arch2infos": arch2infos,
        "evaluated_indexes": list(arch2infos),
    }
    checksums = {
        NATS_META: meta_digest,
        f"{len(digests)} per-architecture {NATS_EXT} files (sha256 of their 'name sha256' lines)": (
            combined
        ),
    }
    return OfficialData(source.kind, folder, data, checksums)


class _RefusedLoader:
    """Stands in for the official APIs' own file loaders while an API object is built."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __call__(self, *args: Any, **_kwargs: Any) -> Any:
        raise UnsafePickleError(
            f"refused: the official API tried to {self.what} {args[0] if args else ''!s:.200}; "
            "the lab reads every benchmark file itself and never lets a third-party loader open "
            "a file"
        )


@contextlib.contextmanager
def _disarmed_official_loaders():
    """Replace the loaders the official APIs call on a path (``torch.load`` in nas_201_api,
    ``pickle_load`` in nats_bench) by :class:`_RefusedLoader` for the duration of the block.

    The schema check already keeps every path out of the dict; this is the second lock, so that
    a gap in a schema cannot turn into code execution.
    """
    import types

    patches: list[tuple[Any, str, Any]] = []
    try:
        import nas_201_api.api_201 as nb_api
        import nas_201_api.api_utils as nb_utils

        fake_torch = types.SimpleNamespace(load=_RefusedLoader("torch.load"))
        patches += [(nb_utils, "torch", fake_torch), (nb_api, "torch", fake_torch)]
    except ImportError:
        pass
    try:
        import nats_bench.api_size as nats_size
        import nats_bench.api_topology as nats_topology
        import nats_bench.api_utils as nats_utils

        refused = _RefusedLoader("unpickle")
        patches += [(m, "pickle_load", refused) for m in (nats_utils, nats_topology, nats_size)]
    except ImportError:
        pass
    saved = [(module, name, getattr(module, name)) for module, name, _ in patches]
    try:
        for module, name, value in patches:
            setattr(module, name, value)
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


def official_api(data: OfficialData) -> Any:
    """The official API object (``NASBench201API`` or ``NATStopology``) over the loaded dict.

    Only a dict that passed the format's schema is passed, never a path, and the APIs' own file
    loaders are disarmed while the object is built (:func:`_disarmed_official_loaders`).
    """
    shared = _SharedDict(data.data)
    try:
        with _disarmed_official_loaders():
            if data.kind == "nas-bench-201":
                from nas_201_api import NASBench201API

                return NASBench201API(shared, verbose=False)
            import nats_bench

            return nats_bench.create(shared, "tss", fast_mode=False, verbose=False)
    except UnsafePickleError as exc:
        raise UnsafePickleError(f"{data.source}: {exc}") from None
    except (AssertionError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise BenchmarkFileError(
            f"{data.source}: the official API rejects the file's content ({type(exc).__name__}: "
            f"{exc}); it is not in the official structure"
        ) from exc


# ---------------------------------------------------------------------------- table building
def _number(value: Any, where: str, *, low: float = -np.inf, high: float = np.inf) -> float:
    """``value`` as a finite float in ``[low, high]``; else an error naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise BenchmarkFileError(f"{where}: expected a number, got {value!r}")
    out = float(value)
    if not (np.isfinite(out) and low <= out <= high):
        raise BenchmarkFileError(f"{where}: value {out} is not a finite number in [{low}, {high}]")
    return out


@dataclass
class _Row:
    index: int
    arch_str: str
    #: ``(column suffix, 'val' | 'test') -> {seed: accuracy (%)}``
    accuracies: dict[tuple[str, str], dict[int, float]] = field(default_factory=dict)
    #: ``column name -> value`` of params / FLOPs / latency
    costs: dict[str, float] = field(default_factory=dict)


def _trial_accuracies(
    results: Any, dataset: str, eval_set: str, where: str, epochs: set[int]
) -> dict[int, float]:
    """Final-epoch accuracy of every seed of ``dataset`` on ``eval_set`` via the official API."""
    out: dict[int, float] = {}
    for seed in results.get_dataset_seeds(dataset):
        trial = results.query(dataset, seed)
        epochs.add(int(trial.get_total_epoch()))
        info = trial.get_eval(eval_set, None)
        out[int(seed)] = _number(
            info["accuracy"],
            f"{where}, dataset {dataset}, seed {seed}, {eval_set}",
            low=0,
            high=100,
        )
    return out


def _read_row(
    api: Any, index: int, source: Path, datasets: Iterable[tuple], epochs: set[int]
) -> _Row:
    where = f"{source}: architecture {index}"
    arch_str = api[index]
    if index not in api.arch2infos_dict or HP not in api.arch2infos_dict[index]:
        raise BenchmarkFileError(f"{where}: no {HP}-epoch results")
    # The API's ArchResults directly: query_meta_info_by_index would deep-copy every result.
    results = api.arch2infos_dict[index][HP]
    if results.arch_str != arch_str:
        raise BenchmarkFileError(
            f"{where}: results are for {results.arch_str!r}, meta_archs says {arch_str!r}"
        )
    row = _Row(index, arch_str)
    available = set(results.get_dataset_names())
    for suffix, val_ds, val_set, test_ds, test_set in datasets:
        missing = sorted({val_ds, test_ds} - available)
        if missing:
            raise BenchmarkFileError(
                f"{where}: no {HP}-epoch results on {missing}; found {sorted(available)}"
            )
        try:
            row.accuracies[suffix, "val"] = _trial_accuracies(
                results, val_ds, val_set, where, epochs
            )
            row.accuracies[suffix, "test"] = _trial_accuracies(
                results, test_ds, test_set, where, epochs
            )
            costs = results.get_compute_costs(test_ds)
        except BenchmarkFileError:
            raise
        except (KeyError, ValueError, TypeError, AssertionError, AttributeError) as exc:
            raise BenchmarkFileError(
                f"{where}, {suffix}: the official API cannot read these results "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        row.costs[f"params_{suffix}"] = _number(
            costs["params"], f"{where}, {test_ds} params", low=0
        )
        row.costs[f"flops_{suffix}"] = _number(costs["flops"], f"{where}, {test_ds} flops", low=0)
        latency = costs["latency"]
        # The API reports seconds, or None when no trial recorded a latency.
        row.costs[f"latency_{suffix}"] = (
            np.nan if latency is None else 1000.0 * _number(latency, f"{where}, latency", low=0)
        )
    return row


def _datasets_present(
    api: Any, indices: list[int], source: Path
) -> list[tuple[str, str, str, str, str]]:
    """The datasets of :data:`DATASETS` that the first evaluated architecture has results on
    (every other architecture must have them too: :func:`_read_row` checks)."""
    first = api.arch2infos_dict.get(indices[0], {})
    if HP not in first:
        raise BenchmarkFileError(f"{source}: architecture {indices[0]}: no {HP}-epoch results")
    names = set(first[HP].get_dataset_names())
    present = [d for d in DATASETS if {d[1], d[3]} <= names]
    if not present:
        wanted = sorted({d[i] for d in DATASETS for i in (1, 3)})
        raise BenchmarkFileError(
            f"{source}: architecture {indices[0]} has no {HP}-epoch results on {wanted}; found "
            f"{sorted(names)}"
        )
    return present


def _metric_infos(
    datasets: list[tuple[str, str, str, str, str]], seeds: dict[tuple[str, str], list[int]]
) -> dict[str, MetricInfo]:
    metrics: dict[str, MetricInfo] = {}
    for suffix, val_ds, val_set, test_ds, test_set in datasets:
        for split, ds, eval_set, trained in (
            ("val", val_ds, val_set, "trained on train"),
            ("test", test_ds, test_set, "trained on train+valid" if suffix == "cifar10" else
             "trained on train"),
        ):  # fmt: skip
            what = f"top-1 accuracy after {EPOCHS} epochs ({trained} of {ds}, scored on {eval_set})"
            for seed in seeds[suffix, split]:
                col = f"{split}_acc_{suffix}_seed{seed}"
                metrics[col] = MetricInfo(
                    col, "accuracy", split, "%", "max", dataset=suffix,
                    description=f"{what}, trial with seed {seed}; NaN if not trained with it",
                )  # fmt: skip
            col = f"{split}_acc_{suffix}"
            metrics[col] = MetricInfo(
                col, "accuracy", split, "%", "max", dataset=suffix,
                description=f"{what}, mean over the architecture's trials",
            )  # fmt: skip
        metrics[f"params_{suffix}"] = MetricInfo(
            f"params_{suffix}", "params", "exact", "M", "min", dataset=suffix,
            description="parameters (millions) as recorded in the benchmark file",
        )  # fmt: skip
        metrics[f"flops_{suffix}"] = MetricInfo(
            f"flops_{suffix}", "flops", "exact", "MFLOPs", "min", dataset=suffix,
            description="FLOPs (millions) as recorded in the benchmark file",
        )  # fmt: skip
        metrics[f"latency_{suffix}"] = MetricInfo(
            f"latency_{suffix}", "latency", "exact", "ms", "min", dataset=suffix,
            description="inference latency recorded in the benchmark file (its own device), "
            "mean over the trials that recorded one; NaN if none did",
        )  # fmt: skip
    return metrics


def table_from_official(name: str, data: OfficialData) -> BenchmarkTable:
    """Build the ``nasbench201-200ep`` table from a loaded official benchmark via its API."""
    api = official_api(data)
    indices = sorted(int(i) for i in api.evaluated_indexes)
    if not indices:
        raise BenchmarkFileError(f"{data.source}: 'evaluated_indexes' is empty")
    unknown = [i for i in indices if not 0 <= i < len(api)]
    if unknown:
        raise BenchmarkFileError(
            f"{data.source}: evaluated index {unknown[0]} outside the {len(api)} 'meta_archs'"
        )
    datasets = _datasets_present(api, indices, data.source)
    epochs: set[int] = set()
    rows = [_read_row(api, i, data.source, datasets, epochs) for i in indices]
    if epochs != {EPOCHS}:
        raise BenchmarkFileError(
            f"{data.source}: the '{HP}' results have {sorted(epochs)} epochs, expected {EPOCHS}"
        )
    seeds = {
        (suffix, split): sorted({s for r in rows for s in r.accuracies[suffix, split]})
        for suffix, *_ in datasets
        for split in ("val", "test")
    }
    genomes = []
    for r in rows:
        try:
            genome = string_to_genome(r.arch_str)
        except ValueError as exc:
            raise BenchmarkFileError(f"{data.source}: architecture {r.index}: {exc}") from exc
        if genome_to_string(genome) != r.arch_str:
            raise BenchmarkFileError(
                f"{data.source}: architecture {r.index}: {r.arch_str!r} is not canonical"
            )
        genomes.append(genome)
    space = NasBench201Space()
    frame = pd.DataFrame({
        "arch_id": np.asarray(indices, dtype=np.int64),
        "arch_str": [r.arch_str for r in rows],
    })  # fmt: skip
    for col, values in zip(genome_columns(6), np.stack(genomes).T, strict=True):
        frame[col] = values.astype(np.int16)
    metrics = _metric_infos(datasets, seeds)
    columns: dict[str, np.ndarray] = {}
    for (suffix, split), split_seeds in seeds.items():
        per_row = [r.accuracies[suffix, split] for r in rows]
        for seed in split_seeds:
            columns[f"{split}_acc_{suffix}_seed{seed}"] = np.array(
                [acc.get(seed, np.nan) for acc in per_row], dtype=np.float64
            )
        # Mean over the trials in the API's (sorted) seed order, as its is_random=False does.
        columns[f"{split}_acc_{suffix}"] = np.array(
            [np.mean([acc[s] for s in sorted(acc)]) for acc in per_row], dtype=np.float64
        )
    for col in metrics:
        if col not in columns:
            columns[col] = np.array([r.costs[col] for r in rows], dtype=np.float64)
    frame = pd.concat([frame, pd.DataFrame({c: columns[c] for c in metrics})], axis=1)
    table = BenchmarkTable(name, frame, metrics, space.cardinalities, space.name)
    table.meta.update({
        "source_format": data.kind,
        "source_name": data.source.name,
        "n_evaluated": len(rows),
        "n_space": len(api),
        "epochs": EPOCHS,
        "seeds": {f"{split}_acc_{suffix}": s for (suffix, split), s in seeds.items()},
    })  # fmt: skip
    return table


# ------------------------------------------------------------------------------------ recipe
class NasBench201OfficialRecipe(Recipe):
    """NAS-Bench-201 / NATS-Bench topology, 200-epoch accuracies per seed, from the official files.

    ``find_raw_dir`` returns the located file or folder (any layout of the module docstring);
    the official file's sha256 is not pinned (``raw_files`` expects ``None``): it is recorded.
    """

    name = "nasbench201-200ep"
    space = "nasbench201"
    title = "NAS-Bench-201 / NATS-Bench topology, 200-epoch schedule, per seed"
    source = (
        "official NAS-Bench-201 file (NAS-Bench-201-v1_1-096897.pth) or NATS-Bench topology "
        "files (NATS-tss-v1_0-3ffb9), read safely and queried through the official APIs "
        "(nas-bench-201 / nats-bench), hp='200'"
    )
    citation = (
        "Dong, X., Yang, Y. NAS-Bench-201: Extending the Scope of Reproducible Neural Architecture "
        "Search. ICLR 2020. Dong, X., Liu, L., Musial, K., Gabrys, B. NATS-Bench: Benchmarking NAS "
        "Algorithms for Architecture Topology and Size. IEEE TPAMI 2021."
    )
    licence = "MIT (NAS-Bench-201 and NATS-Bench data and APIs)"
    isomorphs = "every cell trained separately; isomorphic cells have their own results"
    raw_subdir = "nas-bench-201"
    raw_files = RAW_FILES
    datasets = tuple(d[0] for d in DATASETS)

    def find_raw_dir(self, explicit: Path | None = None) -> Path | None:
        """The official file or folder: ``explicit`` as given, else the first raw-data folder
        whose ``nas-bench-201/`` subfolder holds one of the layouts; ``None`` if none does."""
        if explicit is not None:
            return Path(explicit)
        for base in raw_data_dirs():
            folder = base / str(self.raw_subdir)
            located = locate_official_source(folder) if folder.is_dir() else None
            if located is not None:
                return located.path
        return None

    def build(self, raw_dir: Path | None = None) -> BenchmarkTable:
        """Locate and read the official files safely, record their sha256, build the table."""
        path = self.find_raw_dir(raw_dir)
        if path is None:
            raise BenchmarkFileError(
                f"benchmark {self.name!r}: official files not found; pass --from PATH to "
                f"{_expected_layouts()} (or the folder holding it), or set LAB_RAW_DATA_DIR to a "
                f"folder with a {self.raw_subdir}/ subfolder holding one"
            )
        data = load_official(_locate(path))
        table = table_from_official(self.name, data)
        table.meta.update(self.provenance(data.checksums))
        return table

    def _build(self, raw_dir: Path | None) -> BenchmarkTable:
        if raw_dir is None:
            raise BenchmarkFileError(f"benchmark {self.name!r} needs {_expected_layouts()}")
        return table_from_official(self.name, load_official(_locate(raw_dir)))


def _locate(path: Path) -> OfficialSource:
    """:func:`locate_official_source`, or an error naming ``path`` and the expected layouts."""
    if not Path(path).exists():
        raise BenchmarkFileError(f"{path}: not found; expected {_expected_layouts()}")
    located = locate_official_source(path)
    if located is None:
        raise BenchmarkFileError(
            f"{path}: no official benchmark file here; expected {_expected_layouts()}"
        )
    return located


__all__ = [
    "DROPPED",
    "NasBench201OfficialRecipe",
    "OfficialData",
    "OfficialSource",
    "load_official",
    "locate_official_source",
    "official_api",
    "read_bz2_pickle",
    "read_torch_file",
    "table_from_official",
]
