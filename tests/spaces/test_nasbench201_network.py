"""NAS-Bench-201 architecture strings and the faithful TinyNetwork / InferCell builder."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lab.errors import LabError, UnknownNameError
from lab.spaces.nasbench201_network import (
    EDGES,
    OPS,
    InferCell,
    InvalidArchitectureError,
    build_nasbench201_network,
    count_parameters,
    dataset_spec,
    enumerate_arch_strs,
    ops_to_arch_str,
    parse_arch_str,
)

EXAMPLE = (
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|"
    "+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
)
EXAMPLE_OPS = (
    "nor_conv_3x3",
    "nor_conv_3x3",
    "avg_pool_3x3",
    "skip_connect",
    "nor_conv_3x3",
    "skip_connect",
)


def test_parse_official_string_in_edge_order() -> None:
    assert parse_arch_str(EXAMPLE) == EXAMPLE_OPS
    assert parse_arch_str(f"  {EXAMPLE}\n") == EXAMPLE_OPS
    assert ops_to_arch_str(EXAMPLE_OPS) == EXAMPLE


def test_enumeration_covers_the_space_and_round_trips() -> None:
    arch_strs = list(enumerate_arch_strs())
    assert len(arch_strs) == len(OPS) ** len(EDGES) == 15_625
    assert len(set(arch_strs)) == 15_625
    assert all(ops_to_arch_str(parse_arch_str(s)) == s for s in arch_strs)


@pytest.mark.parametrize(
    ("arch_str", "bad_part"),
    [
        ("|nor_conv_3x3~0|+|none~0|none~1|", "2 '+'-separated node group"),
        (EXAMPLE + "+|none~0|", "4 '+'-separated node group"),
        (EXAMPLE.replace("avg_pool_3x3", "max_pool_3x3"), "'max_pool_3x3'"),
        (EXAMPLE.replace("skip_connect~2", "skip_connect~1"), "'skip_connect~1' of node 3"),
        (EXAMPLE.replace("|skip_connect~0|", "|skip_connect|"), "'skip_connect' of node 3"),
        (EXAMPLE.replace("avg_pool_3x3~1|", ""), "node 2 group '|nor_conv_3x3~0|'"),
        (EXAMPLE[1:], "node 1 group 'nor_conv_3x3~0|'"),
        ("", "node group"),
    ],
)
def test_invalid_strings_name_the_bad_part(arch_str: str, bad_part: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        parse_arch_str(arch_str)
    assert bad_part in str(excinfo.value)
    assert isinstance(excinfo.value, InvalidArchitectureError)
    assert isinstance(excinfo.value, LabError)
    with pytest.raises(ValueError, match="NAS-Bench-201"):
        build_nasbench201_network(arch_str, 10)


def test_invalid_op_lists_and_types() -> None:
    with pytest.raises(InvalidArchitectureError, match="needs 6 operations"):
        ops_to_arch_str(EXAMPLE_OPS[:5])
    with pytest.raises(InvalidArchitectureError, match="'conv'"):
        ops_to_arch_str((*EXAMPLE_OPS[:5], "conv"))
    with pytest.raises(InvalidArchitectureError, match="must be a str"):
        parse_arch_str(EXAMPLE_OPS)  # type: ignore[arg-type]


def test_dataset_specs_and_aliases() -> None:
    assert dataset_spec("cifar10") == dataset_spec("cifar10-valid") == dataset_spec("CIFAR10")
    assert (dataset_spec("cifar10").num_classes, dataset_spec("cifar10").resolution) == (10, 32)
    assert (dataset_spec("cifar100").num_classes, dataset_spec("cifar100").resolution) == (100, 32)
    imagenet = dataset_spec("imagenet16-120")
    assert imagenet == dataset_spec("ImageNet16-120")
    assert (imagenet.name, imagenet.num_classes, imagenet.resolution) == ("ImageNet16-120", 120, 16)
    with pytest.raises(UnknownNameError, match="ImageNet16-120"):
        dataset_spec("imagenet")


@torch.no_grad()
def test_cell_sums_node_inputs_and_none_gives_zeros() -> None:
    x = torch.randn(2, 8, 6, 6)
    # All skip: node1 = x, node2 = x + node1 = 2x, node3 = x + node1 + node2 = 4x.
    assert torch.allclose(InferCell(["skip_connect"] * 6, 8)(x), 4 * x)
    assert torch.equal(InferCell(["none"] * 6, 8)(x), torch.zeros_like(x))
    # Only the edge 3<-0 is non-zero: the cell is the identity.
    only_3_from_0 = ["none", "none", "none", "skip_connect", "none", "none"]
    assert torch.equal(InferCell(only_3_from_0, 8)(x), x)
    pool_then_skip = ["avg_pool_3x3", "none", "skip_connect", "none", "none", "skip_connect"]
    pooled = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)(x)
    assert torch.allclose(InferCell(pool_then_skip, 8)(x), pooled)


@torch.no_grad()
@pytest.mark.parametrize("dataset", ["cifar10", "cifar100", "ImageNet16-120"])
def test_forward_shapes(dataset: str) -> None:
    spec = dataset_spec(dataset)
    net = build_nasbench201_network(EXAMPLE, spec.num_classes).eval()
    logits = net(torch.randn(3, 3, spec.resolution, spec.resolution))
    assert logits.shape == (3, spec.num_classes)
    assert torch.isfinite(logits).all()


def test_macro_skeleton_matches_official_tiny_network() -> None:
    net = build_nasbench201_network(EXAMPLE, 10)
    cell_widths = [cell.out_dim for cell in net.cells]
    assert cell_widths == [16] * 5 + [32] * 6 + [64] * 6
    assert [type(cell).__name__ for cell in net.cells].count("ResNetBasicblock") == 2
    # Every BN keeps affine parameters and running statistics (the InferCell defaults).
    batch_norms = [m for m in net.modules() if isinstance(m, nn.BatchNorm2d)]
    assert batch_norms and all(bn.affine and bn.track_running_stats for bn in batch_norms)
    # Only the classifier has a bias; no conv has one.
    assert all(m.bias is None for m in net.modules() if isinstance(m, nn.Conv2d))
    assert net.classifier.bias is not None


def test_count_parameters_known_benchmark_values() -> None:
    # Benchmark extremes on CIFAR-10: 0.073306 M (no parametric op) and 1.531546 M (all 3x3).
    assert count_parameters(build_nasbench201_network(ops_to_arch_str(["none"] * 6), 10)) == 73_306
    all_conv = build_nasbench201_network(ops_to_arch_str(["nor_conv_3x3"] * 6), 10)
    assert count_parameters(all_conv) == 1_531_546
    # Running statistics are buffers, not parameters.
    assert count_parameters(nn.BatchNorm2d(7)) == 14
