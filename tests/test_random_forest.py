"""Tests for scratch.random_forest: held-out scores and out-of-bag scores
against scikit-learn's forests, invariants of bagging, bad input."""

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    make_classification,
    make_friedman1,
)
from sklearn.ensemble import RandomForestClassifier as SklearnClassifier
from sklearn.ensemble import RandomForestRegressor as SklearnRegressor

from scratch.decision_tree import DecisionTreeClassifier, DecisionTreeRegressor
from scratch.random_forest import (
    RandomForestClassifier,
    RandomForestRegressor,
    bootstrap_counts,
)
from scratch.validation import NotFittedError


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    order = np.random.default_rng(0).permutation(len(y))
    X, y = X[order], y[order]
    return X[:380], y[:380], X[380:], y[380:]


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(1200, 8, noise=0.5, random_state=0)
    return X[:800], y[:800], X[800:], y[800:]


def test_classifier_held_out_accuracy_within_002_of_sklearn(cancer):
    X, y, X_test, y_test = cancer
    ours = RandomForestClassifier(n_estimators=100, random_state=0).fit(X, y)
    ref = SklearnClassifier(100, random_state=0).fit(X, y)
    assert abs(ours.score(X_test, y_test) - ref.score(X_test, y_test)) <= 0.02


def test_regressor_held_out_r2_within_002_of_sklearn(friedman):
    X, y, X_test, y_test = friedman
    ours = RandomForestRegressor(
        n_estimators=60, max_features=0.5, random_state=0
    ).fit(X, y)
    ref = SklearnRegressor(60, max_features=0.5, random_state=0).fit(X, y)
    assert abs(ours.score(X_test, y_test) - ref.score(X_test, y_test)) <= 0.02


def test_eq_rf_oob_scores_close_to_sklearn_and_to_held_out(cancer, friedman):
    X, y, X_test, y_test = cancer
    ours = RandomForestClassifier(
        n_estimators=100, oob_score=True, random_state=1
    )
    ref = SklearnClassifier(100, oob_score=True, random_state=1)
    ours.fit(X, y)
    ref.fit(X, y)
    assert abs(ours.oob_score_ - ref.oob_score_) <= 0.03
    np.testing.assert_allclose(ours.oob_decision_function_.sum(axis=1), 1)
    X, y, X_test, y_test = friedman
    ours = RandomForestRegressor(
        n_estimators=60, oob_score=True, random_state=1
    )
    ref = SklearnRegressor(60, oob_score=True, random_state=1)
    ours.fit(X, y)
    ref.fit(X, y)
    assert abs(ours.oob_score_ - ref.oob_score_) <= 0.03
    assert abs(ours.oob_score_ - ours.score(X_test, y_test)) <= 0.05


def test_eq_rf_oob_uses_only_trees_that_did_not_see_the_sample():
    # Recompute the out-of-bag prediction of one sample by hand: replay
    # the forest's random draws to recover each tree's bootstrap counts.
    X, y = make_friedman1(150, 5, random_state=0)
    forest = RandomForestRegressor(
        n_estimators=15, oob_score=True, random_state=3
    )
    forest.fit(X, y)
    rng = np.random.default_rng(3)
    rng.integers(0, 2**32, size=15)  # the trees' seeds
    counts = np.array([bootstrap_counts(150, rng) for _ in range(15)])
    np.testing.assert_array_equal(forest.bootstrap_counts_, counts)
    out = counts[:, 0] == 0
    by_hand = np.mean(
        [
            tree.predict(X[:1])[0]
            for tree, o in zip(forest.estimators_, out)
            if o
        ]
    )
    assert forest.oob_prediction_[0] == pytest.approx(by_hand)


def test_eq_rf_average_without_bootstrap_or_subsampling_is_one_tree():
    X, y = make_classification(300, 6, n_informative=4, random_state=0)
    forest = RandomForestClassifier(
        n_estimators=5,
        max_features=None,
        bootstrap=False,
        max_depth=5,
        random_state=0,
    ).fit(X, y)
    tree = DecisionTreeClassifier(max_depth=5).fit(X, y)
    np.testing.assert_allclose(forest.predict_proba(X), tree.predict_proba(X))
    regressor = RandomForestRegressor(n_estimators=3, bootstrap=False)
    regressor.fit(X, y * 1.0)
    np.testing.assert_allclose(
        regressor.predict(X), DecisionTreeRegressor().fit(X, y).predict(X)
    )


def test_eq_rf_average_is_the_mean_of_the_trees(friedman):
    X, y, X_test, _ = friedman
    forest = RandomForestRegressor(n_estimators=10, random_state=0).fit(X, y)
    mean = np.mean(
        [tree.predict(X_test) for tree in forest.estimators_], axis=0
    )
    np.testing.assert_allclose(forest.predict(X_test), mean)


def test_eq_rf_importance_is_mean_of_tree_importances(cancer):
    X, y, _, _ = cancer
    ours = RandomForestClassifier(n_estimators=50, random_state=0).fit(X, y)
    mean = np.mean([t.feature_importances_ for t in ours.estimators_], axis=0)
    np.testing.assert_allclose(ours.feature_importances_, mean / mean.sum())
    ref = SklearnClassifier(50, random_state=0).fit(X, y)
    # Same top feature sets: the importances are noisy, but not that noisy.
    top_ours = set(np.argsort(ours.feature_importances_)[-5:])
    top_ref = set(np.argsort(ref.feature_importances_)[-5:])
    assert len(top_ours & top_ref) >= 3


