"""Splitters, cross-validation, curves and intervals against
scikit-learn, closed forms and invariants."""

import numpy as np
import pytest
from sklearn import calibration as sk_calibration
from sklearn import metrics as sk_metrics
from sklearn import model_selection as sk_model_selection
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression, Ridge

from scratch.model_selection import (
    KFold,
    StratifiedKFold,
    average_precision_score,
    binomial_standard_error,
    bootstrap_interval,
    calibration_curve,
    clone,
    confusion_matrix,
    cross_val_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
    train_test_split,
)


def same_splits(ours, theirs):
    ours, theirs = list(ours), list(theirs)
    return len(ours) == len(theirs) and all(
        np.array_equal(a_train, b_train) and np.array_equal(a_test, b_test)
        for (a_train, a_test), (b_train, b_test) in zip(ours, theirs)
    )


def scores_with_ties(n_samples=400, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n_samples)
    # Rounding makes many ties, the case where curves are easy to get
    # wrong.
    return y, np.round(rng.normal(y, 1.0), 1)


@pytest.mark.parametrize("n_samples", [7, 20, 33])
@pytest.mark.parametrize("n_splits", [2, 3, 5])
def test_kfold_matches_scikit_learn(n_samples, n_splits):
    X = np.zeros((n_samples, 1))
    assert same_splits(
        KFold(n_splits).split(X), sk_model_selection.KFold(n_splits).split(X)
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n_splits", [2, 3, 5])
def test_stratified_kfold_matches_scikit_learn(seed, n_splits):
    rng = np.random.default_rng(seed)
    y = rng.choice(["spam", "ham", "eggs"], 61, p=[0.5, 0.3, 0.2])
    X = np.zeros((61, 2))
    assert same_splits(
        StratifiedKFold(n_splits).split(X, y),
        sk_model_selection.StratifiedKFold(n_splits).split(X, y),
    )


@pytest.mark.parametrize("splitter", [KFold, StratifiedKFold])
def test_eq_ms_cv_shuffled_folds_partition_the_samples(splitter):
    # scikit-learn shuffles with its legacy RandomState, so compare
    # properties: a partition, sizes within one, class shares within one,
    # and the same seed giving the same folds.
    y = np.r_[np.zeros(40), np.ones(17), np.full(9, 2)]
    X = np.zeros((y.shape[0], 1))
    cv = splitter(4, shuffle=True, random_state=3)
    folds = list(cv.split(X, y))
    tests = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(tests), np.arange(y.shape[0]))
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert train.size + test.size == y.shape[0]
    sizes = [test.size for _, test in folds]
    assert max(sizes) - min(sizes) <= 1
    if splitter is StratifiedKFold:
        for label in range(3):
            counts = [np.sum(y[test] == label) for _, test in folds]
            assert max(counts) - min(counts) <= 1
    assert same_splits(folds, cv.split(X, y))
    assert not same_splits(
        folds, splitter(4, shuffle=True, random_state=4).split(X, y)
    )


