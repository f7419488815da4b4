"""Tests for scratch.dbscan, against scikit-learn and the chapter's claims
(book/unsupervised/dbscan.md)."""

import tracemalloc

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as sp_components
from sklearn.cluster import DBSCAN as SkDBSCAN
from sklearn.datasets import make_blobs, make_moons
from sklearn.metrics import adjusted_rand_score
from sklearn.neighbors import NearestNeighbors

from scratch.dbscan import (
    DBSCAN,
    brute_neighbor_pairs,
    choose_algorithm,
    cluster_labels,
    connected_components,
    grid_neighbor_pairs,
    k_distances,
    tree_neighbor_pairs,
)


def with_background(X, n_noise, seed):
    """X plus ``n_noise`` points drawn uniformly over its bounding box."""
    rng = np.random.default_rng(seed)
    noise = rng.uniform(
        X.min(axis=0), X.max(axis=0), size=(n_noise, X.shape[1])
    )
    return np.vstack([X, noise])


@pytest.fixture(scope="module")
def moons():
    X, _ = make_moons(n_samples=1500, noise=0.07, random_state=0)
    return with_background(X, 150, seed=1)


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(
        n_samples=1500, centers=5, cluster_std=0.8, random_state=4
    )
    return with_background(X, 150, seed=2)


def pair_set(rows, cols):
    """Unordered pairs as a set of (small, large) tuples."""
    return set(
        zip(np.minimum(rows, cols).tolist(), np.maximum(rows, cols).tolist())
    )


def brute_force_pairs(X, eps, ord=2):
    """Pairs within eps from the full distance matrix (small X only)."""
    distances = np.linalg.norm(X[:, None, :] - X[None, :, :], ord=ord, axis=2)
    rows, cols = np.nonzero(np.triu(distances <= eps, k=1))
    return pair_set(rows, cols)


# --- agreement with scikit-learn -----------------------------------------


@pytest.mark.parametrize(
    "data, eps, min_samples",
    [
        ("moons", 0.08, 10),
        ("moons", 0.05, 5),
        ("moons", 0.12, 25),
        ("blobs", 0.5, 10),
        ("blobs", 0.3, 4),
        ("blobs", 0.8, 30),
    ],
)
def test_eq_dbscan_core_and_labels_identical_to_sklearn(
    data, eps, min_samples, request
):
    X = request.getfixturevalue(data)
    ours = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    theirs = SkDBSCAN(eps=eps, min_samples=min_samples).fit(X)
    np.testing.assert_array_equal(
        ours.core_sample_indices_, theirs.core_sample_indices_
    )
    np.testing.assert_array_equal(ours.labels_ == -1, theirs.labels_ == -1)
    # same border rule and same cluster numbering: identical labels
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    assert adjusted_rand_score(ours.labels_, theirs.labels_) == 1.0
    np.testing.assert_array_equal(ours.components_, theirs.components_)
    assert ours.labels_.max() >= 1  # the case is not trivial
    assert np.any(ours.labels_ == -1)


@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev"])
@pytest.mark.parametrize("algorithm", ["grid", "kd_tree", "brute", "auto"])
def test_every_metric_and_algorithm_matches_sklearn(moons, metric, algorithm):
    ours = DBSCAN(
        eps=0.07, min_samples=8, metric=metric, algorithm=algorithm
    ).fit(moons)
    theirs = SkDBSCAN(eps=0.07, min_samples=8, metric=metric).fit(moons)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


@pytest.mark.parametrize(
    "n_features, algorithm",
    [
        (1, "grid"),
        (3, "grid"),
        (3, "brute"),
        (3, "kd_tree"),
        (5, "kd_tree"),
        (6, "auto"),
        (9, "auto"),
        (9, "kd_tree"),
    ],
)
def test_other_dimensions_match_sklearn(n_features, algorithm):
    X, _ = make_blobs(
        n_samples=800,
        centers=4,
        n_features=n_features,
        cluster_std=1.0,
        random_state=n_features,
    )
    X = with_background(X, 80, seed=n_features)
    eps = 0.3 * np.sqrt(n_features)
    ours = DBSCAN(eps=eps, min_samples=6, algorithm=algorithm).fit(X)
    theirs = SkDBSCAN(eps=eps, min_samples=6).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(
        ours.core_sample_indices_, theirs.core_sample_indices_
    )


