"""The pieces every neural network in the book is built from.

Every layer follows one interface, so that the optimisers, the gradient
checker and the tests address all parameters alike:

- ``forward(x)`` returns the output and keeps what the backward pass needs;
- ``backward(grad_output)`` takes the gradient of the loss with respect to
  the output, fills ``grads`` and returns the gradient with respect to the
  input;
- ``params`` and ``grads`` are dicts from parameter name to array, with the
  same keys and shapes (empty for layers without parameters).

Weights are laid out as PyTorch lays them (``Dense``: ``W`` of shape
(out_features, in_features), like ``torch.nn.Linear.weight``), so that a
test can load the same numbers into both. The equations are those of the
multi-layer-perceptron chapter.
"""

import numbers
import warnings

import numpy as np

from .numerics import log_sum_exp, sigmoid
from .validation import (
    ConvergenceWarning,
    check_option,
    check_random_state,
    check_scalar,
)

# Initialisation ---------------------------------------------------------


def glorot_uniform(shape, fan_in, fan_out, rng):
    """Weights uniform on [-a, a] with a = sqrt(6 / (fan_in + fan_out)):
    variance 2 / (fan_in + fan_out), which keeps the variance of the
    activations and of the gradients alike through a tanh or logistic
    network (eq-mlp-glorot)."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def he_normal(shape, fan_in, rng):
    """Normal weights with variance 2 / fan_in: ReLU zeroes half of its
    inputs on average, and the factor 2 makes up for it (eq-mlp-he)."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


# Layers -----------------------------------------------------------------


class Layer:
    """A layer without parameters; subclasses with parameters fill
    ``params`` and ``grads``."""

    def __init__(self):
        self.params = {}
        self.grads = {}


class Dense(Layer):
    """Affine layer y = x W^T + b (eq-mlp-dense) on inputs of shape
    (..., in_features).

    Parameters
    ----------
    in_features, out_features : int
    init : {"glorot", "he"}, default="glorot"
        Glorot for tanh and logistic layers, He for ReLU layers.
    random_state : None, int or numpy.random.Generator, default=None

    Attributes
    ----------
    params : dict
        ``W`` of shape (out_features, in_features) and ``b`` of shape
        (out_features,), as in ``torch.nn.Linear``.
    """

    def __init__(
        self, in_features, out_features, *, init="glorot", random_state=None
    ):
        super().__init__()
        check_scalar(in_features, "in_features", numbers.Integral, low=1)
        check_scalar(out_features, "out_features", numbers.Integral, low=1)
        check_option(init, "init", {"glorot", "he"})
        rng = check_random_state(random_state)
        shape = (out_features, in_features)
        if init == "glorot":
            weights = glorot_uniform(shape, in_features, out_features, rng)
        else:
            weights = he_normal(shape, in_features, rng)
        self.params = {"W": weights, "b": np.zeros(out_features)}
        self.grads = {
            name: np.zeros_like(value) for name, value in self.params.items()
        }

    def forward(self, x):
        self._x = x  # (..., in_features)
        output = x @ self.params["W"].T  # (..., out_features)
        output += self.params["b"]
        return output

    def backward(self, grad_output):
        """Weight and bias gradients summed over every leading index,
        input gradient grad_output W (eq-mlp-dense-grads)."""
        out_features, in_features = self.params["W"].shape
        x_rows = self._x.reshape(-1, in_features)  # (rows, in)
        grad_rows = grad_output.reshape(-1, out_features)  # (rows, out)
        self.grads["W"] = grad_rows.T @ x_rows
        self.grads["b"] = grad_rows.sum(axis=0)
        return grad_output @ self.params["W"]  # (..., in_features)


class ReLU(Layer):
    """max(0, x) element-wise; its derivative is 1 where x > 0, else 0
    (eq-mlp-activations)."""

    def forward(self, x):
        self._positive = x > 0
        return np.maximum(x, 0.0)

    def backward(self, grad_output):
        return grad_output * self._positive


class Tanh(Layer):
    """tanh(x) element-wise; derivative 1 - tanh(x)^2, computed from the
    kept output (eq-mlp-activations)."""

    def forward(self, x):
        self._y = np.tanh(x)
        return self._y

    def backward(self, grad_output):
        return grad_output * (1.0 - self._y**2)


