"""k-NN predict: ours against scikit-learn's brute force. Both store the
training set at fit; the work is in predict.

Both compute the distance matrix with matrix products, so the target is
2x: what is left to lose is in the selection of the k nearest.
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier as SkClassifier
from sklearn.neighbors import KNeighborsRegressor as SkRegressor

from scratch.knn import KNeighborsClassifier, KNeighborsRegressor


def cases():
    digits = load_digits()
    X_digits, y_digits = digits.data[:1200], digits.target[:1200]
    Q_digits = digits.data[1200:]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 20))
    y = X[:, 0] + rng.normal(size=20_000)
    Q = rng.normal(size=(5_000, 20))

    ours = KNeighborsClassifier(n_neighbors=5).fit(X_digits, y_digits)
    theirs = SkClassifier(n_neighbors=5, algorithm="brute").fit(
        X_digits, y_digits
    )
    yield (
        "k-NN classifier predict digits 1,200 x 597 k=5",
        lambda: ours.predict(Q_digits),
        lambda: theirs.predict(Q_digits),
        2.0,
    )

    ours_c = KNeighborsClassifier(n_neighbors=5).fit(X, y > 0)
    theirs_c = SkClassifier(n_neighbors=5, algorithm="brute").fit(X, y > 0)
    yield (
        "k-NN classifier predict 20,000 x 5,000 x 20 k=5",
        lambda: ours_c.predict(Q),
        lambda: theirs_c.predict(Q),
        2.0,
    )

    ours_r = KNeighborsRegressor(n_neighbors=5, weights="distance").fit(X, y)
    theirs_r = SkRegressor(
        n_neighbors=5, weights="distance", algorithm="brute"
    ).fit(X, y)
    yield (
        "k-NN regressor predict 20,000 x 5,000 x 20 k=5 dist",
        lambda: ours_r.predict(Q),
        lambda: theirs_r.predict(Q),
        2.0,
    )
