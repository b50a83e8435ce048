"""Analytic NAS-Bench-201 parameters / FLOPs against built modules and the official figures."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from torch import nn

from lab.errors import UnknownNameError
from lab.spaces.nasbench201_cost import (
    arch_strs_to_op_indices,
    nasbench201_param_flop_counts,
    nasbench201_params_flops,
    op_indices_param_flop_counts,
)
from lab.spaces.nasbench201_network import (
    OPS,
    InvalidArchitectureError,
    build_nasbench201_network,
    count_parameters,
    dataset_spec,
    enumerate_arch_strs,
    ops_to_arch_str,
)

DATASETS = ("cifar10", "cifar100", "ImageNet16-120")


def _sample_arch_strs() -> list[str]:
    """30 seeded random cells plus the all-none, all-3x3-conv, all-skip and all-pool cells."""
    rng = np.random.default_rng(201)
    random_ops = rng.integers(0, len(OPS), size=(30, 6))
    arch_strs = [ops_to_arch_str([OPS[k] for k in row]) for row in random_ops]
    edge_cases = ("none", "nor_conv_3x3", "skip_connect", "avg_pool_3x3", "nor_conv_1x1")
    return arch_strs + [ops_to_arch_str([op] * 6) for op in edge_cases]


SAMPLE = _sample_arch_strs()


def _hooked_macs(module: nn.Module, resolution: int) -> int:
    """Per-image multiply-accumulates of every Conv2d and Linear, measured with forward hooks.

    Conv: ``k_h * k_w * C_in / groups * C_out * H_out * W_out`` (+ ``C_out * H_out * W_out`` for
    a bias); Linear: ``in * out`` (+ ``out`` for a bias). Independent of the analytic tables.
    """
    total = 0

    def conv_hook(conv: nn.Conv2d, _inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        nonlocal total
        positions = out.shape[2] * out.shape[3]
        k_h, k_w = conv.kernel_size
        total += k_h * k_w * conv.in_channels // conv.groups * conv.out_channels * positions
        if conv.bias is not None:
            total += conv.out_channels * positions

    def linear_hook(fc: nn.Linear, _inputs: tuple[torch.Tensor, ...], out: torch.Tensor) -> None:
        nonlocal total
        total += fc.in_features * fc.out_features + (fc.out_features if fc.bias is not None else 0)

    handles = []
    for sub in module.modules():
        if isinstance(sub, nn.Conv2d):
            handles.append(sub.register_forward_hook(conv_hook))
        elif isinstance(sub, nn.Linear):
            handles.append(sub.register_forward_hook(linear_hook))
    try:
        with torch.no_grad():
            module.eval()(torch.zeros(1, 3, resolution, resolution))
    finally:
        for handle in handles:
            handle.remove()
    return total


@pytest.mark.parametrize("dataset", DATASETS)
def test_analytic_counts_equal_built_modules(dataset: str) -> None:
    spec = dataset_spec(dataset)
    params, flops = nasbench201_param_flop_counts(SAMPLE, dataset)
    assert params.dtype == flops.dtype == np.int64
    assert params.shape == flops.shape == (len(SAMPLE),)
    for arch_str, analytic_params, analytic_flops in zip(SAMPLE, params, flops, strict=True):
        net = build_nasbench201_network(arch_str, spec.num_classes)
        assert count_parameters(net) == analytic_params, arch_str
        assert _hooked_macs(net, spec.resolution) == analytic_flops, arch_str


# Official benchmark extremes (min / max of ``params`` and ``flop`` over the 15,625 cells, as
# printed from the NAS-Bench-201-v1_1-096897 data in public code): the all-``none`` cell is the
# cheapest and the all-``nor_conv_3x3`` cell the most expensive.
OFFICIAL_EXTREMES = {
    "cifar10": ((0.073306, 1.531546), (7.78305, 220.11969)),
    "cifar100": ((0.079156, 1.537396), (7.7889, 220.12554)),
    "ImageNet16-120": ((0.080456, 1.538696), (1.9534, 55.03756)),
}


@pytest.mark.parametrize("dataset", DATASETS)
def test_official_extremes(dataset: str) -> None:
    (min_params, max_params), (min_flops, max_flops) = OFFICIAL_EXTREMES[dataset]
    cheapest, costliest = ops_to_arch_str(["none"] * 6), ops_to_arch_str(["nor_conv_3x3"] * 6)
    params, flops = nasbench201_params_flops([cheapest, costliest], dataset)
    np.testing.assert_allclose(params, [min_params, max_params], rtol=0, atol=5e-7)
    np.testing.assert_allclose(flops, [min_flops, max_flops], rtol=0, atol=5e-6)

    all_params, all_flops = nasbench201_params_flops(list(enumerate_arch_strs()), dataset)
    assert (all_params.min(), all_params.max()) == (params[0], params[1])
    assert (all_flops.min(), all_flops.max()) == (flops[0], flops[1])


def test_exact_integer_counts_on_cifar10() -> None:
    params, flops = nasbench201_param_flop_counts(
        [ops_to_arch_str(["none"] * 6), ops_to_arch_str(["nor_conv_3x3"] * 6)], "cifar10"
    )
    assert params.tolist() == [73_306, 1_531_546]
    assert flops.tolist() == [7_783_050, 220_119_690]


def test_whole_space_is_fast_and_consistent() -> None:
    arch_strs = list(enumerate_arch_strs())
    start = time.perf_counter()
    params, flops = nasbench201_params_flops(arch_strs, "cifar10")
    assert time.perf_counter() - start < 1.0
    assert params.shape == flops.shape == (15_625,)
    assert params.dtype == flops.dtype == np.float64
    # Costs depend only on how many edges carry each op: 28 distinct multisets of parametric ops.
    assert len(np.unique(params)) == len(np.unique(flops)) == 28


def test_op_index_encoding_and_aliases() -> None:
    sample = SAMPLE[:5]
    op_indices = arch_strs_to_op_indices(sample)
    assert op_indices.shape == (5, 6)
    assert [ops_to_arch_str([OPS[k] for k in row]) for row in op_indices] == sample
    by_index = op_indices_param_flop_counts(op_indices, "cifar10")
    by_string = nasbench201_param_flop_counts(sample, "cifar10-valid")
    np.testing.assert_array_equal(by_index[0], by_string[0])
    np.testing.assert_array_equal(by_index[1], by_string[1])
    lower = nasbench201_params_flops(sample, "imagenet16-120")
    upper = nasbench201_params_flops(sample, "ImageNet16-120")
    np.testing.assert_array_equal(lower[0], upper[0])
    empty_params, empty_flops = nasbench201_params_flops([], "cifar100")
    assert empty_params.shape == empty_flops.shape == (0,)


def test_invalid_inputs_raise_clear_errors() -> None:
    bad = "|none~0|+|none~0|none~1|+|none~0|conv_5x5~1|none~2|"
    with pytest.raises(ValueError, match="unknown operation 'conv_5x5' in edge 'conv_5x5~1'"):
        nasbench201_params_flops([SAMPLE[0], bad], "cifar10")
    with pytest.raises(ValueError, match=r"must start and end with '\|'"):
        nasbench201_params_flops([SAMPLE[0] + "x"], "cifar10")
    with pytest.raises(TypeError, match="sequence"):
        nasbench201_params_flops(SAMPLE[0], "cifar10")
    with pytest.raises(UnknownNameError, match="cifar100"):
        nasbench201_params_flops(SAMPLE[:1], "svhn")
    with pytest.raises(InvalidArchitectureError, match="shape"):
        op_indices_param_flop_counts(np.zeros((2, 5), dtype=np.int64), "cifar10")
    with pytest.raises(InvalidArchitectureError, match=r"0\.\.4"):
        op_indices_param_flop_counts(np.full((1, 6), 5), "cifar10")
