"""The perceptron: Rosenblatt's mistake-driven rule for a linear classifier.

Chapter: book/deep_learning/perceptron.md. With the intercept folded into
the weights, theta = (w, b) and x~ = (x, 1) (eq-perceptron-augmented), a
sample is a mistake when y theta.x~ <= 0 (eq-perceptron-mistake), and each
mistake moves theta by eta y x~ (eq-perceptron-update). On linearly
separable data the number of mistakes is at most (R / gamma)^2
(eq-perceptron-novikoff), so the rule stops: an epoch without a mistake
ends the fit. On other data it never stops; the fit then warns and keeps
the pocket, the weights with the fewest training mistakes seen.

More than two classes are handled one-versus-rest, as scikit-learn does:
K binary perceptrons, class k against the others, all updated together.
"""

import numbers
import warnings

import numpy as np

from .validation import (
    BaseEstimator,
    ClassifierMixin,
    ConvergenceWarning,
    check_bool,
    check_magnitude,
    check_predict_input,
    check_random_state,
    check_scalar,
    check_X_y,
    encode_labels,
    record_feature_names,
)

# Rows scored at once when looking for the next mistake; the block grows
# while no mistake turns up and shrinks to the recent gap after one.
MIN_BLOCK = 16


def augment(X, fit_intercept):
    """Append a column of ones so that the intercept is one more weight,
    x~ = (x, 1) (eq-perceptron-augmented)."""
    if not fit_intercept:
        return X
    return np.hstack([X, np.ones((X.shape[0], 1))])  # (n, d + 1)


def sign_targets(y_index, n_classes):
    """Targets in {-1, +1}: one column for two classes (+1 for
    ``classes_[1]``), else one column per class, +1 for its own samples
    (one-versus-rest, eq-perceptron-ovr)."""
    if n_classes == 2:
        return np.where(y_index == 1, 1.0, -1.0)[:, None]  # (n, 1)
    Y = -np.ones((y_index.shape[0], n_classes))
    Y[np.arange(y_index.shape[0]), y_index] = 1.0
    return Y  # (n, n_classes)


def perceptron_epoch(X1, Y, theta, eta, block):
    """One pass of Rosenblatt's rule over the rows of ``X1`` in order.

    ``theta`` (n_scores, n_params) is updated in place: every perceptron
    whose margin y theta.x~ is <= 0 on a sample (eq-perceptron-mistake)
    adds eta y x~ (eq-perceptron-update). The weights change only at
    mistakes, so the margins of a block of upcoming rows can be computed
    at once with the current weights; the rows before the block's first
    mistake are correct, and the pass resumes right after that mistake.
    This visits the samples in exactly the sequential order, with Python
    work per mistake rather than per sample.

    Returns the mistakes of each perceptron, (n_scores,), and the block
    size to start the next pass with.
    """
    n_samples, n_scores = Y.shape
    steps = eta * Y  # (n_samples, n_scores): eta y of each update
    erring_rows = []  # per mistake, which perceptrons erred (n_scores,)
    start = 0
    while start < n_samples:
        stop = min(start + block, n_samples)
        margins = X1[start:stop] @ theta.T  # (rows, n_scores)
        margins *= Y[start:stop]
        wrong = margins <= 0.0
        wrong_rows = wrong.any(axis=1) if n_scores > 1 else wrong[:, 0]
        first = int(wrong_rows.argmax())  # first True, or 0 if none
        if not wrong_rows[first]:  # no mistake in the block
            start = stop
            block *= 2
            continue
        sample = start + first
        erring = wrong[first].copy()  # kept; lets the block be freed
        # Perceptrons that were right add a zero row: no fancy indexing.
        theta += (steps[sample] * erring)[:, None] * X1[sample]
        erring_rows.append(erring)
        start = sample + 1
        block = max(MIN_BLOCK, 2 * (first + 1))
    mistakes = np.zeros(n_scores, dtype=np.int64)
    if erring_rows:
        mistakes += np.sum(erring_rows, axis=0)
    return mistakes, block


def training_mistakes(X1, Y, theta):
    """Samples each perceptron gets wrong, (n_scores,), counted with the
    rule's own test y theta.x~ <= 0 (eq-perceptron-mistake)."""
    return np.count_nonzero(Y * (X1 @ theta.T) <= 0.0, axis=0)


