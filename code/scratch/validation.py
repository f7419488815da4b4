"""Input checks shared by every model.

Each model checks its input at the boundary, with a message that names the
problem, so that a mistake never surfaces as a NaN or an IndexError deep
inside the algorithm. A reader who copies one model copies this file too.
"""

import inspect
import numbers
import sys

import numpy as np


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict`` (or similar) is called before ``fit``."""


def sklearn_tags():
    """scikit-learn's module of tag classes. Only scikit-learn asks a
    model for its tags, so scikit-learn is loaded by then: the classes are
    taken from ``sys.modules``, and this module never imports it."""
    return sys.modules["sklearn.utils._tags"]


class BaseEstimator:
    """The parameter interface of scikit-learn's estimators, read off the
    ``__init__`` signature: ``get_params``, ``set_params`` and a ``repr``
    that shows the settings that differ from the defaults.

    That is all ``clone``, ``Pipeline``, ``cross_val_score`` and
    ``GridSearchCV`` need from a model, so every model of this package
    inherits it. It imports nothing from scikit-learn: the tags that
    scikit-learn asks for are built only when scikit-learn calls
    ``__sklearn_tags__``, so a copy of the package runs on NumPy alone.
    """

    @classmethod
    def _get_param_names(cls):
        """The hyper-parameters: the arguments of ``__init__``, sorted."""
        if cls.__init__ is object.__init__:
            return []
        parameters = inspect.signature(cls.__init__).parameters.values()
        for parameter in parameters:
            if parameter.kind == parameter.VAR_POSITIONAL:
                raise RuntimeError(
                    f"{cls.__name__}.__init__ takes *args; hyper-parameters "
                    "must be named so that get_params can find them"
                )
        return sorted(
            parameter.name
            for parameter in parameters
            if parameter.name != "self"
            and parameter.kind != parameter.VAR_KEYWORD
        )

    def get_params(self, deep=True):
        """The hyper-parameters as a dict; with ``deep``, also those of
        any hyper-parameter that is itself an estimator, as
        ``name__parameter``."""
        params = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if (
                deep
                and hasattr(value, "get_params")
                and not isinstance(value, type)
            ):
                for key, nested in value.get_params().items():
                    params[f"{name}__{key}"] = nested
            params[name] = value
        return params

    def set_params(self, **params):
        """Set hyper-parameters (``name__parameter`` reaches into a nested
        estimator); returns self. Nothing is checked until ``fit``."""
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, delimiter, sub_key = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator "
                    f"{type(self).__name__}. Valid parameters are: "
                    f"{self._get_param_names()!r}."
                )
            if delimiter:
                nested.setdefault(name, {})[sub_key] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, sub_params in nested.items():
            valid[name].set_params(**sub_params)
        return self

    def __repr__(self):
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(
                type(self).__init__
            ).parameters.items()
        }
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params(deep=False).items()
            if repr(value) != repr(defaults.get(name))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        module = sklearn_tags()
        return module.Tags(
            estimator_type=None,
            target_tags=module.TargetTags(required=False),
            transformer_tags=None,
            regressor_tags=None,
            classifier_tags=None,
        )


class ClassifierMixin:
    """Marks a classifier for scikit-learn and scores by accuracy. Put it
    before ``BaseEstimator`` among the base classes."""

    _estimator_type = "classifier"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = sklearn_tags().ClassifierTags()
        tags.target_tags.required = True
        return tags

    def score(self, X, y):
        """Accuracy: the fraction of samples of ``X`` whose predicted
        label equals ``y``."""
        return accuracy_score(y, self.predict(X))


class RegressorMixin:
    """Marks a regressor for scikit-learn and scores by R^2. Put it
    before ``BaseEstimator`` among the base classes."""

    _estimator_type = "regressor"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "regressor"
        tags.regressor_tags = sklearn_tags().RegressorTags()
        tags.target_tags.required = True
        return tags

    def score(self, X, y):
        """Coefficient of determination R^2 of the predictions for
        ``X`` against ``y``."""
        y_pred = self.predict(X)
        return r2_score(check_array(y, name="y", ndim=1), y_pred)


class ClusterMixin:
    """Marks a clustering model for scikit-learn."""

    _estimator_type = "clusterer"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.estimator_type = "clusterer"
        if tags.transformer_tags is not None:
            tags.transformer_tags.preserves_dtype = []
        return tags

    def fit_predict(self, X, y=None):
        """Fit and return ``labels_``."""
        return self.fit(X).labels_


class TransformerMixin:
    """Marks a model with ``transform`` for scikit-learn and adds
    ``fit_transform``."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags = sklearn_tags().TransformerTags()
        return tags

    def fit_transform(self, X, y=None):
        """Fit, then transform the training set."""
        model = self.fit(X) if y is None else self.fit(X, y)
        return model.transform(X)


