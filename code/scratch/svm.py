"""Support vector classifier trained by sequential minimal optimisation.

The dual problem (eq-svm-dual) is solved two multipliers at a time: pick
the most violating pair with second-order working-set selection
(eq-svm-wss-i, eq-svm-wss-j), take the analytic step along the line that
keeps sum_i y_i alpha_i = 0 (eq-svm-step, eq-svm-clip), and update the
residuals g with two kernel rows (eq-svm-g-update). Kernel rows are
computed on demand and kept in a least-recently-used cache, so memory is
O(cache_size) and never n x n unless the cache is that large. More than
two classes are handled one-vs-one (eq-svm-ovo-vote), as libsvm does.
"""

import itertools
import numbers
import warnings
from collections import OrderedDict

import numpy as np

from .validation import (
    BaseEstimator,
    ClassifierMixin,
    ConvergenceWarning,
    check_magnitude,
    check_option,
    check_predict_input,
    check_scalar,
    check_X_y,
    chunk_slices,
    encode_labels,
    record_feature_names,
    squared_distances,
)

KERNELS = ("linear", "poly", "rbf")
TAU = 1e-12  # curvature floor: duplicate points give kappa = 0


def kernel_matrix(A, B, kernel, gamma, degree, coef0, B_sq=None):
    """Kernel values k(a, b) for all rows of ``A`` and ``B``.

    Implements eq-svm-kernels. ``B_sq`` (squared norms of the rows of
    ``B``) may be passed to save work when ``B`` is fixed.
    """
    if kernel == "linear":
        return A @ B.T  # (n_A, n_B)
    if kernel == "poly":
        return (gamma * (A @ B.T) + coef0) ** degree
    sq_dist = squared_distances(A, B, centers_sq=B_sq)  # (n_A, n_B)
    sq_dist *= -gamma
    return np.exp(sq_dist, out=sq_dist)


def kernel_diagonal(X, kernel, gamma, degree, coef0):
    """k(x_s, x_s) for every row of ``X``, without the n x n matrix."""
    sq_norms = np.einsum("ij,ij->i", X, X)  # (n,)
    if kernel == "linear":
        return sq_norms
    if kernel == "poly":
        return (gamma * sq_norms + coef0) ** degree
    return np.ones(X.shape[0])


class KernelRowCache:
    """Rows of the Gram matrix K, computed when first asked for and kept
    in a least-recently-used cache of at most ``capacity`` rows."""

    def __init__(self, X, kernel, gamma, degree, coef0, capacity):
        self.X = X
        self.kernel, self.gamma = kernel, gamma
        self.degree, self.coef0 = degree, coef0
        self.sq_norms = np.einsum("ij,ij->i", X, X)  # (n,)
        self.capacity = max(2, int(capacity))  # a step needs two rows
        self.rows = OrderedDict()
        self.n_computed = 0

    def compute_row(self, i):
        """Row i of K, eq-svm-kernels, with the RBF distance taken from
        the identity ||x_i - x_t||^2 = ||x_i||^2 - 2 x_i.x_t + ||x_t||^2."""
        dots = self.X @ self.X[i]  # (n,)
        if self.kernel == "linear":
            return dots
        if self.kernel == "poly":
            dots *= self.gamma
            dots += self.coef0
            return dots**self.degree
        dots *= -2.0
        dots += self.sq_norms
        dots += self.sq_norms[i]
        np.maximum(dots, 0.0, out=dots)  # rounding can go below zero
        dots *= -self.gamma
        return np.exp(dots, out=dots)

    def row(self, i):
        """Row i of K, from the cache if it is there."""
        row = self.rows.get(i)
        if row is not None:
            self.rows.move_to_end(i)
            return row
        row = self.compute_row(i)
        self.n_computed += 1
        if len(self.rows) >= self.capacity:
            self.rows.popitem(last=False)  # the least recently used
        self.rows[i] = row
        return row


def select_working_set(g, up, low, k_diag, cache):
    """Second-order working-set selection, eq-svm-wss-i and eq-svm-wss-j.

    Returns ``(i, j, K_i, g_max, g_min)``; ``g_max - g_min`` is the KKT
    gap of eq-svm-gap, the stopping criterion.
    """
    g_up = np.where(up, g, -np.inf)  # (n,)
    i = int(np.argmax(g_up))
    g_max = g_up[i]
    g_low = np.where(low, g, np.inf)  # (n,)
    g_min = g_low.min()
    K_i = cache.row(i)  # (n,)
    gain = g_max - g_low  # (n,) > 0 exactly where s violates with i
    curvature = k_diag + k_diag[i]  # kappa_is of eq-svm-line
    curvature -= 2.0 * K_i
    np.maximum(curvature, TAU, out=curvature)
    decrease = np.square(gain)
    decrease /= curvature  # twice the fall of the dual objective
    j = int(np.argmax(np.where(gain > 0, decrease, -1.0)))
    return i, j, K_i, g_max, g_min


