"""LSTM layer forward and backward: ours against torch.nn.LSTM, one
thread each, float64, batch 32, 50 steps, 16 inputs, 64 hidden units:
the RNN benchmark's case with the other layer."""

import importlib.util

from bench_rnn import HIDDEN, INPUTS, layer_cases
from scratch.lstm import LSTM


def cases():
    if importlib.util.find_spec("torch") is None:
        return
    import torch

    yield from layer_cases(
        "LSTM forward+backward 32x50x16, 64 hidden",
        LSTM(INPUTS, HIDDEN, random_state=0),
        torch.nn.LSTM,
    )
