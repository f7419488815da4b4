"""The scikit-learn estimator contract, checked on every model alike.

Each chapter's tests check its model against scikit-learn; this module
checks what all models promise in the same way, as scikit-learn's common
estimator checks do: hyper-parameters stored unchanged, ``fit`` returning
``self``, the same seed giving the same model, and bad input (wrong
dimension, NaN or infinity, non-numeric or complex data, mismatched
lengths, no samples, labels that cannot be classes, ``predict`` before
``fit``, a different feature count) raising a clear error at the boundary.
Every public method that takes X (``predict``, ``predict_proba``,
``predict_log_proba``, ``decision_function``, ``transform``, ``score``) is
checked as ``predict`` is; ``fit`` must leave its input arrays and the
hyper-parameters alone; refitting gives the same model; a fitted model
survives pickling; column names of a table are kept and checked.

Most models take a table, X of shape (n_samples, n_features). The
convolutional network takes images (n_samples, channels, height, width)
and the recurrent models take sequences (n_samples, time, features): the
same data are given to them in that form (``as_input``), and the checks
are the same.
"""

import inspect

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from scratch.cnn import CNNClassifier
from scratch.dbscan import DBSCAN
from scratch.decision_tree import DecisionTreeClassifier, DecisionTreeRegressor
from scratch.fuzzy_cmeans import FuzzyCMeans
from scratch.kmeans import KMeans
from scratch.knn import KNeighborsClassifier, KNeighborsRegressor
from scratch.lda import LinearDiscriminantAnalysis
from scratch.linear_regression import LinearRegression
from scratch.logistic_regression import LogisticRegression
from scratch.lstm import LSTMClassifier, LSTMLanguageModel, LSTMRegressor
from scratch.mlp import MLPClassifier, MLPRegressor
from scratch.naive_bayes import GaussianNaiveBayes
from scratch.perceptron import Perceptron
from scratch.random_forest import RandomForestClassifier, RandomForestRegressor
from scratch.rnn import RNNClassifier, RNNLanguageModel, RNNRegressor
from scratch.svm import SVC
from scratch.validation import ConvergenceWarning, NotFittedError

CLASSIFIERS = [
    LogisticRegression,
    GaussianNaiveBayes,
    LinearDiscriminantAnalysis,
    KNeighborsClassifier,
    SVC,
    DecisionTreeClassifier,
    RandomForestClassifier,
    Perceptron,
    MLPClassifier,
    CNNClassifier,
    RNNClassifier,
    LSTMClassifier,
]
REGRESSORS = [
    LinearRegression,
    KNeighborsRegressor,
    DecisionTreeRegressor,
    RandomForestRegressor,
    MLPRegressor,
    RNNRegressor,
    LSTMRegressor,
]
CLUSTERERS = [KMeans, DBSCAN, FuzzyCMeans]
ALL = CLASSIFIERS + REGRESSORS + CLUSTERERS
# Language models learn from a string, not from (X, y): their own test
# modules check their input and seeds.
TEXT_MODELS = {RNNLanguageModel, LSTMLanguageModel}
IMAGE_MODELS = {CNNClassifier}
SEQUENCE_MODELS = {RNNClassifier, RNNRegressor, LSTMClassifier, LSTMRegressor}
# Small settings keep the ensembles and the networks quick; every other
# model uses its defaults.
NETWORK_SETTINGS = {"max_iter": 5}
SETTINGS = {
    RandomForestClassifier: {"n_estimators": 5},
    RandomForestRegressor: {"n_estimators": 5},
    MLPClassifier: {**NETWORK_SETTINGS, "hidden_layer_sizes": (8,)},
    MLPRegressor: {**NETWORK_SETTINGS, "hidden_layer_sizes": (8,)},
    CNNClassifier: {**NETWORK_SETTINGS, "filters": (4,)},
    Perceptron: {"max_iter": 20},
    **{
        Model: {**NETWORK_SETTINGS, "hidden_size": 8}
        for Model in SEQUENCE_MODELS
    },
}
BAD_MESSAGE = "NaN|inf|finite"
# Five epochs do not converge: the warning says so, and is not the point
# of these tests.
pytestmark = pytest.mark.filterwarnings(
    f"ignore::{ConvergenceWarning.__module__}.ConvergenceWarning"
)


def make(Model, **extra):
    return Model(**{**SETTINGS.get(Model, {}), **extra})


