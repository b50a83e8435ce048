"""The record of every evaluation an algorithm made, in order."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lab.problems.problem import Evaluation


@dataclass
class History:
    """Append-only evaluation record of one run.

    Arrays grow by one block per :meth:`append`; read them through the properties.
    Shapes: ``genomes`` ``n x d``, ``F``/``F_report`` ``n x m``, ``G`` ``n x c``, the rest ``n``.
    """

    n_var: int
    n_obj: int
    n_constr: int
    _blocks: list[dict[str, np.ndarray]] = field(default_factory=list)
    _cache: dict[str, np.ndarray] | None = None

    def append(self, genomes: np.ndarray, evaluation: Evaluation, *, algo_time_s: float) -> None:
        """Record one batch; ``algo_time_s`` is the wall time the algorithm spent producing it
        (its ask and the previous tell), spread evenly over the batch's evaluations."""
        k = len(evaluation.rows)
        self._blocks.append(
            {
                "batch": np.full(k, len(self._blocks), dtype=np.int64),
                "genomes": np.asarray(genomes, dtype=np.int64).reshape(k, self.n_var),
                "rows": evaluation.rows,
                "arch_ids": evaluation.arch_ids,
                "F": evaluation.F,
                "F_report": evaluation.F_report,
                "G": evaluation.G,
                "algo_time_s": np.full(k, algo_time_s / max(k, 1)),
            }
        )
        self._cache = None

    def _get(self, key: str) -> np.ndarray:
        if self._cache is None:
            if not self._blocks:
                empty = {
                    "batch": np.zeros(0, np.int64), "genomes": np.zeros((0, self.n_var), np.int64),
                    "rows": np.zeros(0, np.int64), "arch_ids": np.zeros(0, np.int64),
                    "F": np.zeros((0, self.n_obj)), "F_report": np.zeros((0, self.n_obj)),
                    "G": np.zeros((0, self.n_constr)), "algo_time_s": np.zeros(0),
                }  # fmt: skip
                return empty[key]
            self._cache = {k: np.concatenate([b[k] for b in self._blocks]) for k in self._blocks[0]}
        return self._cache[key]

    def __len__(self) -> int:
        return sum(len(b["rows"]) for b in self._blocks)

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

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per evaluation: ``order, batch, row, arch_id, g*, f*, r*, c*,
        feasible, algo_time_s`` (``f``: search objectives, ``r``: report objectives)."""
        out = {
            "order": np.arange(len(self), dtype=np.int64),
            "batch": self.batch,
            "row": self.rows,
            "arch_id": self.arch_ids,
        }
        out.update({f"g{j}": self.genomes[:, j] for j in range(self.n_var)})
        out.update({f"f{j}": self.F[:, j] for j in range(self.n_obj)})
        out.update({f"r{j}": self.F_report[:, j] for j in range(self.n_obj)})
        out.update({f"c{j}": self.G[:, j] for j in range(self.n_constr)})
        out["feasible"] = self.feasible
        out["algo_time_s"] = self.algo_time_s
        return pd.DataFrame(out)
