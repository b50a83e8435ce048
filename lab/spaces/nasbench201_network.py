"""NAS-Bench-201 architecture strings and a faithful PyTorch builder of the benchmark's networks.

The NAS-Bench-201 topology space (Dong & Yang, ICLR 2020) fixes a macro skeleton ("TinyNetwork")
and searches one cell, a 4-node DAG with the 6 edges ``1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2``; each
edge carries one of 5 operations, so the space holds ``5**6 = 15,625`` architectures. The official
string of a cell lists the edges node by node::

    |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|

where ``op~j`` on the ``i``-th ``+``-separated group is the edge ``i<-j``.

The modules below follow ``xautodl/models/cell_infers/tiny_network.py``, ``cells.py``
(``InferCell``) and ``cell_operations.py`` of AutoDL-Projects, which produced the benchmark's
``params`` and ``flop`` fields:

* stem: ``Conv2d(3, C, 3, padding=1, bias=False)`` + ``BatchNorm2d(C)``;
* ``N`` cells at ``C``, ``ResNetBasicblock(C, 2C, stride 2)``, ``N`` cells at ``2C``,
  ``ResNetBasicblock(2C, 4C, stride 2)``, ``N`` cells at ``4C`` (``C = 16``, ``N = 5``);
* ``BatchNorm2d(4C)`` + ReLU, global average pooling, ``Linear(4C, num_classes)``.

Every BatchNorm is ``affine=True, track_running_stats=True`` (the ``InferCell`` defaults), so
each contributes ``2 * channels`` parameters; its running statistics are buffers, not parameters.
One deliberate difference: :meth:`NASBench201Network.forward` returns the logits only, whereas the
official ``TinyNetwork.forward`` returns ``(pooled_features, logits)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from lab.errors import InputError, InvalidArchitectureError, unknown_name

#: The 5 candidate operations, in the official ``NAS_BENCH_201`` order of ``cell_operations.py``.
OPS: tuple[str, ...] = ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3")

#: The 6 cell edges as ``(to_node, from_node)``, in the order they appear in an arch string.
EDGES: tuple[tuple[int, int], ...] = ((1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2))

#: Number of cell nodes (node 0 is the cell input, node 3 its output).
NUM_NODES = 4

#: Macro-skeleton defaults of the benchmark: initial channels ``C`` and cells per stage ``N``.
DEFAULT_CHANNELS = 16
DEFAULT_CELLS_PER_STAGE = 5


@dataclass(frozen=True)
class DatasetSpec:
    """The input and output sizes the benchmark uses on one data set.

    Attributes:
        name: canonical data-set name (``cifar10``, ``cifar100`` or ``ImageNet16-120``).
        num_classes: width of the classifier's output.
        resolution: input height = width in pixels; inputs are ``(batch, 3, resolution,
            resolution)``.
    """

    name: str
    num_classes: int
    resolution: int


_DATASETS: dict[str, DatasetSpec] = {
    "cifar10": DatasetSpec("cifar10", 10, 32),
    "cifar100": DatasetSpec("cifar100", 100, 32),
    "ImageNet16-120": DatasetSpec("ImageNet16-120", 120, 16),
}
# ``cifar10-valid`` is the benchmark's train/valid split of CIFAR-10: the same network.
_DATASET_ALIASES: dict[str, str] = {
    "cifar10": "cifar10",
    "cifar10-valid": "cifar10",
    "cifar100": "cifar100",
    "imagenet16-120": "ImageNet16-120",
}


def dataset_spec(dataset: str) -> DatasetSpec:
    """Return the :class:`DatasetSpec` of ``dataset``, matched case-insensitively.

    Accepts ``cifar10`` (alias ``cifar10-valid``), ``cifar100`` and ``ImageNet16-120``.

    Raises:
        lab.errors.UnknownNameError: for any other name; the message lists the valid ones.
    """
    canonical = _DATASET_ALIASES.get(str(dataset).lower())
    if canonical is None:
        raise unknown_name("NAS-Bench-201 dataset", str(dataset), (*_DATASETS, "cifar10-valid"))
    return _DATASETS[canonical]


def parse_arch_str(arch_str: str) -> tuple[str, ...]:
    """Parse and validate an official NAS-Bench-201 architecture string.

    The string must be exactly three ``+``-separated node groups, each of the form
    ``|op~0|...|op~(i-1)|`` for node ``i`` (inputs listed in increasing order, as the official
    API writes them), with every ``op`` in :data:`OPS`. Surrounding whitespace is ignored.

    Args:
        arch_str: e.g. ``"|nor_conv_3x3~0|+|none~0|skip_connect~1|+|..."``.

    Returns:
        The 6 operation names in :data:`EDGES` order (``1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2``).

    Raises:
        InvalidArchitectureError: (a ``ValueError``) naming the offending part of the string.
    """
    if not isinstance(arch_str, str):
        raise InvalidArchitectureError(
            f"a NAS-Bench-201 architecture string must be a str, got {type(arch_str).__name__}"
        )
    text = arch_str.strip()
    groups = text.split("+")
    if len(groups) != NUM_NODES - 1:
        raise InvalidArchitectureError(
            f"NAS-Bench-201 architecture {arch_str!r} has {len(groups)} '+'-separated node "
            f"group(s); expected {NUM_NODES - 1} (nodes 1, 2, 3)"
        )
    ops: list[str] = []
    for node, group in enumerate(groups, start=1):
        if len(group) < 2 or not (group.startswith("|") and group.endswith("|")):
            raise InvalidArchitectureError(
                f"node {node} group {group!r} of NAS-Bench-201 architecture {arch_str!r} must "
                f"start and end with '|', e.g. '|nor_conv_3x3~0|'"
            )
        entries = group[1:-1].split("|")
        if len(entries) != node:
            raise InvalidArchitectureError(
                f"node {node} group {group!r} of NAS-Bench-201 architecture {arch_str!r} has "
                f"{len(entries)} edge(s); node {node} needs exactly {node} (inputs 0..{node - 1})"
            )
        for source, entry in enumerate(entries):
            ops.append(_parse_edge(entry, node, source, arch_str))
    return tuple(ops)


def _parse_edge(entry: str, node: int, source: int, arch_str: str) -> str:
    """Validate one ``op~j`` entry that must describe the edge ``node<-source``."""
    op, sep, index = entry.partition("~")
    if not sep or "~" in index:
        raise InvalidArchitectureError(
            f"edge {entry!r} of node {node} in NAS-Bench-201 architecture {arch_str!r} must have "
            f"the form 'op~{source}'"
        )
    if op not in OPS:
        raise InvalidArchitectureError(
            f"unknown operation {op!r} in edge {entry!r} of node {node} in NAS-Bench-201 "
            f"architecture {arch_str!r}; valid: {', '.join(OPS)}"
        )
    if index != str(source):
        raise InvalidArchitectureError(
            f"edge {entry!r} of node {node} in NAS-Bench-201 architecture {arch_str!r} has input "
            f"{index!r}; expected '{source}' (inputs are listed in order 0..{node - 1})"
        )
    return op


def ops_to_arch_str(ops: Sequence[str]) -> str:
    """Format 6 operation names, in :data:`EDGES` order, as the official architecture string.

    Raises:
        InvalidArchitectureError: if ``ops`` does not hold exactly 6 names from :data:`OPS`.
    """
    ops = tuple(ops)
    if len(ops) != len(EDGES):
        raise InvalidArchitectureError(
            f"a NAS-Bench-201 cell needs {len(EDGES)} operations, got {len(ops)}: {ops!r}"
        )
    for op in ops:
        if op not in OPS:
            raise InvalidArchitectureError(
                f"unknown NAS-Bench-201 operation {op!r}; valid: {', '.join(OPS)}"
            )
    groups = []
    start = 0
    for node in range(1, NUM_NODES):
        edges = "|".join(f"{op}~{source}" for source, op in enumerate(ops[start : start + node]))
        groups.append(f"|{edges}|")
        start += node
    return "+".join(groups)


def enumerate_arch_strs() -> Iterator[str]:
    """Yield all 15,625 architecture strings.

    The order is ``itertools.product(OPS, repeat=6)`` over :data:`EDGES` (the last edge varies
    fastest); it is *not* the official benchmark's index order.
    """
    for ops in itertools.product(OPS, repeat=len(EDGES)):
        yield ops_to_arch_str(ops)


class ReLUConvBN(nn.Sequential):
    """ReLU -> Conv2d (no bias) -> BatchNorm2d(affine), as the official ``ReLUConvBN``.

    Maps ``(B, c_in, H, W)`` to ``(B, c_out, H', W')`` with ``H' = (H + 2p - k) // stride + 1``.
    """

    def __init__(self, c_in: int, c_out: int, kernel_size: int, stride: int, padding: int) -> None:
        super().__init__(
            nn.ReLU(inplace=False),
            nn.Conv2d(c_in, c_out, kernel_size, stride=stride, padding=padding, bias=False),
            nn.BatchNorm2d(c_out, affine=True, track_running_stats=True),
        )


class Zero(nn.Module):
    """The ``none`` operation: zeros shaped like the input ``(B, C, H, W)``.

    Computed as ``x * 0`` like the official ``Zero`` (stride 1, ``C_in == C_out``), so a
    non-finite input still propagates NaN exactly as in the benchmark's networks.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mul(0.0)


