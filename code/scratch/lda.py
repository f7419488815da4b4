"""Linear discriminant analysis: a classifier and a projection.

Chapter: book/supervised/lda.md. The classes are Gaussians with their own
means mu_k and one shared covariance Sigma (eq-lda-model); the log-posterior
ratio of two classes is then linear in x (eq-lda-discriminant). The same
directions maximise Fisher's ratio of between- to within-class scatter
(eq-lda-fisher, eq-lda-generalised-eigen). The solver never inverts Sigma:
an SVD of the scaled within-class residuals whitens the data
(eq-lda-whitening), and an SVD of the whitened, weighted class means finds
the discriminant directions (eq-lda-between-svd).
"""

import numbers

import numpy as np

from .numerics import log_sum_exp
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    TransformerMixin,
    check_magnitude,
    check_option,
    check_predict_input,
    check_priors,
    check_scalar,
    check_X_y,
    encode_labels,
    record_feature_names,
)


def class_means(X, y_index, n_classes):
    """Per-class counts and means mu_k: eq-lda-mle.

    Returns ``counts`` (n_classes,) and ``means`` (n_classes, n_features).
    """
    counts = np.bincount(y_index, minlength=n_classes)
    # Sort the rows by class once; each class is then one contiguous block
    # to sum, with no per-class boolean mask over all n rows.
    order = np.argsort(y_index, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    sums = np.add.reduceat(X[order], starts, axis=0)  # (n_classes, d)
    return counts, sums / counts[:, None]


def within_class_whitening(X, y_index, means, tol):
    """A matrix C with C^T Sigma C = I on the range of Sigma, the pooled
    maximum-likelihood covariance: eq-lda-whitening.

    The residuals x_i - mu_{y_i}, divided by sqrt(n), are a square root of
    Sigma: Sigma = R^T R. With R = U S V^T, C = V S^{-1}, keeping only
    singular values above ``tol``, so a singular Sigma (a constant or a
    duplicated feature) just loses those directions. Each column is first
    divided by its standard deviation, so that ``tol`` does not depend on
    the features' units. Returns C, shape (n_features, rank).
    """
    n_samples = X.shape[0]
    residuals = X - means[y_index]  # (n_samples, n_features)
    scale = residuals.std(axis=0)
    scale[scale == 0.0] = 1.0  # a constant residual column stays zero
    R = residuals / (scale * np.sqrt(n_samples))
    # R = Q T with Q orthonormal, so R and the small triangle T share their
    # singular values and right singular vectors; Q is never formed.
    triangle = np.linalg.qr(R, mode="r")  # (min(n, d), n_features)
    _, singular_values, Vt = np.linalg.svd(triangle, full_matrices=False)
    rank = int(np.sum(singular_values > tol))
    if rank == 0:
        raise ValueError(
            "the within-class covariance is zero: every feature is constant "
            "within every class, so there is no noise model to fit"
        )
    # (n_features, rank): undo the column scaling, then whiten.
    return (Vt[:rank] / scale).T / singular_values[:rank]


def between_class_directions(
    means, overall_mean, priors, n_samples, whitening, tol
):
    """Directions that maximise Fisher's criterion, and their share of
    the between-class scatter: eq-lda-between-svd.

    In whitened coordinates the class means, centred and weighted by
    sqrt(n pi_k / (K - 1)), form a matrix M with M^T M the between-class
    scatter; its right singular vectors are the solutions of
    eq-lda-generalised-eigen, their squared singular values the
    eigenvalues. Returns the scalings (n_features, rank) and the squared
    singular values.
    """
    n_classes = means.shape[0]
    weights = np.sqrt(n_samples * priors / max(n_classes - 1, 1))
    M = (weights[:, None] * (means - overall_mean)) @ whitening
    _, singular_values, Vt = np.linalg.svd(M, full_matrices=False)
    rank = int(np.sum(singular_values > tol * singular_values[0]))
    # (n_features, rank): whiten, then rotate onto the directions.
    return whitening @ Vt[:rank].T, singular_values**2


def discriminant_parameters(means, overall_mean, priors, scalings):
    """Weights and intercepts of the K linear discriminant functions:
    eq-lda-centred-discriminant.

    With A the scalings, delta_k(x) = w_k^T x + b_k where
    w_k = A A^T (mu_k - xbar) = Sigma^+ (mu_k - xbar) and
    b_k = -1/2 ||A^T (mu_k - xbar)||^2 + log pi_k - w_k^T xbar. These
    differ from eq-lda-discriminant by an amount common to all classes,
    so the posteriors are the same.
    """
    projected_means = (means - overall_mean) @ scalings  # (K, rank)
    coef = projected_means @ scalings.T  # (K, n_features)
    intercept = (
        -0.5 * np.sum(projected_means**2, axis=1)
        + np.log(priors)
        - coef @ overall_mean
    )
    return coef, intercept


def log_softmax(scores):
    """log of the softmax of each row, through the shifted log-sum-exp so
    that nothing overflows: eq-lda-posterior."""
    return scores - log_sum_exp(scores)[:, None]  # (n_samples, n_classes)


class LinearDiscriminantAnalysis(
    ClassifierMixin, TransformerMixin, BaseEstimator
):
    """Linear discriminant analysis, as a classifier and a projection.

    Parameters
    ----------
    solver : {'svd'}, default='svd'
        The SVD solver, which never forms or inverts the covariance.
    n_components : int or None, default=None
        Number of directions kept by ``transform``; at most
        min(n_classes - 1, n_features). None keeps that many.
    priors : array-like of shape (n_classes,) or None, default=None
        Class priors pi_k, positive and summing to one. None uses the
        class frequencies of the training set.
    tol : float, default=1e-4
        Singular values of the standardised within-class residuals below
        ``tol`` count as zero (the covariance is singular there).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    priors_ : ndarray of shape (n_classes,)
    means_ : ndarray of shape (n_classes, n_features)
        Class means mu_k.
    xbar_ : ndarray of shape (n_features,)
        The prior-weighted mean of the class means.
    coef_ : ndarray of shape (n_classes, n_features), or (1, n_features)
        for two classes (class 1 against class 0).
    intercept_ : ndarray of shape (n_classes,), or (1,) for two classes.
    scalings_ : ndarray of shape (n_features, rank)
        The discriminant directions; ``transform`` projects on them.
    explained_variance_ratio_ : ndarray of shape (n_components,)
        Share of the between-class scatter along each direction.
    n_features_in_ : int
    """

    def __init__(
        self, *, solver="svd", n_components=None, priors=None, tol=1e-4
    ):
        self.solver = solver
        self.n_components = n_components
        self.priors = priors
        self.tol = tol

    def _check_params(self, n_classes, n_features):
        """Validate the hyper-parameters; return the number of
        components that ``transform`` keeps."""
        check_option(self.solver, "solver", {"svd"})
        check_scalar(self.tol, "tol", numbers.Real, low=0.0)
        max_components = min(n_classes - 1, n_features)
        if self.n_components is None:
            return max_components
        check_scalar(
            self.n_components, "n_components", numbers.Integral, low=1
        )
        if self.n_components > max_components:
            raise ValueError(
                f"n_components={self.n_components} is larger than "
                f"min(n_classes - 1, n_features) = {max_components}: LDA "
                "has at most K - 1 discriminant directions"
            )
        return self.n_components

    def fit(self, X, y):
        """Estimate the class means, priors and shared covariance and
        derive the discriminant functions and directions.

        Implements eq-lda-mle, eq-lda-whitening, eq-lda-between-svd and
        eq-lda-discriminant.
        """
        record_feature_names(self, X)
        X, y = check_X_y(X, y, min_samples=2)
        check_magnitude(X)  # the covariance squares the features
        classes, y_index = encode_labels(y)
        n_samples, n_features = X.shape
        n_classes = len(classes)
        n_components = self._check_params(n_classes, n_features)
        if n_samples <= n_classes:
            raise ValueError(
                f"LDA needs more samples ({n_samples}) than classes "
                f"({n_classes}) to estimate a covariance"
            )
        counts, means = class_means(X, y_index, n_classes)
        if self.priors is None:
            priors = counts / n_samples
        else:
            priors = check_priors(self.priors, n_classes)
        overall_mean = priors @ means  # (n_features,)
        whitening = within_class_whitening(X, y_index, means, self.tol)
        scalings, eigenvalues = between_class_directions(
            means, overall_mean, priors, n_samples, whitening, self.tol
        )
        coef, intercept = discriminant_parameters(
            means, overall_mean, priors, scalings
        )
        if n_classes == 2:  # one log-odds function: class 1 against 0
            coef = coef[1:] - coef[:1]
            intercept = intercept[1:] - intercept[:1]
        self.classes_ = classes
        self.priors_ = priors
        self.means_ = means
        self.xbar_ = overall_mean
        self.scalings_ = scalings
        # Identical class means leave no between-class scatter to share.
        total = eigenvalues.sum()
        ratio = eigenvalues / total if total > 0 else 0.0 * eigenvalues
        self.explained_variance_ratio_ = ratio[:n_components]
        self.coef_ = coef
        self.intercept_ = intercept
        self._n_components = n_components
        self.n_features_in_ = n_features
        return self

    def decision_function(self, X):
        """delta_k(x) for each class, shape (n_samples, n_classes); for two
        classes the log-odds delta_1 - delta_0, shape (n_samples,):
        eq-lda-discriminant."""
        X = check_predict_input(self, X)
        scores = X @ self.coef_.T + self.intercept_
        return scores[:, 0] if len(self.classes_) == 2 else scores

    def predict_log_proba(self, X):
        """log P(y = k | x), the log-softmax of the discriminant
        functions: eq-lda-posterior."""
        scores = self.decision_function(X)
        if scores.ndim == 1:  # log-odds z: the scores (0, z) are exact
            scores = np.column_stack([np.zeros_like(scores), scores])
        return log_softmax(scores)

    def predict_proba(self, X):
        """P(y = k | x), each row summing to one: eq-lda-posterior."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """The class with the largest discriminant function
        (eq-lda-discriminant), hence the largest posterior."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]

    def transform(self, X):
        """Project onto the discriminant directions, centred at xbar_:
        eq-lda-projection. Shape (n_samples, n_components)."""
        X = check_predict_input(self, X)
        projected = (X - self.xbar_) @ self.scalings_
        return projected[:, : self._n_components]