def check_array(X, name="X", ndim=2, min_samples=1, dtype=np.float64):
    """Return ``X`` as a finite float array with ``ndim`` dimensions.

    Raises ``TypeError`` for non-numeric data and ``ValueError`` for a wrong
    number of dimensions, NaN or infinity, or fewer than ``min_samples``
    rows. Sparse matrices and complex numbers are refused: the models
    work on dense real arrays, and a cast would silently densify or drop
    the imaginary part.
    """
    if hasattr(X, "toarray") and hasattr(X, "nnz"):
        raise TypeError(
            f"{name} is a sparse matrix; the models need dense arrays: "
            f"pass {name}.toarray()"
        )
    try:
        is_complex = np.asarray(X).dtype.kind == "c"
        array = None if is_complex else np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must hold numbers; converting it to {np.dtype(dtype)} "
            f"failed: {error}"
        ) from None
    if is_complex:
        raise ValueError(
            f"Complex data not supported: {name} holds complex numbers"
        )
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got {array.ndim}-D with "
            f"shape {array.shape}"
            + (
                ". Reshape your data with X.reshape(-1, 1) if it has a "
                "single feature"
                if ndim == 2 and array.ndim == 1
                else ""
            )
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")
    if array.shape[0] < min_samples:
        raise ValueError(
            f"{name} has {array.shape[0]} sample(s); at least {min_samples} "
            "are needed"
        )
    if ndim == 2 and array.shape[1] == 0:
        raise ValueError(
            f"{name} has no features: found array with 0 feature(s) "
            f"(shape={array.shape}) while a minimum of 1 is required."
        )
    return array


def check_X_y(X, y, min_samples=1, y_numeric=False, ndim=2):
    """Check a training set: finite ``X`` with ``ndim`` dimensions (a
    table; images and sequences have more) and 1-D ``y`` of equal length.

    ``y`` stays in its own dtype (labels may be strings) unless
    ``y_numeric`` asks for finite floats, as regression targets must be.
    """
    if y is None:
        raise ValueError(
            "this estimator requires y to be passed, but the target y is None"
        )
    X = check_array(X, ndim=ndim, min_samples=min_samples)
    if y_numeric:
        y = check_array(y, name="y", ndim=1)
    else:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(
                f"y must be a 1-D array of labels, got shape {y.shape}"
            )
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity")
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y have different lengths: {X.shape[0]} and {y.shape[0]}"
        )
    return X, y


def encode_labels(y, min_classes=2):
    """Return ``(classes, y_index)``: the sorted distinct labels and, for each
    sample, the index of its label in ``classes``.

    Working with indices lets a model accept any labels (strings,
    non-contiguous integers) and give them back unchanged. Labels must be
    sortable class values: None, NaN, a mix of strings and numbers, or
    non-integer floats (a regression target) are refused.
    """
    y = np.asarray(y)
    if y.dtype.kind == "c":
        raise ValueError("Unknown label type: y holds complex numbers")
    if y.dtype.kind == "f" and np.any(y != np.floor(y)):
        raise ValueError(
            "Unknown label type: continuous; y holds non-integer floats, "
            "a regression target rather than class labels"
        )
    if y.dtype == object:
        check_object_labels(y)
    classes, y_index = np.unique(y, return_inverse=True)
    if classes.shape[0] < min_classes:
        raise ValueError(
            f"y has {classes.shape[0]} class(es); at least {min_classes} "
            "are needed"
        )
    return classes, y_index


def check_object_labels(y):
    """Refuse labels of object dtype that cannot be sorted into classes:
    None, NaN, or values of types that do not compare (str and int)."""
    for value in y:
        if value is None or (
            isinstance(value, numbers.Real) and value != value
        ):
            raise ValueError(
                f"Unknown label type: y contains {value!r}; every sample "
                "needs a class label"
            )
    kinds = {type(value).__name__ for value in y}
    try:
        np.unique(y)
    except TypeError:
        raise ValueError(
            "Unknown label type: the labels in y mix types that cannot be "
            f"ordered ({', '.join(sorted(kinds))}); use one type"
        ) from None


