"""A k-d tree for nearest-neighbour and radius queries, built and searched
with NumPy one level at a time.

Chapter: book/supervised/knn.md, section "A k-d tree for few features",
algorithm alg-knn-kd-query; the DBSCAN chapter
uses the radius query. The tree splits the training points at the median
of the coordinate with the largest spread, level by level, until every
leaf holds between ``leaf_size`` and ``2 leaf_size`` points
(eq-knn-kd-depth). Each node keeps the tight bounding box of its points. A
query never looks inside a node whose box lies farther than a radius
known to hold its answer: the box bound (eq-knn-kd-box-bound) never exceeds
the distance of any point inside (thm-knn-kd-pruning-exact).

Nothing loops over single nodes or single queries in Python: a level of
the tree is split in one pass of array operations, and a search moves
all (query, node) pairs of a level down to the next level at once.
"""

import numpy as np

from .numerics import ragged_arange

# Relative slack on the pruning comparisons. The box bound is a lower
# bound in floating point too, when computed with the same operations as
# a distance (thm-knn-kd-pruning-exact); the slack makes the search visit a
# node more rather than one less if a different summation order ever
# rounded a bound the other way. It costs nothing measurable.
PRUNE_SLACK = 1e-9

# Queries searched together: bounds the memory of the (query, node) and
# (query, candidate) arrays.
QUERY_BLOCK = 2048


