"""Tests for scratch.rnn against central finite differences, PyTorch
(where installed), scikit-learn's stopping rule and the chapter's claims
(book/deep_learning/rnn.md)."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning as SkConvergenceWarning
from sklearn.neural_network import MLPRegressor

from scratch.nn import (
    SoftmaxCrossEntropy,
    SquaredError,
    numerical_gradient,
    relative_error,
)
from scratch.rnn import (
    RNN,
    LastTimeStep,
    RNNClassifier,
    RNNLanguageModel,
    RNNRegressor,
)
from scratch.validation import ConvergenceWarning, NotFittedError

PARAMETERS = ["W_ih", "W_hh", "b_ih", "b_hh"]
TORCH_NAMES = {
    "W_ih": "weight_ih_l0",
    "W_hh": "weight_hh_l0",
    "b_ih": "bias_ih_l0",
    "b_hh": "bias_hh_l0",
}


@pytest.fixture
def layer_and_data():
    """A small layer, inputs, an initial state and a fixed weighting of
    the outputs that makes the loss sum(weights * outputs)."""
    rng = np.random.default_rng(1)
    layer = RNN(3, 5, random_state=0)
    x = rng.normal(size=(2, 6, 3))
    h0 = rng.normal(size=(2, 5))
    weights = rng.normal(size=(2, 6, 5))
    return layer, x, h0, weights


def sum_sequences(n_samples, n_steps, seed):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, n_steps, 1))
    return X, X.sum(axis=(1, 2))


# The layer ---------------------------------------------------------------


def test_eq_rnn_recurrence_by_hand(layer_and_data):
    layer, x, h0, _ = layer_and_data
    p = layer.params
    state = h0
    expected = []
    for t in range(x.shape[1]):
        state = np.tanh(
            x[:, t] @ p["W_ih"].T + p["b_ih"] + state @ p["W_hh"].T + p["b_hh"]
        )
        expected.append(state)
    outputs = layer.forward(x, h0)
    np.testing.assert_allclose(
        outputs, np.stack(expected, axis=1), rtol=1e-12, atol=1e-14
    )
    np.testing.assert_allclose(layer.final_state, expected[-1], atol=1e-14)


def test_eq_rnn_bptt_matches_finite_differences(layer_and_data):
    layer, x, h0, weights = layer_and_data

    def loss():
        return float(np.sum(weights * layer.forward(x, h0)))

    loss()
    grad_x = layer.backward(weights)
    grads = {name: value.copy() for name, value in layer.grads.items()}
    grad_h0 = layer.grad_initial_state.copy()
    assert relative_error(grad_x, numerical_gradient(loss, x)) < 1e-6
    assert relative_error(grad_h0, numerical_gradient(loss, h0)) < 1e-6
    for name in PARAMETERS:
        numeric = numerical_gradient(loss, layer.params[name])
        assert relative_error(grads[name], numeric) < 1e-6, name


def test_eq_rnn_bptt_from_zero_initial_state(layer_and_data):
    layer, x, _, weights = layer_and_data
    layer.forward(x)
    layer.backward(weights)
    grad_W_hh = layer.grads["W_hh"].copy()
    numeric = numerical_gradient(
        lambda: float(np.sum(weights * layer.forward(x))), layer.params["W_hh"]
    )
    assert relative_error(grad_W_hh, numeric) < 1e-6


@pytest.mark.parametrize("with_state", [False, True])
def test_layer_matches_torch_rnn(layer_and_data, with_state):
    torch = pytest.importorskip("torch")
    layer, x, h0, weights = layer_and_data
    reference = torch.nn.RNN(
        3, 5, batch_first=True, nonlinearity="tanh"
    ).double()
    with torch.no_grad():
        for name in PARAMETERS:
            getattr(reference, TORCH_NAMES[name]).copy_(
                torch.from_numpy(layer.params[name])
            )
    x_t = torch.tensor(x, requires_grad=True)
    h0_t = torch.tensor(h0[None], requires_grad=True)
    outputs_t, final_t = reference(x_t, h0_t if with_state else None)
    (outputs_t * torch.from_numpy(weights)).sum().backward()

    outputs = layer.forward(x, h0 if with_state else None)
    grad_x = layer.backward(weights)
    np.testing.assert_allclose(
        outputs, outputs_t.detach().numpy(), atol=1e-8, rtol=0
    )
    np.testing.assert_allclose(
        layer.final_state, final_t[0].detach().numpy(), atol=1e-8, rtol=0
    )
    np.testing.assert_allclose(grad_x, x_t.grad.numpy(), atol=1e-8, rtol=0)
    if with_state:
        np.testing.assert_allclose(
            layer.grad_initial_state, h0_t.grad[0].numpy(), atol=1e-8, rtol=0
        )
    for name in PARAMETERS:
        np.testing.assert_allclose(
            layer.grads[name],
            getattr(reference, TORCH_NAMES[name]).grad.numpy(),
            atol=1e-8,
            rtol=0,
            err_msg=name,
        )


def test_init_is_uniform_within_pytorchs_bound():
    layer = RNN(4, 25, random_state=0)
    for name in PARAMETERS:
        assert np.max(np.abs(layer.params[name])) <= 1 / 5
    assert layer.params["W_ih"].shape == (25, 4)
    assert layer.params["W_hh"].shape == (25, 25)
    assert layer.params["b_ih"].shape == layer.params["b_hh"].shape == (25,)


def test_carrying_the_final_state_equals_one_long_forward(layer_and_data):
    layer, x, h0, _ = layer_and_data
    whole = layer.forward(x, h0)
    first = layer.forward(x[:, :4], h0)
    second = layer.forward(x[:, 4:], layer.final_state)
    np.testing.assert_allclose(
        np.concatenate([first, second], axis=1), whole, atol=1e-14
    )


def test_last_time_step_gradient_matches_finite_differences():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4, 2))
    weights = rng.normal(size=(3, 2))
    layer = LastTimeStep()
    np.testing.assert_array_equal(layer.forward(x), x[:, -1])
    grad = layer.backward(weights)
    numeric = numerical_gradient(
        lambda: float(np.sum(weights * layer.forward(x))), x
    )
    assert relative_error(grad, numeric) < 1e-6


def test_regressor_network_gradient_matches_finite_differences():
    X, y = sum_sequences(6, 5, seed=0)
    model = RNNRegressor(hidden_size=4, max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    network, loss = model.network_, SquaredError()

    def value():
        return loss.forward(network.forward(X), y[:, None])

    value()
    network.backward(loss.backward())
    for params, grads in network.parameters():
        analytic = {name: grad.copy() for name, grad in grads.items()}
        for name in params:
            numeric = numerical_gradient(value, params[name])
            assert relative_error(analytic[name], numeric) < 1e-6, name


@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((2, 3)), "3-D"),
        (np.zeros((2, 4, 5)), "features per time step"),
        (np.zeros((2, 0, 3)), "length zero"),
        (np.full((2, 4, 3), np.nan), "NaN"),
    ],
)
def test_layer_rejects_bad_input(bad, message):
    with pytest.raises(ValueError, match=message):
        RNN(3, 5).forward(bad)


def test_layer_rejects_an_initial_state_of_the_wrong_shape():
    with pytest.raises(ValueError, match="initial_state"):
        RNN(3, 5).forward(np.zeros((2, 4, 3)), np.zeros((2, 4)))


# Many-to-one models --------------------------------------------------------


def test_regressor_learns_the_sum_of_a_short_sequence():
    X, y = sum_sequences(400, 6, seed=0)
    X_test, y_test = sum_sequences(200, 6, seed=1)
    model = RNNRegressor(hidden_size=16, max_iter=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    assert model.score(X_test, y_test) > 0.95
    assert model.predict(X_test).shape == (200,)
    assert model.loss_curve_[-1] < model.loss_curve_[0] / 10


def test_regressor_with_two_outputs():
    X, y = sum_sequences(200, 5, seed=0)
    targets = np.column_stack([y, X[:, 0, 0]])
    model = RNNRegressor(hidden_size=16, max_iter=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, targets)
    assert model.predict(X).shape == (200, 2)
    assert model.score(X, targets) > 0.9


@pytest.mark.parametrize("labels", [("neg", "pos"), (-7, 40)])
def test_classifier_learns_the_sign_of_a_sum_with_any_labels(labels):
    X, total = sum_sequences(400, 6, seed=2)
    y = np.where(total > 0, labels[1], labels[0])
    X_test, total_test = sum_sequences(200, 6, seed=3)
    y_test = np.where(total_test > 0, labels[1], labels[0])
    model = RNNClassifier(hidden_size=16, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    np.testing.assert_array_equal(model.classes_, np.sort(labels))
    assert set(model.predict(X_test)) <= set(labels)
    assert model.score(X_test, y_test) > 0.9
    proba = model.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(
        model.classes_[proba.argmax(axis=1)], model.predict(X_test)
    )


def test_classifier_loss_is_the_softmax_cross_entropy_of_its_network():
    X, total = sum_sequences(50, 4, seed=4)
    y = np.digitize(total, [-0.5, 0.5])  # three classes
    model = RNNClassifier(hidden_size=8, max_iter=3, tol=0.0, random_state=0)
    with pytest.warns(ConvergenceWarning):
        model.fit(X, y)
    proba = model.predict_proba(X)
    loss = SoftmaxCrossEntropy().forward(np.log(proba), y)
    expected = -np.mean(np.log(proba[np.arange(50), y]))
    assert abs(loss - expected) < 1e-12


def test_same_random_state_gives_the_same_model():
    X, y = sum_sequences(100, 5, seed=0)
    fits = []
    for seed in (3, 3, 4):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fits.append(
                RNNRegressor(hidden_size=8, max_iter=5, random_state=seed).fit(
                    X, y
                )
            )
    assert fits[0].loss_curve_ == fits[1].loss_curve_
    np.testing.assert_array_equal(fits[0].predict(X), fits[1].predict(X))
    assert fits[0].loss_curve_ != fits[2].loss_curve_


def test_stopping_rule_is_scikit_learns():
    # With a tolerance no epoch can meet, both stop after the same number
    # of epochs without improvement.
    X, y = sum_sequences(64, 3, seed=0)
    ours = RNNRegressor(
        hidden_size=4, tol=1e9, n_iter_no_change=3, random_state=0
    ).fit(X, y)
    theirs = MLPRegressor(
        hidden_layer_sizes=(4,), tol=1e9, n_iter_no_change=3, random_state=0
    ).fit(X[:, :, 0], y)
    assert ours.n_iter_ == theirs.n_iter_ == len(ours.loss_curve_)


def test_max_iter_reached_warns_convergence_warning():
    X, y = sum_sequences(64, 3, seed=0)
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        model = RNNRegressor(hidden_size=4, max_iter=2, tol=0.0).fit(X, y)
    assert model.n_iter_ == 2
    with pytest.warns(SkConvergenceWarning):
        MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, tol=0.0).fit(
            X[:, :, 0], y
        )


def test_clipping_changes_the_training_and_none_turns_it_off():
    X, y = sum_sequences(64, 5, seed=0)
    curves = []
    for norm in (1e-3, None):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            curves.append(
                RNNRegressor(
                    hidden_size=8,
                    max_iter=3,
                    solver="sgd",
                    max_grad_norm=norm,
                    random_state=0,
                )
                .fit(X, y)
                .loss_curve_
            )
    # With SGD, a tiny norm cap makes the steps tiny: the loss barely
    # moves. (Adam divides the scale of the gradient out again.)
    assert abs(curves[0][-1] - curves[0][0]) < abs(
        curves[1][-1] - curves[1][0]
    )


@pytest.mark.parametrize("Model", [RNNRegressor, RNNClassifier])
@pytest.mark.parametrize(
    "bad, message",
    [
        (np.zeros((8, 3)), "3-D"),
        (np.zeros((8, 0, 2)), "length zero"),
        (np.full((8, 3, 2), np.nan), "NaN or infinity"),
        (np.zeros((0, 3, 2)), "sample"),
    ],
)
def test_models_reject_bad_X(Model, bad, message):
    y = np.arange(bad.shape[0]) % 2
    with pytest.raises(ValueError, match=message):
        Model(max_iter=1).fit(bad, y)


@pytest.mark.parametrize("Model", [RNNRegressor, RNNClassifier])
def test_models_check_lengths_features_and_fitting(Model):
    X, y = sum_sequences(20, 3, seed=0)
    labels = (y > 0).astype(int)
    with pytest.raises(ValueError, match="length"):
        Model(max_iter=1).fit(X, labels[:-1])
    with pytest.raises(NotFittedError):
        Model().predict(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = Model(hidden_size=4, max_iter=1).fit(X, labels)
    with pytest.raises(ValueError, match="feature"):
        model.predict(np.zeros((5, 3, 2)))
    with pytest.raises(ValueError, match="length zero"):
        model.predict(np.zeros((5, 0, 1)))
    # Longer sequences than in fit are fine for a recurrent model.
    assert model.predict(np.zeros((5, 9, 1))).shape == (5,)


def test_bad_hyper_parameters_are_clear_errors():
    X, y = sum_sequences(20, 3, seed=0)
    with pytest.raises(ValueError, match="max_grad_norm"):
        RNNRegressor(max_grad_norm=0.0).fit(X, y)
    with pytest.raises(ValueError, match="solver"):
        RNNRegressor(solver="lbfgs").fit(X, y)
    with pytest.raises(TypeError, match="hidden_size"):
        RNNRegressor(hidden_size=2.5).fit(X, y)


# Language model ------------------------------------------------------------

PERIODIC = "the cat sat. " * 40


@pytest.fixture(scope="module")
def language_model():
    return RNNLanguageModel(
        hidden_size=32,
        seq_length=16,
        batch_size=8,
        max_iter=30,
        random_state=0,
    ).fit(PERIODIC)


def test_language_model_learns_a_periodic_string(language_model):
    assert language_model.vocabulary_ == sorted(set(PERIODIC))
    assert language_model.loss_curve_[-1] < 0.05
    assert language_model.score(PERIODIC[:60]) < 0.1
    for temperature in (0.0, 0.5):
        sample = language_model.sample(
            39, prompt="the cat", temperature=temperature, random_state=0
        )
        assert "the cat" + sample == PERIODIC[:46]


def test_eq_rnn_temperature_towards_zero_is_greedy(language_model):
    # Greedy decoding written independently: re-read the whole prefix each
    # step, with no carried state, and take the most likely character.
    vocabulary = language_model.vocabulary_
    prefix = "sat"
    for _ in range(15):
        codes = [vocabulary.index(char) for char in prefix]
        one_hot = np.eye(len(vocabulary))[codes][None]
        logits = language_model.network_.forward(one_hot)[0, -1]
        prefix += vocabulary[int(np.argmax(logits))]
    for temperature in (0.0, 1e-8):
        assert (
            language_model.sample(
                15, prompt="sat", temperature=temperature, random_state=1
            )
            == prefix[3:]
        )


def test_language_model_score_is_the_mean_negative_log_likelihood(
    language_model,
):
    text = "a cat. the sat"
    vocabulary = language_model.vocabulary_
    codes = [vocabulary.index(char) for char in text]
    one_hot = np.eye(len(vocabulary))[codes[:-1]][None]
    logits = language_model.network_.forward(one_hot)[0]
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -np.mean(log_p[np.arange(len(text) - 1), codes[1:]])
    assert abs(language_model.score(text) - expected) < 1e-12


def test_language_model_sample_uses_its_random_state(language_model):
    first = language_model.sample(50, temperature=1.5, random_state=4)
    again = language_model.sample(50, temperature=1.5, random_state=4)
    assert first == again and len(first) == 50
    assert set(first) <= set(language_model.vocabulary_)
    assert language_model.sample(0) == ""


def test_language_model_rejects_unknown_characters(language_model):
    with pytest.raises(ValueError, match="vocabulary"):
        language_model.score("the dog")
    with pytest.raises(ValueError, match="vocabulary"):
        language_model.sample(5, prompt="Z")
    with pytest.raises(ValueError, match="temperature"):
        language_model.sample(5, temperature=-1.0)


def test_language_model_same_seed_same_model_and_bad_text():
    text = "abcab" * 20
    first = RNNLanguageModel(hidden_size=8, max_iter=2, random_state=5).fit(
        text
    )
    second = RNNLanguageModel(hidden_size=8, max_iter=2, random_state=5).fit(
        text
    )
    assert first.loss_curve_ == second.loss_curve_
    with pytest.raises(TypeError, match="str"):
        RNNLanguageModel().fit(["a", "b"])
    with pytest.raises(ValueError, match="2 characters"):
        RNNLanguageModel().fit("a")
    with pytest.raises(NotFittedError):
        RNNLanguageModel().sample(3)


def test_language_model_network_gradient_matches_finite_differences():
    # Truncated BPTT: the loss of one window from a carried-in state.
    text = "abcabd" * 5
    model = RNNLanguageModel(hidden_size=4, max_iter=1, random_state=0).fit(
        text
    )
    recurrent, output = model.network_.layers
    rng = np.random.default_rng(0)
    state = rng.normal(size=(2, 4))
    codes = rng.integers(len(model.vocabulary_), size=(2, 6))
    inputs = np.eye(len(model.vocabulary_))[codes[:, :-1]]
    loss = SoftmaxCrossEntropy()

    def value():
        hidden = recurrent.forward(inputs, initial_state=state)
        return loss.forward(output.forward(hidden), codes[:, 1:])

    value()
    model.network_.backward(loss.backward())
    for params, grads in model.network_.parameters():
        analytic = {name: grad.copy() for name, grad in grads.items()}
        for name in params:
            numeric = numerical_gradient(value, params[name])
            assert relative_error(analytic[name], numeric) < 1e-6, name
    grad_state = recurrent.grad_initial_state.copy()
    assert relative_error(grad_state, numerical_gradient(value, state)) < 1e-6


def test_models_work_with_scikit_learns_clone_and_cross_validation():
    from sklearn.base import clone
    from sklearn.model_selection import cross_val_score

    X, y = sum_sequences(60, 4, seed=0)
    model = RNNClassifier(hidden_size=4, max_iter=2, random_state=0)
    assert clone(model).get_params() == model.get_params()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        scores = cross_val_score(model, X, y > 0, cv=3)
    assert scores.shape == (3,) and np.all((0 <= scores) & (scores <= 1))
