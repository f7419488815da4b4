"""Tests for scratch.lda, against scikit-learn and closed forms.

Each test states a claim of book/supervised/lda.md. Several guard against
two easy mistakes: one class's mean used for every class, and the prior
added instead of its log.
"""

import warnings

import numpy as np
import pytest
import scipy.linalg
import scipy.special
import sklearn
from packaging.version import Version
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis as SkLDA

from scratch.lda import (
    LinearDiscriminantAnalysis,
    class_means,
    within_class_whitening,
)
from scratch.validation import NotFittedError


@pytest.fixture
def small_data():
    # Three classes with clearly different means and correlated features.
    rng = np.random.default_rng(0)
    mixing = np.array(
        [
            [1.0, 0.6, 0.0, 0.2],
            [0.0, 1.0, 0.3, 0.0],
            [0.0, 0.0, 1.0, 0.5],
            [0.0, 0.0, 0.0, 1.0],
        ]
    )
    y = np.repeat([0, 1, 2], [40, 30, 20])
    centres = np.array(
        [[0.0, 0.0, 0.0, 0.0], [2.0, -1.0, 0.5, 0.0], [-1.0, 2.0, 1.5, 3.0]]
    )
    X = rng.normal(size=(90, 4)) @ mixing + centres[y]
    return X, y


@pytest.fixture
def wine():
    return load_wine(return_X_y=True)


def pooled_covariance(X, y):
    """Maximum-likelihood shared covariance, computed directly."""
    residuals = np.vstack(
        [X[y == c] - X[y == c].mean(axis=0) for c in np.unique(y)]
    )
    return residuals.T @ residuals / len(X)


# scikit-learn's SVD solver divides the pooled covariance by n, as ours
# does, from version 1.9.1 on, and by n - K before. For an older version the
# reference is fitted with one extra sample at each class mean: the means and
# the within-class scatter stay the same and n + K - K = n, so it estimates
# our covariance; the priors are passed so that they stay those of the data.
SKLEARN_DIVIDES_BY_N = Version(sklearn.__version__) >= Version("1.9.1")


def reference_lda(X, y, **params):
    """scikit-learn's LDA fitted so that its covariance is divided by n."""
    if SKLEARN_DIVIDES_BY_N:
        return SkLDA(**params).fit(X, y)
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    classes, counts = np.unique(y, return_counts=True)
    means = np.array([X[y == label].mean(axis=0) for label in classes])
    if params.get("priors") is None:
        params["priors"] = counts / len(y)
    return SkLDA(**params).fit(
        np.vstack([X, means]), np.concatenate([y, classes])
    )


def assert_same_up_to_sign(a, b, atol):
    signs = np.sign(np.sum(a * b, axis=0))
    np.testing.assert_allclose(a * signs, b, atol=atol)


# --- agreement with scikit-learn -------------------------------------------


def test_predictions_match_sklearn(dataset):
    X, y = dataset
    ours = LinearDiscriminantAnalysis().fit(X, y)
    theirs = reference_lda(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8
    )
    np.testing.assert_allclose(
        ours.decision_function(X),
        theirs.decision_function(X),
        rtol=1e-7,
        atol=1e-7,
    )


def test_fitted_attributes_match_sklearn(dataset):
    X, y = dataset
    ours = LinearDiscriminantAnalysis().fit(X, y)
    theirs = reference_lda(X, y)
    np.testing.assert_allclose(ours.means_, theirs.means_, rtol=1e-12)
    np.testing.assert_allclose(ours.priors_, theirs.priors_)
    np.testing.assert_allclose(ours.xbar_, theirs.xbar_, rtol=1e-12)
    scale = np.abs(theirs.coef_).max()
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-8 * scale)
    np.testing.assert_allclose(
        ours.intercept_, theirs.intercept_, rtol=1e-7, atol=1e-8
    )
    assert ours.coef_.shape == theirs.coef_.shape
    assert ours.intercept_.shape == theirs.intercept_.shape


