"""CART decision trees, grown one level at a time with NumPy.

Chapter: book/supervised/decision_trees.md. ``grow_recursive`` is the
plain recursive CART, short and slow, kept as the reference that the fast
version is tested against. The estimators use the fast version, grown
breadth first: all nodes of one depth are searched for their best split in
the same few NumPy calls, so the Python loop runs once per level, not once
per node. Each feature is sorted once, at the root; every level then
partitions the sorted index rows stably, so that each node's samples stay
sorted by every feature (a "presorted" tree).

Layout used throughout: ``order`` is a (n_features, n_samples) array whose
row ``j`` lists sample indices sorted by feature ``j`` inside each node's
segment ``[start, start + size)``; every row holds the same samples in each
segment, only their order differs. ``values`` holds the matching feature
values, so ``values[j, p] == X[order[j, p], j]``.
"""

import numbers

import numpy as np

from .numerics import ragged_arange
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    check_array,
    check_is_fitted,
    check_option,
    check_predict_input,
    check_random_state,
    check_scalar,
    check_X_y,
    encode_labels,
    record_feature_names,
)

# Two values closer than this count as equal: no threshold between them.
FEATURE_THRESHOLD = 1e-7
# A node whose impurity is at most this is pure and becomes a leaf.
EPSILON = np.finfo(np.float64).eps
TREE_LEAF = -1  # children_left / children_right of a leaf
TREE_UNDEFINED = -2  # feature / threshold of a leaf


class Tree:
    """The fitted tree as flat arrays, one entry per node (as sklearn's
    ``tree_``). Node 0 is the root; a leaf has ``children_left == -1``.

    Attributes
    ----------
    children_left, children_right : ndarray of int, shape (node_count,)
    feature : ndarray of int; the split feature, -2 at leaves.
    threshold : ndarray of float; go left when ``x[feature] <= threshold``.
    value : ndarray, shape (node_count, n_classes) of class fractions for
        a classifier, (node_count,) of means for a regressor.
    impurity : ndarray of float, eq-tree-gini, eq-tree-entropy or
        eq-tree-mse of each node.
    n_node_samples : ndarray of int; distinct training samples per node.
    weighted_n_node_samples : ndarray of float; their total weight.
    """

    def __init__(self, levels):
        # levels: one dict of per-node arrays for each depth, in order.
        for name in levels[0]:
            setattr(self, name, np.concatenate([lv[name] for lv in levels]))
        self.node_count = self.feature.shape[0]
        self.max_depth = len(levels) - 1

    def apply(self, X):
        """Index of the leaf that each row of ``X`` lands in: every sample
        moves down one level per step, all samples at once."""
        node = np.zeros(X.shape[0], dtype=np.intp)
        active = np.arange(X.shape[0])
        for _ in range(self.max_depth):
            here = node[active]
            inner = self.children_left[here] != TREE_LEAF
            active, here = active[inner], here[inner]
            if active.shape[0] == 0:
                break
            go_left = X[active, self.feature[here]] <= self.threshold[here]
            node[active] = np.where(
                go_left, self.children_left[here], self.children_right[here]
            )
        return node

    def predict(self, X):
        """The value of the leaf each row of ``X`` lands in: class
        fractions (n, n_classes) or means (n,)."""
        return self.value[self.apply(X)]


def node_impurity(totals, criterion):
    """Impurity of each node from its weighted totals.

    Implements eq-tree-gini, eq-tree-entropy and eq-tree-mse.

    ``totals`` is (n_nodes, n_columns): column 0 the weight sum W, then the
    weighted class counts (classification) or the sums of w*y and w*y^2
    (regression). Returns ``(value, impurity)``.
    """
    weight = totals[:, 0]
    if criterion == "squared_error":
        mean = totals[:, 1] / weight
        mean_square = totals[:, 2] / weight
        variance = mean_square - mean**2
        # Below the rounding error of the difference, a node is constant.
        variance[variance <= 16 * EPSILON * mean_square] = 0.0
        return mean, variance
    fractions = totals[:, 1:] / weight[:, None]  # (n_nodes, n_classes)
    if criterion == "gini":
        return fractions, 1.0 - np.einsum("ij,ij->i", fractions, fractions)
    logs = np.log2(
        fractions, out=np.zeros_like(fractions), where=fractions > 0
    )
    return fractions, -np.einsum("ij,ij->i", fractions, logs)


