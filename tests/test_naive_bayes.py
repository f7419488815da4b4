"""Tests for scratch.naive_bayes, against scikit-learn and closed forms.

Each test states a claim of book/supervised/naive_bayes.md. Several guard
against estimating the statistics on the test set, which leaks its labels
into the model.
"""

import warnings

import numpy as np
import pytest
from sklearn.naive_bayes import GaussianNB

from scratch.naive_bayes import GaussianNaiveBayes
from scratch.validation import NotFittedError


@pytest.fixture
def small_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    y = np.repeat([0, 1, 2], 30)
    X += y[:, None] * np.array([1.0, -0.5, 0.0, 2.0])
    return X, y


def split(X, y, seed=0):
    order = np.random.default_rng(seed).permutation(len(y))
    cut = 2 * len(y) // 3
    return X[order[:cut]], X[order[cut:]], y[order[:cut]], y[order[cut:]]


# --- agreement with scikit-learn -------------------------------------------


def test_predict_proba_matches_sklearn_gaussian_nb(dataset):
    X_train, X_test, y_train, _ = split(*dataset)
    ours = GaussianNaiveBayes().fit(X_train, y_train)
    theirs = GaussianNB().fit(X_train, y_train)
    np.testing.assert_allclose(
        ours.predict_proba(X_test), theirs.predict_proba(X_test), atol=1e-6
    )
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))


def test_fitted_attributes_match_sklearn(dataset):
    X, y = dataset
    ours = GaussianNaiveBayes().fit(X, y)
    theirs = GaussianNB().fit(X, y)
    np.testing.assert_allclose(ours.theta_, theirs.theta_, rtol=1e-12)
    np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-10)
    np.testing.assert_allclose(ours.class_prior_, theirs.class_prior_)
    np.testing.assert_array_equal(ours.class_count_, theirs.class_count_)
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.epsilon_ == pytest.approx(theirs.epsilon_, rel=1e-12)
    assert ours.n_features_in_ == theirs.n_features_in_


@pytest.mark.parametrize("var_smoothing", [0.0, 1e-9, 1e-3, 0.5])
def test_eq_nb_smoothing_matches_sklearn_for_any_amount(
    small_data, var_smoothing
):
    X, y = small_data
    ours = GaussianNaiveBayes(var_smoothing=var_smoothing).fit(X, y)
    theirs = GaussianNB(var_smoothing=var_smoothing).fit(X, y)
    np.testing.assert_allclose(ours.var_, theirs.var_, rtol=1e-12)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9
    )


def test_user_priors_match_sklearn(small_data):
    X, y = small_data
    priors = [0.7, 0.2, 0.1]
    ours = GaussianNaiveBayes(priors=priors).fit(X, y)
    theirs = GaussianNB(priors=priors).fit(X, y)
    np.testing.assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9
    )


def test_predict_log_proba_matches_sklearn(small_data):
    X, y = small_data
    ours = GaussianNaiveBayes().fit(X, y)
    theirs = GaussianNB().fit(X, y)
    np.testing.assert_allclose(
        ours.predict_log_proba(X), theirs.predict_log_proba(X), atol=1e-9
    )


def test_score_is_accuracy_as_in_sklearn(dataset):
    X, y = dataset
    ours = GaussianNaiveBayes().fit(X, y)
    assert ours.score(X, y) == pytest.approx(
        GaussianNB().fit(X, y).score(X, y)
    )


# --- the estimates: eq-nb-mle and eq-nb-smoothing ---------------------------


def test_eq_nb_mle_means_and_variances_are_per_class(small_data):
    # Independent reference: np.mean / np.var of each class's own rows.
    X, y = small_data
    model = GaussianNaiveBayes(var_smoothing=0.0).fit(X, y)
    for k, label in enumerate(model.classes_):
        rows = X[y == label]
        np.testing.assert_allclose(
            model.theta_[k], rows.mean(axis=0), rtol=1e-12
        )
        np.testing.assert_allclose(model.var_[k], rows.var(axis=0), rtol=1e-12)
        assert model.class_count_[k] == len(rows)
        assert model.class_prior_[k] == pytest.approx(len(rows) / len(y))
    # The classes really differ, so a shared mean would fail above.
    assert not np.allclose(model.theta_[0], model.theta_[2], atol=0.5)


