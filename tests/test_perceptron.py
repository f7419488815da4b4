"""Tests for scratch.perceptron, against scikit-learn, Novikoff's theorem
and the chapter's claims (book/deep_learning/perceptron.md)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits, load_iris, make_blobs
from sklearn.linear_model import Perceptron as SkPerceptron
from sklearn.model_selection import train_test_split
from sklearn.svm import SVC

from scratch.perceptron import Perceptron, augment, perceptron_epoch
from scratch.validation import ConvergenceWarning, NotFittedError

XOR_X = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def noisy_xor(n_samples, seed):
    """Points scattered around the four XOR corners, labelled by corner."""
    rng = np.random.default_rng(seed)
    corner = rng.integers(4, size=n_samples)
    X = XOR_X[corner] + 0.3 * rng.normal(size=(n_samples, 2))
    return X, XOR_Y[corner]


def separable(n_samples=300, n_features=4, margin=0.2, offset=0.5, seed=0):
    """Gaussian points labelled by a random hyperplane, with every point
    closer than ``margin`` to it removed."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    normal = rng.normal(size=n_features)
    normal /= np.linalg.norm(normal)
    distance = X @ normal + offset
    keep = np.abs(distance) >= margin
    return X[keep], (distance[keep] > 0).astype(int)


def sklearn_perceptron(max_iter, shuffle=False, **extra):
    """scikit-learn's Perceptron reduced to Rosenblatt's rule: no penalty,
    step 1, no early stop (tol=None runs every one of max_iter epochs)."""
    return SkPerceptron(
        eta0=1.0,
        alpha=0.0,
        penalty=None,
        shuffle=shuffle,
        tol=None,
        max_iter=max_iter,
        **extra,
    )


def naive_perceptron(X, y_sign, n_epochs):
    """Rosenblatt's rule one sample at a time, in the given order, with
    the intercept as a separate number. Returns the weights and the
    training mistakes (margin <= 0) at the end of each epoch."""
    w, b = np.zeros(X.shape[1]), 0.0
    history = []
    for _ in range(n_epochs):
        for x_i, y_i in zip(X, y_sign):
            if y_i * (x_i @ w + b) <= 0.0:
                w, b = w + y_i * x_i, b + y_i
        errors = int(np.sum(y_sign * (X @ w + b) <= 0.0))
        history.append((w.copy(), b, errors))
    return history


def augmented_margin(X, y_sign, weights, intercept):
    """Smallest y (w.x + b) over the samples, for the unit vector
    (w, b) / ||(w, b)|| in the augmented space."""
    norm = np.sqrt(weights @ weights + intercept**2)
    return np.min(y_sign * (X @ weights + intercept)) / norm


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("margin", [0.05, 0.3])
def test_eq_perceptron_novikoff_mistakes_within_bound(seed, margin):
    X, y = separable(margin=margin, seed=seed)
    y_sign = 2.0 * y - 1.0
    # The hard-margin SVM gives a separating hyperplane; any unit vector
    # that separates gives a valid gamma, this one a nearly optimal one.
    svm = SVC(kernel="linear", C=1e10).fit(X, y)
    gamma = augmented_margin(X, y_sign, svm.coef_[0], svm.intercept_[0])
    assert gamma > 0
    R = np.max(np.linalg.norm(np.hstack([X, np.ones((len(X), 1))]), axis=1))
    bound = (R / gamma) ** 2
    for shuffle, eta0 in [(False, 1.0), (True, 1.0), (True, 0.01)]:
        model = Perceptron(shuffle=shuffle, eta0=eta0, random_state=seed).fit(
            X, y
        )
        assert model.converged_
        assert model.score(X, y) == 1.0
        assert 1 <= model.n_mistakes_[0] <= bound


