"""Logistic regression: binary (sigmoid) and multinomial (softmax).

Chapter: book/supervised/logistic_regression.md. The model minimises the
L2-penalised cross-entropy with scikit-learn's convention,
0.5 ||W||^2 + C * sum_i loss_i, the intercept unpenalised
(eq-logreg-objective, eq-logreg-softmax-objective). The objective is
convex and smooth, so Newton's method with a backtracking line search
(eq-logreg-newton, eq-logreg-armijo) reaches the minimiser in a handful of
steps. Each step solves one linear system in the p = (d + 1) K parameters:
'newton-cholesky' forms the p x p Hessian and factorises it, which pays
off up to about a hundred parameters; 'newton-cg' solves the system by
conjugate gradients from Hessian-vector products
(eq-logreg-hessian-product) and never forms the Hessian. 'lbfgs' never
solves a system: it builds an inverse-Hessian model from the last few
gradient changes (alg-logreg-lbfgs), so each of its many cheap steps costs
one pass over the data. 'auto', the default, takes Newton's method for
few parameters and L-BFGS for many (eq-logreg-solver-rule).
"""

import numbers
import warnings
from collections import deque

import numpy as np

# sigmoid, softmax and log_sum_exp are derived in this model's chapter and
# shared with every other model through numerics; they stay importable from
# here under the same names.
from .numerics import log_sum_exp, sigmoid, softmax  # noqa: F401
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    ConvergenceWarning,
    check_bool,
    check_magnitude,
    check_option,
    check_predict_input,
    check_scalar,
    check_X_y,
    encode_labels,
    record_feature_names,
)


def design_matrix(X, fit_intercept):
    """Append a column of ones, so that the intercept is one more weight:
    theta = (w, b) and z = [x, 1] . theta (eq-logreg-model)."""
    if not fit_intercept:
        return X
    return np.hstack([X, np.ones((X.shape[0], 1))])  # (n, d + 1)


def penalty_weights(n_features, fit_intercept, C):
    """Per-parameter L2 weights 1 / C: the weights are penalised, the
    intercept is not (eq-logreg-objective)."""
    weights = np.full(n_features + int(fit_intercept), 1.0 / C)
    if fit_intercept:
        weights[-1] = 0.0
    return weights  # (d + 1,) or (d,)


def binary_loss(theta, X1, y, l2):
    """Penalised cross-entropy divided by n (eq-logreg-objective).

    ``X1`` is the design matrix, ``y`` holds 0/1, ``l2`` the per-parameter
    penalty weights. log(1 + e^z) is ``logaddexp(0, z)``, exact for any z
    (eq-logreg-cross-entropy).
    """
    z = X1 @ theta  # (n_samples,)
    data_term = np.sum(np.logaddexp(0.0, z) - y * z)
    return (data_term + 0.5 * np.sum(l2 * theta**2)) / X1.shape[0]


def binary_gradient_hessian(theta, X1, y, l2):
    """Gradient and Hessian of ``binary_loss``: X^T (p - y) + lambda theta
    (eq-logreg-gradient) and X^T S X + lambda I with S = diag(p (1 - p))
    (eq-logreg-hessian), both divided by n."""
    n_samples = X1.shape[0]
    p = sigmoid(X1 @ theta)  # (n_samples,)
    gradient = X1.T @ (p - y) + l2 * theta
    hessian = (X1.T * (p * (1.0 - p))) @ X1  # (n_params, n_params)
    hessian[np.diag_indices_from(hessian)] += l2
    return gradient / n_samples, hessian / n_samples


def multinomial_loss(theta, X1, Y, l2):
    """Penalised softmax cross-entropy divided by n
    (eq-logreg-softmax-objective).

    ``theta`` is the flattened (n_classes, n_params) matrix whose row k
    holds (w_k, b_k); ``Y`` is the one-hot (n_samples, n_classes) target.
    """
    n_classes = Y.shape[1]
    coef = theta.reshape(n_classes, -1)  # (n_classes, n_params)
    Z = X1 @ coef.T  # (n_samples, n_classes)
    data_term = np.sum(log_sum_exp(Z)) - np.sum(Y * Z)
    return (data_term + 0.5 * np.sum(l2 * coef**2)) / X1.shape[0]


