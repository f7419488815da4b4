"""Tests for scratch.nn, the network pieces every Part III chapter uses.

Each layer's and loss's analytic gradients are checked against central
finite differences (book/deep_learning/mlp.md, eq-mlp-central-difference),
and, where PyTorch is installed, against PyTorch's autograd; the
optimisers against PyTorch's and scikit-learn's update rules and a closed
form; the initialisers against the variances they are derived from.
"""

import numpy as np
import pytest

from scratch.nn import (
    ACTIVATIONS,
    SGD,
    Adam,
    Dense,
    Identity,
    Logistic,
    ReLU,
    Sequential,
    SoftmaxCrossEntropy,
    SquaredError,
    Tanh,
    add_l2_penalty,
    clip_gradients,
    glorot_uniform,
    he_normal,
    make_optimizer,
    minibatches,
    numerical_gradient,
    relative_error,
    train_epoch,
)

TOLERANCE = 1e-6  # largest relative error of an analytic gradient


def away_from_zero(rng, shape):
    """Inputs at least 0.1 from 0, so that no finite-difference step
    crosses the kink of ReLU."""
    values = rng.uniform(0.1, 2.0, size=shape)
    return values * rng.choice([-1.0, 1.0], size=shape)


def check_layer_gradients(layer, x, rng):
    """Compare every analytic gradient of ``layer`` (input and each
    parameter) with central differences of the scalar sum(output * G)
    for a fixed random G, whose gradient with respect to the output is G.
    """
    upstream = rng.normal(size=layer.forward(x).shape)

    def loss():
        return float(np.sum(layer.forward(x) * upstream))

    loss()
    grad_x = layer.backward(upstream).copy()
    grads = {name: grad.copy() for name, grad in layer.grads.items()}
    assert grad_x.shape == x.shape
    assert relative_error(grad_x, numerical_gradient(loss, x)) < TOLERANCE
    assert set(grads) == set(layer.params)
    for name, value in layer.params.items():
        assert grads[name].shape == value.shape
        assert (
            relative_error(grads[name], numerical_gradient(loss, value))
            < TOLERANCE
        )


# --- layers --------------------------------------------------------------


@pytest.mark.parametrize("init", ["glorot", "he"])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_eq_mlp_dense_grads_match_finite_differences(init, shape):
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, init=init, random_state=1)
    layer.params["b"][:] = rng.normal(size=3)
    check_layer_gradients(layer, rng.normal(size=shape), rng)


def test_eq_mlp_dense_forward_is_x_w_transpose_plus_b():
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, random_state=0)
    assert layer.params["W"].shape == (3, 4)  # (out, in) as in PyTorch
    x = rng.normal(size=(5, 4))
    expected = np.array(
        [
            [
                sum(row[i] * layer.params["W"][j, i] for i in range(4))
                + layer.params["b"][j]
                for j in range(3)
            ]
            for row in x
        ]
    )
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_eq_mlp_activations_grads_match_finite_differences(name):
    rng = np.random.default_rng(1)
    check_layer_gradients(
        ACTIVATIONS[name](), away_from_zero(rng, (4, 5)), rng
    )


@pytest.mark.parametrize(
    "Layer, function",
    [
        (ReLU, lambda x: np.maximum(x, 0.0)),
        (Tanh, np.tanh),
        (Logistic, lambda x: 1.0 / (1.0 + np.exp(-x))),
        (Identity, lambda x: x),
    ],
)
def test_eq_mlp_activations_forward_values(Layer, function):
    x = np.linspace(-5.0, 5.0, 41).reshape(1, -1)
    np.testing.assert_allclose(
        Layer().forward(x), function(x), rtol=1e-12, atol=1e-15
    )


def test_logistic_layer_is_stable_for_huge_inputs():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        out = Logistic().forward(np.array([[-1e4, 0.0, 1e4]]))
    np.testing.assert_allclose(out, [[0.0, 0.5, 1.0]])


