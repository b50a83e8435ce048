"""Multi-task Bayesian optimization: qNEHVI and qParEGO over a GP with a task kernel.

The source evaluations of the prior (:mod:`lab.algorithms.warm_start`) join the target's in the
training set of one GP per objective, BoTorch's ``MultiTaskGP`` (a kernel over the one-hot genome
times an index kernel over tasks, Bonilla et al. 2008; Swersky et al. 2013): task 0 is the
target, task ``t`` the ``t``-th source. The index kernel learns how far a source's objective
predicts the target's; posteriors (and so the acquisition) are the target task's. Without a
``warm_start`` the same algorithm fits a ``SingleTaskGP`` per objective: the cold start it is
compared with, identical in every other respect.

Each objective is standardized per task (mean 0, variance 1 over that task's evaluations), so
that a source in other units (another device's milliseconds) is related to the target by the
learned task correlation, not by its scale. BoTorch maximizes: the standardized values are of the
negated (minimized) objectives.

Acquisition over a discrete candidate set (the table): ``n_candidates`` unevaluated architectures
of the target's search space, the prior's best target rows first (up to half of them, best by
source rank: a transfer algorithm looks where the sources were good) and uniform ones for the
rest; a batch of ``q`` is chosen greedily, each pick conditioned on the earlier ones (BoTorch's
sequential greedy, ``X_pending``). qNEHVI (Daulton et al. 2021, its log form, Ament et al. 2023)
uses the reference point of the lab's Bayesian searches (declared thresholds, else BoTorch's
inferred point, never moved inward: :mod:`lab.algorithms.mobo.reference_point`); qParEGO (Knowles
2006; Daulton et al. 2020) draws one Chebyshev weight vector per pick. Constraints are not
modelled (infeasible evaluations are recorded and never returned, as for every algorithm).

Runs one seed at a time (no seed batching): the fits are small (prior plus budget points).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import torch
from botorch.acquisition.logei import qLogNoisyExpectedImprovement
from botorch.acquisition.multi_objective.logei import (
    qLogNoisyExpectedHypervolumeImprovement,
)
from botorch.acquisition.objective import GenericMCObjective
from botorch.fit import fit_gpytorch_mll
from botorch.models import ModelListGP, MultiTaskGP, SingleTaskGP
from botorch.sampling import SobolQMCNormalSampler
from botorch.utils.multi_objective.scalarization import get_chebyshev_scalarization
from gpytorch.mlls import ExactMarginalLogLikelihood
from pydantic import Field

from lab.algorithms.base import Algorithm
from lab.algorithms.mobo.reference_point import search_reference_point
from lab.algorithms.params import Int
from lab.algorithms.warm_start import WarmStartMixin, WarmStartParams
from lab.problems.problem import Evaluation

_DTYPE = torch.float64
#: Seeds handed to torch and BoTorch's samplers are drawn below this bound.
_SEED_BOUND = 2**31 - 1


class MultiTaskBOParams(WarmStartParams):
    """Hyperparameters of the multi-task Bayesian searches."""

    mc_samples: Int = Field(default=64, ge=1, description="quasi-Monte-Carlo samples")
    n_candidates: Int = Field(
        default=500, ge=1, description="candidate architectures scored per batch"
    )
    chunk: Int = Field(default=250, ge=1, description="candidates per acquisition call")
    fit_maxiter: Int = Field(
        default=100, ge=1, description="L-BFGS-B iterations of each GP fit (from the last fit)"
    )


def one_hot(genomes: np.ndarray, cardinalities: np.ndarray) -> np.ndarray:
    """``n x d`` genomes -> ``n x sum(cardinalities)`` one-hot features (float64)."""
    genomes = np.asarray(genomes, dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(cardinalities)[:-1]])
    out = np.zeros((len(genomes), int(np.sum(cardinalities))), dtype=np.float64)
    out[np.arange(len(genomes))[:, None], genomes + offsets] = 1.0
    return out


def standardize(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """``(values - mean) / std`` (std 1 where the values are constant) and the two numbers."""
    mean = float(np.mean(values))
    std = float(np.std(values))
    std = std if std > 0 else 1.0
    return (values - mean) / std, mean, std


class MultiTaskBO(WarmStartMixin, Algorithm):
    """Base of the multi-task searches; subclasses choose the acquisition (:meth:`_pick`)."""

    Params = MultiTaskBOParams

    def _setup(self) -> None:
        self._reference: np.ndarray | None = None
        self._states: list[dict[str, torch.Tensor]] = []

    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        pass

    # ------------------------------------------------------------------------------- model
    def _training_data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Features (one-hot, task column last when there is a prior), standardized maximized
        targets ``n x m``, and the target task's means and standard deviations (``m``)."""
        cards = self.problem.cardinalities
        h = self.history
        X_t = one_hot(h.genomes, cards)
        Y_t = np.empty_like(h.F, dtype=np.float64)
        means, stds = np.empty(self.problem.n_obj), np.empty(self.problem.n_obj)
        for j in range(self.problem.n_obj):
            Y_t[:, j], means[j], stds[j] = standardize(-h.F[:, j])
        if self.prior is None:
            return X_t, Y_t, means, stds
        X_parts, Y_parts = [np.column_stack([X_t, np.zeros(len(X_t))])], [Y_t]
        for t in range(len(self.prior.sources)):
            idx = self.prior.task == t
            X_s = one_hot(self.prior.genomes[idx], cards)
            Y_s = np.column_stack(
                [standardize(-self.prior.F[idx, j])[0] for j in range(self.problem.n_obj)]
            )
            X_parts.append(np.column_stack([X_s, np.full(len(X_s), t + 1.0)]))
            Y_parts.append(Y_s)
        return np.concatenate(X_parts), np.concatenate(Y_parts), means, stds

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> ModelListGP:
        """One GP per objective (multi-task with a prior), hyperparameters by marginal
        likelihood."""
        X_ = torch.as_tensor(X, dtype=_DTYPE)
        models = []
        for j in range(Y.shape[1]):
            y = torch.as_tensor(Y[:, j : j + 1], dtype=_DTYPE)
            if self.prior is None:
                # The targets are standardized per task already (_training_data).
                model = SingleTaskGP(X_, y, outcome_transform=None)
            else:
                model = MultiTaskGP(
                    X_, y, task_feature=-1, output_tasks=[0], outcome_transform=None
                )
            previous = self._states[j] if j < len(self._states) else None
            if previous is not None:
                # The last fit's hyperparameters start this one (the data grew by one batch).
                model.load_state_dict(previous, strict=False)
            fit_gpytorch_mll(
                ExactMarginalLogLikelihood(model.likelihood, model),
                optimizer_kwargs={"options": {"maxiter": self.params.fit_maxiter}},
            )
            models.append(model)
        self._states = [
            {
                k: v.detach().clone()
                for k, v in m.state_dict().items()
                if "train" not in k and "transform" not in k
            }
            for m in models
        ]
        return ModelListGP(*models)

    # -------------------------------------------------------------------------- candidates
    def _candidates(self) -> np.ndarray:
        """Unevaluated searchable target rows to score: the prior's best (up to half), then
        uniform ones (see the module docstring)."""
        n = self.params.n_candidates
        prior = self.prior_rows()[: n // 2] if self.prior is not None else np.zeros(0, np.int64)
        free = np.flatnonzero(~self._evaluated & self.problem.searchable_all)
        free = np.setdiff1d(free, prior)
        uniform = self.rng.choice(free, size=min(n - len(prior), len(free)), replace=False)
        return np.concatenate([prior, uniform]).astype(np.int64)

    def _ask(self, n: int) -> np.ndarray:
        seed = int(self.rng.integers(_SEED_BOUND))
        X, Y, means, stds = self._training_data()
        rows = self._candidates()
        with torch.random.fork_rng(), warnings.catch_warnings():
            torch.manual_seed(seed)
            # Fits that need restarts warn; the run's manifest is not the place for them.
            warnings.simplefilter("ignore")
            model = self._fit(X, Y)
            choices = torch.as_tensor(
                one_hot(self.problem.genomes_all[rows], self.problem.cardinalities),
                dtype=_DTYPE,
            )
            X_base = torch.as_tensor(
                one_hot(self.history.genomes, self.problem.cardinalities), dtype=_DTYPE
            )
            picked = self._pick(model, X_base, choices, min(n, len(rows)), means, stds, seed)
        return self.problem.genomes_all[rows[picked]]

    def _greedy(self, make_acq: Any, choices: torch.Tensor, q: int) -> list[int]:
        """``q`` distinct indices into ``choices``, each the argmax of ``make_acq(pending)``
        (an acquisition conditioned on the earlier picks)."""
        picked: list[int] = []
        for _ in range(q):
            pending = choices[picked] if picked else None
            acq = make_acq(pending)
            with torch.no_grad():
                values = torch.cat(
                    [
                        acq(choices[i : i + self.params.chunk].unsqueeze(1))
                        for i in range(0, len(choices), self.params.chunk)
                    ]
                )
            if picked:
                values[picked] = -torch.inf
            picked.append(int(torch.argmax(values)))
        return picked

    def _sampler(self, seed: int) -> SobolQMCNormalSampler:
        return SobolQMCNormalSampler(sample_shape=torch.Size([self.params.mc_samples]), seed=seed)

    def _pick(
        self,
        model: ModelListGP,
        X_base: torch.Tensor,
        choices: torch.Tensor,
        q: int,
        means: np.ndarray,
        stds: np.ndarray,
        seed: int,
    ) -> list[int]:
        """``q`` indices into ``choices`` (``k x D``) to evaluate next."""
        raise NotImplementedError


class MultiTaskQNEHVI(MultiTaskBO):
    """Multi-task qNEHVI (log form): target-task posteriors, the lab's reference point."""

    name = "mtbo_qnehvi"
    references = (
        "S. Daulton, M. Balandat, E. Bakshy. Parallel Bayesian optimization of multiple noisy objectives with expected hypervolume improvement. NeurIPS 2021.",
        "K. Swersky, J. Snoek, R. P. Adams. Multi-task Bayesian optimization. NeurIPS 2013.",
    )

    def _pick(self, model, X_base, choices, q, means, stds, seed):  # type: ignore[override]
        h = self.history
        self._reference = search_reference_point(
            self.problem, h.F, h.feasible, rule="auto", previous=self._reference
        )
        ref = torch.as_tensor((-self._reference - means) / stds, dtype=_DTYPE)

        def make(pending: torch.Tensor | None) -> Any:
            return qLogNoisyExpectedHypervolumeImprovement(
                model=model,
                ref_point=ref,
                X_baseline=X_base,
                sampler=self._sampler(seed),
                prune_baseline=True,
                X_pending=pending,
            )

        return self._greedy(make, choices, q)


class MultiTaskQParEGO(MultiTaskBO):
    """Multi-task qParEGO: log noisy EI of a random Chebyshev scalarization per pick."""

    name = "mtbo_qparego"
    references = (
        "J. Knowles. ParEGO: a hybrid algorithm with on-line landscape approximation for expensive multiobjective optimization problems. IEEE TEVC 10(1), 2006.",
        "K. Swersky, J. Snoek, R. P. Adams. Multi-task Bayesian optimization. NeurIPS 2013.",
    )

    def _pick(self, model, X_base, choices, q, means, stds, seed):  # type: ignore[override]
        h = self.history
        Y_obs = torch.as_tensor((-h.F - means) / stds, dtype=_DTYPE)

        def make(pending: torch.Tensor | None) -> Any:
            weights = torch.as_tensor(self.rng.dirichlet(np.ones(self.problem.n_obj)), dtype=_DTYPE)
            objective = GenericMCObjective(get_chebyshev_scalarization(weights=weights, Y=Y_obs))
            return qLogNoisyExpectedImprovement(
                model=model,
                X_baseline=X_base,
                sampler=self._sampler(seed),
                objective=objective,
                prune_baseline=True,
                X_pending=pending,
            )

        return self._greedy(make, choices, q)