@pytest.mark.parametrize("seed", range(8))
def test_integer_data_with_exact_ties_at_eps_matches_sklearn(seed):
    # integer coordinates make many distances exactly eps: the boundary
    # rule "distance <= eps" is exercised, not just assumed
    rng = np.random.default_rng(seed)
    X = rng.integers(0, 12, size=(150, 2)).astype(float)
    for eps in (1.0, 2.0, np.sqrt(2.0), 2.5):
        for min_samples in (1, 2, 3, 5, 8):
            for algorithm in ("grid", "kd_tree", "brute"):
                ours = DBSCAN(
                    eps=eps, min_samples=min_samples, algorithm=algorithm
                ).fit(X)
                theirs = SkDBSCAN(
                    eps=eps, min_samples=min_samples, algorithm="brute"
                ).fit(X)
                np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_far_from_the_origin_the_exact_distances_still_decide(moons):
    # at 1e7 the expansion ||x||^2 - 2x.y + ||y||^2 alone would be off by
    # more than eps^2; candidates are confirmed from exact differences
    X = moons + 1e7
    theirs = SkDBSCAN(eps=0.07, min_samples=8).fit(X)
    for algorithm in ("grid", "kd_tree", "brute"):
        ours = DBSCAN(eps=0.07, min_samples=8, algorithm=algorithm).fit(X)
        np.testing.assert_array_equal(ours.labels_, theirs.labels_)


# --- the radius query ----------------------------------------------------


@pytest.mark.parametrize(
    "ord, metric", [(2, "euclidean"), (1, "manhattan"), (np.inf, "chebyshev")]
)
def test_eq_dbscan_neighbourhood_pairs_equal_brute_force(ord, metric):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2))
    X[:40] = X[40:80]  # duplicates: pairs at distance zero
    expected = brute_force_pairs(X, 0.3, ord=ord)
    for rows, cols in (
        grid_neighbor_pairs(X, 0.3, metric),
        tree_neighbor_pairs(X, 0.3, metric),
        brute_neighbor_pairs(X, 0.3, metric),
    ):
        assert len(rows) == len(expected)  # each pair exactly once
        assert pair_set(rows, cols) == expected


def test_eq_dbscan_grid_cell_pairs_in_small_chunks_are_the_same():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(500, 3))
    whole = pair_set(*grid_neighbor_pairs(X, 0.5))
    assert pair_set(*grid_neighbor_pairs(X, 0.5, max_pairs=37)) == whole
    assert pair_set(*brute_neighbor_pairs(X, 0.5, max_floats=999)) == whole


def test_queries_never_hold_a_full_distance_matrix():
    # 3,000 samples: an n x n float matrix would take 72 MB
    rng = np.random.default_rng(2)
    X = rng.normal(size=(3000, 2))
    full_matrix = 8 * len(X) ** 2
    tracemalloc.start()
    try:
        brute_neighbor_pairs(X, 0.05, max_floats=2**16)
        brute_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        grid_neighbor_pairs(X, 0.05)
        grid_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert brute_peak < full_matrix / 10
    assert grid_peak < full_matrix / 10


def test_eq_dbscan_neighbourhood_counts_the_sample_itself():
    # a 10 x 10 lattice with eps = 1: an interior point has itself and
    # its four neighbours at distance exactly 1, an edge point four, a
    # corner three
    X = np.array([(a, b) for a in range(10) for b in range(10)], float)
    model = DBSCAN(eps=1.0, min_samples=5).fit(X)
    interior = (X.min(axis=1) > 0) & (X.max(axis=1) < 9)
    np.testing.assert_array_equal(
        model.core_sample_indices_, np.flatnonzero(interior)
    )
    # edge points touch an interior point: border; a corner touches only
    # edge points: noise
    corner = np.all((X == 0) | (X == 9), axis=1)
    np.testing.assert_array_equal(model.labels_, np.where(corner, -1, 0))
    theirs = SkDBSCAN(eps=1.0, min_samples=5).fit(X)
    np.testing.assert_array_equal(model.labels_, theirs.labels_)