def test_eq_mlp_backprop_sequential_matches_finite_differences():
    rng = np.random.default_rng(2)
    network = Sequential(
        [
            Dense(4, 5, random_state=0),
            Tanh(),
            Dense(5, 3, init="he", random_state=1),
            ReLU(),
            Dense(3, 2, random_state=2),
            Logistic(),
        ]
    )
    for params, _ in network.parameters():
        params["b"][:] = rng.normal(size=params["b"].shape)
    x = rng.normal(size=(6, 4))
    upstream = rng.normal(size=(6, 2))

    def loss():
        return float(np.sum(network.forward(x) * upstream))

    loss()
    grad_x = network.backward(upstream).copy()
    analytic = [
        {name: grad.copy() for name, grad in grads.items()}
        for _, grads in network.parameters()
    ]
    assert relative_error(grad_x, numerical_gradient(loss, x)) < TOLERANCE
    assert len(analytic) == 3
    for (params, _), grads in zip(network.parameters(), analytic):
        for name, value in params.items():
            numeric = numerical_gradient(loss, value)
            assert relative_error(grads[name], numeric) < TOLERANCE


def test_sequential_parameters_are_the_layers_own_dicts_in_order():
    first, second = Dense(3, 4, random_state=0), Dense(4, 2, random_state=1)
    network = Sequential([first, ReLU(), second])
    pairs = network.parameters()
    assert [p for p, _ in pairs] == [first.params, second.params]
    assert pairs[0][0] is first.params and pairs[1][1] is second.grads


# --- losses --------------------------------------------------------------


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4)])
def test_eq_mlp_softmax_ce_grad_matches_finite_differences(shape):
    rng = np.random.default_rng(3)
    logits = rng.normal(size=shape)
    targets = rng.integers(0, shape[-1], size=shape[:-1])
    loss = SoftmaxCrossEntropy()

    def value():
        return loss.forward(logits, targets)

    value()
    analytic = loss.backward()
    assert analytic.shape == shape
    assert (
        relative_error(analytic, numerical_gradient(value, logits)) < TOLERANCE
    )


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4)])
def test_eq_mlp_softmax_ce_value_is_mean_negative_log_probability(shape):
    rng = np.random.default_rng(4)
    logits = rng.normal(size=shape)
    targets = rng.integers(0, shape[-1], size=shape[:-1])
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(probabilities, targets[..., None], -1)
    expected = -np.mean(np.log(picked))
    assert SoftmaxCrossEntropy().forward(logits, targets) == pytest.approx(
        expected, rel=1e-12
    )


def test_eq_mlp_softmax_ce_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 1000.0]])
    loss = SoftmaxCrossEntropy()
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        value = loss.forward(logits, np.array([0, 1]))
        grad = loss.backward()
    # Sample 1: log(1 + 0) = 0; sample 2: log 2 for a tie.
    assert value == pytest.approx(np.log(2.0) / 2.0, rel=1e-12)
    np.testing.assert_allclose(
        grad, [[0.0, 0.0, 0.0], [0.0, -0.25, 0.25]], atol=1e-15
    )


@pytest.mark.parametrize("target_shape", [(5, 2), (5, 1), (5,)])
def test_eq_mlp_squared_error_grad_matches_finite_differences(target_shape):
    rng = np.random.default_rng(5)
    output_shape = (5, 2) if target_shape == (5, 2) else (5, 1)
    predictions = rng.normal(size=output_shape)
    targets = rng.normal(size=target_shape)
    loss = SquaredError()

    def value():
        return loss.forward(predictions, targets)

    expected = np.mean((predictions - targets.reshape(output_shape)) ** 2)
    assert value() == pytest.approx(expected / 2.0, rel=1e-12)
    analytic = loss.backward()
    assert (
        relative_error(analytic, numerical_gradient(value, predictions))
        < TOLERANCE
    )


def test_eq_mlp_l2_penalty_gradient_and_value():
    rng = np.random.default_rng(6)
    network = Sequential(
        [Dense(3, 4, random_state=0), Tanh(), Dense(4, 2, random_state=1)]
    )
    for params, _ in network.parameters():
        params["b"][:] = rng.normal(size=params["b"].shape)
    alpha, n_samples = 0.3, 7

    def penalty():
        saved = [dict(grads) for _, grads in network.parameters()]
        value = add_l2_penalty(network.parameters(), alpha, n_samples)
        for (_, grads), old in zip(network.parameters(), saved):
            grads.update(old)
        return value

    weights = [params["W"] for params, _ in network.parameters()]
    expected = alpha / (2 * n_samples) * sum(np.sum(w**2) for w in weights)
    assert penalty() == pytest.approx(expected, rel=1e-12)
    for _, grads in network.parameters():  # start from zero gradients
        for name in grads:
            grads[name] = np.zeros_like(grads[name])
    add_l2_penalty(network.parameters(), alpha, n_samples)
    for params, grads in network.parameters():
        for name, value in params.items():
            numeric = numerical_gradient(penalty, value)
            if name == "b":  # biases are not penalised
                assert not np.any(grads[name]) and not np.any(numeric)
            else:
                assert relative_error(grads[name], numeric) < TOLERANCE