def test_train_test_split_sizes_match_scikit_learn():
    X = np.arange(60).reshape(30, 2)
    y = np.arange(30)
    for test_size in (0.25, 0.3, 7):
        ours = train_test_split(X, y, test_size=test_size, random_state=0)
        theirs = sk_model_selection.train_test_split(
            X, y, test_size=test_size, random_state=0
        )
        assert [p.shape for p in ours] == [p.shape for p in theirs]
        X_train, X_test, y_train, y_test = ours
        # Rows stay paired, and the parts partition the samples.
        assert np.array_equal(X_train[:, 0] // 2, y_train)
        assert np.array_equal(np.sort(np.r_[y_train, y_test]), y)
    X_train, X_test = train_test_split(X, shuffle=False, test_size=0.2)
    assert np.array_equal(np.r_[X_train, X_test], X)


def test_train_test_split_stratify_keeps_class_shares():
    y = np.r_[np.zeros(70), np.ones(20), np.full(10, 2)]
    _, y_test = train_test_split(y, stratify=y, test_size=0.3, random_state=1)
    assert y_test.shape == (30,)
    assert np.array_equal(np.bincount(y_test.astype(int)), [21, 6, 3])


def test_clone_copies_hyper_parameters_not_fitted_state():
    model = Ridge(alpha=3.0).fit(np.eye(3), np.arange(3.0))
    copied = clone(model)
    assert copied.alpha == 3.0 and not hasattr(copied, "coef_")


@pytest.mark.parametrize("cv", [5, 3])
def test_cross_val_score_matches_scikit_learn(cv):
    X, y = load_breast_cancer(return_X_y=True)
    X = X[:, :5]
    model = LogisticRegression(max_iter=2000)
    np.testing.assert_allclose(
        cross_val_score(model, X, y, cv=cv),
        sk_model_selection.cross_val_score(model, X, y, cv=cv),
        atol=1e-12,
    )


def test_cross_val_score_with_splitter_and_scoring():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    y = X @ [1.0, -2.0, 0.5] + rng.normal(size=50)
    cv = KFold(5, shuffle=True, random_state=0)

    def negative_mse(model, X_test, y_test):
        return -np.mean((model.predict(X_test) - y_test) ** 2)

    # scikit-learn accepts our splitter, so both see the same folds.
    np.testing.assert_allclose(
        cross_val_score(Ridge(), X, y, cv=cv, scoring=negative_mse),
        sk_model_selection.cross_val_score(
            Ridge(), X, y, cv=cv, scoring="neg_mean_squared_error"
        ),
        atol=1e-12,
    )


def test_confusion_matrix_matches_scikit_learn():
    rng = np.random.default_rng(0)
    y_true = rng.choice(["cat", "dog", "eel"], 100)
    y_pred = rng.choice(["cat", "dog", "eel"], 100)
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred),
        sk_metrics.confusion_matrix(y_true, y_pred),
    )
    labels = ["eel", "cat"]
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred, labels=labels),
        sk_metrics.confusion_matrix(y_true, y_pred, labels=labels),
    )


@pytest.mark.parametrize("drop_intermediate", [True, False])
def test_eq_ms_tpr_fpr_roc_curve_matches_scikit_learn(drop_intermediate):
    y, score = scores_with_ties()
    ours = roc_curve(y, score, drop_intermediate=drop_intermediate)
    theirs = sk_metrics.roc_curve(
        y, score, drop_intermediate=drop_intermediate
    )
    for mine, reference in zip(ours, theirs):
        assert mine.shape == reference.shape
        np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-12)


def test_roc_curve_with_string_labels_and_pos_label():
    y, score = scores_with_ties(seed=1)
    names = np.where(y == 1, "sick", "well")
    for mine, reference in zip(
        roc_curve(names, score, pos_label="sick"),
        sk_metrics.roc_curve(names, score, pos_label="sick"),
    ):
        np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-12)


def test_eq_ms_auc_matches_scikit_learn():
    y, score = scores_with_ties(seed=2)
    assert (
        abs(roc_auc_score(y, score) - sk_metrics.roc_auc_score(y, score))
        < 1e-12
    )


def test_eq_ms_auc_probability_equals_pairwise_win_rate():
    y, score = scores_with_ties(seed=3)
    positive, negative = score[y == 1], score[y == 0]
    wins = (positive[:, None] > negative[None, :]).mean()
    ties = (positive[:, None] == negative[None, :]).mean()
    assert abs(roc_auc_score(y, score) - (wins + ties / 2)) < 1e-12


def test_eq_ms_precision_recall_matches_scikit_learn():
    y, score = scores_with_ties(seed=4)
    for mine, reference in zip(
        precision_recall_curve(y, score),
        sk_metrics.precision_recall_curve(y, score),
    ):
        assert mine.shape == reference.shape
        np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-12)
    assert (
        abs(
            average_precision_score(y, score)
            - sk_metrics.average_precision_score(y, score)
        )
        < 1e-12
    )


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [3, 10])
def test_eq_ms_calibration_matches_scikit_learn(strategy, n_bins):
    y, score = scores_with_ties(seed=5)
    probability = 1.0 / (1.0 + np.exp(-score))
    for mine, reference in zip(
        calibration_curve(y, probability, n_bins=n_bins, strategy=strategy),
        sk_calibration.calibration_curve(
            y, probability, n_bins=n_bins, strategy=strategy
        ),
    ):
        np.testing.assert_allclose(mine, reference, rtol=0, atol=1e-12)


def test_eq_ms_binomial_se_closed_form():
    assert binomial_standard_error(0.5, 100) == pytest.approx(0.05)
    assert binomial_standard_error(1.0, 10) == 0.0


