"""The record of every evaluation an algorithm made, in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lab.problems.problem import Evaluation

_INITIAL_CAPACITY = 64


@dataclass
class History:
    """Append-only evaluation record of one run.

    Storage grows by doubling, so an append costs amortized O(batch) and reading a property
    costs O(1): the properties are read-only views of the first ``len(self)`` records (copy
    one before keeping it across appends). Shapes: ``genomes`` ``n x d``, ``F``/``F_report``
    ``n x m``, ``G`` ``n x c``, the rest ``n``.
    """

    n_var: int
    n_obj: int
    n_constr: int
    _n: int = 0
    _n_batches: int = 0
    _data: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._data = self._allocate(_INITIAL_CAPACITY)

    def _allocate(self, capacity: int) -> dict[str, np.ndarray]:
        return {
            "batch": np.zeros(capacity, np.int64),
            "genomes": np.zeros((capacity, self.n_var), np.int64),
            "rows": np.zeros(capacity, np.int64),
            "arch_ids": np.zeros(capacity, np.int64),
            "F": np.zeros((capacity, self.n_obj)),
            "F_report": np.zeros((capacity, self.n_obj)),
            "G": np.zeros((capacity, self.n_constr)),
            "algo_time_s": np.zeros(capacity),
        }

    def append(self, genomes: np.ndarray, evaluation: Evaluation, *, algo_time_s: float) -> None:
        """Record one batch; ``algo_time_s`` is the wall time the algorithm spent producing it
        (its ask and the previous tell), spread evenly over the batch's evaluations."""
        k = len(evaluation.rows)
        end = self._n + k
        capacity = len(self._data["rows"])
        if end > capacity:
            grown = self._allocate(max(end, 2 * capacity))
            for key, old in self._data.items():
                grown[key][: self._n] = old[: self._n]
            self._data = grown
        d, s = self._data, slice(self._n, end)
        d["batch"][s] = self._n_batches
        d["genomes"][s] = np.asarray(genomes, dtype=np.int64).reshape(k, self.n_var)
        d["rows"][s] = evaluation.rows
        d["arch_ids"][s] = evaluation.arch_ids
        d["F"][s] = evaluation.F
        d["F_report"][s] = evaluation.F_report
        d["G"][s] = np.asarray(evaluation.G).reshape(k, self.n_constr)
        d["algo_time_s"][s] = algo_time_s / max(k, 1)
        self._n = end
        self._n_batches += 1

    def _get(self, key: str) -> np.ndarray:
        view = self._data[key][: self._n]
        view.flags.writeable = False
        return view

    def __len__(self) -> int:
        return self._n

    @property
    def genomes(self) -> np.ndarray:
        return self._get("genomes")

    @property
    def rows(self) -> np.ndarray:
        return self._get("rows")

    @property
    def arch_ids(self) -> np.ndarray:
        return self._get("arch_ids")

    @property
    def F(self) -> np.ndarray:
        return self._get("F")

    @property
    def F_report(self) -> np.ndarray:
        return self._get("F_report")

    @property
    def G(self) -> np.ndarray:
        return self._get("G")

    @property
    def batch(self) -> np.ndarray:
        return self._get("batch")

    @property
    def algo_time_s(self) -> np.ndarray:
        return self._get("algo_time_s")

    @property
    def feasible(self) -> np.ndarray:
        return np.all(self.G <= 0.0, axis=1)

    def to_frame(self, objective_names: Sequence[str] | None = None) -> pd.DataFrame:
        """Tidy table, one row per evaluation: ``order, batch, row, arch_id, g*, f*, r*, c*,
        feasible, algo_time_s`` (``f``: search objectives, ``r``: report objectives).

        Args:
            objective_names: the ``n_obj`` objective names (``Problem.objective_names``); given,
                the table also has ``<name>_search`` and ``<name>_report`` columns (the same
                values as ``f*`` and ``r*``, which stay: stored runs and their readers use them).
        """
        if objective_names is not None and len(objective_names) != self.n_obj:
            raise ValueError(
                f"objective_names has {len(objective_names)} names, the history {self.n_obj} "
                "objectives"
            )
        out = {
            "order": np.arange(len(self), dtype=np.int64),
            "batch": self.batch.copy(),
            "row": self.rows.copy(),
            "arch_id": self.arch_ids.copy(),
        }
        out.update({f"g{j}": self.genomes[:, j].copy() for j in range(self.n_var)})
        out.update({f"f{j}": self.F[:, j].copy() for j in range(self.n_obj)})
        out.update({f"r{j}": self.F_report[:, j].copy() for j in range(self.n_obj)})
        out.update({f"c{j}": self.G[:, j].copy() for j in range(self.n_constr)})
        for j, name in enumerate(objective_names or ()):
            out[f"{name}_search"] = out[f"f{j}"]
            out[f"{name}_report"] = out[f"r{j}"]
        out["feasible"] = self.feasible
        out["algo_time_s"] = self.algo_time_s.copy()
        return pd.DataFrame(out)
