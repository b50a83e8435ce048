"""Seeds as a batch dimension: a seed's history does not depend on its batch; the batched
fit is the per-seed fit; the incremental posterior is the exact posterior; the refit
schedule."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lab.algorithms.mobo.batch_fit import fit_seed_batch
from lab.algorithms.mobo.gp import GenomeGP, genome_tensor, onehot_torch
from lab.algorithms.mobo.incremental import IncrementalPosterior
from lab.algorithms.mobo.seed_batch import SeedBatch, SeedBatchEngine, refit_due
from lab.algorithms.registry import make_algorithm
from lab.errors import ConfigError
from tests.algorithms.conformance import CONSTRAINED_PROBLEM, load_problem_or_skip
from tests.algorithms.test_mobo_algorithm import single_torch_thread  # noqa: F401 - fixture

FAST = {"mc_samples": 8, "n_screen": 8, "warm_maxiter": 5, "fit_maxiter": 30}


@pytest.fixture(scope="module")
def problem():
    return load_problem_or_skip("nbg-cora-err-lat")


def _algos(problem, seeds, *, name="qnehvi", budget=14, batch_size=1, **params):
    return [
        make_algorithm(name, problem, budget=budget, seed=s, n_init=8, batch_size=batch_size,
                       params={**FAST, **params})
        for s in seeds
    ]  # fmt: skip


def test_refit_schedule() -> None:
    assert refit_due(10, 0, 0.1)  # no fit yet
    assert refit_due(11, 10, 0.0)  # 0: every iteration
    assert not refit_due(10, 10, 0.1) and refit_due(11, 10, 0.1)
    assert not refit_due(109, 100, 0.1) and refit_due(110, 100, 0.1)


def test_a_seed_alone_and_inside_a_batch_of_eight_has_the_same_history(problem) -> None:
    """Seed 3 alone, then inside a batch of 8 (at another position), with a refit schedule
    that alternates refits and incremental updates: the same proposals, bit for bit."""
    (alone,) = _algos(problem, [3], refit_growth=0.25)
    alone.run()
    batch = _algos(problem, [11, 5, 3, 8, 0, 1, 2, 4], refit_growth=0.25)
    engine_runs = SeedBatch(batch)
    histories = engine_runs.run()
    assert engine_runs.engine.n_fits < 14 - 8  # some iterations updated instead of refitting
    np.testing.assert_array_equal(alone.history.rows, histories[2].rows)
    np.testing.assert_array_equal(alone.history.F, histories[2].F)
    assert len({tuple(h.rows) for h in histories}) == 8  # the seeds differ


def test_a_seed_keeps_its_history_through_many_warm_refits_in_a_batch() -> None:
    """The case that once diverged: batched arithmetic rounded differently from a lone seed's,
    warm refits amplified it, and seed 1 proposed another architecture at evaluation 22 (of
    30) inside a batch of 3."""
    problem = load_problem_or_skip("nbg-cora-err-lat-params")
    alone = make_algorithm("qnehvi", problem, budget=24, seed=1)
    alone.run()
    batch = [make_algorithm("qnehvi", problem, budget=24, seed=s) for s in (0, 1, 2)]
    histories = SeedBatch(batch).run()
    np.testing.assert_array_equal(alone.history.rows, histories[1].rows)


@pytest.mark.parametrize("name", ["qehvi", "qparego"])
def test_batched_qehvi_qparego_match_their_lone_runs(problem, name) -> None:
    (alone,) = _algos(problem, [4], name=name, budget=12, batch_size=2)
    alone.run()
    histories = SeedBatch(_algos(problem, [9, 4], name=name, budget=12, batch_size=2)).run()
    np.testing.assert_array_equal(alone.history.rows, histories[1].rows)
    np.testing.assert_array_equal(alone.history.batch, histories[1].batch)


def test_constrained_problem_in_a_batch_matches_alone() -> None:
    problem = load_problem_or_skip(CONSTRAINED_PROBLEM)
    (alone,) = _algos(problem, [1], budget=12)
    alone.run()
    histories = SeedBatch(_algos(problem, [1, 6], budget=12)).run()
    np.testing.assert_array_equal(alone.history.rows, histories[0].rows)


def test_a_batch_refuses_mixed_configurations(problem) -> None:
    a = _algos(problem, [0, 1])
    b = _algos(problem, [2], budget=16)
    with pytest.raises(ConfigError, match="share budget"):
        SeedBatchEngine([*a, *b])
    with pytest.raises(ConfigError, match="repeats a seed"):
        SeedBatchEngine([a[0], *_algos(problem, [0])])
    c = _algos(problem, [3], mc_samples=16)
    with pytest.raises(ConfigError, match="hyperparameters"):
        SeedBatchEngine([a[0], *c])


def _data(problem, seeds, n):
    out = []
    for s in seeds:
        rows = np.random.default_rng(s).choice(problem.n_architectures, n, replace=False)
        X = genome_tensor(problem.genomes_all[rows], torch.device("cpu"))
        Y = -torch.as_tensor(problem.F_all[rows], dtype=torch.float64)
        out.append((X, Y))
    return out


def test_batched_fit_equals_each_seed_fitted_alone(problem) -> None:
    data = _data(problem, [0, 1, 2], 30)
    X = torch.stack([d[0] for d in data])
    Y = torch.stack([d[1] for d in data])
    kw = {"cardinalities": problem.cardinalities, "kernel": "onehot", "maxiter": 40}
    together = fit_seed_batch(X, Y, states=None, seeds=[0, 1, 2], **kw)
    for i in range(3):
        (alone,) = fit_seed_batch(X[i : i + 1], Y[i : i + 1], states=None, seeds=[i], **kw)
        for key, value in alone.items():
            torch.testing.assert_close(together[i][key], value, rtol=0, atol=0)
    # A warm fit on more data that stops at its iteration limit is kept, and still per seed
    # bit for bit.
    more = _data(problem, [0, 1, 2], 45)
    X2, Y2 = torch.stack([d[0] for d in more]), torch.stack([d[1] for d in more])
    warm = {**kw, "maxiter": 5}
    together2 = fit_seed_batch(X2, Y2, states=together, seeds=[0, 1, 2], **warm)
    for i in range(3):
        (alone,) = fit_seed_batch(
            X2[i : i + 1], Y2[i : i + 1], states=[together[i]], seeds=[i], **warm
        )
        for key, value in alone.items():
            torch.testing.assert_close(together2[i][key], value, rtol=0, atol=0)
        assert any(not torch.equal(together2[i][k], together[i][k]) for k in alone)
    # The state warm-starts a one-seed model of the same layout.
    model = GenomeGP(data[0][0], data[0][1], cardinalities=problem.cardinalities, kernel="onehot")
    model.load_state_dict(together[0], strict=False)


@pytest.mark.parametrize("kernel", ["onehot", "categorical"])
def test_incremental_posterior_equals_the_exact_posterior(problem, kernel) -> None:
    """Rank-1 and rank-3 appends give the marginals a model of all the points gives, and
    those equal BoTorch's own posterior."""
    (X, Y), = _data(problem, [5], 24)  # fmt: skip
    cards = problem.cardinalities
    first = GenomeGP(X[:16], Y[:16], cardinalities=cards, kernel=kernel)
    first.fit(maxiter=30)
    state = first.hyperparameter_state()
    full = GenomeGP(X, Y, cardinalities=cards, kernel=kernel)
    full.load_state_dict(state, strict=False)
    full.eval()
    rows = np.arange(0, problem.n_architectures, 37)
    Xc = genome_tensor(problem.genomes_all[rows], torch.device("cpu"))
    cache = IncrementalPosterior(onehot_torch(Xc, cards), chunk_size=100)
    k = Y.shape[-1]
    h = onehot_torch(X, cards).expand(k, *X.shape[:-1], -1)
    cache.reset(tuple(t.detach() for t in full.kernel_form()),
                full.likelihood.noise.detach().reshape(-1), h[:, :16])  # fmt: skip
    cache.append(h[:, 16:17])
    cache.append(h[:, 17:20])
    cache.append(h[:, 20:])
    r = (full.train_targets - full.mean_module.constant.reshape(-1, 1)).detach()
    mean, var = cache.marginals(r)
    scale = full.outcome_transform.stdvs.reshape(-1, 1)
    shift = full.outcome_transform.means.reshape(-1, 1)
    mean = shift + scale * (full.mean_module.constant.detach().reshape(-1, 1) + mean)
    var = scale.square() * var
    exact_mean, exact_var = full.marginals(Xc)
    torch.testing.assert_close(mean.T, exact_mean, rtol=1e-7, atol=1e-9)
    torch.testing.assert_close(var.T, exact_var, rtol=1e-6, atol=1e-9)
    with torch.no_grad():
        post = full.posterior(Xc[:50].unsqueeze(-2))
    torch.testing.assert_close(mean.T[:50], post.mean.squeeze(-2), rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(var.T[:50], post.variance.squeeze(-2), rtol=1e-5, atol=1e-8)