def test_eq_lda_projection_matches_sklearn_up_to_sign(dataset):
    X, y = dataset
    ours = LinearDiscriminantAnalysis().fit(X, y)
    theirs = reference_lda(X, y)
    Z_ours, Z_theirs = ours.transform(X), theirs.transform(X)
    assert Z_ours.shape == Z_theirs.shape
    assert_same_up_to_sign(
        Z_ours, Z_theirs, atol=1e-8 * np.abs(Z_theirs).max()
    )
    np.testing.assert_allclose(
        ours.explained_variance_ratio_,
        theirs.explained_variance_ratio_,
        atol=1e-10,
    )


@pytest.mark.parametrize("n_components", [1, 2])
def test_n_components_matches_sklearn(wine, n_components):
    X, y = wine
    ours = LinearDiscriminantAnalysis(n_components=n_components).fit(X, y)
    theirs = reference_lda(X, y, n_components=n_components)
    assert ours.transform(X).shape == (len(X), n_components)
    assert_same_up_to_sign(ours.transform(X), theirs.transform(X), atol=1e-8)
    np.testing.assert_allclose(
        ours.explained_variance_ratio_, theirs.explained_variance_ratio_
    )


def test_user_priors_match_sklearn(wine):
    X, y = wine
    priors = [0.6, 0.3, 0.1]
    ours = LinearDiscriminantAnalysis(priors=priors).fit(X, y)
    theirs = reference_lda(X, y, priors=priors)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8
    )
    assert_same_up_to_sign(ours.transform(X), theirs.transform(X), atol=1e-8)


def test_score_is_accuracy_as_in_sklearn(dataset):
    X, y = dataset
    assert LinearDiscriminantAnalysis().fit(X, y).score(X, y) == pytest.approx(
        reference_lda(X, y).score(X, y)
    )


# --- the model: eq-lda-mle, eq-lda-discriminant, eq-lda-posterior ----------


def test_eq_lda_mle_means_are_per_class(small_data):
    # An easy mistake: one class's mean used for every class.
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X, y)
    for k, label in enumerate(model.classes_):
        np.testing.assert_allclose(
            model.means_[k], X[y == label].mean(axis=0), rtol=1e-12
        )
    assert len({tuple(np.round(m, 6)) for m in model.means_}) == 3
    np.testing.assert_allclose(model.priors_, np.bincount(y) / len(y))
    np.testing.assert_allclose(model.xbar_, model.priors_ @ model.means_)


def test_eq_lda_discriminant_matches_the_gaussian_closed_form(small_data):
    # log pi_k - 1/2 (x - mu_k)^T Sigma^{-1} (x - mu_k), normalised over
    # the classes, with Sigma the pooled ML covariance solved directly.
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X, y)
    sigma = pooled_covariance(X, y)
    scores = np.column_stack(
        [
            np.log(np.mean(y == k))
            - 0.5
            * np.einsum(
                "ij,ij->i",
                X - X[y == k].mean(axis=0),
                np.linalg.solve(sigma, (X - X[y == k].mean(axis=0)).T).T,
            )
            for k in range(3)
        ]
    )
    log_posterior = scores - scipy.special.logsumexp(
        scores, axis=1, keepdims=True
    )
    np.testing.assert_allclose(
        model.predict_log_proba(X), log_posterior, atol=1e-9
    )


def test_eq_lda_discriminant_weights_solve_sigma_w_equals_mean_gap(small_data):
    # w_k - w_l = Sigma^{-1} (mu_k - mu_l): the linear part of the log
    # posterior ratio.
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X, y)
    sigma = pooled_covariance(X, y)
    np.testing.assert_allclose(
        sigma @ (model.coef_[2] - model.coef_[0]),
        model.means_[2] - model.means_[0],
        rtol=1e-9,
    )


