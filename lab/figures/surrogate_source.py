"""Parity tables from saved surrogates: each surrogate's predictions on the architectures of its
table it was not trained on, next to their true values (the layout of
:mod:`lab.figures.parity`). Only the surrogate laboratory's public loading API is used."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Held-out architectures drawn per surrogate when there are more (a seeded sample).
MAX_POINTS = 5000


def parity_table(
    names: Sequence[str], *, max_points: int = MAX_POINTS, seed: int = 0
) -> pd.DataFrame:
    """``predictor, target, surrogate, y_true, y_pred`` for every saved surrogate in ``names``.

    Args:
        names: saved surrogates (``lab surrogate ls``).
        max_points: held-out architectures per surrogate at most (a uniform sample without
            replacement, drawn with ``seed``, when there are more).
        seed: seed of that sample.

    Raises:
        UnknownNameError: no such saved surrogate.
    """
    from lab.benchmarks.store import load_table
    from lab.surrogates.artifact import load_surrogate
    from lab.surrogates.fitting import held_out_rows

    frames = []
    for name in names:
        saved = load_surrogate(name)
        table = load_table(saved.card["data"]["benchmark"])
        rows = held_out_rows(saved, table)
        if len(rows) > max_points:
            rng = np.random.default_rng(np.random.SeedSequence([seed, len(frames)]))
            rows = np.sort(rng.choice(rows, size=max_points, replace=False))
        predicted = saved.surrogate.predict(table.genomes[rows])
        for j, target in enumerate(saved.surrogate.targets):
            frames.append(
                pd.DataFrame(
                    {
                        "predictor": saved.surrogate.predictor.name,
                        "target": target,
                        "surrogate": name,
                        "y_true": table.metric_values(target)[rows],
                        "y_pred": predicted[:, j],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
