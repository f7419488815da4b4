"""Tests for scratch.linear_regression, against scikit-learn and closed forms.

Each test states a claim of book/supervised/linear_regression.md.
"""

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from scratch.linear_regression import LinearRegression
from scratch.validation import ConvergenceWarning, NotFittedError


@pytest.fixture(scope="module")
def regression_data():
    X, y = make_regression(
        n_samples=300, n_features=8, noise=5.0, random_state=0
    )
    return X, y + 3.0  # a non-zero intercept


@pytest.fixture(scope="module")
def standardised_data(regression_data):
    X, y = regression_data
    return StandardScaler().fit_transform(X), y


def assert_same_fit(ours, reference, rtol=1e-8):
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=rtol)
    np.testing.assert_allclose(
        ours.intercept_, reference.intercept_, rtol=rtol
    )


def test_eq_ols_lstsq_matches_sklearn(regression_data):
    X, y = regression_data
    assert_same_fit(
        LinearRegression().fit(X, y), SkLinearRegression().fit(X, y)
    )


def test_eq_ols_lstsq_matches_sklearn_without_intercept(regression_data):
    X, y = regression_data
    assert_same_fit(
        LinearRegression(fit_intercept=False).fit(X, y),
        SkLinearRegression(fit_intercept=False).fit(X, y),
    )


@pytest.mark.parametrize("solver", ["lstsq", "cholesky"])
@pytest.mark.parametrize("alpha", [0.1, 10.0, 1000.0])
def test_eq_ridge_matches_sklearn_ridge(regression_data, alpha, solver):
    X, y = regression_data
    assert_same_fit(
        LinearRegression(alpha=alpha, solver=solver).fit(X, y),
        Ridge(alpha=alpha).fit(X, y),
    )


def test_eq_ridge_closed_form_solves_the_normal_equations(regression_data):
    # (X^T X + alpha I) w = X^T y on centred data: eq-ridge-closed-form.
    X, y = regression_data
    alpha = 5.0
    model = LinearRegression(alpha=alpha).fit(X, y)
    X_c, y_c = X - X.mean(axis=0), y - y.mean()
    lhs = (X_c.T @ X_c + alpha * np.eye(X.shape[1])) @ model.coef_
    np.testing.assert_allclose(lhs, X_c.T @ y_c, rtol=1e-9)


def test_eq_projection_residual_is_orthogonal_to_columns(regression_data):
    X, y = regression_data
    model = LinearRegression().fit(X, y)
    residual = y - model.predict(X)
    design = np.column_stack([np.ones(len(X)), X])
    np.testing.assert_allclose(design.T @ residual, 0.0, atol=1e-7)


def test_eq_gd_step_converges_to_the_lstsq_solution(standardised_data):
    X, y = standardised_data
    exact = LinearRegression().fit(X, y)
    descent = LinearRegression(solver="gd").fit(X, y)
    assert_same_fit(descent, exact, rtol=1e-7)
    assert descent.n_iter_ < descent.max_iter


def test_eq_gd_step_converges_to_ridge(standardised_data):
    X, y = standardised_data
    descent = LinearRegression(solver="gd", alpha=50.0).fit(X, y)
    assert_same_fit(descent, Ridge(alpha=50.0).fit(X, y), rtol=1e-7)


def test_eq_gd_step_condition_too_large_a_step_diverges(standardised_data):
    X, y = standardised_data
    X_c = X - X.mean(axis=0)
    lambda_max = np.linalg.eigvalsh(X_c.T @ X_c / len(X)).max()
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        model = LinearRegression(
            solver="gd", learning_rate=2.2 / lambda_max, max_iter=200
        ).fit(X, y)
    exact = LinearRegression().fit(X, y)
    assert np.linalg.norm(model.coef_ - exact.coef_) > 1e3


def test_rank_deficient_design_gives_the_minimum_norm_solution():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    X = np.column_stack([X, X[:, 0]])  # a duplicated column
    y = X @ np.array([1.0, 2.0, 3.0, 1.0]) + 0.5
    model = LinearRegression().fit(X, y)
    assert model.rank_ == 3
    np.testing.assert_allclose(model.coef_[0], model.coef_[3])
    np.testing.assert_allclose(model.predict(X), y, atol=1e-9)


def test_score_is_r2_as_in_sklearn(regression_data):
    X, y = regression_data
    ours = LinearRegression().fit(X[:200], y[:200])
    theirs = SkLinearRegression().fit(X[:200], y[:200])
    np.testing.assert_allclose(
        ours.score(X[200:], y[200:]),
        theirs.score(X[200:], y[200:]),
        rtol=1e-10,
    )