def test_eq_lda_discriminant_prior_enters_as_its_log(small_data):
    # An easy mistake: pi_k added instead of log pi_k. Changing the priors
    # must move every log-odds by exactly log(pi_k / pi_l) - its old value.
    X, y = small_data
    flat = np.full(3, 1 / 3)
    skewed = np.array([0.90, 0.09, 0.01])
    a = LinearDiscriminantAnalysis(priors=flat).fit(X, y)
    b = LinearDiscriminantAnalysis(priors=skewed).fit(X, y)
    log_odds_a = a.predict_log_proba(X) - a.predict_log_proba(X)[:, :1]
    log_odds_b = b.predict_log_proba(X) - b.predict_log_proba(X)[:, :1]
    expected_shift = np.log(skewed / skewed[0]) - np.log(flat / flat[0])
    np.testing.assert_allclose(
        log_odds_b - log_odds_a,
        np.broadcast_to(expected_shift, log_odds_a.shape),
        atol=1e-9,
    )
    assert np.mean(b.predict(X) == 0) > np.mean(a.predict(X) == 0)


def test_eq_lda_discriminant_binary_log_odds_shift_by_log_prior_ratio():
    X, y = load_breast_cancer(return_X_y=True)
    a = LinearDiscriminantAnalysis(priors=[0.5, 0.5]).fit(X, y)
    b = LinearDiscriminantAnalysis(priors=[0.2, 0.8]).fit(X, y)
    np.testing.assert_allclose(
        b.decision_function(X) - a.decision_function(X), np.log(4.0), atol=1e-7
    )


def test_eq_lda_posterior_binary_is_the_sigmoid_of_the_log_odds():
    X, y = load_breast_cancer(return_X_y=True)
    model = LinearDiscriminantAnalysis().fit(X, y)
    z = model.decision_function(X)
    assert z.shape == (len(X),) and model.coef_.shape == (1, X.shape[1])
    np.testing.assert_allclose(
        model.predict_proba(X)[:, 1], scipy.special.expit(z), rtol=1e-10
    )
    np.testing.assert_array_equal(model.predict(X), (z > 0).astype(int))


def test_eq_lda_posterior_is_finite_far_from_the_data(small_data):
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X, y)
    far = np.array([[1e6, -1e6, 1e6, 1e6], [-1e8, 0, 0, 1e8]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_proba = model.predict_log_proba(far)
    assert np.all(np.isfinite(log_proba))
    np.testing.assert_allclose(np.exp(log_proba).sum(axis=1), 1.0)


def test_probabilities_sum_to_one(dataset):
    X, y = dataset
    proba = LinearDiscriminantAnalysis().fit(X, y).predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


def test_statistics_come_from_the_training_set_only(small_data):
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X[::2], y[::2])
    coef = model.coef_.copy()
    batch = model.predict_proba(X[1::2] + 3.0)
    np.testing.assert_array_equal(model.coef_, coef)
    one_by_one = np.vstack(
        [model.predict_proba(X[i : i + 1] + 3.0) for i in range(1, len(X), 2)]
    )
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-12)


# --- the projection: eq-lda-whitening, eq-lda-generalised-eigen ------------


def test_eq_lda_whitening_projection_has_identity_within_covariance(
    small_data,
):
    X, y = small_data
    Z = LinearDiscriminantAnalysis().fit(X, y).transform(X)
    np.testing.assert_allclose(pooled_covariance(Z, y), np.eye(2), atol=1e-10)


def singular_data():
    """Columns on very different scales, one a copy of another and one
    constant: Sigma is singular and the scales are unequal."""
    rng = np.random.default_rng(5)
    y = np.repeat([0, 1, 2], [15, 12, 10])
    X = rng.normal(size=(len(y), 3)) * [1.0, 100.0, 0.01] + y[:, None]
    return np.column_stack([X, 3.0 * X[:, 1], np.full(len(y), 2.0)]), y


