"""RNN layer forward and backward: ours against torch.nn.RNN, batch 32,
50 steps, 16 inputs, 64 hidden units, float64, one thread each."""

import importlib.util

import numpy as np

from scratch.rnn import RNN


def cases():
    if importlib.util.find_spec("torch") is None:
        return
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    batch, steps, inputs, hidden = 32, 50, 16, 64
    rng = np.random.default_rng(0)
    x = rng.normal(size=(batch, steps, inputs))
    grad_output = rng.normal(size=(batch, steps, hidden))
    ours = RNN(inputs, hidden, random_state=0)
    theirs = torch.nn.RNN(inputs, hidden, batch_first=True).double()
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

    yield (
        "RNN forward+backward, batch 32, 50 steps, 16 in, 64 hidden",
        run_ours,
        run_theirs,
        2.0,
    )
