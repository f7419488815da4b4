"""Tests for scratch.svm: agreement with scikit-learn's SVC (libsvm), the
KKT conditions at the returned solution, and the bad-input contract."""

import itertools

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.metrics.pairwise import pairwise_kernels
from sklearn.svm import SVC as SklearnSVC

from scratch.svm import SVC, KernelRowCache, kernel_matrix, smo
from scratch.validation import ConvergenceWarning, NotFittedError

SETTINGS = [
    dict(kernel="rbf", C=1.0, gamma="scale"),
    dict(kernel="rbf", C=10.0, gamma=0.05),
    dict(kernel="linear", C=0.5),
    dict(kernel="poly", C=1.0, degree=3, gamma="auto", coef0=1.0),
]


def split_data(n_train=300, n_test=300, n_features=8, seed=0):
    X, y = make_classification(
        n_train + n_test,
        n_features,
        n_informative=5,
        flip_y=0.05,
        random_state=seed,
    )
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@pytest.fixture(scope="module")
def data():
    return split_data()


@pytest.mark.parametrize("params", SETTINGS, ids=lambda p: p["kernel"])
def test_eq_svm_decision_agrees_with_sklearn_on_held_out_set(data, params):
    X_train, y_train, X_test, _ = data
    ours = SVC(**params).fit(X_train, y_train)
    ref = SklearnSVC(**params).fit(X_train, y_train)
    f_ours = ours.decision_function(X_test)
    f_ref = ref.decision_function(X_test)
    assert np.corrcoef(f_ours, f_ref)[0, 1] > 0.99
    assert np.mean(ours.predict(X_test) == ref.predict(X_test)) >= 0.98
    n_ours, n_ref = len(ours.support_), len(ref.support_)
    assert abs(n_ours - n_ref) <= 0.05 * n_ref + 1
    assert ours.intercept_[0] == pytest.approx(ref.intercept_[0], abs=0.05)


@pytest.mark.parametrize("params", SETTINGS, ids=lambda p: p["kernel"])
def test_eq_svm_dual_objective_matches_sklearn(data, params):
    X_train, y_train, _, _ = data

    def dual_objective(model):
        # sum(alpha) - 1/2 (y alpha)^T K (y alpha) over the support vectors
        coef = model.dual_coef_[0]
        K = pairwise_kernels(
            model.support_vectors_,
            metric=params["kernel"],
            **kernel_kwargs(model),
        )
        return np.abs(coef).sum() - 0.5 * coef @ K @ coef

    ours = SVC(**params).fit(X_train, y_train)
    ref = SklearnSVC(**params).fit(X_train, y_train)
    assert dual_objective(ours) == pytest.approx(dual_objective(ref), rel=1e-3)


def kernel_kwargs(model):
    if model.kernel == "linear":
        return {}
    gamma = getattr(model, "gamma_", None) or model._gamma
    if model.kernel == "rbf":
        return {"gamma": gamma}
    return {"gamma": gamma, "degree": model.degree, "coef0": model.coef0}


@pytest.mark.parametrize("params", SETTINGS, ids=lambda p: p["kernel"])
def test_eq_svm_kkt_conditions_hold_within_tol(data, params):
    X_train, y_train, _, _ = data
    tol = 1e-3
    model = SVC(tol=tol, **params).fit(X_train, y_train)
    C = params["C"]
    alpha = np.zeros(len(y_train))
    alpha[model.support_] = np.abs(model.dual_coef_[0])
    y_sign = np.where(y_train == model.classes_[1], 1.0, -1.0)
    margin = y_sign * model.decision_function(X_train)  # y_i f(x_i)
    slack = 1e-9
    free = (alpha > 0) & (alpha < C)
    assert np.all(np.abs(margin[free] - 1) <= tol + slack)
    assert np.all(margin[alpha == 0] >= 1 - tol - slack)
    assert np.all(margin[alpha == C] <= 1 + tol + slack)
    assert np.all((alpha >= 0) & (alpha <= C))
    assert abs(np.sum(model.dual_coef_)) < 1e-9  # sum_i y_i alpha_i = 0


