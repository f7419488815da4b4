"""The estimator contract of DESIGN.md, checked on every model alike.

Each chapter's tests check its model against scikit-learn; this module
checks what all models promise in the same way, as scikit-learn's common
estimator checks do: hyper-parameters stored unchanged, ``fit`` returning
``self``, the same seed giving the same model, and bad input (wrong
dimension, NaN or infinity, non-numeric data, mismatched lengths, no
samples, ``predict`` before ``fit``, a different feature count) raising a
clear error at the boundary.
"""

import inspect

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from scratch.dbscan import DBSCAN
from scratch.decision_tree import (DecisionTreeClassifier,
                                   DecisionTreeRegressor)
from scratch.fuzzy_cmeans import FuzzyCMeans
from scratch.kmeans import KMeans
from scratch.knn import KNeighborsClassifier, KNeighborsRegressor
from scratch.lda import LinearDiscriminantAnalysis
from scratch.linear_regression import LinearRegression
from scratch.logistic_regression import LogisticRegression
from scratch.naive_bayes import GaussianNaiveBayes
from scratch.random_forest import (RandomForestClassifier,
                                   RandomForestRegressor)
from scratch.svm import SVC
from scratch.validation import NotFittedError

CLASSIFIERS = [LogisticRegression, GaussianNaiveBayes,
               LinearDiscriminantAnalysis, KNeighborsClassifier, SVC,
               DecisionTreeClassifier, RandomForestClassifier]
REGRESSORS = [LinearRegression, KNeighborsRegressor, DecisionTreeRegressor,
              RandomForestRegressor]
CLUSTERERS = [KMeans, DBSCAN, FuzzyCMeans]
ALL = CLASSIFIERS + REGRESSORS + CLUSTERERS
# Small settings keep the forests quick; every other model uses defaults.
SETTINGS = {RandomForestClassifier: {"n_estimators": 5},
            RandomForestRegressor: {"n_estimators": 5}}
BAD_MESSAGE = "NaN|inf|finite"


def make(Model, **extra):
    return Model(**{**SETTINGS.get(Model, {}), **extra})


@pytest.fixture(scope="module")
def data():
    """60 samples, 3 features, 3 well-separated groups: labels for the
    classifiers, a noisy linear target for the regressors."""
    X, groups = make_blobs(n_samples=60, centers=3, n_features=3,
                           cluster_std=1.0, random_state=0)
    target = X @ [1.0, -2.0, 0.5] + np.random.default_rng(0).normal(
        size=60)
    return X, groups, target


def training_target(Model, data):
    X, groups, target = data
    if Model in CLASSIFIERS:
        return groups
    if Model in REGRESSORS:
        return target
    return None


def fit(model, X, y):
    return model.fit(X) if y is None else model.fit(X, y)


def name_of(Model):
    return Model.__name__


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_init_stores_every_hyper_parameter_unchanged(Model):
    parameters = inspect.signature(Model.__init__).parameters
    names = [name for name in parameters if name != "self"]
    assert names, "a model without hyper-parameters?"
    for name in names:
        default = parameters[name].default
        assert default is not inspect.Parameter.empty, name
        assert getattr(Model(), name) is default, name
    # A value that fails validation is still only stored by __init__:
    # checks happen in fit, as in scikit-learn.
    sentinel = object()
    for name in names:
        assert getattr(Model(**{name: sentinel}), name) is sentinel


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_fit_returns_self_and_sets_n_features_in(Model, data):
    X = data[0]
    model = make(Model)
    assert fit(model, X, training_target(Model, data)) is model
    assert model.n_features_in_ == X.shape[1]


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_same_random_state_gives_the_same_model(Model, data):
    X = data[0]
    y = training_target(Model, data)
    extra = ({"random_state": 3}
             if "random_state" in inspect.signature(Model).parameters
             else {})
    first = fit(make(Model, **extra), X, y)
    second = fit(make(Model, **extra), X, y)
    if hasattr(first, "predict"):
        np.testing.assert_array_equal(first.predict(X), second.predict(X))
    else:
        np.testing.assert_array_equal(first.labels_, second.labels_)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_at_fit_is_a_clear_error(Model, data, bad):
    X = data[0].copy()
    X[5, 1] = bad
    with pytest.raises(ValueError, match=BAD_MESSAGE):
        fit(make(Model), X, training_target(Model, data))


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_one_dimensional_X_is_a_clear_error(Model, data):
    y = training_target(Model, data)
    with pytest.raises(ValueError, match="2-D"):
        fit(make(Model), data[0][:, 0], y)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_non_numeric_X_is_a_type_error(Model, data):
    X = data[0].astype(str)
    X[0, 0] = "abc"
    with pytest.raises(TypeError, match="numbers"):
        fit(make(Model), X, training_target(Model, data))


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_no_samples_is_a_clear_error(Model):
    y = None if Model in CLUSTERERS else np.array([])
    with pytest.raises(ValueError, match="sample"):
        fit(make(Model), np.empty((0, 3)), y)


@pytest.mark.parametrize("Model", CLASSIFIERS + REGRESSORS, ids=name_of)
def test_lengths_of_X_and_y_must_agree(Model, data):
    X = data[0]
    y = training_target(Model, data)
    with pytest.raises(ValueError, match="length"):
        make(Model).fit(X, y[:-1])


@pytest.mark.parametrize("Model", REGRESSORS, ids=name_of)
def test_non_finite_regression_target_is_a_clear_error(Model, data):
    X, _, target = data
    y = target.copy()
    y[3] = np.nan
    with pytest.raises(ValueError, match=BAD_MESSAGE):
        make(Model).fit(X, y)


PREDICTORS = [Model for Model in ALL if hasattr(Model, "predict")]


@pytest.mark.parametrize("Model", PREDICTORS, ids=name_of)
def test_predict_before_fit_is_a_not_fitted_error(Model, data):
    with pytest.raises(NotFittedError):
        make(Model).predict(data[0])


@pytest.mark.parametrize("Model", PREDICTORS, ids=name_of)
def test_predict_checks_the_feature_count_and_finiteness(Model, data):
    X = data[0]
    model = fit(make(Model), X, training_target(Model, data))
    with pytest.raises(ValueError, match="feature"):
        model.predict(X[:, :2])
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=BAD_MESSAGE):
        model.predict(X_bad)


@pytest.mark.parametrize("Model", CLASSIFIERS, ids=name_of)
def test_string_labels_come_back_as_given(Model, data):
    X, groups, _ = data
    names = np.array(["setosa", "versicolor", "virginica"])[groups]
    model = make(Model).fit(X, names)
    assert set(model.predict(X)) <= set(names)
    np.testing.assert_array_equal(model.classes_, np.unique(names))
    if hasattr(model, "predict_proba"):
        probabilities = model.predict_proba(X)
        assert probabilities.shape == (len(X), 3)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_every_model_of_the_package_is_checked_here():
    import importlib
    import pathlib

    import scratch
    package = pathlib.Path(scratch.__file__).parent
    found = set()
    for path in package.glob("*.py"):
        module = importlib.import_module(f"scratch.{path.stem}")
        for name, value in vars(module).items():
            if (inspect.isclass(value) and not name.startswith("_")
                    and value.__module__ == module.__name__
                    and hasattr(value, "fit")):
                found.add(value)
    assert found == set(ALL)
