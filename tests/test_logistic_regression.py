"""Tests for scratch.logistic_regression, against scikit-learn, finite
differences and the results derived in
book/supervised/logistic_regression.md. Each test states one of the
chapter's claims and carries the label of the equation it checks.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine, make_classification
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from scratch.logistic_regression import (
    LogisticRegression,
    binary_gradient_hessian,
    binary_gradient_hessian_product,
    binary_loss,
    binary_loss_gradient,
    choose_solver,
    conjugate_gradient_direction,
    design_matrix,
    intercept_shift,
    log_sum_exp,
    multinomial_gradient_hessian,
    multinomial_gradient_hessian_product,
    multinomial_loss,
    multinomial_loss_gradient,
    newton_direction,
    penalty_weights,
    sigmoid,
    softmax,
    two_loop_direction,
    wolfe_line_search,
)
from scratch.validation import ConvergenceWarning, NotFittedError

SOLVERS = ["newton-cholesky", "newton-cg", "lbfgs"]


@pytest.fixture(scope="module")
def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def wine():
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def synthetic_multiclass():
    # Not standardised on purpose: shifted, unequally scaled features.
    X, y = make_classification(
        n_samples=400,
        n_features=6,
        n_informative=4,
        n_redundant=0,
        n_classes=4,
        random_state=0,
    )
    return X * [1.0, 3.0, 0.5, 2.0, 1.0, 4.0] + 2.0, y


def sklearn_fit(X, y, C=1.0, fit_intercept=True):
    return SkLogisticRegression(
        C=C, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000
    ).fit(X, y)


def patient_model(**params):
    """Our model with a tolerance that pins the intercepts down when the
    data are nearly separable (large C), where a gradient of 1e-8 still
    leaves L-BFGS's intercepts off in the fourth digit."""
    return LogisticRegression(**{"tol": 1e-9, **params})


def assert_same_fit(ours, reference, rtol=1e-4):
    # Relative to the largest coefficient, so that near-zero entries do not
    # demand more digits than lbfgs gives scikit-learn.
    scale = np.max(np.abs(reference.coef_))
    np.testing.assert_allclose(
        ours.coef_, reference.coef_, rtol=0, atol=rtol * scale
    )
    np.testing.assert_allclose(
        ours.intercept_,
        reference.intercept_,
        rtol=0,
        atol=rtol * max(scale, 1.0),
    )
    assert ours.coef_.shape == reference.coef_.shape
    assert ours.intercept_.shape == reference.intercept_.shape


def fitted_theta(model):
    """The fitted parameters as the solver sees them: rows (w_k, b_k)."""
    return np.column_stack([model.coef_, model.intercept_])


# --- agreement with scikit-learn (eq-logreg-objective) -------------------


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_eq_logreg_objective_binary_matches_sklearn(breast_cancer, C, solver):
    X, y = breast_cancer
    assert_same_fit(
        patient_model(C=C, solver=solver).fit(X, y), sklearn_fit(X, y, C)
    )


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_eq_logreg_softmax_objective_multinomial_matches_sklearn(
    wine, C, solver
):
    X, y = wine
    assert_same_fit(
        patient_model(C=C, solver=solver).fit(X, y), sklearn_fit(X, y, C)
    )


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_synthetic_multinomial_matches_sklearn(
    synthetic_multiclass, fit_intercept, solver
):
    X, y = synthetic_multiclass
    ours = LogisticRegression(
        C=0.5, fit_intercept=fit_intercept, solver=solver
    ).fit(X, y)
    assert_same_fit(ours, sklearn_fit(X, y, 0.5, fit_intercept))


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_synthetic_binary_matches_sklearn(
    synthetic_multiclass, fit_intercept, solver
):
    X, y = synthetic_multiclass
    binary = y % 2
    ours = LogisticRegression(
        C=2.0, fit_intercept=fit_intercept, solver=solver
    )
    assert_same_fit(
        ours.fit(X, binary), sklearn_fit(X, binary, 2.0, fit_intercept)
    )


