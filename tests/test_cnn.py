"""Tests for scratch.cnn, against direct loops, finite differences,
SciPy's 2-D convolutions, scikit-learn and PyTorch (where installed), and
the chapter's claims (book/deep_learning/cnn.md)."""

import itertools
import warnings

import numpy as np
import pytest
from scipy.signal import convolve2d, correlate2d
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from threadpoolctl import threadpool_limits

from scratch.cnn import (
    CNNClassifier,
    Conv2D,
    Flatten,
    MaxPool2D,
    conv_input_gradient,
    conv_output_size,
    im2col,
    receptive_field,
)
from scratch.nn import (
    Sequential,
    SoftmaxCrossEntropy,
    numerical_gradient,
    relative_error,
)
from scratch.validation import ConvergenceWarning, NotFittedError


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """The products here are small; on a busy machine one BLAS thread is
    much faster than two that wait for each other."""
    with threadpool_limits(1):
        yield


# (height, width) x kernel x stride x padding, square and not
IMAGE_SIZES = [(5, 5), (4, 7), (8, 6)]
KERNELS = [1, 2, 3, (2, 3)]
STRIDES = [1, 2, 3, (1, 2)]
PADDINGS = [0, 1, 2, (1, 0)]
GRID = list(itertools.product(IMAGE_SIZES, KERNELS, STRIDES, PADDINGS))


def pair(value):
    return value if isinstance(value, tuple) else (value, value)


def direct_conv(x, weights, bias, stride, padding):
    """The convolution of eq-cnn-conv by plain loops: every window start
    that fits inside the padded image, counted by walking, not by the
    formula under test."""
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    n, channels, height, width = x.shape
    out_channels, _, kh, kw = weights.shape
    padded = np.zeros((n, channels, height + 2 * ph, width + 2 * pw))
    padded[:, :, ph : ph + height, pw : pw + width] = x
    row_starts = range(0, padded.shape[2] - kh + 1, sh)
    col_starts = range(0, padded.shape[3] - kw + 1, sw)
    out = np.zeros((n, out_channels, len(row_starts), len(col_starts)))
    for i in range(n):
        for o in range(out_channels):
            for u, r in enumerate(row_starts):
                for v, c in enumerate(col_starts):
                    window = padded[i, :, r : r + kh, c : c + kw]
                    out[i, o, u, v] = np.sum(window * weights[o]) + bias[o]
    return out


def fits(size, kernel, padding):
    return all(
        s + 2 * p >= k for s, k, p in zip(size, pair(kernel), pair(padding))
    )


@pytest.mark.parametrize("size, kernel, stride, padding", GRID)
def test_eq_cnn_output_size_and_eq_cnn_conv_match_a_direct_loop(
    size, kernel, stride, padding
):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 2) + size)
    layer = Conv2D(2, 3, kernel, stride, padding, random_state=1)
    layer.params["b"] = rng.normal(size=3)
    if not fits(size, kernel, padding):
        with pytest.raises(ValueError, match="smaller than the kernel"):
            layer.forward(x)
        return
    expected = direct_conv(
        x, layer.params["W"], layer.params["b"], stride, padding
    )
    predicted = tuple(
        conv_output_size(s, k, t, p)
        for s, k, t, p in zip(size, pair(kernel), pair(stride), pair(padding))
    )
    assert expected.shape[2:] == predicted
    np.testing.assert_allclose(layer.forward(x), expected, atol=1e-12)


def test_eq_cnn_output_size_and_eq_cnn_conv_match_torch_on_the_grid():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for size, kernel, stride, padding in GRID:
        if not fits(size, kernel, padding):
            continue
        x = rng.normal(size=(2, 2) + size)
        layer = Conv2D(2, 3, kernel, stride, padding, random_state=1)
        expected = torch.nn.functional.conv2d(
            torch.from_numpy(x),
            torch.from_numpy(layer.params["W"]),
            torch.from_numpy(layer.params["b"]),
            stride,
            padding,
        ).numpy()
        predicted = tuple(
            conv_output_size(s, k, t, p)
            for s, k, t, p in zip(
                size, pair(kernel), pair(stride), pair(padding)
            )
        )
        assert expected.shape[2:] == predicted
        np.testing.assert_allclose(layer.forward(x), expected, atol=1e-12)


