"""Exact, vectorized parameter and FLOP counts of NAS-Bench-201 networks, without building them.

Both quantities are additive: a fixed macro skeleton (stem, two residual reduction blocks, final
BN and classifier) plus, in each of the ``3 * N`` cells, one term per edge that depends only on
the edge's operation and the stage's width ``w`` and feature-map side ``r``. Hence, for all
architectures at once, ``value = skeleton + per_op_table[op_indices].sum(axis=1)``.

Conventions (those of the official benchmark's ``get_model_infos`` in AutoDL-Projects'
``flop_benchmark.py``, which produced its ``params`` and ``flop`` fields):

* **Parameters** are the module's trainable parameters: conv weights (no conv has a bias), the
  affine ``weight`` and ``bias`` of every BatchNorm (running statistics are buffers and are not
  counted), the classifier's weight and bias. Reported in millions (``count / 1e6``), which the
  official API calls "MB".
* **FLOPs** are multiply-accumulates per image: a ``k x k`` conv costs
  ``k * k * C_in * C_out * H_out * W_out`` (none has a bias); the linear classifier costs
  ``in * out + out`` (its bias counted as one operation per output). BatchNorm, ReLU, pooling
  (3x3 in cells, 2x2 in the reduction blocks, global average), the ``none`` op and the
  element-wise additions of cells and residuals are *not* counted. Reported in millions
  (``count / 1e6``, "MFLOPs"). Every edge op is counted even where the cell's output does not
  depend on it, as the official ``InferCell`` evaluates all of them.

With these conventions the all-``none`` and all-``nor_conv_3x3`` cells give the benchmark's
extremes: CIFAR-10 0.073306 / 1.531546 M params and 7.78305 / 220.11969 MFLOPs; CIFAR-100
0.079156 / 1.537396 M and 7.7889 / 220.12554 MFLOPs; ImageNet16-120 0.080456 / 1.538696 M and
1.9534 / 55.03756 MFLOPs.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from lab.errors import InputError
from lab.spaces.nasbench201_network import (
    DEFAULT_CELLS_PER_STAGE,
    DEFAULT_CHANNELS,
    EDGES,
    OPS,
    InvalidArchitectureError,
    dataset_spec,
    parse_arch_str,
)

_OP_INDEX: dict[str, int] = {op: index for index, op in enumerate(OPS)}


@lru_cache(maxsize=32768)
def _op_indices(arch_str: str) -> tuple[int, ...]:
    """The 6 indices into :data:`OPS` of a (validated) architecture string; cached because
    callers typically evaluate the same 15,625 strings over and over."""
    return tuple(_OP_INDEX[op] for op in parse_arch_str(arch_str))


def arch_strs_to_op_indices(arch_strs: Sequence[str]) -> np.ndarray:
    """Encode architecture strings as an ``int64`` array of shape ``(n, 6)``.

    Entry ``[a, e]`` is the index into :data:`OPS` of edge ``EDGES[e]`` of architecture ``a``.

    Raises:
        TypeError: if ``arch_strs`` is a single ``str`` rather than a sequence of them.
        InvalidArchitectureError: (a ``ValueError``) naming the first invalid string's bad part.
    """
    if isinstance(arch_strs, str):
        raise TypeError("pass a sequence of architecture strings, e.g. [arch_str], not one str")
    if len(arch_strs) == 0:
        return np.zeros((0, len(EDGES)), dtype=np.int64)
    return np.array([_op_indices(arch_str) for arch_str in arch_strs], dtype=np.int64)


def _op_tables(
    num_classes: int, resolution: int, channels: int, cells_per_stage: int
) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Skeleton counts and per-op tables of one macro configuration.

    Returns:
        ``(skeleton_params, skeleton_flops, op_params, op_flops)``: the integer counts of the
        architecture-independent modules, and two ``int64`` arrays of shape ``(len(OPS),)``
        with the total cost that placing an op on one edge adds over all ``3 * N`` cells.
    """
    if resolution % 4 != 0:
        raise InputError(f"input resolution must be divisible by 4, got {resolution}")
    widths = (channels, 2 * channels, 4 * channels)
    sides = (resolution, resolution // 2, resolution // 4)

    # Stem: 3x3 conv 3 -> C at full resolution, then BN(C).
    params = 9 * 3 * channels + 2 * channels
    flops = 9 * 3 * channels * resolution**2
    # Reduction blocks: conv_a 3x3 stride 2 + BN, conv_b 3x3 + BN, downsample = 2x2 avg pool
    # then a 1x1 conv (no BN); all three convs produce the halved map.
    for stage in (1, 2):
        c_in, c_out, side = widths[stage - 1], widths[stage], sides[stage]
        weights = 9 * c_in * c_out + 9 * c_out * c_out + c_in * c_out
        params += weights + 2 * (2 * c_out)
        flops += weights * side**2
    # Final BN, then the linear classifier (weights + bias; bias counted as one op per output).
    params += 2 * widths[-1] + widths[-1] * num_classes + num_classes
    flops += widths[-1] * num_classes + num_classes

    op_params = np.zeros(len(OPS), dtype=np.int64)
    op_flops = np.zeros(len(OPS), dtype=np.int64)
    for width, side in zip(widths, sides, strict=True):
        for op, kernel_area in (("nor_conv_1x1", 1), ("nor_conv_3x3", 9)):
            # ReLU -> conv(w -> w, no bias) -> BN(w, affine): weights plus BN's gamma and beta.
            op_params[_OP_INDEX[op]] += cells_per_stage * (kernel_area * width**2 + 2 * width)
            op_flops[_OP_INDEX[op]] += cells_per_stage * kernel_area * width**2 * side**2
    return params, flops, op_params, op_flops


def op_indices_param_flop_counts(
    op_indices: np.ndarray,
    dataset: str,
    *,
    channels: int = DEFAULT_CHANNELS,
    cells_per_stage: int = DEFAULT_CELLS_PER_STAGE,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact integer parameter and FLOP counts from an op-index encoding.

    Args:
        op_indices: integer array of shape ``(n, 6)``, entries in ``0..4`` indexing :data:`OPS`,
            columns in :data:`EDGES` order (see :func:`arch_strs_to_op_indices`).
        dataset: ``cifar10`` (or ``cifar10-valid``), ``cifar100`` or ``ImageNet16-120``
            (case-insensitive); sets the classifier width and the input resolution.
        channels: first-stage width ``C`` (benchmark: 16).
        cells_per_stage: cells ``N`` per stage (benchmark: 5).

    Returns:
        ``(params, flops)``: two ``int64`` arrays of shape ``(n,)``: parameter counts and
        multiply-accumulates per image (conventions in the module docstring).

    Raises:
        InvalidArchitectureError: if ``op_indices`` has the wrong shape or out-of-range entries.
        lab.errors.UnknownNameError: for an unknown ``dataset``.
    """
    op_indices = np.asarray(op_indices)
    if op_indices.ndim != 2 or op_indices.shape[1] != len(EDGES):
        raise InvalidArchitectureError(
            f"op_indices must have shape (n, {len(EDGES)}), got {op_indices.shape}"
        )
    if op_indices.size and (
        not np.issubdtype(op_indices.dtype, np.integer)
        or op_indices.min() < 0
        or op_indices.max() >= len(OPS)
    ):
        raise InvalidArchitectureError(
            f"op_indices must be integers in 0..{len(OPS) - 1} (indices into {OPS})"
        )
    spec = dataset_spec(dataset)
    base_params, base_flops, op_params, op_flops = _op_tables(
        spec.num_classes, spec.resolution, channels, cells_per_stage
    )
    params = base_params + op_params[op_indices].sum(axis=1)
    flops = base_flops + op_flops[op_indices].sum(axis=1)
    return params.astype(np.int64), flops.astype(np.int64)


def nasbench201_param_flop_counts(
    arch_strs: Sequence[str],
    dataset: str,
    *,
    channels: int = DEFAULT_CHANNELS,
    cells_per_stage: int = DEFAULT_CELLS_PER_STAGE,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact integer parameter and FLOP counts of official architecture strings.

    Returns:
        ``(params, flops)``: two ``int64`` arrays of shape ``(len(arch_strs),)``.

    Raises:
        InvalidArchitectureError: (a ``ValueError``) for an invalid string.
        lab.errors.UnknownNameError: for an unknown ``dataset``.
    """
    return op_indices_param_flop_counts(
        arch_strs_to_op_indices(arch_strs),
        dataset,
        channels=channels,
        cells_per_stage=cells_per_stage,
    )


def nasbench201_params_flops(
    arch_strs: Sequence[str],
    dataset: str,
    *,
    channels: int = DEFAULT_CHANNELS,
    cells_per_stage: int = DEFAULT_CELLS_PER_STAGE,
) -> tuple[np.ndarray, np.ndarray]:
    """Parameters (M) and FLOPs (MFLOPs) as the benchmark's ``params`` and ``flop`` fields.

    Args:
        arch_strs: official architecture strings, e.g. all 15,625 of the space (about 0.2 s
            the first time, faster once the parsed strings are cached).
        dataset: ``cifar10`` (or ``cifar10-valid``), ``cifar100`` or ``ImageNet16-120``
            (case-insensitive).
        channels: first-stage width ``C`` (benchmark: 16).
        cells_per_stage: cells ``N`` per stage (benchmark: 5).

    Returns:
        ``(params_m, mflops)``: two ``float64`` arrays of shape ``(len(arch_strs),)``,
        parameter count / 1e6 and multiply-accumulates per image / 1e6.

    Raises:
        InvalidArchitectureError: (a ``ValueError``) for an invalid string.
        lab.errors.UnknownNameError: for an unknown ``dataset``.
    """
    params, flops = nasbench201_param_flop_counts(
        arch_strs, dataset, channels=channels, cells_per_stage=cells_per_stage
    )
    return params / 1e6, flops / 1e6