# --- PyTorch: forward values and gradients to 1e-8 ----------------------

TORCH_ACTIVATIONS = {
    "relu": "relu",
    "tanh": "tanh",
    "logistic": "sigmoid",
    "identity": None,
}


@pytest.mark.parametrize("name", sorted(TORCH_ACTIVATIONS))
@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4)])
def test_eq_mlp_dense_and_activation_match_pytorch(name, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    dense, activation = Dense(4, 3, random_state=0), ACTIVATIONS[name]()
    dense.params["b"][:] = rng.normal(size=3)
    x = rng.normal(size=shape)
    upstream = rng.normal(size=shape[:-1] + (3,))
    out = activation.forward(dense.forward(x))
    grad_x = dense.backward(activation.backward(upstream))

    linear = torch.nn.Linear(4, 3, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.from_numpy(dense.params["W"]))
        linear.bias.copy_(torch.from_numpy(dense.params["b"]))
    x_torch = torch.from_numpy(x).requires_grad_(True)
    out_torch = linear(x_torch)
    if TORCH_ACTIVATIONS[name] is not None:
        out_torch = getattr(torch, TORCH_ACTIVATIONS[name])(out_torch)
    out_torch.backward(torch.from_numpy(upstream))
    np.testing.assert_allclose(
        out, out_torch.detach().numpy(), rtol=0, atol=1e-8
    )
    for ours, theirs in [
        (grad_x, x_torch.grad),
        (dense.grads["W"], linear.weight.grad),
        (dense.grads["b"], linear.bias.grad),
    ]:
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=0, atol=1e-8)


@pytest.mark.parametrize("shape", [(6, 4), (2, 3, 4)])
def test_eq_mlp_softmax_ce_matches_pytorch(shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    logits = 3.0 * rng.normal(size=shape)
    targets = rng.integers(0, shape[-1], size=shape[:-1])
    loss = SoftmaxCrossEntropy()
    value = loss.forward(logits, targets)
    grad = loss.backward()

    logits_torch = torch.from_numpy(logits).requires_grad_(True)
    value_torch = torch.nn.functional.cross_entropy(
        logits_torch.reshape(-1, shape[-1]),
        torch.from_numpy(targets.reshape(-1)),
    )
    value_torch.backward()
    assert abs(value - value_torch.item()) < 1e-8
    np.testing.assert_allclose(
        grad, logits_torch.grad.numpy(), rtol=0, atol=1e-8
    )


# --- optimisers ----------------------------------------------------------


def quadratic_gradient(point):
    """Gradient of 0.5 p^T A p - c^T p for a fixed positive definite A,
    so that a wrong step changes every later gradient."""
    A = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
    return A @ point - np.array([1.0, -2.0, 0.5])


def run_ours(optimizer, start, n_steps):
    params = {"W": start.copy()}
    grads = {"W": np.zeros(3)}
    path = []
    for _ in range(n_steps):
        grads["W"] = quadratic_gradient(params["W"])
        optimizer.step([(params, grads)])
        path.append(params["W"].copy())
    return np.array(path)


@pytest.mark.parametrize(
    "momentum, nesterov",
    [(0.0, False), (0.9, False), (0.9, True), (0.5, True)],
)
def test_eq_mlp_momentum_and_nesterov_match_pytorch_sgd(momentum, nesterov):
    torch = pytest.importorskip("torch")
    start = np.array([1.0, -1.0, 2.0])
    ours = run_ours(SGD(0.1, momentum=momentum, nesterov=nesterov), start, 25)
    point = torch.tensor(start, requires_grad=True)
    optimizer = torch.optim.SGD(
        [point], lr=0.1, momentum=momentum, nesterov=nesterov
    )
    theirs = []
    for _ in range(25):
        point.grad = torch.from_numpy(
            quadratic_gradient(point.detach().numpy())
        )
        optimizer.step()
        theirs.append(point.detach().numpy().copy())
    np.testing.assert_allclose(ours, np.array(theirs), rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)]
)
def test_eq_mlp_momentum_matches_the_written_out_rule(momentum, nesterov):
    """Polyak's heavy ball and Nesterov's look-ahead in their textbook
    forms, v <- mu v - eta g(p); p <- p + v, and (Sutskever et al.)
    v <- mu v - eta g(p + mu v); p <- p + v, written with the look-ahead
    point as the stored parameter."""
    learning_rate, start = 0.05, np.array([1.0, -1.0, 2.0])
    ours = run_ours(
        SGD(learning_rate, momentum=momentum, nesterov=nesterov), start, 30
    )
    velocity, point, path = np.zeros(3), start.copy(), []
    # With Nesterov, ``point`` is the true iterate theta and the
    # optimiser stores theta + mu v, where the gradient is taken.
    for _ in range(30):
        look_ahead = point + momentum * velocity if nesterov else point
        velocity = momentum * velocity - learning_rate * quadratic_gradient(
            look_ahead
        )
        point = point + velocity
        path.append(point + momentum * velocity if nesterov else point)
    np.testing.assert_allclose(ours, np.array(path), rtol=0, atol=1e-12)


