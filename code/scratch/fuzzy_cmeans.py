"""Fuzzy c-means clustering: soft memberships by alternating optimisation.

Chapter: book/unsupervised/fuzzy_cmeans.md. The objective
(eq-fcm-objective) is lowered in turn by the membership update
(eq-fcm-membership), which is exact for fixed centres, and the centre
update (eq-fcm-centers), which is exact for fixed memberships. The
starting centres come from k-means++ seeds (eq-kmeanspp-sampling) or
from random memberships.
"""

import numbers

import numpy as np

from .kmeans import kmeans_plusplus
from .validation import (
    BaseEstimator,
    ClusterMixin,
    check_array,
    check_init_centers,
    check_magnitude,
    check_n_clusters,
    check_predict_input,
    check_random_state,
    check_scalar,
    record_feature_names,
    squared_distances,
)


def memberships(sq_distances, m):
    """Membership update (eq-fcm-membership), computed stably.

    With r_ik = min_j d_ij^2 / d_ik^2 the update reads
    u_ik = r_ik^(1/(m-1)) / sum_j r_ij^(1/(m-1)) (eq-fcm-membership-ratio).
    Every ratio lies in (0, 1] and the nearest centre's is 1, so the
    powers neither overflow nor leave a zero denominator, however close
    m is to one.
    A sample that lies on a centre (zero distance) belongs to it fully;
    if several centres coincide there, the sample is split equally.

    Parameters
    ----------
    sq_distances : ndarray of shape (n_samples, n_clusters)
    m : float > 1

    Returns
    -------
    ndarray of shape (n_samples, n_clusters), rows summing to one.
    """
    # A loop over the few clusters is several times faster than
    # .min(axis=1) and .sum(axis=1), which reduce along the short axis.
    nearest = sq_distances[:, 0].copy()  # (n_samples,)
    for column in sq_distances.T[1:]:
        np.minimum(nearest, column, out=nearest)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = nearest[:, None] / sq_distances  # r_ik, (n, n_clusters)
    np.power(weights, 1.0 / (m - 1.0), out=weights)
    # Zero distance: the limit of eq-fcm-membership puts all the mass on
    # the centres at distance zero (0/0 above).
    on_center = nearest == 0.0
    weights[on_center] = sq_distances[on_center] == 0.0
    weights /= (weights @ np.ones(weights.shape[1]))[:, None]
    return weights


def update_centers(X, membership, m):
    """Centre update (eq-fcm-centers): each centre is the mean of all
    samples weighted by u_ik^m.

    A column of u^m sums to zero only if all its memberships underflow
    (m very close to one and a centre nobody is near); that centre comes
    back as NaN and the caller keeps it where it was.
    """
    weights = membership**m  # (n_samples, n_clusters)
    totals = weights.sum(axis=0)  # (n_clusters,)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (weights.T @ X) / totals[:, None]  # (n_clusters, n_features)


def objective(sq_distances, membership, m):
    """The fuzzy c-means objective J_m (eq-fcm-objective)."""
    return float(np.sum(membership**m * sq_distances))


def fuzzy_cmeans(X, centers, m, max_iter, tol, X_sq=None):
    """Alternating optimisation from the given centres (alg-fcm).

    Each iteration moves the centres (eq-fcm-centers) and then recomputes
    the memberships (eq-fcm-membership). The objective recorded after
    each membership update is the smallest J_m for those centres, and it
    never increases (thm-fcm-monotone). Stops when the centres moved by
    at most ``tol`` in total squared distance.

    Returns the centres, the memberships, the objective history (the
    value at the start followed by one value per iteration) and the
    number of iterations.
    """
    if X_sq is None:
        X_sq = np.einsum("ij,ij->i", X, X)
    sq_dist = squared_distances(X, centers, X_sq)  # (n_samples, n_clusters)
    membership = memberships(sq_dist, m)
    history = [objective(sq_dist, membership, m)]
    iteration = 0
    for iteration in range(1, max_iter + 1):
        new_centers = update_centers(X, membership, m)
        # A centre whose u^m weights all underflowed keeps its place.
        lost = ~np.all(np.isfinite(new_centers), axis=1)
        new_centers[lost] = centers[lost]
        shift = np.sum((new_centers - centers) ** 2)
        centers = new_centers
        sq_dist = squared_distances(X, centers, X_sq)
        membership = memberships(sq_dist, m)
        history.append(objective(sq_dist, membership, m))
        if shift <= tol:
            break
    return centers, membership, np.array(history), iteration


