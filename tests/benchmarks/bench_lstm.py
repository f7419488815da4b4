"""LSTM layer forward and backward: ours against torch.nn.LSTM, one
thread each, float64, batch 32, 50 steps, 16 inputs, 64 hidden units."""

import importlib.util

import numpy as np
from threadpoolctl import threadpool_limits

from scratch.lstm import LSTM

BATCH, STEPS, INPUTS, HIDDEN = 32, 50, 16, 64


def cases():
    if importlib.util.find_spec("torch") is None:
        return
    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, STEPS, INPUTS))
    grad_output = rng.normal(size=(BATCH, STEPS, HIDDEN))
    layer = LSTM(INPUTS, HIDDEN, random_state=0)
    module = torch.nn.LSTM(INPUTS, HIDDEN, batch_first=True).double()
    x_torch = torch.tensor(x, requires_grad=True)
    grad_torch = torch.from_numpy(grad_output)

    def ours():
        with threadpool_limits(1):
            layer.forward(x)
            layer.backward(grad_output)

    def reference():
        outputs, _ = module(x_torch)
        outputs.backward(grad_torch)

    yield ("LSTM forward+backward 32x50x16, 64 hidden", ours, reference, 2.0)
