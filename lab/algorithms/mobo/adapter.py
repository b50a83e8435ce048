"""The adapter between a problem and BoTorch: the one place where objective signs flip.

The laboratory minimizes every objective; BoTorch maximizes. :class:`BoTorchAdapter` turns a
problem's objectives and constraints into BoTorch's outcome convention:

- the GP models ``k`` outputs: the *modelled* objectives negated (maximized), then the
  *modelled* constraint values (BoTorch's constraint callables, like the problem, call a value
  ``<= 0`` feasible, so constraints keep their sign);
- objectives declared *known* (exact without training: parameters, FLOPs, a latency table) are
  not modelled but read from the table for any genome; :class:`TableObjective` merges them
  with the model's samples, in the problem's objective order;
- constraints declared known are applied exactly, by removing infeasible candidates.

Model inputs ``X`` are canonical genomes (``... x d``, float64); :meth:`BoTorchAdapter.rows_of`
maps them back to table rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from botorch.acquisition.multi_objective.objective import MCMultiOutputObjective
from torch import Tensor

from lab.errors import ConfigError
from lab.problems.problem import Problem
from lab.spaces.encoding import genome_codes


def _indices(kind: str, names: Sequence[str], valid: Sequence[str], where: str) -> list[int]:
    unknown = [n for n in names if n not in valid]
    if unknown:
        raise ConfigError(f"{where}: {kind} {unknown} not in the problem; valid: {list(valid)}")
    if len(set(names)) != len(names):
        raise ConfigError(f"{where}: {kind} {list(names)} name one twice")
    return [list(valid).index(n) for n in names]


class BoTorchAdapter:
    """Outcomes of ``problem`` in BoTorch's (maximizing) convention.

    Args:
        problem: the problem.
        known_objectives: names of objectives read from the table instead of modelled.
        known_constraints: metric names of constraints applied exactly instead of modelled.
        device: where the tensors live (float64).
    """

    def __init__(
        self,
        problem: Problem,
        *,
        known_objectives: Sequence[str] = (),
        known_constraints: Sequence[str] = (),
        device: torch.device,
    ) -> None:
        self.problem = problem
        self.device = device
        where = f"problem {problem.name!r}"
        known = _indices("known_objectives", known_objectives, problem.objective_names, where)
        if len(known) == problem.n_obj:
            raise ConfigError(
                f"{where}: known_objectives names every objective; at least one must be "
                "modelled (remove one name)"
            )
        metrics = [c.metric for c in problem.spec.constraints]
        known_con = _indices("known_constraints", known_constraints, metrics, where)
        self.known_obj = known
        self.modeled_obj = [j for j in range(problem.n_obj) if j not in known]
        self.known_con = known_con
        self.modeled_con = [j for j in range(problem.n_constr) if j not in known_con]
        codes = genome_codes(problem.genomes_all, problem.cardinalities)
        order = np.argsort(codes, kind="stable")
        self._sorted_codes = torch.as_tensor(codes[order], device=device)
        self._sorted_rows = torch.as_tensor(order, device=device)
        radix = np.ones(problem.n_var, dtype=np.int64)
        radix[:-1] = np.cumprod(problem.cardinalities[::-1])[::-1][1:]
        self._radix = torch.as_tensor(radix, device=device)
        self._known_max = self.maximized(problem.F_all[:, self.known_obj])
        self._reference: np.ndarray | None = None

    # ------------------------------------------------------------------------------- outcomes
    @property
    def n_outputs(self) -> int:
        """Number of GP outputs ``k`` (modelled objectives, then modelled constraints)."""
        return len(self.modeled_obj) + len(self.modeled_con)

    def maximized(self, F: np.ndarray) -> Tensor:
        """Minimized objective values (``... x j``) as BoTorch's maximized outcomes."""
        return -torch.as_tensor(np.asarray(F, dtype=np.float64), device=self.device)

    def set_reference_point(self, point: np.ndarray) -> None:
        """Set the search's hypervolume reference point (``m``, minimized raw units), chosen by
        :func:`lab.algorithms.mobo.reference_point.search_reference_point`."""
        point = np.asarray(point, dtype=np.float64)
        if point.shape != (self.problem.n_obj,) or not np.isfinite(point).all():
            raise ValueError(f"reference point must be {self.problem.n_obj} finite values")
        self._reference = point

    def ref_point(self) -> Tensor:
        """The search's current hypervolume reference point, maximized (``m``)."""
        if self._reference is None:
            raise RuntimeError("no reference point set: call set_reference_point first")
        return self.maximized(self._reference)

    def train_targets(self, rows: np.ndarray) -> Tensor:
        """``n x k`` GP targets of table rows: maximized modelled objectives, then modelled
        constraint values."""
        F = self.maximized(self.problem.F_all[np.ix_(rows, self.modeled_obj)])
        G = torch.as_tensor(self.problem.G_all[np.ix_(rows, self.modeled_con)], device=self.device)
        return torch.cat([F, G], dim=-1)

    def objectives_max(self, rows: np.ndarray) -> Tensor:
        """``n x m`` maximized objectives of table rows (all of them, in problem order)."""
        return self.maximized(self.problem.F_all[rows])

    def known_feasible(self, rows: np.ndarray) -> np.ndarray:
        """Mask over ``rows``: do they satisfy every known constraint?"""
        if not self.known_con:
            return np.ones(len(rows), dtype=bool)
        return np.all(self.problem.G_all[np.ix_(rows, self.known_con)] <= 0.0, axis=1)

    # ---------------------------------------------------------------------------- look-ups
    def rows_of(self, X: Tensor) -> Tensor:
        """Table rows of genomes ``X`` (``... x d``); ``ValueError`` for a genome not in the
        table (model inputs are always canonical table genomes)."""
        codes = (X.round().long() * self._radix).sum(-1)
        pos = torch.searchsorted(self._sorted_codes, codes).clamp_max(len(self._sorted_codes) - 1)
        if not bool((self._sorted_codes[pos] == codes).all()):
            raise ValueError("a model input is not a canonical genome of the table")
        return self._sorted_rows[pos]

    def known_objectives_max(self, X: Tensor) -> Tensor:
        """``... x len(known)`` maximized known objectives of genomes ``X``."""
        return self._known_max[self.rows_of(X)]

    def known_objectives_max_rows(self, rows: np.ndarray) -> Tensor:
        """``n x len(known)`` maximized known objectives of table rows."""
        return self._known_max[
            torch.as_tensor(np.asarray(rows, dtype=np.int64), device=self.device)
        ]

    def objective(self) -> TableObjective:
        """BoTorch MC objective: model samples -> ``m`` maximized objectives."""
        return TableObjective(self)

    def constraints(self) -> list[Callable[[Tensor], Tensor]]:
        """BoTorch constraint callables over model samples (feasible iff ``<= 0``)."""
        first = len(self.modeled_obj)
        return [_OutputSelector(first + i) for i in range(len(self.modeled_con))]

    def merge(self, modeled: Tensor, known: Tensor) -> Tensor:
        """Interleave modelled (``... x len(modeled_obj)``) and known (``... x len(known)``)
        objective columns into the problem's order (``... x m``)."""
        columns: list[Tensor | None] = [None] * self.problem.n_obj
        for i, j in enumerate(self.modeled_obj):
            columns[j] = modeled[..., i]
        for i, j in enumerate(self.known_obj):
            columns[j] = known[..., i]
        return torch.stack(columns, dim=-1)  # type: ignore[arg-type]


class _OutputSelector:
    """Constraint callable: one column of the model samples."""

    def __init__(self, index: int) -> None:
        self.index = index

    def __call__(self, samples: Tensor) -> Tensor:
        return samples[..., self.index]


class TableObjective(MCMultiOutputObjective):
    """Model samples (``sample_shape x batch x q x k``) and inputs ``X`` (``batch x q x d``)
    -> maximized objectives (``sample_shape x batch x q x m``): modelled objectives from the
    samples, known ones from the table (identical in every sample)."""

    def __init__(self, adapter: BoTorchAdapter) -> None:
        super().__init__()
        self.adapter = adapter

    def forward(self, samples: Tensor, X: Tensor | None = None) -> Tensor:
        a = self.adapter
        modeled = samples[..., : len(a.modeled_obj)]
        if not a.known_obj:
            return modeled
        if X is None:
            raise ValueError("known objectives need the inputs X to look their values up")
        known = a.known_objectives_max(X).to(samples)
        known = known.expand(*modeled.shape[:-1], known.shape[-1])
        return a.merge(modeled, known)
