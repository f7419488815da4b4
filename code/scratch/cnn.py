"""Convolutional networks: ``Conv2D``, ``MaxPool2D`` and ``Flatten`` layers
and ``CNNClassifier``, a small network built from them.

Images are arrays of shape (batch, channels, height, width), as in
PyTorch, and ``Conv2D`` keeps its weights as ``W`` of shape
(out_channels, in_channels, kernel height, kernel width), the layout of
``torch.nn.Conv2d.weight``. Both passes of the convolution are one matrix
product on the "column matrix" of image windows (im2col), which NumPy's
``sliding_window_view`` builds without a Python loop. The equations are
those of the convolutional-network chapter.
"""

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .nn import (
    Dense,
    Layer,
    ReLU,
    Sequential,
    SoftmaxCrossEntropy,
    he_normal,
    train_estimator,
)
from .numerics import softmax
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    check_array,
    check_bool,
    check_is_fitted,
    check_magnitude,
    check_option,
    check_random_state,
    check_scalar,
    check_X_y,
    encode_labels,
)

# Sizes ------------------------------------------------------------------


def as_pair(value, name, low):
    """An int, or a pair of ints, as (along rows, along columns), each at
    least ``low``: the form of kernel sizes, strides and paddings."""
    pair = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(pair) != 2:
        raise ValueError(
            f"{name} must be an int or a pair of ints, got {value!r}"
        )
    for item in pair:
        check_scalar(item, name, numbers.Integral, low=low)
    return tuple(int(item) for item in pair)


def conv_output_size(size, kernel_size, stride=1, padding=0):
    """Number of positions of a window of ``kernel_size`` along an axis of
    ``size`` entries padded by ``padding`` on both ends, moved by
    ``stride``: floor((size + 2 padding - kernel_size) / stride) + 1
    (eq-cnn-output-size). Raises if the window does not fit once."""
    padded = size + 2 * padding
    if padded < kernel_size:
        raise ValueError(
            f"the image is smaller than the kernel: {size} pixels "
            f"({padded} after padding) against a kernel of {kernel_size}"
        )
    return (padded - kernel_size) // stride + 1


def receptive_field(kernel_sizes, strides):
    """Side of the input window that one output of a stack of
    convolutions and poolings depends on, and the distance in input
    pixels between neighbouring outputs (eq-cnn-receptive-field): each
    layer widens the field by (kernel - 1) times the current jump."""
    field, jump = 1, 1
    for kernel_size, stride in zip(kernel_sizes, strides):
        field += (kernel_size - 1) * jump
        jump *= stride
    return field, jump


def check_images(x, kernel_size, padding, in_channels=None):
    """A layer's input as a finite float64 4-D array (batch, channels,
    height, width) with ``in_channels`` channels, large enough after
    padding for the kernel; otherwise a ValueError naming the problem."""
    x = check_array(x, name="x", ndim=4)
    if in_channels is not None and x.shape[1] != in_channels:
        raise ValueError(
            f"x has {x.shape[1]} channel(s), but the layer "
            f"was built for in_channels={in_channels}"
        )
    for axis, name in ((0, "height"), (1, "width")):
        size = x.shape[2 + axis]
        if size + 2 * padding[axis] < kernel_size[axis]:
            raise ValueError(
                f"x is smaller than the kernel: {name} {size} "
                f"({size + 2 * padding[axis]} after padding) against a "
                f"kernel {name} of {kernel_size[axis]}"
            )
    return x


# Convolution as a matrix product ----------------------------------------


def sliding_windows(x, kernel_size, stride):
    """Every window of ``kernel_size`` in images x (n, c, h, w), moved by
    ``stride``: a view, no copy, of shape (n, c, out_h, out_w, kh, kw)
    whose window (u, v) starts at row u * stride_h, column v * stride_w
    (eq-cnn-conv)."""
    windows = sliding_window_view(x, kernel_size, axis=(2, 3))
    return windows[:, :, :: stride[0], :: stride[1]]


