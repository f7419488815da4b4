"""How time grows with the number of samples: ours and scikit-learn's, at
five sizes per model, and the slope of log time on log n.

Each entry of ``MODELS`` builds, for a number of samples ``n``, two
zero-argument callables that do the same work on the same data, ours and
scikit-learn's, our model's settings, and either None or a callable that
counts the steps our fit takes where that number grows with ``n``. Both
run on one thread (BLAS and OpenMP alike), so that the slopes describe
the algorithms rather than how many cores happened to be free. Each size
keeps the best of ``repeats`` alternating calls: on a shared machine the
minimum is the time least disturbed by other work.

``python tests/benchmarks/growth.py`` prints the table;
``tests/benchmarks/record.py`` stores it with the machine it ran on.
"""

import sys
import time
import warnings

import numpy as np
from sklearn.cluster import DBSCAN as SkDBSCAN
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_classification, make_moons
from sklearn.ensemble import RandomForestClassifier as SkForest
from sklearn.neighbors import KNeighborsClassifier as SkKNN
from sklearn.svm import SVC as SkSVC
from sklearn.tree import DecisionTreeClassifier as SkTree
from threadpoolctl import threadpool_limits

from scratch.dbscan import DBSCAN
from scratch.decision_tree import DecisionTreeClassifier
from scratch.kmeans import KMeans
from scratch.knn import KNeighborsClassifier
from scratch.random_forest import RandomForestClassifier
from scratch.svm import SVC

# The slope is fitted over this many of the largest sizes, where fixed
# per-call costs no longer hide the growth.
N_FITTED = 3


def classification(n_samples, n_features=20, seed=0):
    """A standardised two-class problem with half its features
    informative."""
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_features // 2,
        random_state=seed,
    )
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def with_params(model, **params):
    """``model`` with those of ``params`` that it accepts: the growth run
    asks for brute-force neighbour search where a model offers a choice,
    and runs unchanged on a version that does not."""
    accepted = model.get_params()
    return model.set_params(
        **{k: v for k, v in params.items() if k in accepted}
    )


def knn_case(n_samples):
    """Predict 1,000 queries in 20 dimensions against n training points;
    fitting only stores the data, so it is done beforehand."""
    X, y = classification(n_samples + 1000)
    X_fit, y_fit, queries = X[1000:], y[1000:], X[:1000]
    ours = with_params(KNeighborsClassifier(), algorithm="brute")
    ours.fit(X_fit, y_fit)
    theirs = SkKNN(algorithm="brute").fit(X_fit, y_fit)
    return (
        lambda: ours.predict(queries),
        lambda: theirs.predict(queries),
        ours.get_params(),
        None,
    )


def svm_case(n_samples):
    """Fit an RBF-kernel SVC with the default C and gamma; the work count
    is our number of SMO steps."""
    X, y = classification(n_samples)
    return (
        lambda: SVC().fit(X, y),
        lambda: SkSVC().fit(X, y),
        SVC().get_params(),
        lambda: int(SVC().fit(X, y).n_iter_[0]),
    )


def tree_case(n_samples):
    """Fit a fully grown classification tree on 20 features."""
    X, y = classification(n_samples)
    return (
        lambda: DecisionTreeClassifier().fit(X, y),
        lambda: SkTree().fit(X, y),
        DecisionTreeClassifier().get_params(),
        None,
    )


def forest_case(n_samples):
    """Fit a forest of 20 fully grown classification trees."""
    X, y = classification(n_samples)
    return (
        lambda: RandomForestClassifier(n_estimators=20, random_state=0).fit(
            X, y
        ),
        lambda: SkForest(n_estimators=20, random_state=0, n_jobs=1).fit(X, y),
        RandomForestClassifier(n_estimators=20, random_state=0).get_params(),
        None,
    )


def kmeans_case(n_samples):
    """Exactly 20 Lloyd iterations from the same start, K = 8, d = 10:
    uniform data have no clusters to settle into within 20 iterations,
    and tol=0 switches off the early stop on a small shift."""
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(n_samples, 10))
    start = X[:8].copy()
    settings = {"n_clusters": 8, "init": start, "max_iter": 20, "tol": 0.0}
    return (
        lambda: KMeans(**settings).fit(X),
        lambda: SkKMeans(**settings, n_init=1, algorithm="lloyd").fit(X),
        {k: v for k, v in settings.items() if k != "init"},
        None,
    )


