"""The Python API: the few entry points a researcher needs in a notebook.

``import lab`` exposes them (imported on first use, so ``import lab`` stays cheap):

* :func:`load_problem` — a problem by name;
* :func:`make_algorithm` — a search algorithm set up on a problem;
* :func:`run` — run a search to its budget and score what it returns (:class:`RunResult`);
* :func:`run_sweep` / :func:`load_experiment` — run a sweep config into the results store, load
  an experiment's evaluations as one tidy table;
* :func:`analyze` — the experiment's analysis (final indicators, traces, tests, rankings);
* :func:`draw` — one figure of an experiment.

The command line is a thin layer over the same functions.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from lab.algorithms.base import Algorithm
    from lab.algorithms.history import History
    from lab.analysis import AnalysisResult
    from lab.experiments.runner import SweepReport
    from lab.problems.problem import Problem
    from lab.scoring import SetScores


def load_problem(name: str) -> Problem:
    """The problem ``name`` (see ``lab bench list``), checked against its frozen normalization.

    >>> problem = lab.load_problem("nbg-cora-err-lat")
    """
    from lab.problems.registry import get_problem

    return get_problem(name)


def _problem(problem: Problem | str) -> Problem:
    return load_problem(problem) if isinstance(problem, str) else problem


def make_algorithm(
    name: str,
    problem: Problem | str,
    *,
    budget: int,
    seed: int = 0,
    batch_size: int = 1,
    n_init: int | None = None,
    init: str = "random",
    **params: Any,
) -> Algorithm:
    """Algorithm ``name`` (see ``lab algorithms``) on ``problem`` with hyperparameters ``params``.

    Args:
        name: registry name, e.g. ``nsga2``, ``random``, ``qnehvi``.
        problem: a problem or its name.
        budget: architecture evaluations, the initial design included.
        seed: the run's seed (every algorithm of one problem and seed shares the initial design).
        batch_size, n_init, init: evaluations per ask, size and kind of the initial design
            (``n_init=None``: :data:`lab.algorithms.params.DEFAULT_N_INIT`).
        params: the algorithm's own hyperparameters (unknown names are an error listing the
            valid ones).

    Raises:
        ParameterError: ``budget``, ``seed``, ``batch_size`` or ``n_init`` is not a whole number
            in range (booleans and floats are refused, as in a sweep config), or ``n_init``
            exceeds ``budget``; or a hyperparameter is invalid.
    """
    from lab.algorithms.params import RunSettings
    from lab.algorithms.registry import make_algorithm as _make

    # Checked here, as a sweep config checks them: int() would turn budget=2.5 into 2 and
    # budget=True into 1 without a word.
    run = RunSettings.resolve(
        who=f"lab.make_algorithm({name!r})", budget=budget, seed=seed, batch_size=batch_size,
        n_init=n_init,
    )  # fmt: skip
    design = {} if run.n_init is None else {"n_init": run.n_init}
    return _make(
        name, _problem(problem), budget=run.budget, seed=run.seed, batch_size=run.batch_size,
        init=init, params=params, **design,
    )  # fmt: skip


@dataclass(frozen=True)
class RunResult:
    """A finished run.

    Attributes:
        problem: the problem searched.
        algorithm: the algorithm, in its final state.
        history: every evaluation in order (search and report objectives, constraints, times).
        scores: its returned set and that set's scores (:class:`lab.scoring.SetScores`):
            normalized hypervolume, IGD, IGD+, GD, additive epsilon, spacing and spread on the
            report metrics, hypervolume on the search metrics.
    """

    problem: Problem
    algorithm: Algorithm
    history: History
    scores: SetScores

    @property
    def returned(self) -> pd.DataFrame:
        """The returned architectures: one row each (:meth:`to_frame`'s columns, less
        ``returned``)."""
        frame = self.history.to_frame(self.problem.objective_names)
        return frame.iloc[self.scores.returned].reset_index(drop=True)

    @property
    def hv_normalized(self) -> float:
        """Report-metric hypervolume of the returned set ÷ the exact report front's."""
        return self.scores.hv_normalized

    def to_frame(self) -> pd.DataFrame:
        """Every evaluation, with a boolean ``returned`` column; objectives both as ``f*`` /
        ``r*`` and by name (``error_search``, ``error_report``, ``latency_search``, ...)."""
        import numpy as np

        frame = self.history.to_frame(self.problem.objective_names)
        frame["returned"] = np.isin(np.arange(len(frame)), self.scores.returned)
        return frame


