"""RNN layer forward and backward: ours against torch.nn.RNN, batch 32,
50 steps, 16 inputs, 64 hidden units, float64, one thread each.
``layer_cases`` serves the LSTM benchmark too."""

import importlib.util

import numpy as np

from scratch.rnn import RNN

BATCH, STEPS, INPUTS, HIDDEN = 32, 50, 16, 64


def layer_cases(name, ours, torch_class):
    """One forward and backward pass of our recurrent layer ``ours`` and
    of ``torch_class`` (a torch.nn module class with the same sizes) on
    the same input and output gradient; nothing without PyTorch."""
    if importlib.util.find_spec("torch") is None:
        return
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, STEPS, INPUTS))
    grad_output = rng.normal(size=(BATCH, STEPS, HIDDEN))
    theirs = torch_class(INPUTS, HIDDEN, batch_first=True).double()
    x_torch = torch.tensor(x, requires_grad=True)
    grad_torch = torch.from_numpy(grad_output)

    def run_ours():
        with threadpool_limits(1):
            ours.forward(x)
            ours.backward(grad_output)

    def run_theirs():
        theirs.zero_grad()
        x_torch.grad = None
        outputs, _ = theirs(x_torch)
        outputs.backward(grad_torch)

    yield name, run_ours, run_theirs, 2.0


def cases():
    if importlib.util.find_spec("torch") is None:
        return
    import torch

    yield from layer_cases(
        "RNN forward+backward, batch 32, 50 steps, 16 in, 64 hidden",
        RNN(INPUTS, HIDDEN, random_state=0),
        torch.nn.RNN,
    )
