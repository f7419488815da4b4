"""Every model is a scikit-learn citizen.

scikit-learn's own estimator checks (``parametrize_with_checks``) run on
every model, with a short list of expected failures per model, each with
its reason; and the tools a reader reaches for first, ``clone``,
``Pipeline``, ``cross_val_score`` and ``GridSearchCV``, are run on every
model that has ``score``. Models are listed once, in ``ESTIMATORS``; a new
model is added there (with its small settings) and, if it needs them, in
``EXPECTED_FAILURES`` and ``PARAM_GRIDS``.
"""

import inspect
import pickle

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_clusterer, is_regressor
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from scratch.cnn import CNNClassifier
from scratch.dbscan import DBSCAN
from scratch.decision_tree import DecisionTreeClassifier, DecisionTreeRegressor
from scratch.fuzzy_cmeans import FuzzyCMeans
from scratch.kmeans import KMeans
from scratch.knn import KNeighborsClassifier, KNeighborsRegressor
from scratch.lda import LinearDiscriminantAnalysis
from scratch.linear_regression import LinearRegression
from scratch.logistic_regression import LogisticRegression
from scratch.lstm import LSTMClassifier, LSTMRegressor
from scratch.mlp import MLPClassifier, MLPRegressor
from scratch.naive_bayes import GaussianNaiveBayes
from scratch.perceptron import Perceptron
from scratch.random_forest import RandomForestClassifier, RandomForestRegressor
from scratch.rnn import RNNClassifier, RNNRegressor
from scratch.svm import SVC
from scratch.validation import ConvergenceWarning
from test_estimator_contract import CLASSIFIERS, CLUSTERERS, as_input

# One instance per model, with settings that keep the checks quick.
ESTIMATORS = [
    LinearRegression(),
    LogisticRegression(),
    GaussianNaiveBayes(),
    LinearDiscriminantAnalysis(),
    KNeighborsClassifier(),
    KNeighborsRegressor(),
    SVC(),
    DecisionTreeClassifier(),
    DecisionTreeRegressor(),
    RandomForestClassifier(n_estimators=5),
    RandomForestRegressor(n_estimators=5),
    KMeans(),
    DBSCAN(),
    FuzzyCMeans(),
    Perceptron(),
    MLPClassifier(
        hidden_layer_sizes=(8,),
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
    ),
    MLPRegressor(
        hidden_layer_sizes=(8,),
        learning_rate_init=0.01,
        max_iter=300,
        random_state=0,
    ),
]

# Reasons shared by the models they apply to.
OWN_NOT_FITTED_ERROR = (
    "predict before fit raises the package's own NotFittedError, a "
    "ValueError and AttributeError like scikit-learn's but not a subclass "
    "of it, since the package does not import scikit-learn"
)
COLUMN_Y_REFUSED = (
    "a column-vector y of shape (n, 1) is refused with a clear error "
    "instead of being flattened with a DataConversionWarning"
)
SUPERVISED = {
    "check_estimators_unfitted": OWN_NOT_FITTED_ERROR,
    "check_supervised_y_2d": COLUMN_Y_REFUSED,
}
EXPECTED_FAILURES = {
    "LinearRegression": {
        **SUPERVISED,
        "check_non_transformer_estimators_n_iter": (
            "n_iter_ is None for the direct solvers (lstsq, cholesky), "
            "which do not iterate; only solver='gd' counts steps"
        ),
    },
    **{
        name: SUPERVISED
        for name in [
            "LogisticRegression",
            "GaussianNaiveBayes",
            "LinearDiscriminantAnalysis",
            "KNeighborsClassifier",
            "KNeighborsRegressor",
            "SVC",
            "DecisionTreeClassifier",
            "DecisionTreeRegressor",
            "RandomForestClassifier",
            "RandomForestRegressor",
            "Perceptron",
            "MLPClassifier",
        ]
    },
    "KMeans": {"check_estimators_unfitted": OWN_NOT_FITTED_ERROR},
    "FuzzyCMeans": {"check_estimators_unfitted": OWN_NOT_FITTED_ERROR},
    # A 2-D y is a multi-output target for this regressor, not an error.
    "MLPRegressor": {"check_estimators_unfitted": OWN_NOT_FITTED_ERROR},
}

