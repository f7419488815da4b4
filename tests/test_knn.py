"""Tests for scratch.knn, against scikit-learn's brute-force neighbours
and the chapter's claims (book/supervised/knn.md).

Ties. Where two training points are at the same distance from a query,
scikit-learn and we may choose differently, and both are right. The
comparisons therefore ask scikit-learn for k + 1 neighbours and assert
agreement on every query whose k-th and (k+1)-th distances differ (a gap
above rounding); on the digits, whose integer features make ties common,
the test also checks that such queries are a minority.
"""

import numpy as np
import pytest
from sklearn.datasets import load_digits, make_friedman1
from sklearn.neighbors import KNeighborsClassifier as SkClassifier
from sklearn.neighbors import KNeighborsRegressor as SkRegressor
from sklearn.neighbors import NearestNeighbors as SkNeighbors

from scratch.knn import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    distance_weights,
    smallest_k_by_groups,
    smallest_k_indices,
)
from scratch.validation import NotFittedError


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return (
        data.data[:1200],
        data.target[:1200],
        data.data[1200:],
        data.target[1200:],
    )


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(
        n_samples=900, n_features=6, noise=0.5, random_state=0
    )
    return X[:700], y[:700], X[700:], y[700:]


def untied(sk_model, X_query, k):
    """Queries whose k-th and (k+1)-th nearest distances differ."""
    distances, _ = sk_model.kneighbors(X_query, n_neighbors=k + 1)
    return distances[:, k] - distances[:, k - 1] > 1e-9


@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("k", [1, 5, 12])
def test_eq_knn_vote_classifier_matches_sklearn_on_digits(digits, weights, k):
    X, y, X_test, _ = digits
    ours = KNeighborsClassifier(n_neighbors=k, weights=weights).fit(X, y)
    theirs = SkClassifier(
        n_neighbors=k, weights=weights, algorithm="brute"
    ).fit(X, y)
    clear = untied(theirs, X_test, k)
    assert clear.mean() > 0.5
    np.testing.assert_array_equal(
        ours.predict(X_test)[clear], theirs.predict(X_test)[clear]
    )
    np.testing.assert_allclose(
        ours.predict_proba(X_test)[clear],
        theirs.predict_proba(X_test)[clear],
        atol=1e-12,
    )


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("k", [1, 5, 20])
def test_eq_knn_average_regressor_matches_sklearn(
    friedman, weights, k, algorithm
):
    X, y, X_test, _ = friedman
    ours = KNeighborsRegressor(
        n_neighbors=k, weights=weights, algorithm=algorithm
    ).fit(X, y)
    theirs = SkRegressor(
        n_neighbors=k, weights=weights, algorithm="brute"
    ).fit(X, y)
    assert untied(theirs, X_test, k).all()  # continuous data: no ties
    np.testing.assert_allclose(
        ours.predict(X_test), theirs.predict(X_test), rtol=1e-10
    )
    assert ours.score(X_test, friedman[3]) == pytest.approx(
        theirs.score(X_test, friedman[3]), rel=1e-10
    )


def test_kneighbors_distances_and_indices_match_sklearn(friedman, digits):
    for X, _, X_test, _ in (friedman, digits):
        ours = KNeighborsRegressor(n_neighbors=7).fit(X, X[:, 0])
        theirs = SkRegressor(n_neighbors=7, algorithm="brute").fit(X, X[:, 0])
        ours_d, ours_i = ours.kneighbors(X_test)
        theirs_d, theirs_i = theirs.kneighbors(X_test)
        # The sorted distances are the same whatever the tie rule.
        np.testing.assert_allclose(ours_d, theirs_d, atol=1e-6)
        clear = untied(theirs, X_test, 7)
        np.testing.assert_array_equal(
            np.sort(ours_i[clear], axis=1), np.sort(theirs_i[clear], axis=1)
        )


def test_kneighbors_without_X_leaves_each_point_out_like_sklearn(friedman):
    X, y, _, _ = friedman
    ours = KNeighborsRegressor(n_neighbors=4).fit(X, y)
    theirs = SkRegressor(n_neighbors=4, algorithm="brute").fit(X, y)
    ours_d, ours_i = ours.kneighbors()
    theirs_d, theirs_i = theirs.kneighbors()
    np.testing.assert_allclose(ours_d, theirs_d, atol=1e-6)
    np.testing.assert_array_equal(ours_i, theirs_i)
    assert not np.any(ours_i == np.arange(len(X))[:, None])
    assert ours.kneighbors(n_neighbors=2, return_distance=False).shape == (
        len(X),
        2,
    )