def test_eq_mlp_adam_matches_scikit_learns_update_rule():
    """scikit-learn's AdamOptimizer (its documented rule): m and v moving
    averages; eta_t = eta sqrt(1 - beta2^t) / (1 - beta1^t);
    p <- p - eta_t m / (sqrt(v) + eps)."""
    learning_rate, beta_1, beta_2, epsilon = 0.01, 0.9, 0.999, 1e-8
    start = np.array([1.0, -1.0, 2.0])
    ours = run_ours(Adam(learning_rate, beta_1, beta_2, epsilon), start, 40)
    first, second, point, path = np.zeros(3), np.zeros(3), start.copy(), []
    for t in range(1, 41):
        grad = quadratic_gradient(point)
        first = beta_1 * first + (1 - beta_1) * grad
        second = beta_2 * second + (1 - beta_2) * grad**2
        step = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        point = point - step * first / (np.sqrt(second) + epsilon)
        path.append(point)
    np.testing.assert_allclose(ours, np.array(path), rtol=0, atol=1e-12)


def test_eq_mlp_adam_matches_scikit_learns_optimizer_object():
    stochastic = pytest.importorskip(
        "sklearn.neural_network._stochastic_optimizers"
    )
    start = np.array([1.0, -1.0, 2.0])
    ours = run_ours(Adam(0.01), start, 40)
    point = start.copy()
    reference = stochastic.AdamOptimizer([point], learning_rate_init=0.01)
    path = []
    for _ in range(40):
        reference.update_params([point], [quadratic_gradient(point)])
        path.append(point.copy())
    np.testing.assert_allclose(ours, np.array(path), rtol=0, atol=1e-12)


def test_eq_mlp_adam_closed_form_for_a_constant_gradient():
    """With a constant gradient g the moment estimates are exact after
    bias correction, and step t moves by eta g / (|g| + eps_t) with
    eps_t = eps / sqrt(1 - beta2^t): about eta per step, whatever the
    scale of g."""
    learning_rate, epsilon, n_steps = 0.01, 1e-3, 50
    for scale in (1e-4, 1.0, 1e4):
        gradient = scale * np.array([1.0, -2.0, 0.5])
        params, grads = {"W": np.zeros(3)}, {"W": gradient}
        adam = Adam(learning_rate, epsilon=epsilon)
        for _ in range(n_steps):
            adam.step([(params, grads)])
        t = np.arange(1, n_steps + 1)[:, None]
        eps_t = epsilon / np.sqrt(1 - 0.999**t)
        expected = -np.sum(
            learning_rate * gradient / (np.abs(gradient) + eps_t), axis=0
        )
        np.testing.assert_allclose(params["W"], expected, rtol=1e-12)


def test_sgd_without_momentum_is_gradient_descent():
    params, grads = {"W": np.array([1.0, 2.0])}, {"W": np.array([0.5, -1.0])}
    SGD(0.1).step([(params, grads)])
    np.testing.assert_allclose(params["W"], [0.95, 2.1], rtol=1e-15)


