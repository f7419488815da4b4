"""DBSCAN fit: ours against scikit-learn on 20,000 noisy 2-D points.

``cases()`` times two data sets, two moons and five blobs, each with 5% of
the points scattered uniformly as background noise. Run as a script, the
file also measures the peak memory of our fit for 12,500 to 100,000 points
with eps shrinking as 1/sqrt(n), so that the expected number of neighbours
of a point, and with it the work per point, stays the same:
``python tests/benchmarks/bench_dbscan.py``.
"""

import tracemalloc

import numpy as np
from sklearn.cluster import DBSCAN as SkDBSCAN
from sklearn.datasets import make_blobs, make_moons

from scratch.dbscan import DBSCAN

# eps at 20,000 points; min_samples stays fixed
MOONS_EPS, MOONS_MIN_SAMPLES = 0.03, 10
BLOBS_EPS, BLOBS_MIN_SAMPLES = 0.25, 10
MEMORY_SIZES = (12_500, 25_000, 50_000, 100_000)


def noisy(X, fraction, rng):
    """X with ``fraction`` of its rows replaced by uniform background."""
    n_noise = int(fraction * X.shape[0])
    low, high = X.min(axis=0), X.max(axis=0)
    X = X.copy()
    X[:n_noise] = rng.uniform(low, high, size=(n_noise, X.shape[1]))
    return X[rng.permutation(X.shape[0])]


def moons_data(n_samples, seed=0):
    """Two moons, 5% background noise, and the eps that keeps the expected
    neighbourhood size of 20,000 points."""
    X, _ = make_moons(n_samples=n_samples, noise=0.06, random_state=seed)
    X = noisy(X, 0.05, np.random.default_rng(seed))
    return X, MOONS_EPS * np.sqrt(20_000 / n_samples)


def blobs_data(n_samples, seed=0):
    X, _ = make_blobs(
        n_samples=n_samples, centers=5, cluster_std=1.0, random_state=seed
    )
    return noisy(X, 0.05, np.random.default_rng(seed)), BLOBS_EPS


def cases():
    for name, make_data, min_samples in (
        ("two moons", moons_data, MOONS_MIN_SAMPLES),
        ("five blobs", blobs_data, BLOBS_MIN_SAMPLES),
    ):
        X, eps = make_data(20_000)
        yield (
            f"DBSCAN {name} + noise 20,000x2",
            lambda X=X, eps=eps, m=min_samples: DBSCAN(
                eps=eps, min_samples=m
            ).fit(X),
            lambda X=X, eps=eps, m=min_samples: SkDBSCAN(
                eps=eps, min_samples=m
            ).fit(X),
            5.0,
        )


def peak_memory(n_samples):
    """Peak bytes allocated during our fit on ``moons_data(n_samples)``.

    tracemalloc sees every block that Python and NumPy allocate while the
    fit runs (NumPy reports its array buffers to it), counted from the
    start of the fit: the input X, made beforehand, is not included, but
    the arrays the fit keeps (labels_, components_) are. It does not see
    memory that compiled libraries allocate behind NumPy's back, such as
    BLAS work space, which the grid path does not use.
    """
    X, eps = moons_data(n_samples)
    tracemalloc.start()
    try:
        model = DBSCAN(eps=eps, min_samples=MOONS_MIN_SAMPLES).fit(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, model


if __name__ == "__main__":
    print(
        f"{'n':>8} {'eps':>8} {'clusters':>9} {'peak MB':>9} "
        f"{'bytes/sample':>13}"
    )
    for n in MEMORY_SIZES:
        peak, model = peak_memory(n)
        print(
            f"{n:>8} {model.eps:>8.4f} {model.labels_.max() + 1:>9} "
            f"{peak / 2**20:>9.1f} {peak / n:>13.0f}"
        )
