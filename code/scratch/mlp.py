"""Multi-layer perceptrons: MLPClassifier and MLPRegressor.

Chapter: book/deep_learning/mlp.md. A network is a chain of ``Dense``
layers with an activation between each pair (eq-mlp-dense,
eq-mlp-activations), trained by mini-batch SGD with momentum or by Adam on
the softmax cross-entropy (classification, eq-mlp-softmax-ce) or half the
squared error (regression, eq-mlp-squared-error), plus an L2 penalty on
the weights (eq-mlp-l2). The hyper-parameters, attributes and stopping
rule are scikit-learn's. The layers, losses and optimisers are the shared
ones of ``nn``.
"""

import math
import numbers
import warnings

import numpy as np

from .nn import (
    ACTIVATIONS,
    Dense,
    Sequential,
    SoftmaxCrossEntropy,
    SquaredError,
    make_optimizer,
    train_epoch,
)
from .numerics import softmax
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    ConvergenceWarning,
    RegressorMixin,
    check_array,
    check_bool,
    check_is_fitted,
    check_magnitude,
    check_option,
    check_predict_input,
    check_random_state,
    check_scalar,
    check_X_y,
    encode_labels,
    r2_score,
    record_feature_names,
)


def build_network(layer_sizes, activation, rng):
    """Dense layers of sizes ``layer_sizes[i] -> layer_sizes[i + 1]`` with
    ``activation`` between them and none after the last: the output
    layer's softmax lives in the loss (eq-mlp-forward). He initialisation
    for ReLU networks (eq-mlp-he), Glorot for the others (eq-mlp-glorot).
    """
    init = "he" if activation == "relu" else "glorot"
    layers = []
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        if layers:
            layers.append(ACTIVATIONS[activation]())
        layers.append(Dense(n_in, n_out, init=init, random_state=rng))
    return Sequential(layers)


def validation_split(n_samples, validation_fraction, rng):
    """Shuffled indices of a training part and of a validation part
    holding ceil(fraction * n) samples, as scikit-learn's split has."""
    n_validation = math.ceil(validation_fraction * n_samples)
    if n_validation < 2 or n_validation >= n_samples:
        raise ValueError(
            f"validation_fraction={validation_fraction} of {n_samples} "
            f"samples leaves {n_validation} for validation and "
            f"{n_samples - n_validation} for training; early stopping "
            "needs at least 2 and 1 sample(s)"
        )
    order = rng.permutation(n_samples)
    return order[n_validation:], order[:n_validation]


def mean_r2(targets, predictions):
    """R^2 of each column of (n_samples, n_outputs) arrays, averaged."""
    return float(
        np.mean(
            [
                r2_score(targets[:, k], predictions[:, k])
                for k in range(targets.shape[1])
            ]
        )
    )


