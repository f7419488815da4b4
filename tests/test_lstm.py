"""Tests of the LSTM layer and the LSTM models.

The layer's gradients are checked against central finite differences and,
where PyTorch is installed, everything is checked against
``torch.nn.LSTM`` with the same weights. The models are checked on tasks
whose answer is known: the adding problem, a periodic string.
"""

import warnings

import numpy as np
import pytest

from scratch.lstm import LSTM, LSTMClassifier, LSTMLanguageModel, LSTMRegressor
from scratch.nn import SquaredError, numerical_gradient, relative_error
from scratch.validation import ConvergenceWarning, NotFittedError

PARAMETERS = ("W_ih", "W_hh", "b_ih", "b_hh")
BATCH, STEPS, INPUTS, HIDDEN = 2, 6, 3, 4


@pytest.fixture
def setting():
    """A small layer, sequences, an initial state and a random weighting
    of the outputs, so that loss = sum(weights * outputs) has a gradient
    that reaches every hidden state."""
    rng = np.random.default_rng(0)
    layer = LSTM(INPUTS, HIDDEN, random_state=1)
    # Larger weights than the default put the gates away from 1/2, where
    # an error in a derivative would be hidden by symmetry.
    for name in PARAMETERS:
        layer.params[name] *= 3.0
    x = rng.normal(size=(BATCH, STEPS, INPUTS))
    h0 = rng.normal(size=(BATCH, HIDDEN))
    c0 = rng.normal(size=(BATCH, HIDDEN))
    weights = rng.normal(size=(BATCH, STEPS, HIDDEN))
    return layer, x, h0, c0, weights


def analytic_gradients(layer, x, h0, c0, weights):
    layer.forward(x, (h0, c0))
    grad_x = layer.backward(weights)
    grad_h0, grad_c0 = layer.grad_initial_state
    return grad_x, grad_h0, grad_c0


def test_eq_lstm_grad_params_match_finite_differences(setting):
    layer, x, h0, c0, weights = setting
    analytic_gradients(layer, x, h0, c0, weights)
    analytic = {name: layer.grads[name].copy() for name in PARAMETERS}

    def loss():
        return np.sum(weights * layer.forward(x, (h0, c0)))

    for name in PARAMETERS:
        numeric = numerical_gradient(loss, layer.params[name])
        assert relative_error(analytic[name], numeric) < 1e-6, name


def test_eq_lstm_grad_hidden_inputs_and_state_match_finite_differences(
    setting,
):
    layer, x, h0, c0, weights = setting
    grad_x, grad_h0, grad_c0 = analytic_gradients(layer, x, h0, c0, weights)

    def loss():
        return np.sum(weights * layer.forward(x, (h0, c0)))

    for analytic, array in ((grad_x, x), (grad_h0, h0), (grad_c0, c0)):
        numeric = numerical_gradient(loss, array)
        assert relative_error(analytic, numeric) < 1e-6


def test_eq_lstm_cell_closed_form_with_constant_gates():
    """With zero weights the gates are constants set by the biases, and
    c_t = f c_{t-1} + i g sums to a geometric series."""
    layer = LSTM(2, 3, random_state=0)
    layer.params["W_ih"][:] = 0.0
    layer.params["W_hh"][:] = 0.0
    layer.params["b_hh"][:] = 0.0
    bias = np.array([0.3, 1.5, -0.4, 0.8])  # input, forget, cell, output
    layer.params["b_ih"][:] = np.repeat(bias, 3)
    i, f, o = (1 / (1 + np.exp(-bias[k])) for k in (0, 1, 3))
    g = np.tanh(bias[2])
    c0 = np.array([[0.5, -1.0, 2.0]])
    steps = 9
    outputs = layer.forward(np.ones((1, steps, 2)), (np.zeros((1, 3)), c0))
    t = np.arange(1, steps + 1)[:, None]
    expected_c = f**t * c0 + i * g * (1 - f**t) / (1 - f)
    np.testing.assert_allclose(outputs[0], o * np.tanh(expected_c), rtol=1e-12)
    np.testing.assert_allclose(
        layer.final_state[1], expected_c[-1:], rtol=1e-12
    )


