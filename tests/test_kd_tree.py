"""Tests for scratch.kd_tree and the k-d tree path of scratch.knn
(book/supervised/knn.md, section on the k-d tree).

The tree must return exactly what brute force returns: the same
neighbours, ties included, and the same distances bit for bit. On
integer coordinates of moderate size both searches compute every squared
distance exactly, so ties are real ties and the tie rule (lower training
index first) decides them; the tests below use such data, with many
duplicates, so that ties occur at every k. The tree itself is checked
against scikit-learn's KDTree, which splits by the same rule.
"""

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.neighbors import KDTree as SkKDTree
from sklearn.neighbors import KNeighborsClassifier as SkClassifier

import scratch.knn
from scratch.kd_tree import KDTree, box_bound, tree_depth
from scratch.knn import KNeighborsClassifier, KNeighborsRegressor


def integer_data(n_samples, n_features, levels, seed):
    """Points on a small integer grid, so that distances tie often, with
    a tenth of the rows repeated exactly."""
    rng = np.random.default_rng(seed)
    X = rng.integers(0, levels, size=(n_samples, n_features)).astype(float)
    repeats = rng.integers(0, n_samples, size=n_samples // 10)
    X[rng.integers(0, n_samples, size=repeats.size)] = X[repeats]
    return X


def queries(n_features, levels, seed):
    """Grid queries inside and around the data, some of them far away."""
    rng = np.random.default_rng(seed + 1)
    Q = rng.integers(-2, levels + 2, size=(60, n_features)).astype(float)
    Q[:5] += 1000.0  # far from every training point
    Q[5:10] -= 1000.0
    return Q


def both(Model, X, y, **params):
    """The same model fitted with brute force and with the tree."""
    return (
        Model(algorithm="brute", **params).fit(X, y),
        Model(algorithm="kd_tree", **params).fit(X, y),
    )


@pytest.mark.parametrize("n_features", [1, 2, 5, 10])
@pytest.mark.parametrize("k", [1, 3, 8, 21])
def test_tree_neighbours_and_distances_equal_brute_force_with_ties(
    n_features, k
):
    # leaf_size 8: k = 21 is more than a leaf holds
    X = integer_data(400, n_features, 4, seed=n_features)
    y = np.arange(400) % 3
    brute, tree = both(KNeighborsClassifier, X, y, leaf_size=8)
    Q = queries(n_features, 4, seed=n_features)
    d_brute, i_brute = brute.kneighbors(Q, n_neighbors=k)
    d_tree, i_tree = tree.kneighbors(Q, n_neighbors=k)
    np.testing.assert_array_equal(i_tree, i_brute)
    np.testing.assert_array_equal(d_tree, d_brute)  # bit for bit


@pytest.mark.parametrize("k", [1, 4, 12])
def test_tree_leaves_each_point_out_of_its_own_neighbours_like_brute(k):
    X = integer_data(300, 3, 5, seed=4)
    brute, tree = both(KNeighborsRegressor, X, X[:, 0], leaf_size=5)
    d_brute, i_brute = brute.kneighbors(n_neighbors=k)
    d_tree, i_tree = tree.kneighbors(n_neighbors=k)
    np.testing.assert_array_equal(i_tree, i_brute)
    np.testing.assert_array_equal(d_tree, d_brute)


def test_every_point_a_duplicate_of_one_and_k_equal_to_n():
    X = np.ones((40, 2))
    brute, tree = both(
        KNeighborsClassifier, X, np.arange(40) % 2, n_neighbors=40, leaf_size=3
    )
    Q = np.array([[1.0, 1.0], [5.0, -3.0]])
    np.testing.assert_array_equal(
        tree.kneighbors(Q)[1], brute.kneighbors(Q)[1]
    )
    np.testing.assert_array_equal(tree.kneighbors(Q)[1][0], np.arange(40))


@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_tree_predictions_equal_brute_force_for_both_estimators(weights):
    X = integer_data(500, 2, 6, seed=7)
    y_class = (X.sum(axis=1) % 3).astype(int)
    y_value = X[:, 0] - 2.0 * X[:, 1]
    Q = queries(2, 6, seed=7)
    brute_c, tree_c = both(
        KNeighborsClassifier,
        X,
        y_class,
        weights=weights,
        n_neighbors=7,
        leaf_size=4,
    )
    np.testing.assert_array_equal(
        tree_c.predict_proba(Q), brute_c.predict_proba(Q)
    )
    np.testing.assert_array_equal(tree_c.predict(Q), brute_c.predict(Q))
    brute_r, tree_r = both(
        KNeighborsRegressor,
        X,
        y_value,
        weights=weights,
        n_neighbors=7,
        leaf_size=4,
    )
    np.testing.assert_array_equal(tree_r.predict(Q), brute_r.predict(Q))


def test_tree_on_real_valued_data_matches_sklearn_where_untied():
    X, y = make_friedman1(n_samples=2000, n_features=5, random_state=1)
    labels = (y > np.median(y)).astype(int)
    Q = X[1500:]
    ours = KNeighborsClassifier(n_neighbors=5, algorithm="kd_tree").fit(
        X[:1500], labels[:1500]
    )
    theirs = SkClassifier(n_neighbors=5).fit(X[:1500], labels[:1500])
    distances, _ = theirs.kneighbors(Q, n_neighbors=6)
    untied = distances[:, 5] - distances[:, 4] > 1e-9
    assert untied.mean() > 0.99
    d_ours, i_ours = ours.kneighbors(Q)
    d_theirs, i_theirs = theirs.kneighbors(Q)
    np.testing.assert_array_equal(i_ours[untied], i_theirs[untied])
    np.testing.assert_allclose(d_ours, d_theirs, rtol=1e-12, atol=1e-13)
    np.testing.assert_array_equal(
        ours.predict(Q)[untied], theirs.predict(Q)[untied]
    )


@pytest.mark.parametrize(
    "n_samples, leaf_size", [(1000, 7), (257, 30), (30, 30), (31, 5)]
)
def test_eq_knn_kd_depth_tree_equals_sklearn_kdtree(n_samples, leaf_size):
    """Same split rule as scikit-learn's KDTree (median of the widest
    coordinate), so on continuous data the same nodes and boxes."""
    X = np.random.default_rng(2).normal(size=(n_samples, 3))
    ours = KDTree(X, leaf_size)
    _, sk_index, sk_nodes, sk_bounds = SkKDTree(
        X, leaf_size=leaf_size
    ).get_arrays()
    assert sk_nodes.shape[0] == 2 ** (ours.depth + 1) - 1
    np.testing.assert_array_equal(
        np.concatenate(ours.starts), sk_nodes["idx_start"]
    )
    np.testing.assert_array_equal(ours.low, sk_bounds[0])
    np.testing.assert_array_equal(ours.high, sk_bounds[1])
    for start, end in zip(sk_nodes["idx_start"], sk_nodes["idx_end"]):
        assert set(ours.indices[start:end]) == set(sk_index[start:end])


@pytest.mark.parametrize("n_samples", [1, 2, 29, 30, 31, 61, 1000, 4097])
@pytest.mark.parametrize("leaf_size", [1, 2, 30])
def test_eq_knn_kd_depth_leaves_hold_between_leaf_size_and_twice(
    n_samples, leaf_size
):
    depth = tree_depth(n_samples, leaf_size)
    n_leaves = 2**depth
    smallest, largest = n_samples // n_leaves, -(-n_samples // n_leaves)
    if n_samples > leaf_size:
        assert leaf_size <= smallest and largest <= 2 * leaf_size
    else:
        assert depth == 0


def test_tree_boxes_hold_their_points_and_children_split_them():
    X = integer_data(700, 4, 5, seed=3)
    tree = KDTree(X, 6)
    for level in range(tree.depth + 1):
        for node, (start, size) in enumerate(
            zip(tree.starts[level], tree.sizes[level])
        ):
            row = 2**level - 1 + node
            points = tree.data[start : start + size]
            np.testing.assert_array_equal(points.min(axis=0), tree.low[row])
            np.testing.assert_array_equal(points.max(axis=0), tree.high[row])
            if level < tree.depth:
                feature = tree.split_feature[row]
                half = size // 2
                assert (
                    points[:half, feature].max()
                    <= points[half:, feature].min()
                )
    np.testing.assert_array_equal(np.sort(tree.indices), np.arange(700))
    np.testing.assert_array_equal(tree.data, X[tree.indices])


def test_eq_knn_kd_box_bound_never_exceeds_a_distance_inside():
    """thm-knn-kd-pruning-exact: in floating point too, the bound to a box is
    at most the computed squared distance to any point inside it."""
    rng = np.random.default_rng(5)
    points = rng.normal(size=(20000, 6)) * 10.0 ** rng.integers(-8, 8)
    box = rng.normal(size=(20000, 2, 6))
    low, high = box.min(axis=1), box.max(axis=1)
    inside = low + rng.uniform(size=low.shape) * (high - low)
    inside[::3] = low[::3]  # on the boundary too
    diff = inside - points
    sq_dist = np.einsum("ij,ij->i", diff, diff)
    assert np.all(box_bound(points, low, high) <= sq_dist)
    assert np.all(box_bound(inside, low, high) == 0.0)


@pytest.mark.parametrize(
    "n_samples, n_features, expected",
    [
        (512 * 2**3, 3, "kd_tree"),
        (512 * 2**3 - 1, 3, "brute"),
        (512 * 2**5, 5, "kd_tree"),
        (10**6, 64, "brute"),
        (100, 1, "brute"),
    ],
)
def test_eq_knn_kd_auto_takes_the_tree_for_many_points_per_orthant(
    n_samples, n_features, expected
):
    assert scratch.knn.TREE_MIN_RATIO == 512
    assert (
        scratch.knn.choose_algorithm("auto", n_samples, n_features) == expected
    )


def test_fit_method_and_tree_follow_the_choice():
    X = np.random.default_rng(0).normal(size=(2000, 1))
    tree = KNeighborsRegressor().fit(X, X[:, 0])
    assert tree.fit_method_ == "kd_tree" and tree.tree_ is not None
    brute = KNeighborsRegressor().fit(X[:100], X[:100, 0])
    assert brute.fit_method_ == "brute" and brute.tree_ is None


@pytest.mark.parametrize("Model", [KNeighborsClassifier, KNeighborsRegressor])
@pytest.mark.parametrize(
    "params, message",
    [
        ({"algorithm": "ball_tree"}, "algorithm"),
        ({"algorithm": "KD_TREE"}, "algorithm"),
        ({"leaf_size": 0}, "leaf_size"),
        ({"leaf_size": -3}, "leaf_size"),
    ],
)
def test_bad_algorithm_or_leaf_size_raises(Model, params, message):
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match=message):
        Model(**params).fit(X, np.arange(10) % 2)


@pytest.mark.parametrize("leaf_size", [2.5, "30", True])
def test_leaf_size_must_be_an_integer(leaf_size):
    with pytest.raises(TypeError, match="leaf_size"):
        KNeighborsClassifier(leaf_size=leaf_size).fit(
            np.zeros((10, 2)), np.arange(10) % 2
        )


def test_hyper_parameters_are_stored_unchanged():
    model = KNeighborsClassifier(algorithm="kd_tree", leaf_size=17)
    assert model.get_params()["algorithm"] == "kd_tree"
    assert model.get_params()["leaf_size"] == 17