def test_eq_dbscan_k_distance_decides_core_points(moons):
    for min_samples in (1, 4, 10):
        distances = k_distances(moons, min_samples)
        expected = (
            NearestNeighbors(n_neighbors=min_samples)
            .fit(moons)
            .kneighbors(moons)[0][:, -1]
        )
        np.testing.assert_allclose(distances, expected, rtol=1e-12, atol=1e-12)
        model = DBSCAN(eps=0.06, min_samples=min_samples).fit(moons)
        np.testing.assert_array_equal(
            model.core_sample_indices_, np.flatnonzero(distances <= 0.06)
        )


def test_k_distances_of_duplicates_are_zero():
    X = np.repeat(np.array([[0.0, 0.0], [5.0, 5.0]]), 4, axis=0)
    np.testing.assert_array_equal(k_distances(X, 4), np.zeros(8))
    np.testing.assert_allclose(k_distances(X, 5), np.full(8, np.sqrt(50)))


@pytest.mark.parametrize("n_features", [2, 4])
def test_eq_dbscan_k_distance_with_the_tree_matches_sklearn(n_features):
    # 2 features and 3,000 samples: the k-NN rule picks the tree; 4: brute
    X = np.random.default_rng(6).normal(size=(3000, n_features))
    X[:300] = X[300:600]  # duplicates
    expected, _ = NearestNeighbors(n_neighbors=10).fit(X).kneighbors(X)
    np.testing.assert_allclose(
        k_distances(X, 10), expected[:, -1], rtol=1e-12, atol=1e-12
    )


# --- the graph and the labels --------------------------------------------


def test_eq_dbscan_core_graph_components_agree_with_scipy():
    rng = np.random.default_rng(3)
    n = 2000
    rows = rng.integers(0, n, size=1500)
    cols = rng.integers(0, n, size=1500)
    root = connected_components(n, rows, cols)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    n_theirs, theirs = sp_components(graph, directed=False)
    assert adjusted_rand_score(root, theirs) == 1.0
    assert len(np.unique(root)) == n_theirs
    # each root is the smallest vertex of its component
    for label in range(0, n_theirs, 97):
        members = np.flatnonzero(theirs == label)
        assert np.all(root[members] == members.min())


def test_connected_components_of_a_long_path():
    # a path 0 - 1 - ... - n-1 given in shuffled order: one component
    n = 5000
    rng = np.random.default_rng(0)
    perm = rng.permutation(n - 1)
    root = connected_components(n, perm, perm + 1)
    assert np.all(root == 0)


def test_eq_dbscan_border_rule_gives_the_smallest_label():
    # two dense groups on a line with one sample, index 10, between them,
    # within eps of a core point of each but not a core point itself
    left = np.linspace(0.0, 1.0, 5)
    right = np.linspace(3.0, 4.0, 5)
    X = np.r_[right, left, 2.0][:, None]
    model = DBSCAN(eps=1.0, min_samples=4).fit(X)
    theirs = SkDBSCAN(eps=1.0, min_samples=4).fit(X)
    np.testing.assert_array_equal(model.labels_, theirs.labels_)
    assert 10 not in model.core_sample_indices_
    # it joins the group listed first, here the right one (samples 0-4)
    assert model.labels_[10] == model.labels_[0] != model.labels_[5]
    # listed the other way round, it joins the left group (now 0-4)
    flipped = DBSCAN(eps=1.0, min_samples=4).fit(
        np.r_[left, right, 2.0][:, None]
    )
    assert flipped.labels_[10] == flipped.labels_[0] != flipped.labels_[5]


def test_eq_dbscan_cluster_core_and_noise_do_not_depend_on_order(moons):
    rng = np.random.default_rng(5)
    perm = rng.permutation(len(moons))
    first = DBSCAN(eps=0.08, min_samples=10).fit(moons)
    second = DBSCAN(eps=0.08, min_samples=10).fit(moons[perm])
    core = np.zeros(len(moons), bool)
    core[first.core_sample_indices_] = True
    core_permuted = np.zeros(len(moons), bool)
    core_permuted[second.core_sample_indices_] = True
    np.testing.assert_array_equal(core[perm], core_permuted)
    np.testing.assert_array_equal(
        first.labels_[perm] == -1, second.labels_ == -1
    )
    # the core points form the same clusters, up to their names
    assert (
        adjusted_rand_score(
            first.labels_[perm][core_permuted], second.labels_[core_permuted]
        )
        == 1.0
    )