def im2col(x, kernel_size, stride):
    """The column matrix of eq-cnn-im2col: one column per image and
    output position, holding that window's c * kh * kw values. This is
    the large copy the convolution makes, about kh * kw times the input;
    its size is what im2col costs in memory. Returns the matrix and
    (out_h, out_w)."""
    windows = sliding_windows(x, kernel_size, stride)
    n, channels, out_h, out_w, kh, kw = windows.shape
    # (c, kh, kw, n, out_h, out_w) -> (c * kh * kw, n * out_h * out_w);
    # the last axis, out_w, stays the innermost one of the source, so
    # the copy reads memory in runs.
    cols = windows.transpose(1, 4, 5, 0, 2, 3).reshape(
        channels * kh * kw, n * out_h * out_w
    )
    return cols, (out_h, out_w)


def correlate(x, weights, stride, bias=None):
    """Cross-correlation of images x (n, c, h, w) with kernels weights
    (o, c, kh, kw) (eq-cnn-conv), computed as one matrix product of the
    flattened kernels with the column matrix (eq-cnn-im2col). Returns
    the output (n, o, out_h, out_w) and the column matrix."""
    out_channels = weights.shape[0]
    cols, (out_h, out_w) = im2col(x, weights.shape[2:], stride)
    output = weights.reshape(out_channels, -1) @ cols  # (o, n * oh * ow)
    if bias is not None:
        output += bias[:, None]
    output = output.reshape(out_channels, x.shape[0], out_h, out_w)
    return output.transpose(1, 0, 2, 3), cols  # (n, o, oh, ow)


def dilate(x, stride):
    """x (n, c, h, w) with stride - 1 zeros inserted between neighbouring
    rows and columns: the output gradient placed at the positions of the
    padded input where its windows start (eq-cnn-grad-input)."""
    n, channels, height, width = x.shape
    if stride == (1, 1):
        return x
    dilated = np.zeros(
        (
            n,
            channels,
            (height - 1) * stride[0] + 1,
            (width - 1) * stride[1] + 1,
        )
    )
    dilated[:, :, :: stride[0], :: stride[1]] = x
    return dilated


def pad_or_crop(x, rows, cols):
    """x (n, c, h, w) with ``rows`` = (top, bottom) and ``cols`` = (left,
    right) entries added as zeros where positive, removed where
    negative."""
    height, width = x.shape[2:]
    x = x[
        :,
        :,
        max(-rows[0], 0) : height - max(-rows[1], 0),
        max(-cols[0], 0) : width - max(-cols[1], 0),
    ]
    if max(rows) <= 0 and max(cols) <= 0:
        return x
    return np.pad(
        x,
        (
            (0, 0),
            (0, 0),
            (max(rows[0], 0), max(rows[1], 0)),
            (max(cols[0], 0), max(cols[1], 0)),
        ),
    )


def conv_input_gradient(grad_output, weights, stride, padding, image_size):
    """Gradient of the loss with respect to a convolution's input
    (eq-cnn-grad-input): the output gradient, dilated by the stride and
    framed by kernel - 1 - padding zeros, correlated with the kernels
    flipped in both spatial axes and with in and out channels swapped.
    That is a full convolution with the kernel, again one matrix product.
    Returns an array of shape (n, c, *image_size)."""
    kernel_size = weights.shape[2:]
    dilated = dilate(grad_output, stride)  # (n, o, (oh-1)s+1, (ow-1)s+1)
    frames = []
    for axis in (0, 1):
        before = kernel_size[axis] - 1 - padding[axis]
        # The framed gradient has image + kernel - 1 entries, so that the
        # correlation returns exactly the image's size; rows that no
        # window reached (stride not dividing the span) get zeros.
        after = (
            image_size[axis]
            + kernel_size[axis]
            - 1
            - before
            - dilated.shape[2 + axis]
        )
        frames.append((before, after))
    framed = pad_or_crop(dilated, *frames)  # (n, o, h + kh - 1, w + kw - 1)
    flipped = weights[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)  # (c, o, ..)
    grad_input, _ = correlate(framed, flipped, (1, 1))
    return grad_input


# Layers -----------------------------------------------------------------