def test_eq_svm_g_update_keeps_residuals_exact(data):
    X_train, y_train, _, _ = data
    y_sign = np.where(y_train == 1, 1.0, -1.0)
    params = ("rbf", 0.1, 3, 0.0)
    cache = KernelRowCache(X_train, *params, capacity=50)
    k_diag = np.ones(len(y_train))
    alpha, g, n_iter, _, _ = smo(cache, k_diag, y_sign, 1.0, 1e-3, -1)
    K = kernel_matrix(X_train, X_train, *params)
    assert n_iter > 0
    np.testing.assert_allclose(g, y_sign - K @ (alpha * y_sign), atol=1e-9)


@pytest.mark.parametrize("kernel", ["linear", "poly", "rbf"])
def test_eq_svm_kernels_match_sklearn_pairwise(kernel):
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(7, 4)), rng.normal(size=(5, 4))
    ours = kernel_matrix(A, B, kernel, 0.3, 2, 0.7)
    kwargs = {
        "linear": {},
        "rbf": {"gamma": 0.3},
        "poly": {"gamma": 0.3, "degree": 2, "coef0": 0.7},
    }[kernel]
    ref = pairwise_kernels(A, B, metric=kernel, **kwargs)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)


def test_kernel_row_cache_is_bounded_and_rows_are_exact(data):
    X_train = data[0]
    cache = KernelRowCache(X_train, "rbf", 0.2, 3, 0.0, capacity=3)
    K = kernel_matrix(X_train, X_train, "rbf", 0.2, 3, 0.0)
    for i in [0, 5, 9, 0, 17, 42, 5]:
        np.testing.assert_allclose(cache.row(i), K[i], atol=1e-12)
        assert len(cache.rows) <= 3
    assert list(cache.rows) == [17, 42, 5]  # least recently used went


def test_small_cache_gives_the_same_model(data):
    X_train, y_train, X_test, _ = data
    big = SVC().fit(X_train, y_train)
    tiny = SVC(cache_size=0.01).fit(X_train, y_train)  # a few rows
    np.testing.assert_array_equal(big.support_, tiny.support_)
    np.testing.assert_allclose(
        big.decision_function(X_test),
        tiny.decision_function(X_test),
        atol=1e-12,
    )


@pytest.mark.parametrize("gamma", ["scale", "auto", 0.37])
def test_gamma_is_resolved_as_sklearn_does(data, gamma):
    X_train, y_train, _, _ = data
    ours = SVC(gamma=gamma).fit(X_train, y_train)
    ref = SklearnSVC(gamma=gamma).fit(X_train, y_train)
    assert ours.gamma_ == pytest.approx(ref._gamma, rel=1e-12)


def test_eq_svm_w_linear_coef_matches_sklearn(data):
    X_train, y_train, _, _ = data
    ours = SVC(kernel="linear").fit(X_train, y_train)
    ref = SklearnSVC(kernel="linear").fit(X_train, y_train)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=0.02)
    with pytest.raises(AttributeError, match="linear"):
        SVC().fit(X_train, y_train).coef_


def test_sklearn_attribute_layout(data):
    X_train, y_train, _, _ = data
    ours = SVC().fit(X_train, y_train)
    ref = SklearnSVC().fit(X_train, y_train)
    assert ours.dual_coef_.shape == (1, len(ours.support_))
    assert ours.intercept_.shape == (1,)
    np.testing.assert_array_equal(
        ours.support_vectors_, X_train[ours.support_]
    )
    assert ours.n_support_.sum() == len(ours.support_)
    # support vectors grouped by class, classes_[0] (negative) first
    assert np.all(ours.dual_coef_[0, : ours.n_support_[0]] < 0)
    assert np.all(ours.dual_coef_[0, ours.n_support_[0] :] > 0)
    assert np.all(np.abs(ours.dual_coef_) <= 1.0 + 1e-12)
    np.testing.assert_array_equal(
        np.sign(ref.dual_coef_[0, :3]), np.sign(ours.dual_coef_[0, :3])
    )


