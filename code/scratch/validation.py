"""Input checks shared by every model.

Each model checks its input at the boundary, with a message that names the
problem, so that a mistake never surfaces as a NaN or an IndexError deep
inside the algorithm. A reader who copies one model copies this file too.
"""

import numbers

import numpy as np


class NotFittedError(ValueError, AttributeError):
    """Raised when ``predict`` (or similar) is called before ``fit``."""


def check_array(X, name="X", ndim=2, min_samples=1, dtype=np.float64):
    """Return ``X`` as a finite float array with ``ndim`` dimensions.

    Raises ``TypeError`` for non-numeric data and ``ValueError`` for a wrong
    number of dimensions, NaN or infinity, or fewer than ``min_samples``
    rows.
    """
    try:
        array = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"{name} must hold numbers; converting it to {np.dtype(dtype)} "
            f"failed: {error}") from None
    if array.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array, got {array.ndim}-D with "
            f"shape {array.shape}"
            + (" (reshape a single feature with X.reshape(-1, 1))"
               if ndim == 2 and array.ndim == 1 else ""))
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")
    if array.shape[0] < min_samples:
        raise ValueError(
            f"{name} has {array.shape[0]} sample(s); at least {min_samples} "
            "are needed")
    if ndim == 2 and array.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {array.shape})")
    return array


def check_X_y(X, y, min_samples=1, y_numeric=False):
    """Check a training set: 2-D finite ``X`` and 1-D ``y`` of equal length.

    ``y`` stays in its own dtype (labels may be strings) unless
    ``y_numeric`` asks for finite floats, as regression targets must be.
    """
    X = check_array(X, min_samples=min_samples)
    if y_numeric:
        y = check_array(y, name="y", ndim=1)
    else:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(
                f"y must be a 1-D array of labels, got shape {y.shape}")
        if y.dtype.kind == "f" and not np.all(np.isfinite(y)):
            raise ValueError("y contains NaN or infinity")
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and y have different lengths: {X.shape[0]} and {y.shape[0]}")
    return X, y


def encode_labels(y, min_classes=2):
    """Return ``(classes, y_index)``: the sorted distinct labels and, for each
    sample, the index of its label in ``classes``.

    Working with indices lets a model accept any labels (strings,
    non-contiguous integers) and give them back unchanged.
    """
    classes, y_index = np.unique(y, return_inverse=True)
    if classes.shape[0] < min_classes:
        raise ValueError(
            f"y has {classes.shape[0]} class(es); at least {min_classes} "
            "are needed")
    return classes, y_index


def check_is_fitted(estimator, attribute):
    """Raise ``NotFittedError`` unless ``fit`` has set ``attribute``."""
    if not hasattr(estimator, attribute):
        raise NotFittedError(
            f"this {type(estimator).__name__} is not fitted yet; call fit "
            "first")


def check_predict_input(estimator, X, attribute="n_features_in_"):
    """Check ``X`` at predict time: fitted model, same feature count."""
    check_is_fitted(estimator, attribute)
    X = check_array(X)
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but "
            f"{type(estimator).__name__} was fitted with "
            f"{estimator.n_features_in_} features")
    return X


def check_scalar(value, name, kind=numbers.Real, low=None, high=None,
                 low_inclusive=True, high_inclusive=True):
    """Check a hyper-parameter's type and range; return it unchanged.

    ``kind`` is ``numbers.Integral`` or ``numbers.Real``; booleans are
    rejected for both, since ``True`` as a count is almost always a slip,
    and so are NaN and infinity, which no setting means.
    """
    if isinstance(value, bool) or not isinstance(value, kind):
        kind_name = "an integer" if kind is numbers.Integral else "a number"
        raise TypeError(
            f"{name} must be {kind_name}, got {value!r} "
            f"({type(value).__name__})")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if low is not None and (value < low or
                            (value == low and not low_inclusive)):
        bound = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {bound} {low}, got {value!r}")
    if high is not None and (value > high or
                             (value == high and not high_inclusive)):
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
            f"{name} must be one of {sorted(options)}, got {value!r}")
    return value


def check_n_clusters(n_clusters, n_samples):
    """A positive integer number of clusters, no more than the samples
    that must fill them."""
    check_scalar(n_clusters, "n_clusters", numbers.Integral, low=1)
    if n_samples < n_clusters:
        raise ValueError(
            f"n_samples={n_samples} should be >= n_clusters={n_clusters}")


def check_priors(priors, n_classes):
    """Return user-given class priors as a float array, or raise: one
    positive, finite number per class (a zero prior would put log 0 into
    the models' log-posteriors), summing to one."""
    priors = np.asarray(priors, dtype=np.float64)
    if priors.shape != (n_classes,):
        raise ValueError(
            f"priors must have one entry per class ({n_classes}), got "
            f"shape {priors.shape}")
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
            f"(n_clusters, n_features) = {(n_clusters, n_features)}")
    return centers


def check_random_state(random_state):
    """Turn ``None``, an int or a ``numpy.random.Generator`` into a
    Generator, once per ``fit``, so that a seed fixes the whole model."""
    if random_state is None or isinstance(random_state, numbers.Integral):
        if isinstance(random_state, bool):
            raise TypeError("random_state must be None, an int or a "
                            "numpy.random.Generator, got a bool")
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise TypeError(
        "random_state must be None, an int or a numpy.random.Generator, "
        f"got {type(random_state).__name__}")


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
        raise ValueError(f"y has shape {y.shape}, the predictions "
                         f"{y_pred.shape}")
    total_sum = np.sum((y - y.mean()) ** 2)
    if total_sum == 0.0:
        raise ValueError("R^2 is undefined when y is constant")
    return float(1.0 - np.sum((y - y_pred) ** 2) / total_sum)


class ConvergenceWarning(RuntimeWarning):
    """Warned when an iterative fit stops at its iteration limit before
    meeting its tolerance: the model is usable but not converged."""
