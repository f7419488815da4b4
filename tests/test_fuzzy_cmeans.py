"""Tests for scratch.fuzzy_cmeans, against closed forms, invariants and
scikit-learn's k-means (book/unsupervised/fuzzy_cmeans.md)."""

import tracemalloc

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from scratch.fuzzy_cmeans import (
    FuzzyCMeans,
    memberships,
    objective,
    update_centers,
)
from scratch.validation import NotFittedError


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(
        n_samples=500, centers=4, n_features=3, cluster_std=2.0, random_state=7
    )
    return X


def naive_sq_distances(X, centers):
    """(n, k) squared distances by broadcasting: the independent
    reference for the tests, fine at test sizes."""
    return ((X[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)


def naive_objective(X, centers, membership, m):
    return np.sum(membership**m * naive_sq_distances(X, centers))


@pytest.mark.parametrize("m", [1.1, 1.5, 2.0, 3.0, 10.0])
def test_memberships_are_on_the_simplex(blobs, m):
    model = FuzzyCMeans(n_clusters=4, m=m, random_state=0).fit(blobs)
    np.testing.assert_allclose(model.membership_.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(model.membership_ >= 0.0)
    proba = model.predict_proba(blobs[:50] + 0.3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("m", [1.05, 1.5, 2.0, 4.0])
def test_eq_fcm_membership_matches_the_closed_form(blobs, m):
    rng = np.random.default_rng(1)
    centers = rng.normal(size=(5, 3)) * 5
    d = np.sqrt(naive_sq_distances(blobs, centers))
    # u_ik = 1 / sum_j (d_ik / d_ij)^(2 / (m - 1)), written out naively
    ratio = (d[:, :, None] / d[:, None, :]) ** (2.0 / (m - 1.0))
    expected = 1.0 / ratio.sum(axis=2)
    got = memberships(naive_sq_distances(blobs, centers), m)
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-300)


@pytest.mark.parametrize("m", [1.3, 2.0, 3.0])
def test_objective_history_never_increases(blobs, m):
    model = FuzzyCMeans(
        n_clusters=4, m=m, init="random", tol=0.0, max_iter=60, random_state=3
    ).fit(blobs)
    history = model.objective_
    assert history.shape == (model.n_iter_ + 1,)
    assert np.all(np.diff(history) <= 1e-10 * history[0])
    assert history[-1] < history[0]


def test_last_objective_is_eq_fcm_objective_of_the_fitted_state(blobs):
    model = FuzzyCMeans(n_clusters=4, random_state=0).fit(blobs)
    expected = naive_objective(
        blobs, model.cluster_centers_, model.membership_, model.m
    )
    np.testing.assert_allclose(model.objective_[-1], expected, rtol=1e-9)


def test_fitted_memberships_are_the_update_of_the_fitted_centres(blobs):
    model = FuzzyCMeans(n_clusters=4, random_state=0).fit(blobs)
    np.testing.assert_allclose(
        model.predict_proba(blobs), model.membership_, atol=1e-10
    )


@pytest.mark.parametrize("m", [1.2, 2.0, 3.5])
def test_eq_fcm_centers_is_the_minimiser_for_fixed_memberships(blobs, m):
    rng = np.random.default_rng(2)
    membership = rng.dirichlet(np.ones(4), size=len(blobs))
    centers = update_centers(blobs, membership, m)
    best = naive_objective(blobs, centers, membership, m)
    for _ in range(50):
        moved = centers + rng.normal(scale=0.05, size=centers.shape)
        assert naive_objective(blobs, moved, membership, m) >= best
    # and the gradient, 2 sum_i u_ik^m (c_k - x_i), vanishes there
    weights = membership**m
    gradient = 2 * (weights.sum(0)[:, None] * centers - weights.T @ blobs)
    np.testing.assert_allclose(gradient, 0.0, atol=1e-8)


@pytest.mark.parametrize("m", [1.2, 2.0, 3.5])
def test_eq_fcm_membership_is_the_minimiser_on_the_simplex(blobs, m):
    rng = np.random.default_rng(4)
    centers = blobs[rng.choice(len(blobs), 4, replace=False)] + 0.1
    sq_dist = naive_sq_distances(blobs, centers)
    membership = memberships(sq_dist, m)
    best = objective(sq_dist, membership, m)
    for _ in range(50):
        other = rng.dirichlet(np.ones(4), size=len(blobs))
        step = rng.uniform(0.0, 0.05)
        moved = (1 - step) * membership + step * other  # stays on simplex
        assert objective(sq_dist, moved, m) >= best
        assert objective(sq_dist, other, m) >= best


def test_hardened_labels_agree_with_kmeans_on_separated_blobs():
    X, truth = make_blobs(
        n_samples=600,
        centers=5,
        n_features=2,
        cluster_std=0.6,
        center_box=(-20, 20),
        random_state=11,
    )
    ours = FuzzyCMeans(n_clusters=5, random_state=0).fit(X)
    theirs = SkKMeans(n_clusters=5, n_init=10, random_state=0).fit(X)
    assert adjusted_rand_score(ours.labels_, theirs.labels_) == 1.0
    assert adjusted_rand_score(ours.labels_, truth) == 1.0


def test_m_close_to_one_recovers_kmeans(blobs):
    start = blobs[:4]
    ours = FuzzyCMeans(
        n_clusters=4, m=1.001, init=start, tol=0.0, max_iter=100
    ).fit(blobs)
    theirs = SkKMeans(
        n_clusters=4, init=start, n_init=1, tol=0.0, algorithm="lloyd"
    ).fit(blobs)
    assert np.all(ours.membership_.max(axis=1) > 0.999)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, atol=1e-6
    )


def test_larger_m_pushes_memberships_towards_uniform(blobs):
    largest = [
        FuzzyCMeans(n_clusters=4, m=m, random_state=0)
        .fit(blobs)
        .membership_.max(axis=1)
        .mean()
        for m in (1.2, 1.5, 2.0, 4.0, 20.0)
    ]
    assert np.all(np.diff(largest) < 0)
    model = FuzzyCMeans(n_clusters=4, m=20.0, random_state=0).fit(blobs)
    np.testing.assert_allclose(model.membership_, 0.25, atol=0.1)


def test_point_on_a_centre_belongs_to_it_fully():
    sq_dist = np.array([[0.0, 4.0, 9.0], [1.0, 1.0, 4.0], [0.0, 0.0, 1.0]])
    u = memberships(sq_dist, 2.0)
    np.testing.assert_array_equal(u[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(u[2], [0.5, 0.5, 0.0])
    assert not np.isnan(u).any()
    model = FuzzyCMeans(n_clusters=2, random_state=0).fit(
        [[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]]
    )
    proba = model.predict_proba(model.cluster_centers_)
    np.testing.assert_allclose(proba, np.eye(2), atol=1e-12)


def test_memberships_stay_finite_for_m_near_one_and_far_points():
    sq_dist = np.array([[1e-300, 1e300, 1.0], [1e10, 1e10 + 1, 5e10]])
    u = memberships(sq_dist, 1.0 + 1e-9)
    assert np.all(np.isfinite(u))
    np.testing.assert_allclose(u.sum(axis=1), 1.0)
    assert u[0, 0] == 1.0


def test_duplicate_points_give_hard_memberships_and_zero_objective():
    X = np.repeat([[0.0, 0.0], [3.0, 1.0], [-2.0, 4.0]], 20, axis=0)
    model = FuzzyCMeans(n_clusters=3, random_state=0).fit(X)
    assert not np.isnan(model.membership_).any()
    np.testing.assert_allclose(model.membership_.max(axis=1), 1.0)
    assert model.objective_[-1] < 1e-12
    assert adjusted_rand_score(model.labels_, np.repeat([0, 1, 2], 20)) == 1.0


def test_more_clusters_than_distinct_points_splits_memberships():
    X = np.repeat([[0.0, 0.0], [3.0, 1.0]], 10, axis=0)
    model = FuzzyCMeans(n_clusters=3, random_state=0).fit(X)
    assert np.all(np.isfinite(model.membership_))
    np.testing.assert_allclose(model.membership_.sum(axis=1), 1.0)


def test_one_cluster_is_the_mean_with_full_membership(blobs):
    model = FuzzyCMeans(n_clusters=1).fit(blobs)
    np.testing.assert_allclose(
        model.cluster_centers_[0], blobs.mean(axis=0), atol=1e-10
    )
    np.testing.assert_array_equal(model.membership_, 1.0)
    np.testing.assert_array_equal(model.labels_, 0)


def test_attributes_shapes_and_fit_predict(blobs):
    model = FuzzyCMeans(n_clusters=4, random_state=0)
    labels = model.fit_predict(blobs)
    assert model.cluster_centers_.shape == (4, 3)
    assert model.membership_.shape == (500, 4)
    assert model.n_features_in_ == 3
    np.testing.assert_array_equal(labels, model.labels_)
    np.testing.assert_array_equal(model.predict(blobs), model.labels_)
    assert model.fit(blobs, np.zeros(500)) is model


def test_same_random_state_gives_the_same_model(blobs):
    for init in ("k-means++", "random"):
        a = FuzzyCMeans(n_clusters=4, init=init, random_state=5).fit(blobs)
        b = FuzzyCMeans(n_clusters=4, init=init, random_state=5).fit(blobs)
        np.testing.assert_array_equal(a.cluster_centers_, b.cluster_centers_)
        np.testing.assert_array_equal(a.membership_, b.membership_)
    gen = FuzzyCMeans(n_clusters=4, random_state=np.random.default_rng(5))
    gen.fit(blobs)


def test_hyper_parameters_are_stored_unchanged():
    model = FuzzyCMeans(
        n_clusters=2, m=1.7, max_iter=9, tol=0.5, init="random", random_state=3
    )
    assert (
        model.n_clusters,
        model.m,
        model.max_iter,
        model.tol,
        model.init,
        model.random_state,
    ) == (2, 1.7, 9, 0.5, "random", 3)


@pytest.mark.parametrize("m", [1.0, 0.5, -2.0])
def test_fuzzifier_at_most_one_is_rejected(blobs, m):
    with pytest.raises(ValueError, match="m must be > 1"):
        FuzzyCMeans(m=m).fit(blobs)


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"m": np.inf}, ValueError, "m must be finite"),
        ({"m": "2"}, TypeError, "m must be a number"),
        ({"n_clusters": 0}, ValueError, "n_clusters must be >= 1"),
        ({"n_clusters": 2.5}, TypeError, "n_clusters must be an integer"),
        ({"n_clusters": 501}, ValueError, "should be >= n_clusters"),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"tol": -1.0}, ValueError, "tol must be >= 0"),
        ({"init": "kmeans"}, ValueError, "init must be one of"),
        ({"init": np.zeros((2, 3))}, ValueError, "init has shape"),
        ({"random_state": "seed"}, TypeError, "random_state must be"),
    ],
)
def test_invalid_hyper_parameters_are_rejected(blobs, params, error, match):
    with pytest.raises(error, match=match):
        FuzzyCMeans(n_clusters=params.pop("n_clusters", 3), **params).fit(
            blobs
        )