def multinomial_gradient_hessian(theta, X1, Y, l2):
    """Gradient (eq-logreg-softmax-gradient) and Hessian
    (eq-logreg-softmax-hessian) of ``multinomial_loss``, flattened in the
    order of ``theta`` (class-major: index k * n_params + j).

    The (k, l) block of the data Hessian is X^T diag(p_k (delta_kl - p_l))
    X. Writing A[i, k, :] = p_ik x_i, it equals a block-diagonal part
    X^T diag(p_k) X minus A^T A, each one matrix product.
    """
    n_samples, n_params = X1.shape
    n_classes = Y.shape[1]
    coef = theta.reshape(n_classes, n_params)
    P = softmax(X1 @ coef.T)  # (n_samples, n_classes)
    gradient = (P - Y).T @ X1 + l2 * coef  # (n_classes, n_params)

    A = (P[:, :, None] * X1[:, None, :]).reshape(n_samples, -1)
    hessian = -(A.T @ A)  # (n_classes * n_params, n_classes * n_params)
    diagonal_blocks = (A.T @ X1).reshape(n_classes, n_params, n_params)
    for k in range(n_classes):
        block = slice(k * n_params, (k + 1) * n_params)
        hessian[block, block] += diagonal_blocks[k]
    hessian[np.diag_indices_from(hessian)] += np.tile(l2, n_classes)
    return gradient.ravel() / n_samples, hessian / n_samples


def binary_gradient_hessian_product(theta, X1, y, l2):
    """Gradient of ``binary_loss`` and a function v -> H v that applies
    the Hessian (eq-logreg-hessian) as X^T (S (X v)) + lambda v, in
    O(n p) time, without forming H (eq-logreg-hessian-product)."""
    n_samples = X1.shape[0]
    p = sigmoid(X1 @ theta)  # (n_samples,)
    gradient = (X1.T @ (p - y) + l2 * theta) / n_samples
    weights = p * (1.0 - p)

    def hessian_product(vector):
        return (X1.T @ (weights * (X1 @ vector)) + l2 * vector) / n_samples

    return gradient, hessian_product


def multinomial_gradient_hessian_product(theta, X1, Y, l2):
    """Gradient of ``multinomial_loss`` and a function v -> H v for the
    softmax Hessian (eq-logreg-softmax-hessian), in O(n p) time
    (eq-logreg-hessian-product).

    For V = v as a (n_classes, n_params) matrix, the scores move by
    X V^T, and block row k of H v is X^T (p_k * (X v_k - sum_l p_l X v_l))
    plus the penalty.
    """
    n_samples, n_params = X1.shape
    n_classes = Y.shape[1]
    coef = theta.reshape(n_classes, n_params)
    P = softmax(X1 @ coef.T)  # (n_samples, n_classes)
    gradient = ((P - Y).T @ X1 + l2 * coef).ravel() / n_samples

    def hessian_product(vector):
        V = vector.reshape(n_classes, n_params)
        score_change = X1 @ V.T  # (n_samples, n_classes)
        mean_change = np.sum(P * score_change, axis=1, keepdims=True)
        R = P * (score_change - mean_change)  # (n_samples, n_classes)
        return (R.T @ X1 + l2 * V).ravel() / n_samples

    return gradient, hessian_product