def test_string_labels_come_back_and_positive_means_classes_1(data):
    X_train, y_train, X_test, _ = data
    names = np.array(["malignant", "benign"])[y_train]
    model = SVC().fit(X_train, names)
    ref = SklearnSVC().fit(X_train, names)
    np.testing.assert_array_equal(model.classes_, ["benign", "malignant"])
    pred = model.predict(X_test)
    assert set(pred) <= {"benign", "malignant"}
    f = model.decision_function(X_test)
    np.testing.assert_array_equal(pred == "malignant", f > 0)
    assert np.mean(pred == ref.predict(X_test)) >= 0.98


def test_non_contiguous_integer_labels(data):
    X_train, y_train, X_test, _ = data
    labels = np.where(y_train == 1, 7, -3)
    model = SVC().fit(X_train, labels)
    np.testing.assert_array_equal(model.classes_, [-3, 7])
    assert set(model.predict(X_test)) <= {-3, 7}


def test_score_is_accuracy(data):
    X_train, y_train, X_test, y_test = data
    model = SVC().fit(X_train, y_train)
    assert model.score(X_test, y_test) == np.mean(
        model.predict(X_test) == y_test
    )


def test_breast_cancer_agrees_with_sklearn():
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    ours = SVC(C=1.0).fit(X[::2], y[::2])
    ref = SklearnSVC(C=1.0).fit(X[::2], y[::2])
    f_ours = ours.decision_function(X[1::2])
    f_ref = ref.decision_function(X[1::2])
    assert np.corrcoef(f_ours, f_ref)[0, 1] > 0.99
    assert np.mean(ours.predict(X[1::2]) == ref.predict(X[1::2])) >= 0.98


def test_duplicate_points_with_opposite_labels_still_converge():
    # k(x, x) + k(x', x') - 2 k(x, x') = 0 for a duplicate: the TAU floor
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    X = np.vstack([X, X[:5]])
    y = np.r_[(X[:40, 0] > 0).astype(int), 1 - (X[:5, 0] > 0)]
    for kernel in ["linear", "rbf"]:
        ours = SVC(kernel=kernel).fit(X, y)
        ref = SklearnSVC(kernel=kernel).fit(X, y)
        assert np.mean(ours.predict(X) == ref.predict(X)) >= 0.95


def test_separable_data_with_large_C_has_margin_support_vectors():
    rng = np.random.default_rng(4)
    X = np.vstack(
        [rng.normal(-3, 0.5, size=(20, 2)), rng.normal(3, 0.5, size=(20, 2))]
    )
    y = np.r_[np.zeros(20), np.ones(20)]
    model = SVC(kernel="linear", C=1e6).fit(X, y)
    y_sign = 2 * y - 1
    margin = y_sign * model.decision_function(X)
    assert np.all(margin >= 1 - 1e-3)
    np.testing.assert_allclose(margin[model.support_], 1.0, atol=1e-3)


def test_max_iter_stops_early_with_a_warning(data):
    X_train, y_train, _, _ = data
    with pytest.warns(ConvergenceWarning, match="max_iter"):
        model = SVC(max_iter=5).fit(X_train, y_train)
    np.testing.assert_array_equal(model.n_iter_, [5])


def test_fit_is_deterministic(data):
    X_train, y_train, X_test, _ = data
    a = SVC().fit(X_train, y_train)
    b = SVC().fit(X_train, y_train)
    np.testing.assert_array_equal(
        a.decision_function(X_test), b.decision_function(X_test)
    )


def test_default_fit_on_small_gaussian_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    model = SVC().fit(X, y)
    assert model is not None and model.score(X, y) > 0.9


def test_hyper_parameters_are_stored_unchanged():
    model = SVC(
        C=2,
        kernel="poly",
        degree=2,
        gamma="auto",
        coef0=1,
        tol=1e-4,
        cache_size=50,
        max_iter=100,
    )
    assert (model.C, model.kernel, model.degree, model.gamma) == (
        2,
        "poly",
        2,
        "auto",
    )
    assert (model.coef0, model.tol, model.cache_size, model.max_iter) == (
        1,
        1e-4,
        50,
        100,
    )


# ---- more than two classes: one-vs-one ------------------------------------