@pytest.mark.parametrize(
    "X, error, match",
    [
        ([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]], ValueError, "NaN"),
        ([[0.0, np.inf], [1.0, 2.0], [3.0, 4.0]], ValueError, "NaN or inf"),
        ([1.0, 2.0, 3.0], ValueError, "2-D"),
        (np.zeros((2, 2, 2)), ValueError, "2-D"),
        (np.zeros((0, 2)), ValueError, "at least 1"),
        ([["a", "b"], ["c", "d"], ["e", "f"]], TypeError, "numbers"),
    ],
)
def test_bad_training_data_is_rejected(X, error, match):
    with pytest.raises(error, match=match):
        FuzzyCMeans(n_clusters=1).fit(X)


def test_too_few_samples_for_the_clusters_is_rejected():
    with pytest.raises(ValueError, match="should be >= n_clusters"):
        FuzzyCMeans(n_clusters=3).fit([[0.0, 1.0], [1.0, 0.0]])


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError, match="not fitted"):
        FuzzyCMeans().predict([[0.0, 1.0]])
    with pytest.raises(NotFittedError, match="not fitted"):
        FuzzyCMeans().predict_proba([[0.0, 1.0]])


def test_predict_with_a_different_feature_count_raises(blobs):
    model = FuzzyCMeans(n_clusters=2, random_state=0).fit(blobs)
    with pytest.raises(ValueError, match="3 features"):
        model.predict(blobs[:, :2])
    with pytest.raises(ValueError, match="NaN"):
        model.predict_proba([[np.nan, 0.0, 0.0]])


