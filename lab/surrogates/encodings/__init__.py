"""Genome encodings for surrogates: integer genome, one-hot, adjacency + operations, paths."""

from lab.surrogates.encodings.base import ConcatEncoding, Encoding
from lab.surrogates.encodings.registry import (
    default_encoding,
    encoding_names,
    make_encoding,
)

__all__ = ["ConcatEncoding", "Encoding", "default_encoding", "encoding_names", "make_encoding"]