# A small grid for GridSearchCV; a model not listed is searched over its
# first hyper-parameter's default alone.
PARAM_GRIDS = {
    "LinearRegression": {"alpha": [0.0, 1.0]},
    "LogisticRegression": {"C": [0.1, 1.0]},
    "GaussianNaiveBayes": {"var_smoothing": [1e-9, 1e-3]},
    "LinearDiscriminantAnalysis": {"tol": [1e-4, 1e-2]},
    "KNeighborsClassifier": {"n_neighbors": [3, 7]},
    "KNeighborsRegressor": {"n_neighbors": [3, 7]},
    "SVC": {"C": [0.1, 1.0], "gamma": [0.1, "scale"]},
    "DecisionTreeClassifier": {"max_depth": [2, None]},
    "DecisionTreeRegressor": {"max_depth": [2, None]},
    "RandomForestClassifier": {"max_depth": [2, None]},
    "RandomForestRegressor": {"max_depth": [2, None]},
    "KMeans": {"n_clusters": [2, 3]},
    "Perceptron": {"eta0": [0.1, 1.0]},
    "MLPClassifier": {"alpha": [1e-4, 1e-2]},
}


def expected_failed_checks(estimator):
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


def name_of(estimator):
    return type(estimator).__name__


# xfail_strict (scikit-learn 1.8 on) turns an expected failure that passes
# into an error; older versions only report it.
STRICT = (
    {"xfail_strict": True}
    if "xfail_strict" in inspect.signature(parametrize_with_checks).parameters
    else {}
)


@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=expected_failed_checks,
    **STRICT,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=name_of)
def test_at_most_three_expected_failures_each_with_a_reason(estimator):
    failures = expected_failed_checks(estimator)
    assert len(failures) <= 3
    assert all(
        isinstance(reason, str) and reason for reason in failures.values()
    )


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=name_of)
def test_scikit_learn_recognises_the_kind_of_model(estimator):
    Model = type(estimator)
    assert is_classifier(estimator) == (Model in CLASSIFIERS)
    assert is_clusterer(estimator) == (Model in CLUSTERERS)
    assert is_regressor(estimator) == (
        Model not in set(CLASSIFIERS) | set(CLUSTERERS)
    )


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=name_of)
def test_get_params_lists_the_init_signature(estimator):
    names = [name for name in inspect.signature(type(estimator)).parameters]
    params = estimator.get_params()
    assert sorted(params) == sorted(names)
    for name in names:
        assert params[name] is getattr(estimator, name)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=name_of)
def test_set_params_sets_and_returns_self_and_refuses_unknown_names(estimator):
    model = clone(estimator)
    name = sorted(model.get_params())[0]
    sentinel = object()
    assert model.set_params(**{name: sentinel}) is model
    assert getattr(model, name) is sentinel
    with pytest.raises(ValueError, match="Invalid parameter 'no_such'"):
        model.set_params(no_such=1)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=name_of)
def test_repr_shows_only_the_changed_hyper_parameters(estimator):
    Model = type(estimator)
    assert repr(Model()) == f"{Model.__name__}()"
    name = sorted(Model().get_params())[-1]
    model = Model(**{name: "changed"})
    assert repr(model) == f"{Model.__name__}({name}='changed')"


def test_nested_parameters_reach_into_a_pipeline():
    pipeline = make_pipeline(StandardScaler(), SVC())
    pipeline.set_params(svc__C=3.0)
    assert pipeline.get_params()["svc__C"] == 3.0
    assert pipeline.named_steps["svc"].get_params()["C"] == 3.0


@pytest.fixture(scope="module")
def data():
    """90 samples, 3 features, 3 groups; a noisy linear target."""
    X, groups = make_blobs(
        n_samples=90, centers=3, n_features=3, cluster_std=1.5, random_state=1
    )
    target = X @ [1.0, -2.0, 0.5] + np.random.default_rng(1).normal(size=90)
    return X, groups, target


def target_for(estimator, data):
    X, groups, target = data
    if is_classifier(estimator):
        return groups
    if is_regressor(estimator):
        return target
    return None


def seeded(estimator):
    """An unfitted copy, with random_state fixed where there is one, so
    that two fits can be compared."""
    copy = clone(estimator)
    if "random_state" in copy.get_params():
        copy.set_params(random_state=0)
    return copy