def test_probabilities_match_sklearn_and_sum_to_one(wine, breast_cancer):
    for X, y in (wine, breast_cancer):
        ours = LogisticRegression().fit(X, y).predict_proba(X)
        np.testing.assert_allclose(ours.sum(axis=1), 1.0, rtol=1e-12)
        np.testing.assert_allclose(
            ours, sklearn_fit(X, y).predict_proba(X), atol=1e-6
        )


def test_predict_log_proba_predict_and_score_agree(wine, breast_cancer):
    for X, y in (wine, breast_cancer):
        model = LogisticRegression().fit(X, y)
        proba = model.predict_proba(X)
        np.testing.assert_allclose(
            model.predict_log_proba(X), np.log(proba), rtol=1e-10, atol=1e-12
        )
        predicted = model.predict(X)
        np.testing.assert_array_equal(
            predicted, model.classes_[np.argmax(proba, axis=1)]
        )
        np.testing.assert_array_equal(predicted, sklearn_fit(X, y).predict(X))
        assert model.score(X, y) == np.mean(predicted == y)


def test_eq_logreg_model_decision_function_is_the_log_odds(breast_cancer):
    X, y = breast_cancer
    model = LogisticRegression().fit(X, y)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(
        model.decision_function(X),
        np.log(proba[:, 1] / proba[:, 0]),
        rtol=1e-8,
        atol=1e-8,
    )


# --- derivations checked by finite differences ---------------------------


def numerical_gradient(function, theta, step=1e-6):
    gradient = np.zeros_like(theta)
    for j in range(theta.size):
        shift = np.zeros_like(theta)
        shift[j] = step
        gradient[j] = (function(theta + shift) - function(theta - shift)) / (
            2 * step
        )
    return gradient


@pytest.fixture(scope="module")
def small_problem():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    y = rng.integers(0, 3, size=50)
    X1 = design_matrix(X, fit_intercept=True)
    l2 = penalty_weights(3, fit_intercept=True, C=0.7)
    return X1, y, l2, rng


def test_eq_logreg_gradient_and_hessian_match_finite_differences(
    small_problem,
):
    X1, y, l2, rng = small_problem
    y01 = (y == 1).astype(float)
    theta = rng.normal(size=X1.shape[1])
    gradient, hessian = binary_gradient_hessian(theta, X1, y01, l2)
    np.testing.assert_allclose(
        gradient,
        numerical_gradient(lambda t: binary_loss(t, X1, y01, l2), theta),
        atol=1e-8,
    )
    numerical_hessian = np.column_stack(
        [
            numerical_gradient(
                lambda t: binary_gradient_hessian(t, X1, y01, l2)[0][j], theta
            )
            for j in range(theta.size)
        ]
    )
    np.testing.assert_allclose(hessian, numerical_hessian, atol=1e-8)


def test_eq_logreg_softmax_gradient_and_hessian_match_finite_differences(
    small_problem,
):
    X1, y, l2, rng = small_problem
    Y = np.eye(3)[y]
    theta = rng.normal(size=3 * X1.shape[1])
    gradient, hessian = multinomial_gradient_hessian(theta, X1, Y, l2)
    np.testing.assert_allclose(
        gradient,
        numerical_gradient(lambda t: multinomial_loss(t, X1, Y, l2), theta),
        atol=1e-8,
    )
    numerical_hessian = np.column_stack(
        [
            numerical_gradient(
                lambda t: multinomial_gradient_hessian(t, X1, Y, l2)[0][j],
                theta,
            )
            for j in range(theta.size)
        ]
    )
    np.testing.assert_allclose(hessian, numerical_hessian, atol=1e-8)


def test_eq_logreg_hessian_product_matches_the_full_hessian(small_problem):
    X1, y, l2, rng = small_problem
    theta2, theta3 = rng.normal(size=X1.shape[1]), rng.normal(size=12)
    for theta, target, full, product in [
        (
            theta2,
            (y == 1) * 1.0,
            binary_gradient_hessian,
            binary_gradient_hessian_product,
        ),
        (
            theta3,
            np.eye(3)[y],
            multinomial_gradient_hessian,
            multinomial_gradient_hessian_product,
        ),
    ]:
        gradient, hessian = full(theta, X1, target, l2)
        same_gradient, hessian_product = product(theta, X1, target, l2)
        np.testing.assert_allclose(same_gradient, gradient, rtol=1e-12)
        vector = rng.normal(size=theta.size)
        np.testing.assert_allclose(
            hessian_product(vector), hessian @ vector, rtol=1e-10
        )


