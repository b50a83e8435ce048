"""Search spaces: genome <-> canonical architecture, and encodings every algorithm can use."""

from lab.spaces.base import SearchSpace
from lab.spaces.encoding import genome_codes, one_hot
from lab.spaces.registry import get_space, space_names

__all__ = ["SearchSpace", "genome_codes", "get_space", "one_hot", "space_names"]