def standardised(loader):
    X, y = loader(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def sklearn_pair_coef(ref):
    """scikit-learn's (libsvm's) multi-class ``dual_coef_`` unpacked into
    one row per pair of classes: in libsvm's layout, the column of a
    support vector of class c holds its coefficient for the pair (c, o) in
    row o if o < c and in row o - 1 otherwise."""
    n_classes = len(ref.classes_)
    ends = np.cumsum(ref.n_support_)
    columns = [
        slice(end - count, end) for end, count in zip(ends, ref.n_support_)
    ]
    pairs = list(itertools.combinations(range(n_classes), 2))
    coef = np.zeros((len(pairs), ref.dual_coef_.shape[1]))
    for p, (a, b) in enumerate(pairs):
        coef[p, columns[a]] = ref.dual_coef_[b - 1, columns[a]]
        coef[p, columns[b]] = ref.dual_coef_[a, columns[b]]
    return coef


@pytest.mark.parametrize("kernel", ["rbf", "linear", "poly"])
def test_one_vs_one_coefficients_match_sklearn(kernel):
    # A tight tol makes both solvers land on the same support set, so the
    # attributes can be compared entry by entry.
    X, y = standardised(load_wine)
    ours = SVC(kernel=kernel, coef0=1.0, tol=1e-6).fit(X, y)
    ref = SklearnSVC(kernel=kernel, coef0=1.0, tol=1e-6).fit(X, y)
    np.testing.assert_array_equal(ours.support_, ref.support_)
    np.testing.assert_array_equal(ours.n_support_, ref.n_support_)
    np.testing.assert_allclose(
        ours.dual_coef_, sklearn_pair_coef(ref), atol=1e-4
    )
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    assert ours.n_iter_.shape == (3,)
    for shape in ["ovr", "ovo"]:
        ours.decision_function_shape = ref.decision_function_shape = shape
        np.testing.assert_allclose(
            ours.decision_function(X), ref.decision_function(X), atol=1e-4
        )
    if kernel == "linear":
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)


@pytest.mark.parametrize("loader", [load_iris, load_wine])
def test_one_vs_one_agrees_with_sklearn_on_held_out_set(loader):
    X, y = standardised(loader)
    train = np.arange(len(y)) % 3 != 0
    ours = SVC().fit(X[train], y[train])
    ref = SklearnSVC().fit(X[train], y[train])
    f_ours = ours.decision_function(X[~train])  # (n_test, n_classes)
    f_ref = ref.decision_function(X[~train])
    assert f_ours.shape == f_ref.shape == (np.sum(~train), 3)
    for k in range(3):
        assert np.corrcoef(f_ours[:, k], f_ref[:, k])[0, 1] > 0.99
    assert np.mean(ours.predict(X[~train]) == ref.predict(X[~train])) >= 0.98
    assert abs(len(ours.support_) - len(ref.support_)) <= (
        0.05 * len(ref.support_) + 1
    )


def test_eq_svm_ovo_vote_predicts_most_voted_class_with_string_labels():
    X, y = standardised(load_iris)
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    model = SVC(decision_function_shape="ovo").fit(X, names)
    np.testing.assert_array_equal(model.classes_, np.unique(names))
    pairwise = model.decision_function(X)  # (n, 3) for pairs 01, 02, 12
    votes = np.zeros((len(y), 3))
    for column, (a, b) in zip(pairwise.T, [(0, 1), (0, 2), (1, 2)]):
        votes[:, a] += column > 0
        votes[:, b] += column <= 0
    expected = model.classes_[np.argmax(votes, axis=1)]
    np.testing.assert_array_equal(model.predict(X), expected)
    assert model.score(X, names) > 0.95


# ---- bad input -----------------------------------------------------------


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(C=0.0), ValueError, "C must be > 0"),
        (dict(C=-1.0), ValueError, "C must be > 0"),
        (dict(C="1"), TypeError, "C must be a number"),
        (dict(kernel="sigmoid"), ValueError, "kernel must be one of"),
        (dict(kernel="gauss"), ValueError, "kernel must be one of"),
        (dict(gamma=0.0), ValueError, "gamma must be > 0"),
        (dict(gamma=-0.5), ValueError, "gamma must be > 0"),
        (dict(gamma="wide"), ValueError, "gamma must be one of"),
        (dict(gamma=None), TypeError, "gamma must be a number"),
        (dict(degree=-1), ValueError, "degree must be >= 0"),
        (dict(degree=2.5), TypeError, "degree must be an integer"),
        (dict(tol=0.0), ValueError, "tol must be > 0"),
        (dict(cache_size=0), ValueError, "cache_size must be > 0"),
        (dict(max_iter=0), ValueError, "max_iter must be -1"),
        (dict(max_iter=-2), ValueError, "max_iter must be >= -1"),
        (dict(coef0="a"), TypeError, "coef0 must be a number"),
        (
            dict(decision_function_shape="ova"),
            ValueError,
            "decision_function_shape must be one of",
        ),
    ],
)
def test_bad_hyper_parameters_raise(params, error, match):
    X, y = split_data(n_train=20, n_test=0)[:2]
    with pytest.raises(error, match=match):
        SVC(**params).fit(X, y)