def test_kneighbors_distances_are_euclidean_and_sorted(friedman):
    X, y, X_test, _ = friedman
    distances, indices = (
        KNeighborsRegressor(n_neighbors=6).fit(X, y).kneighbors(X_test)
    )
    direct = np.linalg.norm(X_test[:, None, :] - X[indices], axis=2)
    np.testing.assert_allclose(distances, direct, rtol=1e-12)
    assert np.all(np.diff(distances, axis=1) >= 0)
    brute = np.sort(np.linalg.norm(X_test[:, None] - X[None], axis=2), axis=1)[
        :, :6
    ]
    np.testing.assert_allclose(distances, brute, rtol=1e-12)


def test_equal_distances_go_to_the_lower_training_index():
    # Every training point is at distance 1 from the query at the origin.
    X = np.array([[1.0, 0], [0, 1], [-1, 0], [0, -1], [0.6, 0.8]])
    model = KNeighborsRegressor(n_neighbors=3).fit(X, np.arange(5.0))
    distances, indices = model.kneighbors([[0.0, 0.0]])
    np.testing.assert_array_equal(indices, [[0, 1, 2]])
    np.testing.assert_allclose(distances, 1.0)
    # The same on a permuted copy: the rule follows the index, not the
    # position in memory.
    order = np.array([4, 2, 0, 3, 1])
    model.fit(X[order], np.arange(5.0))
    np.testing.assert_array_equal(
        model.kneighbors([[0.0, 0.0]])[1], [[0, 1, 2]]
    )


def test_smallest_k_indices_tie_rule_matches_a_stable_sort():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 6, size=(300, 40)).astype(float)
    for k in (1, 3, 10, 39, 40):
        chosen = np.sort(smallest_k_indices(values.copy(), k), axis=1)
        stable = np.sort(
            np.argsort(values, axis=1, kind="stable")[:, :k], axis=1
        )
        np.testing.assert_array_equal(chosen, stable)


def test_vote_tie_goes_to_the_first_class():
    X = np.array([[0.0], [1.0], [-1.0], [2.0]])
    y = np.array(["b", "a", "b", "a"])
    model = KNeighborsClassifier(n_neighbors=2).fit(X, y)
    # Neighbours of 0.4 are 0 ("b") and 1 ("a"): one vote each.
    assert model.predict([[0.4]])[0] == "a"
    theirs = SkClassifier(n_neighbors=2, algorithm="brute").fit(X, y)
    assert theirs.predict([[0.4]])[0] == "a"


def test_eq_knn_distance_weights_zero_distance_takes_all_weight():
    X = np.array([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0], [6.0, 8.0]])
    y = np.array([1.0, 10.0, 3.0, 100.0])
    ours = KNeighborsRegressor(n_neighbors=3, weights="distance").fit(X, y)
    theirs = SkRegressor(
        n_neighbors=3, weights="distance", algorithm="brute"
    ).fit(X, y)
    # Two training points coincide with the query: their mean, exactly.
    assert ours.predict([[0.0, 0.0]])[0] == 2.0
    np.testing.assert_allclose(
        ours.predict([[0.0, 0.0], [1.0, 1.0]]),
        theirs.predict([[0.0, 0.0], [1.0, 1.0]]),
    )
    weights = distance_weights(np.array([[0.0, 2.0], [0.5, 2.0]]), "distance")
    np.testing.assert_array_equal(weights, [[1.0, 0.0], [2.0, 0.5]])


def test_duplicate_of_a_training_point_is_at_distance_exactly_zero():
    rng = np.random.default_rng(1)
    X = rng.normal(loc=1e3, size=(50, 4))
    distances, indices = (
        KNeighborsRegressor(n_neighbors=1).fit(X, X[:, 0]).kneighbors(X[10:20])
    )
    np.testing.assert_array_equal(distances, 0.0)
    np.testing.assert_array_equal(indices[:, 0], np.arange(10, 20))


