"""The FLOPs-row variants of the latency-transfer study (trims, tie orders, splits)."""

from __future__ import annotations

import numpy as np
import pytest

from lab.surrogates.latency_transfer_flops import flops_row_variants, flops_trim_match
from lab.surrogates.latency_transfer_protocol import index_split, proxy_row


def _data(ties: bool):
    rng = np.random.default_rng(2)
    n = 2_500
    proxy = rng.integers(0, 12, n).astype(float) if ties else rng.random(n)
    latencies = {
        "a": proxy + rng.normal(0.0, 0.5 if ties else 0.05, n),
        "b": np.sqrt(proxy + 1.0) + rng.normal(0.0, 0.3, n),
    }
    return proxy, latencies


def test_help_variant_is_the_protocol_and_random_variants_bracket_their_mean():
    proxy, latencies = _data(ties=True)
    frame = flops_row_variants(proxy, latencies, ["a", "b"], draws=30)
    assert set(frame["variant"]) == {
        "help", "latency-trim, random ties", "flops-trim, random ties",
        "whole-space quantiles", "random split",
    }  # fmt: skip
    row = proxy_row(proxy, latencies, ["a", "b"])
    helps = frame[frame["variant"] == "help"].set_index("device")["rho"]
    assert helps.to_dict() == pytest.approx(row)
    randomised = frame[frame["draws"] == 30]
    assert len(randomised) == 3 * 2
    # (1e-12: the mean of equal values may differ from them in the last bit)
    assert (randomised["min"] <= randomised["rho"] + 1e-12).all()
    assert (randomised["rho"] <= randomised["max"] + 1e-12).all()
    # A proxy with 12 values ties at both cuts: the order of its ties moves rho.
    flops_trim = frame[frame["variant"] == "flops-trim, random ties"]
    assert (flops_trim["max"] > flops_trim["min"]).all()


def test_without_ties_the_tie_orders_change_nothing_and_match_is_certain():
    proxy, latencies = _data(ties=False)
    frame = flops_row_variants(proxy, latencies, ["a", "b"], draws=5)
    latency_trim = frame[frame["variant"] == "latency-trim, random ties"]
    np.testing.assert_allclose(latency_trim["min"], latency_trim["max"])
    # Published = the rho of the trim on the proxy itself: every draw matches exactly.
    split = index_split(len(proxy))
    order = np.argsort(proxy[split.test], kind="stable")
    kept = split.test[order[100:900]]
    from lab.surrogates.latency_transfer_protocol import spearman

    published = [spearman(proxy[kept], latencies[d][kept]) for d in ("a", "b")]
    share, closest = flops_trim_match(proxy, latencies, published, ["a", "b"], draws=5)
    assert share == 1.0
    assert list(closest.values()) == pytest.approx(published)
