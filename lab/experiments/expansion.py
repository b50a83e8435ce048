"""A sweep config expands into runs; each run has a seed and an id that depend only on what it is.

Seeds: a run's seed derives from the sweep's master seed, the problem name and the seed index
through ``numpy.random.SeedSequence`` — never from the algorithm (so every algorithm of one
(problem, seed index) shares the initial design, which :class:`lab.algorithms.base.Algorithm`
draws from the run seed's first child) and never from execution order.

Ids: a run's id is the first 16 hex digits of the sha256 of its resolved config as canonical JSON
(sorted keys, no whitespace). An entry's ``warm_start`` is resolved per problem (its source(s),
evaluations, selection) into the run's ``params``, so it is recorded in the manifest and a
different warm start is a different run; runs without one keep the ids they had. Adding seeds, problems or algorithms to a sweep leaves the ids of
the existing runs unchanged, so a grown sweep resumes instead of starting over.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from lab.experiments.config import SweepConfig, algorithm_variants
from lab.run_ids import canonical_json, run_id_of

#: Version of the resolved-run layout; part of every run id.
RUN_SCHEMA = 1


def derive_run_seed(master_seed: int, problem: str, seed_index: int) -> int:
    """The run seed of (problem, seed index) in a sweep with ``master_seed``: a non-negative
    63-bit integer, the same in every process, on every machine."""
    problem_key = int.from_bytes(hashlib.sha256(problem.encode("utf-8")).digest()[:8], "little")
    ss = np.random.SeedSequence(entropy=int(master_seed), spawn_key=(problem_key, int(seed_index)))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep, fully resolved.

    Attributes:
        experiment: the sweep's name (the results-store folder); not part of the id.
        problem, algorithm, label, params: what runs (``label`` names the variant in tables).
        seed: the seed index (0..n-1 for a count); ``run_seed`` the derived seed.
        budget, batch_size, n_init, init: the run's sizes (evaluations).
        threads: BLAS / torch threads inside the run.
        run_id: hash of :meth:`resolved`.
    """

    experiment: str
    problem: str
    algorithm: str
    label: str
    params: dict[str, Any]
    seed: int
    run_seed: int
    master_seed: int
    budget: int
    batch_size: int
    n_init: int
    init: str
    threads: int
    run_id: str = ""

    def resolved(self) -> dict[str, Any]:
        """The run's config as stored in its manifest and hashed into its id."""
        return {
            "schema": RUN_SCHEMA,
            "problem": self.problem,
            "algorithm": self.algorithm,
            "label": self.label,
            "params": self.params,
            "seed": self.seed,
            "run_seed": self.run_seed,
            "master_seed": self.master_seed,
            "budget": self.budget,
            "batch_size": self.batch_size,
            "n_init": self.n_init,
            "init": self.init,
            "threads": self.threads,
        }

    @classmethod
    def from_resolved(cls, experiment: str, resolved: dict[str, Any]) -> RunSpec:
        """Rebuild a spec from a manifest's ``config``; its id is recomputed, not trusted."""
        fields = {k: v for k, v in resolved.items() if k != "schema"}
        spec = cls(experiment=experiment, **fields)
        return spec.with_id()

    def with_id(self) -> RunSpec:
        return RunSpec(**{**self.__dict__, "run_id": run_id_of(self.resolved())})


__all__ = [
    "RUN_SCHEMA",
    "RunSpec",
    "algorithm_variants",
    "canonical_json",
    "derive_run_seed",
    "expand",
    "run_id_of",
]


def expand(config: SweepConfig) -> list[RunSpec]:
    """Every run of the sweep, ordered problem, then seed, then algorithm variant — so that the
    first runs to finish cover every algorithm of the first (problem, seed)."""
    variants = [
        (entry, label, params)
        for entry in config.algorithms
        for label, params in algorithm_variants(entry)
    ]
    runs = []
    for problem in config.problems:
        for seed in config.seeds:
            run_seed = derive_run_seed(config.master_seed, problem, seed)
            for entry, label, params in variants:
                warm_start = entry.warm_start_for(problem)
                if warm_start is not None:
                    # A hyperparameter like any other: in the manifest and in the run id.
                    params = {**params, "warm_start": warm_start}
                runs.append(
                    RunSpec(
                        experiment=config.name,
                        problem=problem,
                        algorithm=entry.name,
                        label=label,
                        params=params,
                        seed=seed,
                        run_seed=run_seed,
                        master_seed=config.master_seed,
                        budget=config.budget,
                        batch_size=entry.batch_size or config.batch_size,
                        n_init=config.n_init,
                        init=config.init,
                        threads=config.threads_per_run,
                    ).with_id()
                )
    return runs