def test_eq_lda_whitening_gives_a_generalised_inverse_of_sigma():
    # Sigma G Sigma = Sigma and G Sigma G = G for G = C C^T, but G is not
    # the Moore-Penrose inverse: G Sigma is not symmetric.
    X, y = singular_data()
    classes, y_index = np.unique(y, return_inverse=True)
    _, means = class_means(X, y_index, len(classes))
    C = within_class_whitening(X, y_index, means, tol=1e-4)
    G = C @ C.T
    sigma = pooled_covariance(X, y)
    assert np.linalg.matrix_rank(sigma) < sigma.shape[0]
    np.testing.assert_allclose(
        sigma @ G @ sigma, sigma, atol=1e-10 * np.abs(sigma).max()
    )
    np.testing.assert_allclose(G @ sigma @ G, G, atol=1e-10 * np.abs(G).max())
    # The Moore-Penrose inverse P makes P Sigma symmetric; G does not.
    pinv = np.linalg.pinv(sigma, rcond=1e-10, hermitian=True)
    np.testing.assert_allclose(pinv @ sigma, (pinv @ sigma).T, atol=1e-6)
    projector = G @ sigma
    assert np.abs(projector - projector.T).max() > 0.1


@pytest.mark.parametrize("n_features", [5, 8, 12])
def test_pooled_covariance_has_rank_at_most_n_minus_k(n_features):
    # Each class's residuals sum to zero, so with n = 10 samples in K = 3
    # classes Sigma is singular as soon as d > n - K = 7, not only at d >= n.
    rng = np.random.default_rng(n_features)
    y = np.repeat([0, 1, 2], [4, 3, 3])
    X = rng.normal(size=(len(y), n_features))
    rank = np.linalg.matrix_rank(pooled_covariance(X, y))
    assert rank == min(n_features, len(y) - 3)
    model = LinearDiscriminantAnalysis().fit(X, y)
    assert np.all(np.isfinite(model.predict_proba(X)))


def test_eq_lda_generalised_eigen_directions_solve_fisher_problem(small_data):
    # S_B w = lambda S_W w, with the eigenvalues from scipy's independent
    # generalised symmetric eigensolver.
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X, y)
    S_W = pooled_covariance(X, y)
    gaps = model.means_ - model.xbar_
    S_B = (gaps.T * model.priors_) @ gaps
    eigenvalues = scipy.linalg.eigh(S_B, S_W, eigvals_only=True)[::-1][:2]
    for j, w in enumerate(model.scalings_.T):
        rayleigh = (w @ S_B @ w) / (w @ S_W @ w)
        assert rayleigh == pytest.approx(eigenvalues[j], rel=1e-8)
        np.testing.assert_allclose(
            S_B @ w, rayleigh * S_W @ w, atol=1e-9 * np.abs(S_B @ w).max()
        )
    np.testing.assert_allclose(
        model.explained_variance_ratio_,
        eigenvalues / eigenvalues.sum(),
        rtol=1e-8,
    )


def test_eq_lda_fisher_first_direction_beats_random_directions(small_data):
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X, y)
    S_W = pooled_covariance(X, y)
    gaps = model.means_ - model.xbar_
    S_B = (gaps.T * model.priors_) @ gaps

    def fisher(w):
        return (w @ S_B @ w) / (w @ S_W @ w)

    best = fisher(model.scalings_[:, 0])
    rng = np.random.default_rng(1)
    assert all(fisher(w) <= best + 1e-12 for w in rng.normal(size=(500, 4)))


def test_at_most_k_minus_one_directions(wine):
    X, y = wine
    model = LinearDiscriminantAnalysis().fit(X, y)
    assert model.transform(X).shape == (len(X), 2)
    assert model.explained_variance_ratio_.shape == (2,)
    np.testing.assert_allclose(model.explained_variance_ratio_.sum(), 1.0)


# --- edge cases --------------------------------------------------------------