CONV_CASES = [  # (in, out, kernel, stride, padding, image size)
    (2, 3, 3, 1, 0, (5, 5)),
    (2, 3, 3, 1, 1, (5, 6)),
    (3, 2, 3, 2, 1, (7, 5)),
    (1, 2, (2, 3), (2, 1), (0, 2), (6, 5)),
    (2, 2, 2, 3, 2, (5, 7)),
    (2, 1, 1, 2, 2, (4, 3)),
]


def linear_loss(layer, x, weights_out):
    """A scalar whose gradient with respect to the layer's output is
    weights_out, so that backward(weights_out) is its gradient."""
    return lambda: float(np.sum(layer.forward(x) * weights_out))


@pytest.mark.parametrize("case", CONV_CASES)
def test_eq_cnn_grads_of_conv2d_match_finite_differences(case):
    in_channels, out_channels, kernel, stride, padding, size = case
    rng = np.random.default_rng(1)
    layer = Conv2D(
        in_channels, out_channels, kernel, stride, padding, random_state=2
    )
    layer.params["b"] = rng.normal(size=out_channels)
    x = rng.normal(size=(2, in_channels) + size)
    weights_out = rng.normal(size=layer.forward(x).shape)
    grad_x = layer.backward(weights_out)
    loss = linear_loss(layer, x, weights_out)
    assert relative_error(grad_x, numerical_gradient(loss, x)) < 1e-6
    for name in ("W", "b"):
        numeric = numerical_gradient(loss, layer.params[name])
        assert relative_error(layer.grads[name], numeric) < 1e-6


def test_eq_cnn_grad_input_is_a_full_convolution_with_the_kernel():
    # One channel in and out, stride 1, no padding: the input gradient is
    # SciPy's full convolution of the output gradient with the kernel
    # (convolution flips the kernel), the weight gradient the valid
    # correlation of the input with the output gradient.
    rng = np.random.default_rng(3)
    layer = Conv2D(1, 1, (3, 2), random_state=0)
    x = rng.normal(size=(1, 1, 6, 5))
    grad_output = rng.normal(size=layer.forward(x).shape)
    grad_x = layer.backward(grad_output)
    kernel = layer.params["W"][0, 0]
    np.testing.assert_allclose(
        grad_x[0, 0],
        convolve2d(grad_output[0, 0], kernel, mode="full"),
        atol=1e-12,
    )
    np.testing.assert_allclose(
        layer.grads["W"][0, 0],
        correlate2d(x[0, 0], grad_output[0, 0], mode="valid"),
        atol=1e-12,
    )


def test_conv_input_gradient_sums_over_output_channels():
    rng = np.random.default_rng(4)
    weights = rng.normal(size=(3, 2, 3, 3))
    grad_output = rng.normal(size=(1, 3, 4, 4))
    grad_x = conv_input_gradient(grad_output, weights, (1, 1), (0, 0), (6, 6))
    for channel in range(2):
        expected = sum(
            convolve2d(grad_output[0, o], weights[o, channel], mode="full")
            for o in range(3)
        )
        np.testing.assert_allclose(grad_x[0, channel], expected, atol=1e-12)


POOL_CASES = [
    (2, None, (6, 6)),
    (2, None, (5, 7)),
    (3, 1, (5, 6)),
    (3, 2, (7, 7)),
    ((2, 3), (1, 2), (5, 7)),
]


@pytest.mark.parametrize("kernel, stride, size", POOL_CASES)
def test_eq_cnn_maxpool_grad_matches_finite_differences(kernel, stride, size):
    rng = np.random.default_rng(5)
    layer = MaxPool2D(kernel, stride)
    x = rng.normal(size=(2, 3) + size)  # distinct values: no ties
    weights_out = rng.normal(size=layer.forward(x).shape)
    grad_x = layer.backward(weights_out)
    numeric = numerical_gradient(linear_loss(layer, x, weights_out), x)
    assert relative_error(grad_x, numeric) < 1e-6


@pytest.mark.parametrize("kernel, stride, size", POOL_CASES)
def test_eq_cnn_maxpool_is_the_window_maximum(kernel, stride, size):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(2, 2) + size)
    (kh, kw) = pair(kernel)
    (sh, sw) = pair(kernel if stride is None else stride)
    out = MaxPool2D(kernel, stride).forward(x)
    for u, v in itertools.product(range(out.shape[2]), range(out.shape[3])):
        window = x[:, :, u * sh : u * sh + kh, v * sw : v * sw + kw]
        np.testing.assert_array_equal(out[:, :, u, v], window.max(axis=(2, 3)))


