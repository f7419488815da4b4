"""DBSCAN: density-based clustering with noise.

Chapter: book/unsupervised/dbscan.md. A sample is a core point when its
eps-neighbourhood (eq-dbscan-neighbourhood) holds at least ``min_samples``
samples, itself included (eq-dbscan-core). The clusters are the connected
components of the graph of core points (eq-dbscan-core-graph), each with
the non-core samples within eps of it (eq-dbscan-cluster); a non-core
sample next to two clusters goes to the one with the smaller label
(eq-dbscan-border-rule), which is what scikit-learn's scan order does.

All neighbour pairs come from one batched radius query: a grid of cells of
side eps in low dimensions (eq-dbscan-grid-cell), the k-NN chapter's k-d
tree (scratch.kd_tree) for a few more, blocks of the distance matrix
otherwise. None ever holds an n x n array.
"""

import itertools
import numbers

import numpy as np

from .kd_tree import KDTree
from .knn import choose_algorithm as choose_knn_algorithm
from .knn import k_nearest, neighbour_distances
from .numerics import ragged_arange
from .validation import (
    BaseEstimator,
    ClusterMixin,
    check_array,
    check_magnitude,
    check_option,
    check_scalar,
    chunk_slices,
    record_feature_names,
    squared_distances,
)

METRICS = {"euclidean", "manhattan", "chebyshev"}
ALGORITHMS = {"auto", "grid", "kd_tree", "brute"}
# The grid is used for at most this many features: it visits 3^d cells.
GRID_MAX_FEATURES = 3
# Leaves of the k-d tree hold between this many points and twice as many.
TREE_LEAF_SIZE = 30
# Cells are a hair wider than eps, so that rounding in floor() can never
# put two samples within eps of each other two cells apart.
GRID_MARGIN = 2.0**-20


def within_eps(XT, rows, cols, eps, metric="euclidean"):
    """Mask of the pairs ``(rows[t], cols[t])`` at distance <= eps
    (eq-dbscan-neighbourhood).

    ``XT`` is the data transposed, shape (n_features, n_samples), so that
    each feature is one contiguous row. Distances come from the exact
    coordinate differences, accumulated feature by feature as
    scikit-learn's trees do, so that a pair at distance exactly eps is
    decided the same way. Euclidean distances are compared squared.
    """
    total = np.zeros(rows.shape[0])
    for feature in XT:
        diff = feature[rows] - feature[cols]
        if metric == "euclidean":
            total += diff * diff
        elif metric == "manhattan":
            total += np.abs(diff)
        else:  # chebyshev
            np.maximum(total, np.abs(diff), out=total)
    return total <= (eps * eps if metric == "euclidean" else eps)


def split_by_total(lengths, max_total):
    """Slices of consecutive entries whose ``lengths`` add up to about
    ``max_total`` each (one long entry may exceed it on its own)."""
    cumulative = np.cumsum(lengths)
    total = int(cumulative[-1]) if cumulative.size else 0
    cuts = np.searchsorted(
        cumulative, np.arange(max_total, total, max_total), side="right"
    )
    bounds = np.unique(np.r_[0, cuts, lengths.shape[0]])
    for start, stop in zip(bounds[:-1], bounds[1:]):
        yield slice(int(start), int(stop))


def grid_geometry(X, eps):
    """Cell side, origin and padded shape of the grid (eq-dbscan-grid-cell),
    or None when its cells cannot be numbered with 64-bit integers (eps
    tiny compared with the spread of the data)."""
    side = eps * (1.0 + GRID_MARGIN)
    low = X.min(axis=0)
    # one empty cell of padding on each side, so that no neighbour offset
    # wraps round to the other end of a row of the grid
    shape = np.floor((X.max(axis=0) - low) / side) + 3.0
    if np.any(shape > 2.0**24) or np.prod(shape) > 2.0**62:
        return None
    return side, low, shape.astype(np.int64)


