"""Conv2D forward and backward: ours against PyTorch's, one thread each,
batch 64, 8 -> 16 channels, 16 x 16 images, 3 x 3 kernels, padding 1,
float64. Skipped where PyTorch is not installed.

Our column matrix for this shape holds 64 * 16 * 16 rows' worth of
8 * 3 * 3 values: 1,179,648 floats, 9.4 MB.
"""

import importlib.util

import numpy as np
from threadpoolctl import threadpool_limits

from scratch.cnn import Conv2D


def cases():
    if importlib.util.find_spec("torch") is None:
        return
    import torch

    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8, 16, 16))
    grad_output = rng.normal(size=(64, 16, 16, 16))
    layer = Conv2D(8, 16, 3, padding=1, random_state=0)

    module = torch.nn.Conv2d(8, 16, 3, padding=1, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.params["W"]))
        module.bias.copy_(torch.from_numpy(layer.params["b"]))
    x_torch = torch.from_numpy(x).requires_grad_()
    grad_output_torch = torch.from_numpy(grad_output)

    def ours():
        with threadpool_limits(1):
            layer.forward(x)
            layer.backward(grad_output)

    def reference():
        x_torch.grad = None
        module.zero_grad()
        module(x_torch).backward(grad_output_torch)

    yield (
        "Conv2D forward+backward 64x8x16x16, 16 3x3 filters",
        ours,
        reference,
        3.0,
    )