def split_proxy(left, right, criterion):
    """A score that ranks candidate splits as the impurity decrease does.

    Implements eq-tree-proxy: the node's own impurity is the same for all
    its splits, so maximising the decrease (eq-tree-decrease) means
    maximising minus the weighted child impurities, which for each
    criterion reduces to sums over the children's totals. ``left`` and
    ``right`` are (n_candidates, n_columns) totals, column 0 the weight.
    """
    w_left, w_right = left[:, 0], right[:, 0]
    if criterion == "gini":
        # W_L - sum_k c_Lk^2 / W_L is W_L times the left Gini impurity.
        return (
            np.einsum("ij,ij->i", left[:, 1:], left[:, 1:]) / w_left
            + np.einsum("ij,ij->i", right[:, 1:], right[:, 1:]) / w_right
        )
    if criterion == "squared_error":
        # sum w y^2 is the same for every split of a node: leave it out.
        return left[:, 1] ** 2 / w_left + right[:, 1] ** 2 / w_right
    # entropy: W_L H_L = W_L log W_L - sum_k c_Lk log c_Lk.
    return (
        _xlogx(left[:, 1:]).sum(axis=1)
        - _xlogx(w_left)
        + _xlogx(right[:, 1:]).sum(axis=1)
        - _xlogx(w_right)
    )


def _xlogx(a):
    """a log a with 0 log 0 = 0."""
    return a * np.log(a, out=np.zeros_like(a), where=a > 0)


def grow_recursive(
    X,
    Z,
    criterion,
    max_depth=None,
    min_samples_split=2,
    min_samples_leaf=1,
    depth=0,
):
    """A plain recursive CART: the reference that ``build_tree`` must
    agree with, written to be read rather than to be fast.

    Implements eq-tree-best-split by an exhaustive scan: for each feature,
    sort the node's samples, take the running sums of ``Z``
    (eq-tree-cumulative) to get the left totals at every gap, score every
    valid threshold with eq-tree-proxy, keep the best; split, recurse.
    ``Z`` (n_samples, n_columns) holds a weight column and then one-hot
    class columns, or the columns y and y^2, as in ``build_tree``; the
    stopping rules are integer counts.
    Returns a nested dict: every node has "value" and "impurity", a split
    node also "feature", "threshold", "left" and "right".
    """
    n_samples = X.shape[0]
    totals = Z.sum(axis=0)  # (n_columns,)
    value, impurity = node_impurity(totals[None, :], criterion)
    node = {"value": value[0], "impurity": impurity[0]}
    if (
        (max_depth is not None and depth >= max_depth)
        or n_samples < max(min_samples_split, 2 * min_samples_leaf)
        or impurity[0] <= EPSILON
    ):
        return node
    best_score, best = -np.inf, None
    n_left = np.arange(1, n_samples)  # left sizes per gap
    for feature in range(X.shape[1]):
        order = np.argsort(X[:, feature], kind="stable")
        x_sorted = X[order, feature]
        left = np.cumsum(Z[order], axis=0)[:-1]  # (n - 1, n_columns)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = split_proxy(left, totals - left, criterion)
        # A threshold lies between two distinct values and leaves at
        # least min_samples_leaf samples on each side.
        valid = (
            (x_sorted[1:] > x_sorted[:-1] + FEATURE_THRESHOLD)
            & (n_left >= min_samples_leaf)
            & (n_samples - n_left >= min_samples_leaf)
        )
        score[~valid] = -np.inf
        at = int(np.argmax(score))  # first of ties
        if score[at] > best_score:  # ties: lower feature
            best_score = score[at]
            # Halves first: x + x' itself can overflow near float max.
            best = feature, x_sorted[at] / 2 + x_sorted[at + 1] / 2
    if best is None:
        return node
    feature, threshold = best
    go_left = X[:, feature] <= threshold
    children = [
        grow_recursive(
            X[side],
            Z[side],
            criterion,
            max_depth,
            min_samples_split,
            min_samples_leaf,
            depth + 1,
        )
        for side in (go_left, ~go_left)
    ]
    node.update(
        feature=feature,
        threshold=threshold,
        left=children[0],
        right=children[1],
    )
    return node


def predict_recursive(tree, X):
    """The value of the leaf of a ``grow_recursive`` tree that each row
    of ``X`` reaches, walking down one sample at a time."""
    values = []
    for x in X:
        node = tree
        while "feature" in node:
            node = (
                node["left"]
                if x[node["feature"]] <= node["threshold"]
                else node["right"]
            )
        values.append(node["value"])
    return np.array(values)


