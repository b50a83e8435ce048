"""A laboratory for multi-objective neural architecture search (MO-NAS).

Tabular benchmarks and learned surrogates replace training so that multi-objective Bayesian
optimization and evolutionary algorithms can be compared head-to-head over many seeds.
"""

__version__ = "0.1.0"
