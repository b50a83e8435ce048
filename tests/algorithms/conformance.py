"""Conformance suite that every search algorithm passes (in the style of Optuna's sampler tests).

Each check is a plain function of a :class:`ConformanceConfig` (algorithm name, hyperparameters,
budget, batch size, problems), so it can be called from any test; :class:`AlgorithmConformance`
bundles them as test methods of a base class that a test module subclasses.

One algorithm, small budget (a slow, model-based algorithm keeps every run short)::

    from tests.algorithms.conformance import AlgorithmConformance, ConformanceConfig

    class TestMyMobo(AlgorithmConformance):
        config = ConformanceConfig(
            "qnehvi", params={"num_restarts": 2}, budget=14, n_init=8, batch_size=2
        )

Several algorithms, one parametrized class (override the ``conformance_config`` fixture)::

    import pytest

    CONFIGS = [ConformanceConfig("nsga2", params={"pop_size": 8}), ConformanceConfig("random")]

    class TestAll(AlgorithmConformance):
        @pytest.fixture(params=CONFIGS, ids=lambda c: c.algorithm)
        def conformance_config(self, request):
            return request.param

Cost: 14 runs of ``config.budget`` evaluations (3 of them on the 3- and 4-objective problems and
1 on the constrained one), one run of random search, and one run in a fresh interpreter. For a
slow algorithm, keep ``budget - n_init`` small (a few model fits), or call only some of the
``check_*`` functions from your own tests. What is checked:

- exact budget, also when the budget is not a multiple of the batch size, and ``ask`` refuses
  once it is spent;
- every proposed genome is an architecture of the table, and the history's rows, ids and
  objectives are those the problem gives;
- the same seed gives an identical history, in this process and in a fresh one;
- different seeds give different histories;
- 2, 3 and 4 objectives (``config.problems``; a problem whose table cannot be loaded here is
  skipped with the reason);
- constraints: infeasible evaluations are recorded and the returned set is feasible;
- no architecture evaluated twice unless the class declares ``allows_repeats``;
- the first ``n_init`` evaluations are the shared initial design, drawn independently here;
- batch sizes > 1: batches respect ``batch_size`` and (with ``config.full_batches``) are full.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from lab.algorithms.base import Algorithm
from lab.algorithms.history import History
from lab.algorithms.initial_design import initial_design
from lab.algorithms.registry import algorithm_class, make_algorithm
from lab.errors import BenchmarkFileError, ConfigError
from lab.problems import Problem, get_problem, problem_specs

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Problems with 2, 3 and 4 objectives.
OBJECTIVE_PROBLEMS: tuple[str, ...] = (
    "nbg-cora-err-lat",
    "nbg-cora-err-lat-params",
    "nb201-cifar10-err-lat-params-flops",
)
#: A problem with one constraint (about 60% of its architectures are feasible).
CONSTRAINED_PROBLEM = "nb201-cifar10-err-flops-lat-pixel3-le12"


@dataclass(frozen=True)
class ConformanceConfig:
    """How to run one algorithm through the suite.

    Attributes:
        algorithm: registry name.
        params: hyperparameters passed to :func:`make_algorithm` (JSON-serializable, so that
            the fresh-process check can pass them on).
        budget: evaluations per run (initial design included); keep it small for slow
            algorithms, but above ``n_init`` so that the algorithm itself proposes.
        n_init: size of the shared initial design.
        batch_size: batch size of the batch check (> 1); other checks use 1 unless
            ``default_batch_size`` says otherwise.
        default_batch_size: batch size of every other check.
        problem: the main problem (2 objectives).
        problems: problems of the objective-count check.
        constrained_problem: problem of the constraint check.
        seed: base seed (the different-seed check also uses ``seed + 1``).
        full_batches: whether every batch must be full (``min(batch_size, remaining)``).
        seed_batch: run every check's seed inside a seed batch of this many seeds (the
            others ``seed + 1000 * i``), for algorithms that batch seeds
            (:class:`~lab.algorithms.mobo.seed_batch.SeedBatch`); 1: alone.
    """

    algorithm: str
    params: dict[str, Any] = field(default_factory=dict)
    budget: int = 40
    n_init: int = 10
    batch_size: int = 4
    default_batch_size: int = 1
    problem: str = "nbg-cora-err-lat"
    problems: tuple[str, ...] = OBJECTIVE_PROBLEMS
    constrained_problem: str = CONSTRAINED_PROBLEM
    seed: int = 7
    full_batches: bool = True
    seed_batch: int = 1

    def __post_init__(self) -> None:
        if self.budget <= self.n_init:
            raise ValueError(
                f"conformance budget ({self.budget}) must exceed n_init ({self.n_init}) so that "
                "the algorithm itself proposes"
            )
        if self.batch_size < 2:
            raise ValueError("the batch check needs batch_size >= 2")
        json.dumps(self.params)  # the fresh-process check ships them as JSON


# ------------------------------------------------------------------------------------ helpers
def load_problem_or_skip(name: str) -> Problem:
    """The problem ``name``, or ``pytest.skip`` naming why its table is unavailable here."""
    spec = problem_specs().get(name)
    if spec is None:
        pytest.skip(f"problem {name!r} is not declared in benchmarks/*.yaml")
    try:
        return get_problem(name)
    except (BenchmarkFileError, FileNotFoundError, ConfigError) as err:
        pytest.skip(
            f"problem {name!r}: table {spec.benchmark!r} is unavailable here ({err}); its raw "
            "files go in ../shared/data or $LAB_RAW_DATA_DIR"
        )


def run_algorithm(
    config: ConformanceConfig,
    problem: Problem,
    *,
    seed: int | None = None,
    budget: int | None = None,
    batch_size: int | None = None,
) -> tuple[Algorithm, History]:
    """Build ``config.algorithm`` on ``problem`` and run it to the end of its budget (inside a
    seed batch when ``config.seed_batch > 1``)."""
    seed = config.seed if seed is None else seed
    algos = [
        make_algorithm(
            config.algorithm,
            problem,
            budget=config.budget if budget is None else budget,
            seed=seed + 1000 * i,
            batch_size=config.default_batch_size if batch_size is None else batch_size,
            n_init=config.n_init,
            params=config.params,
        )
        for i in range(config.seed_batch)
    ]
    if config.seed_batch == 1 or not getattr(algos[0], "batches_seeds", False):
        return algos[0], algos[0].run()
    from lab.algorithms.mobo.seed_batch import SeedBatch

    return algos[0], SeedBatch(algos).run()[0]


def history_digest(history: History) -> str:
    """sha256 of the evaluation order, batches and genomes of a history."""
    h = hashlib.sha256()
    for arr in (history.batch, history.genomes, history.rows):
        h.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
    return h.hexdigest()


_FRESH_SCRIPT = """
import json, sys
from lab.problems import get_problem
from lab.algorithms.registry import make_algorithm
from tests.algorithms.conformance import history_digest
c = json.loads(sys.argv[1])
algo = make_algorithm(c["algorithm"], get_problem(c["problem"]), budget=c["budget"],
                      seed=c["seed"], batch_size=c["batch_size"], n_init=c["n_init"],
                      params=c["params"])