def _make_op(op: str, channels: int) -> nn.Module:
    """Build one inference-cell edge; every edge maps ``(B, C, H, W)`` to the same shape."""
    if op == "none":
        return Zero()
    if op == "skip_connect":
        return nn.Identity()
    if op == "nor_conv_1x1":
        return ReLUConvBN(channels, channels, 1, 1, 0)
    if op == "nor_conv_3x3":
        return ReLUConvBN(channels, channels, 3, 1, 1)
    if op == "avg_pool_3x3":
        # With C_in == C_out the official POOLING has no 1x1 preprocessing conv.
        return nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False)
    raise InvalidArchitectureError(f"unknown NAS-Bench-201 operation {op!r}; valid: {OPS}")


class InferCell(nn.Module):
    """The NAS-Bench-201 inference cell at a fixed width ``channels`` and stride 1.

    Node ``i`` is the sum of ``op_{i<-j}(node_j)`` over ``j < i``; the cell returns node 3.
    Every op is evaluated, ``none`` included, as in the official ``InferCell``.
    Maps ``(B, C, H, W)`` to ``(B, C, H, W)``.
    """

    def __init__(self, ops: Sequence[str], channels: int) -> None:
        super().__init__()
        if len(ops) != len(EDGES):
            raise InvalidArchitectureError(f"a cell needs {len(EDGES)} ops, got {len(ops)}")
        self.ops = tuple(ops)
        self.edges = nn.ModuleList(_make_op(op, channels) for op in ops)
        self.in_dim = channels
        self.out_dim = channels

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        nodes = [x]
        edge = 0
        for node in range(1, NUM_NODES):
            total = self.edges[edge](nodes[0])
            for source in range(1, node):
                total = total + self.edges[edge + source](nodes[source])
            edge += node
            nodes.append(total)
        return nodes[-1]

    def extra_repr(self) -> str:
        return f"channels={self.out_dim}, arch={ops_to_arch_str(self.ops)!r}"


