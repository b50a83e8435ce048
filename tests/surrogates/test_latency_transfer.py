"""Few-shot latency transfer: HELP's protocol, the meta-learned model, the study and its file."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pandas as pd
import pytest

from lab.benchmarks.metric import MetricInfo
from lab.benchmarks.table import BenchmarkTable, genome_columns
from lab.errors import InputError, LabError
from lab.surrogates.latency_transfer import LatencyPrior, adapt, pairwise_one_hot
from lab.surrogates.latency_transfer_protocol import (
    PUBLISHED_MEANS,
    PUBLISHED_ROWS,
    TARGET_DEVICES,
    index_split,
    proxy_row,
    spearman,
    trim_to_quantiles,
)
from lab.surrogates.latency_transfer_study import (
    FLOPS_ROW,
    MODEL_ROW,
    load_result,
    run_study,
    save_result,
)

# ---------------------------------------------------------------- protocol


def test_index_split_is_the_first_900_then_the_next_1000():
    split = index_split(15_625)
    assert split.pool.tolist() == list(range(900))
    assert split.test.tolist() == list(range(900, 1900))
    with pytest.raises(InputError, match="at most"):
        index_split(1_500)


def test_trim_keeps_positions_int_low_m_to_int_high_m_of_the_sorted_set():
    # 10 members with values 9, 8, ..., 0: sorted ascending they are indices 9..0; positions
    # int(0.1 * 10) = 1 to int(0.9 * 10) = 9 (excluded) keep indices 8..1.
    values = np.array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0], dtype=float)
    kept = trim_to_quantiles(values, np.arange(10))
    assert kept.tolist() == [8, 7, 6, 5, 4, 3, 2, 1]
    # 1,000 members -> 800 kept, the 100 smallest and the 100 largest dropped.
    rng = np.random.default_rng(0)
    v = rng.permutation(1000).astype(float)
    kept = trim_to_quantiles(v, np.arange(1000))
    assert len(kept) == 800
    assert sorted(v[kept].tolist()) == list(map(float, range(100, 900)))


def test_trim_breaks_ties_in_index_order_and_only_trims_the_given_set():
    values = np.zeros(20)
    values[10:20] = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3]
    kept = trim_to_quantiles(values, np.arange(10, 20))
    # Sorted stably: 10, 11, 12 (value 1), 13..16 (2), 17..19 (3); positions 1..8 kept.
    assert kept.tolist() == [11, 12, 13, 14, 15, 16, 17, 18]
    with pytest.raises(InputError, match="quantiles"):
        trim_to_quantiles(values, np.arange(10), (0.9, 0.1))


def test_spearman_closed_forms():
    x = np.arange(10.0)
    assert spearman(x, x**3) == pytest.approx(1.0)
    assert spearman(x, -x) == pytest.approx(-1.0)
    # n = 4, ranks (1, 2, 3, 4) vs (2, 1, 4, 3): rho = 1 - 6 * 4 / (4 * 15) = 0.6.
    assert spearman(np.array([1.0, 2, 3, 4]), np.array([2.0, 1, 4, 3])) == pytest.approx(0.6)
    assert math.isnan(spearman(x, np.ones(10)))


def test_proxy_row_scores_each_device_on_its_own_trimmed_test_set():
    n = 2_000
    rng = np.random.default_rng(1)
    proxy = rng.random(n)
    latencies = {"a": 2.0 * proxy + 1.0, "b": -proxy}
    row = proxy_row(proxy, latencies, devices=["a", "b"])
    assert row == {"a": pytest.approx(1.0), "b": pytest.approx(-1.0)}


def test_published_rows_are_the_papers_and_their_means_agree():
    assert PUBLISHED_ROWS["HELP"][1] == (0.987, 0.989, 0.802, 0.890, 0.940, 0.985)
    assert PUBLISHED_ROWS["FLOPs"][1] == (0.950, 0.826, 0.765, 0.846, 0.437, 0.900)
    for name in ("FLOPs", "BRP-NAS", "HELP"):
        assert np.mean(PUBLISHED_ROWS[name][1]) == pytest.approx(PUBLISHED_MEANS[name], abs=6e-4)


# ---------------------------------------------------------------- model


def test_pairwise_one_hot_counts():
    genomes = np.array([[0, 1, 2], [2, 2, 0]])
    phi = pairwise_one_hot(genomes, (3, 3, 3))
    assert phi.shape == (2, 9 + 3 * 9)
    # Each row: one 1 per position and one per pair.
    assert phi.sum(axis=1).tolist() == [6.0, 6.0]
    assert phi[0, 0] == 1 and phi[0, 3 + 1] == 1 and phi[0, 6 + 2] == 1
    # Pair (0, 1) of row 0 is choice 0 * 3 + 1 = 1 of the first pair block.
    assert phi[0, 9 + 1] == 1
    with pytest.raises(InputError, match="0..cardinality-1"):
        pairwise_one_hot(np.array([[3, 0, 0]]), (3, 3, 3))


def _synthetic_devices(n_sources: int = 8, seed: int = 0):
    """Genomes of 5 positions x 5 choices, devices additive in the choices plus pair terms."""
    genomes = np.array(list(itertools.product(range(5), repeat=5)))
    phi = pairwise_one_hot(genomes, (5,) * 5)
    rng = np.random.default_rng(seed)
    base = rng.gamma(2.0, 1.0, phi.shape[1])
    heads = [base * rng.lognormal(0.0, 0.4, phi.shape[1]) for _ in range(n_sources)]
    columns = {f"s{k}": 3.0 + phi @ h for k, h in enumerate(heads)}
    return genomes, phi, columns


def test_model_recovers_a_known_linear_device_transfer():
    _, phi, columns = _synthetic_devices()
    prior = LatencyPrior.from_sources(phi, columns)
    # The target is an exact affine transfer of two source devices (in ms): its head lies in
    # the span of the mean head and the 7 source deviations, so with the intercept 9 unknowns.
    target = 0.5 + 0.7 * columns["s1"] + 0.2 * columns["s4"]
    draw = np.random.default_rng(3).choice(len(phi), 10, replace=False)
    held_out = np.setdiff1d(np.arange(len(phi)), draw)
    # Nothing outside the sources' span and (almost) no noise: 10 points pin it down exactly.
    exact = adapt(prior, phi[draw], target[draw], noise_grid=(1e-8, 1e-4), isotropic_var=0.0)
    assert exact.noise_var == 1e-8  # the evidence prefers the noiseless fit
    np.testing.assert_allclose(exact.predict(phi[held_out]), target[held_out], rtol=1e-4)
    # The default settings (noise >= 0.01, isotropic part) still rank almost perfectly.
    model = adapt(prior, phi[draw], target[draw])
    assert spearman(model.predict(phi[held_out]), target[held_out]) > 0.98
    # The same 10 points without the learned prior (isotropic ridge only) do far worse.
    flat = LatencyPrior(np.zeros_like(prior.mean), np.zeros_like(prior.factors), prior.sources)
    naive = adapt(flat, phi[draw], target[draw], isotropic_var=1.0, mean_scale_var=0.0)
    assert spearman(naive.predict(phi[held_out]), target[held_out]) < 0.6


def test_adapt_refuses_constant_or_mismatched_measurements():
    _, phi, columns = _synthetic_devices(n_sources=3)
    prior = LatencyPrior.from_sources(phi, columns)
    with pytest.raises(InputError, match="all latencies are equal"):
        adapt(prior, phi[:10], np.ones(10))
    with pytest.raises(InputError, match="features must have shape"):
        adapt(prior, phi[:9], np.arange(10.0))
    with pytest.raises(InputError, match="at least 2 source"):
        LatencyPrior.from_sources(phi, {"s0": columns["s0"]})


# ---------------------------------------------------------------- study


def _synthetic_table() -> BenchmarkTable:
    """A 3,125-architecture table with HELP's device names as latency columns."""
    from lab.surrogates.latency_transfer_protocol import SOURCE_DEVICES, VALIDATION_DEVICES

    devices = [*SOURCE_DEVICES, *VALIDATION_DEVICES, *TARGET_DEVICES]
    genomes, phi, columns = _synthetic_devices(n_sources=len(devices), seed=5)
    frame = pd.DataFrame({"arch_id": np.arange(len(genomes)), "arch_str": "x"})
    for col, values in zip(genome_columns(5), genomes.T, strict=True):
        frame[col] = values
    metrics = {}
    for device, values in zip(devices, columns.values(), strict=True):
        frame[f"latency_{device}"] = values
        metrics[f"latency_{device}"] = MetricInfo(
            f"latency_{device}", "latency", "exact", "ms", "min", device=device
        )
    frame["flops_cifar10"] = phi[:, :25] @ np.arange(25.0)
    metrics["flops_cifar10"] = MetricInfo("flops_cifar10", "flops", "exact", "MFLOPs", "min")
    # Rows shuffled: the study must order them by arch_id itself.
    frame = frame.sample(frac=1.0, random_state=0).reset_index(drop=True)
    return BenchmarkTable("synthetic-latency", frame, metrics, (5,) * 5, "synthetic")