class Conv2D(Layer):
    """Two-dimensional convolution (a cross-correlation, as in every deep
    learning library) of a batch of images with ``out_channels`` kernels
    (eq-cnn-conv), with zero padding and a stride.

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int or (int, int)
    stride : int or (int, int), default=1
    padding : int or (int, int), default=0
        Zeros added on both sides of each spatial axis.
    random_state : None, int or numpy.random.Generator, default=None
        Draws the He-initialised weights (fan_in = in_channels * kh * kw).

    Attributes
    ----------
    params : dict
        ``W`` of shape (out_channels, in_channels, kh, kw) and ``b`` of
        shape (out_channels,), as in ``torch.nn.Conv2d``.
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        *,
        random_state=None,
    ):
        super().__init__()
        check_scalar(in_channels, "in_channels", numbers.Integral, low=1)
        check_scalar(out_channels, "out_channels", numbers.Integral, low=1)
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size = as_pair(kernel_size, "kernel_size", 1)
        self.stride = as_pair(stride, "stride", 1)
        self.padding = as_pair(padding, "padding", 0)
        rng = check_random_state(random_state)
        shape = (out_channels, in_channels) + self.kernel_size
        fan_in = in_channels * self.kernel_size[0] * self.kernel_size[1]
        self.params = {
            "W": he_normal(shape, fan_in, rng),
            "b": np.zeros(out_channels),
        }
        self.grads = {
            name: np.zeros_like(value) for name, value in self.params.items()
        }

    def forward(self, x):
        """eq-cnn-conv through eq-cnn-im2col; keeps the column matrix for
        the weight gradient."""
        x = check_images(x, self.kernel_size, self.padding, self.in_channels)
        padded = pad_or_crop(x, (self.padding[0],) * 2, (self.padding[1],) * 2)
        self._image_size = x.shape[2:]
        output, self._cols = correlate(
            padded, self.params["W"], self.stride, self.params["b"]
        )
        return output  # (n, out_channels, out_h, out_w)

    def backward(self, grad_output):
        """Bias gradient: sum of the output gradient (eq-cnn-grad-bias);
        weight gradient: correlation of the input with the output
        gradient, one product with the kept column matrix
        (eq-cnn-grad-weight); input gradient: eq-cnn-grad-input."""
        weights = self.params["W"]
        # (n, o, oh, ow) -> (o, n * oh * ow), the layout of the output
        # of eq-cnn-im2col
        grad_matrix = grad_output.transpose(1, 0, 2, 3).reshape(
            self.out_channels, -1
        )
        self.grads["b"] = grad_matrix.sum(axis=1)
        self.grads["W"] = (grad_matrix @ self._cols.T).reshape(weights.shape)
        return conv_input_gradient(
            grad_output, weights, self.stride, self.padding, self._image_size
        )


class MaxPool2D(Layer):
    """Maximum over each window of ``kernel_size``, moved by ``stride``
    (eq-cnn-maxpool), channel by channel; no padding.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int, (int, int) or None, default=None
        None means the kernel size: windows that tile the image.
    """

    def __init__(self, kernel_size, stride=None):
        super().__init__()
        self.kernel_size = as_pair(kernel_size, "kernel_size", 1)
        self.stride = (
            self.kernel_size
            if stride is None
            else as_pair(stride, "stride", 1)
        )

    def forward(self, x):
        """eq-cnn-maxpool; keeps where each maximum was, in its window."""
        x = check_images(x, self.kernel_size, (0, 0))
        windows = sliding_windows(x, self.kernel_size, self.stride)
        n, channels, out_h, out_w, kh, kw = windows.shape
        flat = windows.reshape(n, channels, out_h, out_w, kh * kw)  # copy
        self._argmax = flat.argmax(axis=-1)  # (n, c, out_h, out_w)
        self._input_shape = x.shape
        return np.take_along_axis(flat, self._argmax[..., None], axis=-1)[
            ..., 0
        ]

    def backward(self, grad_output):
        """Each output's gradient goes to the input that was the maximum
        of its window, and to no other (eq-cnn-maxpool-grad); inputs that
        are the maximum of several overlapping windows sum theirs."""
        n, channels, height, width = self._input_shape
        out_h, out_w = grad_output.shape[2:]
        kw = self.kernel_size[1]
        # (n, c, out_h, out_w) row and column of each window's maximum
        rows = np.arange(out_h)[:, None] * self.stride[0] + self._argmax // kw
        cols = np.arange(out_w) * self.stride[1] + self._argmax % kw
        image = np.arange(n * channels).reshape(n, channels, 1, 1)
        flat_index = (image * height + rows) * width + cols
        grad = np.bincount(
            flat_index.ravel(),
            weights=grad_output.ravel(),
            minlength=n * channels * height * width,
        )
        return grad.reshape(self._input_shape)


class Flatten(Layer):
    """(n, c, h, w) -> (n, c * h * w), in PyTorch's order, for the dense
    layers after the convolutions; backward restores the shape."""

    def forward(self, x):
        self._input_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad_output):
        return grad_output.reshape(self._input_shape)


# The classifier ---------------------------------------------------------


def build_network(
    input_shape,
    filters,
    kernel_size,
    pool_size,
    global_pooling,
    hidden_layer_sizes,
    n_classes,
    rng,
):
    """Blocks of Conv2D ("same" padding) -> ReLU -> MaxPool2D, one per
    entry of ``filters``; with ``global_pooling``, a maximum over each
    whole remaining map; then Flatten, dense ReLU layers of
    ``hidden_layer_sizes`` and a dense layer to the class scores.
    Raises a ValueError if the images are too small for the blocks."""
    channels, height, width = input_shape
    padding = kernel_size // 2
    layers = []
    for block, out_channels in enumerate(filters):
        if min(height, width) < pool_size:
            raise ValueError(
                f"images of {input_shape[1]}x{input_shape[2]} pixels are "
                f"too small for {len(filters)} blocks with pool_size="
                f"{pool_size}: block {block + 1} gets {height}x{width}"
            )
        layers += [
            Conv2D(
                channels,
                out_channels,
                kernel_size,
                padding=padding,
                random_state=rng,
            ),
            ReLU(),
            MaxPool2D(pool_size),
        ]
        height = conv_output_size(
            conv_output_size(height, kernel_size, 1, padding),
            pool_size,
            pool_size,
        )
        width = conv_output_size(
            conv_output_size(width, kernel_size, 1, padding),
            pool_size,
            pool_size,
        )
        channels = out_channels
    if global_pooling:
        # One number per channel: where a pattern occurs is forgotten.
        layers.append(MaxPool2D((height, width)))
        height = width = 1
    layers.append(Flatten())
    features = channels * height * width
    for size in hidden_layer_sizes:
        layers += [Dense(features, size, init="he", random_state=rng), ReLU()]
        features = size
    layers.append(Dense(features, n_classes, random_state=rng))
    return Sequential(layers)


class CNNClassifier(ClassifierMixin, BaseEstimator):
    """A small convolutional network for images, trained on the softmax
    cross-entropy with mini-batches, with scikit-learn's MLPClassifier's
    training hyper-parameters.

    Each entry of ``filters`` adds a block Conv2D (``kernel_size``,
    "same" padding) -> ReLU -> MaxPool2D (``pool_size``); dense ReLU
    layers of ``hidden_layer_sizes`` and a dense layer to one score per
    class follow, after a maximum over each whole map if
    ``global_pooling``. The default suits small grey-scale images such as
    the 8x8 digits: 1 x 8 x 8 -> 16 x 4 x 4 -> 32 x 2 x 2 -> 10 scores.

    Parameters
    ----------
    filters : tuple of int, default=(16, 32)
        Output channels of each convolution block.
    kernel_size : int, default=3
        Odd, so that "same" padding keeps the image size.
    pool_size : int, default=2
    global_pooling : bool, default=False
        Take the maximum of each channel's last map as its only feature,
        which makes the scores invariant to where patterns occur.
    hidden_layer_sizes : tuple of int, default=()
    solver : {"adam", "sgd"}, default="adam"
    learning_rate_init : float, default=0.003
    batch_size : int, default=32
        Clipped to the number of samples.
    max_iter : int, default=30
        Most epochs.
    alpha : float, default=0.0001
        L2 penalty on the weights (eq-mlp-l2).
    tol : float, default=0.0001
    n_iter_no_change : int, default=5
        Stop when the training loss has not fallen by ``tol`` for more
        than this many epochs in a row.
    random_state : None, int or numpy.random.Generator, default=None
        Initial weights and the shuffling of the mini-batches.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    network_ : Sequential
        The layers; ``network_.layers[0].params["W"]`` are the first
        filters.
    input_shape_ : tuple (channels, height, width)
    n_features_in_ : int
        channels * height * width.
    loss_curve_ : list of float
        Mean training loss (penalty included) of each epoch.
    n_iter_ : int
        Epochs run.
    """

    def __init__(
        self,
        *,
        filters=(16, 32),
        kernel_size=3,
        pool_size=2,
        global_pooling=False,
        hidden_layer_sizes=(),
        solver="adam",
        learning_rate_init=0.003,
        batch_size=32,
        max_iter=30,
        alpha=0.0001,
        tol=0.0001,
        n_iter_no_change=5,
        random_state=None,
    ):
        self.filters = filters
        self.kernel_size = kernel_size
        self.pool_size = pool_size
        self.global_pooling = global_pooling
        self.hidden_layer_sizes = hidden_layer_sizes
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.alpha = alpha
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state

    def _check_params(self):
        for name in ("filters", "hidden_layer_sizes"):
            sizes = getattr(self, name)
            if not isinstance(sizes, (tuple, list)):
                raise TypeError(
                    f"{name} must be a tuple of ints, got {sizes!r}"
                )
            for size in sizes:
                check_scalar(size, name, numbers.Integral, low=1)
        check_scalar(self.kernel_size, "kernel_size", numbers.Integral, low=1)
        if self.kernel_size % 2 == 0:
            raise ValueError(
                "kernel_size must be odd, so that 'same' "
                f"padding exists, got {self.kernel_size}"
            )
        check_scalar(self.pool_size, "pool_size", numbers.Integral, low=1)
        check_bool(self.global_pooling, "global_pooling")
        check_option(self.solver, "solver", {"adam", "sgd"})
        check_scalar(
            self.learning_rate_init,
            "learning_rate_init",
            low=0.0,
            low_inclusive=False,
        )
        check_scalar(self.batch_size, "batch_size", numbers.Integral, low=1)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_scalar(self.alpha, "alpha", low=0.0)
        check_scalar(self.tol, "tol", low=0.0)
        check_scalar(
            self.n_iter_no_change, "n_iter_no_change", numbers.Integral, low=1
        )

    def fit(self, X, y):
        """Mini-batch training (alg-cnn-training) until the loss stops
        falling by ``tol`` or ``max_iter`` epochs have run."""
        self._check_params()
        # Products of weights and pixels would overflow to inf and NaN.
        X, y = check_X_y(X, y, ndim=4)
        X = check_magnitude(X)
        self.classes_, targets = encode_labels(y)
        rng = check_random_state(self.random_state)
        self.input_shape_ = X.shape[1:]
        self.n_features_in_ = int(np.prod(self.input_shape_))
        self.network_ = build_network(
            self.input_shape_,
            tuple(self.filters),
            self.kernel_size,
            self.pool_size,
            self.global_pooling,
            tuple(self.hidden_layer_sizes),
            len(self.classes_),
            rng,
        )
        train_estimator(
            self, self.network_, SoftmaxCrossEntropy(), X, targets, rng
        )
        return self

    def _check_X(self, X):
        check_is_fitted(self, "network_")
        X = check_magnitude(check_array(X, ndim=4))
        if X.shape[1:] != self.input_shape_:
            raise ValueError(
                f"X has images of shape {X.shape[1:]} "
                f"({int(np.prod(X.shape[1:]))} features), but "
                f"CNNClassifier was fitted with {self.input_shape_} "
                f"({self.n_features_in_} features)"
            )
        return X

    def decision_function(self, X, chunk_size=512):
        """Class scores (logits) of shape (n_samples, n_classes), computed
        ``chunk_size`` images at a time so that the column matrices stay
        small."""
        X = self._check_X(X)
        return np.concatenate(
            [
                self.network_.forward(X[start : start + chunk_size])
                for start in range(0, X.shape[0], chunk_size)
            ]
        )

    def predict_proba(self, X):
        """Softmax of the class scores, columns in ``classes_`` order."""
        return softmax(self.decision_function(X), axis=1)

    def predict(self, X):
        """The class with the largest score."""
        scores = self.decision_function(X)
        return self.classes_[np.argmax(scores, axis=1)]