print(history_digest(algo.run()))
"""


def fresh_process_digest(config: ConformanceConfig) -> str:
    """Digest of the same run made in a new Python interpreter (different hash seed too)."""
    payload = json.dumps(
        {
            "algorithm": config.algorithm,
            "params": config.params,
            "problem": config.problem,
            "budget": config.budget,
            "seed": config.seed,
            "batch_size": config.default_batch_size,
            "n_init": config.n_init,
        }
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), env.get("PYTHONPATH", "")])
    env["PYTHONHASHSEED"] = "12345"
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_SCRIPT, payload],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"fresh-process run failed:\n{done.stderr[-4000:]}")
    return done.stdout.strip().splitlines()[-1]


# ------------------------------------------------------------------------------------- checks
def check_exact_budget(config: ConformanceConfig) -> None:
    """Exactly ``budget`` evaluations, for a budget that is not a multiple of the batch size;
    ``ask`` refuses afterwards."""
    problem = load_problem_or_skip(config.problem)
    budget = config.budget + 1 if (config.budget % config.batch_size == 0) else config.budget
    algo, history = run_algorithm(config, problem, budget=budget, batch_size=config.batch_size)
    assert len(history) == budget
    assert algo.n_evaluated == budget and algo.remaining == 0 and algo.done
    with pytest.raises(RuntimeError, match="budget"):
        algo.ask()


def check_valid_architectures(config: ConformanceConfig) -> None:
    """Every evaluated genome is a table architecture and the record matches the table."""
    problem = load_problem_or_skip(config.problem)
    _, history = run_algorithm(config, problem)
    genomes = history.genomes
    assert genomes.shape == (config.budget, problem.n_var)
    assert ((genomes >= 0) & (genomes < problem.cardinalities)).all()
    rows = problem.rows(genomes)
    assert (rows >= 0).all()
    np.testing.assert_array_equal(rows, history.rows)
    np.testing.assert_array_equal(problem.arch_ids_all[rows], history.arch_ids)
    np.testing.assert_array_equal(problem.F_all[rows], history.F)
    np.testing.assert_array_equal(problem.F_report_all[rows], history.F_report)
    assert (history.algo_time_s >= 0).all()
    frame = history.to_frame()
    assert len(frame) == config.budget
    np.testing.assert_array_equal(frame["order"].to_numpy(), np.arange(config.budget))


def check_same_seed_reproducible(config: ConformanceConfig) -> None:
    """Two runs with one seed give the same history here and in a fresh interpreter."""
    problem = load_problem_or_skip(config.problem)
    _, first = run_algorithm(config, problem)
    _, second = run_algorithm(config, problem)
    np.testing.assert_array_equal(first.genomes, second.genomes)
    np.testing.assert_array_equal(first.batch, second.batch)
    assert history_digest(first) == fresh_process_digest(config)


def check_different_seeds_differ(config: ConformanceConfig) -> None:
    """Two seeds give different histories."""
    problem = load_problem_or_skip(config.problem)
    _, a = run_algorithm(config, problem, seed=config.seed)
    _, b = run_algorithm(config, problem, seed=config.seed + 1)
    assert not np.array_equal(a.genomes, b.genomes)


def check_objective_counts(config: ConformanceConfig) -> None:
    """Runs on problems with 2, 3 and 4 objectives (skips the ones not loadable here)."""
    ran = 0
    skipped: list[str] = []
    for name in config.problems:
        try:
            problem = load_problem_or_skip(name)
        except pytest.skip.Exception as why:
            skipped.append(str(why))
            continue
        algo, history = run_algorithm(config, problem)
        assert len(history) == config.budget
        assert history.F.shape == (config.budget, problem.n_obj)
        assert (problem.rows(history.genomes) >= 0).all()
        if not algo.allows_repeats:
            assert len(np.unique(history.rows)) == config.budget
        result = algo.result_rows()
        assert len(result) >= 1
        ran += 1
    if ran == 0:
        pytest.skip("; ".join(skipped))


def check_constraints(config: ConformanceConfig) -> None:
    """Infeasible evaluations are recorded, and the returned set holds only feasible ones."""
    problem = load_problem_or_skip(config.constrained_problem)
    assert problem.n_constr >= 1
    algo, history = run_algorithm(config, problem)
    np.testing.assert_array_equal(history.G, problem.G_all[history.rows])
    np.testing.assert_array_equal(history.feasible, problem.feasible_all[history.rows])
    result = algo.result_rows()
    assert history.feasible.any(), "no feasible architecture found in the whole run"
    assert history.feasible[result].all()


def check_no_repeats(config: ConformanceConfig) -> None:
    """No architecture evaluated twice (unless the class declares ``allows_repeats``), with
    batches too."""
    if algorithm_class(config.algorithm).allows_repeats:
        pytest.skip(f"{config.algorithm} declares allows_repeats")
    problem = load_problem_or_skip(config.problem)
    for batch_size in (config.default_batch_size, config.batch_size):
        _, history = run_algorithm(config, problem, batch_size=batch_size)
        assert len(np.unique(history.arch_ids)) == len(history)
        assert len(np.unique(history.rows)) == len(history)


def check_initial_design(config: ConformanceConfig) -> None:
    """The first ``n_init`` evaluations are the shared initial design of (problem, seed)."""
    problem = load_problem_or_skip(config.problem)
    _, history = run_algorithm(config, problem)
    design_ss, _ = np.random.SeedSequence(config.seed).spawn(2)
    expected = initial_design(problem, config.n_init, np.random.default_rng(design_ss))
    np.testing.assert_array_equal(history.rows[: config.n_init], expected)
    _, reference = run_algorithm(replace(config, algorithm="random", params={}), problem)
    np.testing.assert_array_equal(history.rows[: config.n_init], reference.rows[: config.n_init])


def check_batches(config: ConformanceConfig) -> None:
    """Batches of up to ``batch_size`` genomes, full where ``full_batches``; exact budget."""
    problem = load_problem_or_skip(config.problem)
    algo, history = run_algorithm(config, problem, batch_size=config.batch_size)
    assert len(history) == config.budget
    sizes = np.bincount(history.batch)
    assert (sizes >= 1).all() and (sizes <= config.batch_size).all()
    if config.full_batches:
        expected, start = [], 0
        while start < config.budget:
            k = min(config.batch_size, config.budget - start)
            if start < config.n_init:  # the base cuts the batch that crosses the design's end
                k = min(k, config.n_init - start)
            expected.append(k)
            start += k
        np.testing.assert_array_equal(sizes, expected)
    if not algo.allows_repeats:
        assert len(np.unique(history.rows)) == len(history)


ALL_CHECKS = (
    check_exact_budget,
    check_valid_architectures,
    check_same_seed_reproducible,
    check_different_seeds_differ,
    check_objective_counts,
    check_constraints,
    check_no_repeats,
    check_initial_design,
    check_batches,
)


def check_algorithm(config: ConformanceConfig) -> None:
    """Run every check on ``config`` (outside pytest classes, e.g. from a script)."""
    for check in ALL_CHECKS:
        check(config)


class AlgorithmConformance:
    """Base test class: subclass it with ``config = ConformanceConfig(...)`` or override the
    ``conformance_config`` fixture to parametrize over several configurations."""

    config: ClassVar[ConformanceConfig]

    @pytest.fixture
    def conformance_config(self) -> ConformanceConfig:
        return self.config

    def test_exact_budget(self, conformance_config: ConformanceConfig) -> None:
        check_exact_budget(conformance_config)

    def test_valid_architectures(self, conformance_config: ConformanceConfig) -> None:
        check_valid_architectures(conformance_config)

    def test_same_seed_reproducible(self, conformance_config: ConformanceConfig) -> None:
        check_same_seed_reproducible(conformance_config)

    def test_different_seeds_differ(self, conformance_config: ConformanceConfig) -> None:
        check_different_seeds_differ(conformance_config)

    def test_objective_counts(self, conformance_config: ConformanceConfig) -> None:
        check_objective_counts(conformance_config)

    def test_constraints(self, conformance_config: ConformanceConfig) -> None:
        check_constraints(conformance_config)

    def test_no_repeats(self, conformance_config: ConformanceConfig) -> None:
        check_no_repeats(conformance_config)

    def test_initial_design(self, conformance_config: ConformanceConfig) -> None:
        check_initial_design(conformance_config)

    def test_batches(self, conformance_config: ConformanceConfig) -> None:
        check_batches(conformance_config)