@pytest.fixture(scope="module")
def synthetic_result():
    return run_study(_synthetic_table(), seeds=4)


def test_study_is_reproducible_and_its_seeds_differ(synthetic_result):
    again = run_study(_synthetic_table(), seeds=4)
    assert again.rhos == synthetic_result.rhos
    assert again.flops == synthetic_result.flops
    rhos = synthetic_result.rhos["titan_rtx_256"]
    assert len(set(rhos)) > 1  # different draws per seed
    # Devices drawn like the sources: 10 measurements beat the zero-shot proxy on every seed.
    for device in TARGET_DEVICES:
        assert min(synthetic_result.rhos[device]) > synthetic_result.flops[device] + 0.3


def test_study_refuses_a_source_that_is_scored():
    with pytest.raises(InputError, match="both a source and scored"):
        run_study(_synthetic_table(), seeds=2, validation=["1080ti_1"])


def test_results_file_round_trip_and_refusal(synthetic_result, tmp_path):
    json_path, csv_path = save_result(synthetic_result, tmp_path / "lt")
    loaded = load_result(json_path)
    assert loaded.rhos == synthetic_result.rhos
    assert loaded.flops == synthetic_result.flops
    pd.testing.assert_frame_equal(loaded.summary_frame(), synthetic_result.summary_frame())
    summary = pd.read_csv(csv_path)
    lab_mean = summary[(summary["row"] == MODEL_ROW) & (summary["device"] == "mean")]
    expected = np.mean([np.mean(synthetic_result.rhos[d]) for d in TARGET_DEVICES])
    assert lab_mean["rho"].item() == pytest.approx(expected)
    assert lab_mean["ci_low"].item() <= lab_mean["rho"].item() <= lab_mean["ci_high"].item()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"study": "something-else"}))
    with pytest.raises(LabError, match="field 'study'"):
        load_result(bad)
    text = json.loads(json_path.read_text())
    text["rhos"]["fpga"] = [0.5]
    bad.write_text(json.dumps(text))
    with pytest.raises(LabError, match="rhos.fpga"):
        load_result(bad)


