"""Multi-layer perceptron (PyTorch): ReLU layers, Adam, mean-squared error on standardized
targets; multi-output natively. Stored as a state dict (``torch.save``) beside its JSON config.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from lab.surrogates.predictors.base import Predictor, torch_seeded
from lab.surrogates.safe_io import load_tensors, save_tensors

STATE_FILE = "mlp_state.pt"


def _network(n_in: int, n_out: int, n_hidden: int, n_layers: int):
    import torch

    layers: list[torch.nn.Module] = []
    width = n_in
    for _ in range(n_layers):
        layers += [torch.nn.Linear(width, n_hidden), torch.nn.ReLU()]
        width = n_hidden
    layers.append(torch.nn.Linear(width, n_out))
    return torch.nn.Sequential(*layers).double()


class MLPPredictor(Predictor):
    """Feed-forward network regressor.

    Args:
        n_hidden: units per hidden layer.
        n_layers: number of hidden layers.
        epochs: passes over the training data.
        batch_size: rows per gradient step.
        learning_rate: Adam step size.
        weight_decay: L2 penalty (Adam's ``weight_decay``).
        random_state: seed of the initial weights and of the batch order.
    """

    name = "mlp"

    def __init__(
        self,
        n_hidden: int = 128,
        n_layers: int = 3,
        epochs: int = 150,
        batch_size: int = 64,
        learning_rate: float = 1e-3,
        weight_decay: float = 1e-4,
        random_state: int = 0,
    ) -> None:
        self.n_hidden = n_hidden
        self.n_layers = n_layers
        self.epochs = epochs
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.random_state = random_state

    def _fit(self, X: np.ndarray, Y: np.ndarray) -> None:
        import torch

        x_mean, x_std = X.mean(axis=0), X.std(axis=0)
        y_mean, y_std = Y.mean(axis=0), Y.std(axis=0)
        # Constant columns would divide by zero; they carry no information, so scale them by 1.
        x_std, y_std = np.where(x_std > 0, x_std, 1.0), np.where(y_std > 0, y_std, 1.0)
        self.scaling_ = {"x_mean": x_mean, "x_std": x_std, "y_mean": y_mean, "y_std": y_std}
        Xt = torch.as_tensor((X - x_mean) / x_std, dtype=torch.float64)
        Yt = torch.as_tensor((Y - y_mean) / y_std, dtype=torch.float64)
        with torch_seeded(self.random_state):
            net = _network(X.shape[1], Y.shape[1], self.n_hidden, self.n_layers)
            gen = torch.Generator().manual_seed(int(self.random_state))
            opt = torch.optim.Adam(
                net.parameters(), lr=self.learning_rate, weight_decay=self.weight_decay
            )
            batch = max(1, min(self.batch_size, len(Xt)))
            for _ in range(self.epochs):
                order = torch.randperm(len(Xt), generator=gen)
                for start in range(0, len(Xt), batch):
                    idx = order[start : start + batch]
                    opt.zero_grad()
                    loss = torch.mean((net(Xt[idx]) - Yt[idx]) ** 2)
                    loss.backward()
                    opt.step()
        net.eval()
        self.network_ = net

    def _predict(self, X: np.ndarray, return_std: bool) -> tuple[np.ndarray, None]:
        import torch

        s = self.scaling_
        with torch.no_grad(), torch_seeded(self.random_state):
            out = self.network_(torch.as_tensor((X - s["x_mean"]) / s["x_std"])).numpy()
        return out * s["y_std"] + s["y_mean"], None

    def _save_state(self, directory: Path) -> None:
        import torch

        scaling = {k: torch.as_tensor(v) for k, v in self.scaling_.items()}
        save_tensors(
            {"network": self.network_.state_dict(), "scaling": scaling}, directory / STATE_FILE
        )

    def _load_state(self, directory: Path) -> None:
        state = load_tensors(directory / STATE_FILE)
        net = _network(self.n_features_in_, self.n_outputs_, self.n_hidden, self.n_layers)
        net.load_state_dict(state["network"])
        net.eval()
        self.network_ = net
        self.scaling_ = {k: v.numpy() for k, v in state["scaling"].items()}
