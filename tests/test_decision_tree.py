"""Tests for scratch.decision_tree: agreement with scikit-learn's CART
tree, invariants of the flat tree arrays, and the bad-input contract."""

import numpy as np
import pytest
from sklearn.datasets import (
    load_breast_cancer,
    make_classification,
    make_friedman1,
    make_regression,
)
from sklearn.tree import DecisionTreeClassifier as SklearnClassifier
from sklearn.tree import DecisionTreeRegressor as SklearnRegressor

from scratch.decision_tree import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    grow_recursive,
    partition,
    predict_recursive,
    resolve_max_features,
    subset_order,
)
from scratch.validation import NotFittedError


def classification_data(n=1000, d=8, seed=0):
    X, y = make_classification(n, d, n_informative=5, random_state=seed)
    return X, y


def regression_data(n=600, d=6, seed=0):
    X, y = make_regression(n, d, n_informative=4, noise=5.0, random_state=seed)
    return X, y


def leaf_impurity(tree):
    """Training impurity: the weighted mean impurity of the leaves."""
    leaf = tree.children_left == -1
    weight = tree.weighted_n_node_samples
    return np.sum(weight[leaf] * tree.impurity[leaf]) / weight[0]


# --- the recursive reference and the level-wise tree ----------------------


def assert_same_tree(tree, node, reference):
    """Walk the flat ``tree`` from ``node`` and the nested ``reference``
    together: same splits, same leaf values, same impurities."""
    np.testing.assert_allclose(
        tree.value[node], reference["value"], rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(
        tree.impurity[node], reference["impurity"], rtol=1e-7, atol=1e-9
    )
    if tree.children_left[node] == -1:
        assert "feature" not in reference
        return
    assert tree.feature[node] == reference["feature"]
    assert tree.threshold[node] == pytest.approx(
        reference["threshold"], rel=1e-12
    )
    assert_same_tree(tree, tree.children_left[node], reference["left"])
    assert_same_tree(tree, tree.children_right[node], reference["right"])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize(
    "max_depth, min_samples_leaf", [(None, 1), (3, 1), (None, 4)]
)
def test_eq_tree_best_split_recursive_reference_grows_the_same_classifier(
    seed, criterion, max_depth, min_samples_leaf
):
    # Continuous features leave no tied values; integer class counts make
    # both versions compute bit-identical scores, so even tied scores are
    # broken the same way (lowest feature, then lowest threshold).
    X, y = make_classification(
        120, 4, n_informative=3, n_redundant=0, n_classes=3, random_state=seed
    )
    fast = DecisionTreeClassifier(
        criterion=criterion,
        max_depth=max_depth,
        min_samples_leaf=min_samples_leaf,
    ).fit(X, y)
    Z = np.column_stack([np.ones(len(y)), np.eye(3)[y]])  # (n, 1 + K)
    reference = grow_recursive(
        X, Z, criterion, max_depth, min_samples_leaf=min_samples_leaf
    )
    assert_same_tree(fast.tree_, 0, reference)
    np.testing.assert_allclose(
        predict_recursive(reference, X), fast.predict_proba(X)
    )


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(
    "max_depth, min_samples_split", [(None, 2), (4, 2), (None, 10)]
)
def test_eq_tree_mse_recursive_reference_grows_the_same_regressor(
    seed, max_depth, min_samples_split
):
    # Integer targets summing to zero: the tree's centring offset is then
    # exactly 0 and every sum exact, so both versions score each split
    # bit-identically and break ties the same way. (With real targets,
    # two features that cut a small node into the same two groups tie up
    # to rounding, which the two summation orders break differently.)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(100, 3))
    y = rng.integers(-50, 50, size=100) + 20 * np.sign(X[:, 0])
    y[-1] -= y.sum()
    y = y.astype(float)
    fast = DecisionTreeRegressor(
        max_depth=max_depth, min_samples_split=min_samples_split
    ).fit(X, y)
    Z = np.column_stack([np.ones(len(y)), y, y**2])
    reference = grow_recursive(
        X, Z, "squared_error", max_depth, min_samples_split=min_samples_split
    )
    assert_same_tree(fast.tree_, 0, reference)
    X_new = np.random.default_rng(seed).normal(size=(50, 3))
    np.testing.assert_allclose(
        predict_recursive(reference, X_new), fast.predict(X_new), rtol=1e-9
    )


# --- agreement with scikit-learn ------------------------------------------


@pytest.mark.parametrize(
    "Model", [DecisionTreeClassifier, DecisionTreeRegressor]
)
def test_fully_grown_tree_fits_training_data_exactly(Model):
    X, y = (
        classification_data()
        if Model is DecisionTreeClassifier
        else regression_data()
    )
    tree = Model().fit(X, y)
    np.testing.assert_allclose(tree.predict(X), y)
    assert leaf_impurity(tree.tree_) == pytest.approx(0.0, abs=1e-9)


def test_predictions_agree_with_sklearn_on_held_out_set():
    X, y = classification_data()
    ours = DecisionTreeClassifier().fit(X[:700], y[:700])
    ref = SklearnClassifier(random_state=0).fit(X[:700], y[:700])
    agreement = np.mean(ours.predict(X[700:]) == ref.predict(X[700:]))
    assert agreement >= 0.97


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("max_depth", [1, 2, 3, 4, 5, 6])
def test_eq_tree_best_split_training_impurity_equals_sklearn(
    criterion, max_depth
):
    X, y = make_classification(
        800, 6, n_informative=4, n_classes=3, random_state=1
    )
    ours = DecisionTreeClassifier(
        criterion=criterion, max_depth=max_depth
    ).fit(X, y)
    # Ties aside: when two splits score the same, scikit-learn takes the
    # one whose feature it happens to visit first, which depends on its
    # random_state. Our tree must match one of its tie-breaks.
    refs = [
        SklearnClassifier(
            criterion=criterion, max_depth=max_depth, random_state=seed
        ).fit(X, y)
        for seed in range(6)
    ]
    impurity = leaf_impurity(ours.tree_)
    matches = [
        ref
        for ref in refs
        if leaf_impurity(ref.tree_) == pytest.approx(impurity, rel=1e-9)
    ]
    assert matches
    assert ours.get_n_leaves() == matches[0].get_n_leaves()
    assert ours.get_depth() == matches[0].get_depth()


@pytest.mark.parametrize("max_depth", [1, 2, 3, 4, 5, 6])
def test_eq_tree_mse_training_impurity_equals_sklearn(max_depth):
    X, y = regression_data()
    ours = DecisionTreeRegressor(max_depth=max_depth).fit(X, y)
    ref = SklearnRegressor(max_depth=max_depth, random_state=0).fit(X, y)
    assert leaf_impurity(ours.tree_) == pytest.approx(
        leaf_impurity(ref.tree_), rel=1e-9
    )
    np.testing.assert_allclose(
        ours.predict(X), ref.predict(X), rtol=1e-9, atol=1e-9
    )


def test_eq_tree_decrease_is_nonnegative_with_mse_closed_form():
    X, y = regression_data()
    tree = DecisionTreeRegressor(max_depth=6).fit(X, y).tree_
    inner = np.flatnonzero(tree.children_left != -1)
    left, right = tree.children_left[inner], tree.children_right[inner]
    W = tree.weighted_n_node_samples
    decrease = (
        W[inner] * tree.impurity[inner]
        - W[left] * tree.impurity[left]
        - W[right] * tree.impurity[right]
    )
    closed_form = (
        W[left]
        * W[right]
        / W[inner]
        * (tree.value[left] - tree.value[right]) ** 2
    )
    np.testing.assert_allclose(decrease, closed_form, rtol=1e-6)
    for criterion in ("gini", "entropy"):
        Xc, yc = classification_data()
        t = DecisionTreeClassifier(criterion=criterion).fit(Xc, yc).tree_
        inner = np.flatnonzero(t.children_left != -1)
        W = t.weighted_n_node_samples
        decrease = (
            W[inner] * t.impurity[inner]
            - W[t.children_left[inner]] * t.impurity[t.children_left[inner]]
            - W[t.children_right[inner]] * t.impurity[t.children_right[inner]]
        )
        assert decrease.min() >= -1e-9


def test_constant_target_node_is_pure_despite_rounding():
    X = np.random.default_rng(0).normal(size=(50, 2))
    y = np.full(50, 500001.0)
    y[:10] = 14999.0
    tree = DecisionTreeRegressor().fit(X, y).tree_
    inner = tree.children_left != -1
    # No node whose targets are all equal is split, and every leaf is pure.
    assert np.all(tree.impurity[inner] > 0)
    assert np.all(tree.impurity[~inner] == 0)


def test_root_split_and_threshold_midpoint_match_sklearn():
    X, y = classification_data()
    ours = DecisionTreeClassifier(max_depth=1).fit(X, y).tree_
    ref = SklearnClassifier(max_depth=1, random_state=0).fit(X, y).tree_
    assert ours.feature[0] == ref.feature[0]
    assert ours.threshold[0] == pytest.approx(ref.threshold[0])
    column = np.sort(X[:, ours.feature[0]])
    below = column[column <= ours.threshold[0]].max()
    above = column[column > ours.threshold[0]].min()
    assert ours.threshold[0] == pytest.approx(0.5 * (below + above))


@pytest.mark.parametrize("min_samples_leaf", [3, 10])
def test_min_samples_leaf_matches_sklearn(min_samples_leaf):
    X, y = classification_data()
    ours = DecisionTreeClassifier(
        max_depth=5, min_samples_leaf=min_samples_leaf
    )
    ref = SklearnClassifier(
        max_depth=5, min_samples_leaf=min_samples_leaf, random_state=0
    )
    ours.fit(X, y)
    ref.fit(X, y)
    leaves = ours.tree_.children_left == -1
    assert ours.tree_.n_node_samples[leaves].min() >= min_samples_leaf
    assert leaf_impurity(ours.tree_) == pytest.approx(
        leaf_impurity(ref.tree_), rel=1e-9
    )


def test_min_samples_split_matches_sklearn():
    X, y = classification_data()
    ours = DecisionTreeClassifier(min_samples_split=40).fit(X, y)
    ref = SklearnClassifier(min_samples_split=40, random_state=0).fit(X, y)
    assert ours.get_n_leaves() == ref.get_n_leaves()


def test_eq_tree_importance_matches_sklearn():
    X, y = classification_data()
    ours = DecisionTreeClassifier(max_depth=4).fit(X, y)
    ref = SklearnClassifier(max_depth=4, random_state=0).fit(X, y)
    np.testing.assert_allclose(
        ours.feature_importances_, ref.feature_importances_, atol=1e-9
    )
    assert ours.feature_importances_.sum() == pytest.approx(1.0)


def test_predict_proba_matches_sklearn_and_sums_to_one():
    X, y = load_breast_cancer(return_X_y=True)
    ours = DecisionTreeClassifier(max_depth=3).fit(X[:400], y[:400])
    ref = SklearnClassifier(max_depth=3, random_state=0).fit(X[:400], y[:400])
    proba = ours.predict_proba(X[400:])
    np.testing.assert_allclose(proba, ref.predict_proba(X[400:]))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_sample_weights_equal_repeated_rows():
    X, y = classification_data(n=300)
    counts = np.random.default_rng(0).integers(0, 3, size=300)
    weighted = DecisionTreeClassifier(max_depth=4).fit(
        X, y, sample_weight=counts
    )
    repeated = DecisionTreeClassifier(max_depth=4).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    np.testing.assert_allclose(
        weighted.predict_proba(X), repeated.predict_proba(X)
    )


def test_tree_arrays_are_consistent():
    X, y = classification_data()
    tree = DecisionTreeClassifier(max_depth=6).fit(X, y).tree_
    inner = np.flatnonzero(tree.children_left != -1)
    left, right = tree.children_left[inner], tree.children_right[inner]
    np.testing.assert_array_equal(
        tree.n_node_samples[inner],
        tree.n_node_samples[left] + tree.n_node_samples[right],
    )
    assert tree.n_node_samples[0] == X.shape[0]
    assert np.all(tree.feature[tree.children_left == -1] == -2)
    np.testing.assert_allclose(tree.value[0], np.bincount(y) / len(y))


def test_subset_order_keeps_every_row_sorted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    keep = rng.random(40) < 0.6
    order = subset_order(np.argsort(X.T, axis=1), keep)
    np.testing.assert_array_equal(order, np.argsort(X[keep].T, axis=1))


def test_partition_keeps_every_row_sorted_inside_each_child():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 4))
    # Two nodes: samples 0-19 and 20-49, each sorted by every feature.
    order = np.hstack(
        [np.argsort(X[:20].T, axis=1), 20 + np.argsort(X[20:].T, axis=1)]
    )
    values = np.take_along_axis(X.T, order, axis=1)
    starts, sizes = np.array([0, 20]), np.array([20, 30])
    new_order, new_values, child_starts, child_sizes = partition(
        order,
        values,
        starts,
        sizes,
        split=np.array([0, 1]),
        feature=np.array([2, 0]),
        n_left=np.array([7, 12]),
        n_total=50,
    )
    for start, size in zip(child_starts, child_sizes):
        segment = new_values[:, start : start + size]
        assert np.all(np.diff(segment, axis=1) >= 0)
        # every row of a child holds the same samples
        ids = np.sort(new_order[:, start : start + size], axis=1)
        assert np.all(ids == ids[0])
    np.testing.assert_array_equal(
        new_values, np.take_along_axis(X.T, new_order, axis=1)
    )