class ResNetBasicblock(nn.Module):
    """The stride-2 residual reduction block between stages.

    ``conv_b(conv_a(x)) + downsample(x)`` with ``conv_a`` a 3x3 stride-2 :class:`ReLUConvBN`,
    ``conv_b`` a 3x3 stride-1 one, and ``downsample = AvgPool2d(2, 2)`` then a bias-free 1x1 conv
    (no BN). Maps ``(B, c_in, H, W)`` to ``(B, c_out, H // 2, W // 2)`` for even ``H, W``.
    """

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2, 1)
        self.conv_b = ReLUConvBN(c_out, c_out, 3, 1, 1)
        self.downsample = nn.Sequential(
            nn.AvgPool2d(kernel_size=2, stride=2, padding=0),
            nn.Conv2d(c_in, c_out, kernel_size=1, stride=1, padding=0, bias=False),
        )
        self.in_dim = c_in
        self.out_dim = c_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.downsample(x) + self.conv_b(self.conv_a(x))


class NASBench201Network(nn.Module):
    """The official NAS-Bench-201 macro network ("TinyNetwork") around one searched cell.

    Maps images ``(B, 3, H, W)`` to logits ``(B, num_classes)``; ``H`` and ``W`` must be
    divisible by 4 (32 for CIFAR, 16 for ImageNet16-120 in the benchmark).
    """

    def __init__(
        self,
        ops: Sequence[str],
        num_classes: int,
        channels: int = DEFAULT_CHANNELS,
        cells_per_stage: int = DEFAULT_CELLS_PER_STAGE,
    ) -> None:
        super().__init__()
        if num_classes < 1 or channels < 1 or cells_per_stage < 0:
            raise InputError(
                f"need num_classes >= 1, channels >= 1, cells_per_stage >= 0; got "
                f"{num_classes}, {channels}, {cells_per_stage}"
            )
        self.ops = tuple(ops)
        self.stem = nn.Sequential(
            nn.Conv2d(3, channels, kernel_size=3, padding=1, bias=False),
            nn.BatchNorm2d(channels),
        )
        cells: list[nn.Module] = []
        widths = (channels, 2 * channels, 4 * channels)
        for stage, width in enumerate(widths):
            if stage > 0:
                cells.append(ResNetBasicblock(widths[stage - 1], width))
            cells.extend(InferCell(self.ops, width) for _ in range(cells_per_stage))
        self.cells = nn.ModuleList(cells)
        self.lastact = nn.Sequential(nn.BatchNorm2d(widths[-1]), nn.ReLU(inplace=True))
        self.global_pooling = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(widths[-1], num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feature = self.stem(x)
        for cell in self.cells:
            feature = cell(feature)
        pooled = self.global_pooling(self.lastact(feature)).flatten(1)
        return self.classifier(pooled)


def build_nasbench201_network(
    arch_str: str,
    num_classes: int,
    *,
    channels: int = DEFAULT_CHANNELS,
    cells_per_stage: int = DEFAULT_CELLS_PER_STAGE,
) -> NASBench201Network:
    """Build the benchmark's network for an official architecture string.

    Args:
        arch_str: official NAS-Bench-201 architecture string (see :func:`parse_arch_str`).
        num_classes: classifier width: 10 (CIFAR-10), 100 (CIFAR-100), 120 (ImageNet16-120).
        channels: width ``C`` of the first stage (benchmark: 16).
        cells_per_stage: cells ``N`` per stage (benchmark: 5).

    Returns:
        A freshly initialised module mapping ``(B, 3, H, W)`` images to ``(B, num_classes)``
        logits.

    Raises:
        InvalidArchitectureError: if ``arch_str`` is not a valid architecture string.
    """
    return NASBench201Network(
        parse_arch_str(arch_str), num_classes, channels=channels, cells_per_stage=cells_per_stage
    )


def count_parameters(module: nn.Module) -> int:
    """Number of scalar parameters of ``module`` (buffers such as BN running stats excluded).

    Divided by ``1e6`` this is the benchmark's ``params`` field ("MB" in the official API).
    """
    return sum(parameter.numel() for parameter in module.parameters())