def feature_names_of(X):
    """The column names of a table (any object with a ``columns``
    attribute, such as a pandas DataFrame) as an object array, or None.

    As in scikit-learn, names count only if they are all strings; a mix
    of strings and other names is an error.
    """
    columns = getattr(X, "columns", None)
    if columns is None:
        return None
    names = np.asarray(list(columns), dtype=object)
    are_strings = [isinstance(name, str) for name in names]
    if not any(are_strings):
        return None
    if not all(are_strings):
        raise TypeError(
            "the column names of X must all be strings, got a mix: "
            f"{sorted({type(name).__name__ for name in names})}"
        )
    return names


def record_feature_names(estimator, X):
    """At fit: keep the column names of ``X`` in ``feature_names_in_``
    (and forget those of an earlier fit on another table)."""
    names = feature_names_of(X)
    if names is not None:
        estimator.feature_names_in_ = names
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def check_feature_names(estimator, X):
    """At predict: a table must have the columns of the fit, in the same
    order, since the model uses them by position."""
    fitted = getattr(estimator, "feature_names_in_", None)
    names = feature_names_of(X)
    if fitted is None or names is None:
        return
    if names.shape == fitted.shape and np.all(names == fitted):
        return
    unexpected = [name for name in names if name not in set(fitted)]
    missing = [name for name in fitted if name not in set(names)]
    detail = (
        f"unexpected: {unexpected}; missing: {missing}"
        if unexpected or missing
        else f"same names in another order: {list(names)} instead of "
        f"{list(fitted)}"
    )
    raise ValueError(
        "The feature names should match those that were passed during "
        f"fit ({detail})"
    )


def check_is_fitted(estimator, attribute):
    """Raise ``NotFittedError`` unless ``fit`` has set ``attribute``."""
    if not hasattr(estimator, attribute):
        raise NotFittedError(
            f"this {type(estimator).__name__} is not fitted yet; call fit "
            "first"
        )


def check_predict_input(estimator, X, attribute="n_features_in_"):
    """Check ``X`` at predict time: fitted model, same feature count."""
    check_is_fitted(estimator, attribute)
    check_feature_names(estimator, X)
    X = check_array(X)
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but "
            f"{type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input"
        )
    return X


def check_scalar(
    value,
    name,
    kind=numbers.Real,
    low=None,
    high=None,
    low_inclusive=True,
    high_inclusive=True,
):
    """Check a hyper-parameter's type and range; return it unchanged.

    ``kind`` is ``numbers.Integral`` or ``numbers.Real``; booleans are
    rejected for both, since ``True`` as a count is almost always a slip,
    and so are NaN and infinity, which no setting means.
    """
    if isinstance(value, bool) or not isinstance(value, kind):
        kind_name = "an integer" if kind is numbers.Integral else "a number"
        raise TypeError(
            f"{name} must be {kind_name}, got {value!r} "
            f"({type(value).__name__})"
        )
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (
        value < low or (value == low and not low_inclusive)
    ):
        bound = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {bound} {low}, got {value!r}")
    if high is not None and (
        value > high or (value == high and not high_inclusive)
    ):
        bound = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {bound} {high}, got {value!r}")
    return value