def tree_depth(n_samples, leaf_size):
    """Number of levels below the root, eq-knn-kd-depth: the largest D with
    2^D <= (n - 1) / leaf_size, so that every leaf of the median splits
    holds between leaf_size and 2 leaf_size points (as scikit-learn's
    trees); 0 (a single leaf) when n <= leaf_size."""
    if n_samples <= leaf_size:
        return 0
    return ((n_samples - 1) // leaf_size).bit_length() - 1


def coordinate_ranks(X):
    """Rank of each point along each coordinate, ties by index:
    (n_features, n_samples). Sorting a node by one coordinate is then
    sorting integers, and one stable sort per feature serves every
    level."""
    n_samples, n_features = X.shape
    ranks = np.empty((n_features, n_samples), dtype=np.intp)
    for feature in range(n_features):
        order = np.argsort(X[:, feature], kind="stable")
        ranks[feature, order] = np.arange(n_samples)
    return ranks


def node_boxes(X_ordered, starts):
    """Tight bounding box of each node's points, which are the contiguous
    rows ``starts[j]:starts[j + 1]`` of ``X_ordered``: two
    (n_nodes, n_features) arrays."""
    low = np.minimum.reduceat(X_ordered, starts, axis=0)
    high = np.maximum.reduceat(X_ordered, starts, axis=0)
    return low, high


def split_level(order, ranks, sizes, split_feature):
    """Median split of every node of a level at once.

    Each node is split along ``split_feature``, its coordinate of largest
    spread (chosen by the caller from the node's box): its points
    are sorted by that coordinate (by rank, so ties go by index) and the
    first half goes left. One sort over all points does every node,
    because the key puts the node number first. Returns the new order of
    the points and the children's sizes, children numbered 2j and 2j + 1.
    """
    n_samples = order.shape[0]
    node_of = np.repeat(np.arange(sizes.shape[0]), sizes)  # (n_samples,)
    key = node_of * n_samples + ranks[split_feature[node_of], order]
    order = order[np.argsort(key)]  # the keys are distinct
    n_left = sizes // 2
    child_sizes = np.stack([n_left, sizes - n_left], axis=1).ravel()
    return order, child_sizes


class KDTree:
    """A k-d tree over the rows of X, built level by level.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The points, float64 and finite (checked by the caller).
    leaf_size : int
        Leaves hold between ``leaf_size`` and ``2 leaf_size`` points
        (all points when there are at most ``leaf_size``).

    Attributes
    ----------
    depth : int
        Levels below the root (eq-knn-kd-depth); there are 2^depth leaves.
    indices : ndarray of shape (n_samples,)
        Training index of the point at each position of the tree order.
    data : ndarray of shape (n_samples, n_features)
        The points in tree order: every node's points are contiguous.
    low, high : ndarray of shape (2^(depth + 1) - 1, n_features)
        Bounding box of every node, level by level: node j of level l is
        row 2^l - 1 + j.
    starts, sizes : list of ndarray
        Per level, the first position and the number of each node's
        points.
    leaf_data : ndarray of shape (2^depth, n_features, max leaf size)
        Each leaf's points, one row per coordinate, padded with infinity:
        a query's distances to a whole leaf are one broadcast difference.
    leaf_indices : ndarray of shape (2^depth, max leaf size)
        Their training indices, padded with -1.
    split_feature : ndarray of shape (2^depth - 1,)
        The coordinate each inner node splits, numbered as the boxes.
    """

    def __init__(self, X, leaf_size=30):
        n_samples = X.shape[0]
        self.depth = tree_depth(n_samples, leaf_size)
        ranks = coordinate_ranks(X)
        order = np.arange(n_samples)
        sizes = np.array([n_samples])
        lows, highs, self.starts, self.sizes = [], [], [], []
        features = []
        for level in range(self.depth + 1):
            starts = np.cumsum(sizes) - sizes
            low, high = node_boxes(X[order], starts)
            lows.append(low)
            highs.append(high)
            self.starts.append(starts)
            self.sizes.append(sizes)
            if level < self.depth:
                features.append(np.argmax(high - low, axis=1))
                order, sizes = split_level(
                    order, ranks, sizes, features[-1]
                )
        self.indices = order
        self.data = np.ascontiguousarray(X[order])
        self.leaf_data, self.leaf_indices = leaf_blocks(
            self.data, order, self.starts[-1], self.sizes[-1]
        )
        self.low = np.concatenate(lows)
        self.high = np.concatenate(highs)
        # (n_internal_nodes,): the coordinate each inner node splits
        self.split_feature = np.concatenate(
            features + [np.zeros(0, dtype=np.intp)]
        )

    def _descend(self, Q, radius2):
        """All (query, leaf) pairs whose box may hold a point within the
        query's radius (squared radii ``radius2``, (n_query,)), with
        their bounds (eq-knn-kd-box-bound).

        Pairs move down one level at a time: each pair becomes two, one
        per child, and pairs whose box bound exceeds the radius are
        dropped (thm-knn-kd-pruning-exact). Returned pairs are grouped by
        query.
        """
        query = np.arange(Q.shape[0])
        node = np.zeros(Q.shape[0], dtype=np.intp)
        lower = np.zeros(Q.shape[0])
        for level in range(1, self.depth + 1):
            query = np.repeat(query, 2)
            node = (2 * node[:, None] + np.arange(2)).ravel()
            row = (1 << level) - 1 + node
            lower = box_bound(Q[query], self.low[row], self.high[row])
            keep = lower <= radius2[query] * (1.0 + PRUNE_SLACK)
            query, node, lower = query[keep], node[keep], lower[keep]
        return query, node, lower

    def _greedy_node(self, Q, stop_level):
        """Node of level ``stop_level`` reached by each query when it
        steps at every node to the side of the split it lies on (left up
        to the left child's largest coordinate): (n_query,)."""
        node = np.zeros(Q.shape[0], dtype=np.intp)
        rows = np.arange(Q.shape[0])
        for level in range(stop_level):
            parent = (1 << level) - 1 + node
            left = (1 << (level + 1)) - 1 + 2 * node
            feature = self.split_feature[parent]
            node = 2 * node + (Q[rows, feature] > self.high[left, feature])
        return node

    def _first_radius(self, Q, k, need, exclude):
        """Squared distance from each query to its k-th nearest point
        within one node of the deepest level whose nodes all hold at least
        ``need`` points, reached greedily: an upper bound on the k-th
        nearest squared distance, the first radius of the search.
        ``exclude`` (n_query,) is a training index to leave out per
        query, or -1."""
        level = max(
            (lv for lv in range(self.depth + 1)
             if self.sizes[lv].min() >= need),
        )
        node = self._greedy_node(Q, level)
        starts, sizes = self.starts[level][node], self.sizes[level][node]
        cand_query = np.repeat(np.arange(Q.shape[0]), sizes)
        position = ragged_arange(starts, sizes)
        sq_dist = squared_differences(Q, self.data, cand_query, position)
        sq_dist[self.indices[position] == exclude[cand_query]] = np.inf
        return kth_per_group(sq_dist, np.cumsum(sizes) - sizes, sizes, k)

    def _leaf_points(self, query, leaf):
        """Candidate pairs: each (query, leaf) pair expanded to the
        leaf's points. Returns the query of each candidate and the
        candidate's position in tree order."""
        starts = self.starts[self.depth][leaf]
        sizes = self.sizes[self.depth][leaf]
        return np.repeat(query, sizes), ragged_arange(starts, sizes)

    def query(self, Q, k, exclude=None):
        """Training indices of the k nearest points of every row of Q,
        ranked by squared distance (computed from differences), ties by
        training index: (n_query, k).

        ``exclude`` (n_query,) optionally names one training index per
        query to leave out (the query itself, when the queries are the
        training points). Needs k <= n_samples (less one with exclude).
        Implements alg-knn-kd-query.
        """
        n_query = Q.shape[0]
        if exclude is None:
            exclude = np.full(n_query, -1)
        need = k + int(np.any(exclude >= 0))
        result = np.empty((n_query, k), dtype=np.intp)
        for start in range(0, n_query, QUERY_BLOCK):
            block = slice(start, min(start + QUERY_BLOCK, n_query))
            result[block] = self._query_block(
                Q[block], k, need, exclude[block]
            )
        return result

    def _query_block(self, Q, k, need, exclude):
        """``query`` for one block of queries: a first radius from one
        node, then the leaves within it in rounds, nearest box first,
        the radius shrinking to the k-th distance found so far."""
        radius2 = self._first_radius(Q, k, need, exclude)
        query, leaf, lower = self._descend(Q, radius2)
        # round r visits the r-th nearest leaf box of every query
        order = np.lexsort((lower, query))
        first = group_starts(query[order])
        rank = np.empty(query.shape[0], dtype=np.intp)
        rank[order] = np.arange(query.shape[0]) - np.repeat(
            first, np.diff(np.r_[first, query.shape[0]])
        )
        order = np.argsort(rank, kind="stable")
        query, leaf, lower = query[order], leaf[order], lower[order]
        bounds = np.searchsorted(rank[order], np.arange(rank.max() + 2))
        best = np.full((Q.shape[0], k), np.inf)  # k smallest so far
        found = []
        for start, stop in zip(bounds[:-1], bounds[1:]):
            round_query, round_leaf = query[start:stop], leaf[start:stop]
            visit = lower[start:stop] <= radius2[round_query] * (
                1.0 + PRUNE_SLACK
            )
            round_query, round_leaf = round_query[visit], round_leaf[visit]
            # distances to the whole leaf, coordinate by coordinate
            diff = self.leaf_data[round_leaf]  # (n_visits, d, max size)
            diff -= Q[round_query, :, None]
            diff *= diff
            sq_dist = diff.sum(axis=1)  # (n_visits, max leaf size)
            index = self.leaf_indices[round_leaf]
            sq_dist[index == exclude[round_query, None]] = np.inf
            smallest = np.partition(
                np.concatenate([best[round_query], sq_dist], axis=1),
                k - 1,
                axis=1,
            )[:, :k]
            best[round_query] = smallest
            radius2[round_query] = np.minimum(
                radius2[round_query], smallest.max(axis=1)
            )
            # keep what may still be among the k nearest: (visit, slot)
            near = np.nonzero(
                sq_dist <= radius2[round_query, None] * (1.0 + PRUNE_SLACK)
            )
            found.append(
                (round_query[near[0]], sq_dist[near], index[near])
            )
        return select_k(found, radius2, k)

    def radius_pairs(self, radius):
        """Candidate pairs of training points within ``radius`` of each
        other (Euclidean), as two arrays of training indices ``(rows,
        cols)`` with rows < cols: every pair within the radius is among
        them, together with some that are not, for the caller to decide
        exactly. Queries are the training points themselves."""
        rows, cols = [], []
        n_samples = self.data.shape[0]
        for start in range(0, n_samples, QUERY_BLOCK):
            block = slice(start, min(start + QUERY_BLOCK, n_samples))
            radius2 = np.full(block.stop - block.start, radius * radius)
            query, leaf, _ = self._descend(self.data[block], radius2)
            cand_query, position = self._leaf_points(query, leaf)
            row = self.indices[block][cand_query]
            col = self.indices[position]
            keep = row < col
            rows.append(row[keep])
            cols.append(col[keep])
        return np.concatenate(rows), np.concatenate(cols)


def box_bound(points, low, high):
    """Squared distance from each point to the nearest point of its box
    [low, high], eq-knn-kd-box-bound; all three arrays are
    (n_pairs, n_features). Computed with the same operations as a
    distance, so in floating point too it never exceeds the computed
    distance to a point inside the box."""
    gap = np.maximum(np.maximum(low - points, points - high), 0.0)
    return np.einsum("ij,ij->i", gap, gap)


def squared_differences(Q, data, query, position):
    """Squared distance from ``Q[query[t]]`` to ``data[position[t]]``,
    from the coordinate differences: (n_pairs,)."""
    diff = data[position] - Q[query]  # (n_pairs, n_features)
    return np.einsum("ij,ij->i", diff, diff)


def group_starts(group):
    """First position of each run of equal values in a grouped array."""
    return np.flatnonzero(np.r_[True, group[1:] != group[:-1]])


def leaf_blocks(data, indices, starts, sizes):
    """Each leaf's points and training indices as one padded block:
    (n_leaves, n_features, max size) padded with infinity, and
    (n_leaves, max size) padded with -1. Coordinates in rows make the
    distance computation run along contiguous memory."""
    width = int(sizes.max())
    at = starts[:, None] + np.arange(width)  # (n_leaves, width)
    inside = np.arange(width) < sizes[:, None]
    at = np.where(inside, at, 0)
    leaf_data = np.where(inside[:, :, None], data[at], np.inf)
    leaf_data = np.ascontiguousarray(leaf_data.transpose(0, 2, 1))
    return leaf_data, np.where(inside, indices[at], -1)


def select_k(found, radius2, k):
    """The k nearest of each query among its candidates, ranked by
    squared distance, then training index: (n_query, k).

    ``found`` holds one ``(query, sq_dist, index)`` triple of flat arrays
    per round of the search. Only candidates within the final radius can
    be among the k nearest, and every query has at least k of them (the
    slack keeps them if the first radius was rounded differently).
    """
    query, sq_dist, index = (np.concatenate(part) for part in zip(*found))
    keep = sq_dist <= radius2[query] * (1.0 + PRUNE_SLACK)
    query, sq_dist, index = query[keep], sq_dist[keep], index[keep]
    order = np.lexsort((index, sq_dist, query))
    first = group_starts(query[order])
    return index[order[first[:, None] + np.arange(k)]]  # (n_query, k)


def padded_groups(values, starts, sizes):
    """Segments ``values[starts[g]:][:sizes[g]]`` as the rows of one
    array, padded with infinity: (n_groups, max size)."""
    width = int(sizes.max())
    at = starts[:, None] + np.arange(width)  # (n_groups, width)
    return np.where(
        np.arange(width) < sizes[:, None],
        values[np.minimum(at, values.shape[0] - 1)],
        np.inf,
    )


def kth_per_group(values, starts, sizes, k):
    """k-th smallest value in each segment ``values[starts[g]:][:sizes[g]]``
    (every segment holds at least k values)."""
    padded = padded_groups(values, starts, sizes)
    return np.partition(padded, k - 1, axis=1)[:, k - 1]