def run(
    problem: Problem | str,
    algorithm: Algorithm | str,
    *,
    budget: int | None = None,
    seed: int = 0,
    **settings: Any,
) -> RunResult:
    """Run a search to its budget and score what it returns.

    Args:
        problem: a problem or its name.
        algorithm: an algorithm name (made with ``budget``, ``seed`` and ``settings`` — see
            :func:`make_algorithm`), or an algorithm already made (then ``budget`` and
            ``settings`` must not be given).
        budget: architecture evaluations (required with an algorithm name).
        seed: the run's seed.
        settings: ``batch_size``, ``n_init``, ``init`` and the algorithm's hyperparameters.

    Returns:
        :class:`RunResult` (history, returned set, scores on search and report metrics).
    """
    from lab.errors import ConfigError

    prob = _problem(problem)
    if isinstance(algorithm, str):
        if budget is None:
            raise ConfigError(f"lab.run: give budget= to run algorithm {algorithm!r}")
        algo = make_algorithm(algorithm, prob, budget=budget, seed=seed, **settings)
    else:
        if budget is not None or settings:
            raise ConfigError(
                "lab.run: the algorithm is already made; its budget, seed and settings are "
                "fixed — pass its name instead to set them here"
            )
        if algorithm.problem is not prob:
            raise ConfigError(
                f"lab.run: the algorithm searches {algorithm.problem.name!r}, not {prob.name!r}"
            )
        algo = algorithm
    history = algo.run()
    return RunResult(problem=prob, algorithm=algo, history=history, scores=algo.scores())


def run_sweep(
    config: Path | str,
    *,
    workers: int | None = None,
    results_dir: Path | str | None = None,
    progress: bool = False,
    allow_imports: bool = False,
) -> SweepReport:
    """Run every run of the sweep config (YAML) not yet complete in the results store.

    Args:
        config: the sweep config file (see ``experiments/quickstart.yaml``).
        workers: runs at once (default: CPUs / threads per run; 1 runs in this process).
        results_dir: store root (default ``$LAB_RESULTS_DIR`` or ``./results``).
        progress: draw a progress bar.
        allow_imports: import the modules the config lists under ``imports`` (code: only for
            a config you trust); without it they must be imported already (else ConfigError).

    Returns:
        The sweep's report (runs done, failed, already done). Failed runs are recorded in the
        store and a warning names them; rerunning retries them.
    """
    import warnings

    from lab.experiments.config import load_config
    from lab.experiments.runner import run_sweep as _run_sweep

    sweep = load_config(config, allow_imports=allow_imports)
    report = _run_sweep(sweep, workers=workers, results_dir=results_dir, progress=progress)
    if report.failed:
        warnings.warn(
            f"{len(report.failed)} run(s) of {sweep.name!r} failed; see `lab results show "
            f"{sweep.name} --failed` (running the sweep again retries them)",
            RuntimeWarning,
            stacklevel=2,
        )
    return report


def load_experiment(name: str, *, results_dir: Path | str | None = None) -> pd.DataFrame:
    """Every evaluation of every complete run of experiment ``name`` as one tidy table (run
    columns, then ``f*`` search and ``r*`` report objectives in raw units, ``feasible``, ...,
    and the same objectives named: ``<objective>_search``, ``<objective>_report``)."""
    from lab.results.query import load_experiment as _load

    return _load(name, root=results_dir)


def analyze(
    experiment: str,
    *,
    results_dir: Path | str | None = None,
    baseline: str | None = None,
    alpha: float = 0.05,
    write: bool = True,
) -> AnalysisResult:
    """The analysis of an experiment: per-run final indicators (``.final``), anytime traces
    (``.traces``), summaries over seeds (``.summary``), paired two-sided Wilcoxon tests with
    Holm's correction (``.pairwise``), rankings, generalization and transfer; ``write`` also
    saves its tables beside the runs."""
    from lab.analysis import analyze_experiment

    return analyze_experiment(
        experiment, root=results_dir, baseline=baseline, alpha=alpha, write=write
    )


def draw(
    kind: str,
    experiment: str,
    *,
    results_dir: Path | str | None = None,
    out_dir: Path | str | None = None,
    formats: tuple[str, ...] = ("pdf", "png"),
    **options: Any,
) -> list[Figure]:
    """Draw one figure kind of an experiment (as a one-figure recipe would).

    Args:
        kind: a figure kind (``anytime``, ``final_distribution``, ``fronts``,
            ``eaf_difference``, ``critical_difference``, ``generalization``, ``transfer``).
        experiment: the experiment in the results store.
        results_dir: store root (default ``$LAB_RESULTS_DIR`` or ``./results``).
        out_dir: where the files go; default: none are kept.
        formats: file formats written to ``out_dir``.
        options: the kind's recipe options (e.g. ``metric="igd_plus"``, ``logx=True``).

    Returns:
        The matplotlib figures drawn (a kind may draw one per problem), made at the paper
        resolution (300 dpi), so that ``figure.savefig("x.png")`` writes what ``lab figures``
        writes.
    """
    from lab.figures import parse_recipe, render_recipe

    raw = {
        "name": f"{experiment}-{kind}",
        "experiment": experiment,
        "tables": False,
        "formats": list(formats),
        "figures": [{"kind": kind, **options}],
    }
    recipe = parse_recipe(raw, source="lab.draw")
    if out_dir is not None:
        report = render_recipe(recipe, out_dir=out_dir, results_dir=results_dir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            report = render_recipe(recipe, out_dir=tmp, results_dir=results_dir)
    if not report.figures:
        why = "; ".join(f"{name}: {reason}" for name, reason in report.skipped + report.missing)
        from lab.errors import FigureError

        raise FigureError(f"lab.draw: no {kind!r} figure drawn for {experiment!r} ({why})")
    # Made under the paper style at 300 dpi, which a plain savefig keeps.
    return [f.figure for f in report.figures]