def test_fit_returns_self_and_keeps_hyper_parameters():
    model = LinearRegression(alpha=2.0, solver="gd")
    X = np.arange(20.0).reshape(10, 2)
    assert model.fit(X, X[:, 0]) is model
    assert model.alpha == 2.0 and model.solver == "gd"
    assert model.n_features_in_ == 2


@pytest.mark.parametrize(
    "X, y, error, message",
    [
        ([[1.0, np.nan], [2.0, 3.0]], [1.0, 2.0], ValueError, "NaN"),
        ([[1.0, np.inf], [2.0, 3.0]], [1.0, 2.0], ValueError, "infinity"),
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], ValueError, "2-D"),
        ([[1.0, 2.0]], [1.0], ValueError, "at least 2"),
        ([[1.0], [2.0], [3.0]], [1.0, 2.0], ValueError, "different lengths"),
        ([[1.0], [2.0]], [1.0, np.nan], ValueError, "NaN"),
        ([["a"], ["b"]], [1.0, 2.0], TypeError, "numbers"),
    ],
)
def test_bad_input_raises_a_clear_error(X, y, error, message):
    with pytest.raises(error, match=message):
        LinearRegression().fit(X, y)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"alpha": -1.0}, ValueError, "alpha"),
        ({"solver": "qr"}, ValueError, "solver"),
        ({"solver": "cholesky"}, ValueError, "alpha > 0"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate"),
        ({"max_iter": 0}, ValueError, "max_iter"),
        ({"max_iter": 2.5}, TypeError, "max_iter"),
        ({"fit_intercept": "yes"}, TypeError, "fit_intercept"),
    ],
)
def test_invalid_hyper_parameters_raise(params, error, message):
    X = np.arange(10.0).reshape(5, 2)
    with pytest.raises(error, match=message):
        LinearRegression(**params).fit(X, X[:, 0])


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError, match="not fitted"):
        LinearRegression().predict(np.ones((2, 2)))


def test_predict_with_a_different_feature_count_raises(regression_data):
    X, y = regression_data
    model = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="8 features"):
        model.predict(X[:, :3])


def test_score_is_sklearns_r2_and_constant_y_is_an_error():
    from sklearn.metrics import r2_score as sk_r2_score

    rng = np.random.default_rng(5)
    X = rng.normal(size=(60, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(size=60)
    model = LinearRegression().fit(X, y)
    assert model.score(X, y) == pytest.approx(
        sk_r2_score(y, model.predict(X)), rel=1e-12
    )
    with pytest.raises(ValueError, match="R\\^2 is undefined"):
        model.score(X, np.full(60, 3.0))


def test_gradient_descent_on_a_constant_column_matches_lstsq():
    X = np.full((10, 1), 3.0)
    y = np.arange(10.0)
    descent = LinearRegression(solver="gd").fit(X, y)
    direct = LinearRegression(solver="lstsq").fit(X, y)
    np.testing.assert_allclose(descent.coef_, direct.coef_, atol=1e-12)
    assert descent.intercept_ == pytest.approx(y.mean())
    assert descent.intercept_ == pytest.approx(direct.intercept_)


def test_gradient_descent_with_a_constant_and_a_varying_column():
    rng = np.random.default_rng(0)
    X = np.column_stack([np.ones(50), rng.normal(size=50)])
    y = 2.0 * X[:, 1] + 1.0
    descent = LinearRegression(solver="gd").fit(X, y)
    reference = SkLinearRegression().fit(X, y)
    np.testing.assert_allclose(descent.coef_, reference.coef_, atol=1e-8)


def test_diverging_gradient_descent_is_a_clear_error(
    regression_data, time_limit
):
    X, y = regression_data
    with time_limit(20), pytest.raises(ValueError, match="diverged"):
        LinearRegression(solver="gd", learning_rate=1e3).fit(X, y)


@pytest.mark.parametrize(
    "name, value",
    [
        ("alpha", np.nan),
        ("alpha", np.inf),
        ("learning_rate", np.nan),
        ("learning_rate", np.inf),
        ("tol", np.nan),
    ],
)
def test_non_finite_hyper_parameters_are_refused(name, value):
    X = np.arange(10.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="finite"):
        LinearRegression(solver="gd", **{name: value}).fit(X, X[:, 0])