def as_input(Model, X):
    """The table X (n_samples, 3) in the form Model takes: for the CNN,
    3-channel 4 x 4 images, constant per channel; for the recurrent
    models, sequences of 4 steps whose features grow along the sequence."""
    if Model in IMAGE_MODELS:
        return X[:, :, None, None] * np.ones((1, 1, 4, 4))
    if Model in SEQUENCE_MODELS:
        return X[:, None, :] * np.linspace(0.25, 1.0, 4)[None, :, None]
    return X


def n_features_of(Model, X):
    """What n_features_in_ counts: columns of a table, features of one
    time step, or every pixel of every channel of an image."""
    if Model in IMAGE_MODELS:
        return int(np.prod(X.shape[1:]))
    return X.shape[-1]


def fewer_features(Model, X):
    """X with one feature (or channel) too few."""
    return X[..., :2] if Model in SEQUENCE_MODELS else X[:, :2]


@pytest.fixture(scope="module")
def data():
    """60 samples, 3 features, 3 well-separated groups: labels for the
    classifiers, a noisy linear target for the regressors."""
    X, groups = make_blobs(
        n_samples=60, centers=3, n_features=3, cluster_std=1.0, random_state=0
    )
    target = X @ [1.0, -2.0, 0.5] + np.random.default_rng(0).normal(size=60)
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
    X = as_input(Model, data[0])
    model = make(Model)
    assert fit(model, X, training_target(Model, data)) is model
    assert model.n_features_in_ == n_features_of(Model, X)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_same_random_state_gives_the_same_model(Model, data):
    X = as_input(Model, data[0])
    y = training_target(Model, data)
    extra = (
        {"random_state": 3}
        if "random_state" in inspect.signature(Model).parameters
        else {}
    )
    first = fit(make(Model, **extra), X, y)
    second = fit(make(Model, **extra), X, y)
    if hasattr(first, "predict"):
        np.testing.assert_array_equal(first.predict(X), second.predict(X))
    else:
        np.testing.assert_array_equal(first.labels_, second.labels_)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_at_fit_is_a_clear_error(Model, data, bad):
    X = as_input(Model, data[0]).copy()
    X[5, 1] = bad
    with pytest.raises(ValueError, match=BAD_MESSAGE):
        fit(make(Model), X, training_target(Model, data))


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_X_of_too_few_dimensions_is_a_clear_error(Model, data):
    y = training_target(Model, data)
    X = as_input(Model, data[0])
    with pytest.raises(ValueError, match=f"{X.ndim}-D"):
        fit(make(Model), X[..., 0], y)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_non_numeric_X_is_a_type_error(Model, data):
    X = as_input(Model, data[0]).astype(str)
    X[0, 0] = "abc"
    with pytest.raises(TypeError, match="numbers"):
        fit(make(Model), X, training_target(Model, data))


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_no_samples_is_a_clear_error(Model):
    y = None if Model in CLUSTERERS else np.array([])
    shape = as_input(Model, np.empty((0, 3))).shape
    with pytest.raises(ValueError, match="sample"):
        fit(make(Model), np.empty(shape), y)


@pytest.mark.parametrize("Model", CLASSIFIERS + REGRESSORS, ids=name_of)
def test_lengths_of_X_and_y_must_agree(Model, data):
    X = as_input(Model, data[0])
    y = training_target(Model, data)
    with pytest.raises(ValueError, match="length"):
        make(Model).fit(X, y[:-1])


@pytest.mark.parametrize("Model", REGRESSORS, ids=name_of)
def test_non_finite_regression_target_is_a_clear_error(Model, data):
    X, _, target = data
    y = target.copy()
    y[3] = np.nan
    with pytest.raises(ValueError, match=BAD_MESSAGE):
        make(Model).fit(as_input(Model, X), y)


PREDICTORS = [Model for Model in ALL if hasattr(Model, "predict")]


@pytest.mark.parametrize("Model", PREDICTORS, ids=name_of)
def test_predict_before_fit_is_a_not_fitted_error(Model, data):
    with pytest.raises(NotFittedError):
        make(Model).predict(as_input(Model, data[0]))


@pytest.mark.parametrize("Model", PREDICTORS, ids=name_of)
def test_predict_checks_the_feature_count_and_finiteness(Model, data):
    X = as_input(Model, data[0])
    model = fit(make(Model), X, training_target(Model, data))
    with pytest.raises(ValueError, match="feature"):
        model.predict(fewer_features(Model, X))
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=BAD_MESSAGE):
        model.predict(X_bad)