def check_bool(value, name):
    """Check that a switch is True or False (a NumPy bool too); return
    it. A string such as "False" would otherwise count as true."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def check_option(value, name, options):
    """Check that a string hyper-parameter is one of ``options``."""
    if value not in options:
        raise ValueError(
            f"{name} must be one of {sorted(options)}, got {value!r}"
        )
    return value


def check_n_clusters(n_clusters, n_samples):
    """A positive integer number of clusters, no more than the samples
    that must fill them."""
    check_scalar(n_clusters, "n_clusters", numbers.Integral, low=1)
    if n_samples < n_clusters:
        raise ValueError(
            f"n_samples={n_samples} should be >= n_clusters={n_clusters}"
        )


def check_priors(priors, n_classes):
    """Return user-given class priors as a float array, or raise: one
    positive, finite number per class (a zero prior would put log 0 into
    the models' log-posteriors), summing to one."""
    priors = np.asarray(priors, dtype=np.float64)
    if priors.shape != (n_classes,):
        raise ValueError(
            f"priors must have one entry per class ({n_classes}), got "
            f"shape {priors.shape}"
        )
    if not np.all(np.isfinite(priors)) or np.any(priors <= 0):
        raise ValueError("priors must be positive and finite")
    if not np.isclose(priors.sum(), 1.0):
        raise ValueError(f"priors must sum to 1, got {priors.sum()!r}")
    return priors


def check_init_centers(init, n_clusters, n_features):
    """The ``init`` of a clustering model: 'k-means++' or 'random' (then
    None is returned), or an array of starting centres of shape
    (n_clusters, n_features), returned as a finite float array."""
    if isinstance(init, str):
        check_option(init, "init", {"k-means++", "random"})
        return None
    centers = check_array(init, name="init")
    if centers.shape != (n_clusters, n_features):
        raise ValueError(
            f"init has shape {centers.shape}; expected "
            f"(n_clusters, n_features) = {(n_clusters, n_features)}"
        )
    return centers


def check_random_state(random_state):
    """Turn ``None``, an int or a ``numpy.random.Generator`` into a
    Generator, once per ``fit``, so that a seed fixes the whole model."""
    if random_state is None or isinstance(random_state, numbers.Integral):
        if isinstance(random_state, bool):
            raise TypeError(
                "random_state must be None, an int or a "
                "numpy.random.Generator, got a bool"
            )
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise TypeError(
        "random_state must be None, an int or a numpy.random.Generator, "
        f"got {type(random_state).__name__}"
    )


def squared_distances(X, centers, X_sq=None, centers_sq=None):
    """Squared Euclidean distances between the rows of ``X`` and of
    ``centers`` via ||x||^2 - 2 x.c + ||c||^2: one matrix product and no
    (n, k, d) temporary. Clipped at zero against rounding.
    """
    if X_sq is None:
        X_sq = np.einsum("ij,ij->i", X, X)
    if centers_sq is None:
        centers_sq = np.einsum("ij,ij->i", centers, centers)
    distances = X @ centers.T
    distances *= -2.0
    distances += X_sq[:, None]
    distances += centers_sq[None, :]
    np.maximum(distances, 0.0, out=distances)
    return distances  # (n_samples, n_centers)


def check_magnitude(X, name="X"):
    """Refuse data so large that squaring it overflows float64.

    Distances, variances, Gram matrices X^T X and kernel values all add
    up squares of the entries; each such sum is at most
    4 n d max|x|^2, so that bound must be finite, or the model would
    compute infinities or NaN and answer wrongly with no error. Returns
    ``X`` unchanged.
    """
    largest = float(np.max(np.abs(X))) if X.size else 0.0
    with np.errstate(over="ignore"):
        bound = 4.0 * X.size * largest * largest
    if not np.isfinite(bound):
        raise ValueError(
            f"{name} has values up to {largest:.3g} in magnitude: sums of "
            "their squares (distances, variances, X^T X) overflow float64; "
            "rescale the features (standardise them, say)"
        )
    return X


def chunk_slices(n_rows, n_cols, max_floats=2**22):
    """Yield row slices so that an (rows, n_cols) float block stays under
    ``max_floats`` elements (32 MB of float64 by default)."""
    step = max(1, max_floats // max(n_cols, 1))
    for start in range(0, n_rows, step):
        yield slice(start, min(start + step, n_rows))


def r2_score(y, y_pred):
    """Coefficient of determination, 1 - residual sum of squares / total
    sum of squares: the ``score`` of every regressor. A constant ``y``
    has no total to compare with, so R^2 is undefined there: an error.
    """
    y = np.asarray(y, dtype=np.float64)
    if y.shape != y_pred.shape:
        check_target_shape(y, y_pred)
        raise ValueError(
            f"y has shape {y.shape}, the predictions {y_pred.shape}"
        )
    total_sum = np.sum((y - y.mean()) ** 2)
    if total_sum == 0.0:
        raise ValueError("R^2 is undefined when y is constant")
    return float(1.0 - np.sum((y - y_pred) ** 2) / total_sum)


def check_target_shape(y, y_pred):
    """A score compares one target per prediction: ``y`` must be 1-D and
    as long as ``y_pred``. A column vector (n, 1) would otherwise be
    broadcast against the (n,) predictions into an (n, n) comparison."""
    if y.ndim != 1:
        raise ValueError(
            f"y must be a 1-D array, got shape {y.shape}"
            + (
                " (flatten a column vector with y.ravel())"
                if y.ndim == 2 and y.shape[1] == 1
                else ""
            )
        )
    if y.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"y and the predictions have different lengths: {y.shape[0]} "
            f"and {y_pred.shape[0]} (one per row of X)"
        )


def accuracy_score(y, y_pred):
    """Fraction of samples whose predicted label equals the true one:
    the ``score`` of every classifier."""
    y, y_pred = np.asarray(y), np.asarray(y_pred)
    check_target_shape(y, y_pred)
    if y.dtype != y_pred.dtype:
        # e.g. str against int labels: compare as Python objects, where
        # unequal types are simply unequal.
        y, y_pred = y.astype(object), y_pred.astype(object)
    return float(np.mean(y == y_pred))


class ConvergenceWarning(RuntimeWarning):
    """Warned when an iterative fit stops at its iteration limit before
    meeting its tolerance: the model is usable but not converged."""