def test_centres_started_on_samples_give_no_nan(blobs):
    model = FuzzyCMeans(n_clusters=4, init=blobs[:4], max_iter=1).fit(blobs)
    assert np.all(np.isfinite(model.membership_))
    assert np.all(np.isfinite(model.objective_))
    # at the start each of those samples belongs fully to its own centre
    start = memberships(naive_sq_distances(blobs[:4], blobs[:4]), 2.0)
    np.testing.assert_array_equal(start, np.eye(4))


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_large_m_start_leaves_no_centre_stuck_on_a_sample(blobs, init):
    model = FuzzyCMeans(n_clusters=4, m=20.0, init=init, random_state=0).fit(
        blobs
    )
    nearest = naive_sq_distances(blobs, model.cluster_centers_).min(axis=0)
    assert np.all(nearest > 1e-6)
    assert model.membership_.max() < 0.9


def test_memory_stays_at_n_by_k_arrays_without_an_n_k_d_temporary():
    # d = 20, K = 5: an (n, K, d) temporary alone would be 5 copies of X
    X = np.random.default_rng(0).normal(size=(20_000, 20))
    tracemalloc.start()
    try:
        FuzzyCMeans(n_clusters=5, max_iter=3, random_state=0).fit(X)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the centred copy of X plus a few (n, K) arrays
    assert peak < 3 * X.nbytes


def test_memberships_are_finite_on_the_simplex_for_any_distances():
    rng = np.random.default_rng(8)
    for _ in range(200):
        n_clusters = rng.integers(1, 7)
        scale = 10.0 ** rng.uniform(-150, 150)
        sq_dist = rng.exponential(size=(20, n_clusters)) * scale
        sq_dist[rng.random(sq_dist.shape) < 0.1] = 0.0  # points on centres
        m = 1.0 + 10.0 ** rng.uniform(-6, 2)
        u = memberships(sq_dist, m)
        assert np.all(np.isfinite(u)) and np.all(u >= 0.0)
        np.testing.assert_allclose(u.sum(axis=1), 1.0, rtol=1e-12)
        # the nearest centre always has the largest membership
        assert np.all(
            sq_dist[np.arange(20), u.argmax(axis=1)] == sq_dist.min(axis=1)
        )


def test_data_near_the_float_maximum_is_a_clear_error():
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(ValueError, match="overflow"):
        FuzzyCMeans(n_clusters=2).fit(X * 1e307)
    model = FuzzyCMeans(n_clusters=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="overflow"):
        model.predict_proba(X * 1e307)
