"""A space declared by a user's table spec: named integer variables with given cardinalities.

Each distinct genome is its own architecture (the table's own architecture column names it).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lab.spaces.base import SearchSpace


class TabularSpace(SearchSpace):
    """Space of a user table: variables ``variable_names`` with ``cardinalities``."""

    def __init__(
        self,
        name: str,
        variable_names: Sequence[str],
        cardinalities: Sequence[int],
        labels: Sequence[Sequence[str]] | None = None,
    ) -> None:
        self.name = name
        self.variable_names = tuple(variable_names)
        if labels is None:
            labels = [[str(v) for v in range(c)] for c in cardinalities]
        self.choices = tuple(tuple(str(x) for x in lab) for lab in labels)

    def _canonical_genomes(self, genomes: np.ndarray) -> np.ndarray:
        return genomes

    def _architecture_string(self, canonical_genome: np.ndarray) -> str:
        return "-".join(str(int(v)) for v in canonical_genome)
