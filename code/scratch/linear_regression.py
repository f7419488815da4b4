"""Linear regression: ordinary least squares and ridge.

Chapter: book/supervised/linear_regression.md. Three solvers reach the same
minimiser: a least-squares solve of the (augmented) system, which never forms
X^T X (eq-ols-lstsq, eq-ridge-augmented); for ridge, the regularised normal
equations, whose condition number the penalty bounds (eq-ridge-closed-form);
and gradient descent with a step size inside the stability limit
(eq-gd-step, eq-gd-step-condition).
"""

import numbers
import warnings

import numpy as np

from .validation import (
    BaseEstimator,
    ConvergenceWarning,
    RegressorMixin,
    check_bool,
    check_magnitude,
    check_option,
    check_predict_input,
    check_scalar,
    check_X_y,
    record_feature_names,
)


def center_data(X, y, fit_intercept):
    """Subtract the column means so that the intercept drops out.

    Returns the centred data and the means; with ``fit_intercept=False``
    the data are returned as they are and the means are zero. The intercept
    is recovered afterwards by eq-intercept.
    """
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    X_mean = X.mean(axis=0)
    y_mean = y.mean()
    return X - X_mean, y - y_mean, X_mean, y_mean


def solve_least_squares(X, y, alpha):
    """Minimise ||y - X w||^2 + alpha ||w||^2 by an orthogonal solve.

    Ridge is ordinary least squares on the augmented system
    [X; sqrt(alpha) I] w = [y; 0] (eq-ridge-augmented), so one call to
    ``lstsq`` (SVD based) handles both and never forms X^T X, whose
    condition number is the square of X's (eq-ols-lstsq).
    Returns the weights, the rank and the singular values of the system.
    """
    if alpha > 0:
        n_features = X.shape[1]
        X = np.vstack([X, np.sqrt(alpha) * np.eye(n_features)])
        y = np.concatenate([y, np.zeros(n_features)])
    coef, _, rank, singular_values = np.linalg.lstsq(X, y, rcond=None)
    return coef, rank, singular_values


def solve_ridge_normal_equations(X, y, alpha):
    """Solve (X^T X + alpha I) w = X^T y (eq-ridge-closed-form).

    Forming X^T X squares the condition number, which is why OLS avoids it;
    with alpha > 0 the matrix's eigenvalues are at least alpha, so its
    condition number is at most (s_max^2 + alpha) / alpha and the solve is
    safe unless alpha is tiny next to s_max^2. It costs half of an SVD.
    """
    gram = X.T @ X  # (n_features, n_features)
    gram.flat[:: gram.shape[0] + 1] += alpha
    return np.linalg.solve(gram, X.T @ y)


def largest_hessian_eigenvalue(X, alpha, n_iter=100, seed=0):
    """Estimate the largest eigenvalue of H = (X^T X + alpha I) / n by power
    iteration: it sets the largest stable step (eq-gd-step-condition)
    without the cost of a full eigen-decomposition."""
    n_samples, n_features = X.shape
    vector = np.random.default_rng(seed).normal(size=n_features)
    eigenvalue = 0.0
    for _ in range(n_iter):
        product = (X.T @ (X @ vector) + alpha * vector) / n_samples
        norm = np.linalg.norm(product)
        if norm == 0.0:
            return alpha / n_samples
        vector = product / norm
        previous, eigenvalue = (
            eigenvalue,
            vector @ (X.T @ (X @ vector) + alpha * vector) / n_samples,
        )
        if abs(eigenvalue - previous) <= 1e-6 * eigenvalue:
            break
    return eigenvalue


def gradient_descent(X, y, alpha, learning_rate, max_iter, tol):
    """Minimise L(w) = (||y - X w||^2 + alpha ||w||^2) / (2n) by gradient
    descent, w <- w - eta * grad L(w) (eq-gd-step), with the gradient of
    eq-ols-gradient. Stops when the gradient's norm has fallen below
    ``tol`` times its starting value. Returns the weights and the number of
    steps taken.
    """
    n_samples, n_features = X.shape
    coef = np.zeros(n_features)
    Xty = X.T @ y / n_samples
    gradient = -Xty  # the gradient at w = 0
    threshold = tol * max(np.linalg.norm(gradient), np.finfo(float).tiny)
    for step in range(1, max_iter + 1):
        coef -= learning_rate * gradient
        with np.errstate(over="ignore", invalid="ignore"):
            residual_term = X.T @ (X @ coef) / n_samples
            gradient = residual_term - Xty + alpha * coef / n_samples
            norm = np.linalg.norm(gradient)
        if not np.isfinite(norm):
            raise ValueError(
                f"gradient descent diverged at step {step}: "
                f"learning_rate={learning_rate!r} is above the stability "
                "limit 2 / lambda_max (eq-gd-step-condition); lower it or "
                "leave it None"
            )
        if norm <= threshold:
            return coef, step
    warnings.warn(
        f"gradient descent did not converge in {max_iter} steps; raise "
        "max_iter or standardise the features",
        ConvergenceWarning,
        stacklevel=3,
    )
    return coef, max_iter