def test_constant_feature_still_works_and_matches_sklearn(small_data):
    X, y = small_data
    X = np.column_stack([X, np.full(len(X), 2.5)])
    ours = LinearDiscriminantAnalysis().fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference_lda(X, y)
    assert np.all(np.isfinite(ours.coef_))
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-8
    )
    np.testing.assert_allclose(ours.coef_[:, -1], 0.0, atol=1e-12)


def test_duplicated_feature_changes_nothing(small_data):
    # Sigma is singular; the SVD solver drops the null direction, and the
    # posteriors equal those of the model without the copy.
    X, y = small_data
    doubled = np.column_stack([X, X[:, 1]])
    ours = LinearDiscriminantAnalysis().fit(doubled, y)
    plain = LinearDiscriminantAnalysis().fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(doubled), plain.predict_proba(X), atol=1e-8
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = reference_lda(doubled, y)
    np.testing.assert_array_equal(
        ours.predict(doubled), theirs.predict(doubled)
    )


def test_more_features_than_samples_is_finite():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 50))
    y = np.repeat([0, 1], 10)
    X[y == 1, 0] += 3.0
    model = LinearDiscriminantAnalysis().fit(X, y)
    assert np.all(np.isfinite(model.predict_proba(X)))
    np.testing.assert_array_equal(
        model.predict(X), reference_lda(X, y).predict(X)
    )


def test_perfectly_separable_classes_are_finite():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 2))
    y = np.repeat([0, 1], 20)
    X[y == 1, 0] += 100.0
    model = LinearDiscriminantAnalysis().fit(X, y)
    assert np.all(np.isfinite(model.predict_log_proba(X)))
    assert model.score(X, y) == 1.0


def test_single_sample_class_is_finite(small_data):
    X, y = small_data
    y = y.copy()
    y[0] = 9
    ours = LinearDiscriminantAnalysis().fit(X, y)
    assert np.all(np.isfinite(ours.predict_proba(X)))
    np.testing.assert_array_equal(
        ours.predict(X), reference_lda(X, y).predict(X)
    )


def test_one_sample_per_class_is_a_clear_error():
    X = np.arange(6.0).reshape(3, 2)
    with pytest.raises(ValueError, match="more samples"):
        LinearDiscriminantAnalysis().fit(X, [0, 1, 2])


def test_zero_within_class_covariance_is_a_clear_error():
    X = np.array([[0.0, 1.0]] * 3 + [[2.0, 0.0]] * 3)
    with pytest.raises(ValueError, match="within-class covariance is zero"):
        LinearDiscriminantAnalysis().fit(X, [0, 0, 0, 1, 1, 1])


def test_n_components_above_k_minus_one_is_a_clear_error(wine):
    X, y = wine
    with pytest.raises(ValueError, match="K - 1"):
        LinearDiscriminantAnalysis(n_components=3).fit(X, y)


def test_string_labels_come_back_as_given(small_data):
    X, y = small_data
    names = np.array(["red", "blue", "green"])[y]
    model = LinearDiscriminantAnalysis().fit(X, names)
    np.testing.assert_array_equal(model.classes_, ["blue", "green", "red"])
    np.testing.assert_array_equal(
        model.predict(X), reference_lda(X, names).predict(X)
    )


def test_non_contiguous_integer_labels_come_back_as_given(small_data):
    X, y = small_data
    labels = np.array([-3, 7, 100])[y]
    model = LinearDiscriminantAnalysis().fit(X, labels)
    np.testing.assert_array_equal(model.classes_, [-3, 7, 100])
    np.testing.assert_array_equal(
        model.predict(X), reference_lda(X, labels).predict(X)
    )
    binary = LinearDiscriminantAnalysis().fit(X[y < 2], labels[y < 2])
    assert set(binary.predict(X)) <= {-3, 7}


def test_fitting_twice_gives_the_same_model(small_data):
    X, y = small_data
    a = LinearDiscriminantAnalysis().fit(X, y)
    b = LinearDiscriminantAnalysis().fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.scalings_, b.scalings_)


