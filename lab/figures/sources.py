"""What experiment figures are drawn from: the saved analysis (computed from the stored runs when
missing, stale or made with another baseline, never by rerunning a search), the stored
histories (for fronts and attainment functions) and the problems (units, exact fronts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from lab.analysis import AnalysisError, AnalysisResult, analyze_experiment, load_analysis
from lab.errors import FigureError
from lab.figures.style import ALGORITHM_STYLES, StyleMap
from lab.problems import Problem, get_problem
from lab.results.query import load_experiment, load_manifests
from lab.scoring import returned_set


@dataclass(frozen=True)
class RunSet:
    """The set one run returned, in raw report-metric units.

    Attributes:
        run_id: the run.
        seed: its seed index.
        points: ``p x m`` report objectives (minimized, raw units) of its returned set: the
            feasible evaluations non-dominated on the search metrics, as the analysis defines it.
    """

    run_id: str
    seed: int
    points: np.ndarray


def label_order(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Variant labels in legend order: registered algorithms in the order of
    :data:`~lab.figures.style.ALGORITHM_STYLES` (random first), each algorithm's plain label
    before its variants, unknown algorithms last; ties by name."""
    rank = {name: i for i, name in enumerate(ALGORITHM_STYLES)}
    keyed = sorted(set(pairs), key=lambda p: (rank.get(p[1], len(rank)), p[1], p[0] != p[1], p[0]))
    return [label for label, _ in keyed]


