"""Run ids and the canonical JSON text they hash.

A run's id is the first 16 hex digits of the sha256 of its resolved config as canonical JSON
(sorted keys, no whitespace). This module is a leaf: the sweep expansion that makes ids and the
results store that checks them both import it, and neither imports the other.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """The one JSON text of ``value``: sorted keys, no whitespace, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def run_id_of(resolved: dict[str, Any]) -> str:
    """Stable id of a resolved run config (16 hex digits of its canonical JSON's sha256)."""
    return hashlib.sha256(canonical_json(resolved).encode("utf-8")).hexdigest()[:16]