# --- labels and edge cases --------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [
        np.array([0, 1, 2]),
        np.array(["cat", "dog", "emu"]),
        np.array([-5, 10, 100]),
    ],
    ids=["int", "str", "non-contiguous"],
)
def test_labels_come_back_as_given(labels):
    X, y = make_classification(
        300, 5, n_informative=3, n_classes=3, random_state=0
    )
    coded = DecisionTreeClassifier(max_depth=4).fit(X, y)
    named = DecisionTreeClassifier(max_depth=4).fit(X, labels[y])
    np.testing.assert_array_equal(named.classes_, np.sort(labels))
    np.testing.assert_array_equal(named.predict(X), labels[coded.predict(X)])


def test_constant_features_are_never_split_on():
    X, y = classification_data(n=300)
    X = np.column_stack([np.full(300, 3.0), X, np.zeros(300)])
    tree = DecisionTreeClassifier(max_features=2, random_state=0).fit(X, y)
    used = tree.tree_.feature[tree.tree_.feature >= 0]
    assert not np.isin(used, [0, X.shape[1] - 1]).any()
    assert tree.score(X, y) == 1.0


def test_all_features_constant_gives_one_leaf_predicting_majority():
    X = np.ones((10, 3))
    y = np.array([0, 1, 1, 1, 0, 1, 1, 0, 1, 1])
    tree = DecisionTreeClassifier().fit(X, y)
    assert tree.get_n_leaves() == 1 and tree.get_depth() == 0
    np.testing.assert_array_equal(tree.predict(X), np.ones(10))


