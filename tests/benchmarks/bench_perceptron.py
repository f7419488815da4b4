"""Perceptron fit: ours against scikit-learn's Perceptron, same epochs.

scikit-learn's inner loop over samples is compiled; ours loops in Python
once per mistake and scores the samples between mistakes in blocks with
NumPy. So ours is close where mistakes are rare (separable data, late
epochs) and far behind where a large fraction of the samples are mistakes
in every epoch (data that are not separable). scikit-learn runs with
tol=None so that it does exactly ``max_iter`` epochs, the number ours ran.
"""

import warnings

import numpy as np
from sklearn.datasets import load_digits, make_classification
from sklearn.linear_model import Perceptron as SkPerceptron

from scratch.perceptron import Perceptron
from scratch.validation import ConvergenceWarning


def separable(n_samples, n_features, margin, seed=0):
    """Gaussian points labelled by a random hyperplane, the points within
    ``margin`` of it removed."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    normal = rng.normal(size=n_features)
    distance = X @ normal / np.linalg.norm(normal) + 0.2
    keep = np.abs(distance) >= margin
    return X[keep], (distance[keep] > 0).astype(int)


def reference(max_iter, shuffle, random_state=0):
    return SkPerceptron(
        eta0=1.0,
        alpha=0.0,
        penalty=None,
        tol=None,
        max_iter=max_iter,
        shuffle=shuffle,
        random_state=random_state,
    )


def quiet(fit):
    """Run a fit that is expected to stop at max_iter without warning."""

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return fit()

    return call


def cases():
    X_sep, y_sep = separable(20_000, 20, margin=0.05)
    # In the same order the two make the same updates in the same epochs.
    epochs = Perceptron(shuffle=False).fit(X_sep, y_sep).n_iter_
    yield (
        f"perceptron separable 20,000x20, {epochs} epochs, same order",
        lambda: Perceptron(shuffle=False).fit(X_sep, y_sep),
        lambda: reference(epochs, shuffle=False).fit(X_sep, y_sep),
        5.0,
    )

    X_digits, y_digits = load_digits(return_X_y=True)
    yield (
        "perceptron digits 1,797x64 K=10, 20 epochs",
        quiet(
            lambda: Perceptron(max_iter=20, random_state=0).fit(
                X_digits, y_digits
            )
        ),
        lambda: reference(20, shuffle=True).fit(X_digits, y_digits),
        10.0,
    )

    X_noisy, y_noisy = make_classification(
        n_samples=50_000, n_features=20, flip_y=0.05, random_state=0
    )
    yield (
        "perceptron not separable 50,000x20, 10 epochs",
        quiet(
            lambda: Perceptron(max_iter=10, random_state=0).fit(
                X_noisy, y_noisy
            )
        ),
        lambda: reference(10, shuffle=True).fit(X_noisy, y_noisy),
        # A fifth of every pass are mistakes, each a few NumPy calls.
        20.0,
    )