def test_final_state_carries_a_split_sequence_on(setting):
    """Running the two halves of a sequence, the second from the first's
    final (h, c), gives the states of one run over the whole."""
    layer, x, h0, c0, _ = setting
    whole = layer.forward(x, (h0, c0))
    whole_final = layer.final_state
    first = layer.forward(x[:, :3], (h0, c0))
    second = layer.forward(x[:, 3:], layer.final_state)
    np.testing.assert_allclose(
        np.concatenate([first, second], axis=1), whole, rtol=1e-13, atol=1e-15
    )
    for carried, direct in zip(layer.final_state, whole_final):
        np.testing.assert_allclose(carried, direct, rtol=1e-13)
    np.testing.assert_array_equal(whole[:, -1], whole_final[0])


def test_zero_initial_state_is_the_default(setting):
    layer, x, _, _, _ = setting
    zeros = np.zeros((BATCH, HIDDEN))
    np.testing.assert_array_equal(
        layer.forward(x), layer.forward(x, (zeros, zeros))
    )


def test_init_is_uniform_within_one_over_root_hidden_and_seeded():
    layer = LSTM(5, 16, random_state=0)
    again = LSTM(5, 16, random_state=0)
    for name, shape in (
        ("W_ih", (64, 5)),
        ("W_hh", (64, 16)),
        ("b_ih", (64,)),
        ("b_hh", (64,)),
    ):
        value = layer.params[name]
        assert value.shape == shape == layer.grads[name].shape
        assert np.all(np.abs(value) <= 0.25)
        np.testing.assert_array_equal(value, again.params[name])


def test_gates_saturate_without_overflow():
    """Huge pre-activations give gates of exactly 0 or 1 and finite
    states, with no overflow warning: eq-lstm-sigmoid-tanh never
    exponentiates."""
    layer = LSTM(1, 2, random_state=0)
    layer.params["W_ih"][:] = 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        outputs = layer.forward(np.array([[[1.0], [-1.0], [1.0]]]))
        layer.backward(np.ones_like(outputs))
    assert np.all(np.isfinite(outputs))
    assert np.all(np.abs(outputs) <= 1.0)
    gates = np.delete(layer._gates, 2, axis=2)  # the three sigmoid gates
    assert np.all((gates == 0.0) | (gates == 1.0))


@pytest.mark.parametrize(
    "x, message",
    [
        (np.zeros((4, 3)), "3-D"),
        (np.zeros((2, 5, 4)), "input_size"),
        (np.zeros((2, 0, 3)), "length zero"),
        (np.full((2, 5, 3), np.nan), "NaN or infinity"),
    ],
)
def test_bad_input_raises(x, message):
    with pytest.raises(ValueError, match=message):
        LSTM(3, 4, random_state=0).forward(x)


@pytest.mark.parametrize(
    "state, message",
    [
        (np.zeros((2, 4)), "tuple"),
        ((np.zeros((2, 4)),), "tuple"),
        ((np.zeros((2, 5)), np.zeros((2, 4))), "h0 must have shape"),
        ((np.zeros((2, 4)), np.zeros((3, 4))), "c0 must have shape"),
        ((np.zeros((2, 4)), np.full((2, 4), np.inf)), "NaN or infinity"),
    ],
)
def test_bad_initial_state_raises(state, message):
    with pytest.raises(ValueError, match=message):
        LSTM(3, 4, random_state=0).forward(np.zeros((2, 5, 3)), state)


@pytest.mark.parametrize("size", ["input_size", "hidden_size"])
def test_bad_sizes_raise(size):
    sizes = {"input_size": 3, "hidden_size": 4}
    with pytest.raises(ValueError, match=size):
        LSTM(**{**sizes, size: 0})
    with pytest.raises(TypeError, match=size):
        LSTM(**{**sizes, size: 2.5})


