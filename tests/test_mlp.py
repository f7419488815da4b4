"""Tests for scratch.mlp, against finite differences, a hand-written NumPy
step, scikit-learn's MLPClassifier and MLPRegressor, and the claims of
book/deep_learning/mlp.md. Tests that check an equation carry its label.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits, make_friedman1
from sklearn.metrics import r2_score as sk_r2_score
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from scratch.mlp import (
    MLPClassifier,
    MLPRegressor,
    build_network,
    validation_split,
)
from scratch.nn import (
    SoftmaxCrossEntropy,
    SquaredError,
    add_l2_penalty,
    numerical_gradient,
    relative_error,
)
from scratch.validation import ConvergenceWarning, NotFittedError


def quietly(model, X, y):
    """Fit without the ConvergenceWarning of a deliberately short run."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        return model.fit(X, y)


@pytest.fixture(autouse=True)
def one_blas_thread():
    """Small matrix products run faster on one thread than on threads
    that compete for a busy machine."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] * X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    return X, y


# --- gradients of the whole model ----------------------------------------


@pytest.mark.parametrize(
    "activation", ["relu", "tanh", "logistic", "identity"]
)
@pytest.mark.parametrize("Model", [MLPClassifier, MLPRegressor])
def test_eq_mlp_backprop_whole_model_with_l2_matches_finite_differences(
    Model, activation, small
):
    X, y = small
    alpha = 0.7
    model = quietly(
        Model(
            hidden_layer_sizes=(5, 4),
            activation=activation,
            alpha=alpha,
            max_iter=3,
            random_state=0,
        ),
        X,
        y,
    )
    network = model.network_
    if Model is MLPClassifier:
        loss, targets = (
            SoftmaxCrossEntropy(),
            np.searchsorted(model.classes_, y),
        )
    else:
        loss, targets = SquaredError(), y.astype(float)
    n_samples = X.shape[0]

    def objective():  # eq-mlp-softmax-ce or eq-mlp-squared-error + eq-mlp-l2
        weights = sum(
            np.sum(params["W"] ** 2) for params, _ in network.parameters()
        )
        return loss.forward(network.forward(X), targets) + alpha * weights / (
            2 * n_samples
        )

    objective()
    network.backward(loss.backward())
    add_l2_penalty(network.parameters(), alpha, n_samples)
    analytic = [
        {name: grad.copy() for name, grad in grads.items()}
        for _, grads in network.parameters()
    ]
    for (params, _), grads in zip(network.parameters(), analytic):
        for name, value in params.items():
            numeric = numerical_gradient(objective, value)
            assert relative_error(grads[name], numeric) < 1e-6


# --- one step by hand ----------------------------------------------------


def softmax_rows(scores):
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(
    "momentum, nesterov", [(0.0, False), (0.9, True), (0.9, False)]
)
def test_eq_mlp_backprop_one_sgd_step_equals_the_hand_computed_step(
    small, momentum, nesterov
):
    """One full-batch step from the initial weights, written out with
    NumPy in scikit-learn's layout (h = tanh(X W1 + b1), P =
    softmax(h W2 + b2)). From zero velocity the first step is -eta g,
    or -(1 + mu) eta g with Nesterov's look-ahead (eq-mlp-nesterov)."""
    X, y = small
    n_samples, alpha, learning_rate = X.shape[0], 0.1, 0.05
    start = build_network((3, 4, 3), "tanh", np.random.default_rng(7))
    W1, W2 = (start.layers[i].params["W"].T for i in (0, 2))
    b1, b2 = (start.layers[i].params["b"] for i in (0, 2))
    model = quietly(
        MLPClassifier(
            hidden_layer_sizes=(4,),
            activation="tanh",
            solver="sgd",
            alpha=alpha,
            batch_size=n_samples,
            learning_rate_init=learning_rate,
            momentum=momentum,
            nesterovs_momentum=nesterov,
            max_iter=1,
            random_state=7,
        ),
        X,
        y,
    )

    hidden = np.tanh(X @ W1 + b1)  # (n, 4)
    Y = np.eye(3)[y]  # one-hot (n, 3)
    delta_out = (softmax_rows(hidden @ W2 + b2) - Y) / n_samples
    delta_hidden = (delta_out @ W2.T) * (1.0 - hidden**2)
    gradients = [
        X.T @ delta_hidden + alpha / n_samples * W1,
        hidden.T @ delta_out + alpha / n_samples * W2,
        delta_hidden.sum(axis=0),
        delta_out.sum(axis=0),
    ]
    factor = learning_rate * (1.0 + momentum if nesterov else 1.0)
    expected = [
        value - factor * grad
        for value, grad in zip([W1, W2, b1, b2], gradients)
    ]
    for ours, theirs in zip(model.coefs_ + model.intercepts_, expected):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


