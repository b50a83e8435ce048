"""Encodings that work in every search space: the integer genome and its one-hot expansion."""

from __future__ import annotations

import numpy as np

from lab.spaces.encoding import one_hot
from lab.surrogates.encodings.base import Encoding


class GenomeEncoding(Encoding):
    """The integer genome itself as ``d`` float features (ordinal, no structure)."""

    name = "genome"

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        return genomes.astype(np.float32)

    def _feature_names(self) -> list[str]:
        return list(self.space.variable_names)


class OneHotEncoding(Encoding):
    """One column per (variable, choice): ``sum(cardinalities)`` binary features."""

    name = "onehot"

    def _encode(self, genomes: np.ndarray) -> np.ndarray:
        return one_hot(genomes, self.space.cardinalities)

    def _feature_names(self) -> list[str]:
        return [
            f"{var}={choice}"
            for var, choices in zip(self.space.variable_names, self.space.choices, strict=True)
            for choice in choices
        ]
