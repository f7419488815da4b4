"""k-nearest neighbours for classification and regression, by brute force
or with a k-d tree.

Chapter: book/supervised/knn.md. A query point x is answered from the k
training points nearest to it in Euclidean distance (eq-knn-neighbourhood):
a classifier takes a (weighted) vote among their labels (eq-knn-vote), a
regressor a (weighted) average of their targets (eq-knn-average), with
uniform weights or weights 1 / distance (eq-knn-distance-weights).

Neighbours are found by brute force: the squared distances from a block
of query rows to every training point, less the query's own squared norm,
by one matrix product (eq-knn-distance-expansion), in blocks small enough
to bound memory; then the k smallest of each row, in two stages (group
minima, then k groups), and their distances recomputed exactly. With few
features a k-d tree (scratch.kd_tree) finds the same neighbours while
looking at a few leaves of points per query instead of all of them.

Tie rule. Among training points at equal (computed) squared distance, the
one with the lower training index counts as nearer: it is chosen first when
the k-th and (k+1)-th distances are equal, and listed first by
``kneighbors``. A vote tie between classes goes to the class that comes
first in ``classes_``. Brute force ranks by the expansion, the tree by
the squared differences; both are exact on integer coordinates (of
moderate size), so there the two give identical neighbours, ties
included, and the distances of both come from ``neighbour_distances``.
"""

import numbers

import numpy as np

from .kd_tree import KDTree
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    check_is_fitted,
    check_magnitude,
    check_option,
    check_predict_input,
    check_scalar,
    check_X_y,
    chunk_slices,
    encode_labels,
    record_feature_names,
)

# Budget, in float64 elements, for one block of query-to-training
# scores: 2**19 elements are 4 MB. Small blocks stay in the processor's
# cache between the matrix product and the selection, which is faster
# than larger ones.
MAX_BLOCK_FLOATS = 2**19

ALGORITHMS = {"auto", "brute", "kd_tree"}

# 'auto' builds a k-d tree when there are at least this many training
# points per orthant, n >= TREE_MIN_RATIO * 2^d: with fewer, a query's
# ball crosses so many leaves that brute force's one matrix product wins
# (measured in the chapter's section on the k-d tree).
TREE_MIN_RATIO = 512

# Training points per group in the two-stage selection
# (smallest_k_by_groups): k groups of 16 leave 16 k candidates per query;
# measured fastest, from 1,200 to 20,000 training points and k from 1 to 50.
GROUP_SIZE = 16


def smallest_k_indices(sq_distances, k):
    """Column indices of the k smallest entries of each row, with ties
    going to the lower index (the module's tie rule).

    Implements the selection in eq-knn-neighbourhood. ``np.argpartition``
    finds k smallest in O(n) per row, but picks arbitrarily among values
    equal to the k-th smallest; rows where such a tie straddles the
    boundary are redone by an exact rule. Order within a row is arbitrary.
    """
    n_rows, n_cols = sq_distances.shape
    if k == n_cols:
        return np.broadcast_to(np.arange(n_cols), (n_rows, n_cols)).copy()
    # Partition at position k: the first k are a set of k smallest and
    # entry k is the (k+1)-th smallest, so a tie at the boundary shows as
    # equality between the largest chosen value and entry k.
    part = np.argpartition(sq_distances, k, axis=1)
    chosen = part[:, :k]  # (n_rows, k)
    rows = np.arange(n_rows)[:, None]
    kth_value = sq_distances[rows, chosen].max(axis=1)  # (n_rows,)
    tied = kth_value == sq_distances[rows[:, 0], part[:, k]]
    if np.any(tied):
        chosen[tied] = lowest_index_tie_break(
            sq_distances[tied], kth_value[tied], k
        )
    return chosen


def lowest_index_tie_break(sq_distances, kth_value, k):
    """The k smallest of each row when the k-th value is tied: all entries
    below ``kth_value``, then the lowest-indexed entries equal to it."""
    below = sq_distances < kth_value[:, None]  # (n_rows, n_cols)
    at = sq_distances == kth_value[:, None]
    n_needed = k - below.sum(axis=1)
    keep = below | (at & (np.cumsum(at, axis=1) <= n_needed[:, None]))
    # Exactly k entries per row are kept; nonzero lists them row by row.
    return np.nonzero(keep)[1].reshape(-1, k)


def neighbour_distances(X_query, X_fit, indices):
    """Euclidean distances from each query row to its chosen neighbours,
    computed from differences.

    The expansion of eq-knn-distance-expansion loses digits when x is
    close to a training point (the exact duplicate may come out as 1e-8
    instead of 0); recomputing the k chosen distances directly is cheap,
    O(k d) per query, and makes a duplicate's distance exactly zero, which
    eq-knn-distance-weights relies on.
    """
    diff = X_fit[indices] - X_query[:, None, :]  # (n_query, k, n_features)
    return np.sqrt(np.einsum("qkj,qkj->qk", diff, diff))