def test_coefs_are_in_scikit_learns_layout_and_define_the_model(small):
    X, y = small
    model = quietly(
        MLPClassifier(hidden_layer_sizes=(6, 5), max_iter=5, random_state=0),
        X,
        y,
    )
    assert [c.shape for c in model.coefs_] == [(3, 6), (6, 5), (5, 3)]
    assert [b.shape for b in model.intercepts_] == [(6,), (5,), (3,)]
    hidden = X
    for coef, intercept in zip(model.coefs_[:-1], model.intercepts_[:-1]):
        hidden = np.maximum(hidden @ coef + intercept, 0.0)
    logits = hidden @ model.coefs_[-1] + model.intercepts_[-1]
    np.testing.assert_allclose(
        model.predict_proba(X), softmax_rows(logits), rtol=1e-12
    )
    assert model.n_layers_ == 4 and model.n_outputs_ == 3
    assert model.out_activation_ == "softmax"


# --- agreement with scikit-learn -----------------------------------------


def held_out_pair(Model, SkModel, X, y, **settings):
    """Held-out score of ours and of scikit-learn's, same settings."""
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=0
    )
    scores = []
    for Class in (Model, SkModel):
        model = quietly(Class(random_state=0, **settings), X_train, y_train)
        scores.append(model.score(X_test, y_test))
    return scores


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_digits_accuracy_close_to_scikit_learn(solver):
    X, y = load_digits(return_X_y=True)
    ours, theirs = held_out_pair(
        MLPClassifier,
        SkMLPClassifier,
        X / 16.0,
        y,
        solver=solver,
        hidden_layer_sizes=(50,),
        max_iter=60,
        learning_rate_init=0.01 if solver == "sgd" else 0.001,
    )
    assert ours > 0.93
    assert abs(ours - theirs) < 0.03  # about 2 standard errors of 540


def test_breast_cancer_accuracy_close_to_scikit_learn():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    ours, theirs = held_out_pair(
        MLPClassifier,
        SkMLPClassifier,
        X,
        y,
        hidden_layer_sizes=(20,),
        max_iter=100,
    )
    assert ours > 0.93
    assert abs(ours - theirs) < 0.04  # about 2 standard errors of 171


def test_regression_r2_close_to_scikit_learn():
    X, y = make_friedman1(n_samples=600, noise=0.5, random_state=0)
    ours, theirs = held_out_pair(
        MLPRegressor,
        SkMLPRegressor,
        X,
        (y - y.mean()) / y.std(),
        hidden_layer_sizes=(50,),
        max_iter=300,
        learning_rate_init=0.01,
    )
    assert ours > 0.85
    assert abs(ours - theirs) < 0.05


def test_stopping_rule_stops_when_scikit_learn_does(small):
    """A tol no epoch can beat: both stop after the first epoch plus
    n_iter_no_change + 1 epochs without improvement."""
    X, y = small
    settings = dict(tol=10.0, n_iter_no_change=3, max_iter=50, random_state=0)
    ours = MLPClassifier(**settings).fit(X, y)
    theirs = SkMLPClassifier(**settings).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 5
    assert len(ours.loss_curve_) == ours.n_iter_
    assert ours.best_loss_ == min(ours.loss_curve_)


# --- what the chapter claims ---------------------------------------------