def test_eq_cnn_maxpool_grad_routes_everything_to_the_argmax():
    x = np.array([[[[1.0, 5.0], [2.0, 3.0]]]])
    layer = MaxPool2D(2)
    assert layer.forward(x).item() == 5.0
    np.testing.assert_array_equal(
        layer.backward(np.array([[[[7.0]]]])), [[[[0.0, 7.0], [0.0, 0.0]]]]
    )


def test_flatten_keeps_torchs_order_and_round_trips():
    x = np.arange(24.0).reshape(2, 3, 2, 2)
    layer = Flatten()
    flat = layer.forward(x)
    np.testing.assert_array_equal(flat[1], np.arange(12.0, 24.0))
    np.testing.assert_array_equal(layer.backward(flat), x)


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_values_and_every_gradient_match_torch(case):
    torch = pytest.importorskip("torch")
    in_channels, out_channels, kernel, stride, padding, size = case
    rng = np.random.default_rng(7)
    layer = Conv2D(
        in_channels, out_channels, kernel, stride, padding, random_state=3
    )
    layer.params["b"] = rng.normal(size=out_channels)
    x = rng.normal(size=(3, in_channels) + size)
    output = layer.forward(x)
    grad_output = rng.normal(size=output.shape)
    grad_x = layer.backward(grad_output)

    module = torch.nn.Conv2d(
        in_channels, out_channels, kernel, stride, padding, dtype=torch.float64
    )
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.params["W"]))
        module.bias.copy_(torch.from_numpy(layer.params["b"]))
    x_torch = torch.from_numpy(x).requires_grad_()
    output_torch = module(x_torch)
    output_torch.backward(torch.from_numpy(grad_output))
    np.testing.assert_allclose(
        output, output_torch.detach().numpy(), atol=1e-8
    )
    np.testing.assert_allclose(grad_x, x_torch.grad.numpy(), atol=1e-8)
    np.testing.assert_allclose(
        layer.grads["W"], module.weight.grad.numpy(), atol=1e-8
    )
    np.testing.assert_allclose(
        layer.grads["b"], module.bias.grad.numpy(), atol=1e-8
    )


@pytest.mark.parametrize("kernel, stride, size", POOL_CASES)
def test_maxpool2d_values_and_gradient_match_torch(kernel, stride, size):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x = rng.normal(size=(2, 3) + size)
    layer = MaxPool2D(kernel, stride)
    output = layer.forward(x)
    grad_output = rng.normal(size=output.shape)
    grad_x = layer.backward(grad_output)
    x_torch = torch.from_numpy(x).requires_grad_()
    output_torch = torch.nn.functional.max_pool2d(x_torch, kernel, stride)
    output_torch.backward(torch.from_numpy(grad_output))
    np.testing.assert_allclose(
        output, output_torch.detach().numpy(), atol=1e-8
    )
    np.testing.assert_allclose(grad_x, x_torch.grad.numpy(), atol=1e-8)


def test_im2col_memory_is_n_positions_times_window_size_floats():
    x = np.zeros((64, 8, 18, 18))  # a 16 x 16 image padded by 1
    cols, (out_h, out_w) = im2col(x, (3, 3), (1, 1))
    assert (out_h, out_w) == (16, 16)
    assert cols.nbytes == 8 * (64 * 16 * 16) * (8 * 3 * 3)


@pytest.mark.parametrize(
    "kernels, strides",
    [
        ([3, 3], [1, 1]),
        ([3, 3], [2, 1]),
        ([5, 3, 3], [1, 2, 1]),
        ([2, 3], [2, 1]),
    ],
)
def test_eq_cnn_receptive_field_is_the_input_gradients_support(
    kernels, strides
):
    # Linear convolutions with random weights: one output's gradient is
    # non-zero exactly on its receptive field.
    layers = [
        Conv2D(1, 1, k, s, random_state=i)
        for i, (k, s) in enumerate(zip(kernels, strides))
    ]
    network = Sequential(layers)
    x = np.zeros((1, 1, 24, 24))
    output = network.forward(x)
    grad_output = np.zeros_like(output)
    grad_output[0, 0, 1, 1] = 1.0
    support = np.abs(network.backward(grad_output)[0, 0]) > 0
    rows, cols = np.nonzero(support)
    field, jump = receptive_field(kernels, strides)
    assert rows.max() - rows.min() + 1 == field
    assert cols.max() - cols.min() + 1 == field
    assert rows.min() == jump  # output 1 starts one jump into the image