def sort_neighbours(distances, indices):
    """Sort each row's neighbours by distance, then by training index
    (the tie rule)."""
    order = np.lexsort((indices, distances), axis=1)  # (n_query, k)
    rows = np.arange(len(indices))[:, None]
    return distances[rows, order], indices[rows, order]


def augmented_training(X_fit, fit_sq_norms, n_groups):
    """Columns [x_i; ||x_i||^2], one per training point, padded with zero
    columns to ``n_groups * GROUP_SIZE``: (n_features + 1, n_columns).

    The product of a query row [-2 x, 1] with this matrix is
    ||x - x_i||^2 - ||x||^2, eq-knn-distance-expansion less the query's
    own squared norm. That term is the same for every i in the row, so it
    changes no ranking, and one matrix product gives the scores directly.
    """
    n_samples, n_features = X_fit.shape
    augmented = np.zeros((n_features + 1, n_groups * GROUP_SIZE))
    augmented[:n_features, :n_samples] = X_fit.T
    augmented[n_features, :n_samples] = fit_sq_norms
    return augmented


def smallest_k_by_groups(scores, k, n_groups):
    """The k smallest scores of each row, by the tie rule, looking closely
    at only k groups of training points.

    Column j belongs to group j mod n_groups. The k smallest group minima
    bound the k-th smallest score from above (threshold); every score at
    or below it lies in a group whose minimum is at or below it, which
    are exactly the k chosen groups unless another group's minimum equals
    the threshold. Rows with such a tie are redone on the whole row.
    """
    n_rows, n_columns = scores.shape
    group_size = n_columns // n_groups
    group_min = scores.reshape(n_rows, group_size, n_groups).min(axis=1)
    chosen_groups = np.argpartition(group_min, k - 1, axis=1)[:, :k]
    threshold = np.take_along_axis(group_min, chosen_groups, 1).max(axis=1)
    exact = np.count_nonzero(group_min <= threshold[:, None], axis=1) == k
    members = n_groups * np.arange(group_size)
    candidates = (chosen_groups[:, :, None] + members).reshape(n_rows, -1)
    candidates.sort(axis=1)  # training order, for the tie rule
    candidate_scores = np.take_along_axis(scores, candidates, 1)
    chosen = np.take_along_axis(
        candidates, smallest_k_indices(candidate_scores, k), 1
    )
    if not exact.all():
        chosen[~exact] = smallest_k_indices(scores[~exact], k)
    return chosen  # (n_rows, k)


