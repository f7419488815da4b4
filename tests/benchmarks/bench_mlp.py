"""MLPClassifier fit: ours against scikit-learn's, with the same
architecture, solver, batch size and number of epochs.

``tol=0`` and a large ``n_iter_no_change`` make both run exactly
``max_iter`` epochs, so both warn that they did not converge; the
warnings are silenced. Both compute in float64 with the same BLAS, held
to one thread: the matrices are small, and on a shared machine competing
BLAS threads make both slower and the timings noisy.
"""

import warnings

from sklearn.datasets import load_digits, make_classification
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from threadpoolctl import threadpool_limits

from scratch.mlp import MLPClassifier

SETTINGS = {"tol": 0.0, "n_iter_no_change": 10_000, "random_state": 0}


def fit_quietly(model, X, y):
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore")
        return model.fit(X, y)


def case(name, X, y, **settings):
    settings = {**SETTINGS, **settings}
    return (
        name,
        lambda: fit_quietly(MLPClassifier(**settings), X, y),
        lambda: fit_quietly(SkMLPClassifier(**settings), X, y),
        1.0,
    )


def cases():
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    yield case("MLP adam digits 1,797x64 (100,) 20 epochs", X, y, max_iter=20)
    yield case(
        "MLP sgd digits 1,797x64 (100,) 20 epochs",
        X,
        y,
        solver="sgd",
        learning_rate_init=0.01,
        max_iter=20,
    )
    yield case(
        "MLP tanh adam digits (100,) 20 epochs",
        X,
        y,
        activation="tanh",
        max_iter=20,
    )
    X_large, y_large = make_classification(
        n_samples=10_000,
        n_features=50,
        n_informative=20,
        n_classes=5,
        random_state=0,
    )
    yield case(
        "MLP adam 10,000x50 5 classes (128, 64) 5 epochs",
        X_large,
        y_large,
        hidden_layer_sizes=(128, 64),
        max_iter=5,
    )