def conjugate_gradient_direction(gradient, hessian_product):
    """Solve H s = -g approximately by conjugate gradients, using only
    products H v: the truncated Newton step of 'newton-cg'.

    Stops once ||H s + g|| <= min(0.5, sqrt(||g||)) ||g||, loose far from
    the minimum and tight near it, which keeps Newton's fast final
    convergence. Every CG iterate is a descent direction, and since the
    intercept shift u of eq-logreg-gauge has H u = 0 and g . u = 0, the
    iterates stay orthogonal to it without any special care.
    """
    gradient_norm = np.linalg.norm(gradient)
    target = min(0.5, np.sqrt(gradient_norm)) * gradient_norm
    step = np.zeros_like(gradient)
    residual = -gradient  # -g - H s at s = 0
    direction = residual.copy()
    residual_sq = residual @ residual
    for _ in range(2 * gradient.size):
        if np.sqrt(residual_sq) <= target:
            break
        curved = hessian_product(direction)
        curvature = direction @ curved
        if curvature <= 0.0:  # only through rounding: H is positive
            break
        alpha = residual_sq / curvature
        step += alpha * direction
        residual -= alpha * curved
        new_residual_sq = residual @ residual
        direction = residual + (new_residual_sq / residual_sq) * direction
        residual_sq = new_residual_sq
    if not np.any(step):
        step = -gradient
    return step


def intercept_shift(n_classes, n_params):
    """The unit vector u that adds the same amount to every intercept b_k:
    a direction in which the softmax objective is flat (eq-logreg-gauge).
    """
    shift = np.zeros((n_classes, n_params))
    shift[:, -1] = 1.0 / np.sqrt(n_classes)  # the intercepts' column
    return shift.ravel()


def newton_direction(gradient, hessian, null_direction=None):
    """Solve H s = -g for the Newton step (eq-logreg-newton) through the
    Cholesky factor of H: the step of 'newton-cholesky'.

    ``null_direction`` is a unit vector u with H u = 0 and g . u = 0: the
    multinomial model's shared intercept shift (eq-logreg-gauge). Adding
    u u^T makes the system non-singular without changing the step, whose
    component along u stays zero. If rounding makes the system singular,
    or the step is not a descent direction, fall back to -g.
    """
    if null_direction is not None:
        hessian = hessian + np.outer(null_direction, null_direction)
    try:
        # H = L L^T exists because H is positive definite; two solves.
        factor = np.linalg.cholesky(hessian)
        step = np.linalg.solve(factor.T, np.linalg.solve(factor, -gradient))
    except np.linalg.LinAlgError:
        step = np.linalg.lstsq(hessian, -gradient, rcond=None)[0]
    if not np.all(np.isfinite(step)) or gradient @ step >= 0.0:
        step = -gradient
    return step


def backtracking_line_search(
    loss,
    theta,
    value,
    gradient,
    step,
    shrink=0.5,
    sufficient=1e-4,
    max_halvings=60,
):
    """Largest eta in {1, 1/2, 1/4, ...} with the Armijo decrease
    L(theta + eta s) <= L(theta) + c eta g.s (eq-logreg-armijo).

    A slack of a few units of rounding in L lets the last steps, whose
    decrease is below float64 resolution, through. Returns the new
    parameters and their loss (the old ones if no eta qualifies).
    """
    slope = gradient @ step  # negative: a descent direction
    slack = 16 * np.finfo(float).eps * abs(value)
    step_size = 1.0
    for _ in range(max_halvings):
        candidate = theta + step_size * step
        candidate_value = loss(candidate)
        if candidate_value <= (value + sufficient * step_size * slope + slack):
            return candidate, candidate_value
        step_size *= shrink
    return theta, value


def newton_minimise(
    loss, derivatives, theta, max_iter, tol, solve=newton_direction
):
    """Damped Newton's method (alg-logreg-newton).

    ``derivatives(theta)`` returns the gradient and the curvature (the
    Hessian, or a function applying it), and ``solve(gradient, curvature)``
    the Newton step. Stops when the largest gradient entry is <= ``tol``.
    Returns the minimiser, the number of Newton steps and whether it
    converged.
    """
    value = loss(theta)
    for n_iter in range(max_iter + 1):
        gradient, curvature = derivatives(theta)
        if np.max(np.abs(gradient)) <= tol:
            return theta, n_iter, True
        if n_iter == max_iter:
            break
        step = solve(gradient, curvature)
        new_theta, value = backtracking_line_search(
            loss, theta, value, gradient, step
        )
        if np.array_equal(new_theta, theta):  # no decrease is resolvable
            return theta, n_iter, False
        theta = new_theta
    return theta, max_iter, False