class Logistic(Layer):
    """The logistic sigmoid element-wise; derivative s (1 - s), computed
    from the kept output s (eq-mlp-activations)."""

    def forward(self, x):
        self._y = sigmoid(x)
        return self._y

    def backward(self, grad_output):
        return grad_output * self._y * (1.0 - self._y)


class Identity(Layer):
    """The identity, for the "identity" activation."""

    def forward(self, x):
        return x

    def backward(self, grad_output):
        return grad_output


ACTIVATIONS = {
    "relu": ReLU,
    "tanh": Tanh,
    "logistic": Logistic,
    "identity": Identity,
}


class Sequential:
    """Layers applied in order; backward runs them in reverse (the chain
    rule, eq-mlp-backprop)."""

    def __init__(self, layers):
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_output):
        for layer in reversed(self.layers):
            grad_output = layer.backward(grad_output)
        return grad_output

    def parameters(self):
        """``(params, grads)`` of every layer that has parameters, in
        order: what the optimisers update."""
        return [
            (layer.params, layer.grads)
            for layer in self.layers
            if layer.params
        ]


# Losses -----------------------------------------------------------------


class SoftmaxCrossEntropy:
    """Mean cross-entropy of softmax(logits) against integer class indices,
    computed from the logits with the log-sum-exp (eq-mlp-softmax-ce).

    ``forward(logits, targets)`` takes logits of shape (..., n_classes)
    and targets of shape (...) and returns the mean over all leading
    indices; ``backward()`` returns d loss / d logits, which is
    (softmax - one-hot) / n (eq-mlp-softmax-ce-grad).
    """

    def forward(self, logits, targets):
        n_classes = logits.shape[-1]
        scores = logits.reshape(-1, n_classes)  # (rows, classes)
        self._targets = np.asarray(targets).reshape(-1)  # (rows,)
        rows = np.arange(scores.shape[0])
        log_normaliser = log_sum_exp(scores, axis=1)
        self._probabilities = np.exp(scores - log_normaliser[:, None])
        self._shape = logits.shape
        return float(np.mean(log_normaliser - scores[rows, self._targets]))

    def backward(self):
        grad = self._probabilities.copy()  # (rows, classes)
        rows = np.arange(grad.shape[0])
        grad[rows, self._targets] -= 1.0
        grad /= grad.shape[0]
        return grad.reshape(self._shape)


class SquaredError:
    """Half the mean squared error over all entries, sum (y_hat - y)^2 /
    (2 m) for m entries, scikit-learn's MLPRegressor loss
    (eq-mlp-squared-error); its gradient is (y_hat - y) / m."""

    def forward(self, predictions, targets):
        self._difference = predictions - np.reshape(targets, predictions.shape)
        return float(np.mean(self._difference**2) / 2.0)

    def backward(self):
        return self._difference / self._difference.size


def add_l2_penalty(parameters, alpha, n_samples):
    """Add the L2 penalty alpha / (2 n) sum ||W||^2 of every weight (the
    parameters whose names start with "W"; biases are not penalised) to
    the gradients, and return its value (eq-mlp-l2). n is the batch size,
    as in scikit-learn, so that alpha means the same for any batch."""
    penalty = 0.0
    for params, grads in parameters:
        for name, value in params.items():
            if name.startswith("W"):
                penalty += np.sum(value**2)
                grads[name] = grads[name] + (alpha / n_samples) * value
    return 0.5 * alpha * penalty / n_samples


# Optimisers -------------------------------------------------------------


def optimizer_state(store, key, like):
    """The state array an optimiser keeps under ``key`` (a velocity or a
    moment), zeros of the parameter's shape on first use; the optimisers
    then update it in place, without allocating at every step."""
    if key not in store:
        store[key] = np.zeros_like(like)
    return store[key]