def draw_features(values, starts, ends, n_candidates, rng):
    """Candidate features for each node: ``n_candidates`` drawn without
    replacement, features constant in the node drawn last (as sklearn,
    which does not count them against ``max_features``).

    Returns an int array (n_nodes, n_candidates).
    """
    n_features = values.shape[0]
    n_nodes = starts.shape[0]
    if n_candidates == n_features:
        return np.broadcast_to(np.arange(n_features), (n_nodes, n_features))
    # Each row is sorted within a node: its first and last value bound it.
    constant = (
        values[:, ends - 1] <= values[:, starts] + FEATURE_THRESHOLD
    ).T  # (n_nodes, n_features)
    keys = rng.random((n_nodes, n_features)) + constant
    return np.argsort(keys, axis=1)[:, :n_candidates]


def best_splits(
    order,
    values,
    Z,
    starts,
    sizes,
    totals,
    features,
    criterion,
    min_samples_leaf,
):
    """The best split of every node of a level, all searched at once.

    Implements eq-tree-best-split with the cumulative sums of
    eq-tree-cumulative. For each (node, candidate feature) pair the node's
    samples, already sorted by that feature, are gathered into one flat
    array; one cumulative sum then gives the left totals of every
    threshold of every pair.

    Parameters
    ----------
    order, values : (n_features, n_samples) sorted sample indices, values.
    Z : (n_samples, n_columns) per-sample weight and weighted targets.
    starts, sizes : (n_nodes,) each node's segment.
    totals : (n_nodes, n_columns) each node's column sums of ``Z``.
    features : (n_nodes, n_candidates) features to search.

    Returns
    -------
    found : (n_nodes,) bool, whether the node has a valid split.
    feature, threshold, n_left : (n_found,) the chosen splits.
    """
    n_samples = order.shape[1]
    n_nodes, n_candidates = features.shape
    # One "pair" per (node, candidate feature), node-major.
    pair_node = np.repeat(np.arange(n_nodes), n_candidates)
    pair_feature = features.ravel()
    pair_size = sizes[pair_node]
    pair_start = np.cumsum(pair_size) - pair_size  # offsets in flat arrays
    flat = ragged_arange(
        pair_feature * n_samples + starts[pair_node], pair_size
    )
    x_sorted = values.ravel()[flat]  # (n_flat,)
    z_sorted = Z[order.ravel()[flat]]  # (n_flat, n_columns)
    # Restart the running sum at each pair: subtract the previous pair's
    # total at the first element of the next (eq-tree-cumulative).
    z_sorted[pair_start[1:]] -= totals[pair_node[:-1]]
    left = np.cumsum(z_sorted, axis=0)  # (n_flat, n_columns)
    right = np.repeat(totals[pair_node], pair_size, axis=0) - left
    # Valid thresholds: between two distinct values, with at least
    # min_samples_leaf samples on each side.
    valid = np.empty(x_sorted.shape[0], dtype=bool)
    np.greater(x_sorted[1:], x_sorted[:-1] + FEATURE_THRESHOLD, out=valid[:-1])
    pair_end = pair_start + pair_size
    if min_samples_leaf == 1:
        valid[pair_end - 1] = False
    else:
        n_left = np.arange(flat.shape[0]) - np.repeat(
            pair_start - 1, pair_size
        )
        valid &= (n_left >= min_samples_leaf) & (
            np.repeat(pair_size, pair_size) - n_left >= min_samples_leaf
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        score = split_proxy(left, right, criterion)
    score[~valid] = -np.inf
    # Best score of each node: its pairs are contiguous in the flat array.
    node_start = pair_start[::n_candidates]
    best = np.maximum.reduceat(score, node_start)
    found = best > -np.inf
    is_best = score == np.repeat(best, sizes * n_candidates)
    position = np.where(is_best, np.arange(score.shape[0]), score.shape[0])
    at = np.minimum.reduceat(position, node_start)[found]  # first best
    pair = np.searchsorted(pair_start, at, side="right") - 1
    # Halves first, since x + x' can overflow near the float maximum.
    threshold = x_sorted[at] / 2 + x_sorted[at + 1] / 2
    # Rounding can put the midpoint on the right value: use the left one.
    rounded = threshold == x_sorted[at + 1]
    threshold[rounded] = x_sorted[at][rounded]
    return found, pair_feature[pair], threshold, at - pair_start[pair] + 1


def partition(order, values, starts, sizes, split, feature, n_left, n_total):
    """Stable partition of every sorted row into the children of the split
    nodes; the samples of nodes that became leaves are dropped.

    A sample goes left when it is among the first ``n_left`` of its node
    in the row of the split feature. The next level lays out all left
    children, then all right children, each in the order of its parent:
    so each row of the new layout is the row's left samples followed by
    its right samples, both in their old order. Keeping the order keeps
    every row sorted inside every child. ``n_total`` is the number of
    training samples (the ids in ``order``).

    Returns ``(order, values, child_starts, child_sizes)``.
    """
    n_features, row_length = order.shape
    # Which side each sample goes to: (n_total,) masks over sample ids.
    go_left = np.zeros(n_total, dtype=bool)
    go_left[
        order.ravel()[
            ragged_arange(feature * row_length + starts[split], n_left)
        ]
    ] = True
    go_right = np.zeros(n_total, dtype=bool)
    go_right[order[0, ragged_arange(starts[split], sizes[split])]] = True
    go_right[go_left] = False
    # Flat positions of the samples that go left, then right, row by row.
    # Every row holds the same samples, so each row keeps the same count
    # and the positions reshape to (d, count).
    left_at = np.flatnonzero(go_left[order]).reshape(n_features, -1)
    right_at = np.flatnonzero(go_right[order]).reshape(n_features, -1)
    at = np.concatenate([left_at, right_at], axis=1)  # (d, n_kept)
    new_order, new_values = order.ravel()[at], values.ravel()[at]
    n_right = sizes[split] - n_left
    child_sizes = np.concatenate([n_left, n_right])
    return (
        new_order,
        new_values,
        np.cumsum(child_sizes) - child_sizes,
        child_sizes,
    )


def new_level(sizes, totals, criterion):
    """The arrays of one level's nodes, all leaves until they are split.
    ``totals`` (n_nodes, n_columns) are the nodes' column sums of Z."""
    n_nodes = sizes.shape[0]
    value, impurity = node_impurity(totals, criterion)
    return {
        "children_left": np.full(n_nodes, TREE_LEAF, dtype=np.intp),
        "children_right": np.full(n_nodes, TREE_LEAF, dtype=np.intp),
        "feature": np.full(n_nodes, TREE_UNDEFINED, dtype=np.intp),
        "threshold": np.full(n_nodes, float(TREE_UNDEFINED)),
        "value": value,
        "impurity": impurity,
        "n_node_samples": sizes.copy(),
        "weighted_n_node_samples": totals[:, 0].copy(),
    }


def build_tree(
    X,
    Z,
    Z_stats,
    criterion,
    max_depth,
    min_samples_split,
    min_samples_leaf,
    n_candidates,
    rng,
    order=None,
):
    """Grow a CART tree breadth first; return a ``Tree``.

    ``Z`` (n, n_columns) holds each sample's weight and weighted targets
    for the split search; ``Z_stats`` adds any column needed only for node
    impurities (w*y^2). Samples of weight zero must already be removed.
    ``order`` may pass the presorted (n_features, n_samples) indices.
    """
    X_t = np.ascontiguousarray(X.T)  # (d, n)
    if order is None:
        order = np.argsort(X_t, axis=1, kind="stable")  # (d, n)
    values = np.take_along_axis(X_t, order, axis=1)
    starts = np.zeros(1, dtype=np.intp)
    sizes = np.array([X.shape[0]], dtype=np.intp)
    levels, depth, first_id = [], 0, 0
    while True:
        totals = np.add.reduceat(Z_stats[order[0]], starts, axis=0)
        level = new_level(sizes, totals, criterion)
        levels.append(level)
        n_nodes = sizes.shape[0]
        # Stopping rules: depth, node size, purity.
        may_split = (
            (sizes >= min_samples_split)
            & (sizes >= 2 * min_samples_leaf)
            & (level["impurity"] > EPSILON)
        )
        if max_depth is not None and depth >= max_depth:
            may_split[:] = False
        candidates = np.flatnonzero(may_split)
        split = candidates[:0]
        if candidates.shape[0] > 0:
            features = draw_features(
                values,
                starts[candidates],
                starts[candidates] + sizes[candidates],
                n_candidates,
                rng,
            )
            found, feature, threshold, n_left = best_splits(
                order,
                values,
                Z,
                starts[candidates],
                sizes[candidates],
                totals[candidates, : Z.shape[1]],
                features,
                criterion,
                min_samples_leaf,
            )
            split = candidates[found]
        if split.shape[0] == 0:
            break
        # Children get the next ids: all left children, then all right.
        next_id = first_id + n_nodes + np.arange(split.shape[0])
        level["children_left"][split] = next_id
        level["children_right"][split] = next_id + split.shape[0]
        level["feature"][split] = feature
        level["threshold"][split] = threshold
        order, values, starts, sizes = partition(
            order, values, starts, sizes, split, feature, n_left, X.shape[0]
        )
        first_id += n_nodes
        depth += 1
    return Tree(levels)


def impurity_importances(tree, n_features):
    """Normalised total weighted impurity decrease per feature.

    Implements eq-tree-importance.
    """
    inner = np.flatnonzero(tree.children_left != TREE_LEAF)
    weighted = tree.weighted_n_node_samples * tree.impurity
    decrease = (
        weighted[inner]
        - weighted[tree.children_left[inner]]
        - weighted[tree.children_right[inner]]
    )
    importances = np.bincount(
        tree.feature[inner], weights=decrease, minlength=n_features
    )
    total = importances.sum()
    return importances / total if total > 0 else importances


def preorder_layout(tree):
    """Each node's depth-first preorder rank (node, left subtree, right
    subtree: sklearn's node numbering) and its subtree size.

    In preorder every subtree is a contiguous run of ranks, so pruning a
    branch is a slice. Nodes are stored parents first, so the loops run
    once per level, not once per node.
    Returns ``(rank, size, parent)``, arrays of shape (node_count,) in
    this tree's numbering; the root's parent is -1.
    """
    left, right = tree.children_left, tree.children_right
    inner = np.flatnonzero(left != TREE_LEAF)
    parent = np.full(tree.node_count, -1, dtype=np.intp)
    parent[left[inner]] = inner
    parent[right[inner]] = inner
    depth = np.zeros(tree.node_count, dtype=np.intp)
    for _ in range(tree.max_depth):  # pass d settles depth d
        depth[1:] = depth[parent[1:]] + 1
    size = np.ones(tree.node_count, dtype=np.intp)
    for level in range(tree.max_depth - 1, -1, -1):  # bottom-up
        nodes = inner[depth[inner] == level]
        size[nodes] += size[left[nodes]] + size[right[nodes]]
    rank = np.zeros(tree.node_count, dtype=np.intp)
    for level in range(tree.max_depth):  # top-down
        nodes = inner[depth[inner] == level]
        rank[left[nodes]] = rank[nodes] + 1
        rank[right[nodes]] = rank[nodes] + 1 + size[left[nodes]]
    return rank, size, parent


def branch_risks(node_risk, is_leaf, parent):
    """R(T_t) and |leaves(T_t)| of every branch T_t (eq-tree-ccp-branch),
    all arrays in preorder.

    Each leaf's risk is added to all its ancestors, leaves taken left to
    right, as sklearn does: the sums then round exactly as sklearn's, so
    that exact ties between weakest links break the same way.
    """
    leaves = np.flatnonzero(is_leaf)  # left to right in preorder
    ancestors, owners = [], []
    node, owner = leaves, leaves
    while node.shape[0] > 0:
        node = parent[node]
        keep = node >= 0
        node, owner = node[keep], owner[keep]
        ancestors.append(node)
        owners.append(owner)
    ancestors = np.concatenate(ancestors)
    owners = np.concatenate(owners)
    by_leaf = np.argsort(owners, kind="stable")
    branch_risk = np.where(is_leaf, node_risk, 0.0)
    # ufunc.at adds in index order: each sum runs over leaves in order.
    np.add.at(branch_risk, ancestors[by_leaf], node_risk[owners[by_leaf]])
    n_leaves = np.bincount(ancestors, minlength=is_leaf.shape[0])
    return branch_risk, n_leaves


def weakest_link_pruning(tree, ccp_alpha=np.inf):
    """Minimal cost-complexity pruning of a fitted ``Tree``.

    Implements eq-tree-ccp-risk and eq-tree-ccp-link: repeatedly collapse
    the internal node t of smallest g(t) into a leaf (the first in
    preorder on ties, one node per step, as sklearn), while g(t) <=
    ``ccp_alpha``. Returns ``(ccp_alphas, impurities, in_subtree,
    is_leaf)``: the g of each pruning step (0 first, for the full tree)
    with the total leaf risk R(T) after it, and masks, in this tree's
    numbering, of the nodes kept and of the kept nodes that are leaves.
    """
    rank, size, parent = preorder_layout(tree)
    order = np.argsort(rank)  # preorder position -> node id
    # R(t), eq-tree-ccp-risk: impurity times the node's weight fraction.
    weight = tree.weighted_n_node_samples
    node_risk = (weight * tree.impurity / weight[0])[order]
    is_leaf = (tree.children_left == TREE_LEAF)[order]
    size = size[order]
    parent = np.where(parent >= 0, rank[parent], -1)[order]
    branch_risk, n_leaves = branch_risks(node_risk, is_leaf, parent)
    position = np.arange(tree.node_count)
    in_subtree = np.ones(tree.node_count, dtype=bool)
    candidate = ~is_leaf
    ccp_alphas, impurities = [0.0], [branch_risk[0]]
    while candidate[0]:
        nodes = np.flatnonzero(candidate)
        link = (node_risk[nodes] - branch_risk[nodes]) / (
            n_leaves[nodes] - 1
        )  # g(t), eq-tree-ccp-link
        weakest = int(np.argmin(link))  # first in preorder on ties
        if link[weakest] > ccp_alpha:
            break
        node = nodes[weakest]
        end = node + size[node]  # the branch is positions node..end-1
        candidate[node:end] = False
        in_subtree[node + 1 : end] = False
        is_leaf[node + 1 : end] = False
        is_leaf[node] = True
        # Ancestors are the nodes whose branch contains this one.
        ancestor = (position < node) & (position + size > node)
        n_leaves[ancestor] -= n_leaves[node] - 1
        branch_risk[ancestor] += node_risk[node] - branch_risk[node]
        n_leaves[node] = 0
        branch_risk[node] = node_risk[node]
        ccp_alphas.append(link[weakest])
        impurities.append(branch_risk[0])
    return (
        np.array(ccp_alphas),
        np.array(impurities),
        in_subtree[rank],
        is_leaf[rank],
    )


def prune_tree(tree, ccp_alpha):
    """The subtree of ``tree`` that minimal cost-complexity pruning keeps
    for ``ccp_alpha`` (eq-tree-ccp-risk), as a new ``Tree``: the kept
    nodes in their old order, the collapsed ones turned into leaves."""
    _, _, in_subtree, is_leaf = weakest_link_pruning(tree, ccp_alpha)
    kept = np.flatnonzero(in_subtree)
    new_id = np.cumsum(in_subtree) - 1  # (node_count,)
    inner = ~is_leaf[kept]
    left = np.where(inner, new_id[tree.children_left[kept]], TREE_LEAF)
    right = np.where(inner, new_id[tree.children_right[kept]], TREE_LEAF)
    arrays = {
        "children_left": left,
        "children_right": right,
        "feature": np.where(inner, tree.feature[kept], TREE_UNDEFINED),
        "threshold": np.where(
            inner, tree.threshold[kept], float(TREE_UNDEFINED)
        ),
        "value": tree.value[kept],
        "impurity": tree.impurity[kept],
        "n_node_samples": tree.n_node_samples[kept],
        "weighted_n_node_samples": tree.weighted_n_node_samples[kept],
    }
    # Tree takes one dict per depth; the kept nodes are still stored
    # level by level, so splitting at depth changes keeps their order.
    depth = np.zeros(kept.shape[0], dtype=np.intp)
    parent = np.full(kept.shape[0], -1, dtype=np.intp)
    parent[left[inner]] = np.flatnonzero(inner)
    parent[right[inner]] = np.flatnonzero(inner)
    for _ in range(tree.max_depth):
        depth[1:] = depth[parent[1:]] + 1
    levels = [
        {name: array[depth == level] for name, array in arrays.items()}
        for level in range(depth.max() + 1)
    ]
    return Tree(levels)


def subset_order(order, keep):
    """The presorted (n_features, n_samples) index rows restricted to the
    samples in ``keep`` and renumbered 0..n_kept-1: a filter keeps the
    sort, so a tree grown on a subset (a bootstrap sample) need not sort
    again."""
    new_id = np.cumsum(keep) - 1  # (n_samples,)
    at = np.flatnonzero(keep[order])  # same count in every row
    kept = order.ravel()[at].reshape(order.shape[0], -1)  # (d, n_kept)
    return new_id[kept]


def fit_tree(tree, X, y, sample_weight, rng, classes=None, order=None):
    """Grow ``tree``, a DecisionTreeClassifier or DecisionTreeRegressor,
    on input that is already checked; return it fitted.

    Both trees' ``fit`` and the random forests grow their trees through
    this function. ``y`` holds class indices into ``classes`` for a
    classifier (so that a forest's tree knows every class even when its
    bootstrap sample misses one) and real targets for a regressor.
    Samples of weight zero are dropped. ``order`` may pass the presorted
    (n_features, n_samples) indices of the columns of ``X``.
    """
    min_split, min_leaf, n_candidates = tree._check_params(*X.shape)
    if classes is not None:
        tree.classes_ = classes
        tree.n_classes_ = classes.shape[0]
    keep = sample_weight > 0
    if not np.all(keep):
        X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        if order is not None:
            order = subset_order(order, keep)
    Z_stats, offset = tree._target_columns(y, sample_weight)
    # The split search needs the first n_split columns; the rest (w y^2)
    # only enter the nodes' impurities.
    Z = np.ascontiguousarray(Z_stats[:, : tree._n_split_columns()])
    tree.tree_ = build_tree(
        X,
        Z,
        Z_stats,
        tree.criterion,
        tree.max_depth,
        min_split,
        min_leaf,
        n_candidates,
        rng,
        order,
    )
    tree.tree_.value += offset
    if tree.ccp_alpha > 0:
        tree.tree_ = prune_tree(tree.tree_, tree.ccp_alpha)
    tree.n_features_in_ = X.shape[1]
    tree.max_features_ = n_candidates
    return tree


class _BaseDecisionTree(BaseEstimator):
    """What the classifier and the regressor share: hyper-parameters and
    their checks, descent, and the tree's summary numbers. Subclasses set
    ``_criteria``, the criteria they accept."""

    def __init__(
        self,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=None,
        random_state=None,
        ccp_alpha=0.0,
    ):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.max_features = max_features
        self.random_state = random_state
        self.ccp_alpha = ccp_alpha

    def _check_params(self, n_samples, n_features):
        """Validate the hyper-parameters; return the integer settings
        (min_samples_split, min_samples_leaf, features per split)."""
        check_option(self.criterion, "criterion", self._criteria)
        if self.max_depth is not None:
            check_scalar(self.max_depth, "max_depth", numbers.Integral, low=1)
        check_scalar(self.ccp_alpha, "ccp_alpha", numbers.Real, low=0.0)
        min_split = _count_or_fraction(
            self.min_samples_split,
            "min_samples_split",
            n_samples,
            2,
            high_inclusive=True,
        )
        min_leaf = _count_or_fraction(
            self.min_samples_leaf,
            "min_samples_leaf",
            n_samples,
            1,
            high_inclusive=False,
        )
        return (
            min_split,
            min_leaf,
            resolve_max_features(self.max_features, n_features),
        )

    def cost_complexity_pruning_path(self, X, y, sample_weight=None):
        """The weakest-link sequence of a tree grown unpruned on ``X``,
        ``y``: a dict with ``ccp_alphas``, the increasing g(t) at which
        each pruning step happens (0 first), and ``impurities``, the total
        leaf risk R(T) of the subtree after it (eq-tree-ccp-risk)."""
        check_scalar(self.ccp_alpha, "ccp_alpha", numbers.Real, low=0.0)
        unpruned = type(self)(**{**self.get_params(), "ccp_alpha": 0.0})
        unpruned.fit(X, y, sample_weight=sample_weight)
        ccp_alphas, impurities, _, _ = weakest_link_pruning(unpruned.tree_)
        return {"ccp_alphas": ccp_alphas, "impurities": impurities}

    def apply(self, X):
        """Index of the leaf each sample of ``X`` ends in."""
        X = check_predict_input(self, X, "tree_")
        return self.tree_.apply(X)

    def get_depth(self):
        """Depth of the tree: the longest root-to-leaf path."""
        check_is_fitted(self, "tree_")
        return self.tree_.max_depth

    def get_n_leaves(self):
        """Number of leaves."""
        check_is_fitted(self, "tree_")
        return int(np.sum(self.tree_.children_left == TREE_LEAF))

    @property
    def feature_importances_(self):
        """Normalised impurity decrease per feature (eq-tree-importance)."""
        check_is_fitted(self, "tree_")
        return impurity_importances(self.tree_, self.n_features_in_)


def _count_or_fraction(value, name, n_samples, low, high_inclusive):
    """An integer count, or a fraction of ``n_samples`` rounded up (as
    sklearn's ``min_samples_split`` and ``min_samples_leaf``)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return check_scalar(value, name, numbers.Integral, low=low)
    check_scalar(
        value,
        name,
        numbers.Real,
        low=0.0,
        high=1.0,
        low_inclusive=False,
        high_inclusive=high_inclusive,
    )
    return max(low, int(np.ceil(value * n_samples)))


def resolve_max_features(max_features, n_features):
    """The number of features searched at each split."""
    if max_features is None:
        return n_features
    if isinstance(max_features, str):
        check_option(max_features, "max_features", {"sqrt", "log2"})
        size = (
            np.sqrt(n_features)
            if max_features == "sqrt"
            else np.log2(n_features)
        )
        return max(1, int(size))
    if isinstance(max_features, numbers.Integral) and not isinstance(
        max_features, bool
    ):
        return check_scalar(
            max_features,
            "max_features",
            numbers.Integral,
            low=1,
            high=n_features,
        )
    check_scalar(
        max_features,
        "max_features",
        numbers.Real,
        low=0.0,
        high=1.0,
        low_inclusive=False,
    )
    return max(1, int(max_features * n_features))


def _check_weights(sample_weight, n_samples):
    """Sample weights as a float array; default all ones."""
    if sample_weight is None:
        return np.ones(n_samples)
    weight = check_array(sample_weight, "sample_weight", ndim=1)
    if weight.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {weight.shape[0]} entries for {n_samples} "
            "samples"
        )
    if np.any(weight < 0) or not np.any(weight > 0):
        raise ValueError("sample_weight must be >= 0 and not all zero")
    return weight


class DecisionTreeClassifier(ClassifierMixin, _BaseDecisionTree):
    """CART classification tree.

    Parameters
    ----------
    criterion : {'gini', 'entropy'}, default='gini'
        Impurity: eq-tree-gini or eq-tree-entropy.
    max_depth : int or None, default=None
        Grow no deeper than this; None grows until the leaves are pure or
        too small to split.
    min_samples_split : int or float, default=2
        A node with fewer samples is not split (a float is a fraction of
        n_samples).
    min_samples_leaf : int or float, default=1
        Each child must keep at least this many samples.
    max_features : int, float, 'sqrt', 'log2' or None, default=None
        Features drawn at random for each split; None searches all.
    random_state : None, int or numpy.random.Generator, default=None
    ccp_alpha : float >= 0, default=0.0
        Complexity cost per leaf: the grown tree is pruned to the
        subtree minimising eq-tree-ccp-risk; 0 keeps the grown tree.

    Attributes
    ----------
    classes_ : ndarray, the labels in sorted order.
    n_features_in_ : int
    max_features_ : int, features searched per split.
    tree_ : Tree, the fitted tree as flat arrays.
    feature_importances_ : ndarray (n_features,)
    """

    _criteria = ("gini", "entropy")

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``X`` (n_samples, n_features) and labels
        ``y``; ``sample_weight`` (e.g. bootstrap counts) is optional."""
        record_feature_names(self, X)
        X, y = check_X_y(X, y)
        classes, y_index = encode_labels(y, min_classes=1)
        weight = _check_weights(sample_weight, X.shape[0])
        return fit_tree(
            self,
            X,
            y_index,
            weight,
            check_random_state(self.random_state),
            classes,
        )

    def _target_columns(self, y_index, weight):
        """Per-sample columns (w, w [y = 0], ..., w [y = K - 1]) whose
        node sums are the weighted class counts; no offset."""
        Z = np.zeros((y_index.shape[0], self.n_classes_ + 1))  # (n, 1+K)
        Z[:, 0] = weight
        Z[np.arange(y_index.shape[0]), 1 + y_index] = weight
        return Z, 0.0

    def _n_split_columns(self):
        return self.n_classes_ + 1

    def predict_proba(self, X):
        """Class fractions of the leaf each sample lands in,
        (n_samples, n_classes)."""
        X = check_predict_input(self, X, "tree_")
        return self.tree_.predict(X)

    def predict(self, X):
        """The majority class of each sample's leaf."""
        proba = self.predict_proba(X)  # (n, n_classes)
        return self.classes_[np.argmax(proba, axis=1)]


class DecisionTreeRegressor(RegressorMixin, _BaseDecisionTree):
    """CART regression tree with the squared-error criterion.

    Parameters are those of ``DecisionTreeClassifier``, except that
    ``criterion`` is 'squared_error' (eq-tree-mse), its default. A leaf
    predicts the (weighted) mean target of its training samples.

    Attributes
    ----------
    n_features_in_, max_features_, tree_, feature_importances_
        As for ``DecisionTreeClassifier``; ``tree_.value`` holds means.
    """

    _criteria = ("squared_error",)

    def __init__(
        self,
        *,
        criterion="squared_error",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        max_features=None,
        random_state=None,
        ccp_alpha=0.0,
    ):
        super().__init__(
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            max_features=max_features,
            random_state=random_state,
            ccp_alpha=ccp_alpha,
        )

    def fit(self, X, y, sample_weight=None):
        """Grow the tree on ``X`` (n_samples, n_features) and real
        targets ``y``."""
        record_feature_names(self, X)
        X, y = check_X_y(X, y, y_numeric=True)
        weight = _check_weights(sample_weight, X.shape[0])
        return fit_tree(
            self, X, y, weight, check_random_state(self.random_state)
        )

    def _target_columns(self, y, weight):
        """Per-sample columns (w, w y, w y^2) of the centred targets and
        the centre: centring keeps the split search's sums small."""
        with np.errstate(over="ignore", invalid="ignore"):
            offset = np.average(y, weights=weight)
            centred = y - offset
            columns = np.column_stack(
                [weight, weight * centred, weight * centred**2]
            )
            finite = np.isfinite(columns.sum(axis=0)).all()
        if not (finite and np.isfinite(offset)):
            raise ValueError(
                "y has values so large that sums of their squares overflow "
                "float64; rescale y"
            )
        return columns, offset

    def _n_split_columns(self):
        return 2

    def predict(self, X):
        """The mean training target of each sample's leaf."""
        X = check_predict_input(self, X, "tree_")
        return self.tree_.predict(X)
