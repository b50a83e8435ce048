"""Quality indicators of approximation sets (all objectives minimized, normalized with frozen
bounds): hypervolume, distance and epsilon indicators against the exact Pareto front, spread
and empirical attainment functions. Which set of a run they measure, and anytime traces of it,
is :mod:`lab.scoring`.

moocore does the heavy lifting (hypervolume, IGD, IGD+, additive epsilon, non-dominance, EAF);
spacing and spread are written here.
"""

from lab.errors import IndicatorInputError
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
    "IndicatorInputError",
    "attainment_levels",
    "attainment_surface",
    "attainment_surfaces",
    "deb_spread",
    "denormalize",
    "eaf_difference",
    "epsilon_additive",
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
