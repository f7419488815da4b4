"""k-means clustering: k-means++ seeding and Lloyd's algorithm.

Chapter: book/unsupervised/kmeans.md. Lloyd alternates an assignment step
(eq-kmeans-assign) and an update step (eq-kmeans-update), neither of which
can raise the objective (eq-kmeans-objective); k-means++ picks the starting
centres by D^2 sampling (eq-kmeanspp-sampling).
"""

import numbers

import numpy as np

from .validation import (
    BaseEstimator,
    ClusterMixin,
    TransformerMixin,
    check_array,
    check_init_centers,
    check_magnitude,
    check_n_clusters,
    check_predict_input,
    check_random_state,
    check_scalar,
    chunk_slices,
    record_feature_names,
    squared_distances,
)


def assign_labels(X, centers, X_sq=None):
    """Assignment step (eq-kmeans-assign): each sample goes to its nearest
    centre. Distances come from eq-kmeans-distance-expansion in row chunks,
    so memory stays bounded and no (n_samples, n_clusters, n_features)
    array is ever built. The ||x||^2 term is the same for every centre, so
    it is left out of the argmin and added back for the chosen centre only.

    Returns the labels and each sample's squared distance to its centre.
    """
    if X_sq is None:
        X_sq = np.einsum("ij,ij->i", X, X)
    centers_sq = np.einsum("ij,ij->i", centers, centers)
    labels = np.empty(X.shape[0], dtype=np.intp)
    nearest_sq = np.empty(X.shape[0])
    for rows in chunk_slices(X.shape[0], centers.shape[0]):
        partial = X[rows] @ centers.T  # (chunk, n_clusters)
        partial *= -2.0
        partial += centers_sq  # ||x - c||^2 - ||x||^2
        labels[rows] = np.argmin(partial, axis=1)
        chosen = np.take_along_axis(partial, labels[rows, None], axis=1)
        nearest_sq[rows] = np.maximum(chosen[:, 0] + X_sq[rows], 0.0)
    return labels, nearest_sq


def update_centers(X, labels, nearest_sq, n_clusters):
    """Update step (eq-kmeans-update): each centre moves to the mean of its
    samples.

    A cluster that lost all its samples would have no mean; it is given the
    sample farthest from its own centre instead, which lowers the objective
    by that sample's squared distance. The farthest sample leaves its
    cluster, so each empty cluster takes a different sample.
    """
    counts = np.bincount(labels, minlength=n_clusters)
    one_hot = np.zeros((n_clusters, X.shape[0]))
    one_hot[labels, np.arange(X.shape[0])] = 1.0
    sums = one_hot @ X  # (n_clusters, n_features)
    empty = np.flatnonzero(counts == 0)
    if empty.size:
        farthest = np.argsort(nearest_sq)[::-1][: empty.size]
        for cluster, sample in zip(empty, farthest):
            sums[labels[sample]] -= X[sample]
            counts[labels[sample]] -= 1
            sums[cluster] = X[sample]
            counts[cluster] = 1
    return sums / counts[:, None]


def kmeans_plusplus(X, n_clusters, rng, X_sq=None, n_local_trials=None):
    """k-means++ seeding (eq-kmeanspp-sampling).

    The first centre is a uniformly random sample; each next one is drawn
    with probability proportional to D(x)^2, the squared distance to the
    nearest centre chosen so far. Like scikit-learn, it draws
    ``2 + log(k)`` candidates per step and keeps the one that lowers the
    objective most (greedy k-means++); ``n_local_trials=1`` is the original
    algorithm, the one whose O(log k) guarantee the chapter states.
    """
    n_samples = X.shape[0]
    if X_sq is None:
        X_sq = np.einsum("ij,ij->i", X, X)
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    centers = np.empty((n_clusters, X.shape[1]))
    first = rng.integers(n_samples)
    centers[0] = X[first]
    closest_sq = squared_distances(
        X, X[first : first + 1], X_sq, X_sq[first : first + 1]
    )[:, 0]
    for k in range(1, n_clusters):
        potential = closest_sq.sum()
        if potential == 0.0:  # fewer distinct points than clusters
            candidates = rng.integers(n_samples, size=n_local_trials)
        else:
            cumulative = np.cumsum(closest_sq)
            draws = rng.random(n_local_trials) * potential
            candidates = np.searchsorted(cumulative, draws, side="right")
            np.minimum(candidates, n_samples - 1, out=candidates)
        # (n_samples, n_local_trials): each candidate's new D^2 values
        candidate_sq = np.minimum(
            closest_sq[:, None],
            squared_distances(X, X[candidates], X_sq, X_sq[candidates]),
        )
        best = np.argmin(candidate_sq.sum(axis=0))
        centers[k] = X[candidates[best]]
        closest_sq = candidate_sq[:, best]
    return centers