def test_conjugate_gradient_step_solves_the_newton_system(small_problem):
    X1, y, l2, rng = small_problem
    theta = rng.normal(size=X1.shape[1])
    gradient, hessian = binary_gradient_hessian(theta, X1, (y == 1) * 1.0, l2)
    _, hessian_product = binary_gradient_hessian_product(
        theta, X1, (y == 1) * 1.0, l2
    )
    step = conjugate_gradient_direction(gradient, hessian_product)
    # Truncated: residual within the forcing tolerance, a descent step.
    forcing = min(0.5, np.sqrt(np.linalg.norm(gradient)))
    assert np.linalg.norm(
        hessian @ step + gradient
    ) <= forcing * np.linalg.norm(gradient) * (1 + 1e-12)
    assert gradient @ step < 0


def test_eq_logreg_hessian_is_positive_definite(small_problem):
    # Convexity theorem: X^T S X + lambda I with the intercept direction
    # covered by the data term.
    X1, y, l2, rng = small_problem
    theta = rng.normal(size=X1.shape[1]) * 5
    _, hessian = binary_gradient_hessian(theta, X1, (y == 1) * 1.0, l2)
    assert np.linalg.eigvalsh(hessian).min() > 0


def test_eq_logreg_gauge_softmax_hessian_has_the_intercept_null_direction(
    small_problem,
):
    X1, y, l2, rng = small_problem
    theta = rng.normal(size=3 * X1.shape[1])
    gradient, hessian = multinomial_gradient_hessian(
        theta, X1, np.eye(3)[y], l2
    )
    u = intercept_shift(3, X1.shape[1])
    np.testing.assert_allclose(np.linalg.norm(u), 1.0)
    np.testing.assert_allclose(hessian @ u, 0.0, atol=1e-12)
    assert abs(gradient @ u) < 1e-12
    eigenvalues = np.linalg.eigvalsh(hessian)
    assert np.sum(eigenvalues < 1e-10) == 1  # only that one direction
    step = newton_direction(gradient, hessian, u)
    assert abs(step @ u) < 1e-10
    np.testing.assert_allclose(hessian @ step, -gradient, atol=1e-10)


def test_eq_logreg_irls_newton_step_is_a_weighted_least_squares_solve(
    small_problem,
):
    X1, y, l2, rng = small_problem
    y01 = (y == 1).astype(float)
    theta = rng.normal(size=X1.shape[1])
    gradient, hessian = binary_gradient_hessian(theta, X1, y01, l2)
    newton = theta + np.linalg.solve(hessian, -gradient)
    p = sigmoid(X1 @ theta)
    s = p * (1 - p)
    working_response = X1 @ theta + (y01 - p) / s
    weighted = (X1.T * s) @ X1 + np.diag(l2)
    irls = np.linalg.solve(weighted, (X1.T * s) @ working_response)
    np.testing.assert_allclose(newton, irls, rtol=1e-10)


@pytest.mark.parametrize("data", ["breast_cancer", "wine"])
def test_gradient_vanishes_at_the_fitted_parameters(data, request):
    # Central differences of the objective itself, independent of the
    # analytic gradient the solver used.
    X, y = request.getfixturevalue(data)
    model = LogisticRegression().fit(X, y)
    X1 = design_matrix(X, True)
    l2 = penalty_weights(X.shape[1], True, model.C)
    theta = fitted_theta(model)
    if len(model.classes_) == 2:
        loss = lambda t: binary_loss(t, X1, (y == 1) * 1.0, l2)  # noqa
    else:
        Y = np.eye(len(model.classes_))[y]
        loss = lambda t: multinomial_loss(t, X1, Y, l2)  # noqa
    gradient = numerical_gradient(loss, theta.ravel(), step=1e-5)
    assert np.max(np.abs(gradient)) < 1e-7


@pytest.mark.parametrize("solver", SOLVERS)
def test_eq_logreg_gauge_softmax_weights_and_intercepts_sum_to_zero(
    wine, solver
):
    model = LogisticRegression(solver=solver).fit(*wine)
    np.testing.assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)
    np.testing.assert_allclose(model.intercept_.sum(), 0.0, atol=1e-10)


