"""The summary after ``lab run``: each variant's verdict against the baseline on the final
normalized hypervolume, by the analysis' protocol, or how many seeds a verdict would need."""

from __future__ import annotations

import numpy as np
import pandas as pd

from lab.cli.run import baseline_verdicts
from lab.stats.attainable import seeds_needed


def _manifests(seeds: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = []
    for seed in range(seeds):
        base = float(rng.uniform(0.4, 0.6))
        for label, shift in (("random", 0.0), ("nsga2", 0.2), ("moead", -0.2)):
            rows.append(
                {"problem": "p", "label": label, "algorithm": label, "seed": seed,
                 "status": "ok", "hv_normalized": base + shift}
            )  # fmt: skip
    return pd.DataFrame(rows)


def test_verdicts_with_enough_seeds_follow_the_exact_wilcoxon_test():
    verdicts, caption = baseline_verdicts(_manifests(10))
    assert verdicts[("p", "random")].endswith("baseline[/]")
    # Every seed better (worse): exact two-sided p = 2 / 2^10, Holm over 2 comparisons.
    p_holm = 2 * 2 / 2**10
    assert "better" in verdicts[("p", "nsga2")] and f"p {p_holm:.2g}" in verdicts[("p", "nsga2")]
    assert "A12 1.00" in verdicts[("p", "nsga2")]
    assert "worse" in verdicts[("p", "moead")] and "A12 0.00" in verdicts[("p", "moead")]
    assert "Holm" in caption and "random" in caption


def test_too_few_seeds_say_how_many_would_do():
    verdicts, _ = baseline_verdicts(_manifests(4))
    need = seeds_needed(0.05, 2, paired=True)
    assert need > 4
    assert verdicts[("p", "nsga2")] == f"[yellow]needs {need} seeds[/]"


def test_no_verdicts_without_baseline_or_with_one_seed():
    m = _manifests(5)
    assert baseline_verdicts(m[m["label"] != "random"]) == (None, None)
    assert baseline_verdicts(m[m["seed"] == 0]) == (None, None)
