"""A meta-learned latency model for a new device from a few measurements.

The model is a hierarchical Bayesian linear regression (the "learned prior, per-task Bayesian
linear head" design of ABLR, Perrone et al., NeurIPS 2018, with a fixed encoding):

* **Encoding** ``phi(x)``: one-hot of the choice at every genome position plus one-hot of the
  pair of choices at every pair of positions (NAS-Bench-201: 6 x 5 + 15 x 25 = 405 features).
  Latency is close to additive over a cell's edges (each edge's op runs in every cell), and the
  pairs let a device's cost of an op depend on its neighbour (fusion, memory traffic).
* **One head per device**: the device's latency, standardized to zero mean and unit variance,
  is ``z(x) = phi(x) . w_d + b_d + noise``.
* **Prior learned across source devices**: ``w_d ~ N(mu, alpha * C + tau2 * I)`` where ``mu`` and
  ``C`` are the mean and covariance of the source devices' ridge-fitted heads (rank at most
  ``k - 1`` for ``k`` sources): a new device's head is the mean head plus a combination of the
  directions in which known devices differ, plus a small isotropic part for what none shows.
  The intercept ``b_d`` has a broad prior (variance ``intercept_var``).
* **Adaptation** to the target from ``n`` measurements is the exact Gaussian posterior; the
  noise variance is chosen among a few values by the evidence (type-II maximum likelihood) of
  the ``n`` measurements, so a device unlike the sources trusts its own points more.

Predictions come back in the target's unit (ms): the standardization uses the mean and standard
deviation of the ``n`` measurements.

All arrays are ``float64``; features are ``(n_archs, n_features)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lab.errors import InputError

#: Default noise variances (standardized units) among which the evidence chooses.
NOISE_GRID: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 1.0)
ISOTROPIC_VAR = 1e-3
INTERCEPT_VAR = 10.0
MEAN_SCALE_VAR = 0.3
COVARIANCE_SCALE = 1.0
SOURCE_RIDGE = 1e-3


def pairwise_one_hot(genomes: np.ndarray, cardinalities: Sequence[int]) -> np.ndarray:
    """One-hot of each position's choice and of each pair of positions' choices.

    Args:
        genomes: integer array ``(n, p)``, entry ``[a, i]`` in ``0..cardinalities[i]-1``.
        cardinalities: choices per position, length ``p``.

    Returns:
        ``(n, sum_i c_i + sum_{i<j} c_i c_j)`` array of 0/1 (``float64``).
    """
    genomes = np.asarray(genomes)
    cards = [int(c) for c in cardinalities]
    if genomes.ndim != 2 or genomes.shape[1] != len(cards):
        raise InputError(
            f"genomes must have shape (n, {len(cards)}) for cardinalities {cards}, got "
            f"{genomes.shape}"
        )
    if genomes.size and (genomes.min() < 0 or (genomes >= np.asarray(cards)).any()):
        raise InputError(f"genome values must lie in 0..cardinality-1 for {cards}")
    n, p = genomes.shape
    blocks = []
    rows = np.arange(n)
    for i in range(p):
        block = np.zeros((n, cards[i]))
        block[rows, genomes[:, i]] = 1.0
        blocks.append(block)
    for i in range(p):
        for j in range(i + 1, p):
            block = np.zeros((n, cards[i] * cards[j]))
            block[rows, genomes[:, i] * cards[j] + genomes[:, j]] = 1.0
            blocks.append(block)
    return np.hstack(blocks)


def _standardize(values: np.ndarray, what: str) -> tuple[np.ndarray, float, float]:
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size < 2 or not np.isfinite(values).all():
        raise InputError(f"{what}: need a 1-D array of at least 2 finite latencies")
    mean, std = float(values.mean()), float(values.std())
    if std == 0.0:
        raise InputError(f"{what}: all latencies are equal ({mean}); the scale is undefined")
    return (values - mean) / std, mean, std


@dataclass(frozen=True)
class LatencyPrior:
    """The prior over a device's head, learned from source devices.

    Attributes:
        mean: ``(n_features,)`` mean head ``mu`` (standardized latency per feature).
        factors: ``(k, n_features)`` source heads minus ``mu``, divided by ``sqrt(k - 1)``, so
            that ``C = factors.T @ factors`` is their sample covariance.
        sources: the source devices, in the order of ``factors``' rows.
    """

    mean: np.ndarray
    factors: np.ndarray
    sources: tuple[str, ...]

    @classmethod
    def from_sources(
        cls,
        features: np.ndarray,
        columns: Mapping[str, np.ndarray],
        *,
        ridge: float = SOURCE_RIDGE,
    ) -> LatencyPrior:
        """Fit one ridge head per source device on its standardized latency column.

        Args:
            features: ``(n_archs, n_features)`` encoding of the architectures measured on
                every source (e.g. the whole space).
            columns: source device -> latency per architecture (any unit), ``(n_archs,)``.
            ridge: ridge penalty of the source fits (standardized units).
        """
        if len(columns) < 2:
            raise InputError("a learned prior needs at least 2 source devices")
        features = np.asarray(features, dtype=np.float64)
        gram = features.T @ features + ridge * np.eye(features.shape[1])
        heads = []
        for device, values in columns.items():
            if len(values) != len(features):
                raise InputError(
                    f"source {device!r}: {len(values)} latencies for {len(features)} architectures"
                )
            z, _, _ = _standardize(values, f"source {device!r}")
            # Centered z: the intercept is absorbed (one-hot rows sum to a constant).
            heads.append(np.linalg.solve(gram, features.T @ z))
        heads_arr = np.asarray(heads)
        mean = heads_arr.mean(axis=0)
        factors = (heads_arr - mean) / np.sqrt(len(heads_arr) - 1)
        return cls(mean, factors, tuple(columns))


@dataclass(frozen=True)
class AdaptedLatencyModel:
    """The posterior predictive mean for one target device after its measurements.

    Use :func:`adapt` to make one; :meth:`predict` returns latency in the target's unit.
    """

    prior: LatencyPrior
    train_features: np.ndarray
    dual_coef: np.ndarray
    covariance_scale: float
    isotropic_var: float
    intercept_var: float
    mean_scale_var: float
    noise_var: float
    log_evidence: float
    scale: tuple[float, float]  # (mean, std) of the measurements
    evidence_by_noise: dict[float, float] = field(default_factory=dict)

    def _kernel(self, features: np.ndarray) -> np.ndarray:
        """Prior covariance ``k(features, train_features)``, ``(m, n_train)``."""
        low = (features @ self.prior.factors.T) @ (self.prior.factors @ self.train_features.T)
        along_mean = np.outer(features @ self.prior.mean, self.train_features @ self.prior.mean)
        return (
            self.covariance_scale * low
            + self.mean_scale_var * along_mean
            + self.isotropic_var * features @ self.train_features.T
            + self.intercept_var
        )

    def predict_standardized(self, features: np.ndarray) -> np.ndarray:
        """Posterior mean of the standardized latency, ``(m,)``."""
        features = np.asarray(features, dtype=np.float64)
        return features @ self.prior.mean + self._kernel(features) @ self.dual_coef

    def predict(self, features: np.ndarray) -> np.ndarray:
        """Posterior mean latency in the measurements' unit (e.g. ms), ``(m,)``."""
        mean, std = self.scale
        return mean + std * self.predict_standardized(features)