def test_fit_returns_self_and_keeps_hyper_parameters(small_data):
    model = LinearDiscriminantAnalysis(n_components=1, tol=1e-3)
    assert model.fit(*small_data) is model
    assert model.n_components == 1 and model.tol == 1e-3
    assert model.solver == "svd" and model.priors is None


def test_fit_transform_equals_fit_then_transform(small_data):
    X, y = small_data
    np.testing.assert_allclose(
        LinearDiscriminantAnalysis().fit_transform(X, y),
        LinearDiscriminantAnalysis().fit(X, y).transform(X),
    )


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_is_rejected(small_data, bad):
    X, y = small_data
    X_bad = X.copy()
    X_bad[5, 2] = bad
    with pytest.raises(ValueError, match="NaN or infinity"):
        LinearDiscriminantAnalysis().fit(X_bad, y)
    model = LinearDiscriminantAnalysis().fit(X, y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.transform(X_bad)


def test_wrong_dimensions_are_rejected(small_data):
    X, y = small_data
    with pytest.raises(ValueError, match="2-D"):
        LinearDiscriminantAnalysis().fit(X.ravel(), y)
    with pytest.raises(ValueError, match="1-D"):
        LinearDiscriminantAnalysis().fit(X, np.column_stack([y, y]))


def test_mismatched_lengths_are_rejected(small_data):
    X, y = small_data
    with pytest.raises(ValueError, match="different lengths"):
        LinearDiscriminantAnalysis().fit(X[1:], y)


def test_too_few_samples_or_classes_are_rejected(small_data):
    X, y = small_data
    with pytest.raises(ValueError, match="at least 2"):
        LinearDiscriminantAnalysis().fit(X[:1], y[:1])
    with pytest.raises(ValueError, match="at least 2"):
        LinearDiscriminantAnalysis().fit(X, np.zeros(len(X)))


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"solver": "eigen"}, ValueError, "solver must be one of"),
        ({"tol": -1.0}, ValueError, "tol must be >= 0"),
        ({"tol": "small"}, TypeError, "tol must be a number"),
        ({"n_components": 0}, ValueError, "n_components must be >= 1"),
        ({"n_components": 1.5}, TypeError, "n_components must be an integer"),
        ({"priors": [0.5, 0.5]}, ValueError, "one entry per class"),
        ({"priors": [0.5, 0.6, -0.1]}, ValueError, "positive"),
        ({"priors": [0.2, 0.2, 0.2]}, ValueError, "sum to 1"),
    ],
)
def test_invalid_hyper_parameters_are_rejected(
    small_data, params, error, message
):
    with pytest.raises(error, match=message):
        LinearDiscriminantAnalysis(**params).fit(*small_data)


@pytest.mark.parametrize(
    "method",
    [
        "predict",
        "predict_proba",
        "predict_log_proba",
        "transform",
        "decision_function",
    ],
)
def test_predict_before_fit_raises_not_fitted(small_data, method):
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(LinearDiscriminantAnalysis(), method)(small_data[0])


def test_different_feature_count_at_predict_is_rejected(small_data):
    X, y = small_data
    model = LinearDiscriminantAnalysis().fit(X, y)
    with pytest.raises(ValueError, match="5 features, but"):
        model.predict(np.column_stack([X, X[:, 0]]))


def test_identical_class_means_fall_back_to_the_priors():
    # No between-class scatter: no direction, and the posterior is the
    # prior everywhere.
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 0.0], [1.0, 1.0]] * 2)
    y = np.repeat([0, 1], 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LinearDiscriminantAnalysis(priors=[0.3, 0.7]).fit(X, y)
        proba = model.predict_proba(X)
    np.testing.assert_allclose(proba, np.tile([0.3, 0.7], (8, 1)))
    np.testing.assert_array_equal(model.explained_variance_ratio_, [0.0])