def test_eq_nb_mle_variance_is_biased_not_unbiased(small_data):
    X, y = small_data
    model = GaussianNaiveBayes(var_smoothing=0.0).fit(X, y)
    rows = X[y == 0]
    assert not np.allclose(model.var_[0], rows.var(axis=0, ddof=1))


def test_eq_nb_smoothing_adds_epsilon_from_the_largest_variance(small_data):
    X, y = small_data
    X = X * np.array([1.0, 10.0, 0.1, 1.0])  # the widest is feature 1
    raw = GaussianNaiveBayes(var_smoothing=0.0).fit(X, y)
    smoothed = GaussianNaiveBayes(var_smoothing=0.01).fit(X, y)
    epsilon = 0.01 * X[:, 1].var()
    assert smoothed.epsilon_ == pytest.approx(epsilon, rel=1e-12)
    np.testing.assert_allclose(smoothed.var_ - raw.var_, epsilon, rtol=1e-9)


def test_statistics_come_from_the_training_set_only(small_data):
    # Statistics estimated on the test set would leak its labels.
    X, y = small_data
    X_train, X_test, y_train, y_test = split(X, y)
    model = GaussianNaiveBayes(var_smoothing=0.0).fit(X_train, y_train)
    before = (model.theta_.copy(), model.var_.copy())
    model.predict_proba(X_test + 5.0)  # a shifted test set
    np.testing.assert_array_equal(model.theta_, before[0])
    np.testing.assert_array_equal(model.var_, before[1])
    for k, label in enumerate(model.classes_):
        np.testing.assert_allclose(
            model.theta_[k], X_train[y_train == label].mean(axis=0)
        )
        assert not np.allclose(
            model.theta_[k], X_test[y_test == label].mean(axis=0)
        )


def test_each_prediction_depends_only_on_its_own_row(small_data):
    # Statistics computed from the batch at predict time would break this.
    X, y = small_data
    model = GaussianNaiveBayes().fit(X, y)
    batch = model.predict_proba(X[:20])
    one_by_one = np.vstack(
        [model.predict_proba(X[i : i + 1]) for i in range(20)]
    )
    np.testing.assert_allclose(batch, one_by_one, rtol=1e-13)


# --- prediction: eq-nb-bayes-rule, eq-nb-joint-log-likelihood --------------


def gaussian_density(x, mean, variance):
    return np.exp(-((x - mean) ** 2) / (2 * variance)) / np.sqrt(
        2 * np.pi * variance
    )


def test_eq_nb_bayes_rule_posterior_from_densities(small_data):
    # Closed form: pi_k prod_j N(x_j; mu_kj, v_kj), normalised over k.
    X, y = small_data
    model = GaussianNaiveBayes().fit(X, y)
    joint = np.column_stack(
        [
            model.class_prior_[k]
            * np.prod(
                gaussian_density(X, model.theta_[k], model.var_[k]), axis=1
            )
            for k in range(3)
        ]
    )
    np.testing.assert_allclose(
        model.predict_proba(X),
        joint / joint.sum(axis=1, keepdims=True),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        model.predict_joint_log_proba(X), np.log(joint), rtol=1e-10
    )


def test_eq_nb_joint_log_likelihood_shifts_by_log_prior(small_data):
    # The prior enters as log pi_k: changing priors moves every joint
    # log-likelihood by exactly log(new / old), whatever x is.
    X, y = small_data
    old = GaussianNaiveBayes(priors=[1 / 3, 1 / 3, 1 / 3]).fit(X, y)
    new_priors = np.array([0.90, 0.09, 0.01])
    new = GaussianNaiveBayes(priors=new_priors).fit(X, y)
    shift = new.predict_joint_log_proba(X) - old.predict_joint_log_proba(X)
    np.testing.assert_allclose(
        shift,
        np.broadcast_to(np.log(new_priors / (1 / 3)), shift.shape),
        atol=1e-10,
    )