def test_labels_of_any_kind_come_back_as_given(digits):
    # Relabelling that keeps the classes' order (so vote ties go the same
    # way) must relabel the predictions and nothing else.
    X, y, X_test, _ = digits
    names = np.array([f"digit {i}" for i in range(10)])
    plain = KNeighborsClassifier().fit(X, y).predict(X_test)
    by_name = KNeighborsClassifier().fit(X, names[y])
    by_number = KNeighborsClassifier().fit(X, y * 7 - 3)
    np.testing.assert_array_equal(by_name.predict(X_test), names[plain])
    np.testing.assert_array_equal(by_number.predict(X_test), plain * 7 - 3)
    np.testing.assert_array_equal(by_name.classes_, names)
    probabilities = by_name.predict_proba(X_test)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert probabilities.shape == (len(X_test), 10)


def test_classifier_score_is_accuracy(digits):
    X, y, X_test, y_test = digits
    model = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    assert model.score(X_test, y_test) == np.mean(
        model.predict(X_test) == y_test
    )


def test_single_class_is_allowed_and_predicted():
    X = np.arange(10.0).reshape(5, 2)
    model = KNeighborsClassifier(n_neighbors=2).fit(X, ["only"] * 5)
    assert list(model.predict(X)) == ["only"] * 5


def test_memory_blocks_do_not_change_the_answer(friedman, monkeypatch):
    import scratch.knn as knn

    X, y, X_test, _ = friedman
    whole = KNeighborsRegressor(n_neighbors=5).fit(X, y).kneighbors(X_test)
    monkeypatch.setattr(knn, "MAX_BLOCK_FLOATS", 3 * len(X))
    blocked = KNeighborsRegressor(n_neighbors=5).fit(X, y).kneighbors(X_test)
    np.testing.assert_array_equal(whole[1], blocked[1])
    np.testing.assert_array_equal(whole[0], blocked[0])


def test_n_neighbors_equal_to_the_training_set_uses_every_point():
    X = np.array([[0.0], [1.0], [5.0]])
    model = KNeighborsRegressor(n_neighbors=3).fit(X, [1.0, 2.0, 6.0])
    assert model.predict([[0.2]])[0] == pytest.approx(3.0)


# Bad input ------------------------------------------------------------

MODELS = [KNeighborsClassifier, KNeighborsRegressor]


@pytest.mark.parametrize("Model", MODELS)
def test_n_neighbors_larger_than_the_training_set_raises_at_fit(Model):
    X = np.zeros((4, 2))
    with pytest.raises(
        ValueError, match="larger than the number of training samples"
    ):
        Model(n_neighbors=5).fit(X, [0, 1, 0, 1])


