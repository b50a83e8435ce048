"""Quality indicators of approximation sets (all objectives minimized, normalized with frozen
bounds): hypervolume, distance and epsilon indicators against the exact Pareto front, spread,
anytime traces and empirical attainment functions.

moocore does the heavy lifting (hypervolume, IGD, IGD+, additive epsilon, non-dominance, EAF);
spacing and spread are written here.
"""

from lab.errors import IndicatorInputError
from lab.indicators.anytime import (
    DEFAULT_INDICATORS,
    INDICATORS,
    anytime_trace,
    anytime_traces_many,
    evaluation_grid,
)
from lab.indicators.attainment import (
    attainment_levels,
    attainment_surface,
    attainment_surfaces,
    eaf_difference,
)
from lab.indicators.distance import gd, igd, igd_plus
from lab.indicators.epsilon import epsilon_additive
from lab.indicators.hypervolume import hypervolume, normalized_hypervolume
from lab.indicators.normalization import denormalize, normalize
from lab.indicators.spread import (
    deb_spread,
    front_extremes,
    generalized_spread,
    spacing,
    spread,
)

__all__ = [
    "DEFAULT_INDICATORS",
    "INDICATORS",
    "IndicatorInputError",
    "anytime_trace",
    "anytime_traces_many",
    "attainment_levels",
    "attainment_surface",
    "attainment_surfaces",
    "deb_spread",
    "denormalize",
    "eaf_difference",
    "epsilon_additive",
    "evaluation_grid",
    "front_extremes",
    "gd",
    "generalized_spread",
    "hypervolume",
    "igd",
    "igd_plus",
    "normalize",
    "normalized_hypervolume",
    "spacing",
    "spread",
]
