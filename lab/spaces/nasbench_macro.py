"""NAS-Bench-Macro space: 8 searchable layers, each one of 3 blocks (3^8 = 6,561 networks).

Genome position ``i`` is layer ``i``; value ``0`` identity, ``1`` MobileNetV2 block with kernel 3
and expansion 3, ``2`` MobileNetV2 block with kernel 5 and expansion 6. The canonical string is the
benchmark's own key: one digit per layer, e.g. ``"02012100"``.
"""

from __future__ import annotations

import numpy as np

from lab.errors import InvalidArchitectureError
from lab.spaces.base import SearchSpace

BLOCKS: tuple[str, ...] = ("identity", "mbv2_k3_e3", "mbv2_k5_e6")


def string_to_genome(key: str) -> np.ndarray:
    """``"02012100"`` -> genome; ``ValueError`` if not 8 digits in 0..2."""
    if len(key) != 8 or any(c not in "012" for c in key):
        raise InvalidArchitectureError(
            f"not a NAS-Bench-Macro key: {key!r}; expected 8 digits each 0, 1 or 2"
        )
    return np.asarray([int(c) for c in key], dtype=np.int64)


class NasBenchMacroSpace(SearchSpace):
    """The NAS-Bench-Macro space."""

    name = "nasbench-macro"
    degenerate_rule = (
        "none applies: every network keeps its stem convolution and its classifier on the only "
        "input -> output path; identity layers only make it shallower"
    )
    variable_names = tuple(f"layer_{i}" for i in range(8))
    choices = (BLOCKS,) * 8

    def _canonical_genomes(self, genomes: np.ndarray) -> np.ndarray:
        return genomes

    def _architecture_string(self, canonical_genome: np.ndarray) -> str:
        return "".join(str(int(v)) for v in canonical_genome)
