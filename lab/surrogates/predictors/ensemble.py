"""Ensemble of one base predictor fitted with different seeds (and bootstrap resamples): the
mean of the members is the prediction, their spread plus a noise term the uncertainty.

The spread of the members only measures how much the model could vary, not how far observations
scatter around it; with bootstrap resampling the out-of-bag residuals (each row predicted by the
members that did not see it) estimate that noise, ``noise_var_`` (per output), and the predictive
std is ``sqrt(spread^2 + noise_var_)``. Without bootstrap the noise term is 0.

Member ``i`` gets the seed ``SeedSequence(random_state).spawn(n_members)[i]`` for its own
``random_state`` and for its bootstrap draw, so the ensemble is reproducible from one integer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from lab.errors import SurrogateError
from lab.fileio import write_json
from lab.surrogates.predictors.base import Predictor
from lab.surrogates.predictors.registry import load_predictor, make_predictor, predictor_class
from lab.surrogates.safe_io import read_json

NOISE_FILE = "noise.json"


class EnsemblePredictor(Predictor):
    """Bagged ensemble of ``n_members`` copies of predictor ``base``.

    Args:
        base: registry name of the member predictor.
        params: hyperparameters of every member (``random_state`` excepted).
        n_members: ensemble size (at least 2, so a spread exists).
        bootstrap: fit each member on a bootstrap resample of the rows.
        random_state: seed of the whole ensemble.
    """

    name = "ensemble"
    supports_std = True

    def __init__(
        self,
        base: str = "xgboost",
        params: dict[str, Any] | None = None,
        n_members: int = 5,
        bootstrap: bool = True,
        random_state: int = 0,
    ) -> None:
        self.base = base
        self.params = params
        self.n_members = n_members
        self.bootstrap = bootstrap
        self.random_state = random_state

    def _member_seeds(self) -> list[int]:
        children = np.random.SeedSequence(self.random_state).spawn(self.n_members)
        return [int(c.generate_state(1)[0]) for c in children]

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        if self.n_members < 2:
            raise SurrogateError(f"ensemble: n_members must be >= 2, got {self.n_members}")
        params = dict(self.params or {})
        if "random_state" in params:
            raise SurrogateError("ensemble: give the seed as the ensemble's random_state only")
        takes_seed = "random_state" in predictor_class(self.base)().get_params()
        members = []
        oob_sum = np.zeros_like(Y)
        oob_count = np.zeros(len(X))
        for seed in self._member_seeds():
            rows = np.arange(len(X))
            if self.bootstrap:
                rows = np.random.default_rng(seed).integers(0, len(X), size=len(X))
            member_params = {**params, "random_state": seed} if takes_seed else params
            member = make_predictor(self.base, **member_params).fit(X[rows], Y[rows])
            members.append(member)
            if self.bootstrap:
                out = np.ones(len(X), dtype=bool)
                out[rows] = False
                if out.any():
                    oob_sum[out] += member.predict(X[out]).reshape(int(out.sum()), -1)
                    oob_count[out] += 1
        self.members_ = members
        seen = oob_count > 0
        if self.bootstrap and seen.sum() >= 2:
            resid = Y[seen] - oob_sum[seen] / oob_count[seen, None]
            self.noise_var_ = np.mean(resid**2, axis=0)
        else:
            self.noise_var_ = np.zeros(Y.shape[1])

    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, np.ndarray | None]:
        preds = np.stack([m.predict(X).reshape(len(X), -1) for m in self.members_])
        if not return_std:
            return preds.mean(axis=0), None
        return preds.mean(axis=0), np.sqrt(preds.var(axis=0) + self.noise_var_)

    def _save_state(self, directory: Path) -> None:
        for i, member in enumerate(self.members_):
            member.save(directory / f"member_{i}")
        write_json(directory / NOISE_FILE, {"noise_var": self.noise_var_.tolist()})

    def _load_state(self, directory: Path) -> None:
        self.members_ = [load_predictor(directory / f"member_{i}") for i in range(self.n_members)]
        self.noise_var_ = np.asarray(
            read_json(directory / NOISE_FILE)["noise_var"], dtype=np.float64
        )

    @property
    def feature_importances_(self) -> np.ndarray:
        """Mean importance over the members (only when the base predictor has importances)."""
        return np.mean([m.feature_importances_ for m in self.members_], axis=0)