def test_make_optimizer_builds_what_the_solver_names():
    sgd = make_optimizer("sgd", 0.1, momentum=0.5, nesterov=False)
    assert isinstance(sgd, SGD) and sgd.momentum == 0.5 and not sgd.nesterov
    assert isinstance(make_optimizer("adam", 0.1), Adam)
    with pytest.raises(ValueError, match="solver"):
        make_optimizer("lbfgs", 0.1)
    with pytest.raises(ValueError, match="momentum"):
        SGD(0.1, momentum=1.0)
    with pytest.raises(ValueError, match="learning_rate"):
        Adam(0.0)


def test_optimisers_update_in_place_and_keep_state_per_parameter():
    rng = np.random.default_rng(9)
    for optimizer in (SGD(0.1, momentum=0.9), Adam(0.1)):
        first = {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=2)}
        second = {"W": rng.normal(size=(4, 2))}
        arrays = [first["W"], first["b"], second["W"]]
        grads = [
            {name: rng.normal(size=v.shape) for name, v in p.items()}
            for p in (first, second)
        ]
        optimizer.step([(first, grads[0]), (second, grads[1])])
        optimizer.step([(first, grads[0]), (second, grads[1])])
        assert first["W"] is arrays[0] and second["W"] is arrays[2]


# --- initialisation ------------------------------------------------------


def test_eq_mlp_glorot_variance():
    fan_in, fan_out = 400, 300
    weights = glorot_uniform(
        (fan_out, fan_in), fan_in, fan_out, np.random.default_rng(0)
    )
    target = 2.0 / (fan_in + fan_out)
    # Uniform weights: the sample variance has relative standard error
    # sqrt(0.8 / N); allow five of them.
    tolerance = 5 * np.sqrt(0.8 / weights.size)
    assert abs(weights.var() / target - 1.0) < tolerance
    assert abs(weights.mean()) < 5 * np.sqrt(target / weights.size)
    assert np.max(np.abs(weights)) <= np.sqrt(6.0 / (fan_in + fan_out))


def test_eq_mlp_he_variance():
    fan_in, fan_out = 400, 300
    weights = he_normal((fan_out, fan_in), fan_in, np.random.default_rng(0))
    target = 2.0 / fan_in
    # Normal weights: relative standard error sqrt(2 / N).
    tolerance = 5 * np.sqrt(2.0 / weights.size)
    assert abs(weights.var() / target - 1.0) < tolerance
    assert abs(weights.mean()) < 5 * np.sqrt(target / weights.size)


@pytest.mark.parametrize(
    "init, target", [("glorot", 2.0 / 700), ("he", 2.0 / 400)]
)
def test_dense_uses_its_initialiser_and_zero_bias(init, target):
    layer = Dense(400, 300, init=init, random_state=0)
    tolerance = 5 * np.sqrt(2.0 / layer.params["W"].size)
    assert abs(layer.params["W"].var() / target - 1.0) < tolerance
    assert not np.any(layer.params["b"])
    again = Dense(400, 300, init=init, random_state=0)
    np.testing.assert_array_equal(layer.params["W"], again.params["W"])


def test_dense_rejects_bad_settings():
    with pytest.raises(ValueError, match="init"):
        Dense(3, 2, init="uniform")
    with pytest.raises(ValueError, match="in_features"):
        Dense(0, 2)
    with pytest.raises(TypeError, match="out_features"):
        Dense(3, 2.5)


# --- mini-batches and training -------------------------------------------


