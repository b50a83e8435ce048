"""sha256 checksums of raw inputs and built tables."""

from __future__ import annotations

from pathlib import Path

from lab.errors import ChecksumMismatchError
from lab.fileio import sha256_file


def verify_sha256(path: Path, expected: str | None) -> str:
    """Return the sha256 of ``path``; raise if ``expected`` is given and differs."""
    actual = sha256_file(path)
    if expected is not None and actual != expected:
        raise ChecksumMismatchError(
            f"{path}: sha256 {actual} differs from the expected {expected}; the file is not the "
            "published version (corrupted, truncated or modified). Fetch the original file, or "
            "import it as a user table if the change is intended."
        )
    return actual
