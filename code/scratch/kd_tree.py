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
the tree is split in one pass of array operations, a search moves all
(query, node) pairs a few levels down at once, and each round of visits
computes the distances from all its queries to whole leaves at once.
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

# Levels the descent moves down at once, bounding the boxes of all 2^3
# descendants of a node together. Most boxes survive each level of a
# query's descent, so bounding the levels in between would drop few
# pairs and cost a pass over all of them.
DESCENT_STEP = 3

# Rounds that visit one leaf per query and shrink the radius; the leaves
# left after them are visited in one last round. The radius shrinks
# mostly in the first few rounds, and the later ones hold few queries.
SHRINKING_ROUNDS = 8


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
    low_by_feature, high_by_feature : ndarray of shape (n_features,
        2^(depth + 1) - 1)
        The same, one row per coordinate.
    starts, sizes : list of ndarray
        Per level, the first position and the number of each node's
        points.
    leaf_coordinates : ndarray of shape (n_features, 2^depth, max leaf
        size)
        Each coordinate of each leaf's points, padded with infinity: a
        query's distances to a whole leaf are a few broadcast differences.
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
                order, sizes = split_level(order, ranks, sizes, features[-1])
        self.indices = order
        self.data = np.ascontiguousarray(X[order])
        self.leaf_coordinates, self.leaf_indices = leaf_blocks(
            self.data, order, self.starts[-1], self.sizes[-1]
        )
        self.low = np.concatenate(lows)
        self.high = np.concatenate(highs)
        self.low_by_feature = np.ascontiguousarray(self.low.T)
        self.high_by_feature = np.ascontiguousarray(self.high.T)
        # (n_internal_nodes,): the coordinate each inner node splits
        self.split_feature = np.concatenate(
            features + [np.zeros(0, dtype=np.intp)]
        )

    def _descend(self, Q, radius2):
        """All (query, leaf) pairs whose box may hold a point within the
        query's radius (squared radii ``radius2``, (n_query,)), with
        their bounds (eq-knn-kd-box-bound).

        Pairs move down DESCENT_STEP levels at a time: each pair becomes
        one per descendant of its node that many levels down, and pairs
        whose box bound exceeds the radius are dropped
        (thm-knn-kd-pruning-exact). Returned pairs are grouped by query.
        """
        query = np.arange(Q.shape[0])
        node = np.zeros(Q.shape[0], dtype=np.intp)
        lower = np.zeros(Q.shape[0])
        level = 0
        while level < self.depth:
            step = min(DESCENT_STEP, self.depth - level)
            level += step
            lower = self._descendant_bounds(Q, query, node, level, step)
            keep = lower <= radius2[query, None] * (1.0 + PRUNE_SLACK)
            pair, child = np.nonzero(keep)
            query, lower = query[pair], lower[pair, child]
            node = (node[pair] << step) + child
        return query, node, lower

    def _descendant_bounds(self, Q, query, node, level, step):
        """Squared box bounds (eq-knn-kd-box-bound) from each query
        ``Q[query[t]]`` to the 2^step descendants at ``level`` of node
        ``node[t]``: (n_pairs, 2^step).

        The bound is a sum over coordinates, each term the bound to the
        box's interval along one coordinate, so it is added up one
        coordinate at a time, in the order of the distances
        (``_leaf_distances``), on (pair, descendant) arrays that numpy
        runs through quickly.
        """
        first_row = (1 << level) - 1
        rows = slice(first_row, 2 * first_row + 1)
        bound = np.zeros((node.shape[0], 1 << step))
        for feature in range(Q.shape[1]):
            # the descendants of node j are the nodes j 2^step onwards
            low = self.low_by_feature[feature, rows].reshape(-1, 1 << step)
            high = self.high_by_feature[feature, rows].reshape(low.shape)
            bound += box_bound(  # one coordinate: (n_pairs, 2^step, 1)
                Q[query, feature, None, None],
                low[node, :, None],
                high[node, :, None],
            )
        return bound

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

    def _home_level(self, need):
        """The deepest level whose nodes all hold at least ``need``
        points: a query's first radius comes from one node of it."""
        return max(
            level
            for level in range(self.depth + 1)
            if self.sizes[level].min() >= need
        )

    def _leaf_points(self, query, leaf):
        """Candidate pairs: each (query, leaf) pair expanded to the
        leaf's points. Returns the query of each candidate and the
        candidate's position in tree order."""
        starts = self.starts[self.depth][leaf]
        sizes = self.sizes[self.depth][leaf]
        return np.repeat(query, sizes), ragged_arange(starts, sizes)

    def _leaf_distances(self, Q, query, leaf, exclude):
        """Squared distances from ``Q[query[t]]`` to every point of leaf
        ``leaf[t]``, summed coordinate by coordinate, and the points'
        training indices: two (n_visits, max leaf size). Padding and the
        query's excluded point (``exclude``, or None) are at infinity.
        One coordinate at a time keeps the temporary arrays small."""
        points = Q[query]  # (n_visits, n_features)
        sq_dist = np.zeros(self.leaf_indices[leaf].shape)
        for feature, coordinate in enumerate(self.leaf_coordinates):
            diff = coordinate[leaf]  # (n_visits, max leaf size)
            diff -= points[:, feature, None]
            diff *= diff
            sq_dist += diff
        index = self.leaf_indices[leaf]
        if exclude is not None:
            sq_dist[index == exclude[query, None]] = np.inf
        return sq_dist, index

    def query(self, Q, k, exclude=None):
        """Training indices of the k nearest points of every row of Q,
        ranked by squared distance (computed from differences), ties by
        training index: (n_query, k).

        ``exclude`` (n_query,) optionally names one training index per
        query to leave out (the query itself, when the queries are the
        training points). Needs k <= n_samples (less one with exclude).
        Queries are searched in blocks, in the order of their home node
        (alg-knn-kd-query, step 1), so that a block's queries visit
        nearby leaves, whose points stay in the processor's cache.
        """
        home_level = self._home_level(k + (exclude is not None))
        home = self._greedy_node(Q, home_level)  # (n_query,)
        by_home = np.argsort(home, kind="stable")
        result = np.empty((Q.shape[0], k), dtype=np.intp)
        for start in range(0, Q.shape[0], QUERY_BLOCK):
            block = by_home[start : start + QUERY_BLOCK]
            result[block] = self._query_block(
                Q[block],
                k,
                home_level,
                home[block],
                None if exclude is None else exclude[block],
            )
        return result

    def _visit_home(self, Q, k, n_home_leaves, home, exclude):
        """Step 1 of alg-knn-kd-query: the squared distances from each
        query to the points of its home node (its ``n_home_leaves``
        leaves). Returns their k smallest, (n_query, k), and the list of
        found candidates, those within the k-th smallest."""
        leaves = home[:, None] * n_home_leaves + np.arange(n_home_leaves)
        query = np.repeat(np.arange(Q.shape[0]), n_home_leaves)
        sq_dist, index = self._leaf_distances(
            Q, query, leaves.ravel(), exclude
        )
        per_query = sq_dist.reshape(Q.shape[0], -1)  # (n_query, home size)
        best = np.partition(per_query, k - 1, axis=1)[:, :k]
        radius2 = best.max(axis=1)
        return best, [within_radius(query, sq_dist, index, radius2)]

    def _query_block(self, Q, k, home_level, home, exclude):
        """``query`` for one block of queries, alg-knn-kd-query: the
        leaves under each query's home node give the first radius; the
        other leaves within it follow in rounds, nearest box first, the
        radius shrinking to the k-th distance found so far; the leaves
        still left after SHRINKING_ROUNDS rounds go in one last round."""
        n_home_leaves = 1 << (self.depth - home_level)
        best, found = self._visit_home(Q, k, n_home_leaves, home, exclude)
        radius2 = best.max(axis=1)  # the k-th smallest so far
        query, leaf, lower = self._descend(Q, radius2)
        away = leaf // n_home_leaves != home[query]
        query, leaf, lower = query[away], leaf[away], lower[away]
        rounds = visit_rounds(query, lower, SHRINKING_ROUNDS)
        for round_number, pairs in enumerate(rounds):
            round_query, round_leaf = query[pairs], leaf[pairs]
            visit = lower[pairs] <= radius2[round_query] * (1.0 + PRUNE_SLACK)
            round_query, round_leaf = round_query[visit], round_leaf[visit]
            sq_dist, index = self._leaf_distances(
                Q, round_query, round_leaf, exclude
            )
            if round_number < SHRINKING_ROUNDS:
                smallest = merge_smallest(best[round_query], sq_dist, k)
                best[round_query] = smallest
                radius2[round_query] = smallest.max(axis=1)
            found.append(within_radius(round_query, sq_dist, index, radius2))
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
    [low, high], eq-knn-kd-box-bound; the three arrays broadcast to
    (..., n_features). Computed with the same operations as a
    distance, so in floating point too it never exceeds the computed
    distance to a point inside the box."""
    gap = np.maximum(np.maximum(low - points, points - high), 0.0)
    return np.einsum("...j,...j->...", gap, gap)


def group_starts(group):
    """First position of each run of equal values in a grouped array."""
    return np.flatnonzero(np.r_[True, group[1:] != group[:-1]])


def leaf_blocks(data, indices, starts, sizes):
    """Each leaf's points and training indices as padded blocks:
    (n_features, n_leaves, max size) padded with infinity, and
    (n_leaves, max size) padded with -1. One coordinate of a leaf is a
    contiguous row, so the distances run along contiguous memory."""
    width = int(sizes.max())
    at = starts[:, None] + np.arange(width)  # (n_leaves, width)
    inside = np.arange(width) < sizes[:, None]
    at = np.where(inside, at, 0)
    coordinates = np.where(inside, data[at].transpose(2, 0, 1), np.inf)
    return coordinates, np.where(inside, indices[at], -1)


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


def visit_rounds(query, lower, n_shrinking):
    """The (query, leaf) pairs of each round, as index arrays: round r <
    ``n_shrinking`` holds every query's r-th nearest box (by its bound
    ``lower``), the last round all the others. ``query`` is grouped.

    The bounds are ranked within each query by one sort of the key
    query * span + bound, with span more than twice the largest bound:
    the integer part keeps the queries apart, and a rounding of the
    fraction could only swap two nearly equal bounds, which changes the
    order of the visits but never their result.
    """
    span = 2.0 * lower.max(initial=0.0) + 1.0
    order = np.argsort(query * span + lower)
    counts = np.bincount(query)
    rank = np.arange(query.shape[0]) - np.repeat(
        np.cumsum(counts) - counts, counts
    )
    round_of = np.empty_like(rank)
    round_of[order] = np.minimum(rank, n_shrinking)
    return [np.flatnonzero(round_of == r) for r in range(n_shrinking + 1)]


def merge_smallest(best, sq_dist, k):
    """The k smallest values of each row of ``best`` (n, k) and
    ``sq_dist`` (n, m) together, in no particular order: (n, k)."""
    both = np.concatenate([best, sq_dist], axis=1)
    return np.partition(both, k - 1, axis=1)[:, :k]


def within_radius(query, sq_dist, index, radius2):
    """The candidates of a round that may still be among the k nearest,
    those within the query's radius, as flat ``(query, sq_dist, index)``
    arrays."""
    near = np.nonzero(
        sq_dist <= radius2[query, None] * (1.0 + PRUNE_SLACK)
    )  # (visit, slot)
    return query[near[0]], sq_dist[near], index[near]