def lloyd(X, centers, max_iter, tol, X_sq=None):
    """Lloyd's algorithm from the given centres (alg-lloyd).

    Stops when the assignment no longer changes, or when the centres moved
    by at most ``tol`` in total squared distance. Returns the labels, the
    inertia (eq-kmeans-objective) and the centres, all consistent with
    each other, and the number of iterations.
    """
    if X_sq is None:
        X_sq = np.einsum("ij,ij->i", X, X)
    n_clusters = centers.shape[0]
    labels, nearest_sq = assign_labels(X, centers, X_sq)
    for iteration in range(1, max_iter + 1):
        new_centers = update_centers(X, labels, nearest_sq, n_clusters)
        shift = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        previous_labels = labels
        labels, nearest_sq = assign_labels(X, centers, X_sq)
        if np.array_equal(labels, previous_labels) or shift <= tol:
            break
    return labels, nearest_sq.sum(), centers, iteration


class KMeans(TransformerMixin, ClusterMixin, BaseEstimator):
    """k-means clustering.

    Parameters
    ----------
    n_clusters : int, default=8
    init : {'k-means++', 'random'} or ndarray of shape (n_clusters,
        n_features), default='k-means++'
        How the starting centres are chosen: k-means++ seeding, k distinct
        samples drawn uniformly, or the given array.
    n_init : int or 'auto', default='auto'
        Runs from different starts; the lowest inertia wins. 'auto' is 1
        for k-means++ and for a given array, 10 for 'random'.
    max_iter : int, default=300
        Most Lloyd iterations per run.
    tol : float, default=1e-4
        Stop when the centres' total squared shift is at most ``tol`` times
        the mean feature variance (scikit-learn's convention).
    random_state : None, int or numpy.random.Generator, default=None

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    labels_ : ndarray of shape (n_samples,)
    inertia_ : float
        Sum of squared distances to the closest centre
        (eq-kmeans-objective).
    n_iter_ : int
        Lloyd iterations of the best run.
    n_features_in_ : int
    """

    def __init__(
        self,
        *,
        n_clusters=8,
        init="k-means++",
        n_init="auto",
        max_iter=300,
        tol=1e-4,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def _check_params(self, X):
        check_n_clusters(self.n_clusters, X.shape[0])
        init_centers = check_init_centers(
            self.init, self.n_clusters, X.shape[1]
        )
        if self.n_init == "auto":
            n_init = (
                10
                if (isinstance(self.init, str) and self.init == "random")
                else 1
            )
        else:
            n_init = check_scalar(
                self.n_init, "n_init", numbers.Integral, low=1
            )
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        return init_centers, n_init

    def _initial_centers(self, X, X_sq, rng):
        if self.init == "k-means++":
            return kmeans_plusplus(X, self.n_clusters, rng, X_sq)
        chosen = rng.choice(X.shape[0], size=self.n_clusters, replace=False)
        return X[chosen].copy()

    def fit(self, X, y=None):
        """Cluster X; ``y`` is ignored. Returns self."""
        record_feature_names(self, X)
        X = check_magnitude(check_array(X))
        init_centers, n_init = self._check_params(X)
        rng = check_random_state(self.random_state)
        X_sq = np.einsum("ij,ij->i", X, X)
        tol = self.tol * np.mean(np.var(X, axis=0))
        best = None
        for _ in range(n_init):
            centers = (
                init_centers.copy()
                if init_centers is not None
                else self._initial_centers(X, X_sq, rng)
            )
            run = lloyd(X, centers, self.max_iter, tol, X_sq)
            if best is None or run[1] < best[1]:
                best = run
        self.labels_, inertia, self.cluster_centers_, self.n_iter_ = best
        self.inertia_ = float(inertia)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        """Index of the nearest centre for each sample (eq-kmeans-assign)."""
        X = check_magnitude(check_predict_input(self, X))
        return assign_labels(X, self.cluster_centers_)[0]

    def transform(self, X):
        """Euclidean distances to every centre, shape (n, n_clusters)."""
        X = check_magnitude(check_predict_input(self, X))
        return np.sqrt(squared_distances(X, self.cluster_centers_))

    def score(self, X, y=None):
        """Minus the inertia of X under the fitted centres (higher is
        better, as scikit-learn's convention wants)."""
        X = check_magnitude(check_predict_input(self, X))
        return -float(assign_labels(X, self.cluster_centers_)[1].sum())
