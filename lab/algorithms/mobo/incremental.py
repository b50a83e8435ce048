"""Exact marginal posteriors of many GPs over a fixed set of rows, updated as points arrive.

Between two hyperparameter refits the kernel does not change, so the posterior of ``b`` GPs
(the outputs of every seed of a batch) over ``N`` fixed rows (every architecture of a table)
can be carried from one iteration to the next instead of being recomputed:

- the Cholesky factor ``L`` of ``K + noise I`` (``b x n x n``) grows by a block row when ``q``
  points are appended (a rank-``q`` update: ``L12 = L^-1 k(X, Xq)``,
  ``L22 = chol(k(Xq, Xq) + noise I - L12' L12)``), ``O(n^2 q)`` instead of ``O(n^3)``;
- the cached cross-covariances ``V = L^-1 k(X, rows)`` (``b x n x N``) gain ``q`` rows,
  ``L22^-1 (k(Xq, rows) - L12' V)``, ``O(n q N)`` instead of the ``O(n^2 N)`` triangular
  solve of a full recomputation, and the variances lose their squares;
- the means need only ``w = L^-1 r`` for the current (re-standardized) targets ``r``:
  ``mean = w' V``, ``O(n N)``.

Everything is in the GPs' standardized units; :class:`IncrementalPosterior` knows nothing of
outcome transforms. A rank-``q`` update whose Schur complement is not positive definite falls
back to a full recomputation (with the jitter GPyTorch's prediction would add).
"""

from __future__ import annotations

import torch
from linear_operator.utils.cholesky import psd_safe_cholesky
from torch import Tensor

from lab.algorithms.mobo.gp import cross_kernel


class IncrementalPosterior:
    """Marginal posteriors of ``b`` GPs at ``N`` fixed rows.

    Args:
        rows_onehot: ``N x D`` one-hot encodings of the rows whose marginals are kept.
        chunk_size: rows per chunk of a kernel evaluation (bounds temporary memory to
            ``~ b x n x chunk_size`` floats).
    """

    def __init__(self, rows_onehot: Tensor, *, chunk_size: int = 4096) -> None:
        self.H = rows_onehot
        self.chunk_size = int(chunk_size)
        self.n = 0
        self._form: tuple[Tensor, ...] | None = None
        self._noise: Tensor | None = None
        self._h_train: Tensor | None = None
        self._L: Tensor | None = None
        self._V: Tensor | None = None  # b x capacity x N; the first n rows are valid
        self._sq: Tensor | None = None  # b x N: column sums of V^2

    @property
    def nbytes(self) -> int:
        """Bytes held by the cached cross-covariances."""
        return 0 if self._V is None else self._V.numel() * self._V.element_size()

    def _rows_kernel(self, h: Tensor) -> Tensor:
        """``b x m x N`` kernel between ``h`` (``b x m x D``) and every cached row."""
        parts = [
            cross_kernel(h, self.H[s : s + self.chunk_size], self._form)  # type: ignore[arg-type]
            for s in range(0, self.H.shape[0], self.chunk_size)
        ]
        return torch.cat(parts, dim=-1)

    def _store(self, V: Tensor) -> None:
        """Keep ``V`` (``b x n x N``) with spare rows for later appends."""
        b, n, N = V.shape
        capacity = n + max(8, n // 4)
        buffer = V.new_empty(b, capacity, N)
        buffer[:, :n] = V
        self._V = buffer

    @torch.no_grad()
    def reset(self, form: tuple[Tensor, ...], noise: Tensor, h_train: Tensor) -> None:
        """Recompute everything for new hyperparameters.

        Args:
            form: the kernel coefficients (:meth:`GenomeGP.kernel_form`), each with a leading
                ``b``.
            noise: ``b`` noise variances.
            h_train: ``b x n x D`` one-hot training rows of each GP.
        """
        self._form = tuple(t.detach() for t in form)
        self._noise = noise.detach().reshape(-1)
        self._h_train = h_train
        n = h_train.shape[-2]
        K = cross_kernel(h_train, h_train, self._form)
        K = K + self._noise[:, None, None] * torch.eye(n, dtype=K.dtype, device=K.device)
        self._L = psd_safe_cholesky(K)
        V = torch.linalg.solve_triangular(self._L, self._rows_kernel(h_train), upper=False)
        self._store(V)
        self._sq = (V * V).sum(-2)
        self.n = n

    @torch.no_grad()
    def append(self, h_new: Tensor) -> None:
        """Add ``q`` training points to every GP (``h_new``: ``b x q x D``): a rank-``q``
        update of the factor and the cached cross-covariances."""
        assert self._L is not None and self._V is not None and self._h_train is not None
        q = h_new.shape[-2]
        if q == 0:
            return
        form, noise, L, n = self._form, self._noise, self._L, self.n
        K12 = cross_kernel(self._h_train, h_new, form)  # type: ignore[arg-type]
        L12 = torch.linalg.solve_triangular(L, K12, upper=False)  # b x n x q
        K22 = cross_kernel(h_new, h_new, form)  # type: ignore[arg-type]
        eye = torch.eye(q, dtype=K22.dtype, device=K22.device)
        S = K22 + noise[:, None, None] * eye - L12.transpose(-1, -2) @ L12  # type: ignore[index]
        L22, info = torch.linalg.cholesky_ex(S)
        h_train = torch.cat([self._h_train, h_new], dim=-2)
        if bool(info.any()):  # the update lost positive definiteness: start over
            self.reset(form, noise, h_train)  # type: ignore[arg-type]
            return
        b = L.shape[0]
        top = torch.cat([L, L.new_zeros(b, n, q)], dim=-1)
        bottom = torch.cat([L12.transpose(-1, -2), L22], dim=-1)
        self._L = torch.cat([top, bottom], dim=-2)
        V = self._V[:, :n]
        rhs = self._rows_kernel(h_new) - L12.transpose(-1, -2) @ V  # b x q x N
        V_new = torch.linalg.solve_triangular(L22, rhs, upper=False)
        if self._V.shape[1] < n + q:
            self._store(V)
        self._V[:, n : n + q] = V_new
        self._sq = self._sq + (V_new * V_new).sum(-2)  # type: ignore[operator]
        self._h_train = h_train
        self.n = n + q

    @torch.no_grad()
    def marginals(self, r: Tensor) -> tuple[Tensor, Tensor]:
        """Posterior means (prior mean excluded) and variances at the rows.

        Args:
            r: ``b x n`` training targets minus the prior mean, standardized.

        Returns:
            ``b x N`` means ``k(rows, X) (K + noise I)^-1 r`` and ``b x N`` variances.
        """
        assert self._L is not None and self._V is not None
        w = torch.linalg.solve_triangular(self._L, r.unsqueeze(-1), upper=False)  # b x n x 1
        mean = (w.transpose(-1, -2) @ self._V[:, : self.n]).squeeze(-2)
        prior = self._form[0].reshape(-1, 1)  # type: ignore[index]
        return mean, (prior - self._sq).clamp_min(0.0)