def test_duplicate_rows_with_different_labels_share_a_leaf():
    X = np.array([[0.0, 1.0], [0.0, 1.0], [0.0, 1.0], [2.0, 3.0]])
    y = np.array([0, 1, 1, 0])
    tree = DecisionTreeClassifier().fit(X, y)
    np.testing.assert_allclose(tree.predict_proba(X[:1]), [[1 / 3, 2 / 3]])
    assert tree.get_n_leaves() == 2
    reg = DecisionTreeRegressor().fit(X, y.astype(float))
    assert reg.predict(X[:1])[0] == pytest.approx(2 / 3)


def test_duplicate_rows_with_equal_labels_still_fit_exactly():
    X, y = classification_data(n=200)
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    assert DecisionTreeClassifier().fit(X2, y2).score(X2, y2) == 1.0


@pytest.mark.parametrize(
    "Model", [DecisionTreeClassifier, DecisionTreeRegressor]
)
def test_single_sample_gives_a_single_leaf(Model):
    tree = Model().fit([[1.0, 2.0]], [3])
    assert tree.get_n_leaves() == 1
    assert tree.predict([[5.0, -1.0]])[0] == 3


def test_max_features_draws_features_per_split_reproducibly():
    X, y = classification_data()
    a = DecisionTreeClassifier(max_features="sqrt", random_state=7).fit(X, y)
    b = DecisionTreeClassifier(max_features="sqrt", random_state=7).fit(X, y)
    c = DecisionTreeClassifier(max_features="sqrt", random_state=8).fit(X, y)
    assert a.max_features_ == 2
    for name in ("feature", "threshold", "children_left"):
        np.testing.assert_array_equal(
            getattr(a.tree_, name), getattr(b.tree_, name)
        )
    assert not np.array_equal(
        a.tree_.feature, c.tree_.feature
    ) or not np.array_equal(a.tree_.threshold, c.tree_.threshold)
    assert a.score(X, y) == 1.0


