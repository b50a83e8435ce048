"""A laboratory for multi-objective neural architecture search (MO-NAS).

Tabular benchmarks and learned surrogates replace training so that multi-objective Bayesian
optimization and evolutionary algorithms can be compared head-to-head over many seeds.

The Python API (:mod:`lab.api`), loaded on first use so that ``import lab`` stays cheap::

    import lab
    result = lab.run("nbg-cora-err-lat", "nsga2", budget=100, seed=0)
    result.scores.hv_normalized
"""

from typing import Any

from lab.version import __version__

#: The entry points of :mod:`lab.api`.
API = (
    "RunResult",
    "analyze",
    "draw",
    "load_experiment",
    "load_problem",
    "make_algorithm",
    "run",
    "run_sweep",
)

__all__ = ["__version__", *API]


def __getattr__(name: str) -> Any:
    if name in API:
        import lab.api

        return getattr(lab.api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *API})