@pytest.mark.parametrize("Model", MODELS)
@pytest.mark.parametrize(
    "bad, error, message",
    [
        (0, ValueError, "n_neighbors must be >= 1"),
        (-3, ValueError, "n_neighbors must be >= 1"),
        (2.5, TypeError, "n_neighbors must be an integer"),
        (True, TypeError, "n_neighbors must be an integer"),
        ("5", TypeError, "n_neighbors must be an integer"),
    ],
)
def test_invalid_n_neighbors_raises(Model, bad, error, message):
    with pytest.raises(error, match=message):
        Model(n_neighbors=bad).fit(np.eye(6), [0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("Model", MODELS)
def test_unknown_weights_raises(Model):
    with pytest.raises(ValueError, match="weights must be one of"):
        Model(weights="gaussian").fit(np.eye(6), [0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("Model", MODELS)
def test_kneighbors_checks_its_n_neighbors(Model):
    model = Model(n_neighbors=2).fit(np.eye(6), [0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="larger than the 6 training"):
        model.kneighbors(np.eye(6), n_neighbors=7)
    with pytest.raises(ValueError, match="not its own neighbour"):
        model.kneighbors(n_neighbors=6)
    with pytest.raises(ValueError, match="n_neighbors must be >= 1"):
        model.kneighbors(np.eye(6), n_neighbors=0)


@pytest.mark.parametrize("Model", MODELS)
def test_nan_and_inf_raise(Model):
    X = np.eye(6)
    for bad in (np.nan, np.inf):
        X_bad = X.copy()
        X_bad[2, 1] = bad
        with pytest.raises(ValueError, match="NaN or infinity"):
            Model().fit(X_bad, [0, 1, 0, 1, 0, 1])
        model = Model().fit(X, [0, 1, 0, 1, 0, 1])
        with pytest.raises(ValueError, match="NaN or infinity"):
            model.predict(X_bad)


def test_nan_target_raises_for_the_regressor():
    with pytest.raises(ValueError, match="NaN or infinity"):
        KNeighborsRegressor().fit(np.eye(6), [0, 1, np.nan, 1, 0, 1])


@pytest.mark.parametrize("Model", MODELS)
def test_wrong_shapes_raise(Model):
    with pytest.raises(ValueError, match="must be a 2-D array"):
        Model().fit(np.arange(6.0), [0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="different lengths"):
        Model().fit(np.eye(6), [0, 1, 0, 1, 0])
    with pytest.raises(ValueError, match="at least 1"):
        Model().fit(np.empty((0, 3)), [])
    with pytest.raises(TypeError, match="must hold numbers"):
        Model().fit([["a", "b"]] * 6, [0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("Model", MODELS)
def test_predict_before_fit_raises(Model):
    with pytest.raises(NotFittedError, match="not fitted"):
        Model().predict(np.eye(3))
    with pytest.raises(NotFittedError, match="not fitted"):
        Model().kneighbors(np.eye(3))


@pytest.mark.parametrize("Model", MODELS)
def test_different_feature_count_at_predict_raises(Model):
    model = Model().fit(np.eye(6), [0, 1, 0, 1, 0, 1])
    with pytest.raises(ValueError, match="X has 5 features"):
        model.predict(np.eye(5))


def test_predict_proba_before_fit_raises():
    with pytest.raises(NotFittedError, match="not fitted"):
        KNeighborsClassifier().predict_proba(np.eye(3))


@pytest.mark.parametrize("Model", MODELS)
def test_hyper_parameters_are_stored_unchanged(Model):
    model = Model(n_neighbors=3, weights="distance")
    assert model.n_neighbors == 3 and model.weights == "distance"
    assert model.fit(np.eye(6), [0, 1, 0, 1, 0, 1]) is model
    assert model.n_features_in_ == 6 and model.n_samples_fit_ == 6


def test_group_selection_matches_a_stable_sort_with_many_ties():
    # Integer scores tie constantly, at the threshold and inside groups;
    # the two-stage selection must still pick what a stable sort picks.
    rng = np.random.default_rng(1)
    n_groups = 50
    for k in (1, 5, 20):
        scores = rng.integers(0, 30, size=(200, n_groups * 8)).astype(float)
        chosen = np.sort(smallest_k_by_groups(scores, k, n_groups), axis=1)
        stable = np.sort(
            np.argsort(scores, axis=1, kind="stable")[:, :k], axis=1
        )
        np.testing.assert_array_equal(chosen, stable)


def test_large_training_set_with_duplicates_matches_sklearn_brute_force():
    # 3,001 points (not a multiple of the group size) on a coarse grid:
    # the grouped search runs, padding is never chosen, and duplicates
    # follow the tie rule, so the indices match a stable sort of the
    # exact distances.
    rng = np.random.default_rng(2)
    X = rng.integers(0, 6, size=(3001, 3)).astype(float)
    queries = rng.integers(0, 6, size=(400, 3)).astype(float) + 0.25
    model = KNeighborsRegressor(n_neighbors=7).fit(X, np.zeros(len(X)))
    distances, indices = model.kneighbors(queries)
    exact = np.sqrt(((queries[:, None, :] - X[None]) ** 2).sum(axis=2))
    order = np.argsort(exact, axis=1, kind="stable")[:, :7]
    np.testing.assert_array_equal(indices, order)
    np.testing.assert_allclose(
        distances, np.take_along_axis(exact, order, 1), rtol=1e-12
    )
    reference = SkNeighbors(n_neighbors=7, algorithm="brute").fit(X)
    np.testing.assert_allclose(
        distances, reference.kneighbors(queries)[0], rtol=1e-9
    )


@pytest.mark.parametrize("Model", [KNeighborsClassifier, KNeighborsRegressor])
def test_data_near_the_float_maximum_is_a_clear_error(Model):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match="overflow"):
        Model().fit(X * 1e307, y)
    model = Model().fit(X, y)
    with pytest.raises(ValueError, match="overflow"):
        model.predict(X * 1e307)


def test_large_but_safe_data_gives_the_same_neighbours_as_sklearn():
    # 1e150 is near the largest scale whose squared distances still fit
    # in float64; the neighbours must not change with the scale.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    ours = KNeighborsClassifier(n_neighbors=3).fit(X * 1e150, X[:, 0] > 0)
    reference = SkNeighbors(n_neighbors=3).fit(X)
    np.testing.assert_array_equal(
        ours.kneighbors(X * 1e150, return_distance=False),
        reference.kneighbors(X, return_distance=False),
    )