# PyTorch ----------------------------------------------------------------


def torch_lstm(torch, layer):
    """torch.nn.LSTM in float64 holding the layer's weights."""
    module = torch.nn.LSTM(
        layer.input_size, layer.hidden_size, batch_first=True
    ).double()
    with torch.no_grad():
        for name in PARAMETERS:
            kind, which = name.split("_")
            torch_name = {"W": "weight", "b": "bias"}[kind]
            getattr(module, f"{torch_name}_{which}_l0").copy_(
                torch.from_numpy(layer.params[name])
            )
    return module


def test_forward_and_every_gradient_match_pytorch(setting):
    torch = pytest.importorskip("torch")
    layer, x, h0, c0, weights = setting
    outputs = layer.forward(x, (h0, c0))
    grad_x = layer.backward(weights)
    module = torch_lstm(torch, layer)
    x_t = torch.tensor(x, requires_grad=True)
    h0_t = torch.tensor(h0[None], requires_grad=True)
    c0_t = torch.tensor(c0[None], requires_grad=True)
    outputs_t, (h_t, c_t) = module(x_t, (h0_t, c0_t))
    (outputs_t * torch.from_numpy(weights)).sum().backward()
    pairs = [
        (outputs, outputs_t),
        (layer.final_state[0], h_t[0]),
        (layer.final_state[1], c_t[0]),
        (grad_x, x_t.grad),
        (layer.grad_initial_state[0], h0_t.grad[0]),
        (layer.grad_initial_state[1], c0_t.grad[0]),
    ]
    for name in PARAMETERS:
        kind, which = name.split("_")
        torch_name = {"W": "weight", "b": "bias"}[kind]
        parameter = getattr(module, f"{torch_name}_{which}_l0")
        pairs.append((layer.grads[name], parameter.grad))
    for ours, theirs in pairs:
        np.testing.assert_allclose(
            ours, theirs.detach().numpy(), rtol=0, atol=1e-8
        )


def test_long_sequence_matches_pytorch():
    """Two hundred steps at PyTorch's initialisation: no drift builds up
    over a long recurrence."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    layer = LSTM(3, 8, random_state=2)
    x = rng.normal(size=(4, 200, 3))
    weights = rng.normal(size=(4, 200, 8))
    outputs = layer.forward(x)
    grad_x = layer.backward(weights)
    module = torch_lstm(torch, layer)
    x_t = torch.tensor(x, requires_grad=True)
    outputs_t, _ = module(x_t)
    (outputs_t * torch.from_numpy(weights)).sum().backward()
    np.testing.assert_allclose(
        outputs, outputs_t.detach().numpy(), rtol=0, atol=1e-8
    )
    np.testing.assert_allclose(grad_x, x_t.grad.numpy(), rtol=0, atol=1e-8)
    np.testing.assert_allclose(
        layer.grads["W_hh"],
        module.weight_hh_l0.grad.numpy(),
        rtol=0,
        atol=1e-8,
    )


# Models -----------------------------------------------------------------


def adding_problem(n_samples, length, rng):
    """(value, marker) sequences; the target is the sum of the two marked
    values."""
    values = rng.uniform(size=(n_samples, length))
    rows = np.arange(n_samples)
    first = rng.integers(0, length // 2, size=n_samples)
    second = rng.integers(length // 2, length, size=n_samples)
    markers = np.zeros((n_samples, length))
    markers[rows, first] = markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=2)
    return X, values[rows, first] + values[rows, second]


def test_regressor_learns_the_adding_problem_at_a_short_lag():
    rng = np.random.default_rng(0)
    X, y = adding_problem(600, 6, rng)
    X_test, y_test = adding_problem(300, 6, rng)
    model = LSTMRegressor(
        hidden_size=8,
        learning_rate_init=0.03,
        max_iter=40,
        n_iter_no_change=40,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    # The trivial predictor (the training mean) is the yardstick.
    trivial = np.mean((y_test - y.mean()) ** 2)
    error = np.mean((model.predict(X_test) - y_test) ** 2)
    assert error < 0.1 * trivial
    assert model.score(X_test, y_test) > 0.9
    assert isinstance(model.network_.layers[0], LSTM)
    assert model.n_features_in_ == 2
    assert len(model.loss_curve_) == model.n_iter_


def test_classifier_accepts_any_labels_and_gives_them_back():
    """The label is the sign of the first of five noisy steps, given as
    strings; predictions and classes_ come back as those strings."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(400, 5, 1))
    labels = np.where(X[:, 0, 0] > 0, "up", "down")
    model = LSTMClassifier(
        hidden_size=8, learning_rate_init=0.03, max_iter=30, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[:300], labels[:300])
    assert list(model.classes_) == ["down", "up"]
    assert set(model.predict(X[300:])) <= {"down", "up"}
    assert model.score(X[300:], labels[300:]) > 0.9
    probabilities = model.predict_proba(X[300:])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_language_model_learns_a_periodic_string():
    """After "ab" comes "c", always: a model that has learnt the period
    continues it exactly and scores close to zero nats per character."""
    text = "abcd" * 150
    model = LSTMLanguageModel(
        hidden_size=16,
        seq_length=12,
        batch_size=8,
        learning_rate_init=0.05,
        max_iter=15,
        random_state=0,
    ).fit(text)
    assert model.vocabulary_ == ["a", "b", "c", "d"]
    assert model.loss_curve_[-1] < 0.1 < model.loss_curve_[0]
    assert model.score("abcdabcdab") < 0.1
    assert model.sample(10, prompt="ab", temperature=0) == "cdabcdabcd"
    with pytest.raises(ValueError, match="vocabulary"):
        model.score("abcz")