def binary_loss_gradient(theta, X1, y, l2):
    """``binary_loss`` and its gradient (eq-logreg-gradient) in one pass
    over the data, as L-BFGS needs them: both divided by n."""
    n_samples = X1.shape[0]
    z = X1 @ theta  # (n_samples,)
    data_term = np.sum(np.logaddexp(0.0, z) - y * z)
    value = (data_term + 0.5 * np.sum(l2 * theta**2)) / n_samples
    gradient = (X1.T @ (sigmoid(z) - y) + l2 * theta) / n_samples
    return value, gradient


def multinomial_loss_gradient(theta, X1, Y, l2):
    """``multinomial_loss`` and its gradient
    (eq-logreg-softmax-gradient) in one pass, both divided by n.

    One exponential per score serves both: shifted by the row maximum
    (eq-logreg-logsumexp), it gives the log-sum-exp and the softmax.
    """
    n_samples = X1.shape[0]
    coef = theta.reshape(Y.shape[1], -1)  # (n_classes, n_params)
    Z = X1 @ coef.T  # (n_samples, n_classes)
    top = np.max(Z, axis=1, keepdims=True)
    exp_Z = np.exp(Z - top)  # in (0, 1], the largest of each row is 1
    row_sum = np.sum(exp_Z, axis=1, keepdims=True)  # in [1, n_classes]
    data_term = np.sum(top) + np.sum(np.log(row_sum)) - np.sum(Y * Z)
    value = (data_term + 0.5 * np.sum(l2 * coef**2)) / n_samples
    P = exp_Z / row_sum  # softmax, (n_samples, n_classes)
    gradient = ((P - Y).T @ X1 + l2 * coef) / n_samples
    return value, gradient.ravel()


def two_loop_direction(gradient, steps, changes):
    """The quasi-Newton direction -H_k g from the stored pairs
    (s_j, y_j), oldest first, by the two-loop recursion
    (eq-logreg-two-loop), in O(m p) time for m pairs of length p.

    H_k is the BFGS update (eq-logreg-bfgs-inverse) applied m times to
    the scaled identity gamma I of eq-logreg-lbfgs-scaling; it is never
    formed.
    """
    q = gradient.copy()
    rhos = [1.0 / (y @ s) for s, y in zip(steps, changes)]
    alphas = []
    for s, y, rho in zip(reversed(steps), reversed(changes), rhos[::-1]):
        alpha = rho * (s @ q)  # newest pair first
        q -= alpha * y
        alphas.append(alpha)
    if steps:
        gamma = (steps[-1] @ changes[-1]) / (changes[-1] @ changes[-1])
    else:
        gamma = 1.0
    r = gamma * q
    for s, y, rho, alpha in zip(steps, changes, rhos, alphas[::-1]):
        beta = rho * (y @ r)  # oldest pair first
        r += (alpha - beta) * s
    return -r


def cubic_minimiser(low, high):
    """Minimiser of the cubic through two points (step, value, slope) of
    phi(eta) = L(theta + eta d), kept at least a tenth of the interval
    away from its ends; the midpoint if the cubic has no minimum there."""
    (a, fa, da), (b, fb, db) = low, high
    if a == b:  # the interval has shrunk to rounding
        return a
    d1 = da + db - 3.0 * (fa - fb) / (a - b)
    radicand = d1 * d1 - da * db
    width = abs(b - a)
    lo, hi = min(a, b) + 0.1 * width, max(a, b) - 0.1 * width
    if not radicand >= 0.0 or not np.isfinite(radicand):
        return 0.5 * (a + b)
    d2 = np.copysign(np.sqrt(radicand), b - a)
    denominator = db - da + 2.0 * d2
    if denominator == 0.0:
        return 0.5 * (a + b)
    candidate = b - (b - a) * (db + d2 - d1) / denominator
    return float(np.clip(candidate, lo, hi))