def test_eq_perceptron_novikoff_without_intercept():
    # Through the origin (offset 0) no intercept is needed; R and gamma
    # are then those of x itself, with the true normal as the unit vector.
    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 3))
    normal = np.array([1.0, -2.0, 2.0]) / 3.0
    keep = np.abs(X @ normal) >= 0.1
    X, y = X[keep], (X[keep] @ normal > 0).astype(int)
    gamma = np.min(np.abs(X @ normal))
    R = np.max(np.linalg.norm(X, axis=1))
    model = Perceptron(fit_intercept=False, random_state=0).fit(X, y)
    assert model.converged_
    np.testing.assert_array_equal(model.intercept_, 0.0)
    assert model.score(X, y) == 1.0
    assert model.n_mistakes_[0] <= (R / gamma) ** 2


def test_eq_perceptron_update_gives_sklearns_weights_and_epochs():
    X, y = separable(n_samples=500, n_features=5, margin=0.1, seed=3)
    ours = Perceptron(shuffle=False).fit(X, y)
    assert ours.converged_ and ours.n_iter_ >= 3
    # Our last epoch only confirms: all updates happen in the epochs
    # before it, so scikit-learn needs exactly n_iter_ - 1 epochs.
    same = sklearn_perceptron(ours.n_iter_ - 1).fit(X, y)
    np.testing.assert_allclose(ours.coef_, same.coef_, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        ours.intercept_, same.intercept_, rtol=1e-12, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), same.predict(X))
    np.testing.assert_allclose(
        ours.decision_function(X),
        same.decision_function(X),
        rtol=1e-10,
        atol=1e-10,
    )
    one_fewer = sklearn_perceptron(ours.n_iter_ - 2).fit(X, y)
    assert not np.allclose(ours.coef_, one_fewer.coef_)


def test_one_versus_rest_gives_sklearns_weights():
    # Four far-apart groups in 5-D: each one-versus-rest problem is
    # separable, so each of our K perceptrons converges.
    centers = 8.0 * np.eye(5)[:4]
    X, y = make_blobs(
        n_samples=400, centers=centers, cluster_std=1.0, random_state=0
    )
    ours = Perceptron(shuffle=False).fit(X, y)
    assert ours.converged_
    theirs = sklearn_perceptron(ours.n_iter_).fit(X, y)
    assert ours.coef_.shape == theirs.coef_.shape == (4, 5)
    np.testing.assert_allclose(
        ours.coef_, theirs.coef_, rtol=1e-12, atol=1e-12
    )
    np.testing.assert_allclose(
        ours.intercept_, theirs.intercept_, rtol=1e-12, atol=1e-12
    )
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("seed", [0, 5])
def test_block_search_visits_samples_in_sequential_order(seed):
    # Noisy labels make many mistakes per epoch: the block search must
    # reproduce the one-sample-at-a-time loop exactly.
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 3))
    y_sign = np.where(X[:, 0] + 0.5 * rng.normal(size=300) > 0, 1.0, -1.0)
    reference = naive_perceptron(X, y_sign, n_epochs=3)
    theta = np.zeros((1, 4))
    X1 = augment(X, True)
    block = 16
    for w, b, _ in reference:
        _, block = perceptron_epoch(X1, y_sign[:, None], theta, 1.0, block)
        np.testing.assert_allclose(
            theta[0], np.append(w, b), rtol=1e-12, atol=1e-12
        )


def test_eq_perceptron_loss_subgradient_step_is_the_update():
    # The perceptron is SGD on max(0, -y theta.x~): where the margin is
    # negative, one update equals theta - eta * (central-difference
    # gradient of that loss).
    rng = np.random.default_rng(2)
    x1 = np.append(rng.normal(size=3), 1.0)
    y_sign = -1.0
    theta = rng.normal(size=4)
    theta *= np.sign(x1 @ theta)  # make y theta.x~ < 0: a mistake
    eta, h = 0.7, 1e-6

    def loss(t):
        return max(0.0, -y_sign * (t @ x1))

    gradient = np.array(
        [
            (loss(theta + h * e) - loss(theta - h * e)) / (2 * h)
            for e in np.eye(4)
        ]
    )
    updated = theta[None, :].copy()
    mistakes, _ = perceptron_epoch(
        x1[None, :], np.array([[y_sign]]), updated, eta, 16
    )
    assert mistakes[0] == 1
    np.testing.assert_allclose(updated[0], theta - eta * gradient, rtol=1e-8)