def step_length(i, j, alpha, y, g, k_diag, K_ij, C):
    """The step delta of eq-svm-step, clipped by eq-svm-clip, along
    alpha_i += y_i delta, alpha_j -= y_j delta.

    Returns ``(delta, hit_i, hit_j)``; a flag says that the multiplier
    reached its bound.
    """
    curvature = max(k_diag[i] + k_diag[j] - 2.0 * K_ij, TAU)
    delta = (g[i] - g[j]) / curvature
    room_i = C - alpha[i] if y[i] > 0 else alpha[i]
    room_j = alpha[j] if y[j] > 0 else C - alpha[j]
    delta = min(delta, room_i, room_j)
    return delta, delta == room_i, delta == room_j


def smo(cache, k_diag, y, C, tol, max_iter):
    """Sequential minimal optimisation of eq-svm-dual, alg-svm-smo.

    ``y`` holds +1/-1. Returns ``(alpha, g, n_iter, g_max, g_min)`` with
    the residuals g_s = y_s - sum_r alpha_r y_r k(x_r, x_s) of
    eq-svm-residual.
    """
    alpha = np.zeros(y.shape[0])  # (n,)
    g = y.copy()  # eq-svm-residual at alpha = 0
    up, low = y > 0, y < 0  # I_up and I_low of eq-svm-sets at alpha = 0
    n_iter = 0
    while True:
        i, j, K_i, g_max, g_min = select_working_set(g, up, low, k_diag, cache)
        if g_max - g_min < tol:  # eq-svm-gap
            break
        if not np.isfinite(g_max - g_min):
            # NaN or infinity never falls below tol: stop, do not loop.
            raise ValueError(
                "SMO reached non-finite values (kernel values overflow "
                "float64); rescale the features, e.g. standardise them, "
                "or lower gamma, coef0 or degree"
            )
        if n_iter == max_iter:
            warnings.warn(
                f"SMO stopped after max_iter={max_iter} steps with KKT "
                f"gap {g_max - g_min:.3g} > tol={tol}; increase max_iter",
                ConvergenceWarning,
                stacklevel=3,
            )
            break
        K_j = cache.row(j)  # (n,)
        delta, hit_i, hit_j = step_length(i, j, alpha, y, g, k_diag, K_i[j], C)
        alpha[i] += y[i] * delta
        alpha[j] -= y[j] * delta
        # Put a multiplier that reached its bound exactly onto it, so
        # that 0 < alpha < C decides "free" without rounding noise.
        if hit_i:
            alpha[i] = C if y[i] > 0 else 0.0
        if hit_j:
            alpha[j] = 0.0 if y[j] > 0 else C
        g -= delta * (K_i - K_j)  # eq-svm-g-update
        for s in (i, j):  # only these two can change set, eq-svm-sets
            up[s] = alpha[s] < C if y[s] > 0 else alpha[s] > 0
            low[s] = alpha[s] > 0 if y[s] > 0 else alpha[s] < C
        n_iter += 1
    return alpha, g, n_iter, g_max, g_min


def intercept(alpha, g, C, g_max, g_min):
    """The bias b of eq-svm-bias: the mean residual over free support
    vectors, or the middle of [g_min, g_max] if there are none."""
    free = (alpha > 0) & (alpha < C)
    if np.any(free):
        return float(np.mean(g[free]))
    return float(0.5 * (g_max + g_min))


def fit_binary(X, y_sign, kernel_params, C, tol, max_iter, cache_size):
    """Train one two-class SVM on ``X`` with labels ``y_sign`` in +1/-1.

    Returns ``(coef, b, n_iter)`` with coef_s = y_s alpha_s (zero off the
    support) and the bias of eq-svm-bias.
    """
    capacity = cache_size * 2**20 / (8 * X.shape[0])
    cache = KernelRowCache(X, *kernel_params, capacity=capacity)
    with np.errstate(over="ignore"):
        k_diag = kernel_diagonal(X, *kernel_params)  # (n,)
    if not np.all(np.isfinite(k_diag)):
        raise ValueError(
            "kernel values k(x, x) overflow float64; rescale the features "
            "(standardise them, say) or lower gamma, coef0 or degree"
        )
    # Overflowing kernel values end SMO with a clear error of its own.
    with np.errstate(over="ignore", invalid="ignore"):
        alpha, g, n_iter, g_max, g_min = smo(
            cache, k_diag, y_sign, C, tol, max_iter
        )
    return y_sign * alpha, intercept(alpha, g, C, g_max, g_min), n_iter


