"""A laboratory for multi-objective neural architecture search (MO-NAS).

Tabular benchmarks and learned surrogates replace training so that multi-objective Bayesian
optimization and evolutionary algorithms can be compared head-to-head over many seeds.
"""

from lab.version import __version__

__all__ = ["__version__"]
