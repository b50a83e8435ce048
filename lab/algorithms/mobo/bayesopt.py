"""Multi-objective Bayesian optimization over a table, behind the ask/tell interface.

One iteration (one :meth:`ask`):

1. fit independent GPs (one per modelled outcome, standardized) on every evaluation so far,
   warm-started from the last fit's hyperparameters with few L-BFGS-B iterations
   (:class:`~lab.algorithms.mobo.gp.GenomeGP`) -- on the ``refit_growth`` schedule; in
   between, the hyperparameters are kept and the GPs only absorb the new points;
2. compute the exact marginal posterior of every candidate (every unevaluated architecture of
   a table up to ``max_exact`` rows, carried from iteration to iteration by rank-``q``
   updates between refits; a pool plus local search beyond);
3. rank all candidates by a cheap acquisition value from those marginals: the closed-form
   expected hypervolume improvement times the probability of feasibility (``qehvi``,
   ``qnehvi``), or a Monte-Carlo expected improvement of the Chebyshev scalarization with
   independent outcomes (``qparego``) (:mod:`lab.algorithms.mobo.screening`);
4. score the ``n_screen`` best by the BoTorch acquisition function itself (joint posterior
   with the evaluated points, seeded quasi-Monte-Carlo) and propose its maximizer;
5. for a batch (``q > 1``), repeat 3-4 greedily with the chosen points pending (their
   posterior means join the front of step 3; BoTorch's ``X_pending`` in step 4).

What is approximate (each can be switched off):

- with ``n_screen`` set, the final argmax is over the ``n_screen`` candidates ranked best by
  step 3, not over all candidates (``n_screen=None``: the BoTorch acquisition scores every
  candidate, exact but slow); step 3 is exact for its own criterion;
- the noisy baseline of ``qnehvi`` / ``qparego`` keeps the ``max_baseline`` evaluated points
  most often Pareto optimal (best) in 128 posterior samples (BoTorch's pruning with
  ``max_frac``), after dropping points dominated with certainty up to five posterior standard
  deviations (``max_baseline=None``: every point with a non-zero frequency);
- the hyperparameters are a warm-started L-BFGS-B optimum capped at ``warm_maxiter``
  iterations (``fit_maxiter`` for the first, cold fit), refitted only when the data have
  grown by ``refit_growth`` (``0``: every iteration);
- Monte-Carlo acquisition values use ``mc_samples`` quasi-random samples;
- tables above ``max_exact`` rows are searched through a pool and local search.

Randomness: each iteration draws one seed from the algorithm's generator; it seeds the
quasi-Monte-Carlo samplers, ParEGO's weights, and torch's RNG inside a fork (for BoTorch's
baseline pruning and fit retries), so no global state is touched and a run is reproducible.

Several seeds of one configuration run as one batch through
:class:`~lab.algorithms.mobo.seed_batch.SeedBatch` (their GP fits and candidate posteriors
computed together); a seed alone is a batch of one, through the same code.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar, Literal

import numpy as np
import torch
from botorch.acquisition import AcquisitionFunction
from botorch.utils.multi_objective.scalarization import get_chebyshev_scalarization
from pydantic import Field
from torch import Tensor

from lab.algorithms.base import Algorithm
from lab.algorithms.mobo.acquisition import (
    ACQUISITIONS,
    AcquisitionContext,
    build_acquisition,
    chebyshev_weights,
    evaluate_acquisition,
    observed_partitioning,
)
from lab.algorithms.mobo.adapter import BoTorchAdapter
from lab.algorithms.mobo.candidates import candidate_rows, local_search
from lab.algorithms.mobo.device import DTYPE, resolve_device
from lab.algorithms.mobo.gp import KERNELS, GenomeGP, genome_tensor
from lab.algorithms.mobo.reference_point import (
    REFERENCE_POINT_RULES,
    check_rule,
    search_reference_point,
)
from lab.algorithms.mobo.screening import (
    expected_hvi,
    expected_scalarized_improvement,
    feasibility_probability,
    hypercells,
)
from lab.algorithms.mobo.screening_bound import ehvi_upper_bound, top_k_by_bound
from lab.algorithms.params import AlgorithmParams, Bool, Int, Real
from lab.errors import ConfigError
from lab.problems.pareto import nondominated_mask
from lab.problems.problem import Evaluation, Problem

#: Base samples of ParEGO's screening estimate.
_SCREEN_SAMPLES = 64
#: A genome of one variable with more choices than this is an opaque architecture id.
MAX_SINGLE_VARIABLE_CHOICES = 64
#: No variable may have more choices than this (its one-hot block would dwarf the rest).
MAX_VARIABLE_CHOICES = 1_000


def check_structured_genome(problem: Problem, where: str) -> None:
    """Refuse a genome the GP cannot learn from: one variable naming every architecture (an
    opaque id) or a variable of very many choices. The kernels compare genomes variable by
    variable, so on an id every unevaluated architecture looks alike and the acquisition
    enumerates ids in order (slowly, and no better than random)."""
    cards = [int(c) for c in problem.cardinalities]
    names = list(problem.space.variable_names)
    largest = int(np.argmax(cards))
    opaque = len(cards) == 1 and cards[0] > MAX_SINGLE_VARIABLE_CHOICES
    if not opaque and cards[largest] <= MAX_VARIABLE_CHOICES:
        return
    variable = names[largest] if largest < len(names) else f"variable {largest}"
    raise ConfigError(
        f"{where}: problem {problem.name!r} (benchmark {problem.table.name!r}): genome "
        f"variable {variable!r} has {cards[largest]} choices"
        + (" and is the genome's only variable (an opaque architecture id)" if opaque else "")
        + "; a Gaussian-process model cannot learn from it. Declare the genome's variables in "
        "the table spec's 'genome' field (e.g. the key's positions, or the columns that make up "
        "the architecture), or use an algorithm that needs no model (random, nsga2, ...)"
    )


class _Marginals:
    """Marginal posterior of candidate rows in maximized units: objectives ``N x m`` (known
    ones exact, standard deviation 0) and modelled constraints ``N x c``."""

    def __init__(self, obj_mean: Tensor, obj_std: Tensor, con_mean: Tensor, con_std: Tensor):
        self.obj_mean, self.obj_std = obj_mean, obj_std
        self.con_mean, self.con_std = con_mean, con_std

    def take(self, idx: np.ndarray) -> _Marginals:
        i = torch.as_tensor(idx, device=self.obj_mean.device)
        return _Marginals(self.obj_mean[i], self.obj_std[i], self.con_mean[i], self.con_std[i])

    @staticmethod
    def cat(parts: Sequence[_Marginals]) -> _Marginals:
        return _Marginals(*(torch.cat([getattr(p, a) for p in parts]) for a in _FIELDS))


_FIELDS = ("obj_mean", "obj_std", "con_mean", "con_std")


class MOBOParams(AlgorithmParams):
    """Hyperparameters of multi-objective Bayesian optimization (``qehvi``, ``qnehvi``,
    ``qparego``); see :class:`BayesianOptimization` for what each approximation does."""

    log: Bool = Field(
        default=True, description="the log variant of the acquisition (BoTorch's robust default)"
    )
    kernel: Literal[KERNELS] = Field(  # type: ignore[valid-type]
        default="onehot",
        description="onehot (RBF on the one-hot encoding) or categorical (Hamming-type kernel)",
    )
    known_objectives: tuple[str, ...] = Field(
        default=(),
        description="objective names taken exactly from the table instead of modelled "
        "(empty, the fair setting, models all)",
    )
    known_constraints: tuple[str, ...] = Field(
        default=(), description="constraint metric names applied exactly instead of modelled"
    )
    mc_samples: Int = Field(default=32, ge=1, description="quasi-Monte-Carlo samples")
    n_screen: Annotated[Int, Field(ge=1)] | None = Field(
        default=64,
        description="candidates scored by the BoTorch acquisition after screening "
        "(None: all, exact and slow)",
    )
    max_baseline: Annotated[Int, Field(ge=1)] | None = Field(
        default=32,
        description="evaluated points kept in the noisy baseline of qnehvi / qparego "
        "(None: every point with a non-zero frequency)",
    )
    max_exact: Int = Field(
        default=50_000, ge=1, description="tables up to this many rows score every unevaluated row"
    )
    pool_size: Int = Field(default=5_000, ge=1, description="uniform candidates of a larger space")
    local_search_steps: Int = Field(
        default=3, ge=0, description="neighbourhood-expansion rounds of a larger space"
    )
    fit_maxiter: Int = Field(default=200, ge=1, description="L-BFGS-B iterations of the first fit")
    warm_maxiter: Int = Field(
        default=20, ge=1, description="L-BFGS-B iterations of each warm-started fit"
    )
    refit_growth: Real = Field(
        default=0.1,
        ge=0.0,
        le=10.0,
        description="refit the hyperparameters once the evaluations have grown by this fraction "
        "since the last fit (in between, an exact incremental posterior update); 0: every "
        "iteration",
    )
    device: str = Field(default="auto", description="auto (a GPU when present), cpu or cuda")
    partitioning: Literal["columns", "botorch"] = Field(
        default="columns",
        description="box decomposition of each sampled baseline front in qnehvi with 3+ "
        "objectives: columns (exact, vectorized) or botorch (BoTorch's exact "
        "FastNondominatedPartitioning); both exact: the plain acquisition's values are the "
        "same, the log variant's differ only by its smoothing of each cell",
    )
    joint_sampling: Literal["cached", "botorch"] = Field(
        default="cached",
        description="how qnehvi and qparego sample each candidate jointly with their baseline: "
        "cached (the "
        "baseline's cross-covariance once per acquisition) or botorch (BoTorch's joint "
        "posterior per candidate); the same samples up to rounding",
    )
    candidate_hvi: Literal["direct", "botorch"] = Field(
        default="direct",
        description="how qehvi and qnehvi score one candidate: direct (each sample's "
        "hypervolume improvement summed over the cells, BoTorch's plain value; the log variant "
        "takes its logarithm, which leaves the argmax unchanged) or botorch (BoTorch's "
        "computation, whose log variant smooths the max and ReLU for gradient-based "
        "optimizers)",
    )
    chunk_size: Int = Field(
        default=4096, ge=1, description="candidates per chunk of the posterior and screening"
    )
    reference_point: Literal[REFERENCE_POINT_RULES] = Field(  # type: ignore[valid-type]
        default="auto",
        description="source of the hypervolume reference point: auto (the problem's declared "
        "thresholds, else inferred from the evaluations and never moved inward), thresholds, "
        "inferred (BoTorch's rule as is, ablation), or oracle (the exact front's 1.1 point, "
        "ablation only)",
    )


class BayesianOptimization(Algorithm):
    """Multi-objective Bayesian optimization with a BoTorch acquisition function.

    Subclasses fix :attr:`acquisition` (``qehvi``, ``qnehvi``, ``qparego``).

    Hyperparameters: :class:`MOBOParams`.
    """

    name: ClassVar[str] = "mobo"
    acquisition: ClassVar[str] = "qnehvi"
    Params = MOBOParams
    #: Several seeds may run as one :class:`~lab.algorithms.mobo.seed_batch.SeedBatch`.
    batches_seeds: ClassVar[bool] = True

    def __init__(self, problem: Problem, **kwargs: Any) -> None:
        super().__init__(problem, **kwargs)
        if self.acquisition not in ACQUISITIONS:
            raise ConfigError(f"{type(self).__name__}: unknown acquisition {self.acquisition!r}")
        check_structured_genome(problem, self.name)
        p = self.params
        # The fields as attributes, for the stages below.
        self.log, self.kernel, self.mc_samples = p.log, p.kernel, p.mc_samples
        self.known_objectives, self.known_constraints = p.known_objectives, p.known_constraints
        self.n_screen, self.max_baseline, self.max_exact = p.n_screen, p.max_baseline, p.max_exact
        self.pool_size, self.local_search_steps = p.pool_size, p.local_search_steps
        self.fit_maxiter, self.warm_maxiter = p.fit_maxiter, p.warm_maxiter
        self.refit_growth = p.refit_growth
        self.device_name, self.chunk_size = p.device, p.chunk_size
        self.reference_point = check_rule(p.reference_point, problem, where=self.name)
        self.device = resolve_device(p.device)
        self.adapter = BoTorchAdapter(
            problem,
            known_objectives=self.known_objectives,
            known_constraints=self.known_constraints,
            device=self.device,
        )
        # Candidates: the search space's rows that satisfy the known constraints.
        #: The reference point of the last iteration (``auto`` never moves it inward).
        self._reference: np.ndarray | None = None
        self._allowed = (
            self.adapter.known_feasible(np.arange(problem.n_architectures)) & problem.searchable_all
        )
        #: Rows proposed for this seed by a :class:`~lab.algorithms.mobo.seed_batch.SeedBatch`.
        self._prepared: np.ndarray | None = None
        self._engine: Any = None  # this seed's own engine when it runs alone
        #: Wall seconds of the last iteration's stages (fit, posterior, screen, acquisition).
        self.timings: dict[str, float] = {}
        #: The last iteration's fitted model.
        self.model: GenomeGP | None = None
        #: The last pick's scored candidates (``rows``) and BoTorch acquisition values.
        self.last_scores: tuple[np.ndarray, np.ndarray] | None = None

    def hyperparameters(self) -> dict[str, Any]:
        """The resolved hyperparameters, the acquisition and the device the run used."""
        return {
            "acquisition": self.acquisition,
            **super().hyperparameters(),
            "device": str(self.device),
        }

    # ------------------------------------------------------------------------------ ask/tell
    def _tell(self, genomes: np.ndarray, evaluation: Evaluation, *, initial: bool) -> None:
        """Nothing to absorb: each iteration refits on the full history."""

    def _ask(self, n: int) -> np.ndarray:
        if self._prepared is not None:  # computed with the other seeds of a SeedBatch
            rows, self._prepared = self._prepared, None
        else:
            if self._engine is None:
                from lab.algorithms.mobo.seed_batch import SeedBatchEngine

                self._engine = SeedBatchEngine([self])
            rows = self._engine.propose(n)[0]
        return self.problem.genomes_all[rows]

    # ------------------------------------------------------------------------------- stages
    # One iteration is driven by :class:`~lab.algorithms.mobo.seed_batch.SeedBatchEngine`,
    # for this seed alone or for several seeds at once: it fits the GPs and computes the
    # candidates' marginals, then asks each seed to select its points (:meth:`_select`).
    def _training_data(self) -> tuple[Tensor, Tensor]:
        """``n x d`` genomes and ``n x k`` GP targets of every evaluation so far."""
        rows = self.history.rows
        X = genome_tensor(self.problem.genomes_all[rows], self.device)
        return X, self.adapter.train_targets(rows)

    def _model(self, state: dict[str, Tensor]) -> GenomeGP:
        """The GP of every evaluation so far with the hyperparameters ``state`` (no fit)."""
        X, Y = self._training_data()
        model = GenomeGP(X, Y, cardinalities=self.problem.cardinalities, kernel=self.kernel)
        model.load_state_dict(state, strict=False)
        model.eval()
        self.model = model
        return model

    def _candidates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The mask of rows that may be proposed, the candidate rows (sorted) and the rows of
        the observed feasible front."""
        hist_rows = self.history.rows
        feasible_rows = hist_rows[self.history.feasible]
        front_rows = feasible_rows[nondominated_mask(self.problem.F_all[feasible_rows])]
        allowed = self._allowed & ~self._evaluated
        if not allowed.any():
            raise RuntimeError(
                f"{self.name}: no unevaluated architecture satisfies the known constraints"
            )
        cand = candidate_rows(
            self.problem,
            allowed,
            max_exact=self.max_exact,
            pool_size=self.pool_size,
            front_rows=front_rows,
            rng=self.rng,
        )
        return allowed, cand, front_rows

    def _select(
        self,
        model: GenomeGP,
        cand: np.ndarray,
        marg: _Marginals,
        allowed: np.ndarray,
        front_rows: np.ndarray,
        n: int,
        seed: int,
    ) -> np.ndarray:
        """Rows of ``n`` new architectures, from the fitted model and the candidates'
        marginals (screening, then the BoTorch acquisition; see the module docstring)."""
        self._reference = search_reference_point(
            self.problem,
            self.history.F,
            self.history.feasible,
            rule=self.reference_point,
            previous=self._reference,
        )
        self.adapter.set_reference_point(self._reference)
        hist_rows = self.history.rows
        base_rows = hist_rows[self.adapter.known_feasible(hist_rows)]
        if len(base_rows) == 0:  # no evaluation meets the known constraints yet
            base_rows = hist_rows
        ctx = AcquisitionContext(
            model=model,
            adapter=self.adapter,
            X_baseline=genome_tensor(self.problem.genomes_all[base_rows], self.device),
            front=self.adapter.objectives_max(front_rows),
            mc_samples=self.mc_samples,
            seed=seed,
            max_baseline=self.max_baseline,
            partitioning=self.params.partitioning,
            joint_sampling=self.params.joint_sampling,
            candidate_hvi=self.params.candidate_hvi,
        )
        picked: list[int] = []
        acqf: AcquisitionFunction | None = None
        screen_s = acq_s = 0.0
        for i in range(n):
            s0 = time.perf_counter()
            weights = None
            if self.acquisition == "qparego":  # fresh weights for every point of a batch
                weights = chebyshev_weights(self.problem.n_obj, seed + i, device=self.device)
            top = self._screen(ctx, marg, cand, allowed, picked, weights)
            s1 = time.perf_counter()
            X_pending = (
                genome_tensor(self.problem.genomes_all[picked], self.device) if picked else None
            )
            if acqf is None or weights is not None:
                acqf = build_acquisition(
                    self.acquisition, ctx, log=self.log, X_pending=X_pending, weights=weights
                )
            else:
                acqf.set_X_pending(X_pending)
            values = evaluate_acquisition(
                acqf, genome_tensor(self.problem.genomes_all[top], self.device)
            )
            # Ties go to the better-screened candidate (``top`` is in screening order).
            picked.append(int(top[int(torch.argmax(values))]))
            self.last_scores = (top, values.cpu().numpy())
            screen_s += s1 - s0
            acq_s += time.perf_counter() - s1
        self.timings.update({
            "screen_s": screen_s,
            "acquisition_s": acq_s,
            "n_candidates": float(len(cand)),
        })  # fmt: skip
        return np.asarray(picked, dtype=np.int64)

    def _screen(
        self,
        ctx: AcquisitionContext,
        marg: _Marginals,
        cand: np.ndarray,
        allowed: np.ndarray,
        picked: list[int],
        weights: Tensor | None,
    ) -> np.ndarray:
        """The candidates the BoTorch acquisition will score: all of them, or the
        ``n_screen`` best by the screening value (after a local search in a large space),
        best first."""
        score_fn, bound_fn = self._screen_fn(ctx, marg, cand, picked, weights)
        keep = np.isin(cand, picked, invert=True)
        rows = cand[keep]
        local = self.problem.n_architectures > self.max_exact and self.local_search_steps > 0
        if bound_fn is not None and self.n_screen is not None and not local:
            # The same n_screen best as scoring every row, scoring only those whose bound
            # can still reach them (lab.algorithms.mobo.screening_bound).
            top, _ = top_k_by_bound(lambda pos: score_fn(rows[pos]), bound_fn(rows), self.n_screen)
            return rows[top]
        scores = score_fn(rows)
        if local:
            free = allowed.copy()
            free[picked] = False
            rows, scores = local_search(
                self.problem,
                rows,
                scores,
                free,
                score_fn,
                steps=self.local_search_steps,
                width=max(1, min(32, self.n_screen or 32)),
            )
        order = np.argsort(-scores, kind="stable")
        return rows[order if self.n_screen is None else order[: self.n_screen]]

    def _marginals(self, model: GenomeGP, rows: np.ndarray) -> _Marginals:
        """Marginals of ``rows`` from the model's own cached factor."""
        X = genome_tensor(self.problem.genomes_all[rows], self.device)
        mean, var = model.marginals(X, chunk_size=self.chunk_size)
        return self._marginals_from(mean, var, rows)

    def _marginals_from(self, mean: Tensor, var: Tensor, rows: np.ndarray) -> _Marginals:
        """Marginals of ``rows`` from the GP's means and variances (each ``N x k``, original
        units), with known objectives filled in from the table."""
        a = self.adapter
        std = var.sqrt()
        n_mod = len(a.modeled_obj)
        known = a.known_objectives_max_rows(rows)
        obj_mean = a.merge(mean[:, :n_mod], known)
        obj_std = a.merge(std[:, :n_mod], torch.zeros_like(known))
        return _Marginals(obj_mean, obj_std, mean[:, n_mod:], std[:, n_mod:])

    def _screen_fn(
        self,
        ctx: AcquisitionContext,
        marg: _Marginals,
        cand: np.ndarray,
        picked: list[int],
        weights: Tensor | None,
    ) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray] | None]:
        """Screening function: rows -> cheap acquisition values, for this iteration's
        candidates (``marg``) and any other row (local search), and an upper bound of those
        values (``None`` where there is none). Points already picked for the batch count as
        observed at their posterior means."""
        model, front = ctx.model, ctx.front

        def lookup(rows: np.ndarray) -> _Marginals:
            # ``cand`` is sorted; rows outside it (local search) get their marginals computed.
            pos = np.minimum(np.searchsorted(cand, rows), len(cand) - 1)
            hit = cand[pos] == rows
            if hit.all():
                return marg.take(pos)
            parts = []
            if hit.any():
                parts.append(marg.take(pos[hit]))
            parts.append(self._marginals(model, rows[~hit]))
            out = _Marginals.cat(parts)
            order = np.concatenate([np.flatnonzero(hit), np.flatnonzero(~hit)])
            return out.take(np.argsort(order))

        pending = lookup(np.asarray(picked, dtype=np.int64)) if picked else None
        ref = self.adapter.ref_point()
        if self.acquisition in ("qehvi", "qnehvi"):
            observed = front if pending is None else torch.cat([front, pending.obj_mean])
            if pending is None:  # the decomposition the qEHVI acquisition uses too
                lower, upper = observed_partitioning(ctx).get_hypercell_bounds()
            else:
                lower, upper = hypercells(observed, ref)

            def score(rows: np.ndarray) -> np.ndarray:
                mg = lookup(rows)
                ehvi = expected_hvi(
                    mg.obj_mean, mg.obj_std, lower, upper, chunk_size=self.chunk_size
                )
                return (ehvi * feasibility_probability(mg.con_mean, mg.con_std)).cpu().numpy()

            def bound(rows: np.ndarray) -> np.ndarray:
                mg = lookup(rows)
                ub = ehvi_upper_bound(mg.obj_mean, mg.obj_std, observed, ref)
                return (ub * feasibility_probability(mg.con_mean, mg.con_std)).cpu().numpy()

            return score, bound

        if weights is None:
            raise ValueError("qparego screening needs scalarization weights")
        with torch.no_grad():
            base_mean = model.posterior(ctx.X_baseline).mean
            Y_base = self.adapter.objective()(base_mean, X=ctx.X_baseline)
        scal = get_chebyshev_scalarization(weights=weights, Y=Y_base)
        observed = self.adapter.objectives_max(self.history.rows[self.history.feasible])
        best_values = [scal(observed)] if len(observed) else []
        if pending is not None:
            best_values.append(scal(pending.obj_mean))
        best = float(torch.cat(best_values).max()) if best_values else float("-inf")
        gen = torch.Generator(device="cpu").manual_seed(ctx.seed + len(picked))
        base = torch.randn(_SCREEN_SAMPLES, self.problem.n_obj, generator=gen, dtype=DTYPE).to(
            self.device
        )

        def score_parego(rows: np.ndarray) -> np.ndarray:
            mg = lookup(rows)
            feasible = feasibility_probability(mg.con_mean, mg.con_std)
            if not np.isfinite(best):  # nothing feasible yet: find feasibility first
                return feasible.cpu().numpy()
            ei = expected_scalarized_improvement(
                mg.obj_mean,
                mg.obj_std,
                base,
                scal,
                best,
                chunk_size=self.chunk_size,
                monotone=bool((weights >= 0).all()),  # BoTorch's Chebyshev: min + sum
            )
            return (ei * feasible).cpu().numpy()

        return score_parego, None
