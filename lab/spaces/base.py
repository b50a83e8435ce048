"""The search-space abstraction: integer genomes with per-variable cardinalities, and the map from
genomes to canonical architectures (equivalent or isomorphic genomes share one)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

from lab.errors import InputError, InvalidArchitectureError
from lab.spaces.encoding import check_genomes, genome_codes, one_hot


class SearchSpace(ABC):
    """A discrete architecture space.

    Subclasses set :attr:`name`, :attr:`variable_names` and :attr:`choices` (the label of every
    value of every variable) and implement :meth:`_canonical_genomes` and
    :meth:`_architecture_string`.
    """

    name: str
    variable_names: tuple[str, ...]
    choices: tuple[tuple[str, ...], ...]
    #: The space's declared rule for degenerate architectures (see :meth:`degenerate_mask`),
    #: in words, for documentation and ``lab bench show``.
    degenerate_rule: str = "none: no architecture of this space is degenerate by construction"

    @property
    def cardinalities(self) -> tuple[int, ...]:
        return tuple(len(c) for c in self.choices)

    @property
    def n_variables(self) -> int:
        return len(self.choices)

    @property
    def size(self) -> int:
        """Number of genomes (not of distinct architectures)."""
        return int(np.prod(self.cardinalities, dtype=np.int64))

    def validate(self, genomes: np.ndarray) -> np.ndarray:
        """``n x d`` int64 genomes, or ``ValueError`` naming the bad value."""
        return check_genomes(genomes, self.cardinalities)

    def canonical_genomes(self, genomes: np.ndarray) -> np.ndarray:
        """Map each genome to the canonical genome of its architecture (``n x d`` -> ``n x d``).

        Genomes that denote no valid architecture map to a row of ``-1``.
        """
        return self._canonical_genomes(self.validate(genomes))

    def canonical_codes(self, genomes: np.ndarray) -> np.ndarray:
        """Mixed-radix code of each canonical genome, ``-1`` for invalid genomes (length ``n``)."""
        canon = self.canonical_genomes(genomes)
        invalid = canon[:, 0] < 0
        codes = genome_codes(np.where(invalid[:, None], 0, canon), self.cardinalities)
        codes[invalid] = -1
        return codes

    def architecture_string(self, genome: Sequence[int]) -> str:
        """Canonical architecture string of one genome."""
        canon = self.canonical_genomes(np.asarray(genome)[None, :])[0]
        if canon[0] < 0:
            raise InvalidArchitectureError(
                f"genome {list(genome)} denotes no valid architecture in {self.name}"
            )
        return self._architecture_string(canon)

    def degenerate_mask(self, genomes: np.ndarray) -> np.ndarray:
        """Boolean mask (``n``): is each genome a degenerate architecture by the space's declared
        rule (:attr:`degenerate_rule`)?

        Degenerate architectures (e.g. a cell with no input -> output path through a parametric
        operation) stay in tables and can be evaluated, but they do not set a problem's ideal or
        nadir point nor its reference front. The base rule flags nothing.
        """
        return np.zeros(len(self.validate(genomes)), dtype=bool)

    def one_hot(self, genomes: np.ndarray) -> np.ndarray:
        """``n x sum(cardinalities)`` one-hot encoding."""
        return one_hot(self.validate(genomes), self.cardinalities)

    def describe(self, genome: Sequence[int]) -> dict[str, str]:
        """Variable name -> chosen label."""
        return {
            n: c[int(v)] for n, c, v in zip(self.variable_names, self.choices, genome, strict=True)
        }

    def all_genomes(self) -> np.ndarray:
        """Every genome of the space, ``size x d`` (only for small spaces)."""
        if self.size > 10_000_000:
            raise InputError(f"{self.name} has {self.size} genomes; too many to enumerate")
        grids = np.meshgrid(*[np.arange(c) for c in self.cardinalities], indexing="ij")
        return np.stack([g.ravel() for g in grids], axis=1).astype(np.int64)

    @abstractmethod
    def _canonical_genomes(self, genomes: np.ndarray) -> np.ndarray:
        """Validated ``n x d`` genomes -> canonical genomes (``-1`` rows for invalid)."""

    @abstractmethod
    def _architecture_string(self, canonical_genome: np.ndarray) -> str:
        """Canonical string of a canonical genome."""