SCORED = [
    seeded(estimator)
    for estimator in ESTIMATORS
    if hasattr(estimator, "score")
]


@pytest.mark.parametrize("estimator", SCORED, ids=name_of)
def test_clone_gives_an_unfitted_copy_with_the_same_settings(estimator, data):
    X, y = data[0], target_for(estimator, data)
    fitted = clone(estimator).fit(X, y)
    copy = clone(fitted)
    assert copy is not fitted
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "n_features_in_")


@pytest.mark.parametrize("estimator", SCORED, ids=name_of)
def test_pipeline_fits_predicts_and_scores(estimator, data):
    X, y = data[0], target_for(estimator, data)
    pipeline = make_pipeline(StandardScaler(), clone(estimator)).fit(X, y)
    alone = clone(estimator).fit(StandardScaler().fit_transform(X), y)
    np.testing.assert_array_equal(
        pipeline.predict(X),
        alone.predict(StandardScaler().fit(X).transform(X)),
    )
    assert np.isfinite(pipeline.score(X, y))


@pytest.mark.parametrize("estimator", SCORED, ids=name_of)
def test_cross_val_score_gives_one_finite_score_per_fold(estimator, data):
    X, y = data[0], target_for(estimator, data)
    scores = cross_val_score(clone(estimator), X, y, cv=3)
    assert scores.shape == (3,)
    assert np.all(np.isfinite(scores))
    if is_classifier(estimator):
        # three well-separated blobs: every model gets most right
        assert scores.mean() > 0.8


@pytest.mark.parametrize("estimator", SCORED, ids=name_of)
@pytest.mark.filterwarnings(
    f"ignore::{ConvergenceWarning.__module__}.ConvergenceWarning"
)
def test_grid_search_refits_the_best_setting(estimator, data):
    X, y = data[0], target_for(estimator, data)
    grid = PARAM_GRIDS.get(name_of(estimator))
    if grid is None:
        first = sorted(estimator.get_params())[0]
        grid = {first: [estimator.get_params()[first]]}
    search = GridSearchCV(clone(estimator), grid, cv=3).fit(X, y)
    n_settings = int(np.prod([len(values) for values in grid.values()]))
    assert len(search.cv_results_["params"]) == n_settings
    best = search.best_estimator_
    assert type(best) is type(estimator)
    for name, value in search.best_params_.items():
        assert getattr(best, name) == value
    # The refit model is the best setting fitted on all the data.
    refit = clone(estimator).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(best.predict(X), refit.predict(X))


@pytest.mark.parametrize("estimator", SCORED, ids=name_of)
def test_a_fitted_model_survives_pickling_inside_a_pipeline(estimator, data):
    X, y = data[0], target_for(estimator, data)
    pipeline = make_pipeline(StandardScaler(), clone(estimator)).fit(X, y)
    copy = pickle.loads(pickle.dumps(pipeline))
    np.testing.assert_array_equal(copy.predict(X), pipeline.predict(X))


# Part III's models whose input is not a table, which scikit-learn's
# table checks do not cover: the tools a reader tunes them with (clone,
# cross_val_score, GridSearchCV) must still accept them. Each gets the
# blobs in the form it takes, as in the contract test.
NETWORKS = [
    CNNClassifier(filters=(4,), max_iter=5),
    RNNClassifier(hidden_size=8, max_iter=10),
    RNNRegressor(hidden_size=8, max_iter=10),
    LSTMClassifier(hidden_size=8, max_iter=10),
    LSTMRegressor(hidden_size=8, max_iter=10),
]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("estimator", NETWORKS, ids=name_of)
def test_networks_work_with_clone_cross_validation_and_grid_search(
    estimator, data
):
    X = as_input(type(estimator), data[0])
    y = target_for(estimator, data)
    model = seeded(estimator)
    copy = clone(model.fit(X, y))
    assert copy.get_params() == model.get_params()
    assert not hasattr(copy, "n_features_in_")
    scores = cross_val_score(clone(model), X, y, cv=3)
    assert scores.shape == (3,) and np.all(np.isfinite(scores))
    search = GridSearchCV(clone(model), {"alpha": [1e-4, 1e-2]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["alpha"] in (1e-4, 1e-2)
    assert np.isfinite(search.score(X, y))
