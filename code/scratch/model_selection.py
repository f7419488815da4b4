"""Judging a model: data splits, cross-validation, and the scores and
curves of a binary classifier, with their uncertainty.

The splitters and curves follow scikit-learn's definitions, so that the
same data give the same folds (without shuffling) and the same curves.
"""

import copy
import inspect
import math
import numbers

import numpy as np

from .validation import (
    check_array,
    check_bool,
    check_option,
    check_random_state,
    check_scalar,
)


def _check_n_splits(n_splits, n_samples):
    """At least two folds, and no more folds than samples."""
    check_scalar(n_splits, "n_splits", numbers.Integral, low=2)
    if n_splits > n_samples:
        raise ValueError(
            f"n_splits={n_splits} cannot be greater than the number of "
            f"samples ({n_samples})"
        )


def _check_shuffle(shuffle, random_state):
    check_bool(shuffle, "shuffle")
    if not shuffle and random_state is not None:
        raise ValueError(
            "random_state has no effect when shuffle is False; leave it "
            "None or set shuffle=True"
        )


def _num_samples(X):
    """Rows of an array-like, checked to be at least one."""
    n_samples = len(X)
    if n_samples == 0:
        raise ValueError("cannot split an empty data set")
    return n_samples


class KFold:
    """Split the samples into ``n_splits`` consecutive folds; each fold is
    the test set once (eq-ms-cv).

    Parameters
    ----------
    n_splits : int, at least 2.
    shuffle : bool
        Shuffle the samples once before cutting them into folds.
    random_state : None, int or numpy.random.Generator
        The shuffle's randomness; only with ``shuffle=True``.
    """

    def __init__(self, n_splits=5, *, shuffle=False, random_state=None):
        self.n_splits = n_splits
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
        return self.n_splits

    def _test_folds(self, n_samples, y):
        """Fold number of each sample: the first ``n % k`` folds have one
        sample more than the others."""
        fold_sizes = np.full(self.n_splits, n_samples // self.n_splits)
        fold_sizes[: n_samples % self.n_splits] += 1
        folds = np.repeat(np.arange(self.n_splits), fold_sizes)
        if self.shuffle:
            rng = check_random_state(self.random_state)
            order = rng.permutation(n_samples)
            shuffled = np.empty_like(folds)
            shuffled[order] = folds
            folds = shuffled
        return folds

    def split(self, X, y=None, groups=None):
        """Yield ``(train_indices, test_indices)`` for each fold."""
        n_samples = _num_samples(X)
        _check_n_splits(self.n_splits, n_samples)
        _check_shuffle(self.shuffle, self.random_state)
        folds = self._test_folds(n_samples, y)
        indices = np.arange(n_samples)
        for fold in range(self.n_splits):
            is_test = folds == fold
            yield indices[~is_test], indices[is_test]


class StratifiedKFold(KFold):
    """k-fold cross-validation in which every fold keeps the class
    proportions of ``y`` as closely as counts allow (eq-ms-cv).

    Parameters are those of :class:`KFold`; ``split`` needs ``y``.
    """

    def _test_folds(self, n_samples, y):
        """Deal the samples, sorted by class, to the folds in turn like
        cards: fold ``f`` gets every ``n_splits``-th of them from
        position ``f``, so each fold holds its share of every class and the
        fold sizes differ by at most one. Within a class, the samples keep
        their order (or are shuffled) and fill the folds in blocks."""
        if y is None:
            raise ValueError("StratifiedKFold.split needs the labels y")
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != n_samples:
            raise ValueError(
                f"y must be 1-D with one label per sample ({n_samples}), "
                f"got shape {y.shape}"
            )
        # Classes numbered by first appearance (scikit-learn's order, so
        # that the folds agree with its StratifiedKFold).
        _, first_index, y_sorted_code = np.unique(
            y, return_index=True, return_inverse=True
        )
        appearance_rank = np.argsort(np.argsort(first_index))
        y_code = appearance_rank[y_sorted_code.ravel()]
        n_classes = first_index.shape[0]
        counts = np.bincount(y_code, minlength=n_classes)
        if np.all(counts < self.n_splits):
            raise ValueError(
                f"n_splits={self.n_splits} is greater than the number of "
                "members of every class"
            )
        dealt = np.sort(y_code)
        # allocation[f, c]: samples of class c in test fold f.
        allocation = np.stack(
            [
                np.bincount(dealt[fold :: self.n_splits], minlength=n_classes)
                for fold in range(self.n_splits)
            ]
        )  # (n_splits, n_classes)
        rng = check_random_state(self.random_state) if self.shuffle else None
        folds = np.empty(n_samples, dtype=np.intp)
        for label in range(n_classes):
            class_folds = np.repeat(
                np.arange(self.n_splits), allocation[:, label]
            )
            if rng is not None:
                rng.shuffle(class_folds)
            folds[y_code == label] = class_folds
        return folds


def _split_sizes(test_size, n_samples):
    """Numbers of training and test samples: a float is a fraction of the
    samples (rounded up for the test set), an int a count."""
    if isinstance(test_size, numbers.Integral):
        check_scalar(
            test_size, "test_size", numbers.Integral, low=1, high=n_samples - 1
        )
        n_test = int(test_size)
    else:
        check_scalar(
            test_size,
            "test_size",
            numbers.Real,
            low=0.0,
            high=1.0,
            low_inclusive=False,
            high_inclusive=False,
        )
        n_test = math.ceil(test_size * n_samples)
    n_train = n_samples - n_test
    if n_train < 1 or n_test < 1:
        raise ValueError(
            f"test_size={test_size} leaves {n_train} training and "
            f"{n_test} test samples out of {n_samples}; both need one"
        )
    return n_train, n_test


def _stratified_test_indices(labels, n_test, rng):
    """Test indices that keep the class proportions: each class gets its
    exact share of ``n_test`` rounded down, and the seats left over go to
    the classes with the largest remainders."""
    classes, codes = np.unique(labels, return_inverse=True)
    codes = codes.ravel()
    counts = np.bincount(codes)
    share = n_test * counts / labels.shape[0]
    per_class = np.floor(share).astype(np.intp)
    leftover = n_test - per_class.sum()
    per_class[np.argsort(per_class - share, kind="stable")[:leftover]] += 1
    chosen = [
        rng.permutation(np.flatnonzero(codes == label))[:take]
        for label, take in enumerate(per_class)
    ]
    return rng.permutation(np.concatenate(chosen))


def train_test_split(
    *arrays, test_size=0.25, shuffle=True, stratify=None, random_state=None
):
    """Split each array's rows into a training and a test part; returns
    ``train_0, test_0, train_1, test_1, ...`` as scikit-learn does.

    ``stratify`` (labels, usually ``y``) keeps the class proportions in
    both parts; it needs ``shuffle=True``.
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array")
    arrays = [np.asarray(array) for array in arrays]
    n_samples = arrays[0].shape[0] if arrays[0].ndim else 0
    for array in arrays:
        if array.ndim == 0 or array.shape[0] != n_samples:
            raise ValueError(
                "the arrays must have the same number of rows, got "
                f"{[a.shape[0] if a.ndim else None for a in arrays]}"
            )
    if n_samples < 2:
        raise ValueError(f"{n_samples} sample(s) cannot be split in two")
    check_bool(shuffle, "shuffle")
    n_train, n_test = _split_sizes(test_size, n_samples)
    if not shuffle:
        if stratify is not None:
            raise ValueError("stratify needs shuffle=True")
        if random_state is not None:
            raise ValueError(
                "random_state has no effect when shuffle is False"
            )
        train, test = np.arange(n_train), np.arange(n_train, n_samples)
    else:
        rng = check_random_state(random_state)
        if stratify is None:
            order = rng.permutation(n_samples)
            test, train = order[:n_test], order[n_test:]
        else:
            labels = np.asarray(stratify)
            if labels.shape != (n_samples,):
                raise ValueError(
                    f"stratify must be 1-D with {n_samples} labels, got "
                    f"shape {labels.shape}"
                )
            test = _stratified_test_indices(labels, n_test, rng)
            is_test = np.zeros(n_samples, dtype=bool)
            is_test[test] = True
            train = rng.permutation(np.flatnonzero(~is_test))
    return [part for array in arrays for part in (array[train], array[test])]


def clone(estimator):
    """A new, unfitted estimator with the same hyper-parameters: those
    its ``__init__`` takes, stored under the same names."""
    signature = inspect.signature(type(estimator).__init__)
    names = [
        name
        for name, parameter in signature.parameters.items()
        if name != "self"
        and parameter.kind
        not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
    ]
    params = {name: copy.deepcopy(getattr(estimator, name)) for name in names}
    return type(estimator)(**params)


def _is_classifier(estimator):
    """A model that scores classes (probabilities or a decision function)
    is a classifier; its folds are then stratified."""
    return (
        getattr(estimator, "_estimator_type", None) == "classifier"
        or hasattr(estimator, "predict_proba")
        or hasattr(estimator, "decision_function")
    )


def cross_val_score(estimator, X, y, *, cv=5, scoring=None):
    """Score of a fresh copy of ``estimator`` on each test fold, trained
    on the other folds (eq-ms-cv).

    ``cv`` is a number of folds (stratified for a classifier, as in
    scikit-learn, otherwise consecutive) or a splitter with a ``split``
    method. ``scoring`` is ``None`` (the model's ``score``) or a callable
    ``scoring(fitted_model, X_test, y_test)``.
    """
    X = check_array(X)
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y must be 1-D with one entry per row of X ({X.shape[0]}), "
            f"got shape {y.shape}"
        )
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        cv = StratifiedKFold(cv) if _is_classifier(estimator) else KFold(cv)
    elif not hasattr(cv, "split"):
        raise TypeError(
            f"cv must be a number of folds or a splitter, got {cv!r}"
        )
    if scoring is not None and not callable(scoring):
        raise TypeError(f"scoring must be None or callable, got {scoring!r}")
    scores = []
    for train, test in cv.split(X, y):
        model = clone(estimator).fit(X[train], y[train])
        if scoring is None:
            scores.append(model.score(X[test], y[test]))
        else:
            scores.append(scoring(model, X[test], y[test]))
    return np.asarray(scores, dtype=np.float64)


def confusion_matrix(y_true, y_pred, *, labels=None):
    """Counts ``C[i, j]`` of samples of class ``labels[i]`` predicted as
    ``labels[j]`` (rows: truth, columns: prediction); ``labels``
    defaults to the sorted labels seen in either array."""
    y_true, y_pred = _check_pair(y_true, y_pred, "y_pred")
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] == 0:
        raise ValueError("labels must be a non-empty 1-D array")
    if np.unique(labels).shape[0] != labels.shape[0]:
        raise ValueError("labels must be distinct")
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]

    def codes(values):
        position = np.searchsorted(sorted_labels, values)
        position = np.minimum(position, labels.shape[0] - 1)
        found = sorted_labels[position] == values
        return order[position], found

    true_code, true_found = codes(y_true)
    pred_code, pred_found = codes(y_pred)
    keep = true_found & pred_found
    n_labels = labels.shape[0]
    flat = true_code[keep] * n_labels + pred_code[keep]
    return np.bincount(flat, minlength=n_labels**2).reshape(n_labels, n_labels)


def _check_pair(y_true, y_other, other_name, numeric=False):
    """1-D ``y_true`` and ``y_other`` of equal, non-zero length; the
    second finite floats when ``numeric``."""
    y_true = np.asarray(y_true)
    if y_true.ndim != 1:
        raise ValueError(
            f"y_true must be a 1-D array, got shape {y_true.shape}"
        )
    if numeric:
        y_other = check_array(y_other, name=other_name, ndim=1)
    else:
        y_other = np.asarray(y_other)
        if y_other.ndim != 1:
            raise ValueError(
                f"{other_name} must be a 1-D array, got shape {y_other.shape}"
            )
    if y_true.shape[0] != y_other.shape[0]:
        raise ValueError(
            f"y_true and {other_name} have different lengths: "
            f"{y_true.shape[0]} and {y_other.shape[0]}"
        )
    if y_true.shape[0] == 0:
        raise ValueError("y_true is empty")
    return y_true, y_other


def _positives(y_true, pos_label):
    """Boolean mask of the positive class. Without ``pos_label`` the
    labels must be {0, 1}, {-1, 1} or booleans, where 1 (True) is
    positive; otherwise the positive class would be a guess."""
    classes = np.unique(y_true)
    if classes.shape[0] > 2:
        raise ValueError(
            f"y_true must hold two classes, got {classes.shape[0]}: only "
            "binary classification is supported"
        )
    if pos_label is None:
        known = classes.dtype.kind in "biu" and (
            set(classes.tolist()) <= {0, 1} or set(classes.tolist()) <= {-1, 1}
        )
        if not known:
            raise ValueError(
                f"y_true has labels {classes.tolist()}; give pos_label "
                "to say which one is positive"
            )
        pos_label = 1
    return y_true == pos_label


def _counts_at_thresholds(y_true, y_score, pos_label):
    """False and true positive counts when every score at or above each
    distinct score is called positive, thresholds in decreasing order
    (eq-ms-tpr-fpr)."""
    y_true, y_score = _check_pair(y_true, y_score, "y_score", numeric=True)
    positive = _positives(y_true, pos_label).astype(np.float64)
    order = np.argsort(y_score, kind="stable")[::-1]
    y_score, positive = y_score[order], positive[order]
    # The last index of each run of equal scores: ties share a threshold.
    last_of_run = np.r_[np.flatnonzero(np.diff(y_score)), y_score.shape[0] - 1]
    true_positives = np.cumsum(positive)[last_of_run]
    false_positives = 1 + last_of_run - true_positives
    return false_positives, true_positives, y_score[last_of_run]


def roc_curve(y_true, y_score, *, pos_label=None, drop_intermediate=True):
    """False and true positive rates as the threshold falls from
    infinity (nothing positive) through every distinct score
    (eq-ms-tpr-fpr). Returns ``fpr, tpr, thresholds``.

    ``drop_intermediate`` leaves out points on a straight segment between
    their neighbours, which change neither the plot nor the area.
    """
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score, pos_label)
    if fps[-1] == 0 or tps[-1] == 0:
        raise ValueError(
            "the ROC curve needs both positive and negative samples in y_true"
        )
    if drop_intermediate and fps.shape[0] > 2:
        corner = np.r_[
            True, (np.diff(fps, 2) != 0) | (np.diff(tps, 2) != 0), True
        ]
        fps, tps = fps[corner], tps[corner]
        thresholds = thresholds[corner]
    fps = np.r_[0.0, fps]
    tps = np.r_[0.0, tps]
    thresholds = np.r_[np.inf, thresholds]
    return fps / fps[-1], tps / tps[-1], thresholds


def roc_auc_score(y_true, y_score, *, pos_label=None):
    """Area under the ROC curve by the trapezoid rule (eq-ms-auc); it
    equals the probability that a random positive outscores a random
    negative, ties counting one half (eq-ms-auc-probability)."""
    fpr, tpr, _ = roc_curve(y_true, y_score, pos_label=pos_label)
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2.0))


def precision_recall_curve(y_true, y_score, *, pos_label=None):
    """Precision and recall at every distinct score as threshold
    (eq-ms-precision-recall), in order of increasing threshold, ending
    with the point (recall 0, precision 1) that has no threshold.
    Returns ``precision, recall, thresholds``."""
    fps, tps, thresholds = _counts_at_thresholds(y_true, y_score, pos_label)
    if tps[-1] == 0:
        raise ValueError(
            "recall is undefined without positive samples in y_true"
        )
    # The first threshold is the top score, so fps + tps >= 1 throughout.
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    return (
        np.r_[precision[::-1], 1.0],
        np.r_[recall[::-1], 0.0],
        thresholds[::-1],
    )


def average_precision_score(y_true, y_score, *, pos_label=None):
    """Precision averaged over the recall gained at each threshold:
    sum over thresholds of (R_t - R_(t-1)) P_t, a step-wise area under
    the precision-recall curve with no interpolation."""
    precision, recall, _ = precision_recall_curve(
        y_true, y_score, pos_label=pos_label
    )
    return float(-np.sum(np.diff(recall) * precision[:-1]))


def calibration_curve(
    y_true, y_prob, *, pos_label=None, n_bins=5, strategy="uniform"
):
    """Reliability diagram: the fraction of positives against the mean
    predicted probability in each non-empty bin of ``y_prob``
    (eq-ms-calibration). Bins are equal widths on [0, 1] ('uniform') or
    hold equal numbers of samples ('quantile'); a probability on an inner
    edge goes to the lower bin. Returns ``prob_true, prob_pred``."""
    y_true, y_prob = _check_pair(y_true, y_prob, "y_prob", numeric=True)
    if np.any(y_prob < 0) or np.any(y_prob > 1):
        raise ValueError("y_prob has values outside [0, 1]")
    check_scalar(n_bins, "n_bins", numbers.Integral, low=1)
    check_option(strategy, "strategy", {"uniform", "quantile"})
    positive = _positives(y_true, pos_label).astype(np.float64)
    if strategy == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.percentile(y_prob, np.linspace(0.0, 100.0, n_bins + 1))
    bin_of = np.searchsorted(edges[1:-1], y_prob)  # (n_samples,)
    total = np.bincount(bin_of, minlength=n_bins)
    prob_sum = np.bincount(bin_of, weights=y_prob, minlength=n_bins)
    true_sum = np.bincount(bin_of, weights=positive, minlength=n_bins)
    filled = total > 0
    return true_sum[filled] / total[filled], prob_sum[filled] / total[filled]


def binomial_standard_error(proportion, n_samples):
    """Standard error sqrt(p (1 - p) / n) of a proportion measured on
    ``n_samples`` independent samples, such as a test accuracy
    (eq-ms-binomial-se)."""
    check_scalar(proportion, "proportion", numbers.Real, low=0.0, high=1.0)
    check_scalar(n_samples, "n_samples", numbers.Integral, low=1)
    return math.sqrt(proportion * (1.0 - proportion) / n_samples)


def bootstrap_interval(
    y_true,
    y_pred,
    metric,
    *,
    n_resamples=1000,
    confidence=0.95,
    random_state=None,
):
    """Percentile bootstrap interval for ``metric(y_true, y_pred)`` on a
    test set (eq-ms-bootstrap): the metric is recomputed on
    ``n_resamples`` resamples of the test samples drawn with replacement,
    and the interval holds the central ``confidence`` of those values.
    ``y_pred`` may be labels, scores or rows of probabilities.
    Returns ``(low, high)``.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.ndim != 1 or y_pred.ndim == 0:
        raise ValueError("y_true must be 1-D and y_pred at least 1-D")
    if y_true.shape[0] != y_pred.shape[0]:
        raise ValueError(
            f"y_true and y_pred have different lengths: {y_true.shape[0]} "
            f"and {y_pred.shape[0]}"
        )
    if y_true.shape[0] < 2:
        raise ValueError("the bootstrap needs at least two samples")
    if not callable(metric):
        raise TypeError(f"metric must be callable, got {metric!r}")
    check_scalar(n_resamples, "n_resamples", numbers.Integral, low=1)
    check_scalar(
        confidence,
        "confidence",
        numbers.Real,
        low=0.0,
        high=1.0,
        low_inclusive=False,
        high_inclusive=False,
    )
    rng = check_random_state(random_state)
    n_samples = y_true.shape[0]
    resamples = rng.integers(0, n_samples, size=(n_resamples, n_samples))
    values = np.array(
        [metric(y_true[rows], y_pred[rows]) for rows in resamples],
        dtype=np.float64,
    )
    tail = 100.0 * (1.0 - confidence) / 2.0
    low, high = np.percentile(values, [tail, 100.0 - tail])
    return float(low), float(high)