@pytest.mark.parametrize(
    "value, expected",
    [(None, 16), ("sqrt", 4), ("log2", 4), (3, 3), (0.5, 8), (1.0, 16)],
)
def test_max_features_resolves_as_sklearn(value, expected):
    assert resolve_max_features(value, 16) == expected


def test_default_fit_on_small_gaussian_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    assert DecisionTreeClassifier().fit(X, y).score(X, y) == 1.0
    assert DecisionTreeRegressor().fit(X, y).score(X, y) == 1.0


# --- bad input -----------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_X_is_a_clear_error(bad):
    X, y = classification_data(n=50)
    X[3, 1] = bad
    with pytest.raises(ValueError, match="NaN or infinity"):
        DecisionTreeClassifier().fit(X, y)
    fitted = DecisionTreeClassifier().fit(np.nan_to_num(X, posinf=0), y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        fitted.predict(X)


def test_nan_in_regression_target_is_a_clear_error():
    X, y = regression_data(n=50)
    y[0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinity"):
        DecisionTreeRegressor().fit(X, y)


def test_wrong_shapes_are_clear_errors():
    X, y = classification_data(n=50)
    with pytest.raises(ValueError, match="2-D"):
        DecisionTreeClassifier().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="different lengths"):
        DecisionTreeClassifier().fit(X, y[:-1])
    with pytest.raises(ValueError, match="at least 1"):
        DecisionTreeClassifier().fit(X[:0], y[:0])
    with pytest.raises(TypeError, match="must hold numbers"):
        DecisionTreeClassifier().fit([["a", "b"]], [0])


def test_predict_before_fit_and_wrong_feature_count():
    X, y = classification_data(n=50)
    with pytest.raises(NotFittedError):
        DecisionTreeClassifier().predict(X)
    with pytest.raises(NotFittedError):
        DecisionTreeRegressor().get_depth()
    tree = DecisionTreeClassifier().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        tree.predict(X[:, :3])


def test_bad_sample_weight():
    X, y = classification_data(n=50)
    with pytest.raises(ValueError, match="sample_weight"):
        DecisionTreeClassifier().fit(X, y, sample_weight=-np.ones(50))
    with pytest.raises(ValueError, match="sample_weight has"):
        DecisionTreeClassifier().fit(X, y, sample_weight=np.ones(3))


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(criterion="mse"), ValueError, "criterion"),
        (dict(max_depth=0), ValueError, "max_depth"),
        (dict(max_depth=2.5), TypeError, "max_depth"),
        (dict(min_samples_split=1), ValueError, "min_samples_split"),
        (dict(min_samples_split=0.0), ValueError, "min_samples_split"),
        (dict(min_samples_leaf=0), ValueError, "min_samples_leaf"),
        (dict(min_samples_leaf=1.0), ValueError, "min_samples_leaf"),
        (dict(max_features=0), ValueError, "max_features"),
        (dict(max_features=99), ValueError, "max_features"),
        (dict(max_features=1.5), ValueError, "max_features"),
        (dict(max_features="half"), ValueError, "max_features"),
        (dict(max_features=True), TypeError, "max_features"),
        (dict(random_state="seed"), TypeError, "random_state"),
    ],
)
def test_bad_hyper_parameters_are_clear_errors(params, error, match):
    X, y = classification_data(n=50)
    with pytest.raises(error, match=match):
        DecisionTreeClassifier(**params).fit(X, y)