def test_step_size_only_scales_the_weights():
    X, y = separable(seed=6)
    unit = Perceptron(random_state=1).fit(X, y)
    scaled = Perceptron(eta0=0.01, random_state=1).fit(X, y)
    np.testing.assert_array_equal(unit.n_mistakes_, scaled.n_mistakes_)
    assert unit.n_iter_ == scaled.n_iter_
    np.testing.assert_allclose(scaled.coef_, 0.01 * unit.coef_, rtol=1e-9)
    np.testing.assert_allclose(
        scaled.intercept_, 0.01 * unit.intercept_, rtol=1e-9
    )
    np.testing.assert_array_equal(unit.predict(X), scaled.predict(X))


@pytest.mark.parametrize("shuffle", [False, True])
def test_xor_warns_and_every_epoch_cancels_out(shuffle):
    # On the four points (+-1, +-1) with XOR labels, y_i y_j x~_i.x~_j = -1
    # for every pair, so every sample is a mistake in every order and an
    # epoch's four updates sum to sum_i y_i x~_i = 0.
    with pytest.warns(ConvergenceWarning, match="linearly separable"):
        model = Perceptron(shuffle=shuffle, max_iter=20, random_state=0).fit(
            XOR_X, XOR_Y
        )
    assert not model.converged_
    assert model.n_iter_ == 20
    np.testing.assert_array_equal(model.mistakes_per_epoch_, 4)
    np.testing.assert_array_equal(model.training_errors_, 4)
    np.testing.assert_array_equal(model.coef_, 0.0)
    np.testing.assert_array_equal(model.intercept_, 0.0)


def test_noisy_xor_pocket_beats_the_last_weights():
    X, y = noisy_xor(400, seed=1)
    with pytest.warns(ConvergenceWarning):
        model = Perceptron(max_iter=50, random_state=0).fit(X, y)
    # No line does better than about 3/4 on XOR; the pocket gets close,
    # and is never worse than the weights at any epoch's end.
    last_errors = model.training_errors_[-1, 0]
    pocket_errors = np.sum(model.predict(X) != y)
    assert pocket_errors <= last_errors
    assert pocket_errors == model.training_errors_[:, 0].min()
    assert 0.65 <= model.score(X, y) <= 0.85