def fitted_regressor_network(random_state=0):
    X, y = adding_problem(4, 5, np.random.default_rng(2))
    model = LSTMRegressor(hidden_size=3, max_iter=1, random_state=random_state)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    return model.network_, X, y


def test_eq_lstm_grad_params_of_the_whole_model_match_finite_differences():
    network, X, y = fitted_regressor_network()
    loss = SquaredError()
    loss.forward(network.forward(X), y[:, None])
    network.backward(loss.backward())
    analytic = [
        {name: grads[name].copy() for name in grads}
        for _, grads in network.parameters()
    ]

    def objective():
        return loss.forward(network.forward(X), y[:, None])

    for (params, _), expected in zip(network.parameters(), analytic):
        for name, value in params.items():
            numeric = numerical_gradient(objective, value)
            assert relative_error(expected[name], numeric) < 1e-6, name


def test_same_seed_gives_the_same_model():
    first, X, _ = fitted_regressor_network(random_state=5)
    second, _, _ = fitted_regressor_network(random_state=5)
    np.testing.assert_array_equal(first.forward(X), second.forward(X))


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((6, 5)), "3-D"),
        (np.zeros((6, 0, 2)), "length zero"),
        (np.full((6, 5, 2), np.nan), "NaN or infinity"),
    ],
)
@pytest.mark.parametrize("Model", ["regressor", "classifier"])
def test_models_reject_bad_input_at_fit(Model, X, message):
    Model = {"regressor": LSTMRegressor, "classifier": LSTMClassifier}[Model]
    y = np.arange(6) % 2
    with pytest.raises(ValueError, match=message):
        Model(max_iter=1).fit(X, y)


def test_models_reject_a_different_feature_count_and_unfitted_use():
    network_model = LSTMClassifier(hidden_size=3, max_iter=1, random_state=0)
    X = np.random.default_rng(0).normal(size=(6, 4, 2))
    with pytest.raises(NotFittedError):
        network_model.predict(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        network_model.fit(X, np.arange(6) % 2)
    with pytest.raises(ValueError, match="feature"):
        network_model.predict(X[:, :, :1])
    with pytest.raises(ValueError, match="length"):
        LSTMRegressor(max_iter=1).fit(X, np.zeros(5))