def test_eq_ms_bootstrap_interval_agrees_with_scipy_and_normal_theory():
    scipy_stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 2, 400)
    y_pred = np.where(rng.random(400) < 0.8, y_true, 1 - y_true)

    def accuracy(truth, predicted):
        return np.mean(truth == predicted)

    low, high = bootstrap_interval(
        y_true, y_pred, accuracy, n_resamples=4000, random_state=0
    )
    reference = scipy_stats.bootstrap(
        ((y_true == y_pred).astype(float),),
        np.mean,
        n_resamples=4000,
        method="percentile",
        random_state=1,
    ).confidence_interval
    # Two Monte Carlo estimates of the same interval, and the normal
    # approximation accuracy +- 1.96 standard errors.
    assert abs(low - reference.low) < 0.01
    assert abs(high - reference.high) < 0.01
    score = accuracy(y_true, y_pred)
    half_width = 1.96 * binomial_standard_error(score, 400)
    assert abs(low - (score - half_width)) < 0.01
    assert abs(high - (score + half_width)) < 0.01
    assert bootstrap_interval(
        y_true, y_pred, accuracy, random_state=5
    ) == bootstrap_interval(y_true, y_pred, accuracy, random_state=5)


@pytest.mark.parametrize(
    "make_call, message",
    [
        (lambda: list(KFold(1).split(np.zeros((5, 1)))), "n_splits must be"),
        (lambda: list(KFold(6).split(np.zeros((5, 1)))), "cannot be greater"),
        (
            lambda: list(KFold(2, random_state=0).split(np.zeros((5, 1)))),
            "shuffle is False",
        ),
        (
            lambda: list(StratifiedKFold(2).split(np.zeros((5, 1)))),
            "needs the labels",
        ),
        (
            lambda: list(
                StratifiedKFold(3).split(np.zeros((4, 1)), [0, 0, 1, 1])
            ),
            "every class",
        ),
        (
            lambda: list(StratifiedKFold(2).split(np.zeros((4, 1)), [0, 1])),
            "one label per sample",
        ),
        (lambda: train_test_split(np.zeros(5), np.zeros(4)), "same number"),
        (lambda: train_test_split(np.zeros(5), test_size=1.5), "test_size"),
        (lambda: train_test_split(np.zeros(5), test_size=5), "test_size"),
        (
            lambda: train_test_split(
                np.zeros(5), shuffle=False, stratify=np.zeros(5)
            ),
            "stratify",
        ),
        (
            lambda: cross_val_score(Ridge(), np.zeros((5, 1)), np.zeros(4)),
            "one entry per row",
        ),
        (lambda: cross_val_score(Ridge(), [[np.nan]] * 5, np.zeros(5)), "NaN"),
        (lambda: roc_curve([0, 1, 1], [0.1, 0.2]), "different lengths"),
        (lambda: roc_curve([0, 1], [0.1, np.inf]), "NaN or infinity"),
        (lambda: roc_curve([1, 1], [0.1, 0.2]), "both positive and negative"),
        (lambda: roc_curve(["a", "b"], [0.1, 0.2]), "pos_label"),
        (lambda: roc_curve([0, 1, 2], [0.1, 0.2, 0.3]), "two classes"),
        (lambda: roc_curve([[0, 1]], [[0.1, 0.2]]), "1-D"),
        (lambda: precision_recall_curve([0, 0], [0.1, 0.2]), "positive"),
        (lambda: calibration_curve([0, 1], [0.5, 1.2]), "outside"),
        (
            lambda: calibration_curve([0, 1], [0.5, 0.7], strategy="x"),
            "strategy",
        ),
        (lambda: confusion_matrix([0, 1], [0, 1, 1]), "different lengths"),
        (lambda: binomial_standard_error(1.5, 10), "proportion"),
        (
            lambda: bootstrap_interval(
                [0, 1], [0, 1], np.mean, confidence=1.0
            ),
            "confidence",
        ),
        (
            lambda: bootstrap_interval([0, 1, 1], [0, 1], np.mean),
            "different lengths",
        ),
    ],
)
def test_bad_input_raises_value_error(make_call, message):
    with pytest.raises(ValueError, match=message):
        make_call()


def test_bad_types_raise_type_error():
    with pytest.raises(TypeError, match="n_splits"):
        list(KFold(2.5).split(np.zeros((5, 1))))
    with pytest.raises(TypeError, match="cv must be"):
        cross_val_score(Ridge(), np.zeros((5, 1)), np.zeros(5), cv=2.5)
    with pytest.raises(TypeError, match="metric must be callable"):
        bootstrap_interval([0, 1], [0, 1], "accuracy")
