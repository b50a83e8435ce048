"""Multi-objective problems over benchmark tables."""

from lab.problems.problem import NORMALIZED_REFERENCE, Evaluation, Problem
from lab.problems.registry import get_problem, problem_names, problem_specs

__all__ = [
    "NORMALIZED_REFERENCE",
    "Evaluation",
    "Problem",
    "get_problem",
    "problem_names",
    "problem_specs",
]
