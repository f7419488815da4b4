"""k-NN predict: ours against scikit-learn. Both store the training set
(and, with few features, build a k-d tree) at fit; the work timed is in
predict.

With many features both use brute force and compute the distance matrix
with matrix products, so the target is 2x: what is left to lose is in the
selection of the k nearest. With 5 features both defaults ('auto') take
a k-d tree; scikit-learn's is compiled, ours moves all queries through
the tree level by level in NumPy, and the target is 2x as well. Both run
on one thread (BLAS and scikit-learn's n_jobs).
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neighbors import KNeighborsClassifier as SkClassifier
from sklearn.neighbors import KNeighborsRegressor as SkRegressor
from threadpoolctl import threadpool_limits

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

    for n_train in (20_000, 100_000):
        X_low = rng.normal(size=(n_train, 5))
        y_low = X_low[:, 0] + X_low[:, 1] > 0
        Q_low = rng.normal(size=(n_train // 10, 5))
        ours_t = KNeighborsClassifier(n_neighbors=5).fit(X_low, y_low)
        theirs_t = SkClassifier(n_neighbors=5, n_jobs=1).fit(X_low, y_low)
        yield (
            f"k-NN classifier predict {n_train:,} x {n_train // 10:,} x 5 "
            "auto",
            lambda m=ours_t, Q=Q_low: one_thread(m.predict, Q),
            lambda m=theirs_t, Q=Q_low: one_thread(m.predict, Q),
            2.0,
        )


def one_thread(predict, X):
    """Predict with BLAS held to one thread: the algorithms, not the
    load."""
    with threadpool_limits(1):
        return predict(X)