def test_a_hidden_layer_learns_xor_and_a_linear_model_cannot():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    X, y = np.tile(X, (10, 1)), np.tile(y, 10)
    hidden = quietly(
        MLPClassifier(
            hidden_layer_sizes=(4,),
            activation="tanh",
            learning_rate_init=0.05,
            max_iter=300,
            random_state=0,
        ),
        X,
        y,
    )
    assert hidden.score(X, y) == 1.0
    linear = quietly(
        MLPClassifier(
            hidden_layer_sizes=(),
            learning_rate_init=0.05,
            max_iter=300,
            random_state=0,
        ),
        X,
        y,
    )
    assert linear.score(X, y) <= 0.75  # no line separates XOR


@pytest.mark.parametrize(
    "labels", [np.array(["cat", "dog", "emu"]), np.array([-5, 10, 42])]
)
def test_any_labels_come_back_as_given(small, labels):
    X, y = small
    model = quietly(MLPClassifier(max_iter=20, random_state=0), X, labels[y])
    np.testing.assert_array_equal(model.classes_, np.sort(labels))
    assert set(model.predict(X)) <= set(labels)
    probabilities = model.predict_proba(X)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_array_equal(
        model.predict(X), model.classes_[probabilities.argmax(axis=1)]
    )


def test_two_classes_use_two_softmax_outputs(small):
    X, y = small
    model = quietly(MLPClassifier(max_iter=5, random_state=0), X, y > 0)
    assert model.coefs_[-1].shape == (100, 2)
    assert model.predict_proba(X).shape == (len(X), 2)


@pytest.mark.parametrize("Model", [MLPClassifier, MLPRegressor])
def test_early_stopping_restores_the_best_weights(Model):
    X, y = load_digits(return_X_y=True)
    X, y = X[:600] / 16.0, y[:600]
    if Model is MLPRegressor:
        y = y.astype(float)
    settings = dict(
        hidden_layer_sizes=(30,),
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.01,
        max_iter=200,
        random_state=5,
    )
    model = quietly(Model(**settings), X, y)
    assert model.best_loss_ is None
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ == max(model.validation_scores_)
    # The split fit made: the same Generator, drawn from in the same
    # order (initial weights first, then the split).
    rng = np.random.default_rng(5)
    n_outputs = 10 if Model is MLPClassifier else 1
    build_network((64, 30, n_outputs), "relu", rng)
    _, held_out = validation_split(len(X), 0.1, rng)
    assert model.score(X[held_out], y[held_out]) == pytest.approx(
        model.best_validation_score_, abs=1e-12
    )
    # It stopped after the best epoch, so the weights were rolled back.
    assert model.n_iter_ > np.argmax(model.validation_scores_) + 1


def test_max_iter_warns_and_convergence_does_not(small):
    X, y = small
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        MLPClassifier(max_iter=2, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        MLPClassifier(
            tol=10.0, n_iter_no_change=2, max_iter=50, random_state=0
        ).fit(X, y)


def test_eq_mlp_l2_alpha_shrinks_the_weights(small):
    X, y = small
    norms = []
    for alpha in (1e-4, 1.0, 10.0):
        model = quietly(
            MLPClassifier(alpha=alpha, max_iter=100, random_state=0), X, y
        )
        norms.append(sum(np.sum(c**2) for c in model.coefs_))
    assert norms[0] > norms[1] > norms[2]


def test_same_seed_same_model_different_seed_different_model(small):
    X, y = small
    first, second, other = (
        quietly(MLPClassifier(max_iter=10, random_state=seed), X, y)
        for seed in (3, 3, 4)
    )
    for a, b in zip(first.coefs_, second.coefs_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(first.loss_curve_, second.loss_curve_)
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])


