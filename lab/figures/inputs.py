"""The inputs of a figure recipe and the commands that make them.

A recipe lists, under ``inputs``, lab commands and what each makes (files, saved surrogates,
experiments of the results store). :func:`missing_inputs` says which of those outputs are
absent here; :func:`build_inputs` runs the commands whose outputs are missing, in the recipe's
order (a later command may use an earlier one's output), each as ``python -m lab ...`` in a
child process from the current directory, so a fresh checkout can render every recipe.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lab.errors import FigureError
from lab.figures.recipe import FigureRecipe, RecipeInput
from lab.results.store import RESULTS_DIR_ENV, ResultsStore


class InputsNotBuilt(FigureError):
    """A missing input whose command the recipe says not to run unasked (``automatic:
    false``); the message names the command and its cost."""

    def __init__(self, entry: MissingInput) -> None:
        self.entry = entry
        cost = f" ({entry.input.cost})" if entry.input.cost else ""
        super().__init__(
            f"missing {', '.join(entry.missing)}; made by `{entry.input.command}`{cost}, which "
            "is not run automatically: run it yourself, then rerun `lab figures`"
        )


@dataclass(frozen=True)
class MissingInput:
    """A recipe input whose outputs are (partly) absent.

    Attributes:
        input: the recipe's entry (its command and what it makes).
        missing: the absent outputs, in words (``file results/x.csv``, ``surrogate nbg-xgb``).
    """

    input: RecipeInput
    missing: tuple[str, ...]


def _has_runs(store: ResultsStore, experiment: str) -> bool:
    if experiment not in store.experiments():
        return False
    return any(m.get("status") == "ok" for m in store.manifests(experiment))


def missing_outputs(item: RecipeInput, *, results_dir: Path | str | None = None) -> list[str]:
    """What ``item`` makes that is not here (empty: nothing to build)."""
    from lab.surrogates.artifact import surrogate_names

    out = [f"file {p}" for p in item.files if not Path(p).is_file()]
    if item.surrogates:
        saved = set(surrogate_names())
        out += [f"surrogate {s}" for s in item.surrogates if s not in saved]
    if item.experiments:
        store = ResultsStore(results_dir)
        out += [f"experiment {e}" for e in item.experiments if not _has_runs(store, e)]
    return out


def drawing_from(recipe: FigureRecipe, experiment: str | None) -> FigureRecipe:
    """The recipe as it is used to draw ``experiment`` instead of its own: without the inputs
    that only make its own experiment (they are not what will be drawn, and a costly one would
    otherwise skip the recipe). ``experiment`` ``None`` or the recipe's own: unchanged."""
    own = recipe.experiment
    if experiment is None or own is None or experiment == own:
        return recipe
    kept = [
        item
        for item in recipe.inputs
        if not (item.experiments == [own] and not item.files and not item.surrogates)
    ]
    return recipe.model_copy(update={"inputs": kept})


def missing_inputs(
    recipe: FigureRecipe, *, results_dir: Path | str | None = None
) -> list[MissingInput]:
    """The recipe's inputs with absent outputs, in the recipe's order."""
    root = results_dir if results_dir is not None else recipe.results_dir
    out = []
    for item in recipe.inputs:
        missing = missing_outputs(item, results_dir=root)
        if missing:
            out.append(MissingInput(item, tuple(missing)))
    return out


def build_inputs(
    recipe: FigureRecipe,
    *,
    results_dir: Path | str | None = None,
    announce: Callable[[MissingInput], None] | None = None,
) -> list[MissingInput]:
    """Run the commands of the recipe's missing inputs, in order; returns what was built.

    Args:
        recipe: the recipe.
        results_dir: results store root for the commands (``$LAB_RESULTS_DIR`` in their
            environment); default the recipe's, else theirs.
        announce: called before each command runs (e.g. to print it).

    Raises:
        InputsNotBuilt: a missing input is not to be made automatically (``automatic: false``).
        FigureError: a command failed (its exit status and the recipe named), or ran but did not
            make what the recipe says it makes.
    """
    root = results_dir if results_dir is not None else recipe.results_dir
    env = dict(os.environ)
    if root is not None:
        env[RESULTS_DIR_ENV] = str(root)
    built = []
    where = recipe.source or f"recipe {recipe.name!r}"
    for k, item in enumerate(recipe.inputs):
        missing = missing_outputs(item, results_dir=root)
        if not missing:  # an earlier command may have made it
            continue
        entry = MissingInput(item, tuple(missing))
        if not item.automatic:
            raise InputsNotBuilt(entry)
        if announce is not None:
            announce(entry)
        done = subprocess.run([sys.executable, "-m", "lab", *item.argv()], env=env, check=False)
        if done.returncode != 0:
            raise FigureError(
                f"{where}: field inputs[{k}]: `{item.command}` failed (exit status "
                f"{done.returncode}); fix the cause above and rerun `lab figures`"
            )
        still = missing_outputs(item, results_dir=root)
        if still:
            raise FigureError(
                f"{where}: field inputs[{k}]: `{item.command}` ran but did not make "
                f"{', '.join(still)}; correct the recipe's 'inputs' entry"
            )
        built.append(entry)
    return built