@pytest.mark.parametrize("Model", CLASSIFIERS, ids=name_of)
def test_string_labels_come_back_as_given(Model, data):
    X, groups, _ = data
    X = as_input(Model, X)
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
            if (
                inspect.isclass(value)
                and not name.startswith("_")
                and value.__module__ == module.__name__
                and hasattr(value, "fit")
            ):
                found.add(value)
    assert found == set(ALL) | TEXT_MODELS


# Every public method that takes X is held to the same contract as
# predict: NotFittedError before fit, then the feature count and
# finiteness checked. ``score`` takes the target as well.
METHODS = [
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "transform",
    "score",
]
MODEL_METHODS = [
    (Model, method)
    for Model in ALL
    for method in METHODS
    if hasattr(Model, method)
]


def method_ids(value):
    return value.__name__ if inspect.isclass(value) else value


def call(model, method, X, y):
    if method == "score":
        return model.score(X, y)
    return getattr(model, method)(X)


@pytest.mark.parametrize("Model, method", MODEL_METHODS, ids=method_ids)
def test_every_method_before_fit_is_a_not_fitted_error(Model, method, data):
    X = as_input(Model, data[0])
    with pytest.raises(NotFittedError):
        call(make(Model), method, X, training_target(Model, data))


@pytest.mark.parametrize("Model, method", MODEL_METHODS, ids=method_ids)
def test_every_method_checks_the_feature_count_and_finiteness(
    Model, method, data
):
    X = as_input(Model, data[0])
    y = training_target(Model, data)
    model = fit(make(Model), X, y)
    with pytest.raises(ValueError, match="feature"):
        call(model, method, fewer_features(Model, X), y)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match=BAD_MESSAGE):
        call(model, method, X_bad, y)


# Part III models written before the shared base classes existed; each
# entry names what its module still lacks. strict=True: the mark must go
# as soon as the module gets it.
# Contracts a model is known not to meet yet, each with what would fix
# it; strict, so that the entry must go once the model is fixed.
PENDING = {}


def with_pending(models, contract):
    """``models`` as pytest parameters, those in PENDING for this
    contract marked as expected to fail."""
    return [
        pytest.param(
            Model,
            id=Model.__name__,
            marks=[
                pytest.mark.xfail(strict=True, reason=PENDING[contract, Model])
            ],
        )
        if (contract, Model) in PENDING
        else pytest.param(Model, id=Model.__name__)
        for Model in models
    ]


SCORERS = [
    Model for Model in CLASSIFIERS + REGRESSORS if hasattr(Model, "score")
]


@pytest.mark.parametrize("Model", with_pending(SCORERS, "score"))
def test_score_refuses_a_column_vector_or_a_wrong_length_y(Model, data):
    X = as_input(Model, data[0])
    y = training_target(Model, data)
    model = make(Model).fit(X, y)
    assert 0.0 <= model.score(X, y) <= 1.0 or Model in REGRESSORS
    with pytest.raises(ValueError, match="1-D|shape"):
        model.score(X, y[:, None])
    with pytest.raises(ValueError, match="length|shape"):
        model.score(X, y[:-1])


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_fit_changes_neither_its_input_nor_the_hyper_parameters(Model, data):
    X = as_input(Model, data[0])
    y = training_target(Model, data)
    X_before = X.copy()
    y_before = None if y is None else y.copy()
    model = make(Model)
    names = [name for name in inspect.signature(Model).parameters]
    before = {name: getattr(model, name) for name in names}
    fit(model, X, y)
    np.testing.assert_array_equal(X, X_before)
    if y is not None:
        np.testing.assert_array_equal(y, y_before)
    for name in names:
        assert getattr(model, name) is before[name], name


def outputs(model, X):
    """Everything a fitted model says about X, for comparing two fits."""
    found = {}
    for method in [
        "predict",
        "predict_proba",
        "decision_function",
        "transform",
    ]:
        if hasattr(model, method):
            found[method] = getattr(model, method)(X)
    if not found:
        found["labels_"] = model.labels_
    return found