@pytest.mark.parametrize(
    "n_samples, batch_size", [(10, 3), (12, 4), (5, 10), (7, 1)]
)
def test_minibatches_cover_every_index_once(n_samples, batch_size):
    batches = list(
        minibatches(n_samples, batch_size, np.random.default_rng(0))
    )
    np.testing.assert_array_equal(
        np.sort(np.concatenate(batches)), np.arange(n_samples)
    )
    sizes = [len(batch) for batch in batches]
    assert sizes[:-1] == [batch_size] * (len(sizes) - 1)
    assert len(sizes) == -(-n_samples // batch_size)


def test_minibatches_depend_only_on_the_seed():
    def order(seed):
        return np.concatenate(
            list(minibatches(50, 8, np.random.default_rng(seed)))
        )

    np.testing.assert_array_equal(order(3), order(3))
    assert not np.array_equal(order(3), order(4))
    assert not np.array_equal(order(3), np.arange(50))  # shuffled


def test_train_epoch_returns_the_mean_loss_and_steps_every_batch():
    """With a learning rate too small to move the weights noticeably,
    the epoch's loss equals the full-data loss plus the mean penalty."""
    rng = np.random.default_rng(10)
    X, targets = rng.normal(size=(30, 3)), rng.integers(0, 2, size=30)
    network = Sequential(
        [Dense(3, 4, random_state=0), Tanh(), Dense(4, 2, random_state=1)]
    )
    loss, alpha = SoftmaxCrossEntropy(), 0.5
    full = loss.forward(network.forward(X), targets)
    weights_sq = sum(np.sum(p["W"] ** 2) for p, _ in network.parameters())
    # Batches of 8, 8, 8, 6: the penalty alpha ||W||^2 / (2 n_batch),
    # weighted by n_batch / n, sums to 4 alpha ||W||^2 / (2 n).
    penalty = 4 * alpha * weights_sq / (2 * 30)
    before = network.parameters()[0][0]["W"].copy()
    epoch_loss = train_epoch(
        network,
        loss,
        SGD(1e-12),
        X,
        targets,
        8,
        np.random.default_rng(0),
        alpha=alpha,
    )
    assert epoch_loss == pytest.approx(full + penalty, rel=1e-9)
    assert not np.array_equal(before, network.parameters()[0][0]["W"])


# --- the gradient checker ------------------------------------------------


def test_eq_mlp_central_difference_on_a_known_gradient():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(3, 4))
    original = x.copy()

    def f():
        return float(np.sum(np.sin(x) * x**2))

    numeric = numerical_gradient(f, x)
    exact = np.cos(x) * x**2 + 2 * x * np.sin(x)
    assert relative_error(numeric, exact) < 1e-8
    np.testing.assert_array_equal(x, original)  # restored in place


def test_eq_mlp_central_difference_error_is_eps_squared_for_a_cubic():
    """For f = sum x^3 the central difference is exactly 3 x^2 + eps^2:
    the O(eps^2) error term, f'''/6 eps^2, in closed form."""
    x = np.array([0.5, -1.0, 2.0])
    eps = 1e-3
    numeric = numerical_gradient(lambda: float(np.sum(x**3)), x, eps=eps)
    np.testing.assert_allclose(numeric - 3 * x**2, eps**2, rtol=1e-5)


def test_numerical_gradient_needs_a_writable_float64_array():
    with pytest.raises(TypeError, match="float64"):
        numerical_gradient(lambda: 0.0, np.zeros(3, dtype=np.float32))
    with pytest.raises(TypeError, match="contiguous"):
        numerical_gradient(lambda: 0.0, np.zeros((3, 4))[:, ::2])
    with pytest.raises(TypeError, match="ndarray"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])


def test_eq_mlp_relative_error_edge_cases():
    a = np.array([1.0, -2.0, 4.0])
    assert relative_error(a, a) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(a, np.zeros(3)) == 1.0
    assert relative_error(a, a + [0.0, 0.0, 0.4]) == pytest.approx(0.4 / 4.4)
    # Scale-free: the same relative error at any scale.
    assert relative_error(1e-9 * a, 1e-9 * (a + [0.0, 0.0, 0.4])) == (
        pytest.approx(0.4 / 4.4)
    )
    assert relative_error(np.array([]), np.array([])) == 0.0


# --- gradient clipping ---------------------------------------------------


def test_clip_gradients_keeps_direction_and_caps_the_norm():
    rng = np.random.default_rng(12)
    grads = [
        {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3)},
        {"W": rng.normal(size=(2, 3))},
    ]
    parameters = [({}, g) for g in grads]
    flat = np.concatenate([g[n].ravel() for g in grads for n in g])
    norm = np.linalg.norm(flat)
    returned = clip_gradients(parameters, norm / 4)
    assert returned == pytest.approx(norm, rel=1e-12)
    clipped = np.concatenate([g[n].ravel() for g in grads for n in g])
    assert np.linalg.norm(clipped) == pytest.approx(norm / 4, rel=1e-12)
    np.testing.assert_allclose(
        clipped / np.linalg.norm(clipped), flat / norm, rtol=1e-12
    )
    # Below the cap nothing changes.
    assert clip_gradients(parameters, norm) == pytest.approx(norm / 4)
    np.testing.assert_array_equal(
        np.concatenate([g[n].ravel() for g in grads for n in g]), clipped
    )