def wolfe_line_search(
    loss_gradient,
    theta,
    value,
    gradient,
    direction,
    step_size=1.0,
    sufficient=1e-4,
    curvature=0.9,
    max_evaluations=50,
):
    """A step size eta with the strong Wolfe conditions
    (eq-logreg-wolfe): the Armijo decrease and |phi'(eta)| <= c2
    |phi'(0)|, for phi(eta) = L(theta + eta d).

    Bracketing then zooming with cubic interpolation, as in Nocedal and
    Wright's Algorithms 3.5 and 3.6. A slack of a few units of rounding
    in L lets through the last steps, whose decrease float64 cannot
    resolve; the slope test, made on gradients, still applies. Returns
    (eta, new theta, value, gradient), or None if no step qualifies
    within ``max_evaluations``.
    """
    slope = gradient @ direction  # phi'(0) < 0: a descent direction
    # Rounding in L: relative to |L|, but at least to 1, the size of the
    # summed terms (L starts at log K and shrinks by cancellation).
    noise = 16 * np.finfo(float).eps * max(abs(value), 1.0)

    def evaluate(eta):
        new_theta = theta + eta * direction
        new_value, new_gradient = loss_gradient(new_theta)
        point = (eta, new_value, new_gradient @ direction)  # phi, phi'
        return point, (new_theta, new_value, new_gradient)

    def armijo(point):
        eta, new_value, _ = point
        return new_value <= value + noise + sufficient * eta * slope

    def higher(point, other):
        return point[1] > other[1] + noise

    def flat(point):
        return abs(point[2]) <= -curvature * slope

    low, low_state = (0.0, value, slope), None
    high = None
    for _ in range(max_evaluations):
        if high is None:  # bracketing: grow eta until it passes a minimum
            point, state = evaluate(step_size)
            if not armijo(point) or (low_state and higher(point, low)):
                high = point
            elif flat(point):
                return (point[0],) + state
            elif point[2] >= 0.0:
                high, low, low_state = low, point, state
            else:
                low, low_state, step_size = point, state, 2.0 * step_size
            continue
        # zooming: [low, high] brackets a Wolfe step; low is Armijo-best
        point, state = evaluate(cubic_minimiser(low, high))
        if not armijo(point) or higher(point, low):
            high = point
        elif flat(point):
            return (point[0],) + state
        else:
            if point[2] * (high[0] - low[0]) >= 0.0:
                high = low
            low, low_state = point, state
    return None


def lbfgs_minimise(loss_gradient, theta, max_iter, tol, memory):
    """Limited-memory BFGS (alg-logreg-lbfgs).

    ``loss_gradient(theta)`` returns L and its gradient. Keeps the last
    ``memory`` pairs s = theta_new - theta, y = g_new - g, whose s . y > 0
    the Wolfe line search guarantees (eq-logreg-curvature-pair). Stops
    when the largest gradient entry is <= ``tol``. Returns the minimiser,
    the number of iterations and whether it converged.
    """
    value, gradient = loss_gradient(theta)
    steps, changes = deque(maxlen=memory), deque(maxlen=memory)
    for n_iter in range(max_iter + 1):
        if np.max(np.abs(gradient)) <= tol:
            return theta, n_iter, True
        if n_iter == max_iter:
            break
        direction = two_loop_direction(gradient, steps, changes)
        # The first direction is -g, of arbitrary length: try a step of
        # length at most 1 in theta, as scipy's L-BFGS-B does.
        first = 1.0 if steps else min(1.0, 1.0 / np.linalg.norm(gradient))
        found = wolfe_line_search(
            loss_gradient, theta, value, gradient, direction, first
        )
        if found is None:  # rounding hides any further Wolfe step
            return theta, n_iter, False
        _, new_theta, value, new_gradient = found
        step, change = new_theta - theta, new_gradient - gradient
        if step @ change > np.finfo(float).eps * (change @ change):
            steps.append(step)  # else rounding broke eq-logreg-curvature-pair
            changes.append(change)
        theta, gradient = new_theta, new_gradient
    return theta, max_iter, False