def seeded(Model):
    extra = (
        {"random_state": 3}
        if "random_state" in inspect.signature(Model).parameters
        else {}
    )
    return make(Model, **extra)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_refitting_the_same_instance_gives_the_same_model(Model, data):
    X = as_input(Model, data[0])
    y = training_target(Model, data)
    model = fit(seeded(Model), X, y)
    first = outputs(model, X)
    second = outputs(fit(model, X, y), X)
    for method, value in first.items():
        np.testing.assert_array_equal(value, second[method], err_msg=method)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_pickling_round_trips_a_fitted_model(Model, data):
    import pickle

    X = as_input(Model, data[0])
    model = fit(seeded(Model), X, training_target(Model, data))
    copy = pickle.loads(pickle.dumps(model))
    assert type(copy) is Model
    expected = outputs(model, X)
    for method, value in outputs(copy, X).items():
        np.testing.assert_array_equal(value, expected[method], err_msg=method)


@pytest.mark.parametrize("Model", ALL, ids=name_of)
def test_complex_X_is_refused(Model, data):
    X = as_input(Model, data[0]) + 1j
    with pytest.raises(ValueError, match="[Cc]omplex"):
        fit(make(Model), X, training_target(Model, data))


BAD_LABELS = {
    "None": [None, "a", "b"],
    "NaN": [np.nan, 1.0, 2.0],
    "mixed types": [1, "a", "b"],
}


@pytest.mark.parametrize("Model", CLASSIFIERS, ids=name_of)
@pytest.mark.parametrize("kind", BAD_LABELS)
def test_labels_that_cannot_be_classes_are_a_clear_error(Model, kind, data):
    X, groups, _ = data
    labels = np.array(BAD_LABELS[kind], dtype=object)[groups]
    with pytest.raises(ValueError, match="label"):
        make(Model).fit(as_input(Model, X), labels)


@pytest.mark.parametrize("Model", CLASSIFIERS, ids=name_of)
def test_a_regression_target_given_to_a_classifier_is_a_clear_error(
    Model, data
):
    X, _, target = data
    with pytest.raises(ValueError, match="continuous"):
        make(Model).fit(as_input(Model, X), target)


class Table:
    """A stand-in for a pandas DataFrame: named columns and __array__."""

    def __init__(self, values, columns):
        self.values = np.asarray(values, dtype=np.float64)
        self.columns = list(columns)

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)

    def reorder(self, columns):
        at = [self.columns.index(name) for name in columns]
        return Table(self.values[:, at], columns)


TABLE_MODELS = [
    Model for Model in ALL if Model not in IMAGE_MODELS | SEQUENCE_MODELS
]
NAMES = ["height", "weight", "age"]


@pytest.mark.parametrize("Model", with_pending(TABLE_MODELS, "feature_names"))
def test_column_names_are_kept_and_checked_at_predict(Model, data):
    X = data[0]
    table = Table(X, NAMES)
    model = fit(make(Model), table, training_target(Model, data))
    np.testing.assert_array_equal(model.feature_names_in_, NAMES)
    if not hasattr(Model, "predict"):
        return
    np.testing.assert_array_equal(model.predict(table), model.predict(X))
    with pytest.raises(ValueError, match="feature names.*order"):
        model.predict(table.reorder(["weight", "height", "age"]))
    with pytest.raises(ValueError, match="feature names.*unexpected"):
        model.predict(Table(X, ["height", "weight", "income"]))


@pytest.mark.parametrize("Model", TABLE_MODELS, ids=name_of)
def test_refit_on_an_array_forgets_the_column_names(Model, data):
    X = data[0]
    y = training_target(Model, data)
    model = fit(make(Model), Table(X, NAMES), y)
    fit(model, X, y)
    assert not hasattr(model, "feature_names_in_")


# Trees only compare values and halve thresholds, so extreme data are no
# trouble for them: they must still give the right answer. Every other
# model squares its input somewhere and must say so instead of answering
# with infinities or NaN.
EXTREME_SAFE = {
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
}


@pytest.mark.parametrize("Model", with_pending(ALL, "extreme"))
def test_data_near_the_float_maximum_give_an_error_or_the_right_answer(
    Model, data
):
    X, groups, _ = data
    X_extreme = as_input(Model, X) * 1e300
    y = None if Model in CLUSTERERS else groups
    if Model in EXTREME_SAFE:
        model = fit(make(Model, random_state=0), X_extreme, y)
        reference = fit(make(Model, random_state=0), as_input(Model, X), y)
        np.testing.assert_array_equal(
            model.predict(X_extreme), reference.predict(as_input(Model, X))
        )
    else:
        with pytest.raises(ValueError, match="overflow|NaN or infinity"):
            fit(make(Model), X_extreme, y)