def test_regressor_outputs_follow_the_shape_of_y(small):
    X, _ = small
    Y = np.column_stack([X[:, 0] - X[:, 1], X[:, 2] ** 2])
    one = quietly(MLPRegressor(max_iter=50, random_state=0), X, Y[:, 0])
    two = quietly(MLPRegressor(max_iter=50, random_state=0), X, Y)
    assert one.predict(X).shape == (len(X),)
    assert two.predict(X).shape == (len(X), 2)
    assert two.n_outputs_ == 2 and two.out_activation_ == "identity"
    assert one.score(X, Y[:, 0]) == pytest.approx(
        sk_r2_score(Y[:, 0], one.predict(X)), rel=1e-12
    )
    assert two.score(X, Y) == pytest.approx(
        sk_r2_score(Y, two.predict(X)), rel=1e-12
    )


def test_batch_size_larger_than_the_data_is_one_full_batch(small):
    X, y = small
    big = quietly(
        MLPClassifier(batch_size=1000, max_iter=3, random_state=0), X, y
    )
    full = quietly(
        MLPClassifier(batch_size=len(X), max_iter=3, random_state=0), X, y
    )
    np.testing.assert_array_equal(big.loss_curve_, full.loss_curve_)


# --- bad input -----------------------------------------------------------


@pytest.mark.parametrize(
    "setting, error, message",
    [
        ({"activation": "softplus"}, ValueError, "activation"),
        ({"solver": "lbfgs"}, ValueError, "solver"),
        ({"alpha": -1.0}, ValueError, "alpha"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": "big"}, TypeError, "batch_size"),
        ({"learning_rate_init": 0.0}, ValueError, "learning_rate_init"),
        ({"momentum": 1.0}, ValueError, "momentum"),
        ({"nesterovs_momentum": "yes"}, TypeError, "nesterovs_momentum"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 2.5}, TypeError, "max_iter"),
        ({"tol": -1.0}, ValueError, "tol"),
        ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change"),
        ({"early_stopping": 1}, TypeError, "early_stopping"),
        ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
        ({"hidden_layer_sizes": (10, 0)}, ValueError, "hidden layer size"),
        ({"hidden_layer_sizes": (2.5,)}, TypeError, "hidden layer size"),
        ({"hidden_layer_sizes": None}, TypeError, "hidden_layer_sizes"),
    ],
)
@pytest.mark.parametrize("Model", [MLPClassifier, MLPRegressor])
def test_bad_hyper_parameters_are_clear_errors(
    Model, setting, error, message, small
):
    X, y = small
    with pytest.raises(error, match=message):
        Model(**setting).fit(X, y)


@pytest.mark.parametrize("Model", [MLPClassifier, MLPRegressor])
def test_bad_data_are_clear_errors(Model, small):
    X, y = small
    with pytest.raises(ValueError, match="2-D"):
        Model().fit(X[:, 0], y)
    X_nan = X.copy()
    X_nan[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        Model().fit(X_nan, y)
    with pytest.raises(TypeError, match="numbers"):
        Model().fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])
    with pytest.raises(ValueError, match="sample"):
        Model().fit(np.empty((0, 3)), np.array([]))
    with pytest.raises(ValueError, match="length"):
        Model().fit(X, y[:-1])
    with pytest.raises(NotFittedError):
        Model().predict(X)
    model = quietly(Model(max_iter=2, random_state=0), X, y)
    with pytest.raises(ValueError, match="feature"):
        model.predict(X[:, :2])
    with pytest.raises(ValueError, match="sample"):  # validation too small
        Model(early_stopping=True).fit(X[:8], y[:8])


def test_classifier_needs_two_classes_and_regressor_finite_targets(small):
    X, y = small
    with pytest.raises(ValueError, match="class"):
        MLPClassifier().fit(X, np.zeros(len(X)))
    y_bad = y.astype(float)
    y_bad[0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinity"):
        MLPRegressor().fit(X, y_bad)
    with pytest.raises(ValueError, match="1-D"):
        MLPRegressor().fit(X, np.zeros((len(X), 2, 2)))


def test_a_diverging_fit_is_a_clear_error(small):
    X, y = small
    with (
        np.errstate(all="ignore"),
        pytest.raises(ValueError, match="NaN or infinity"),
    ):
        MLPRegressor(
            solver="sgd", learning_rate_init=10.0, max_iter=50, random_state=0
        ).fit(1e3 * X, 1e3 * y)
