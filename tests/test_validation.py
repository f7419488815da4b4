"""Tests for scratch.validation: the shared input checks, the shared
scores, and the scikit-learn parameter interface every model inherits."""

import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse
from sklearn.base import clone
from sklearn.metrics import accuracy_score as sk_accuracy_score
from sklearn.metrics import r2_score as sk_r2_score

from scratch.validation import (
    BaseEstimator,
    ClassifierMixin,
    accuracy_score,
    check_array,
    check_magnitude,
    encode_labels,
    feature_names_of,
    r2_score,
)


def test_accuracy_score_matches_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 50)
    y_pred = rng.integers(0, 3, 50)
    assert accuracy_score(y, y_pred) == pytest.approx(
        sk_accuracy_score(y, y_pred)
    )
    names = np.array(["a", "b", "c"])
    assert accuracy_score(names[y], names[y_pred]) == pytest.approx(
        sk_accuracy_score(y, y_pred)
    )


def test_accuracy_score_of_labels_of_another_type_is_zero_not_an_error():
    assert accuracy_score(np.array(["0", "1"]), np.array([0, 1])) == 0.0


@pytest.mark.parametrize("score", [accuracy_score, r2_score])
def test_scores_refuse_a_column_vector_y(score):
    y = np.arange(6.0)
    with pytest.raises(ValueError, match=r"1-D.*y\.ravel\(\)"):
        score(y[:, None], y)


@pytest.mark.parametrize("score", [accuracy_score, r2_score])
def test_scores_refuse_a_y_of_the_wrong_length(score):
    y = np.arange(6.0)
    with pytest.raises(ValueError, match="different lengths: 5 and 6"):
        score(y[:5], y)


def test_r2_score_matches_sklearn():
    rng = np.random.default_rng(1)
    y, y_pred = rng.normal(size=30), rng.normal(size=30)
    assert r2_score(y, y_pred) == pytest.approx(sk_r2_score(y, y_pred))


def test_complex_input_is_refused_not_truncated():
    with pytest.raises(ValueError, match="Complex data not supported"):
        check_array(np.ones((3, 2)) + 1e-3j)
    with pytest.raises(ValueError, match="Complex data not supported"):
        check_array([[1 + 1j, 2.0]])


def test_sparse_input_is_a_clear_type_error():
    with pytest.raises(TypeError, match="sparse.*toarray"):
        check_array(scipy.sparse.csr_matrix(np.eye(3)))


def test_a_single_feature_error_says_how_to_reshape():
    with pytest.raises(ValueError, match="Reshape your data"):
        check_array(np.arange(3.0))


@pytest.mark.parametrize(
    "labels, message",
    [
        ([None, "a", "b", "a"], "contains None"),
        ([np.nan, 1.0, 2.0, 1.0], "contains nan"),
        ([1, "a", 1, "a"], "cannot be ordered"),
        (np.array([0.5, 1.5, 0.5, 1.5]), "continuous"),
    ],
)
def test_labels_that_are_not_classes_are_a_clear_error(labels, message):
    y = np.array(labels, dtype=object if isinstance(labels, list) else None)
    with pytest.raises(ValueError, match=message):
        encode_labels(y)


def test_integral_float_and_object_labels_are_classes():
    classes, index = encode_labels(np.array([2.0, 5.0, 2.0]))
    np.testing.assert_array_equal(classes, [2.0, 5.0])
    np.testing.assert_array_equal(index, [0, 1, 0])
    classes, _ = encode_labels(np.array(["b", "a", "b"], dtype=object))
    np.testing.assert_array_equal(classes, ["a", "b"])


def test_check_magnitude_refuses_overflowing_data_only():
    X = np.ones((3, 2))
    assert check_magnitude(X * 1e150) is not None
    with pytest.raises(ValueError, match="overflow"):
        check_magnitude(X * 1e155)


class Table:
    def __init__(self, columns):
        self.columns = columns

    def __array__(self, dtype=None, copy=None):
        return np.zeros((2, len(self.columns)))


def test_feature_names_are_strings_or_nothing():
    assert feature_names_of(np.zeros((2, 2))) is None
    assert feature_names_of(Table([0, 1])) is None
    np.testing.assert_array_equal(
        feature_names_of(Table(["a", "b"])), ["a", "b"]
    )
    with pytest.raises(TypeError, match="strings"):
        feature_names_of(Table(["a", 1]))


class Toy(ClassifierMixin, BaseEstimator):
    """A tiny model with a nested estimator, to test the interface."""

    def __init__(self, *, alpha=1.0, inner=None, name="x"):
        self.alpha = alpha
        self.inner = inner
        self.name = name


def test_get_params_is_read_from_the_signature_and_goes_deep():
    model = Toy(alpha=2.0, inner=Toy(name="y"))
    assert model.get_params(deep=False) == {
        "alpha": 2.0,
        "inner": model.inner,
        "name": "x",
    }
    deep = model.get_params()
    assert deep["inner__name"] == "y" and deep["inner__alpha"] == 1.0


def test_set_params_reaches_nested_estimators_and_refuses_unknowns():
    model = Toy(inner=Toy())
    assert model.set_params(alpha=3.0, inner__name="z") is model
    assert model.alpha == 3.0 and model.inner.name == "z"
    with pytest.raises(ValueError, match="Invalid parameter 'beta'"):
        model.set_params(beta=1)


def test_repr_shows_non_default_parameters_only():
    assert repr(Toy()) == "Toy()"
    assert repr(Toy(alpha=0.5, name="q")) == "Toy(alpha=0.5, name='q')"


def test_sklearn_clone_copies_the_settings():
    model = Toy(alpha=4.0, inner=Toy(name="w"))
    copy = clone(model)
    assert copy is not model and copy.inner is not model.inner
    assert copy.get_params(deep=False)["alpha"] == 4.0
    assert copy.inner.name == "w"


def test_importing_the_models_does_not_import_sklearn():
    code = (
        "import sys, scratch.svm, scratch.kmeans, scratch.lda; "
        "assert 'sklearn' not in sys.modules, 'sklearn imported'"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
