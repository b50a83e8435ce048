"""Where and in which precision the Bayesian-optimization tensors live, and seeded torch RNG.

The device is chosen once per algorithm (a GPU when one is present, the CPU otherwise) and every
tensor of that run is created there in float64. Torch's global random state is never left
changed: the few BoTorch calls that draw from it run inside :func:`seeded_torch`, which forks
the state, seeds it, and restores it on exit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

from lab.errors import ConfigError

#: Precision of every model and acquisition tensor.
DTYPE = torch.float64

DEVICES = ("auto", "cpu", "cuda")


def resolve_device(device: str = "auto") -> torch.device:
    """``auto`` -> ``cuda`` when a GPU is available, else ``cpu``; ``cpu``/``cuda`` as given.

    Raises:
        ConfigError: an unknown name, or ``cuda`` asked for on a machine without a GPU.
    """
    if device not in DEVICES and not device.startswith("cuda:"):
        raise ConfigError(f"device {device!r} is not one of {list(DEVICES)} (or 'cuda:<index>')")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(
            f"device {device!r} asked for, but torch sees no GPU; use 'auto' or 'cpu'"
        )
    return torch.device(device)


@contextlib.contextmanager
def seeded_torch(seed: int, device: torch.device) -> Iterator[None]:
    """Run the block with torch's RNG seeded by ``seed``, restoring the previous state after.

    ``torch.manual_seed`` seeds the CPU and every GPU, so every GPU's state is forked when the
    run is on one (a CPU run forks only the CPU state and leaves GPUs uninitialized).
    """
    devices = list(range(torch.cuda.device_count())) if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seed))
        yield