def test_regressor_rejects_classification_criterion():
    X, y = regression_data(n=50)
    with pytest.raises(ValueError, match="criterion"):
        DecisionTreeRegressor(criterion="gini").fit(X, y)


@pytest.mark.parametrize(
    "Model", [DecisionTreeClassifier, DecisionTreeRegressor]
)
@pytest.mark.parametrize(
    "name",
    ["min_samples_split", "min_samples_leaf", "max_features", "max_depth"],
)
def test_nan_hyper_parameters_are_a_clear_error(Model, name):
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises((ValueError, TypeError), match=name):
        Model(**{name: float("nan")}).fit(X, np.arange(10) % 2)


def test_thresholds_near_the_float_maximum_stay_finite():
    # Midpoints computed as (a + b) / 2 would overflow to infinity here.
    top = np.finfo(np.float64).max
    X = np.array([[top * 0.8], [top * 0.9], [top * 0.95], [top]])
    y = np.array([0, 0, 1, 1])
    model = DecisionTreeClassifier().fit(X, y)
    inner = model.tree_.children_left != -1
    assert np.all(np.isfinite(model.tree_.threshold[inner]))
    np.testing.assert_array_equal(model.predict(X), y)
    threshold = model.tree_.threshold[0]
    assert top * 0.9 <= threshold < top * 0.95