class _BaseMLP(BaseEstimator):
    """What the classifier and the regressor share: the hyper-parameters
    and their checks, the network, the training loop with scikit-learn's
    stopping rule, and the weights in scikit-learn's layout. A subclass
    gives the loss, the targets and the validation score."""

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        activation="relu",
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate_init=1e-3,
        momentum=0.9,
        nesterovs_momentum=True,
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        early_stopping=False,
        validation_fraction=0.1,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.random_state = random_state

    def _hidden_sizes(self):
        """``hidden_layer_sizes`` as a tuple of positive ints (a single
        int means one hidden layer, as in scikit-learn)."""
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, numbers.Integral):
            sizes = (sizes,)
        try:
            sizes = tuple(sizes)
        except TypeError:
            raise TypeError(
                "hidden_layer_sizes must be a sequence of "
                f"integers, got {sizes!r}"
            ) from None
        for size in sizes:
            check_scalar(
                size, "each hidden layer size", numbers.Integral, low=1
            )
        return sizes

    def _check_params(self):
        check_option(self.activation, "activation", set(ACTIVATIONS))
        check_option(self.solver, "solver", {"sgd", "adam"})
        check_scalar(self.alpha, "alpha", low=0.0)
        if not (
            isinstance(self.batch_size, str) and self.batch_size == "auto"
        ):
            check_scalar(
                self.batch_size, "batch_size", numbers.Integral, low=1
            )
        check_scalar(
            self.learning_rate_init,
            "learning_rate_init",
            low=0.0,
            low_inclusive=False,
        )
        check_scalar(
            self.momentum, "momentum", low=0.0, high=1.0, high_inclusive=False
        )
        check_bool(self.nesterovs_momentum, "nesterovs_momentum")
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        check_scalar(
            self.n_iter_no_change, "n_iter_no_change", numbers.Integral, low=1
        )
        check_bool(self.early_stopping, "early_stopping")
        check_scalar(
            self.validation_fraction,
            "validation_fraction",
            low=0.0,
            high=1.0,
            low_inclusive=False,
            high_inclusive=False,
        )
        return self._hidden_sizes()

    def _fit(self, X, targets, n_outputs):
        """Build the network and train it on ``targets`` (what the loss
        takes) until scikit-learn's stopping rule fires or ``max_iter``
        epochs have run (alg-mlp-train)."""
        check_magnitude(X)
        hidden_sizes = self._check_params()
        rng = check_random_state(self.random_state)
        n_samples, self.n_features_in_ = X.shape
        self.network_ = build_network(
            (self.n_features_in_, *hidden_sizes, n_outputs),
            self.activation,
            rng,
        )
        self.n_layers_ = len(hidden_sizes) + 2
        self.n_outputs_ = n_outputs
        if self.early_stopping:
            train, held_out = validation_split(
                n_samples, self.validation_fraction, rng
            )
            X, X_val = X[train], X[held_out]
            targets, targets_val = targets[train], targets[held_out]
        batch_size = (
            min(200, X.shape[0])
            if self.batch_size == "auto"
            else min(self.batch_size, X.shape[0])
        )
        optimizer = make_optimizer(
            self.solver,
            self.learning_rate_init,
            self.momentum,
            self.nesterovs_momentum,
        )
        loss = self._loss()
        self.loss_curve_ = []
        self.best_loss_ = np.inf
        self.validation_scores_ = [] if self.early_stopping else None
        self.best_validation_score_ = -np.inf if self.early_stopping else None
        best_weights, no_improvement = None, 0
        for epoch in range(1, self.max_iter + 1):
            self.loss_curve_.append(
                float(
                    train_epoch(
                        self.network_,
                        loss,
                        optimizer,
                        X,
                        targets,
                        batch_size,
                        rng,
                        alpha=self.alpha,
                    )
                )
            )
            self.n_iter_ = epoch
            if not np.isfinite(self.loss_curve_[-1]):
                raise ValueError(
                    f"the training loss became NaN or infinity in epoch "
                    f"{epoch}; standardise the features or lower "
                    "learning_rate_init"
                )
            if self.early_stopping:
                score = self._score_targets(X_val, targets_val)
                self.validation_scores_.append(score)
                improved = score >= self.best_validation_score_ + self.tol
                if score > self.best_validation_score_:
                    self.best_validation_score_ = score
                    best_weights = self._copy_weights()
            else:
                improved = self.loss_curve_[-1] <= self.best_loss_ - self.tol
                self.best_loss_ = min(self.best_loss_, self.loss_curve_[-1])
            no_improvement = 0 if improved else no_improvement + 1
            if no_improvement > self.n_iter_no_change:
                break
        else:
            warnings.warn(
                f"stochastic optimiser: max_iter={self.max_iter} epochs "
                "reached and the optimisation has not converged yet",
                ConvergenceWarning,
                stacklevel=3,
            )
        if self.early_stopping:
            self.best_loss_ = None
            self._restore_weights(best_weights)
        return self

    def _copy_weights(self):
        return [
            {name: value.copy() for name, value in params.items()}
            for params, _ in self.network_.parameters()
        ]

    def _restore_weights(self, saved):
        """Copy saved weights back in place, so that ``coefs_`` and
        ``intercepts_`` (views of the network's arrays) see them."""
        for (params, _), values in zip(self.network_.parameters(), saved):
            for name, value in values.items():
                params[name][...] = value

    def _dense_layers(self):
        check_is_fitted(self, "network_")
        return [
            layer for layer in self.network_.layers if isinstance(layer, Dense)
        ]

    @property
    def coefs_(self):
        """Weight matrices in scikit-learn's layout, ``coefs_[i]`` of shape
        (units in layer i, units in layer i + 1): views of the transposed
        ``W`` of each ``Dense`` layer."""
        return [layer.params["W"].T for layer in self._dense_layers()]

    @property
    def intercepts_(self):
        """Bias vectors, ``intercepts_[i]`` of shape (units in layer
        i + 1,): the ``b`` of each ``Dense`` layer."""
        return [layer.params["b"] for layer in self._dense_layers()]

    def _output(self, X):
        """The network's output for checked ``X``: logits for the
        classifier, predictions for the regressor."""
        return self.network_.forward(X)  # (n_samples, n_outputs)