class LinearRegression(RegressorMixin, BaseEstimator):
    """Least-squares linear regression with an optional L2 (ridge) penalty.

    Minimises ||y - X w - b||^2 + alpha ||w||^2 (eq-ridge-objective); the
    intercept b is not penalised. ``alpha=0`` is ordinary least squares.

    Parameters
    ----------
    alpha : float, default=0.0
        Strength of the L2 penalty (scikit-learn's ``Ridge(alpha)``).
    fit_intercept : bool, default=True
        Whether to fit b; if False the data are assumed centred.
    solver : {'auto', 'lstsq', 'cholesky', 'gd'}, default='auto'
        'lstsq' solves the least-squares problem with an SVD; 'cholesky'
        solves the regularised normal equations (alpha > 0 only); 'gd'
        runs gradient descent. 'auto' is 'lstsq' for alpha = 0 and
        'cholesky' otherwise, as scikit-learn's Ridge does.
    learning_rate : float or None, default=None
        Step size eta for 'gd'. None uses 1 / lambda_max of the Hessian,
        inside the stability limit 2 / lambda_max (eq-gd-step-condition).
    max_iter : int, default=10000
        Most gradient steps for 'gd'.
    tol : float, default=1e-10
        'gd' stops when ||grad|| <= tol * ||grad at w = 0||.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_features_in_ : int
    n_iter_ : int or None
        Gradient steps taken ('gd'); None for the direct solvers.
    rank_, singular_values_ : rank and singular values of the centred
        (and, for ridge, augmented) design matrix ('lstsq' only).
    """

    def __init__(
        self,
        *,
        alpha=0.0,
        fit_intercept=True,
        solver="auto",
        learning_rate=None,
        max_iter=10000,
        tol=1e-10,
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol

    def _check_params(self):
        check_scalar(self.alpha, "alpha", low=0.0)
        check_option(
            self.solver, "solver", {"auto", "lstsq", "cholesky", "gd"}
        )
        if self.solver == "cholesky" and self.alpha == 0:
            raise ValueError(
                "solver='cholesky' needs alpha > 0: without "
                "a penalty X^T X may be singular; use 'lstsq'"
            )
        check_bool(self.fit_intercept, "fit_intercept")
        if self.learning_rate is not None:
            check_scalar(
                self.learning_rate,
                "learning_rate",
                low=0.0,
                low_inclusive=False,
            )
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)

    def fit(self, X, y):
        """Fit the weights and the intercept; returns self."""
        self._check_params()
        record_feature_names(self, X)
        X, y = check_X_y(X, y, min_samples=2, y_numeric=True)
        check_magnitude(X)  # X^T X and the residuals square the data
        check_magnitude(y[:, None], "y")
        X_centred, y_centred, X_mean, y_mean = center_data(
            X, y, self.fit_intercept
        )
        solver = self.solver
        if solver == "auto":
            solver = "lstsq" if self.alpha == 0 else "cholesky"
        self.n_iter_ = None
        if solver == "lstsq":
            self.coef_, self.rank_, self.singular_values_ = (
                solve_least_squares(X_centred, y_centred, self.alpha)
            )
        elif solver == "cholesky":
            self.coef_ = solve_ridge_normal_equations(
                X_centred, y_centred, self.alpha
            )
        elif not np.any(X_centred) and self.alpha == 0:
            # Every column constant: the loss does not depend on w (its
            # Hessian is zero), and w = 0 is the minimum-norm minimiser,
            # the one lstsq returns. No step size exists to descend with.
            self.coef_, self.n_iter_ = np.zeros(X.shape[1]), 0
        else:
            learning_rate = self.learning_rate
            if learning_rate is None:
                learning_rate = 1.0 / largest_hessian_eigenvalue(
                    X_centred, self.alpha
                )
            self.coef_, self.n_iter_ = gradient_descent(
                X_centred,
                y_centred,
                self.alpha,
                learning_rate,
                self.max_iter,
                self.tol,
            )
        # eq-intercept: the fitted plane passes through the means.
        self.intercept_ = float(y_mean - X_mean @ self.coef_)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        """Predictions X w + b (eq-linear-model)."""
        X = check_predict_input(self, X)
        return X @ self.coef_ + self.intercept_