def adapt(
    prior: LatencyPrior,
    features: np.ndarray,
    latency: np.ndarray,
    *,
    noise_grid: Sequence[float] = NOISE_GRID,
    covariance_scale: float = COVARIANCE_SCALE,
    isotropic_var: float = ISOTROPIC_VAR,
    intercept_var: float = INTERCEPT_VAR,
    mean_scale_var: float = MEAN_SCALE_VAR,
) -> AdaptedLatencyModel:
    """The posterior for a target device from a few measurements.

    Args:
        prior: learned on source devices (:meth:`LatencyPrior.from_sources`).
        features: ``(n, n_features)`` encoding of the measured architectures.
        latency: ``(n,)`` their measured latencies on the target (any unit; at least 2,
            not all equal).
        noise_grid: noise variances (standardized units) compared by the evidence.
        covariance_scale: ``alpha``, the weight of the sources' covariance in the prior.
        isotropic_var: ``tau2``, the prior variance of every weight beyond the sources'.
        intercept_var: prior variance of the intercept.
        mean_scale_var: prior variance of a factor ``beta ~ N(1, mean_scale_var)`` on the mean
            head (the target's scale relative to the sources'; 0: fixed at 1).
    """
    features = np.asarray(features, dtype=np.float64)
    z, mean, std = _standardize(latency, "target measurements")
    if features.shape != (len(z), len(prior.mean)):
        raise InputError(
            f"features must have shape ({len(z)}, {len(prior.mean)}), got {features.shape}"
        )
    if not noise_grid or min(noise_grid) <= 0:
        raise InputError(f"noise_grid must hold positive variances, got {list(noise_grid)}")
    proj = features @ prior.factors.T
    along_mean = features @ prior.mean
    prior_cov = (
        covariance_scale * proj @ proj.T
        + mean_scale_var * np.outer(along_mean, along_mean)
        + isotropic_var * features @ features.T
        + intercept_var
    )
    residual = z - features @ prior.mean
    best: tuple[float, float, np.ndarray] | None = None
    evidence = {}
    for noise in noise_grid:
        chol = np.linalg.cholesky(prior_cov + noise * np.eye(len(z)))
        white = np.linalg.solve(chol, residual)
        log_ev = float(
            -0.5 * white @ white - np.log(np.diag(chol)).sum() - 0.5 * len(z) * np.log(2 * np.pi)
        )
        evidence[float(noise)] = log_ev
        if best is None or log_ev > best[0]:
            dual = np.linalg.solve(chol.T, white)
            best = (log_ev, float(noise), dual)
    assert best is not None
    log_ev, noise, dual = best
    return AdaptedLatencyModel(
        prior=prior,
        train_features=features,
        dual_coef=dual,
        covariance_scale=covariance_scale,
        isotropic_var=isotropic_var,
        intercept_var=intercept_var,
        mean_scale_var=mean_scale_var,
        noise_var=noise,
        log_evidence=log_ev,
        scale=(mean, std),
        evidence_by_noise=evidence,
    )