def test_regression_targets_whose_squares_overflow_are_a_clear_error():
    X = np.arange(10.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="overflow"):
        DecisionTreeRegressor().fit(X, np.arange(10) * 1e306)


# --- minimal cost-complexity pruning ---------------------------------------


def pruning_cases():
    """(name, ours, sklearn's, X, y): a classification set with both
    criteria and a regression set without tied feature values (so that
    the grown trees are the same tree)."""
    X_c, y_c = load_breast_cancer(return_X_y=True)
    X_r, y_r = make_friedman1(n_samples=400, noise=1.0, random_state=0)
    return [
        ("gini", DecisionTreeClassifier, SklearnClassifier, X_c, y_c),
        ("entropy", DecisionTreeClassifier, SklearnClassifier, X_c, y_c),
        ("squared_error", DecisionTreeRegressor, SklearnRegressor, X_r, y_r),
    ]


PRUNING_CASES = pruning_cases()
PRUNING_IDS = [case[0] for case in PRUNING_CASES]


def assert_same_structure(ours, theirs, node=0, their_node=0):
    """Walk both flat trees from the root together: same splits, same
    leaves, same leaf values (node numbering may differ)."""
    is_leaf = ours.children_left[node] == -1
    assert is_leaf == (theirs.children_left[their_node] == -1)
    np.testing.assert_array_equal(ours.value[node], theirs.value[their_node])
    if is_leaf:
        return
    assert ours.feature[node] == theirs.feature[their_node]
    assert ours.threshold[node] == theirs.threshold[their_node]
    for side in ("children_left", "children_right"):
        assert_same_structure(
            ours,
            theirs,
            getattr(ours, side)[node],
            getattr(theirs, side)[their_node],
        )


@pytest.mark.parametrize("case", PRUNING_CASES, ids=PRUNING_IDS)
def test_eq_tree_ccp_link_path_matches_sklearn(case):
    criterion, Ours, Theirs, X, y = case
    path = Ours(criterion=criterion).cost_complexity_pruning_path(X, y)
    reference = Theirs(
        criterion=criterion, random_state=0
    ).cost_complexity_pruning_path(X, y)
    # Scale the absolute tolerance by the root's risk R(root).
    scale = reference.impurities[-1]
    np.testing.assert_allclose(
        path["ccp_alphas"], reference.ccp_alphas, rtol=1e-12, atol=1e-14
    )
    np.testing.assert_allclose(
        path["impurities"],
        reference.impurities,
        rtol=1e-12,
        atol=1e-12 * scale,
    )


