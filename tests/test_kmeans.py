"""Tests for scratch.kmeans, against scikit-learn and the chapter's claims
(book/unsupervised/kmeans.md)."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from scratch.kmeans import (
    KMeans,
    assign_labels,
    kmeans_plusplus,
    update_centers,
)
from scratch.validation import NotFittedError


@pytest.fixture(scope="module")
def blobs():
    X, _ = make_blobs(
        n_samples=600, centers=5, n_features=4, cluster_std=2.5, random_state=3
    )
    return X


def test_same_start_reaches_sklearns_centres_and_inertia(blobs):
    start = blobs[np.random.default_rng(0).choice(len(blobs), 5, False)]
    ours = KMeans(n_clusters=5, init=start, tol=0.0).fit(blobs)
    theirs = SkKMeans(
        n_clusters=5, init=start, n_init=1, tol=0.0, algorithm="lloyd"
    ).fit(blobs)
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-9
    )
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-9)
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)


def test_same_start_with_default_tol_matches_sklearn(blobs):
    start = blobs[:5]
    ours = KMeans(n_clusters=5, init=start).fit(blobs)
    theirs = SkKMeans(n_clusters=5, init=start, n_init=1).fit(blobs)
    np.testing.assert_allclose(
        ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-9
    )
    np.testing.assert_allclose(ours.inertia_, theirs.inertia_, rtol=1e-9)


def test_kmeanspp_reaches_an_inertia_as_low_as_sklearns(blobs):
    ours = KMeans(n_clusters=5, n_init=5, random_state=0).fit(blobs)
    theirs = SkKMeans(n_clusters=5, n_init=5, random_state=0).fit(blobs)
    assert ours.inertia_ <= theirs.inertia_ * (1 + 1e-6)
    assert adjusted_rand_score(ours.labels_, theirs.labels_) > 0.99


def test_eq_kmeans_objective_never_rises_between_iterations(blobs):
    start = blobs[-8:]
    inertias = [
        KMeans(n_clusters=8, init=start, max_iter=t, tol=0.0)
        .fit(blobs)
        .inertia_
        for t in range(1, 25)
    ]
    assert np.all(np.diff(inertias) <= 1e-9 * inertias[0])
    assert inertias[-1] < inertias[0]


def test_eq_kmeans_assign_and_update_each_lower_the_objective(blobs):
    rng = np.random.default_rng(5)
    centers = blobs[rng.choice(len(blobs), 6, replace=False)]
    labels, nearest_sq = assign_labels(blobs, centers)
    for _ in range(10):
        new_centers = update_centers(blobs, labels, nearest_sq, 6)
        # the update step, with the labels held fixed
        before = np.sum((blobs - centers[labels]) ** 2)
        after = np.sum((blobs - new_centers[labels]) ** 2)
        assert after <= before + 1e-9
        # the assignment step, with the centres held fixed
        labels, nearest_sq = assign_labels(blobs, new_centers)
        assert nearest_sq.sum() <= after + 1e-9
        centers = new_centers


def test_eq_kmeans_assign_gives_the_nearest_centre_by_brute_force(blobs):
    centers = blobs[:7]
    labels, nearest_sq = assign_labels(blobs, centers)
    brute = ((blobs[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2)
    np.testing.assert_array_equal(labels, brute.argmin(axis=1))
    np.testing.assert_allclose(
        nearest_sq, brute.min(axis=1), rtol=1e-9, atol=1e-9
    )


def test_eq_kmeans_update_is_the_cluster_mean(blobs):
    labels = np.arange(len(blobs)) % 4
    centers = update_centers(blobs, labels, np.zeros(len(blobs)), 4)
    for k in range(4):
        np.testing.assert_allclose(centers[k], blobs[labels == k].mean(0))


def test_empty_cluster_takes_the_farthest_sample():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    labels = np.array([0, 0, 0, 0])
    nearest_sq = (X[:, 0] - 3.25) ** 2
    centers = update_centers(X, labels, nearest_sq, 2)
    np.testing.assert_allclose(centers, [[1.0], [10.0]])


def test_empty_cluster_during_fit_gives_finite_centres():
    X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    start = np.array([[0.0, 0.0], [5.0, 5.0], [100.0, 100.0]])
    model = KMeans(n_clusters=3, init=start).fit(X)
    assert np.all(np.isfinite(model.cluster_centers_))
    assert len(np.unique(model.labels_)) == 3


def test_eq_kmeanspp_sampling_picks_distinct_points_of_the_data(blobs):
    rng = np.random.default_rng(0)
    centers = kmeans_plusplus(blobs, 5, rng, n_local_trials=1)
    distances = ((centers[:, None] - blobs[None]) ** 2).sum(-1)
    assert np.all(distances.min(axis=1) == 0.0)
    assert len(np.unique(centers, axis=0)) == 5


def test_eq_kmeanspp_sampling_follows_d_squared():
    # three points; the first centre is at 0: the next is drawn with
    # probability proportional to D^2 = (0, 1, 9) for points (0, 1, 3).
    X = np.array([[0.0], [1.0], [3.0]])
    counts = np.zeros(3)
    rng = np.random.default_rng(0)
    for _ in range(4000):
        centers = kmeans_plusplus(X[[0, 1, 2]], 2, rng, n_local_trials=1)
        if centers[0, 0] == 0.0:
            counts[int(np.flatnonzero(X[:, 0] == centers[1, 0])[0])] += 1
    frequencies = counts / counts.sum()
    np.testing.assert_allclose(frequencies, [0.0, 0.1, 0.9], atol=0.03)


def test_kmeanspp_handles_fewer_distinct_points_than_clusters():
    X = np.zeros((10, 2))
    X[5:] = 1.0
    model = KMeans(n_clusters=3, random_state=0).fit(X)
    assert np.all(np.isfinite(model.cluster_centers_))
    assert model.inertia_ == 0.0


def test_predict_transform_and_score_agree_with_sklearn(blobs):
    start = blobs[:5]
    ours = KMeans(n_clusters=5, init=start).fit(blobs)
    theirs = SkKMeans(n_clusters=5, init=start, n_init=1).fit(blobs)
    new = blobs[::7] + 0.3
    np.testing.assert_array_equal(ours.predict(new), theirs.predict(new))
    np.testing.assert_allclose(
        ours.transform(new), theirs.transform(new), rtol=1e-9
    )
    np.testing.assert_allclose(ours.score(new), theirs.score(new), rtol=1e-9)


def test_chunked_distances_match_one_block(blobs):
    big = np.tile(blobs, (2000, 1))  # 1.2 million rows: several chunks
    centers = blobs[:5]
    labels, _ = assign_labels(big, centers)
    np.testing.assert_array_equal(
        labels[:600], assign_labels(blobs, centers)[0]
    )
    np.testing.assert_array_equal(labels[-600:], labels[:600])


def test_same_random_state_gives_the_same_model(blobs):
    first = KMeans(n_clusters=4, random_state=7).fit(blobs)
    second = KMeans(n_clusters=4, random_state=7).fit(blobs)
    np.testing.assert_array_equal(
        first.cluster_centers_, second.cluster_centers_
    )
    rng_model = KMeans(
        n_clusters=4, init="random", random_state=np.random.default_rng(7)
    ).fit(blobs)
    assert rng_model.n_iter_ >= 1


@pytest.mark.parametrize(
    "X, error, message",
    [
        ([[1.0, np.nan], [2.0, 3.0]], ValueError, "NaN"),
        ([1.0, 2.0, 3.0], ValueError, "2-D"),
        (np.ones((2, 2, 2)), ValueError, "2-D"),
        ([["a", "b"], ["c", "d"]], TypeError, "numbers"),
        (np.ones((3, 2)), ValueError, "n_clusters=8"),
    ],
)
def test_bad_input_raises_a_clear_error(X, error, message):
    with pytest.raises(error, match=message):
        KMeans().fit(X)


@pytest.mark.parametrize(
    "params, error, message",
    [
        ({"n_clusters": 0}, ValueError, "n_clusters"),
        ({"n_clusters": 2.0}, TypeError, "n_clusters"),
        ({"init": "kmeans"}, ValueError, "init"),
        ({"init": np.zeros((3, 2))}, ValueError, "init has shape"),
        ({"n_init": 0}, ValueError, "n_init"),
        ({"max_iter": -1}, ValueError, "max_iter"),
        ({"tol": -1e-3}, ValueError, "tol"),
        ({"random_state": "seed"}, TypeError, "random_state"),
    ],
)
def test_invalid_hyper_parameters_raise(blobs, params, error, message):
    params = {"n_clusters": 2, **params}
    with pytest.raises(error, match=message):
        KMeans(**params).fit(blobs)


def test_predict_before_fit_raises():
    with pytest.raises(NotFittedError, match="not fitted"):
        KMeans().predict(np.ones((2, 2)))


def test_predict_with_a_different_feature_count_raises(blobs):
    model = KMeans(n_clusters=3, random_state=0).fit(blobs)
    with pytest.raises(ValueError, match="4 features"):
        model.transform(blobs[:, :2])


def test_data_near_the_float_maximum_is_a_clear_error():
    X = np.random.default_rng(0).normal(size=(30, 2))
    with pytest.raises(ValueError, match="overflow"):
        KMeans(n_clusters=2).fit(X * 1e307)
    model = KMeans(n_clusters=2, random_state=0).fit(X)
    for method in (model.predict, model.transform, model.score):
        with pytest.raises(ValueError, match="overflow"):
            method(X * 1e307)