def test_markdown_and_figure(synthetic_result):
    from lab.figures.kinds.latency_transfer import latency_transfer_figure

    md = synthetic_result.markdown()
    assert FLOPS_ROW in md and "HELP (published) | 10 | 0.987" in md
    fig = latency_transfer_figure(synthetic_result.summary_frame())
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [*(d.replace("_", " ") for d in TARGET_DEVICES), "mean"]


# ---------------------------------------------------------------- the real table


#: Measured with the lab's FLOPs column (flops_cifar10) on HELP's latency files, this protocol.
FLOPS_ROW_MEASURED = {
    "titan_rtx_256": 0.9510,
    "gold_6226": 0.8302,
    "pixel2": 0.7664,
    "raspi4": 0.8714,
    "eyeriss": 0.3853,
    "fpga": 0.8945,
}


def test_flops_row_on_the_real_table(nb201_table):
    from lab.surrogates.latency_transfer_study import device_latencies

    latencies = device_latencies(nb201_table, TARGET_DEVICES)
    order = np.argsort(nb201_table.frame["arch_id"].to_numpy())
    flops = nb201_table.frame["flops_cifar10"].to_numpy()[order]
    row = proxy_row(flops, latencies)
    assert row == pytest.approx(FLOPS_ROW_MEASURED, abs=5e-5)


def test_model_on_the_real_table_matches_helps_mean(nb201_table):
    result = run_study(nb201_table, seeds=30)
    means = {d: np.mean(result.rhos[d]) for d in TARGET_DEVICES}
    assert np.mean(list(means.values())) == pytest.approx(0.933, abs=2e-3)
    assert means["gold_6226"] == pytest.approx(0.995, abs=3e-3)
    assert means["eyeriss"] == pytest.approx(0.875, abs=5e-3)


def test_cli_reloads_a_results_file_and_draws_it(synthetic_result, tmp_path, monkeypatch):
    from rich.console import Console
    from typer.testing import CliRunner

    from lab.cli.main import app

    monkeypatch.setattr("lab.cli.surrogate.console", Console(width=250))
    json_path, _ = save_result(synthetic_result, tmp_path / "lt")
    result = CliRunner().invoke(app, ["surrogate", "latency-transfer", "--load", str(json_path)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert MODEL_ROW in result.output and "HELP (published)" in result.output
    assert (tmp_path / "lt.png").is_file() and (tmp_path / "lt.pdf").is_file()