def test_eq_rf_bootstrap_counts_sum_to_n_and_leave_e_inverse_out():
    counts = bootstrap_counts(20000, np.random.default_rng(0))
    assert counts.sum() == 20000
    assert np.mean(counts == 0) == pytest.approx(np.exp(-1), abs=0.01)


def test_trees_see_every_class_even_if_their_sample_misses_one():
    X = np.vstack([np.zeros((30, 2)), np.ones((30, 2)), [[5.0, 5.0]]])
    y = np.array(["a"] * 30 + ["b"] * 30 + ["rare"])
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    np.testing.assert_array_equal(forest.classes_, ["a", "b", "rare"])
    assert forest.predict_proba(X).shape == (61, 3)
    assert all(t.tree_.value.shape[1] == 3 for t in forest.estimators_)


@pytest.mark.parametrize(
    "labels",
    [np.array([0, 1]), np.array(["no", "yes"]), np.array([-3, 40])],
    ids=["int", "str", "non-contiguous"],
)
def test_labels_come_back_as_given(labels):
    X, y = make_classification(200, 5, random_state=0)
    coded = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    named = RandomForestClassifier(n_estimators=10, random_state=0)
    named.fit(X, labels[y])
    np.testing.assert_array_equal(named.predict(X), labels[coded.predict(X)])


def test_constant_features_and_duplicate_rows():
    X, y = make_classification(200, 4, random_state=0)
    X = np.column_stack([X, np.ones(200)])
    X, y = np.vstack([X, X[:50]]), np.concatenate([y, y[:50]])
    forest = RandomForestClassifier(n_estimators=20, random_state=0).fit(X, y)
    assert forest.feature_importances_[-1] == 0.0
    assert forest.score(X, y) > 0.95


@pytest.mark.parametrize(
    "Model", [RandomForestClassifier, RandomForestRegressor]
)
def test_single_sample(Model):
    forest = Model(n_estimators=5).fit([[1.0, 2.0]], [7])
    assert forest.predict([[0.0, 0.0]])[0] == 7
    np.testing.assert_array_equal(forest.feature_importances_, [0, 0])


def test_same_seed_same_forest_and_other_seed_differs(cancer):
    X, y, X_test, _ = cancer
    a = RandomForestClassifier(n_estimators=10, random_state=4).fit(X, y)
    b = RandomForestClassifier(n_estimators=10, random_state=4).fit(X, y)
    c = RandomForestClassifier(n_estimators=10, random_state=5).fit(X, y)
    np.testing.assert_array_equal(
        a.predict_proba(X_test), b.predict_proba(X_test)
    )
    assert not np.array_equal(a.predict_proba(X_test), c.predict_proba(X_test))


def test_default_fit_on_small_gaussian_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    assert RandomForestClassifier().fit(X, y).score(X, y) == 1.0
    assert RandomForestRegressor().fit(X, y).score(X, y) > 0.8


# --- bad input -----------------------------------------------------------


def test_nan_is_a_clear_error():
    X, y = make_classification(50, 4, random_state=0)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        RandomForestClassifier(n_estimators=5).fit(X, y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        RandomForestRegressor(n_estimators=5).fit(np.nan_to_num(X), y + np.nan)


def test_predict_before_fit_and_wrong_feature_count():
    X, y = make_classification(50, 4, random_state=0)
    with pytest.raises(NotFittedError):
        RandomForestClassifier().predict(X)
    with pytest.raises(NotFittedError):
        RandomForestRegressor().feature_importances_
    forest = RandomForestRegressor(n_estimators=5).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        forest.predict(X[:, :2])
    with pytest.raises(ValueError, match="different lengths"):
        RandomForestRegressor(n_estimators=5).fit(X, y[:-2])


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(n_estimators=0), ValueError, "n_estimators"),
        (dict(n_estimators=2.0), TypeError, "n_estimators"),
        (dict(bootstrap="yes"), TypeError, "bootstrap"),
        (dict(oob_score=1), TypeError, "oob_score"),
        (dict(bootstrap=False, oob_score=True), ValueError, "bootstrap"),
        (dict(criterion="squared_error"), ValueError, "criterion"),
        (dict(max_features="all"), ValueError, "max_features"),
        (dict(max_depth=-1), ValueError, "max_depth"),
        (dict(min_samples_leaf=0), ValueError, "min_samples_leaf"),
        (dict(random_state=1.5), TypeError, "random_state"),
    ],
)
def test_bad_hyper_parameters_are_clear_errors(params, error, match):
    X, y = make_classification(50, 4, random_state=0)
    with pytest.raises(error, match=match):
        RandomForestClassifier(**params).fit(X, y)


@pytest.mark.parametrize(
    "Model", [RandomForestClassifier, RandomForestRegressor]
)
@pytest.mark.parametrize(
    "name",
    [
        "n_estimators",
        "min_samples_split",
        "min_samples_leaf",
        "max_features",
        "max_depth",
    ],
)
def test_nan_hyper_parameters_are_a_clear_error(Model, name):
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises((ValueError, TypeError), match=name):
        Model(n_estimators=2, **{name: float("nan")}).fit(X, np.arange(10) % 2)