def test_eq_dbscan_cluster_labels_from_hand_made_pairs():
    # cores 0-1-2 and 4-5 form two components; 3 touches both, 6 touches
    # none; 3 takes the smaller label
    is_core = np.array([1, 1, 1, 0, 1, 1, 0], bool)
    rows = np.array([0, 1, 2, 3, 5])
    cols = np.array([1, 2, 3, 4, 4])
    labels = cluster_labels(is_core, rows, cols)
    np.testing.assert_array_equal(labels, [0, 0, 0, 0, 1, 1, -1])


def test_min_samples_one_is_single_linkage_at_eps(blobs):
    ours = DBSCAN(eps=0.2, min_samples=1).fit(blobs)
    assert np.all(ours.labels_ >= 0)  # every sample is a core point
    assert len(ours.core_sample_indices_) == len(blobs)
    theirs = SkDBSCAN(eps=0.2, min_samples=1).fit(blobs)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_min_samples_two_leaves_no_border_points(blobs):
    model = DBSCAN(eps=0.2, min_samples=2).fit(blobs)
    core = np.zeros(len(blobs), bool)
    core[model.core_sample_indices_] = True
    np.testing.assert_array_equal(core, model.labels_ >= 0)


# --- edge cases ----------------------------------------------------------


def test_every_sample_noise():
    X = np.arange(20.0).reshape(10, 2) * 10
    model = DBSCAN(eps=1.0, min_samples=2).fit(X)
    np.testing.assert_array_equal(model.labels_, np.full(10, -1))
    assert model.core_sample_indices_.shape == (0,)
    assert model.core_sample_indices_.dtype.kind == "i"
    assert model.components_.shape == (0, 2)


def test_one_cluster_when_eps_covers_everything(blobs):
    model = DBSCAN(eps=100.0, min_samples=5).fit(blobs)
    np.testing.assert_array_equal(model.labels_, np.zeros(len(blobs)))
    assert len(model.core_sample_indices_) == len(blobs)


@pytest.mark.parametrize("algorithm", ["grid", "kd_tree", "brute"])
def test_duplicate_points_are_core_points(algorithm):
    X = np.vstack([np.zeros((30, 2)), [[5.0, 5.0]]])
    model = DBSCAN(eps=0.5, min_samples=30, algorithm=algorithm).fit(X)
    np.testing.assert_array_equal(model.core_sample_indices_, np.arange(30))
    np.testing.assert_array_equal(model.labels_, [0] * 30 + [-1])
    # one more than there are copies: all noise
    model = DBSCAN(eps=0.5, min_samples=31, algorithm=algorithm).fit(X)
    assert np.all(model.labels_ == -1)


def test_a_single_sample():
    model = DBSCAN(min_samples=1).fit([[1.0, 2.0]])
    np.testing.assert_array_equal(model.labels_, [0])
    model = DBSCAN(min_samples=2).fit([[1.0, 2.0]])
    np.testing.assert_array_equal(model.labels_, [-1])


def test_all_samples_identical_in_one_feature():
    X = np.c_[np.zeros(50), np.linspace(0, 1, 50)]
    ours = DBSCAN(eps=0.05, min_samples=3).fit(X)
    theirs = SkDBSCAN(eps=0.05, min_samples=3).fit(X)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_tiny_eps_on_spread_data_falls_back_from_the_grid():
    X = np.array([[0.0, 0.0], [1e-12, 0.0], [1e12, 1e12], [-1e12, 3.0]])
    model = DBSCAN(eps=1e-11, min_samples=2).fit(X)
    np.testing.assert_array_equal(model.labels_, [0, 0, -1, -1])
    with pytest.raises(ValueError, match="algorithm='kd_tree' or 'brute'"):
        DBSCAN(eps=1e-11, min_samples=2, algorithm="grid").fit(X)


# --- the estimator contract and bad input ---------------------------------