def dbscan_case(n_samples):
    """Two noisy moons with 5% uniform background, eps shrinking as
    1/sqrt(n) so that the expected neighbourhood size stays the same."""
    X, _ = make_moons(n_samples=n_samples, noise=0.06, random_state=0)
    rng = np.random.default_rng(0)
    n_noise = n_samples // 20
    X[:n_noise] = rng.uniform(X.min(axis=0), X.max(axis=0), (n_noise, 2))
    eps = 0.03 * np.sqrt(20_000 / n_samples)
    return (
        lambda: DBSCAN(eps=eps, min_samples=10).fit(X),
        lambda: SkDBSCAN(eps=eps, min_samples=10).fit(X),
        DBSCAN(eps=eps, min_samples=10).get_params(),
        None,
    )


# key: (model, what is timed, sizes, case)
MODELS = {
    "knn": (
        "k-NN",
        "predict, 1,000 queries, d = 20, k = 5",
        (4_000, 8_000, 16_000, 32_000, 64_000),
        knn_case,
    ),
    "svm": (
        "SVM",
        "fit, RBF kernel, d = 20",
        (500, 1_000, 2_000, 4_000, 8_000),
        svm_case,
    ),
    "decision_tree": (
        "decision tree",
        "fit, fully grown, d = 20",
        (2_000, 4_000, 8_000, 16_000, 32_000),
        tree_case,
    ),
    "random_forest": (
        "random forest",
        "fit, 20 trees, d = 20",
        (1_000, 2_000, 4_000, 8_000, 16_000),
        forest_case,
    ),
    "kmeans": (
        "k-means",
        "fit, 20 Lloyd iterations, K = 8, d = 10",
        (12_500, 25_000, 50_000, 100_000, 200_000),
        kmeans_case,
    ),
    "dbscan": (
        "DBSCAN",
        "fit, 2-D moons, fixed expected neighbourhood",
        (10_000, 20_000, 40_000, 80_000, 160_000),
        dbscan_case,
    ),
}


def fitted_slope(sizes, seconds, n_fitted=N_FITTED):
    """Least-squares slope of log(seconds) on log(n) over the ``n_fitted``
    largest sizes: the exponent beta in time ~ c n^beta."""
    order = np.argsort(sizes)[-n_fitted:]
    log_n = np.log(np.asarray(sizes, dtype=float)[order])
    log_t = np.log(np.asarray(seconds, dtype=float)[order])
    return float(np.polyfit(log_n, log_t, 1)[0])


def best_times(ours, reference, repeats):
    """Best of ``repeats`` calls of each, alternating, after a warm-up."""
    ours(), reference()
    ours_times, reference_times = [], []
    for _ in range(repeats):
        for call, times in [(ours, ours_times), (reference, reference_times)]:
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
    return min(ours_times), min(reference_times)


def measure(key, repeats=3):
    """Time one model of ``MODELS`` at each of its sizes."""
    model, timed, sizes, make_case = MODELS[key]
    ours_seconds, reference_seconds, steps = [], [], []
    for n_samples in sizes:
        ours, reference, params, count_steps = make_case(n_samples)
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours_best, reference_best = best_times(ours, reference, repeats)
            if count_steps is not None:
                steps.append(count_steps())
        ours_seconds.append(ours_best)
        reference_seconds.append(reference_best)
    return {
        "key": key,
        "model": model,
        "timed": timed,
        "our_params": {k: repr(v) for k, v in params.items()},
        "sizes": list(sizes),
        "ours_seconds": ours_seconds,
        "reference_seconds": reference_seconds,
        "ours_slope": fitted_slope(sizes, ours_seconds),
        "reference_slope": fitted_slope(sizes, reference_seconds),
        "ours_steps": steps or None,
        "steps_slope": fitted_slope(sizes, steps) if steps else None,
        "n_fitted": N_FITTED,
        "repeats": repeats,
    }


def run(keys=None, repeats=3, report=None):
    """Measure every model (or those in ``keys``); ``report`` is called
    with each result as it arrives."""
    results = []
    for key in keys or MODELS:
        result = measure(key, repeats)
        if report is not None:
            report(result)
        results.append(result)
    return results


def format_result(result):
    """One model's line: the largest size, both times there and both
    slopes."""
    return (
        f"{result['model']:<14} n <= {result['sizes'][-1]:>7,} "
        f"ours {result['ours_seconds'][-1]:8.3f} s "
        f"(slope {result['ours_slope']:5.2f})  scikit-learn "
        f"{result['reference_seconds'][-1]:8.3f} s "
        f"(slope {result['reference_slope']:5.2f})"
    )


if __name__ == "__main__":
    run(sys.argv[1:], report=lambda r: print(format_result(r), flush=True))