class SGD:
    """Stochastic gradient descent with momentum (eq-mlp-momentum) and,
    optionally, Nesterov's look-ahead (eq-mlp-nesterov).

    ``step(parameters)`` updates a list of ``(params, grads)`` pairs in
    place; the velocities are kept per position in that list and name.
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        self.learning_rate = check_scalar(
            learning_rate, "learning_rate", low=0.0, low_inclusive=False
        )
        self.momentum = check_scalar(
            momentum, "momentum", low=0.0, high=1.0, high_inclusive=False
        )
        self.nesterov = bool(nesterov)
        self._velocity = {}

    def step(self, parameters):
        for index, (params, grads) in enumerate(parameters):
            for name, value in params.items():
                step = self.learning_rate * grads[name]
                velocity = optimizer_state(
                    self._velocity, (index, name), value
                )
                velocity *= self.momentum  # in place: no new arrays
                velocity -= step
                if self.nesterov:
                    value += self.momentum * velocity
                    value -= step
                else:
                    value += velocity


class Adam:
    """Adam (eq-mlp-adam): steps scaled by running estimates of the first
    and second moments of the gradient, with their bias corrected.

    ``step(parameters)`` updates a list of ``(params, grads)`` pairs in
    place, as ``SGD.step`` does.
    """

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        self.learning_rate = check_scalar(
            learning_rate, "learning_rate", low=0.0, low_inclusive=False
        )
        self.beta_1 = check_scalar(
            beta_1, "beta_1", low=0.0, high=1.0, high_inclusive=False
        )
        self.beta_2 = check_scalar(
            beta_2, "beta_2", low=0.0, high=1.0, high_inclusive=False
        )
        self.epsilon = check_scalar(
            epsilon, "epsilon", low=0.0, low_inclusive=False
        )
        self._first, self._second = {}, {}
        self._steps = 0

    def step(self, parameters):
        self._steps += 1
        # The bias corrections of both moments folded into one step size.
        step_size = (
            self.learning_rate
            * np.sqrt(1.0 - self.beta_2**self._steps)
            / (1.0 - self.beta_1**self._steps)
        )
        for index, (params, grads) in enumerate(parameters):
            for name, value in params.items():
                key, grad = (index, name), grads[name]
                first = optimizer_state(self._first, key, value)
                second = optimizer_state(self._second, key, value)
                # The moving averages, updated in place.
                first *= self.beta_1
                first += (1.0 - self.beta_1) * grad
                second *= self.beta_2
                second += (1.0 - self.beta_2) * grad**2
                denominator = np.sqrt(second)
                denominator += self.epsilon
                value -= step_size * first / denominator


def make_optimizer(solver, learning_rate, momentum=0.9, nesterov=True):
    """The optimiser an estimator's ``solver`` names: "sgd" or "adam"."""
    check_option(solver, "solver", {"sgd", "adam"})
    if solver == "sgd":
        return SGD(learning_rate, momentum=momentum, nesterov=nesterov)
    return Adam(learning_rate)


# Training ---------------------------------------------------------------


def minibatches(n_samples, batch_size, rng):
    """Index arrays of shuffled mini-batches covering every sample once:
    one epoch. The last batch is smaller when batch_size does not divide
    n_samples."""
    order = rng.permutation(n_samples)
    for start in range(0, n_samples, batch_size):
        yield order[start : start + batch_size]


def clip_gradients(parameters, max_norm):
    """Scale every gradient by one factor so that their global norm, the
    norm of all of them stacked into one vector, is at most ``max_norm``
    (eq-rnn-clip). The direction of the step is kept; only its length is
    capped. Returns the norm before clipping."""
    norm = np.sqrt(
        sum(
            np.sum(grads[name] ** 2)
            for _, grads in parameters
            for name in grads
        )
    )
    if norm > max_norm:
        for _, grads in parameters:
            for name in grads:
                grads[name] = grads[name] * (max_norm / norm)
    return float(norm)


def train_epoch(
    network,
    loss,
    optimizer,
    X,
    targets,
    batch_size,
    rng,
    alpha=0.0,
    max_grad_norm=None,
):
    """One epoch of mini-batch training: forward, loss, backward, L2,
    gradient clipping (if ``max_grad_norm`` is given), optimiser step per
    batch. Returns the mean training loss over the epoch (penalty
    included), the number scikit-learn's ``loss_curve_`` records."""
    total = 0.0
    for batch in minibatches(X.shape[0], batch_size, rng):
        output = network.forward(X[batch])
        batch_loss = loss.forward(output, targets[batch])
        network.backward(loss.backward())
        if alpha > 0.0:
            batch_loss += add_l2_penalty(
                network.parameters(), alpha, batch.shape[0]
            )
        if max_grad_norm is not None:
            clip_gradients(network.parameters(), max_grad_norm)
        optimizer.step(network.parameters())
        total += batch_loss * batch.shape[0]
    return total / X.shape[0]


