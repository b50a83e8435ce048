"""Shared fixtures: an isolated table cache, and the real benchmark files when present."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

#: Real benchmark files (not shipped with the project); tests that need them skip without.
#: ``$LAB_RAW_DATA_DIR`` points elsewhere (e.g. a checkout without ``../shared``).
SHARED_DATA = Path(
    os.environ.get("LAB_RAW_DATA_DIR") or Path(__file__).resolve().parents[2] / "shared" / "data"
)

# Built tables go to a fresh folder per session unless the developer points at a cache.
if not os.environ.get("LAB_DATA_DIR"):
    os.environ["LAB_DATA_DIR"] = tempfile.mkdtemp(prefix="lab-tables-")
os.environ.setdefault("LAB_RAW_DATA_DIR", str(SHARED_DATA))


def has_shared(subdir: str) -> bool:
    return (SHARED_DATA / subdir).is_dir()


needs_nb201 = pytest.mark.skipif(
    not has_shared("nas-bench-201"),
    reason="NAS-Bench-201 raw files (shared/data/nas-bench-201 beside the checkout) are absent",
)
needs_macro = pytest.mark.skipif(
    not has_shared("nas-bench-macro"),
    reason="NAS-Bench-Macro raw file (shared/data/nas-bench-macro beside the checkout) is absent",
)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    return (yield from _skip_without_raw_files())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    return (yield from _skip_without_raw_files())


def _skip_without_raw_files():
    """Generator body shared by the hooks: a test whose benchmark's raw files are absent here
    (a user's clone without the shared data) is skipped with the reason, not failed: building
    its table raises :class:`RawFilesMissingError`, loading a problem over it
    :class:`BenchmarkUnavailableError`."""
    from lab.errors import BenchmarkUnavailableError, RawFilesMissingError

    try:
        return (yield)
    except (RawFilesMissingError, BenchmarkUnavailableError) as exc:
        pytest.skip(f"raw benchmark files absent: {str(exc)[:160]}")
