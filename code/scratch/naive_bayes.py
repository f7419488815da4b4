"""Gaussian naive Bayes.

Chapter: book/supervised/naive_bayes.md. Each class k has a prior pi_k
and, given the class, independent Gaussian features with means mu_kj and
variances v_kj (eq-nb-independence, eq-nb-gaussian). Fitting is counting
and averaging on the training set (eq-nb-mle), with a small variance floor
(eq-nb-smoothing); predicting is Bayes' rule (eq-nb-bayes-rule) carried
out in log space (eq-nb-joint-log-likelihood, eq-nb-log-posterior).
"""

import numbers

import numpy as np

from .numerics import log_sum_exp
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    check_magnitude,
    check_predict_input,
    check_priors,
    check_scalar,
    check_X_y,
    encode_labels,
    record_feature_names,
)


def class_statistics(X, y_index, n_classes):
    """Per-class counts, means and (biased) variances: eq-nb-mle.

    The variance is the mean squared deviation from the class mean,
    dividing by n_k and not n_k - 1, because that is the maximum-likelihood
    estimate. Computing it from centred data avoids the cancellation of
    E[x^2] - E[x]^2.
    """
    n_features = X.shape[1]
    counts = np.bincount(y_index, minlength=n_classes)
    means = np.empty((n_classes, n_features))
    variances = np.empty((n_classes, n_features))
    for k in range(n_classes):
        X_k = X[y_index == k]  # (n_k, n_features)
        means[k] = X_k.mean(axis=0)
        centred = X_k - means[k]
        variances[k] = np.einsum("ij,ij->j", centred, centred) / len(X_k)
    return counts, means, variances


def smoothing_epsilon(X, var_smoothing):
    """The variance floor of eq-nb-smoothing: ``var_smoothing`` times the
    largest variance of any feature over the whole training set."""
    return var_smoothing * np.var(X, axis=0).max()


def joint_log_likelihood(X, log_priors, means, variances):
    """log pi_k + log p(x | y = k) for every sample and class:
    eq-nb-joint-log-likelihood.

    One pass per class keeps the (x - mu_k)^2 terms exact; expanding the
    square into matrix products would be faster but loses digits when a
    feature's mean is large next to its spread.
    """
    n_classes = means.shape[0]
    # The normalising constant does not depend on x: (n_classes,)
    log_normaliser = -0.5 * np.log(2.0 * np.pi * variances).sum(axis=1)
    scores = np.empty((X.shape[0], n_classes))  # (n_samples, n_classes)
    for k in range(n_classes):
        diff = X - means[k]  # (n_samples, n_features)
        diff *= diff
        scores[:, k] = -0.5 * (diff @ (1.0 / variances[k]))
    scores += log_normaliser + log_priors
    return scores


class GaussianNaiveBayes(ClassifierMixin, BaseEstimator):
    """Gaussian naive Bayes classifier.

    Parameters
    ----------
    priors : array-like of shape (n_classes,) or None, default=None
        Class priors pi_k, positive and summing to one. None uses the
        class frequencies of the training set.
    var_smoothing : float, default=1e-9
        Every variance is increased by ``var_smoothing`` times the largest
        variance of any feature (eq-nb-smoothing), as in scikit-learn's
        ``GaussianNB``. It keeps zero-variance features and single-sample
        classes finite.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The distinct labels, sorted.
    class_count_ : ndarray of shape (n_classes,)
        Training samples per class.
    class_prior_ : ndarray of shape (n_classes,)
        The priors pi_k used.
    theta_ : ndarray of shape (n_classes, n_features)
        Per-class feature means mu_kj.
    var_ : ndarray of shape (n_classes, n_features)
        Per-class feature variances v_kj, smoothing included.
    epsilon_ : float
        The amount added to every variance.
    n_features_in_ : int
    """

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def _check_params(self):
        check_scalar(
            self.var_smoothing, "var_smoothing", numbers.Real, low=0.0
        )

    def fit(self, X, y):
        """Estimate priors, means and variances from the training set.

        Implements eq-nb-mle and eq-nb-smoothing. Raises ValueError if a
        variance is still zero after smoothing, which happens only when
        every feature is constant or ``var_smoothing`` is 0.
        """
        self._check_params()
        record_feature_names(self, X)
        X, y = check_X_y(X, y)
        check_magnitude(X)  # variances square the features
        classes, y_index = encode_labels(y)
        n_classes = len(classes)
        counts, means, variances = class_statistics(X, y_index, n_classes)
        epsilon = smoothing_epsilon(X, self.var_smoothing)
        variances += epsilon
        if np.any(variances <= 0.0):
            raise ValueError(
                "a class has a feature with zero variance and "
                f"var_smoothing={self.var_smoothing!r} adds nothing to it "
                "(all features constant, or var_smoothing=0); the Gaussian "
                "density is undefined"
            )
        if self.priors is None:
            priors = counts / counts.sum()
        else:
            priors = check_priors(self.priors, n_classes)
        self.classes_ = classes
        self.class_count_ = counts.astype(np.float64)
        self.class_prior_ = priors
        self.theta_ = means
        self.var_ = variances
        self.epsilon_ = float(epsilon)
        self.n_features_in_ = X.shape[1]
        return self

    def predict_joint_log_proba(self, X):
        """log pi_k + log p(x | y = k), shape (n_samples, n_classes):
        eq-nb-joint-log-likelihood."""
        X = check_magnitude(check_predict_input(self, X))
        return joint_log_likelihood(
            X, np.log(self.class_prior_), self.theta_, self.var_
        )

    def predict_log_proba(self, X):
        """log P(y = k | x): eq-nb-log-posterior."""
        scores = self.predict_joint_log_proba(X)
        return scores - log_sum_exp(scores)[:, None]

    def predict_proba(self, X):
        """P(y = k | x), each row summing to one: eq-nb-bayes-rule."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """The class of largest posterior (eq-nb-bayes-rule); the evidence
        p(x) is common to all classes, so the joint log-likelihood
        suffices."""
        scores = self.predict_joint_log_proba(X)
        return self.classes_[np.argmax(scores, axis=1)]