def small_images(n=60, seed=0):
    """Bright top half versus bright bottom half, with noise: a task the
    CNN learns in a few epochs."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(0.0, 0.3, size=(n, 1, 6, 6))
    X[y == 0, :, :3] += 1.0
    X[y == 1, :, 3:] += 1.0
    return X, y


def test_whole_network_gradient_matches_finite_differences():
    X, y = small_images(8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = CNNClassifier(
            filters=(2, 3), hidden_layer_sizes=(4,), max_iter=2, random_state=0
        ).fit(X, y)
    network, loss = model.network_, SoftmaxCrossEntropy()

    def objective():
        return loss.forward(network.forward(X), y)

    objective()
    network.backward(loss.backward())
    for params, grads in network.parameters():
        for name in params:
            numeric = numerical_gradient(objective, params[name])
            assert relative_error(grads[name], numeric) < 1e-6


@pytest.mark.filterwarnings("ignore::scratch.validation.ConvergenceWarning")
def test_fit_learns_and_accepts_any_labels():
    X, y = small_images(80)
    names = np.array(["top", "bottom"])[y]
    model = CNNClassifier(
        filters=(4,), max_iter=20, learning_rate_init=0.01, random_state=0
    ).fit(X, names)
    np.testing.assert_array_equal(model.classes_, ["bottom", "top"])
    assert model.score(X, names) > 0.95
    probabilities = model.predict_proba(X)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert model.loss_curve_[-1] < model.loss_curve_[0]
    assert model.n_iter_ == len(model.loss_curve_)
    assert model.input_shape_ == (1, 6, 6) and model.n_features_in_ == 36


@pytest.mark.filterwarnings("ignore::scratch.validation.ConvergenceWarning")
def test_same_random_state_gives_the_same_model():
    X, y = small_images(40)
    first = CNNClassifier(filters=(4,), max_iter=3, random_state=5).fit(X, y)
    second = CNNClassifier(filters=(4,), max_iter=3, random_state=5).fit(X, y)
    np.testing.assert_array_equal(
        first.decision_function(X), second.decision_function(X)
    )
    assert first.loss_curve_ == second.loss_curve_


def test_stopping_rule_counts_epochs_as_sklearns_mlp_does():
    # With a huge tol no epoch counts as progress, so both stop after the
    # first epoch plus n_iter_no_change + 1 epochs without progress.
    X, y = small_images(40)
    for patience in (1, 3):
        ours = CNNClassifier(
            filters=(2,),
            tol=1e9,
            n_iter_no_change=patience,
            max_iter=50,
            random_state=0,
        ).fit(X, y)
        theirs = SkMLPClassifier(
            tol=1e9, n_iter_no_change=patience, max_iter=50, random_state=0
        ).fit(X.reshape(len(X), -1), y)
        assert ours.n_iter_ == theirs.n_iter_


@pytest.mark.filterwarnings("ignore::scratch.validation.ConvergenceWarning")
def test_global_pooling_is_invariant_to_shifts_by_the_total_stride():
    # On a zero background, "same" convolutions and ReLU move with the
    # pattern; two 2 x 2 poolings do too for shifts by multiples of 4;
    # the maximum over the whole map then does not see the shift.
    rng = np.random.default_rng(9)
    canvas = np.zeros((20, 1, 24, 24))
    canvas[:, :, 8:12, 8:12] = rng.normal(size=(20, 1, 4, 4))
    model = CNNClassifier(global_pooling=True, max_iter=2, random_state=0).fit(
        canvas, np.arange(20) % 2
    )
    assert model.network_.layers[-3].kernel_size == (6, 6)  # 24 / 2 / 2
    # Far enough from the borders, where the zero padding of the second
    # convolution differs from its input's background.
    moved = np.roll(canvas, (4, 4), axis=(2, 3))
    np.testing.assert_allclose(
        model.decision_function(moved),
        model.decision_function(canvas),
        atol=1e-12,
    )


def test_max_iter_before_the_loss_settles_warns():
    X, y = small_images(40)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        CNNClassifier(filters=(2,), max_iter=2, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, stratify=y, random_state=0
    )
    return X_train, X_test, y_train, y_test


def shift_images(images, pixels, axis):
    """Images moved by ``pixels`` along ``axis`` (2 rows, 3 columns),
    the pixels that come in set to zero."""
    shifted = np.roll(images, pixels, axis=axis)
    index = [slice(None)] * 4
    index[axis] = slice(0, pixels) if pixels > 0 else slice(pixels, None)
    shifted[tuple(index)] = 0.0
    return shifted


def test_cnn_reaches_98_percent_on_digits_and_beats_an_mlp_when_shifted(
    digits_split,
):
    X_train, X_test, y_train, y_test = digits_split
    images_train = X_train.reshape(-1, 1, 8, 8)
    images_test = X_test.reshape(-1, 1, 8, 8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cnn = CNNClassifier(random_state=0).fit(images_train, y_train)
        mlp = SkMLPClassifier(
            hidden_layer_sizes=(81,),
            batch_size=32,
            learning_rate_init=0.003,
            max_iter=cnn.n_iter_,
            random_state=0,
        ).fit(X_train, y_train)
    assert cnn.score(images_test, y_test) >= 0.98
    for pixels, axis in [(1, 2), (-1, 2), (1, 3), (-1, 3)]:
        shifted = shift_images(images_test, pixels, axis)
        assert cnn.score(shifted, y_test) > mlp.score(
            shifted.reshape(len(shifted), -1), y_test
        )


# Bad input ---------------------------------------------------------------


def test_layers_reject_bad_input_clearly():
    conv = Conv2D(2, 3, 3)
    with pytest.raises(ValueError, match="4-D"):
        conv.forward(np.zeros((2, 5, 5)))
    with pytest.raises(ValueError, match="channel"):
        conv.forward(np.zeros((1, 3, 5, 5)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        conv.forward(np.zeros((1, 2, 2, 5)))
    x = np.zeros((1, 2, 5, 5))
    x[0, 1, 2, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        conv.forward(x)
    with pytest.raises(ValueError, match="smaller than the kernel"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 4)))
    with pytest.raises(ValueError, match="4-D"):
        MaxPool2D(2).forward(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        conv_output_size(2, 5, 1, 1)


@pytest.mark.parametrize(
    "settings, error",
    [
        ({"in_channels": 0}, ValueError),
        ({"kernel_size": (3, 0)}, ValueError),
        ({"stride": 0}, ValueError),
        ({"padding": -1}, ValueError),
        ({"kernel_size": (1, 2, 3)}, ValueError),
        ({"kernel_size": 2.5}, TypeError),
    ],
)
def test_conv2d_rejects_bad_settings(settings, error):
    arguments = {
        "in_channels": 1,
        "out_channels": 2,
        "kernel_size": 3,
        **settings,
    }
    with pytest.raises(error):
        Conv2D(**arguments)


def test_classifier_rejects_bad_input_clearly():
    X, y = small_images(20)
    model = CNNClassifier(max_iter=1)
    with pytest.raises(NotFittedError):
        model.predict(X)
    with pytest.raises(ValueError, match="4-D"):
        model.fit(X.reshape(20, -1), y)
    X_nan = X.copy()
    X_nan[3, 0, 1, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.fit(X_nan, y)
    with pytest.raises(TypeError, match="numbers"):
        model.fit(np.full((2, 1, 6, 6), "a"), [0, 1])
    with pytest.raises(ValueError, match="sample"):
        model.fit(np.zeros((0, 1, 6, 6)), [])
    with pytest.raises(ValueError, match="length"):
        model.fit(X, y[:-1])
    with pytest.raises(ValueError, match="too small"):
        model.fit(np.zeros((4, 1, 3, 3)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="overflow"):
        model.fit(X * 1e300, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    with pytest.raises(ValueError, match="feature"):
        model.predict(np.zeros((2, 2, 6, 6)))
    with pytest.raises(ValueError, match="feature"):
        model.predict(np.zeros((2, 1, 6, 5)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.predict(X_nan)


@pytest.mark.parametrize(
    "settings",
    [
        {"filters": 8},
        {"filters": (8, 0)},
        {"kernel_size": 2},
        {"pool_size": 0},
        {"solver": "lbfgs"},
        {"learning_rate_init": 0.0},
        {"batch_size": 0},
        {"max_iter": 0},
        {"alpha": -1.0},
        {"tol": -1.0},
        {"n_iter_no_change": 0},
        {"hidden_layer_sizes": (0,)},
        {"global_pooling": "yes"},
    ],
)
def test_classifier_rejects_bad_hyper_parameters_at_fit(settings):
    X, y = small_images(10)
    model = CNNClassifier(**settings)  # stored unchecked, as in sklearn
    for name, value in settings.items():
        assert getattr(model, name) is value
    with pytest.raises((ValueError, TypeError)):
        model.fit(X, y)
