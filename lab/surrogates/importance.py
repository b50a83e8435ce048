"""What drives each objective, read from a fitted surrogate.

* Position importance (model-agnostic permutation importance on the genome): shuffle genome
  position ``i`` across a sample of architectures, re-encode, re-predict; the importance is the
  mean squared change of the prediction divided by the variance of the predictions (0: the
  position does not matter; about 2 for a position that alone explains the prediction: shuffling
  then replaces a prediction by an independent draw). Repeated over ``n_repeats`` shuffles.
* Operation effects (partial dependence): set position ``i`` to choice ``k`` in every sampled
  architecture; the effect is the mean prediction minus the mean prediction of the unchanged
  sample, in the target's raw unit.
* Feature importances of tree predictors (gain or impurity), per encoded feature.

Both tables are long data frames; :func:`plot_importance` draws them (matplotlib, Agg backend).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from lab.fileio import atomic_write
from lab.surrogates.surrogate import Surrogate


def position_importance(
    surrogate: Surrogate, genomes: np.ndarray, rng: np.random.Generator, *, n_repeats: int = 5
) -> pd.DataFrame:
    """Permutation importance of every genome position for every target.

    Args:
        surrogate: a fitted surrogate.
        genomes: ``n x d`` sample of architectures (e.g. the table's, or a random subset).
        rng: generator of the shuffles.
        n_repeats: shuffles per position.

    Returns:
        Columns ``target, position, variable, importance, importance_std``.
    """
    space = surrogate.search_space
    base = surrogate.predict(genomes)
    var = base.var(axis=0)
    var = np.where(var > 0, var, 1.0)
    rows = []
    for i, variable in enumerate(space.variable_names):
        scores = []
        for _ in range(n_repeats):
            shuffled = genomes.copy()
            shuffled[:, i] = rng.permutation(shuffled[:, i])
            valid = _valid_rows(surrogate, shuffled)
            change = surrogate.predict(shuffled[valid]) - base[valid]
            scores.append(np.mean(change**2, axis=0) / var)
        scores = np.asarray(scores)
        for j, target in enumerate(surrogate.targets):
            rows.append(
                {"target": target, "position": i, "variable": variable,
                 "importance": float(scores[:, j].mean()), "importance_std": float(scores[:, j].std())}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _valid_rows(surrogate: Surrogate, genomes: np.ndarray) -> np.ndarray:
    """Mask of genomes that denote an architecture (some spaces have invalid genomes)."""
    canon = surrogate.search_space.canonical_genomes(genomes)
    return canon[:, 0] >= 0


def operation_effects(surrogate: Surrogate, genomes: np.ndarray) -> pd.DataFrame:
    """Partial dependence of every (position, choice) for every target.

    Returns:
        Columns ``target, position, variable, choice, effect`` (raw target units).
    """
    space = surrogate.search_space
    base = surrogate.predict(genomes).mean(axis=0)
    rows = []
    for i, (variable, choices) in enumerate(zip(space.variable_names, space.choices, strict=True)):
        for k, choice in enumerate(choices):
            fixed = genomes.copy()
            fixed[:, i] = k
            valid = _valid_rows(surrogate, fixed)
            mean = (
                surrogate.predict(fixed[valid]).mean(axis=0)
                if valid.any()
                else np.full_like(base, np.nan)
            )
            for j, target in enumerate(surrogate.targets):
                rows.append(
                    {"target": target, "position": i, "variable": variable, "choice": choice,
                     "effect": float(mean[j] - base[j])}
                )  # fmt: skip
    return pd.DataFrame(rows)


def feature_importance(surrogate: Surrogate) -> pd.DataFrame | None:
    """Importances of the encoded features from the predictor (``None`` if it has none).

    Returns:
        Columns ``feature, importance`` sorted by decreasing importance.
    """
    try:
        values = np.asarray(surrogate.predictor.feature_importances_, dtype=np.float64)
    except AttributeError:
        return None
    frame = pd.DataFrame({"feature": surrogate.encoder.feature_names, "importance": values})
    return frame.sort_values("importance", ascending=False, ignore_index=True)


def plot_importance(
    positions: pd.DataFrame, effects: pd.DataFrame, path_stem: Path, *, title: str = ""
) -> list[Path]:
    """One column per target: position importance (bars) over operation effects (heatmap).

    Writes ``<path_stem>.png`` and ``<path_stem>.pdf``; returns both paths.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    targets = list(dict.fromkeys(positions["target"]))
    fig, axes = plt.subplots(
        2, len(targets), figsize=(4.2 * len(targets), 7.0), squeeze=False,
        gridspec_kw={"height_ratios": [1, 1.6]},
    )  # fmt: skip
    for j, target in enumerate(targets):
        pos = positions[positions["target"] == target]
        ax = axes[0, j]
        ax.bar(pos["variable"], pos["importance"], yerr=pos["importance_std"], color="tab:blue")
        ax.set_title(target, fontsize=10)
        ax.set_ylabel("permutation importance")
        ax.tick_params(axis="x", rotation=60, labelsize=7)
        eff = effects[effects["target"] == target]
        grid = eff.pivot_table(index="choice", columns="variable", values="effect", sort=False)
        grid = grid[list(dict.fromkeys(eff["variable"]))]
        ax = axes[1, j]
        limit = np.nanmax(np.abs(grid.to_numpy())) or 1.0
        im = ax.imshow(grid.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
        ax.set_xticks(range(grid.shape[1]), grid.columns, rotation=60, fontsize=7)
        ax.set_yticks(range(grid.shape[0]), grid.index, fontsize=7)
        ax.set_title("effect of choice (raw unit)", fontsize=9)
        fig.colorbar(im, ax=ax, shrink=0.8)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    path_stem = Path(path_stem)
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    out = []
    for suffix in (".png", ".pdf"):
        path = path_stem.with_suffix(suffix)
        atomic_write(path, lambda tmp, fmt=suffix[1:]: fig.savefig(tmp, format=fmt, dpi=150))
        out.append(path)
    plt.close(fig)
    return out