def test_pocket_is_the_best_epoch_end_of_the_plain_rule():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] * X[:, 1] + 0.3 * rng.normal(size=200) > 0).astype(int)
    with pytest.warns(ConvergenceWarning):
        model = Perceptron(shuffle=False, max_iter=15).fit(X, y)
    history = naive_perceptron(X, 2.0 * y - 1.0, n_epochs=15)
    errors = [entry[2] for entry in history]
    np.testing.assert_array_equal(model.training_errors_[:, 0], errors)
    best = history[int(np.argmin(errors))]
    np.testing.assert_allclose(model.coef_[0], best[0], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(
        model.intercept_[0], best[1], rtol=1e-12, atol=1e-12
    )
    margins = (2.0 * y - 1.0) * model.decision_function(X)
    assert np.sum(margins <= 0) == min(errors)


@pytest.mark.parametrize(
    "load", [load_iris, load_digits], ids=["iris", "digits"]
)
def test_held_out_accuracy_close_to_sklearns(load):
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    n_epochs = 20
    theirs = sklearn_perceptron(n_epochs, shuffle=True, random_state=0).fit(
        X_train, y_train
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = Perceptron(max_iter=n_epochs, random_state=0).fit(
            X_train, y_train
        )
    assert ours.coef_.shape == theirs.coef_.shape
    # Different shuffles, and ours keeps the pocket where scikit-learn
    # keeps the last weights: the accuracies agree only roughly.
    assert ours.score(X_test, y_test) >= theirs.score(X_test, y_test) - 0.1
    assert ours.score(X_test, y_test) > 0.6


def test_any_labels_come_back_as_given():
    X, y = make_blobs(n_samples=150, centers=3, random_state=1)
    numbered = Perceptron(random_state=0, max_iter=50)
    named = Perceptron(random_state=0, max_iter=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        numbered.fit(X, y)
        named.fit(X, np.array(["cat", "dog", "emu"])[y])
        odd = Perceptron(random_state=0).fit(
            X[y < 2], np.array([-7, 40])[y[y < 2]]
        )
    np.testing.assert_array_equal(
        named.predict(X), np.array(["cat", "dog", "emu"])[numbered.predict(X)]
    )
    assert set(odd.predict(X)) <= {-7, 40}
    assert odd.classes_.tolist() == [-7, 40]


def test_binary_and_multiclass_shapes_follow_sklearn():
    X, y = separable(seed=8)
    binary = Perceptron(random_state=0).fit(X, y)
    assert binary.coef_.shape == (1, X.shape[1])
    assert binary.intercept_.shape == (1,)
    assert binary.decision_function(X).shape == (len(X),)
    np.testing.assert_array_equal(
        binary.predict(X),
        binary.classes_[(binary.decision_function(X) > 0).astype(int)],
    )
    assert isinstance(binary.n_iter_, int)


def test_same_seed_same_model_and_seeds_matter():
    X, y = separable(n_samples=500, margin=0.02, seed=9)
    first = Perceptron(random_state=3).fit(X, y)
    again = Perceptron(random_state=3).fit(X, y)
    other = Perceptron(random_state=4).fit(X, y)
    np.testing.assert_array_equal(first.coef_, again.coef_)
    np.testing.assert_array_equal(first.n_mistakes_, again.n_mistakes_)
    assert not np.array_equal(first.coef_, other.coef_)
    generator = Perceptron(random_state=np.random.default_rng(3)).fit(X, y)
    np.testing.assert_array_equal(first.coef_, generator.coef_)


def test_fit_returns_self_and_keeps_hyper_parameters():
    model = Perceptron(max_iter=7, eta0=0.5, shuffle=False)
    assert model.fit(XOR_X[[0, 1]], XOR_Y[[0, 1]]) is model
    assert (model.max_iter, model.eta0, model.shuffle) == (7, 0.5, False)


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (np.array([1.0, 2.0]), np.array([0, 1]), ValueError, "2-D"),
        (np.array([[np.nan, 1.0], [0.0, 1.0]]), [0, 1], ValueError, "NaN"),
        (
            np.array([[np.inf, 1.0], [0.0, 1.0]]),
            [0, 1],
            ValueError,
            "infinity",
        ),
        (np.ones((3, 2)), [0, 1], ValueError, "different lengths"),
        (np.ones((3, 2)), [1, 1, 1], ValueError, "class"),
        (np.ones((2, 2)), np.ones((2, 1)), ValueError, "1-D"),
        ([["a", "b"], ["c", "d"]], [0, 1], TypeError, "numbers"),
        (np.ones((0, 2)), np.array([]), ValueError, "sample"),
    ],
)
def test_bad_training_data_is_rejected(X, y, error, match):
    with pytest.raises(error, match=match):
        Perceptron().fit(X, y)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 2.5}, TypeError, "max_iter"),
        ({"eta0": 0.0}, ValueError, "eta0"),
        ({"eta0": -1.0}, ValueError, "eta0"),
        ({"eta0": np.nan}, ValueError, "eta0"),
        ({"shuffle": "no"}, TypeError, "shuffle"),
        ({"fit_intercept": 1}, TypeError, "fit_intercept"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_bad_hyper_parameters_are_rejected(params, error, match):
    with pytest.raises(error, match=match):
        Perceptron(**params).fit(XOR_X, XOR_Y)


def test_predict_before_fit_and_wrong_feature_count():
    with pytest.raises(NotFittedError, match="not fitted"):
        Perceptron().predict(XOR_X)
    with pytest.raises(NotFittedError, match="not fitted"):
        Perceptron().score(XOR_X, XOR_Y)
    model = Perceptron(random_state=0).fit(*separable(seed=1))
    with pytest.raises(ValueError, match="features"):
        model.predict(XOR_X)
    with pytest.raises(ValueError, match="NaN"):
        model.decision_function(np.full((1, 4), np.nan))