# Newton wins while n p^2 + p^3 / 3 <= NEWTON_CROSSOVER n p, that is while
# p is below about NEWTON_CROSSOVER; measured in the chapter's Cost section.
NEWTON_CROSSOVER = 80


def choose_solver(n_samples, n_parameters):
    """The 'auto' solver: 'newton-cholesky' while forming and factorising
    the p x p Hessian costs less than the extra iterations of L-BFGS,
    'lbfgs' beyond (eq-logreg-solver-rule). The factorisation's p^3 / 3
    counts against n p^2 only when p approaches n."""
    newton_work = n_samples * n_parameters**2 + n_parameters**3 / 3
    lbfgs_work = NEWTON_CROSSOVER * n_samples * n_parameters
    return "newton-cholesky" if newton_work <= lbfgs_work else "lbfgs"


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """L2-penalised logistic regression, binary or multinomial (softmax).

    Minimises 0.5 ||W||^2 + C * sum_i cross-entropy_i with the intercept
    unpenalised, as scikit-learn's ``LogisticRegression`` does; two classes
    use one sigmoid (eq-logreg-model), more use a softmax over K linear
    scores (eq-logreg-softmax). Solved by Newton's method with a line
    search (alg-logreg-newton) or by L-BFGS (alg-logreg-lbfgs).

    Parameters
    ----------
    C : float, default=1.0
        Inverse penalty strength, lambda = 1 / C; smaller is stronger.
    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept per score.
    max_iter : int, default=1000
        Most iterations. Newton's method needs about ten; L-BFGS, at the
        default ``tol``, from tens to a few hundred.
    tol : float, default=1e-8
        Stop when every entry of the gradient of the objective divided by
        n is at most ``tol`` in absolute value (scikit-learn's lbfgs uses
        the same test, with default 1e-4).
    solver : {'auto', 'newton-cholesky', 'newton-cg', 'lbfgs'}, \
default='auto'
        'newton-cholesky' factorises the full Hessian of the
        p = (d + 1) K parameters; 'newton-cg' solves each Newton step by
        conjugate gradients on Hessian-vector products; 'lbfgs' builds a
        curvature model from the last ``lbfgs_memory`` gradients. 'auto'
        takes 'newton-cholesky' for small p and 'lbfgs' otherwise
        (``choose_solver``).
    lbfgs_memory : int, default=10
        Number of (step, gradient change) pairs L-BFGS keeps, m in the
        chapter; scipy's default, which scikit-learn's lbfgs uses.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The distinct labels, sorted; ``classes_[1]`` is the positive class
        in the binary case.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : ndarray of shape (1,)
        Iterations taken (scikit-learn's layout).
    solver_ : str
        The solver used: ``solver``, or the one 'auto' chose.
    n_features_in_ : int
    """

    def __init__(
        self,
        *,
        C=1.0,
        fit_intercept=True,
        max_iter=1000,
        tol=1e-8,
        solver="auto",
        lbfgs_memory=10,
    ):
        self.C = C
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.lbfgs_memory = lbfgs_memory

    def _check_params(self):
        check_scalar(self.C, "C", low=0.0, low_inclusive=False)
        check_bool(self.fit_intercept, "fit_intercept")
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        check_option(
            self.solver,
            "solver",
            {"auto", "newton-cholesky", "newton-cg", "lbfgs"},
        )
        check_scalar(
            self.lbfgs_memory, "lbfgs_memory", numbers.Integral, low=1
        )

    def fit(self, X, y):
        """Fit coefficients and intercepts; returns self."""
        self._check_params()
        record_feature_names(self, X)
        X, y = check_X_y(X, y, min_samples=2)
        check_magnitude(X)  # the Hessian X^T S X squares the features
        self.classes_, y_index = encode_labels(y, min_classes=2)
        n_samples, n_features = X.shape
        n_classes = len(self.classes_)
        X1 = design_matrix(X, self.fit_intercept)  # (n, n_params)
        l2 = penalty_weights(n_features, self.fit_intercept, self.C)
        n_scores = 1 if n_classes == 2 else n_classes  # rows of coef_
        theta0 = np.zeros(n_scores * X1.shape[1])
        self.solver_ = self.solver
        if self.solver == "auto":
            self.solver_ = choose_solver(n_samples, theta0.size)

        if n_classes == 2:
            target = y_index.astype(np.float64)  # (n_samples,) of 0/1
            loss, loss_gradient, full_hessian, hessian_product = (
                binary_loss,
                binary_loss_gradient,
                binary_gradient_hessian,
                binary_gradient_hessian_product,
            )
        else:
            target = np.eye(n_classes)[y_index]  # (n_samples, n_classes)
            loss, loss_gradient, full_hessian, hessian_product = (
                multinomial_loss,
                multinomial_loss_gradient,
                multinomial_gradient_hessian,
                multinomial_gradient_hessian_product,
            )
        if self.solver_ == "lbfgs":
            theta, n_iter, converged = lbfgs_minimise(
                lambda theta: loss_gradient(theta, X1, target, l2),
                theta0,
                self.max_iter,
                self.tol,
                self.lbfgs_memory,
            )
        else:
            if self.solver_ == "newton-cg":
                derivatives = hessian_product
                solve = conjugate_gradient_direction
            else:
                null_direction = None
                if n_classes > 2 and self.fit_intercept:
                    null_direction = intercept_shift(n_classes, X1.shape[1])
                derivatives = full_hessian

                def solve(gradient, hessian):
                    return newton_direction(gradient, hessian, null_direction)

            theta, n_iter, converged = newton_minimise(
                lambda theta: loss(theta, X1, target, l2),
                lambda theta: derivatives(theta, X1, target, l2),
                theta0,
                self.max_iter,
                self.tol,
                solve,
            )
        coef = theta.reshape(n_scores, X1.shape[1])  # rows (w_k, b_k)

        if not converged:
            advice = "raise max_iter or C, or standardise the features"
            if n_iter < self.max_iter:  # float64 resolves no further step
                advice = "raise tol, or standardise the features"
            warnings.warn(
                f"{self.solver_} stopped after {n_iter} iterations with the "
                f"gradient above tol; {advice}",
                ConvergenceWarning,
                stacklevel=2,
            )
        if self.fit_intercept:
            self.coef_, self.intercept_ = coef[:, :-1], coef[:, -1]
        else:
            self.coef_, self.intercept_ = coef, np.zeros(coef.shape[0])
        self.n_iter_ = np.array([n_iter])
        self.n_features_in_ = n_features
        return self

    def decision_function(self, X):
        """Linear scores: shape (n_samples,) for two classes, the log-odds
        of ``classes_[1]`` (eq-logreg-model); (n_samples, n_classes)
        otherwise (eq-logreg-softmax)."""
        X = check_predict_input(self, X)
        scores = X @ self.coef_.T + self.intercept_
        return scores[:, 0] if len(self.classes_) == 2 else scores

    def predict_log_proba(self, X):
        """Log-probabilities, (n_samples, n_classes), computed in log space
        so that tiny probabilities do not round to log(0)."""
        scores = self.decision_function(X)
        if len(self.classes_) == 2:
            # log sigma(z) = -log(1 + e^-z); log(1 - sigma(z)) = -log(1+e^z)
            return -np.logaddexp(0.0, np.column_stack([scores, -scores]))
        return scores - log_sum_exp(scores)[:, None]

    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes), rows summing to 1,
        columns in the order of ``classes_``."""
        scores = self.decision_function(X)
        if len(self.classes_) == 2:
            # sigma(-z) = 1 - sigma(z), without the cancellation of 1 - p
            return np.column_stack([sigmoid(-scores), sigmoid(scores)])
        return softmax(scores)

    def predict(self, X):
        """The most probable class: the largest score (for two classes, the
        sign of the log-odds)."""
        scores = self.decision_function(X)
        if len(self.classes_) == 2:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