def test_single_class_raises():
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match="class"):
        SVC().fit(X, np.ones(10))


@pytest.mark.parametrize(
    "X, y, error, match",
    [
        (np.array([[0.0, np.nan], [1.0, 2.0]]), [0, 1], ValueError, "NaN"),
        (
            np.array([[0.0, np.inf], [1.0, 2.0]]),
            [0, 1],
            ValueError,
            "infinity",
        ),
        (np.array([0.0, 1.0, 2.0]), [0, 1, 0], ValueError, "2-D"),
        (np.zeros((1, 2)), [0], ValueError, "at least 2"),
        (np.zeros((3, 2)), [0, 1], ValueError, "different lengths"),
        (np.zeros((2, 2)), [[0], [1]], ValueError, "1-D"),
        ([["a", "b"], ["c", "d"]], [0, 1], TypeError, "numbers"),
    ],
)
def test_bad_training_input_raises(X, y, error, match):
    with pytest.raises(error, match=match):
        SVC().fit(X, y)


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError, match="not fitted"):
        SVC().predict(np.zeros((2, 2)))
    with pytest.raises(NotFittedError, match="not fitted"):
        SVC().decision_function(np.zeros((2, 2)))


def test_predict_with_wrong_feature_count_or_nan_raises(data):
    X_train, y_train, X_test, _ = data
    model = SVC().fit(X_train, y_train)
    with pytest.raises(ValueError, match="features"):
        model.predict(X_test[:, :3])
    bad = X_test.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.decision_function(bad)


@pytest.mark.parametrize("name", ["tol", "gamma", "coef0", "C"])
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_hyper_parameters_are_refused(name, value, time_limit):
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    with time_limit(10), pytest.raises(ValueError, match="finite"):
        SVC(**{name: value}).fit(X, [0, 1, 0, 1])


@pytest.mark.parametrize(
    "kernel, scale", [("rbf", 1e307), ("linear", 1e160), ("poly", 1e160)]
)
def test_data_whose_kernel_overflows_is_a_clear_error(
    kernel, scale, time_limit
):
    X, y = make_classification(n_samples=40, n_features=4, random_state=0)
    with time_limit(10), pytest.raises(ValueError, match="overflow"):
        SVC(kernel=kernel, gamma=1.0).fit(X * scale, y)


def test_poly_kernel_overflowing_off_the_diagonal_stops_smo(time_limit):
    # Points of equal norm r with coef0 = -gamma r^2: k(x, x) = 0 is
    # finite, but k(x, -x) = (-2 gamma r^2)^3 overflows to -inf.
    X = 1e52 * np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    with time_limit(10), pytest.raises(ValueError, match="non-finite"):
        SVC(kernel="poly", gamma=1.0, coef0=-1e104, degree=3).fit(
            X, [0, 1, 1, 0]
        )


def test_smo_stops_on_non_finite_kernel_rows(time_limit):
    class NaNRows:
        def row(self, i):
            return np.full(4, np.nan)

    y = np.array([1.0, -1.0, 1.0, -1.0])
    with time_limit(10), pytest.raises(ValueError, match="non-finite"):
        smo(NaNRows(), np.ones(4), y, 1.0, 1e-3, -1)


def test_predicting_on_overflowing_data_is_a_clear_error(data):
    X_train, y_train, X_test, _ = data
    model = SVC(kernel="linear").fit(X_train, y_train)
    with pytest.raises(ValueError, match="overflow"):
        model.predict(X_test * 1e160)