def grid_neighbor_pairs(X, eps, metric="euclidean", max_pairs=2**21):
    """Every pair of distinct samples within eps of each other, once, as
    two index arrays ``(rows, cols)``: the grid query.

    Samples are sorted by the cell of side h >= eps that holds them
    (eq-dbscan-grid-cell); a neighbour can only be in the same cell or
    one of the 3^d - 1 cells around it. Since the relation is symmetric,
    half of those offsets suffice. For each offset the candidate pairs of
    all samples are generated at once, at most ``max_pairs`` at a time,
    and tested with the exact distance. Python loops run over offsets and
    chunks, never over samples.
    """
    n_samples, n_features = X.shape
    side, low, shape = grid_geometry(X, eps)
    index = np.int32 if n_samples < 2**31 else np.int64
    # row-major strides of the padded grid, so a cell has one integer id
    strides = np.ones(n_features, dtype=np.int64)
    for axis in range(n_features - 2, -1, -1):
        strides[axis] = strides[axis + 1] * shape[axis + 1]
    cells = np.floor((X - low) / side).astype(np.int64) + 1  # (n, d)
    key = cells @ strides  # (n,) cell id of each sample
    order = np.argsort(key, kind="stable").astype(index)
    key = key[order]
    XT = np.ascontiguousarray(X[order].T)  # (d, n), samples in cell order
    # occupied cells: their ids, first position in the sorted order, size
    first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    cell_key = key[first]
    count = np.diff(np.r_[first, n_samples])
    cell_of = np.repeat(np.arange(first.shape[0]), count)  # (n,)
    rows, cols = [], []
    for offset in itertools.product((-1, 0, 1), repeat=n_features):
        if offset < (0,) * n_features:
            continue  # the mirror image of an offset we visit
        if not any(offset):
            # the same cell: each sample with those after it in the cell
            starts = np.arange(1, n_samples + 1)
            lengths = (first + count)[cell_of] - starts
        else:
            target = cell_key + np.dot(offset, strides)
            where = np.minimum(
                np.searchsorted(cell_key, target), cell_key.shape[0] - 1
            )
            hit = cell_key[where] == target  # is that cell occupied?
            starts = np.where(hit, first[where], 0)[cell_of]
            lengths = np.where(hit, count[where], 0)[cell_of]
        for chunk in split_by_total(lengths, max_pairs):
            # candidate pairs (p, q) as positions in the sorted order
            p = np.repeat(np.arange(chunk.start, chunk.stop), lengths[chunk])
            q = ragged_arange(starts[chunk], lengths[chunk])
            keep = within_eps(XT, p, q, eps, metric)
            rows.append(order[p[keep]])
            cols.append(order[q[keep]])
    return np.concatenate(rows), np.concatenate(cols)


def brute_neighbor_pairs(X, eps, metric="euclidean", max_floats=2**22):
    """Every pair of distinct samples within eps of each other, once, as
    ``(rows, cols)`` with rows < cols: the brute-force query.

    Blocks of rows are compared with the samples after them, through the
    squared-distance expansion and one matrix product per block. The
    expansion loses accuracy when the samples are far from the origin
    compared with eps, so it only proposes candidates, with a margin
    larger than its rounding error, and ``within_eps`` decides each
    candidate from the exact differences. For the other metrics the
    candidates come from a Euclidean ball that contains the metric's ball.
    """
    n_samples, n_features = X.shape
    index = np.int32 if n_samples < 2**31 else np.int64
    radius = eps * np.sqrt(n_features) if metric == "chebyshev" else eps
    centred = X - X.mean(axis=0)  # smaller norms, smaller rounding error
    sq_norms = np.einsum("ij,ij->i", centred, centred)
    XT = np.ascontiguousarray(X.T)  # (d, n)
    # the expansion's rounding error is below a few (d + 2) ulps of the
    # squared norms; this margin is ample
    tol = 8.0 * (n_features + 2) * np.finfo(np.float64).eps
    rows, cols = [], []
    for block in chunk_slices(n_samples, n_samples, max_floats):
        later = slice(block.start, n_samples)
        sq = squared_distances(
            centred[block], centred[later], sq_norms[block], sq_norms[later]
        )
        margin = tol * (sq_norms[block].max() + sq_norms[later].max())
        r, c = np.nonzero(sq <= radius * radius + margin)
        r = (r + block.start).astype(index)
        c = (c + block.start).astype(index)
        upper = c > r
        r, c = r[upper], c[upper]
        keep = within_eps(XT, r, c, eps, metric)
        rows.append(r[keep])
        cols.append(c[keep])
    return np.concatenate(rows), np.concatenate(cols)