def test_fit_returns_self_and_fit_predict_gives_labels(moons):
    model = DBSCAN(eps=0.08, min_samples=10)
    assert model.fit(moons, y=np.zeros(len(moons))) is model
    np.testing.assert_array_equal(model.fit_predict(moons), model.labels_)
    assert model.n_features_in_ == 2
    assert model.labels_.dtype == np.intp
    params = (model.eps, model.min_samples, model.metric, model.algorithm)
    assert params == (0.08, 10, "euclidean", "auto")


def test_fit_accepts_lists_and_integers():
    X = [[0, 0], [0, 1], [1, 0], [10, 10]]
    model = DBSCAN(eps=1, min_samples=3).fit(X)
    np.testing.assert_array_equal(model.labels_, [0, 0, 0, -1])


@pytest.mark.parametrize(
    "X, error, message",
    [
        ([[1.0, np.nan], [2.0, 3.0]], ValueError, "NaN"),
        ([[1.0, np.inf], [2.0, 3.0]], ValueError, "infinity"),
        ([1.0, 2.0, 3.0], ValueError, "2-D"),
        (np.ones((2, 2, 2)), ValueError, "2-D"),
        (np.empty((0, 2)), ValueError, "0 sample"),
        (np.empty((3, 0)), ValueError, "no features"),
        ([["a", "b"], ["c", "d"]], TypeError, "numbers"),
    ],
)
def test_bad_input_raises_a_clear_error(X, error, message):
    with pytest.raises(error, match=message):
        DBSCAN().fit(X)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"eps": 0.0}, ValueError, "eps"),
        ({"eps": -0.5}, ValueError, "eps"),
        ({"eps": np.nan}, ValueError, "eps"),
        ({"eps": np.inf}, ValueError, "eps"),
        ({"eps": "0.5"}, TypeError, "eps"),
        ({"min_samples": 0}, ValueError, "min_samples"),
        ({"min_samples": -3}, ValueError, "min_samples"),
        ({"min_samples": 2.5}, TypeError, "min_samples"),
        ({"min_samples": 5.0}, TypeError, "min_samples"),
        ({"min_samples": True}, TypeError, "min_samples"),
        ({"metric": "cosine"}, ValueError, "metric"),
        ({"algorithm": "ball_tree"}, ValueError, "algorithm"),
    ],
)
def test_invalid_hyper_parameters_raise(moons, params, error, message):
    with pytest.raises(error, match=message):
        DBSCAN(**params).fit(moons)


@pytest.mark.parametrize("k", [0, 11, 2.0])
def test_k_distances_rejects_a_bad_k(k):
    with pytest.raises((ValueError, TypeError), match="k must"):
        k_distances(np.ones((10, 2)), k)


@pytest.mark.parametrize("algorithm", ["grid", "kd_tree", "brute"])
def test_data_near_the_float_maximum_is_a_clear_error(algorithm):
    X = np.random.default_rng(0).normal(size=(30, 2)) * 1e307
    with pytest.raises(ValueError, match="overflow"):
        DBSCAN(eps=1e307, algorithm=algorithm).fit(X)


@pytest.mark.parametrize("n_features", [2, 4, 6])
def test_eq_dbscan_neighbourhood_tree_pairs_equal_brute_force(n_features):
    # integer grid: many pairs at exactly eps, and duplicates at zero
    rng = np.random.default_rng(n_features)
    X = rng.integers(0, 5, size=(400, n_features)).astype(float)
    for eps in (1.0, 2.0):
        expected = pair_set(*brute_neighbor_pairs(X, eps))
        rows, cols = tree_neighbor_pairs(X, eps)
        assert np.all(rows < cols)
        assert len(rows) == len(expected)
        assert pair_set(rows, cols) == expected


@pytest.mark.parametrize(
    "n_samples, n_features, expected",
    [
        (10**6, 2, "grid"),
        (10, 3, "grid"),
        (512 * 2**4, 4, "kd_tree"),
        (512 * 2**4 - 1, 4, "brute"),
        (512 * 2**6, 6, "kd_tree"),
        (20_000, 6, "brute"),
    ],
)
def test_auto_picks_the_query_by_the_size_of_the_data(
    n_samples, n_features, expected
):
    assert choose_algorithm("auto", n_samples, n_features) == expected
    assert choose_algorithm("brute", n_samples, n_features) == "brute"