def initial_centers(X, n_clusters, m, init, rng, X_sq=None):
    """Starting centres, each the centre update (eq-fcm-centers) of a
    starting membership matrix.

    'k-means++' seeds with eq-kmeanspp-sampling and gives each sample
    full membership of its nearest seed; 'random' draws every row of the
    memberships uniformly from the simplex, Bezdek's classical start.
    Neither puts a centre on a sample (unless a seed's cell holds that
    sample alone): such a centre gives the sample membership one and, for
    large m, weight u^m = 1 against near-zero weights for every other
    sample, which traps the centre there.
    """
    n_samples = X.shape[0]
    if init == "k-means++":
        seeds = kmeans_plusplus(X, n_clusters, rng, X_sq)
        nearest = np.argmin(squared_distances(X, seeds, X_sq), axis=1)
        start = np.zeros((n_samples, n_clusters))  # (n_samples, n_clusters)
        start[np.arange(n_samples), nearest] = 1.0
        fallback = seeds
    else:
        start = rng.dirichlet(np.ones(n_clusters), size=n_samples)
        fallback = X[rng.choice(n_samples, n_clusters, replace=False)]
    centers = update_centers(X, start, m)
    # Duplicate seeds leave a cell empty; its centre stays on the seed.
    lost = ~np.all(np.isfinite(centers), axis=1)
    centers[lost] = fallback[lost]
    return centers


class FuzzyCMeans(ClusterMixin, BaseEstimator):
    """Fuzzy c-means clustering.

    Parameters
    ----------
    n_clusters : int, default=3
    m : float > 1, default=2.0
        The fuzzifier: close to 1 gives nearly hard (k-means) memberships,
        large values push every membership towards 1 / n_clusters.
    max_iter : int, default=300
        Most iterations of alternating optimisation.
    tol : float, default=1e-6
        Stop when the centres' total squared shift in one iteration is at
        most ``tol`` times the mean feature variance.
    init : {'k-means++', 'random'} or ndarray of shape (n_clusters,
        n_features), default='k-means++'
        Starting centres: the means of the cells of k-means++ seeds, the
        centre update of uniformly random memberships, or the given
        array (see ``initial_centers``).
    random_state : None, int or numpy.random.Generator, default=None

    Attributes
    ----------
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
    membership_ : ndarray of shape (n_samples, n_clusters)
        Memberships of the training samples; rows sum to one.
    labels_ : ndarray of shape (n_samples,)
        Index of each sample's largest membership.
    objective_ : ndarray of shape (n_iter_ + 1,)
        J_m (eq-fcm-objective) at the starting centres and after each
        iteration; it never increases.
    n_iter_ : int
    n_features_in_ : int
    """

    def __init__(
        self,
        *,
        n_clusters=3,
        m=2.0,
        max_iter=300,
        tol=1e-6,
        init="k-means++",
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.m = m
        self.max_iter = max_iter
        self.tol = tol
        self.init = init
        self.random_state = random_state

    def _check_params(self, X):
        check_n_clusters(self.n_clusters, X.shape[0])
        check_scalar(self.m, "m", low=1.0, low_inclusive=False)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        return check_init_centers(self.init, self.n_clusters, X.shape[1])

    def fit(self, X, y=None):
        """Cluster X by alternating optimisation (alg-fcm); ``y`` is
        ignored. Returns self."""
        record_feature_names(self, X)
        X = check_magnitude(check_array(X))
        init_centers = self._check_params(X)
        rng = check_random_state(self.random_state)
        # Centring first keeps ||x||^2 - 2x.c + ||c||^2 accurate for data
        # far from the origin (longitudes near -120, say).
        self._offset = X.mean(axis=0)
        X = X - self._offset
        X_sq = np.einsum("ij,ij->i", X, X)
        if init_centers is None:
            centers = initial_centers(
                X, self.n_clusters, float(self.m), self.init, rng, X_sq
            )
        else:
            centers = init_centers - self._offset
        tol = self.tol * np.mean(np.var(X, axis=0))
        centers, membership, history, n_iter = fuzzy_cmeans(
            X, centers, float(self.m), self.max_iter, tol, X_sq
        )
        self.cluster_centers_ = centers + self._offset
        self.membership_ = membership
        self.labels_ = np.argmax(membership, axis=1)
        self.objective_ = history
        self.n_iter_ = n_iter
        self.n_features_in_ = X.shape[1]
        return self

    def predict_proba(self, X):
        """Memberships of new samples to the fitted centres
        (eq-fcm-membership); rows sum to one."""
        X = check_magnitude(check_predict_input(self, X))
        centers = self.cluster_centers_ - self._offset
        sq_dist = squared_distances(X - self._offset, centers)
        return memberships(sq_dist, float(self.m))

    def predict(self, X):
        """Index of each new sample's largest membership, which is its
        nearest centre."""
        return np.argmax(self.predict_proba(X), axis=1)
