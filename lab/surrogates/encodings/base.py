"""The encoding abstraction: integer genomes of one search space -> a float feature matrix that a
predictor can learn from.

An encoding is stateless (nothing is learned from data), so a fitted surrogate only needs its
encoding's name to rebuild it. Encodings are vectorized over the rows of the genome matrix.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from lab.spaces.base import SearchSpace


class Encoding(ABC):
    """Features of the genomes of ``space``.

    Subclasses set :attr:`name` and implement :meth:`_encode` and :meth:`_feature_names`.

    Args:
        space: the search space whose genomes are encoded.
    """

    name: str = "encoding"

    def __init__(self, space: SearchSpace) -> None:
        self.space = space

    @property
    def feature_names(self) -> list[str]:
        """Name of every feature column, length ``n_features``."""
        return self._feature_names()

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def encode(self, genomes: np.ndarray) -> np.ndarray:
        """``n x d`` genomes -> ``n x n_features`` float32 features (validated input)."""
        out = self._encode(self.space.validate(genomes))
        return np.ascontiguousarray(out, dtype=np.float32)

    @abstractmethod
    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        """Validated ``n x d`` int64 genomes -> ``n x n_features`` features."""

    @abstractmethod
    def _feature_names(self) -> list[str]:
        """Names of the feature columns."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(space={self.space.name!r}, n_features={self.n_features})"


class ConcatEncoding(Encoding):
    """Columns of several encodings side by side (the name joins theirs with ``+``)."""

    def __init__(self, space: SearchSpace, parts: list[Encoding]) -> None:
        super().__init__(space)
        self.parts = parts
        self.name = "+".join(p.name for p in parts)

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        return np.hstack([p._encode(genomes) for p in self.parts])

    def _feature_names(self) -> list[str]:
        return [f"{p.name}:{f}" for p in self.parts for f in p.feature_names]