class Perceptron(ClassifierMixin, BaseEstimator):
    """Rosenblatt's perceptron, binary or one-versus-rest.

    Starts from zero weights and applies the update eta y x~ at every
    mistake (eq-perceptron-update), epoch after epoch, until an epoch
    makes no mistake: the classical stopping rule, reached on linearly
    separable data after at most (R / gamma)^2 mistakes
    (eq-perceptron-novikoff). (scikit-learn's ``Perceptron`` instead stops
    when its loss stalls, controlled by ``tol``.) If ``max_iter`` epochs
    all make mistakes, the data may not be separable: the fit warns with
    a ``ConvergenceWarning`` and keeps, for each binary perceptron, the
    pocket: of the weights at the ends of the epochs, those with the
    fewest training mistakes (earliest on ties).

    Parameters
    ----------
    fit_intercept : bool, default=True
        Whether to learn an intercept b, updated as the weight of a
        constant feature 1.
    max_iter : int, default=1000
        Most epochs (passes over the training set).
    shuffle : bool, default=True
        Whether to visit the samples in a new random order in each epoch;
        otherwise in the order given.
    eta0 : float, default=1.0
        Step size eta. From zero weights it only scales theta: the
        mistakes and the predictions do not depend on it.
    random_state : None, int or numpy.random.Generator, default=None
        Seeds the shuffling.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
        Epochs run.
    converged_ : bool
        True if the last epoch made no mistake, so that every training
        sample is on its side with a positive margin.
    n_mistakes_ : ndarray of shape (1,) or (n_classes,)
        Updates made by each binary perceptron over the whole fit: the k
        of Novikoff's bound.
    mistakes_per_epoch_ : ndarray of shape (n_iter_, 1) or (n_iter_,
        n_classes)
        Updates made in each epoch, one column per binary perceptron.
    training_errors_ : ndarray of the same shape
        Training samples with margin <= 0 under the weights at the end
        of each epoch; the pocket is where each column is smallest.
    n_features_in_ : int
    """

    def __init__(
        self,
        *,
        fit_intercept=True,
        max_iter=1000,
        shuffle=True,
        eta0=1.0,
        random_state=None,
    ):
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.eta0 = eta0
        self.random_state = random_state

    def _check_params(self):
        check_bool(self.fit_intercept, "fit_intercept")
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_bool(self.shuffle, "shuffle")
        check_scalar(self.eta0, "eta0", low=0.0, low_inclusive=False)

    def fit(self, X, y):
        """Run Rosenblatt's rule (alg-perceptron) from zero weights;
        returns self."""
        self._check_params()
        record_feature_names(self, X)
        X, y = check_X_y(X, y)
        check_magnitude(X)
        rng = check_random_state(self.random_state)
        self.classes_, y_index = encode_labels(y, min_classes=2)
        X1 = augment(X, self.fit_intercept)  # (n, n_params)
        Y = sign_targets(y_index, len(self.classes_))  # (n, n_scores)
        theta = np.zeros((Y.shape[1], X1.shape[1]))  # rows (w_k, b_k)
        pocket = theta.copy()
        pocket_errors = np.full(Y.shape[1], X1.shape[0] + 1)
        eta = float(self.eta0)
        block = MIN_BLOCK
        mistakes_per_epoch, training_errors = [], []
        converged = False
        for _ in range(self.max_iter):
            if self.shuffle:
                order = rng.permutation(X1.shape[0])
                X_epoch, Y_epoch = X1[order], Y[order]  # contiguous rows
            else:
                X_epoch, Y_epoch = X1, Y
            mistakes, block = perceptron_epoch(
                X_epoch, Y_epoch, theta, eta, block
            )
            errors = training_mistakes(X1, Y, theta)
            better = errors < pocket_errors
            pocket[better] = theta[better]
            pocket_errors[better] = errors[better]
            mistakes_per_epoch.append(mistakes)
            training_errors.append(errors)
            if not mistakes.any():
                converged = True
                break

        if not converged:
            warnings.warn(
                f"the perceptron made mistakes in each of its "
                f"max_iter={self.max_iter} epochs, so the classes may not "
                "be linearly separable; keeping the pocket weights, those "
                "with the fewest training mistakes at an epoch's end",
                ConvergenceWarning,
                stacklevel=2,
            )
        if self.fit_intercept:
            self.coef_, self.intercept_ = pocket[:, :-1], pocket[:, -1]
        else:
            self.coef_, self.intercept_ = pocket, np.zeros(pocket.shape[0])
        self.mistakes_per_epoch_ = np.array(mistakes_per_epoch)
        self.training_errors_ = np.array(training_errors)
        self.n_mistakes_ = self.mistakes_per_epoch_.sum(axis=0)
        self.n_iter_ = len(mistakes_per_epoch)
        self.converged_ = converged
        self.n_features_in_ = X.shape[1]
        return self

    def decision_function(self, X):
        """Scores w.x + b: shape (n_samples,) for two classes, positive
        for ``classes_[1]`` (eq-perceptron-model); (n_samples, n_classes)
        otherwise (eq-perceptron-ovr)."""
        X = check_predict_input(self, X)
        scores = X @ self.coef_.T + self.intercept_
        return scores[:, 0] if len(self.classes_) == 2 else scores

    def predict(self, X):
        """The sign of the score for two classes (a score of exactly zero
        gives ``classes_[0]``), else the class with the largest score."""
        scores = self.decision_function(X)
        if len(self.classes_) == 2:
            return self.classes_[(scores > 0).astype(int)]
        return self.classes_[np.argmax(scores, axis=1)]