def train_until_stalled(
    network,
    loss,
    optimizer,
    X,
    targets,
    *,
    batch_size,
    max_iter,
    tol,
    n_iter_no_change,
    rng,
    alpha=0.0,
    max_grad_norm=None,
):
    """Run ``train_epoch`` until scikit-learn's stopping rule fires: the
    epoch loss has failed to beat the best loss so far by ``tol`` for more
    than ``n_iter_no_change`` epochs in a row (alg-mlp-train). Returns the
    loss of every epoch and whether the rule fired before ``max_iter``
    epochs; the caller warns when it did not."""
    loss_curve, best_loss, stalled = [], np.inf, 0
    for _ in range(max_iter):
        epoch_loss = train_epoch(
            network,
            loss,
            optimizer,
            X,
            targets,
            batch_size,
            rng,
            alpha=alpha,
            max_grad_norm=max_grad_norm,
        )
        loss_curve.append(epoch_loss)
        stalled = stalled + 1 if epoch_loss > best_loss - tol else 0
        best_loss = min(best_loss, epoch_loss)
        if stalled > n_iter_no_change:
            return loss_curve, True
    return loss_curve, False


def train_estimator(estimator, network, loss, X, targets, rng, **options):
    """Train ``network`` with the hyper-parameters of ``estimator``, which
    carries scikit-learn's names (solver, learning_rate_init, batch_size,
    max_iter, tol, n_iter_no_change, alpha), by ``train_until_stalled``;
    ``options`` may add max_grad_norm. Sets ``loss_curve_`` and ``n_iter_``
    on the estimator, and warns if ``max_iter`` epochs ran out first."""
    optimizer = make_optimizer(estimator.solver, estimator.learning_rate_init)
    estimator.loss_curve_, converged = train_until_stalled(
        network,
        loss,
        optimizer,
        X,
        targets,
        batch_size=min(estimator.batch_size, X.shape[0]),
        max_iter=estimator.max_iter,
        tol=estimator.tol,
        n_iter_no_change=estimator.n_iter_no_change,
        rng=rng,
        alpha=estimator.alpha,
        **options,
    )
    estimator.n_iter_ = len(estimator.loss_curve_)
    if not converged:
        warnings.warn(
            f"{type(estimator).__name__} stopped at "
            f"max_iter={estimator.max_iter} epochs before the training "
            "loss stopped improving; raise max_iter",
            ConvergenceWarning,
            stacklevel=3,
        )


# Gradient checking ------------------------------------------------------


def numerical_gradient(loss, array, eps=1e-6):
    """Central-difference gradient (eq-mlp-central-difference) of the
    scalar ``loss()`` with respect to every entry of ``array``.

    ``loss`` takes no arguments and must read ``array``, which is
    perturbed in place, one entry at a time, and restored. The error is
    O(eps^2); the cost is 2 * array.size calls of ``loss``.
    """
    if not (
        isinstance(array, np.ndarray)
        and array.flags.c_contiguous
        and array.dtype == np.float64
    ):
        raise TypeError(
            "array must be a C-contiguous float64 ndarray, so "
            "that it can be perturbed in place"
        )
    grad = np.zeros_like(array)
    flat, grad_flat = array.reshape(-1), grad.reshape(-1)  # views
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        loss_plus = loss()
        flat[i] = original - eps
        loss_minus = loss()
        flat[i] = original
        grad_flat[i] = (loss_plus - loss_minus) / (2.0 * eps)
    return grad


def relative_error(analytic, numeric):
    """The largest entry-wise difference relative to the largest entry:
    max |a - n| / max(max |a|, max |n|), the measure the gradient checks
    hold below 1e-6 (eq-mlp-relative-error). Zero when both are zero."""
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    scale = max(
        np.max(np.abs(analytic), initial=0.0),
        np.max(np.abs(numeric), initial=0.0),
    )
    if scale == 0.0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric)) / scale)
