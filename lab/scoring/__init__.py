"""The scoring core: the one definition of what a run returns and how it scores.

* :func:`returned_set` — the feasible evaluations non-dominated on the search metrics (equal
  search vectors all kept); nothing feasible -> an empty set.
* :class:`Yardstick` — a problem's frozen normalization, reference point 1.1 and exact fronts.
* :func:`score_set` / :func:`score_run` — normalized hypervolume, IGD, IGD+, GD, additive
  epsilon, spacing and spread of the returned set on the report metrics, and its hypervolume on
  the search metrics; an empty set has HV 0 and distance indicators ``inf``.
* :func:`anytime_trace` / :func:`returned_set_trace` — the same scores after the first ``k``
  evaluations, maintained incrementally.
* :func:`transfer_score` — returned architectures scored on another problem over the table.

The runner (manifests), the analysis, the figures, the fidelity study and the Python API all
call this package; the indicators themselves are :mod:`lab.indicators` (moocore).
"""

from lab.scoring.anytime import (
    DEFAULT_INDICATORS,
    INDICATORS,
    TRACE_POINTS,
    anytime_trace,
    anytime_traces_many,
    evaluation_grid,
    returned_set_trace,
)
from lab.scoring.returned_set import returned_set
from lab.scoring.set_scores import (
    SCORE_COLUMNS,
    SetScores,
    score_evaluation,
    score_returned,
    score_run,
    score_set,
)
from lab.scoring.transfer import TransferScore, TransferScorer, transfer_score
from lab.scoring.yardstick import Yardstick

__all__ = [
    "DEFAULT_INDICATORS",
    "INDICATORS",
    "SCORE_COLUMNS",
    "TRACE_POINTS",
    "SetScores",
    "TransferScore",
    "TransferScorer",
    "Yardstick",
    "anytime_trace",
    "anytime_traces_many",
    "evaluation_grid",
    "returned_set",
    "returned_set_trace",
    "score_evaluation",
    "score_returned",
    "score_run",
    "score_set",
    "transfer_score",
]