def test_newton_converges_in_few_steps(breast_cancer, wine):
    for X, y in (breast_cancer, wine):
        assert LogisticRegression().fit(X, y).n_iter_[0] <= 20


# --- numerical stability -------------------------------------------------


def test_eq_logreg_stable_sigmoid_is_exact_and_never_overflows():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        extreme = sigmoid(np.array([-1e4, -800.0, 800.0, 1e4]))
    np.testing.assert_array_equal(extreme, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(sigmoid(z) + sigmoid(-z), 1.0, rtol=1e-15)


def test_eq_logreg_logsumexp_is_exact_and_never_overflows():
    Z = np.random.default_rng(0).normal(size=(20, 4)) * 10
    np.testing.assert_allclose(
        log_sum_exp(Z), np.log(np.exp(Z).sum(axis=1)), rtol=1e-13
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        big = log_sum_exp(np.array([[1000.0, 1000.0], [-1000.0, -1e4]]))
        P = softmax(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(big, [1000 + np.log(2), -1000.0])
    np.testing.assert_allclose(P, [[1.0, 0.0, 0.0]])


# --- separable data (eq-logreg-separable-bound) --------------------------


def separable_data(n_classes):
    rng = np.random.default_rng(3)
    centres = 6.0 * np.eye(n_classes, 2 if n_classes == 2 else n_classes)
    y = rng.integers(0, n_classes, size=90)
    return centres[y] + rng.normal(scale=0.5, size=(90, centres.shape[1])), y


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_eq_logreg_separable_bound_keeps_weights_finite(n_classes, solver):
    X, y = separable_data(n_classes)
    norms = []
    for C in [1.0, 100.0, 1e4]:
        # Separable: a flat valley, so a tight tol to fix the intercept.
        model = patient_model(C=C, solver=solver, tol=1e-10).fit(X, y)
        assert model.score(X, y) == 1.0
        assert np.all(np.isfinite(model.coef_))
        assert np.all(np.isfinite(model.predict_proba(X)))
        squared_norm = np.sum(model.coef_**2)
        assert squared_norm <= 2 * C * len(y) * np.log(n_classes)
        norms.append(squared_norm)
        assert_same_fit(model, sklearn_fit(X, y, C), rtol=1e-3)
    assert norms[0] < norms[1] < norms[2]  # grows with C, never infinite


def test_zero_variance_feature_gets_a_zero_weight(breast_cancer):
    # A constant column is collinear with the unpenalised intercept, so the
    # stationarity condition forces its weight to zero.
    X, y = breast_cancer
    X = np.column_stack([X[:, :5], np.full(len(X), 3.0)])
    model = LogisticRegression().fit(X, y)
    assert abs(model.coef_[0, -1]) < 1e-10
    assert_same_fit(model, sklearn_fit(X, y))


# --- labels --------------------------------------------------------------


def test_string_labels_come_back_as_given(wine):
    X, y = wine
    names = np.array(["barolo", "grignolino", "barbera"])[y]
    model = LogisticRegression().fit(X, names)
    np.testing.assert_array_equal(model.classes_, np.sort(np.unique(names)))
    assert set(model.predict(X)) <= set(names)
    assert_same_fit(model, sklearn_fit(X, names))


def test_binary_string_labels_follow_sklearn_positive_class(breast_cancer):
    X, y = breast_cancer
    names = np.array(["malignant", "benign"])[1 - y]  # benign sorts first
    model = LogisticRegression().fit(X, names)
    assert_same_fit(model, sklearn_fit(X, names))
    np.testing.assert_array_equal(
        model.predict(X), sklearn_fit(X, names).predict(X)
    )


def test_non_contiguous_integer_labels(wine):
    X, y = wine
    labels = np.array([-7, 10, 42])[y]
    model = LogisticRegression().fit(X, labels)
    np.testing.assert_array_equal(model.classes_, [-7, 10, 42])
    reference = LogisticRegression().fit(X, y)
    np.testing.assert_allclose(model.coef_, reference.coef_)
    np.testing.assert_array_equal(
        model.predict(X), np.array([-7, 10, 42])[reference.predict(X)]
    )


# --- estimator contract and bad input ------------------------------------


def test_default_fit_on_the_generic_problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression()
    assert model.fit(X, y) is model
    assert model.coef_.shape == (1, 3) and model.intercept_.shape == (1,)
    assert model.n_features_in_ == 3
    assert model.score(X, y) > 0.9


def test_same_data_gives_the_same_model(wine):
    first = LogisticRegression(C=0.3).fit(*wine)
    second = LogisticRegression(C=0.3).fit(*wine)
    np.testing.assert_array_equal(first.coef_, second.coef_)
    np.testing.assert_array_equal(first.intercept_, second.intercept_)


def test_hyper_parameters_are_stored_unchanged():
    model = LogisticRegression(
        C=3,
        fit_intercept=False,
        max_iter=7,
        tol=1e-3,
        solver="newton-cg",
        lbfgs_memory=4,
    )
    assert (
        model.C,
        model.fit_intercept,
        model.max_iter,
        model.tol,
        model.solver,
        model.lbfgs_memory,
    ) == (3, False, 7, 1e-3, "newton-cg", 4)
    assert LogisticRegression().get_params()["solver"] == "auto"


def test_too_few_newton_steps_warn(wine):
    with pytest.warns(ConvergenceWarning, match="raise max_iter"):
        LogisticRegression(max_iter=1).fit(*wine)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"C": 0.0}, ValueError, "C must be > 0"),
        ({"C": -1.0}, ValueError, "C must be > 0"),
        ({"C": np.inf}, ValueError, "C must be finite"),
        ({"C": "1"}, TypeError, "C must be a number"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
        ({"tol": -1e-3}, ValueError, "tol must be >= 0"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept must be True"),
        ({"solver": "sag"}, ValueError, "solver must be one of"),
        ({"lbfgs_memory": 0}, ValueError, "lbfgs_memory must be >= 1"),
        ({"lbfgs_memory": 2.5}, TypeError, "lbfgs_memory must be an int"),
    ],
)
def test_invalid_hyper_parameters_raise(params, error, match):
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(error, match=match):
        LogisticRegression(**params).fit(X, np.arange(10) % 2)


@pytest.mark.parametrize(
    "X, y, match",
    [
        (
            [[0.0, np.nan], [1.0, 1.0], [2.0, 0.0]],
            [0, 1, 0],
            "NaN or infinity",
        ),
        (
            [[0.0, np.inf], [1.0, 1.0], [2.0, 0.0]],
            [0, 1, 0],
            "NaN or infinity",
        ),
        ([0.0, 1.0, 2.0], [0, 1, 0], "2-D array"),
        ([[0.0, 1.0]], [0], "at least 2"),
        ([[0.0], [1.0], [2.0]], [0, 1], "different lengths"),
        ([[0.0], [1.0], [2.0]], [[0], [1], [0]], "1-D array of labels"),
        ([[0.0], [1.0], [2.0]], [1, 1, 1], "at least 2 are needed"),
    ],
)
def test_bad_training_input_raises(X, y, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression().fit(X, y)


def test_non_numeric_X_raises_type_error():
    with pytest.raises(TypeError, match="must hold numbers"):
        LogisticRegression().fit([["a", "b"], ["c", "d"]], [0, 1])


def test_predict_before_fit_raises():
    model = LogisticRegression()
    for method in (
        model.predict,
        model.predict_proba,
        model.decision_function,
        model.predict_log_proba,
    ):
        with pytest.raises(NotFittedError, match="not fitted"):
            method(np.zeros((2, 3)))
    with pytest.raises(NotFittedError, match="not fitted"):
        model.score(np.zeros((2, 3)), [0, 1])


def test_different_feature_count_at_predict_raises(wine):
    model = LogisticRegression().fit(*wine)
    with pytest.raises(ValueError, match="13 features"):
        model.predict(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.predict_proba(np.full((2, 13), np.nan))


def test_eq_logreg_gradient_fitted_probabilities_match_class_counts(
    breast_cancer, wine
):
    # The intercept's gradient row of eq-logreg-gradient (and of
    # eq-logreg-softmax-gradient) is sum_i (p_ik - y_ik) = 0 at the optimum.
    for X, y in (breast_cancer, wine):
        model = LogisticRegression().fit(X, y)
        expected = np.bincount(y).astype(float)
        np.testing.assert_allclose(
            model.predict_proba(X).sum(axis=0), expected, rtol=1e-8
        )


# --- L-BFGS (alg-logreg-lbfgs) -------------------------------------------


def bfgs_inverse_dense(steps, changes):
    """H_k built densely by the BFGS inverse update, oldest pair first,
    from gamma I: the reference for the two-loop recursion."""
    gamma = (steps[-1] @ changes[-1]) / (changes[-1] @ changes[-1])
    inverse = gamma * np.eye(steps[0].size)
    for s, y in zip(steps, changes):
        rho = 1.0 / (y @ s)
        left = np.eye(s.size) - rho * np.outer(s, y)
        inverse = left @ inverse @ left.T + rho * np.outer(s, s)
    return inverse


@pytest.fixture(scope="module")
def quadratic_pairs():
    # Exact pairs of a quadratic 0.5 x^T A x: y = A s.
    rng = np.random.default_rng(4)
    factor = rng.normal(size=(8, 8))
    A = factor @ factor.T + 0.5 * np.eye(8)
    steps = [rng.normal(size=8) for _ in range(5)]
    changes = [A @ s for s in steps]
    return A, steps, changes, rng


def test_eq_logreg_two_loop_equals_the_dense_bfgs_inverse(quadratic_pairs):
    _, steps, changes, rng = quadratic_pairs
    gradient = rng.normal(size=8)
    np.testing.assert_allclose(
        two_loop_direction(gradient, steps, changes),
        -bfgs_inverse_dense(steps, changes) @ gradient,
        rtol=1e-10,
        atol=1e-12,
    )


def test_eq_logreg_secant_two_loop_maps_newest_change_to_newest_step(
    quadratic_pairs,
):
    # The secant condition H_k y_{k-1} = s_{k-1}.
    _, steps, changes, _ = quadratic_pairs
    np.testing.assert_allclose(
        two_loop_direction(-changes[-1], steps, changes),
        steps[-1],
        rtol=1e-10,
    )


def test_eq_logreg_two_loop_without_pairs_is_steepest_descent():
    gradient = np.array([1.0, -2.0, 3.0])
    np.testing.assert_array_equal(
        two_loop_direction(gradient, [], []), -gradient
    )


def rosenbrock(theta):
    x, y = theta
    value = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    gradient = np.array(
        [-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)]
    )
    return value, gradient


@pytest.mark.parametrize("curvature", [0.9, 0.1])
@pytest.mark.parametrize("first_step", [1e-4, 1.0, 20.0])
def test_eq_logreg_wolfe_line_search_step_satisfies_both_conditions(
    curvature, first_step
):
    theta = np.array([-1.2, 1.0])
    value, gradient = rosenbrock(theta)
    direction = -gradient / np.linalg.norm(gradient) * 0.3
    step_size, new_theta, new_value, new_gradient = wolfe_line_search(
        rosenbrock,
        theta,
        value,
        gradient,
        direction,
        first_step,
        sufficient=1e-4,
        curvature=curvature,
    )
    slope = gradient @ direction
    np.testing.assert_allclose(new_theta, theta + step_size * direction)
    expected_value, expected_gradient = rosenbrock(new_theta)
    np.testing.assert_allclose(new_value, expected_value)
    np.testing.assert_allclose(new_gradient, expected_gradient)
    assert new_value <= value + 1e-4 * step_size * slope  # Armijo
    assert abs(new_gradient @ direction) <= curvature * abs(slope)
    # eq-logreg-curvature-pair: the pair keeps H positive definite.
    assert (new_theta - theta) @ (new_gradient - gradient) > 0


@pytest.mark.parametrize("n_classes", [2, 3])
def test_eq_logreg_loss_gradient_matches_loss_and_finite_differences(
    small_problem, n_classes
):
    X1, y, l2, rng = small_problem
    if n_classes == 2:
        target = (y == 1) * 1.0
        theta = rng.normal(size=X1.shape[1])
        loss, loss_gradient = binary_loss, binary_loss_gradient
    else:
        target = np.eye(3)[y]
        theta = rng.normal(size=3 * X1.shape[1])
        loss, loss_gradient = multinomial_loss, multinomial_loss_gradient
    value, gradient = loss_gradient(theta, X1, target, l2)
    np.testing.assert_allclose(value, loss(theta, X1, target, l2))
    np.testing.assert_allclose(
        gradient,
        numerical_gradient(lambda t: loss(t, X1, target, l2), theta),
        atol=1e-8,
    )


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n_classes", [2, 4])
def test_lbfgs_reaches_the_newton_and_sklearn_optimum(
    synthetic_multiclass, fit_intercept, n_classes
):
    # Standardised, so that scikit-learn's lbfgs, which also stops when
    # the objective no longer falls by 64 eps, reaches the tolerance.
    X, y = synthetic_multiclass
    X, y = StandardScaler().fit_transform(X), y % n_classes
    settings = {"C": 0.5, "fit_intercept": fit_intercept, "tol": 1e-10}
    lbfgs = LogisticRegression(solver="lbfgs", **settings)
    newton = LogisticRegression(solver="newton-cholesky", **settings)
    reference = SkLogisticRegression(max_iter=10_000, **settings)
    lbfgs, newton = lbfgs.fit(X, y), newton.fit(X, y)
    for other in (newton, reference.fit(X, y)):
        np.testing.assert_allclose(lbfgs.coef_, other.coef_, atol=1e-6)
        np.testing.assert_allclose(
            lbfgs.intercept_, other.intercept_, atol=1e-6
        )


def test_lbfgs_needs_no_more_iterations_than_sklearn(breast_cancer, wine):
    # Same algorithm, memory and stopping test as scipy's L-BFGS-B, which
    # scikit-learn calls: many more iterations would point at the line
    # search or the first step.
    for X, y in (breast_cancer, wine):
        ours = LogisticRegression(solver="lbfgs", tol=1e-6).fit(X, y)
        theirs = SkLogisticRegression(tol=1e-6).fit(X, y)
        assert ours.n_iter_[0] <= 1.2 * theirs.n_iter_[0] + 2


def test_eq_logreg_gauge_lbfgs_keeps_the_intercepts_centred(wine):
    # Every gradient, step and gradient change is orthogonal to the shared
    # intercept shift, so the two-loop directions are too.
    model = LogisticRegression(solver="lbfgs").fit(*wine)
    assert abs(model.intercept_.sum()) < 1e-10


def test_eq_logreg_solver_rule_auto_picks_by_parameter_count():
    assert choose_solver(1000, 30) == "newton-cholesky"
    assert choose_solver(1000, 500) == "lbfgs"
    assert choose_solver(50, 60) == "lbfgs"  # p^3 / 3 dominates n p^2
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 20))
    y = rng.integers(0, 10, size=200)  # p = 21 * 10 = 210
    model = LogisticRegression().fit(X, y)
    assert model.solver_ == "lbfgs"
    explicit = LogisticRegression(solver="lbfgs").fit(X, y)
    np.testing.assert_array_equal(model.coef_, explicit.coef_)
    assert LogisticRegression().fit(X, y % 2).solver_ == "newton-cholesky"


def test_too_few_lbfgs_iterations_warn(wine):
    with pytest.warns(ConvergenceWarning, match="lbfgs stopped after 2"):
        LogisticRegression(solver="lbfgs", max_iter=2).fit(*wine)


@pytest.mark.parametrize("C", [1.0, 100.0])
def test_lbfgs_below_float64_resolution_stops_and_warns(wine, C):
    # A tolerance no float64 gradient reaches: the fit ends, by max_iter
    # (C = 1) or early, when rounding hides every further Wolfe step
    # (C = 100), warns, and sits at Newton's optimum all the same.
    with pytest.warns(ConvergenceWarning, match="lbfgs stopped after"):
        model = LogisticRegression(
            solver="lbfgs", C=C, tol=1e-300, max_iter=300
        ).fit(*wine)
    reference = LogisticRegression(solver="newton-cholesky", C=C)
    reference.fit(*wine)
    np.testing.assert_allclose(model.coef_, reference.coef_, atol=1e-5)