def tree_neighbor_pairs(X, eps, metric="euclidean"):
    """Every pair of distinct samples within eps of each other, once, as
    ``(rows, cols)`` with rows < cols: the k-d tree query.

    The tree proposes every pair whose leaf boxes allow a distance within
    the radius (thm-knn-kd-pruning-exact), and ``within_eps`` decides each
    from the exact differences. For the Chebyshev metric the radius is
    that of a Euclidean ball holding its ball, as in the brute force.
    """
    radius = eps * np.sqrt(X.shape[1]) if metric == "chebyshev" else eps
    rows, cols = KDTree(X, TREE_LEAF_SIZE).radius_pairs(radius)
    keep = within_eps(np.ascontiguousarray(X.T), rows, cols, eps, metric)
    return rows[keep], cols[keep]


def choose_algorithm(algorithm, n_samples, n_features):
    """The query that ``algorithm`` stands for. 'auto' takes the grid for
    at most GRID_MAX_FEATURES features; above, the k-d tree where the
    k-NN chapter's rule picks it (n >= TREE_MIN_RATIO * 2^d,
    eq-knn-kd-auto), brute force otherwise (measured in the chapter's
    section on cost)."""
    if algorithm != "auto":
        return algorithm
    if n_features <= GRID_MAX_FEATURES:
        return "grid"
    return choose_knn_algorithm("auto", n_samples, n_features)


def neighbor_pairs(X, eps, metric="euclidean", algorithm="auto"):
    """All pairs of distinct samples within eps, each once, by the query
    that ``choose_algorithm`` picks; 'auto' falls back from the grid to
    the tree when the grid would be too fine to number its cells."""
    chosen = choose_algorithm(algorithm, *X.shape)
    if chosen == "grid" and grid_geometry(X, eps) is None:
        if algorithm == "grid":
            raise ValueError(
                f"eps={eps!r} is too small for a grid over data this "
                "spread out; use algorithm='kd_tree' or 'brute'"
            )
        chosen = "kd_tree"
    if chosen == "grid":
        return grid_neighbor_pairs(X, eps, metric)
    if chosen == "kd_tree":
        return tree_neighbor_pairs(X, eps, metric)
    return brute_neighbor_pairs(X, eps, metric)


def connected_components(n_vertices, rows, cols):
    """For each vertex, the smallest vertex of its connected component in
    the undirected graph with edges ``(rows[t], cols[t])``.

    Vectorised union-find: every round hooks each tree's root onto the
    smallest root it has an edge to, then makes every vertex point
    straight at its root by pointer jumping. Roots only ever point at
    smaller vertices, so no cycle can form and the last root of a
    component is its smallest vertex. Edges inside one tree are dropped.
    Every tree with an edge to another tree is merged within two rounds,
    so the number of such trees at least halves every two rounds: at most
    2 ceil(log2 n) rounds (thm-db-union-find-rounds).
    """
    root = np.arange(n_vertices)
    while True:
        a, b = root[rows], root[cols]
        between = a != b
        if not between.any():
            return root
        rows, cols = rows[between], cols[between]
        a, b = a[between], b[between]
        np.minimum.at(root, np.maximum(a, b), np.minimum(a, b))
        while True:
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped


def cluster_labels(is_core, rows, cols):
    """Labels from the core mask and the neighbour pairs
    (eq-dbscan-core-graph, eq-dbscan-cluster, eq-dbscan-border-rule).

    Clusters are the connected components of the core graph, numbered in
    the order of their smallest sample index, which is the order in which
    a scan through the samples finds them. A non-core sample takes the
    smallest label among its core neighbours, the first cluster to reach
    it in that scan; one with no core neighbour is noise, -1.
    """
    n_samples = is_core.shape[0]
    core_rows, core_cols = is_core[rows], is_core[cols]
    both = core_rows & core_cols  # the edges of the core graph
    root = connected_components(n_samples, rows[both], cols[both])
    labels = np.full(n_samples, -1, dtype=np.intp)
    core = np.flatnonzero(is_core)
    labels[core] = np.unique(root[core], return_inverse=True)[1]
    one = core_rows != core_cols  # a core and a non-core sample
    border = np.where(core_rows[one], cols[one], rows[one])
    source = np.where(core_rows[one], rows[one], cols[one])
    best = np.full(n_samples, n_samples, dtype=np.intp)
    np.minimum.at(best, border, labels[source])
    reached = best < n_samples
    labels[reached] = best[reached]
    return labels