def ovo_votes(decision, n_classes):
    """Votes of eq-svm-ovo-vote: ``decision`` has one column per pair
    (a, b), a < b, in the order of ``itertools.combinations``; a positive
    value is a vote for a, any other for b."""
    votes = np.zeros((decision.shape[0], n_classes))  # (n, n_classes)
    pairs = itertools.combinations(range(n_classes), 2)
    for column, (a, b) in zip(decision.T, pairs):
        votes[:, a] += column > 0
        votes[:, b] += column <= 0
    return votes


def ovr_from_ovo(decision, n_classes):
    """One score per class: the votes of eq-svm-ovo-vote plus the summed
    pairwise decision values, squeezed into (-1/3, 1/3) so that they only
    break ties between equal vote counts."""
    confidence = np.zeros((decision.shape[0], n_classes))
    pairs = itertools.combinations(range(n_classes), 2)
    for column, (a, b) in zip(decision.T, pairs):
        confidence[:, a] += column
        confidence[:, b] -= column
    squeezed = confidence / (3 * (np.abs(confidence) + 1))
    return ovo_votes(decision, n_classes) + squeezed  # (n, n_classes)


class SVC(ClassifierMixin, BaseEstimator):
    """Support vector classifier trained by SMO; one-vs-one for more than
    two classes.

    Parameters
    ----------
    C : float, default=1.0
        Cost of a unit of slack, eq-svm-soft-primal; must be > 0.
    kernel : {'linear', 'poly', 'rbf'}, default='rbf'
        The kernel of eq-svm-kernels.
    degree : int, default=3
        Degree of the polynomial kernel.
    gamma : {'scale', 'auto'} or float, default='scale'
        Kernel coefficient: 'scale' is 1 / (d Var[X]), 'auto' is 1 / d.
    coef0 : float, default=0.0
        Constant term of the polynomial kernel.
    tol : float, default=1e-3
        Stop when the KKT gap of eq-svm-gap is below ``tol``.
    cache_size : float, default=200
        Megabytes for the kernel-row cache.
    max_iter : int, default=-1
        Limit on SMO steps per pair of classes; -1 means no limit.
    decision_function_shape : {'ovr', 'ovo'}, default='ovr'
        With more than two classes: one column per class ('ovr', votes
        plus a tie-breaking confidence) or per pair of classes ('ovo').

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels. With two classes a positive decision value means
        ``classes_[1]``; for a pair (a, b), a < b, of several classes it
        means ``classes_[a]`` (scikit-learn's conventions).
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors, grouped by class.
    support_vectors_ : ndarray of shape (n_SV, n_features)
    dual_coef_ : ndarray of shape (n_pairs, n_SV)
        The coefficients y_s alpha_s of eq-svm-decision, one row per pair
        of classes (in the order of ``itertools.combinations``) and one
        column per support vector; zero where a support vector takes no
        part in a pair. With two classes this is scikit-learn's layout;
        with more, scikit-learn packs the same numbers into
        n_classes - 1 rows. Unpacked, the decision values of all pairs
        are one matrix product.
    intercept_ : ndarray of shape (n_pairs,)
        The bias b of eq-svm-bias for each pair of classes.
    n_support_ : ndarray of shape (n_classes,)
        Support vectors per class.
    gamma_ : float
        The kernel coefficient used (``gamma`` resolved).
    n_iter_ : ndarray of shape (n_pairs,)
        SMO steps taken for each pair.
    n_features_in_ : int
    coef_ : ndarray of shape (n_pairs, n_features)
        Only for ``kernel='linear'``: w of eq-svm-w for each pair.
    """

    def __init__(
        self,
        *,
        C=1.0,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        tol=1e-3,
        cache_size=200,
        max_iter=-1,
        decision_function_shape="ovr",
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.cache_size = cache_size
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape

    def _check_params(self):
        check_scalar(self.C, "C", low=0.0, low_inclusive=False)
        check_option(self.kernel, "kernel", KERNELS)
        check_scalar(self.degree, "degree", numbers.Integral, low=0)
        if isinstance(self.gamma, str):
            check_option(self.gamma, "gamma", ("scale", "auto"))
        else:
            check_scalar(self.gamma, "gamma", low=0.0, low_inclusive=False)
        check_scalar(self.coef0, "coef0")
        check_scalar(self.tol, "tol", low=0.0, low_inclusive=False)
        check_scalar(
            self.cache_size, "cache_size", low=0.0, low_inclusive=False
        )
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=-1)
        if self.max_iter == 0:
            raise ValueError("max_iter must be -1 (no limit) or >= 1, got 0")
        check_option(
            self.decision_function_shape,
            "decision_function_shape",
            ("ovr", "ovo"),
        )

    def _resolve_gamma(self, X):
        if self.gamma == "scale":
            variance = X.var()
            return 1.0 / (X.shape[1] * variance) if variance > 0 else 1.0
        if self.gamma == "auto":
            return 1.0 / X.shape[1]
        return float(self.gamma)

    def _pairs(self):
        """(positive class, negative class) of each two-class problem."""
        n_classes = self.classes_.shape[0]
        if n_classes == 2:
            return [(1, 0)]  # scikit-learn: positive means classes_[1]
        return list(itertools.combinations(range(n_classes), 2))

    def fit(self, X, y):
        """Solve eq-svm-dual by SMO for each pair of classes
        (eq-svm-ovo-vote) and keep the support vectors."""
        self._check_params()
        record_feature_names(self, X)
        X, y = check_X_y(X, y, min_samples=2)
        check_magnitude(X)
        self.classes_, y_index = encode_labels(y, min_classes=2)
        self.n_features_in_ = X.shape[1]
        self.gamma_ = self._resolve_gamma(X)
        kernel_params = (self.kernel, self.gamma_, self.degree, self.coef0)
        pairs = self._pairs()
        coef = np.zeros((len(pairs), X.shape[0]))  # (n_pairs, n)
        self.intercept_ = np.zeros(len(pairs))
        self.n_iter_ = np.zeros(len(pairs), dtype=int)
        for p, (a, b) in enumerate(pairs):
            rows = np.flatnonzero((y_index == a) | (y_index == b))
            y_sign = np.where(y_index[rows] == a, 1.0, -1.0)
            coef[p, rows], self.intercept_[p], self.n_iter_[p] = fit_binary(
                X[rows],
                y_sign,
                kernel_params,
                float(self.C),
                float(self.tol),
                self.max_iter,
                self.cache_size,
            )
        # Support vectors grouped by class, as scikit-learn stores them.
        support = np.flatnonzero(np.any(coef != 0, axis=0))
        support = support[np.argsort(y_index[support], kind="stable")]
        self.support_ = support
        self.support_vectors_ = X[support]  # (n_SV, d)
        self.n_support_ = np.bincount(
            y_index[support], minlength=len(self.classes_)
        )
        self._sv_sq_norms = np.einsum(
            "ij,ij->i", self.support_vectors_, self.support_vectors_
        )
        self.dual_coef_ = coef[:, support]  # (n_pairs, n_SV)
        return self

    @property
    def coef_(self):
        """w = sum_s y_s alpha_s x_s (eq-svm-w) per pair; linear only."""
        if self.kernel != "linear":
            raise AttributeError("coef_ exists only for kernel='linear'")
        check_predict_input(self, np.zeros((1, self.n_features_in_)))
        return self.dual_coef_ @ self.support_vectors_  # (n_pairs, d)

    def _ovo_decision(self, X):
        """eq-svm-decision for every pair: (n,) for two classes, else
        (n, n_pairs). The kernel block between the points and all support
        vectors is built a bounded number of rows at a time."""
        X = check_magnitude(check_predict_input(self, X))
        params = (self.kernel, self.gamma_, self.degree, self.coef0)
        n_sv = self.support_vectors_.shape[0]
        decision = np.empty((X.shape[0], self.intercept_.shape[0]))
        for rows in chunk_slices(X.shape[0], max(n_sv, 1)):
            with np.errstate(over="ignore", invalid="ignore"):
                K = kernel_matrix(
                    X[rows],
                    self.support_vectors_,
                    *params,
                    B_sq=self._sv_sq_norms,
                )  # (rows, n_SV)
                decision[rows] = K @ self.dual_coef_.T + self.intercept_
        if not np.all(np.isfinite(decision)):
            raise ValueError(
                "decision values overflow float64: X's values are too "
                "large for the kernel; rescale X as the training data were"
            )
        if self.classes_.shape[0] == 2:
            return decision[:, 0]
        return decision  # (n, n_pairs)

    def decision_function(self, X):
        """f(x) = sum_s y_s alpha_s k(x_s, x) + b, eq-svm-decision.

        Shape (n,) for two classes; with more, (n, n_classes) for 'ovr'
        or (n, n_pairs) for 'ovo'.
        """
        decision = self._ovo_decision(X)
        if decision.ndim == 1 or self.decision_function_shape == "ovo":
            return decision
        return ovr_from_ovo(decision, self.classes_.shape[0])

    def predict(self, X):
        """The sign of f for two classes; for more, the one-vs-one vote of
        eq-svm-ovo-vote (ties go to the class first in ``classes_``)."""
        decision = self._ovo_decision(X)
        if decision.ndim == 1:
            return self.classes_[(decision > 0).astype(int)]
        votes = ovo_votes(decision, self.classes_.shape[0])
        return self.classes_[np.argmax(votes, axis=1)]  # first of ties