def test_unbalanced_priors_change_predictions_as_bayes_rule_says(small_data):
    X, y = small_data
    flat = GaussianNaiveBayes(priors=[1 / 3, 1 / 3, 1 / 3]).fit(X, y)
    skewed_priors = np.array([0.98, 0.01, 0.01])
    skewed = GaussianNaiveBayes(priors=skewed_priors).fit(X, y)
    expected = flat.predict_proba(X) * skewed_priors
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(skewed.predict_proba(X), expected, rtol=1e-10)
    assert np.mean(skewed.predict(X) == 0) > np.mean(flat.predict(X) == 0)


def test_predict_is_the_argmax_of_predict_proba(dataset):
    X, y = dataset
    model = GaussianNaiveBayes().fit(X, y)
    np.testing.assert_array_equal(
        model.predict(X),
        model.classes_[np.argmax(model.predict_proba(X), axis=1)],
    )


def test_eq_nb_log_posterior_stays_finite_far_from_the_data(small_data):
    # Densities underflow to 0 at distance 1e3; log-sum-exp does not.
    X, y = small_data
    model = GaussianNaiveBayes().fit(X, y)
    far = np.full((3, 4), 1e3) * np.array([[1], [-1], [10]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_proba = model.predict_log_proba(far)
        proba = model.predict_proba(far)
    assert np.all(np.isfinite(log_proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(
        proba, GaussianNB().fit(X, y).predict_proba(far), atol=1e-6
    )


def test_probabilities_sum_to_one(dataset):
    X, y = dataset
    proba = GaussianNaiveBayes().fit(X, y).predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)


def test_a_duplicated_feature_is_counted_twice(small_data):
    # The cost of eq-nb-independence: a copy of feature 0 adds its
    # log-likelihood a second time, so the evidence is double-counted.
    X, y = small_data
    base = GaussianNaiveBayes().fit(X, y)
    doubled = GaussianNaiveBayes().fit(np.column_stack([X, X[:, 0]]), y)
    only_first = GaussianNaiveBayes().fit(X[:, :1], y)
    jll = base.predict_joint_log_proba(X)
    jll_doubled = doubled.predict_joint_log_proba(
        np.column_stack([X, X[:, 0]])
    )
    extra = only_first.predict_joint_log_proba(X[:, :1]) - np.log(
        only_first.class_prior_
    )
    np.testing.assert_allclose(jll_doubled, jll + extra, rtol=1e-9)


# --- edge cases --------------------------------------------------------------


def test_zero_variance_feature_gives_finite_results(small_data):
    X, y = small_data
    X = np.column_stack([X, np.full(len(X), 3.0)])
    ours = GaussianNaiveBayes().fit(X, y)
    assert np.all(ours.var_ > 0)
    proba = ours.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(
        proba, GaussianNB().fit(X, y).predict_proba(X), atol=1e-6
    )


def test_feature_constant_within_one_class_is_finite(small_data):
    X, y = small_data
    X = X.copy()
    X[y == 1, 2] = 0.5
    proba = GaussianNaiveBayes().fit(X, y).predict_proba(X)
    assert np.all(np.isfinite(proba))


def test_single_sample_class_is_finite_thanks_to_var_smoothing(small_data):
    X, y = small_data
    y = y.copy()
    y[0] = 7  # class 7 has one sample, so zero raw variance
    ours = GaussianNaiveBayes().fit(X, y)
    k = list(ours.classes_).index(7)
    np.testing.assert_allclose(ours.var_[k], ours.epsilon_)
    proba = ours.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(
        proba, GaussianNB().fit(X, y).predict_proba(X), atol=1e-6
    )
    assert ours.predict(X[:1])[0] == 7


def test_single_sample_class_without_smoothing_is_a_clear_error(small_data):
    X, y = small_data
    y = y.copy()
    y[0] = 7
    with pytest.raises(ValueError, match="zero variance"):
        GaussianNaiveBayes(var_smoothing=0.0).fit(X, y)


def test_all_features_constant_is_a_clear_error():
    X = np.ones((10, 2))
    y = np.repeat([0, 1], 5)
    with pytest.raises(ValueError, match="zero variance"):
        GaussianNaiveBayes().fit(X, y)


def test_string_labels_come_back_as_given(small_data):
    X, y = small_data
    names = np.array(["setosa", "beta", "zeta"])[y]
    model = GaussianNaiveBayes().fit(X, names)
    assert set(model.predict(X)) <= set(names)
    np.testing.assert_array_equal(model.classes_, ["beta", "setosa", "zeta"])
    numeric = GaussianNaiveBayes().fit(X, y)
    np.testing.assert_array_equal(
        model.predict(X),
        np.array(["setosa", "beta", "zeta"])[numeric.predict(X)],
    )


def test_non_contiguous_integer_labels_come_back_as_given(small_data):
    X, y = small_data
    labels = np.array([-5, 10, 42])[y]
    ours = GaussianNaiveBayes().fit(X, labels)
    np.testing.assert_array_equal(ours.classes_, [-5, 10, 42])
    np.testing.assert_array_equal(
        ours.predict(X), GaussianNB().fit(X, labels).predict(X)
    )


def test_fitting_twice_gives_the_same_model(small_data):
    X, y = small_data
    a = GaussianNaiveBayes().fit(X, y)
    b = GaussianNaiveBayes().fit(X, y)
    np.testing.assert_array_equal(a.theta_, b.theta_)
    np.testing.assert_array_equal(a.var_, b.var_)


def test_fit_returns_self_and_keeps_hyper_parameters(small_data):
    X, y = small_data
    priors = [0.5, 0.25, 0.25]
    model = GaussianNaiveBayes(priors=priors, var_smoothing=1e-5)
    assert model.fit(X, y) is model
    assert model.priors is priors and model.var_smoothing == 1e-5


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_X_is_rejected(small_data, bad):
    X, y = small_data
    X = X.copy()
    X[3, 1] = bad
    with pytest.raises(ValueError, match="NaN or infinity"):
        GaussianNaiveBayes().fit(X, y)
    model = GaussianNaiveBayes().fit(small_data[0], y)
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.predict(X)


def test_wrong_dimensions_are_rejected(small_data):
    X, y = small_data
    with pytest.raises(ValueError, match="2-D"):
        GaussianNaiveBayes().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="1-D"):
        GaussianNaiveBayes().fit(X, y[:, None])


def test_mismatched_lengths_are_rejected(small_data):
    X, y = small_data
    with pytest.raises(ValueError, match="different lengths"):
        GaussianNaiveBayes().fit(X, y[:-1])


def test_one_class_is_rejected(small_data):
    X, _ = small_data
    with pytest.raises(ValueError, match="at least 2"):
        GaussianNaiveBayes().fit(X, np.zeros(len(X)))


def test_non_numeric_X_is_a_type_error(small_data):
    _, y = small_data
    with pytest.raises(TypeError, match="numbers"):
        GaussianNaiveBayes().fit([["a", "b"]] * len(y), y)


@pytest.mark.parametrize(
    "value, error, message",
    [
        (-1e-9, ValueError, "var_smoothing must be >= 0"),
        ("1e-9", TypeError, "var_smoothing must be a number"),
        (True, TypeError, "var_smoothing must be a number"),
    ],
)
def test_invalid_var_smoothing_is_rejected(small_data, value, error, message):
    with pytest.raises(error, match=message):
        GaussianNaiveBayes(var_smoothing=value).fit(*small_data)


@pytest.mark.parametrize(
    "priors, message",
    [
        ([0.5, 0.5], "one entry per class"),
        ([0.5, 0.6, -0.1], "positive"),
        ([0.0, 0.5, 0.5], "positive"),
        ([0.2, 0.2, 0.2], "sum to 1"),
        ([np.nan, 0.5, 0.5], "positive and finite"),
    ],
)
def test_invalid_priors_are_rejected(small_data, priors, message):
    with pytest.raises(ValueError, match=message):
        GaussianNaiveBayes(priors=priors).fit(*small_data)


@pytest.mark.parametrize(
    "method", ["predict", "predict_proba", "predict_log_proba"]
)
def test_predict_before_fit_raises_not_fitted(small_data, method):
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(GaussianNaiveBayes(), method)(small_data[0])


def test_different_feature_count_at_predict_is_rejected(small_data):
    X, y = small_data
    model = GaussianNaiveBayes().fit(X, y)
    with pytest.raises(ValueError, match="3 features, but"):
        model.predict(X[:, :3])
