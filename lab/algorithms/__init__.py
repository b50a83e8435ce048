"""Search algorithms behind one ask/tell interface."""

from lab.algorithms.base import Algorithm
from lab.algorithms.history import History
from lab.algorithms.random_search import RandomSearch

__all__ = ["Algorithm", "History", "RandomSearch"]
