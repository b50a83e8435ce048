"""Hyperparameter fits of the GPs of several seeds at once, each seed's fit independent.

The GPs of ``B`` seeds (``k`` outputs each) form one batched :class:`GenomeGP` with batch
shape ``B x k``. BoTorch's batched L-BFGS-B (``fmin_l_bfgs_b_batched``, the optimizer
``fit_gpytorch_mll`` already uses for the ``k`` outputs of one seed) then optimizes the
``B * k`` hyperparameter vectors as independent problems: each has its own line search, its
own convergence test and its own iteration count. Only the arithmetic is shared (one batched
kernel, Cholesky and gradient evaluation per L-BFGS-B step instead of ``B``) -- and torch rounds
that arithmetic with the batch's size and layout, so over many warm refits a seed's
hyperparameters can drift from the ones it gets alone. The seed-batch engine
(:mod:`lab.algorithms.mobo.seed_batch`) therefore calls :func:`fit_seed_batch` with one seed
at a time.

A seed whose attempt fails (a line search that cannot progress, as BoTorch judges it, or a
kernel matrix that is not positive definite: then every seed of the batch first tries again in
a batch of its own) is fitted again alone by :meth:`GenomeGP.fit` (BoTorch's
``fit_gpytorch_mll``: the same first attempt, then retries from hyperparameters drawn from the
priors with the seed's own torch RNG): exactly what the seed would get in a batch of one.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import torch
from botorch.exceptions.errors import ModelFittingError
from botorch.optim.batched_lbfgs_b import fmin_l_bfgs_b_batched
from botorch.optim.closures import BatchedNDarrayOptimizationClosure, get_loss_closure
from botorch.optim.utils import get_parameters_and_bounds
from botorch.optim.utils.numpy_utils import get_per_element_bounds
from gpytorch.mlls import ExactMarginalLogLikelihood
from linear_operator.utils.errors import NotPSDError
from torch import Tensor

from lab.algorithms.mobo.device import seeded_torch
from lab.algorithms.mobo.gp import GenomeGP

State = dict[str, Tensor]


def stack_states(states: Sequence[State], template: State) -> State:
    """Per-seed hyperparameter states (:meth:`GenomeGP.hyperparameter_state`) -> the state of
    the batched model whose ``state_dict()`` is ``template``: a leading seed dimension on
    every per-GP entry; entries without one (prior constants) are taken as they are."""
    out = {}
    for key in states[0]:
        stacked = torch.stack([s[key] for s in states])
        out[key] = stacked if stacked.shape == template[key].shape else states[0][key]
    return out


def unstack_state(state: State, index: int, batch: int, single: State) -> State:
    """Seed ``index``'s hyperparameters from the batched model's ``state`` (``batch`` seeds);
    ``single`` is a one-seed model's state, for the shapes."""
    return {
        key: (value[index] if value.shape != single[key].shape else value).clone()
        for key, value in state.items()
    }


def _seed_failed(results: Sequence[dict], seed: int, k: int) -> bool:
    """BoTorch's rule for one seed's ``k`` outputs: a failure unless every output converged
    or one of them stopped at the iteration limit (``_fit_gpytorch_mll_scipy_independent``).

    The batched L-BFGS-B reports the limit as ``status == 1`` (scipy's ``warnflag``); reading
    only a ``warnflag`` key, absent from its results, took every warm fit that used its
    ``warm_maxiter`` iterations for a failure and refitted each seed alone.
    """
    own = results[seed * k : (seed + 1) * k]
    if all(r.get("success", False) for r in own):
        return False
    return not any(r.get("status", r.get("warnflag", 0)) == 1 for r in own)


def fit_seed_batch(
    X: Tensor,
    Y: Tensor,
    *,
    cardinalities: Sequence[int],
    kernel: str,
    states: Sequence[State] | None,
    maxiter: int,
    seeds: Sequence[int],
    name: str = "mobo",
) -> list[State]:
    """Fit the GPs of ``B`` seeds and return each seed's hyperparameters.

    Args:
        X: ``B x n x d`` genomes of each seed's evaluations (float).
        Y: ``B x n x k`` outcomes in BoTorch's convention.
        cardinalities: ``d`` variable cardinalities; kernel: see :data:`gp.KERNELS`.
        states: each seed's previous hyperparameters (warm start), or ``None`` (a cold fit
            from the priors' defaults).
        maxiter: L-BFGS-B iterations per seed.
        seeds: each seed's torch seed for the retries of a failed fit.
        name: the algorithm's name, for warnings.

    Returns:
        ``B`` hyperparameter states (:meth:`GenomeGP.hyperparameter_state` layout).
    """
    B, _, k = Y.shape
    model = GenomeGP(X, Y, cardinalities=cardinalities, kernel=kernel)
    if states is not None:
        model.load_state_dict(stack_states(states, model.state_dict()), strict=False)
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    mll.train()
    failed = [True] * B
    try:
        parameters, bounds = get_parameters_and_bounds(mll)
        parameters = {n: p for n, p in parameters.items() if p.requires_grad}
        batch_shape = model._aug_batch_shape
        closure = BatchedNDarrayOptimizationClosure(
            forward=get_loss_closure(mll), parameters=parameters, batch_shape=batch_shape
        )
        xs, _, results = fmin_l_bfgs_b_batched(
            func=closure,
            x0=closure.state,
            bounds=get_per_element_bounds(parameters, bounds, batch_shape),
            pass_batch_indices=True,
            maxiter=int(maxiter),
        )
        closure.state = xs
        per_seed = k if len(results) == B * k else 1
        failed = [_seed_failed(results, i, per_seed) for i in range(B)]
    except NotPSDError:
        if B > 1:  # somewhere in the batch: each seed tries again in a batch of its own
            return [
                fit_seed_batch(
                    X[i : i + 1],
                    Y[i : i + 1],
                    cardinalities=cardinalities,
                    kernel=kernel,
                    states=None if states is None else [states[i]],
                    maxiter=maxiter,
                    seeds=[seeds[i]],
                    name=name,
                )[0]
                for i in range(B)
            ]
    model.eval()
    batched = model.hyperparameter_state()
    single = GenomeGP(X[0], Y[0], cardinalities=cardinalities, kernel=kernel).state_dict()
    out = [unstack_state(batched, i, B, single) for i in range(B)]
    for i in (i for i in range(B) if failed[i]):
        alone = GenomeGP(X[i], Y[i], cardinalities=cardinalities, kernel=kernel)
        previous = None if states is None else states[i]
        try:
            with seeded_torch(int(seeds[i]), X.device):
                alone.fit(maxiter=maxiter, state=previous)
            out[i] = alone.hyperparameter_state()
        except ModelFittingError as err:
            warnings.warn(
                f"{name}: GP fit failed ({err}); keeping the previous hyperparameters",
                RuntimeWarning,
                stacklevel=2,
            )
            if previous is not None:
                out[i] = {key: value.clone() for key, value in previous.items()}
            else:
                out[i] = alone.hyperparameter_state()
    return out