class MLPClassifier(ClassifierMixin, _BaseMLP):
    """Multi-layer perceptron classifier trained on the softmax
    cross-entropy with an L2 penalty (eq-mlp-softmax-ce, eq-mlp-l2).

    The output layer has one unit per class and a softmax, also for two
    classes; scikit-learn uses a single logistic unit for two classes,
    which is the same model with one logit fixed at zero.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
        Units in each hidden layer.
    activation : {"relu", "tanh", "logistic", "identity"}, default="relu"
        Activation of the hidden layers (eq-mlp-activations).
    solver : {"sgd", "adam"}, default="adam"
        "sgd" is SGD with momentum (eq-mlp-momentum, eq-mlp-nesterov),
        "adam" is Adam (eq-mlp-adam).
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (eq-mlp-l2).
    batch_size : int or "auto", default="auto"
        Samples per mini-batch; "auto" is min(200, n_samples), and a
        larger value is clipped to n_samples.
    learning_rate_init : float, default=1e-3
        Step size eta.
    momentum : float, default=0.9
        Momentum mu of "sgd", in [0, 1).
    nesterovs_momentum : bool, default=True
        Nesterov's look-ahead for "sgd".
    max_iter : int, default=200
        Most epochs (passes over the training data).
    tol : float, default=1e-4
        Smallest improvement of the training loss (or, with early
        stopping, of the validation accuracy) that counts.
    n_iter_no_change : int, default=10
        Training stops after more than this many epochs in a row
        without an improvement of at least ``tol``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (a random,
        unstratified split), stop on its accuracy and keep the weights of
        the best epoch.
    validation_fraction : float, default=0.1
    random_state : None, int or numpy.random.Generator, default=None
        Seeds the initial weights, the shuffling and the split.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coefs_ : list of ndarray
        ``coefs_[i]`` of shape (units in layer i, units in layer i + 1).
    intercepts_ : list of ndarray
    network_ : nn.Sequential
        The trained network, whose ``Dense`` layers hold the same arrays.
    loss_curve_ : list of float
        Mean training loss (penalty included) of each epoch.
    best_loss_ : float or None
        Lowest training loss (None with early stopping).
    validation_scores_ : list of float or None
        Validation accuracy of each epoch (early stopping only).
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run.
    n_features_in_, n_layers_, n_outputs_ : int
    out_activation_ : str
        "softmax".
    """

    out_activation_ = "softmax"

    def fit(self, X, y):
        """Train on the labels ``y``, any values; returns self."""
        record_feature_names(self, X)
        X, y = check_X_y(X, y)
        self.classes_, y_index = encode_labels(y, min_classes=2)
        return self._fit(X, y_index, len(self.classes_))

    @staticmethod
    def _loss():
        return SoftmaxCrossEntropy()

    def _score_targets(self, X, y_index):
        """Accuracy against class indices: the early-stopping score."""
        return float(np.mean(np.argmax(self._output(X), axis=1) == y_index))

    def predict_proba(self, X):
        """Class probabilities, (n_samples, n_classes): the softmax of the
        output layer (eq-mlp-softmax-ce)."""
        X = check_predict_input(self, X)
        return softmax(self._output(X))

    def predict(self, X):
        """The class with the largest output."""
        X = check_predict_input(self, X)
        return self.classes_[np.argmax(self._output(X), axis=1)]


class MLPRegressor(RegressorMixin, _BaseMLP):
    """Multi-layer perceptron regressor: identity output units, trained
    on half the mean squared error with an L2 penalty
    (eq-mlp-squared-error, eq-mlp-l2).

    Parameters are those of :class:`MLPClassifier`; with early stopping,
    the validation score is R^2.

    Attributes
    ----------
    coefs_, intercepts_, network_, loss_curve_, best_loss_,
    validation_scores_, best_validation_score_, n_iter_, n_features_in_,
    n_layers_, n_outputs_ :
        As in :class:`MLPClassifier`.
    out_activation_ : str
        "identity".
    """

    out_activation_ = "identity"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True  # y may be 2-D
        return tags

    def fit(self, X, y):
        """Train on targets ``y`` of shape (n_samples,) or (n_samples,
        n_outputs); returns self."""
        record_feature_names(self, X)
        if np.asarray(y).ndim == 2:  # several outputs
            X, y = check_array(X), check_array(y, name="y")
            if X.shape[0] != y.shape[0]:
                raise ValueError(
                    f"X and y have different lengths: "
                    f"{X.shape[0]} and {y.shape[0]}"
                )
        else:
            X, y = check_X_y(X, y, y_numeric=True)
        self._y_ndim = y.ndim
        targets = y.reshape(y.shape[0], -1)  # (n_samples, n_outputs)
        return self._fit(X, targets, targets.shape[1])

    @staticmethod
    def _loss():
        return SquaredError()

    def _score_targets(self, X, targets):
        """R^2 averaged over the outputs: the early-stopping score."""
        return mean_r2(targets, self._output(X))

    def predict(self, X):
        """Predictions, 1-D if ``y`` was 1-D at fit."""
        X = check_predict_input(self, X)
        predictions = self._output(X)  # (n_samples, n_outputs)
        return predictions[:, 0] if self._y_ndim == 1 else predictions

    def score(self, X, y):
        """R^2 on (X, y), averaged over the outputs as scikit-learn's
        default "uniform_average" does."""
        predictions = self.predict(X)
        y = check_array(y, name="y", ndim=predictions.ndim)
        if y.shape != predictions.shape:
            raise ValueError(
                f"y has shape {y.shape}, the predictions {predictions.shape}"
            )
        return mean_r2(y.reshape(len(y), -1), predictions.reshape(len(y), -1))