@pytest.mark.parametrize("case", PRUNING_CASES, ids=PRUNING_IDS)
def test_eq_tree_ccp_risk_pruned_trees_equal_sklearns(case):
    criterion, Ours, Theirs, X, y = case
    path = Ours(criterion=criterion).cost_complexity_pruning_path(X, y)
    reference = Theirs(
        criterion=criterion, random_state=0
    ).cost_complexity_pruning_path(X, y)
    # Each library prunes with the alphas of its own path (the two agree
    # to rounding, and an alpha on the path must compare equal to the
    # g(t) it came from); midpoints between path values test the rest.
    steps = np.unique(np.linspace(0, len(path["ccp_alphas"]) - 1, 7))
    pairs = [
        (path["ccp_alphas"][i], reference.ccp_alphas[i])
        for i in steps.astype(int)
    ]
    alphas = np.unique(reference.ccp_alphas)
    middles = (alphas[1:] + alphas[:-1]) / 2
    pairs += [(alpha, alpha) for alpha in middles[:: len(middles) // 5]]
    for ours_alpha, their_alpha in pairs:
        ours = Ours(criterion=criterion, ccp_alpha=ours_alpha).fit(X, y)
        theirs = Theirs(
            criterion=criterion, ccp_alpha=their_alpha, random_state=0
        ).fit(X, y)
        assert ours.tree_.node_count == theirs.tree_.node_count
        assert ours.get_n_leaves() == theirs.get_n_leaves()
        assert ours.get_depth() == theirs.get_depth()
        np.testing.assert_allclose(
            ours.predict(X), theirs.predict(X), rtol=1e-10
        )
        if criterion != "squared_error":
            # Deep in the breast cancer trees two features can split a
            # node equally well; each library keeps a different one.
            continue
        # Same partition of the training set into leaves.
        ours_leaf, their_leaf = ours.apply(X), theirs.apply(X)
        pairs = np.unique(np.column_stack([ours_leaf, their_leaf]), axis=0)
        assert pairs.shape[0] == np.unique(their_leaf).shape[0]
        assert pairs.shape[0] == np.unique(ours_leaf).shape[0]


@pytest.mark.parametrize("case", PRUNING_CASES, ids=PRUNING_IDS)
def test_eq_tree_ccp_risk_each_path_subtree_has_the_path_risk(case):
    # Invariant: the tree pruned at the k-th alpha of the path has total
    # leaf risk R(T) (eq-tree-ccp-risk) equal to the path's k-th
    # impurity, and fewer leaves as alpha grows.
    criterion, Ours, _, X, y = case
    path = Ours(criterion=criterion).cost_complexity_pruning_path(X, y)
    n_leaves = []
    steps = np.unique(np.linspace(0, len(path["ccp_alphas"]) - 1, 25))
    steps = steps.astype(int)
    for alpha, impurity in zip(
        path["ccp_alphas"][steps], path["impurities"][steps]
    ):
        model = Ours(criterion=criterion, ccp_alpha=alpha).fit(X, y)
        assert leaf_impurity(model.tree_) == pytest.approx(
            impurity, rel=1e-9, abs=1e-12
        )
        n_leaves.append(model.get_n_leaves())
    assert np.all(np.diff(n_leaves) <= 0)
    assert n_leaves[-1] == 1
    assert np.all(np.diff(path["ccp_alphas"]) >= 0)


def test_zero_ccp_alpha_keeps_the_grown_tree():
    X, y = classification_data(n=300)
    grown = DecisionTreeClassifier().fit(X, y)
    same = DecisionTreeClassifier(ccp_alpha=0.0).fit(X, y)
    assert_same_structure(same.tree_, grown.tree_)
    assert same.tree_.node_count == grown.tree_.node_count


def test_huge_ccp_alpha_leaves_only_the_root():
    X, y = regression_data(n=200)
    model = DecisionTreeRegressor(ccp_alpha=1e12).fit(X, y)
    assert model.tree_.node_count == 1
    np.testing.assert_allclose(model.predict(X[:3]), np.mean(y))


@pytest.mark.parametrize(
    "Model", [DecisionTreeClassifier, DecisionTreeRegressor]
)
@pytest.mark.parametrize(
    "value, error",
    [(-0.01, ValueError), (float("nan"), ValueError), ("0.1", TypeError)],
)
def test_bad_ccp_alpha_is_a_clear_error(Model, value, error):
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(error, match="ccp_alpha"):
        Model(ccp_alpha=value).fit(X, np.arange(10) % 2)
    with pytest.raises(error, match="ccp_alpha"):
        Model(ccp_alpha=value).cost_complexity_pruning_path(
            X, np.arange(10) % 2
        )
