"""Genome encodings shared by algorithms and surrogates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lab.errors import InvalidArchitectureError


def check_genomes(genomes: np.ndarray, cardinalities: Sequence[int]) -> np.ndarray:
    """Return ``genomes`` as an ``n x d`` int64 array; raise ``ValueError`` if out of range."""
    g = np.asarray(genomes)
    if g.ndim == 1:
        g = g[None, :]
    if g.ndim != 2 or g.shape[1] != len(cardinalities):
        raise InvalidArchitectureError(
            f"genomes must have shape n x {len(cardinalities)}, got {np.asarray(genomes).shape}"
        )
    if not np.issubdtype(g.dtype, np.integer):
        if not np.all(np.equal(np.mod(g, 1), 0)):
            raise InvalidArchitectureError("genomes must be integer vectors")
    g = g.astype(np.int64, copy=False)
    cards = np.asarray(cardinalities, dtype=np.int64)
    bad = (g < 0) | (g >= cards)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InvalidArchitectureError(
            f"genome {g[row].tolist()} has value {g[row, col]} at position {col}, "
            f"outside 0..{cards[col] - 1}"
        )
    return g


def genome_codes(genomes: np.ndarray, cardinalities: Sequence[int]) -> np.ndarray:
    """Mixed-radix integer code of each genome (first variable most significant).

    Args:
        genomes: ``n x d`` integer genomes.
        cardinalities: length ``d``.

    Returns:
        ``n`` int64 codes in ``0 .. prod(cardinalities) - 1``.
    """
    g = np.asarray(genomes, dtype=np.int64)
    cards = np.asarray(cardinalities, dtype=np.int64)
    weights = np.ones(len(cards), dtype=np.int64)
    weights[:-1] = np.cumprod(cards[::-1])[::-1][1:]
    return g @ weights


def decode_genome_codes(codes: np.ndarray, cardinalities: Sequence[int]) -> np.ndarray:
    """Inverse of :func:`genome_codes`: ``n`` codes -> ``n x d`` genomes."""
    codes = np.asarray(codes, dtype=np.int64).copy()
    cards = list(cardinalities)
    out = np.empty((len(codes), len(cards)), dtype=np.int64)
    for j in range(len(cards) - 1, -1, -1):
        out[:, j] = codes % cards[j]
        codes //= cards[j]
    return out


def one_hot(genomes: np.ndarray, cardinalities: Sequence[int]) -> np.ndarray:
    """One-hot encoding: ``n x d`` genomes -> ``n x sum(cardinalities)`` float32 matrix."""
    g = np.asarray(genomes, dtype=np.int64)
    cards = np.asarray(cardinalities, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(cards)[:-1]])
    out = np.zeros((len(g), int(cards.sum())), dtype=np.float32)
    rows = np.repeat(np.arange(len(g)), len(cards))
    out[rows, (g + offsets).ravel()] = 1.0
    return out
