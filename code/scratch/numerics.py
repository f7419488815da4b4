"""Numerical building blocks that several models share.

Each is derived where it is first needed (the logistic-regression chapter
for the log-sum-exp, the softmax and the sigmoid; the decision-tree and
DBSCAN chapters for the ragged range) and written once here, so that every
model computes them the same way.
"""

import numpy as np


def log_sum_exp(scores, axis=-1):
    """log sum_k exp(scores[..., k]) along ``axis``, shifted by the maximum
    so that the largest term is exp(0) = 1 and nothing overflows
    (eq-logreg-logsumexp)."""
    top = np.max(scores, axis=axis, keepdims=True)
    total = np.log(np.sum(np.exp(scores - top), axis=axis, keepdims=True))
    return np.squeeze(top + total, axis=axis)


def softmax(scores, axis=-1):
    """Softmax along ``axis`` (eq-logreg-softmax), via the log-sum-exp."""
    return np.exp(scores - np.expand_dims(log_sum_exp(scores, axis), axis))


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), written so that the
    exponential is of -|z|: it lies in (0, 1] and neither overflows nor
    divides by zero (eq-logreg-stable-sigmoid)."""
    exp_neg_abs = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, exp_neg_abs) / (1.0 + exp_neg_abs)


def ragged_arange(starts, lengths):
    """The concatenation of ``arange(starts[t], starts[t] + lengths[t])``
    over t, without a Python loop: the flat indices of many segments of
    different lengths (the samples of a tree's nodes, the candidates of a
    grid cell's neighbours)."""
    offsets = np.cumsum(lengths) - lengths  # where each range begins
    return np.repeat(starts - offsets, lengths) + np.arange(lengths.sum())