class ExperimentSource:
    """An experiment's analysis, runs and problems, loaded once for all figures of a recipe.

    Args:
        experiment: the experiment's name.
        root: the results store root (default ``$LAB_RESULTS_DIR`` or ``./results``).
        baseline: the analysis' baseline (``None``: keep the saved analysis' baseline).
        where: how errors name the recipe (its file).
        display_names: label -> name shown in legends.
        allow_missing: analyse the intact runs when runs of the design are missing or damaged
            (else the analysis refuses, naming them).
    """

    def __init__(
        self,
        experiment: str,
        *,
        root: Path | str | None = None,
        baseline: str | None = None,
        where: str = "<recipe>",
        display_names: dict[str, str] | None = None,
        allow_missing: bool = False,
    ) -> None:
        self.experiment = experiment
        self.root = root
        self.baseline = baseline
        self.where = where
        self.display_names = dict(display_names or {})
        self.allow_missing = allow_missing
        self.analysis_status = ""
        self._problems: dict[str, Problem] = {}
        self._run_sets: dict[str, dict[str, list[RunSet]]] = {}

    @cached_property
    def analysis(self) -> AnalysisResult:
        """The saved analysis, or a fresh one (from the stored runs) when it is missing, stale
        or was made with another baseline; :attr:`analysis_status` says which."""
        try:
            result = load_analysis(self.experiment, self.root)
        except AnalysisError as exc:
            reason = str(exc).split(";")[0]
        else:
            if self.baseline is None or result.baseline == self.baseline:
                self.analysis_status = f"loaded from {result.directory}"
                return result
            reason = (
                f"saved analysis has baseline {result.baseline!r}, recipe asks {self.baseline!r}"
            )
        result = analyze_experiment(
            self.experiment,
            root=self.root,
            baseline=self.baseline,
            allow_missing=self.allow_missing,
        )
        self.analysis_status = f"recomputed from the stored runs ({reason})"
        return result

    # ------------------------------------------------------------------------------ selection
    @cached_property
    def label_algorithms(self) -> dict[str, str]:
        """Variant label -> registry name, for every variant of the analysis."""
        final = self.analysis.final
        pairs = final[["label", "algorithm"]].drop_duplicates()
        return dict(zip(pairs["label"].astype(str), pairs["algorithm"].astype(str), strict=True))

    @cached_property
    def all_labels(self) -> list[str]:
        return label_order([(lab, alg) for lab, alg in self.label_algorithms.items()])

    @cached_property
    def all_problems(self) -> list[str]:
        return list(self.analysis.info["problems"])

    @cached_property
    def styles(self) -> StyleMap:
        return StyleMap(self.label_algorithms.items(), display=self.display_names)

    def problems(self, chosen: Sequence[str] | None, field: str) -> list[str]:
        """``chosen`` problems (checked) or every problem of the experiment."""
        return self._subset(chosen, self.all_problems, field, "problem")

    def labels(self, chosen: Sequence[str] | None, field: str) -> list[str]:
        """``chosen`` variant labels (checked; a registry name with a single variant counts
        as its label) or every variant, in legend order."""
        if chosen is None:
            return list(self.all_labels)
        resolved = []
        for name in chosen:
            variants = [lab for lab, alg in self.label_algorithms.items() if alg == name]
            resolved.append(
                variants[0] if name not in self.label_algorithms and len(variants) == 1 else name
            )
        return self._subset(resolved, self.all_labels, field, "algorithm variant")

    def _subset(
        self, chosen: Sequence[str] | None, valid: list[str], field: str, kind: str
    ) -> list[str]:
        if chosen is None:
            return list(valid)
        unknown = [c for c in chosen if c not in valid]
        if unknown:
            raise FigureError(
                f"{self.where}: field {field}: experiment {self.experiment!r} has no {kind} "
                f"{unknown}; valid: {', '.join(valid)}"
            )
        return list(dict.fromkeys(chosen))

    @cached_property
    def init_sizes(self) -> dict[str, int]:
        """Problem -> size of the shared initial design, where all its runs agree on one."""
        runs = load_manifests(self.experiment, root=self.root, status="ok")
        out = {}
        for problem, part in runs.groupby("problem"):
            sizes = part["n_init"].dropna().unique()
            if len(sizes) == 1:
                out[str(problem)] = int(sizes[0])
        return out

    # ------------------------------------------------------------------------------ problems
    def problem(self, name: str) -> Problem:
        if name not in self._problems:
            self._problems[name] = get_problem(name)
        return self._problems[name]

    # ------------------------------------------------------------------------------ run sets
    @cached_property
    def _tidy(self) -> pd.DataFrame:
        return load_experiment(self.experiment, root=self.root)

    def run_sets(self, problem: str) -> dict[str, list[RunSet]]:
        """Per variant label, the returned set of each of its runs on ``problem`` (by seed)."""
        if problem not in self._run_sets:
            self._run_sets[problem] = self._compute_run_sets(problem)
        return self._run_sets[problem]

    def _compute_run_sets(self, name: str) -> dict[str, list[RunSet]]:
        prob = self.problem(name)
        part = self._tidy[self._tidy["problem"] == name]
        m = prob.n_obj
        f_cols = [f"f{k}" for k in range(m)]
        r_cols = [f"r{k}" for k in range(m)]
        out: dict[str, list[RunSet]] = {}
        for (label, seed, run_id), run in part.groupby(["label", "seed", "run_id"], sort=True):
            run = run.sort_values("order", kind="stable")
            S = prob.normalize(run[f_cols].to_numpy(dtype=float), "search")
            returnable = prob.returnable_mask(
                run["row"].to_numpy(dtype=np.int64), run["feasible"].to_numpy(dtype=bool)
            )
            idx = returned_set(S, returnable)
            points = run[r_cols].to_numpy(dtype=float)[idx]
            out.setdefault(str(label), []).append(RunSet(str(run_id), int(seed), points))
        return out

    def median_run(self, problem: str, label: str) -> RunSet | None:
        """The run of ``label`` on ``problem`` whose final normalized hypervolume is the (lower)
        median over its seeds."""
        final = self.analysis.final
        part = final[(final["problem"] == problem) & (final["label"] == label)]
        if part.empty:
            return None
        part = part.sort_values(["hv_normalized", "seed"], kind="stable")
        run_id = str(part["run_id"].iloc[(len(part) - 1) // 2])
        return next((r for r in self.run_sets(problem).get(label, []) if r.run_id == run_id), None)

    def seed_run(self, problem: str, label: str, seed: int) -> RunSet | None:
        return next((r for r in self.run_sets(problem).get(label, []) if r.seed == seed), None)