def k_nearest(X_query, X_fit, fit_sq_norms, k, exclude_self=False):
    """Distances and indices of the k nearest training points of every
    query row, nearest first: eq-knn-neighbourhood by brute force.

    Query rows are processed in blocks so that the block of scores
    (eq-knn-distance-expansion) stays within MAX_BLOCK_FLOATS. With
    ``exclude_self`` the queries are the training points themselves and
    each is left out of its own neighbours.
    """
    (n_query, n_features), n_fit = X_query.shape, X_fit.shape[0]
    n_groups = -(-n_fit // GROUP_SIZE)
    augmented = augmented_training(X_fit, fit_sq_norms, n_groups)
    distances = np.empty((n_query, k))
    indices = np.empty((n_query, k), dtype=np.intp)
    n_columns = augmented.shape[1]
    for rows in chunk_slices(n_query, n_columns, MAX_BLOCK_FLOATS):
        X_block = X_query[rows]
        query_rows = np.empty((len(X_block), n_features + 1))
        query_rows[:, :n_features] = -2.0 * X_block
        query_rows[:, n_features] = 1.0
        scores = query_rows @ augmented  # (block rows, n_columns)
        scores[:, n_fit:] = np.inf  # the padding is nobody's neighbour
        if exclude_self:
            own = np.arange(rows.start, rows.stop)
            scores[own - rows.start, own] = np.inf
        if n_groups > 2 * k:  # with fewer groups, k of them are most rows
            chosen = smallest_k_by_groups(scores, k, n_groups)
        else:
            chosen = smallest_k_indices(scores, k)
        found = neighbour_distances(X_block, X_fit, chosen)
        distances[rows], indices[rows] = sort_neighbours(found, chosen)
    return distances, indices


def choose_algorithm(algorithm, n_samples, n_features):
    """The search that ``algorithm`` stands for: 'auto' takes the k-d
    tree when n >= TREE_MIN_RATIO * 2^d (eq-knn-kd-auto), brute force
    otherwise."""
    if algorithm != "auto":
        return algorithm
    # compare exponents: 2^d itself overflows for very wide data
    enough = np.log2(n_samples / TREE_MIN_RATIO) >= n_features
    return "kd_tree" if enough else "brute"


def distance_weights(distances, weights):
    """Weight of each neighbour: eq-knn-distance-weights.

    ``"uniform"`` gives every neighbour weight 1. ``"distance"`` gives
    1 / distance; in a row where some neighbours are at distance zero,
    those get weight 1 and the others 0 (the limit of 1 / distance, and
    scikit-learn's rule).
    """
    if weights == "uniform":
        return np.ones_like(distances)
    at_zero = distances == 0.0  # (n_query, k)
    with np.errstate(divide="ignore"):
        inverse = 1.0 / distances
    exact_rows = at_zero.any(axis=1)
    inverse[exact_rows] = at_zero[exact_rows]
    return inverse


def class_votes(neighbour_classes, neighbour_weights, n_classes):
    """Summed weight of each class among each query's neighbours, the
    numerator of eq-knn-vote: (n_query, n_classes)."""
    n_query = neighbour_classes.shape[0]
    # One bincount over "query * n_classes + class" fills the whole table.
    cells = np.arange(n_query)[:, None] * n_classes + neighbour_classes
    votes = np.bincount(
        cells.ravel(),
        weights=neighbour_weights.ravel(),
        minlength=n_query * n_classes,
    )
    return votes.reshape(n_query, n_classes)


class _KNeighborsBase(BaseEstimator):
    """What the classifier and the regressor share: storing the training
    set, checking hyper-parameters, and ``kneighbors``."""

    def __init__(
        self,
        *,
        n_neighbors=5,
        weights="uniform",
        algorithm="auto",
        leaf_size=30,
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size

    def _check_params(self, n_samples):
        """``n_neighbors`` larger than the number of training samples
        raises ValueError here, at fit, rather than at predict."""
        check_scalar(self.n_neighbors, "n_neighbors", numbers.Integral, low=1)
        check_option(self.weights, "weights", {"uniform", "distance"})
        check_option(self.algorithm, "algorithm", ALGORITHMS)
        check_scalar(self.leaf_size, "leaf_size", numbers.Integral, low=1)
        if self.n_neighbors > n_samples:
            raise ValueError(
                f"n_neighbors={self.n_neighbors} is larger than the "
                f"number of training samples, n_samples={n_samples}"
            )

    def _fit(self, X, y):
        """Check hyper-parameters against the training set and store it."""
        self._check_params(X.shape[0])
        check_magnitude(X)
        self.X_fit_ = np.ascontiguousarray(X)  # (n_samples, n_features)
        # Squared norms of the training points, reused by every query.
        self.fit_sq_norms_ = np.einsum("ij,ij->i", X, X)
        self.n_samples_fit_ = X.shape[0]
        self.n_features_in_ = X.shape[1]
        self.fit_method_ = choose_algorithm(self.algorithm, *X.shape)
        self.tree_ = (
            KDTree(self.X_fit_, self.leaf_size)
            if self.fit_method_ == "kd_tree"
            else None
        )
        return self

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """The nearest training points of each query, nearest first.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or None
            Query points. None queries the training points themselves,
            each left out of its own neighbours (as in scikit-learn).
        n_neighbors : int or None
            How many neighbours; None uses ``self.n_neighbors``.
        return_distance : bool, default=True

        Returns
        -------
        distances : ndarray of shape (n_queries, n_neighbors)
            Euclidean (not squared) distances; only if return_distance.
        indices : ndarray of shape (n_queries, n_neighbors)
            Row numbers in the training set. Equal distances are listed
            in the order of their training index.
        """
        check_is_fitted(self, "X_fit_")
        exclude_self = X is None
        X = (
            self.X_fit_
            if exclude_self
            else check_magnitude(check_predict_input(self, X))
        )
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        check_scalar(n_neighbors, "n_neighbors", numbers.Integral, low=1)
        available = self.n_samples_fit_ - exclude_self
        if n_neighbors > available:
            raise ValueError(
                f"n_neighbors={n_neighbors} is larger than the "
                f"{available} training samples available"
                + (
                    " (a point is not its own neighbour when X is None)"
                    if exclude_self
                    else ""
                )
            )
        if self.tree_ is None:
            distances, indices = k_nearest(
                X,
                self.X_fit_,
                self.fit_sq_norms_,
                n_neighbors,
                exclude_self,
            )
        else:
            indices = self.tree_.query(
                X,
                n_neighbors,
                np.arange(len(X)) if exclude_self else None,
            )
            distances, indices = sort_neighbours(
                neighbour_distances(X, self.X_fit_, indices), indices
            )
        return (distances, indices) if return_distance else indices

    def _neighbour_weights(self, X):
        """Indices and weights (eq-knn-distance-weights) of the
        neighbours of each row of X: two (n_queries, n_neighbors)."""
        distances, indices = self.kneighbors(X)
        return indices, distance_weights(distances, self.weights)


class KNeighborsClassifier(ClassifierMixin, _KNeighborsBase):
    """k-nearest-neighbours classifier (brute force or k-d tree).

    Parameters
    ----------
    n_neighbors : int, default=5
        k, the number of neighbours that vote; at most the number of
        training samples (checked in ``fit``).
    weights : {'uniform', 'distance'}, default='uniform'
        Each neighbour's vote: 1, or 1 / its distance
        (eq-knn-distance-weights).
    algorithm : {'auto', 'brute', 'kd_tree'}, default='auto'
        How neighbours are found; both give the same neighbours. 'auto'
        builds a k-d tree when n_samples >= TREE_MIN_RATIO * 2^n_features
        (eq-knn-kd-auto).
    leaf_size : int, default=30
        Leaves of the k-d tree hold between leaf_size and 2 leaf_size
        points (eq-knn-kd-depth).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The distinct labels, sorted; a vote tie goes to the first.
    X_fit_ : ndarray of shape (n_samples, n_features)
        The training points.
    fit_sq_norms_ : ndarray of shape (n_samples,)
        Their squared norms, for eq-knn-distance-expansion.
    y_fit_ : ndarray of shape (n_samples,)
        The index in ``classes_`` of each training label.
    fit_method_ : {'brute', 'kd_tree'}
        The search used, after resolving 'auto'.
    tree_ : KDTree or None
        The k-d tree (scratch.kd_tree), when ``fit_method_`` is 'kd_tree'.
    n_samples_fit_, n_features_in_ : int
    """

    def fit(self, X, y):
        """Store the training set; labels may be of any kind.

        A single class is allowed (every prediction is then that class),
        as in scikit-learn.
        """
        record_feature_names(self, X)
        X, y = check_X_y(X, y)
        self.classes_, self.y_fit_ = encode_labels(y, min_classes=1)
        return self._fit(X, y)

    def predict_proba(self, X):
        """Weighted fraction of each class among the neighbours:
        eq-knn-vote. Returns (n_queries, n_classes), columns in the order
        of ``classes_``."""
        check_is_fitted(self, "classes_")
        indices, weights = self._neighbour_weights(X)
        votes = class_votes(self.y_fit_[indices], weights, len(self.classes_))
        return votes / votes.sum(axis=1, keepdims=True)

    def predict(self, X):
        """The class with the largest (weighted) vote, eq-knn-vote; argmax
        breaks a tie in favour of the class first in ``classes_``."""
        probabilities = self.predict_proba(X)  # (n_queries, n_classes)
        return self.classes_[np.argmax(probabilities, axis=1)]


class KNeighborsRegressor(RegressorMixin, _KNeighborsBase):
    """k-nearest-neighbours regressor (brute force or k-d tree).

    Parameters
    ----------
    n_neighbors : int, default=5
        k, the number of neighbours averaged; at most the number of
        training samples (checked in ``fit``).
    weights : {'uniform', 'distance'}, default='uniform'
        Each neighbour's weight in the average: 1, or 1 / its distance
        (eq-knn-distance-weights).
    algorithm : {'auto', 'brute', 'kd_tree'}, default='auto'
        How neighbours are found; both give the same neighbours. 'auto'
        builds a k-d tree when n_samples >= TREE_MIN_RATIO * 2^n_features
        (eq-knn-kd-auto).
    leaf_size : int, default=30
        Leaves of the k-d tree hold between leaf_size and 2 leaf_size
        points (eq-knn-kd-depth).

    Attributes
    ----------
    X_fit_ : ndarray of shape (n_samples, n_features)
    fit_sq_norms_ : ndarray of shape (n_samples,)
    y_fit_ : ndarray of shape (n_samples,)
        The training targets.
    fit_method_ : {'brute', 'kd_tree'}
        The search used, after resolving 'auto'.
    tree_ : KDTree or None
        The k-d tree (scratch.kd_tree), when ``fit_method_`` is 'kd_tree'.
    n_samples_fit_, n_features_in_ : int
    """

    def fit(self, X, y):
        """Store the training set; y must be finite numbers."""
        record_feature_names(self, X)
        X, y = check_X_y(X, y, y_numeric=True)
        self.y_fit_ = y
        return self._fit(X, y)

    def predict(self, X):
        """Weighted mean of the neighbours' targets: eq-knn-average."""
        indices, weights = self._neighbour_weights(X)
        weighted = np.einsum("qk,qk->q", weights, self.y_fit_[indices])
        return weighted / weights.sum(axis=1)