def k_distances(X, k):
    """Euclidean distance from each sample to its k-th nearest sample,
    counting the sample itself as the first (eq-dbscan-k-distance).

    With ``k = min_samples``, a sample is a core point exactly when this
    distance is at most eps. The search is the k-NN chapter's, with the
    samples as their own queries: its k-d tree where its rule
    (eq-knn-kd-auto) picks the tree, brute force otherwise. The data are
    centred first, since the distance expansion that brute force ranks by
    is most accurate near the origin.
    """
    X = check_array(X)
    check_scalar(k, "k", numbers.Integral, low=1, high=X.shape[0])
    centred = X - X.mean(axis=0)
    if choose_knn_algorithm("auto", *X.shape) == "kd_tree":
        indices = KDTree(centred, TREE_LEAF_SIZE).query(centred, k)
        return neighbour_distances(centred, centred, indices).max(axis=1)
    sq_norms = np.einsum("ij,ij->i", centred, centred)
    distances, _ = k_nearest(centred, centred, sq_norms, k)  # (n, k)
    return distances[:, -1]


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-based spatial clustering of applications with noise.

    Parameters
    ----------
    eps : float, default=0.5
        Radius of the neighbourhoods (eq-dbscan-neighbourhood); samples at
        distance exactly eps are neighbours.
    min_samples : int, default=5
        Neighbours, the sample itself included, that make a core point
        (eq-dbscan-core).
    metric : {'euclidean', 'manhattan', 'chebyshev'}, default='euclidean'
    algorithm : {'auto', 'grid', 'kd_tree', 'brute'}, default='auto'
        How neighbours are found: a grid of cells of side eps
        (eq-dbscan-grid-cell), meant for up to three features, the k-d
        tree of scratch.kd_tree, or blocks of the distance matrix. 'auto'
        takes the grid for up to GRID_MAX_FEATURES features, above it the
        tree when n_samples >= 512 * 2^n_features (eq-knn-kd-auto), brute
        force otherwise. All give the same result.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each sample, 0, 1, ... in the order in which a scan
        through the samples meets the clusters; noise is -1.
    core_sample_indices_ : ndarray of shape (n_core_samples,)
        Indices of the core points, in increasing order.
    components_ : ndarray of shape (n_core_samples, n_features)
        The core points themselves.
    n_features_in_ : int
    """

    def __init__(
        self, *, eps=0.5, min_samples=5, metric="euclidean", algorithm="auto"
    ):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric
        self.algorithm = algorithm

    def _check_params(self):
        check_scalar(
            self.eps, "eps", numbers.Real, low=0.0, low_inclusive=False
        )
        check_scalar(self.min_samples, "min_samples", numbers.Integral, low=1)
        check_option(self.metric, "metric", METRICS)
        check_option(self.algorithm, "algorithm", ALGORITHMS)

    def fit(self, X, y=None):
        """Cluster X; ``y`` is ignored. Returns self."""
        self._check_params()
        record_feature_names(self, X)
        X = check_magnitude(check_array(X))
        n_samples = X.shape[0]
        # each pair of neighbours once, the sample itself not included
        rows, cols = neighbor_pairs(
            X, float(self.eps), self.metric, self.algorithm
        )
        # |N_eps(x_i)|, itself included (eq-dbscan-neighbourhood)
        counts = (
            1
            + np.bincount(rows, minlength=n_samples)
            + np.bincount(cols, minlength=n_samples)
        )
        is_core = counts >= self.min_samples  # eq-dbscan-core
        self.labels_ = cluster_labels(is_core, rows, cols)
        self.core_sample_indices_ = np.flatnonzero(is_core)
        self.components_ = X[self.core_sample_indices_].copy()
        self.n_features_in_ = X.shape[1]
        return self
