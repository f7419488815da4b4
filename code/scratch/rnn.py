"""Recurrent neural networks: a tanh RNN layer trained by backpropagation
through time, and three models built on it.

- ``RNN``: the layer h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
  over batches of sequences (batch, time, features), with PyTorch's
  parameter names and layouts (``torch.nn.RNN(batch_first=True)``);
- ``LastTimeStep``: keeps the last hidden state, for many-to-one models;
- ``RNNRegressor``, ``RNNClassifier``: many-to-one models;
- ``RNNLanguageModel``: a character-level model trained by truncated
  backpropagation through time, with ``sample`` and ``score``.

The models reach their recurrent layer only through the class attribute
``layer_class`` and its state only through ``initial_state`` and
``final_state``, so that a subclass can swap in another recurrent layer
(the LSTM) whose state is a tuple.
"""

import numbers

import numpy as np

from .nn import (
    Dense,
    Layer,
    Sequential,
    SoftmaxCrossEntropy,
    SquaredError,
    clip_gradients,
    make_optimizer,
    train_estimator,
)
from .numerics import softmax
from .validation import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    check_array,
    check_is_fitted,
    check_magnitude,
    check_random_state,
    check_scalar,
    check_X_y,
    encode_labels,
    r2_score,
)

# Layers -----------------------------------------------------------------


def check_sequences(x, input_size, name="x"):
    """Return ``x`` as a finite float array (batch, time, input_size), or
    raise a ValueError that names the problem."""
    x = check_array(x, name=name, ndim=3)
    if x.shape[1] == 0:
        raise ValueError(
            f"{name} has sequences of length zero (shape "
            f"{x.shape}); at least one time step is needed"
        )
    if x.shape[2] != input_size:
        raise ValueError(
            f"{name} has {x.shape[2]} features per time step, "
            f"but input_size is {input_size}"
        )
    return x


def uniform_init(shape, hidden_size, rng):
    """Uniform on [-1/sqrt(hidden), 1/sqrt(hidden)]: PyTorch's
    initialisation of its recurrent layers."""
    limit = 1.0 / np.sqrt(hidden_size)
    return rng.uniform(-limit, limit, size=shape)


class RNN(Layer):
    """Elman's tanh recurrent layer (eq-rnn-recurrence) over batches of
    sequences, trained by backpropagation through time (eq-rnn-bptt).

    Parameters
    ----------
    input_size, hidden_size : int
    random_state : None, int or numpy.random.Generator, default=None

    Attributes
    ----------
    params : dict
        ``W_ih`` (hidden_size, input_size), ``W_hh`` (hidden_size,
        hidden_size), ``b_ih`` and ``b_hh`` (hidden_size,): the layout of
        ``torch.nn.RNN``, all uniform on [-1/sqrt(hidden), 1/sqrt(hidden)].
    final_state : ndarray of shape (batch, hidden_size)
        h_T after ``forward``, to carry on into the next call.
    grad_initial_state : ndarray of shape (batch, hidden_size)
        dL/dh_0 after ``backward``.
    """

    def __init__(self, input_size, hidden_size, *, random_state=None):
        super().__init__()
        check_scalar(input_size, "input_size", numbers.Integral, low=1)
        check_scalar(hidden_size, "hidden_size", numbers.Integral, low=1)
        rng = check_random_state(random_state)
        self.input_size, self.hidden_size = input_size, hidden_size
        shapes = {
            "W_ih": (hidden_size, input_size),
            "W_hh": (hidden_size, hidden_size),
            "b_ih": (hidden_size,),
            "b_hh": (hidden_size,),
        }
        self.params = {
            name: uniform_init(shape, hidden_size, rng)
            for name, shape in shapes.items()
        }
        self.grads = {
            name: np.zeros_like(value) for name, value in self.params.items()
        }

    def initial_zeros(self, batch_size):
        """The state a sequence starts from when none is given."""
        return np.zeros((batch_size, self.hidden_size))

    def check_state(self, state, batch_size):
        """Return ``initial_state`` as a (batch, hidden) float array."""
        if state is None:
            return self.initial_zeros(batch_size)
        state = check_array(state, name="initial_state", ndim=2)
        if state.shape != (batch_size, self.hidden_size):
            raise ValueError(
                f"initial_state has shape {state.shape}; expected (batch, "
                f"hidden_size) = {(batch_size, self.hidden_size)}"
            )
        return state

    def forward(self, x, initial_state=None):
        """All hidden states (batch, time, hidden) of eq-rnn-recurrence,
        from h_0 = ``initial_state`` (zeros if None)."""
        x = check_sequences(x, self.input_size)
        batch_size, n_steps, _ = x.shape
        h0 = self.check_state(initial_state, batch_size)
        W_hh_T = self.params["W_hh"].T
        # The input terms of every step in one product; time-major so
        # that each step's slice is contiguous.
        self._x = x.transpose(1, 0, 2)  # (time, batch, input)
        input_terms = self._x @ self.params["W_ih"].T  # (time, batch, hid)
        input_terms += self.params["b_ih"] + self.params["b_hh"]
        # states[0] = h_0 and states[t] = h_t: backward needs both h_t
        # and h_{t-1}.
        states = np.empty((n_steps + 1, batch_size, self.hidden_size))
        states[0] = h0
        for t in range(n_steps):
            pre_activation = states[t] @ W_hh_T
            pre_activation += input_terms[t]
            np.tanh(pre_activation, out=states[t + 1])
        self._states = states
        self.final_state = states[-1].copy()
        return states[1:].transpose(1, 0, 2)  # (batch, time, hidden)

    def backward(self, grad_output):
        """Backpropagation through time (eq-rnn-bptt): the gradient
        reaching h_t comes from the output at step t and from h_{t+1}
        through W_hh (eq-rnn-bptt-state); the weight gradients sum over
        steps (eq-rnn-bptt-weights) in one product each; the input and
        initial-state gradients follow (eq-rnn-bptt-input)."""
        states, W_hh = self._states, self.params["W_hh"]
        grad_steps = np.asarray(grad_output).transpose(1, 0, 2)  # (T,b,h)
        tanh_slope = 1.0 - states[1:] ** 2  # (time, batch, hidden)
        grad_pre = np.empty_like(tanh_slope)  # dL/dz_t (eq-rnn-bptt-pre)
        grad_state = np.zeros_like(states[0])  # nothing after step T
        # Index t of the time-major arrays is step t + 1 of the equations.
        for t in reversed(range(grad_pre.shape[0])):
            grad_state += grad_steps[t]  # delta (eq-rnn-bptt-state)
            np.multiply(grad_state, tanh_slope[t], out=grad_pre[t])
            grad_state = grad_pre[t] @ W_hh  # into the step before
        self.grad_initial_state = grad_state
        hidden = self.hidden_size
        pre_rows = grad_pre.reshape(-1, hidden)  # (time * batch, hidden)
        self.grads["W_ih"] = pre_rows.T @ self._x.reshape(-1, self.input_size)
        self.grads["W_hh"] = pre_rows.T @ states[:-1].reshape(-1, hidden)
        self.grads["b_ih"] = pre_rows.sum(axis=0)
        self.grads["b_hh"] = self.grads["b_ih"].copy()
        grad_x = grad_pre @ self.params["W_ih"]  # (time, batch, input)
        return grad_x.transpose(1, 0, 2)  # (batch, time, input)


class LastTimeStep(Layer):
    """The hidden state of the last step, (batch, time, hidden) ->
    (batch, hidden): what a many-to-one model reads (eq-rnn-many-to-one).
    Its backward puts the gradient at the last step and zeros elsewhere."""

    def forward(self, x):
        self._shape = x.shape
        return x[:, -1]

    def backward(self, grad_output):
        grad = np.zeros(self._shape)
        grad[:, -1] = grad_output
        return grad


# Many-to-one models ------------------------------------------------------


class _SequenceModel(BaseEstimator):
    """What the regressor and the classifier share: checks, the network
    (recurrent layer, last step, dense output) and the training loop."""

    layer_class = RNN

    def __init__(
        self,
        *,
        hidden_size=32,
        solver="adam",
        learning_rate_init=0.01,
        batch_size=32,
        max_iter=50,
        tol=1e-4,
        n_iter_no_change=10,
        max_grad_norm=5.0,
        alpha=0.0,
        random_state=None,
    ):
        self.hidden_size = hidden_size
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.max_grad_norm = max_grad_norm
        self.alpha = alpha
        self.random_state = random_state

    def _check_params(self):
        check_scalar(self.hidden_size, "hidden_size", numbers.Integral, low=1)
        check_scalar(
            self.learning_rate_init,
            "learning_rate_init",
            low=0.0,
            low_inclusive=False,
        )
        check_scalar(self.batch_size, "batch_size", numbers.Integral, low=1)
        check_scalar(self.max_iter, "max_iter", numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0.0)
        check_scalar(
            self.n_iter_no_change, "n_iter_no_change", numbers.Integral, low=1
        )
        if self.max_grad_norm is not None:
            check_scalar(
                self.max_grad_norm,
                "max_grad_norm",
                low=0.0,
                low_inclusive=False,
            )
        check_scalar(self.alpha, "alpha", low=0.0)

    def _check_X(self, X, fitting=False):
        """X as a (samples, time, features) float array with at least one
        time step and, unless ``fitting``, the features seen in fit."""
        X = check_magnitude(check_array(X, ndim=3))
        if X.shape[1] == 0:
            raise ValueError(
                f"X has sequences of length zero (shape "
                f"{X.shape}); at least one time step is "
                "needed"
            )
        if X.shape[2] == 0:
            raise ValueError(f"X has no features (shape {X.shape})")
        if not fitting and X.shape[2] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[2]} features per time step, but "
                f"{type(self).__name__} was fitted with "
                f"{self.n_features_in_} features"
            )
        return X

    def _fit_network(self, X, targets, n_outputs, loss):
        """Build the network and train it epoch by epoch until the loss
        stops improving by ``tol`` for ``n_iter_no_change`` epochs, the
        stopping rule of scikit-learn's MLP."""
        rng = check_random_state(self.random_state)
        self.n_features_in_ = X.shape[2]
        self.network_ = Sequential(
            [
                self.layer_class(
                    X.shape[2], self.hidden_size, random_state=rng
                ),
                LastTimeStep(),
                Dense(self.hidden_size, n_outputs, random_state=rng),
            ]
        )
        train_estimator(
            self,
            self.network_,
            loss,
            X,
            targets,
            rng,
            max_grad_norm=self.max_grad_norm,
        )
        return self

    def _output(self, X):
        """The network's output for new sequences (samples, outputs)."""
        check_is_fitted(self, "network_")
        return self.network_.forward(self._check_X(X))


class RNNRegressor(RegressorMixin, _SequenceModel):
    """Many-to-one regression: the last hidden state of a recurrent layer,
    then an affine output (eq-rnn-many-to-one), trained on half the mean
    squared error with Adam or SGD and gradient clipping (eq-rnn-clip).

    Parameters
    ----------
    hidden_size : int, default=32
    solver : {"adam", "sgd"}, default="adam"
    learning_rate_init : float, default=0.01
    batch_size : int, default=32
    max_iter : int, default=50
        Epochs at most.
    tol, n_iter_no_change : float and int, default=1e-4 and 10
        Stop once the training loss has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, as scikit-learn's MLP does.
    max_grad_norm : float or None, default=5.0
        Clip the global gradient norm to this; None: no clipping.
    alpha : float, default=0.0
        L2 penalty on the weights.
    random_state : None, int or numpy.random.Generator, default=None

    Attributes
    ----------
    network_ : nn.Sequential
    loss_curve_ : list of float
    n_iter_, n_features_in_ : int
    """

    def fit(self, X, y):
        """Fit to sequences X (samples, time, features) and targets y
        (samples,) or (samples, outputs)."""
        self._check_params()
        X = self._check_X(X, fitting=True)
        y = np.asarray(y)
        y = check_array(y, name="y", ndim=2 if y.ndim == 2 else 1)
        if X.shape[0] != y.shape[0]:
            raise ValueError(
                f"X and y have different lengths: "
                f"{X.shape[0]} and {y.shape[0]}"
            )
        targets = y.reshape(y.shape[0], -1)  # (samples, outputs)
        self._y_ndim = y.ndim
        return self._fit_network(X, targets, targets.shape[1], SquaredError())

    def predict(self, X):
        """Predictions (samples,) or (samples, outputs), as y was."""
        output = self._output(X)
        return output[:, 0] if self._y_ndim == 1 else output

    def score(self, X, y):
        """R^2 of the predictions; averaged over outputs when y is 2-D."""
        prediction = self.predict(X)
        y = np.asarray(y, dtype=np.float64)
        if prediction.ndim == 1:
            return r2_score(y, prediction)
        return float(
            np.mean(
                [
                    r2_score(y[:, k], prediction[:, k])
                    for k in range(prediction.shape[1])
                ]
            )
        )


class RNNClassifier(ClassifierMixin, _SequenceModel):
    """Many-to-one classification: the last hidden state of a recurrent
    layer, an affine layer to one logit per class and the softmax
    cross-entropy (eq-rnn-many-to-one), trained with Adam or SGD and
    gradient clipping (eq-rnn-clip).

    Parameters
    ----------
    Those of ``RNNRegressor``.

    Attributes
    ----------
    classes_ : ndarray
        The distinct labels, sorted; predictions are among them.
    network_ : nn.Sequential
    loss_curve_ : list of float
    n_iter_, n_features_in_ : int
    """

    def fit(self, X, y):
        """Fit to sequences X (samples, time, features) and labels y
        (samples,) of any kind."""
        self._check_params()
        X, y = check_X_y(X, y, ndim=3)
        X = self._check_X(X, fitting=True)
        self.classes_, y_index = encode_labels(y)
        return self._fit_network(
            X, y_index, self.classes_.shape[0], SoftmaxCrossEntropy()
        )

    def predict_proba(self, X):
        """Class probabilities (samples, classes), softmax of the logits."""
        return softmax(self._output(X), axis=1)

    def predict(self, X):
        logits = self._output(X)  # (samples, classes)
        return self.classes_[np.argmax(logits, axis=1)]


# Character-level language model ------------------------------------------


class RNNLanguageModel(BaseEstimator):
    """A character-level language model: a recurrent layer reads one-hot
    characters and an affine layer at every step gives logits for the
    next one (eq-rnn-language-model). Trained by truncated
    backpropagation through time (eq-rnn-truncated): the text is cut into
    ``batch_size`` parallel streams, read ``seq_length`` characters at a
    time, and the state carries from one window to the next while the
    gradient does not.

    Parameters
    ----------
    hidden_size : int, default=64
    seq_length : int, default=32
        The truncation window: characters per backward pass.
    batch_size : int, default=32
        Parallel streams of text.
    solver : {"adam", "sgd"}, default="adam"
    learning_rate_init : float, default=0.01
    max_iter : int, default=10
        Epochs (passes over the text).
    max_grad_norm : float or None, default=5.0
    random_state : None, int or numpy.random.Generator, default=None

    Attributes
    ----------
    vocabulary_ : list of str
        The distinct characters of the training text, sorted.
    network_ : nn.Sequential
        The recurrent layer and the output layer.
    loss_curve_ : list of float
        Mean cross-entropy per character in each epoch, in nats.
    n_iter_ : int
    """

    layer_class = RNN

    def __init__(
        self,
        *,
        hidden_size=64,
        seq_length=32,
        batch_size=32,
        solver="adam",
        learning_rate_init=0.01,
        max_iter=10,
        max_grad_norm=5.0,
        random_state=None,
    ):
        self.hidden_size = hidden_size
        self.seq_length = seq_length
        self.batch_size = batch_size
        self.solver = solver
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.max_grad_norm = max_grad_norm
        self.random_state = random_state

    def _check_params(self):
        for name in ("hidden_size", "seq_length", "batch_size", "max_iter"):
            check_scalar(getattr(self, name), name, numbers.Integral, low=1)
        check_scalar(
            self.learning_rate_init,
            "learning_rate_init",
            low=0.0,
            low_inclusive=False,
        )
        if self.max_grad_norm is not None:
            check_scalar(
                self.max_grad_norm,
                "max_grad_norm",
                low=0.0,
                low_inclusive=False,
            )

    def _encode(self, text, name="text"):
        """The indices of the characters of ``text`` in the vocabulary."""
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str, got {type(text).__name__}")
        unknown = sorted(set(text) - set(self._index))
        if unknown:
            raise ValueError(
                f"{name} has characters outside the "
                f"vocabulary: {unknown[:10]!r}"
            )
        return np.array([self._index[char] for char in text], dtype=int)

    def _one_hot(self, indices):
        """(..., ) indices -> (..., vocabulary) one-hot inputs."""
        return np.eye(len(self.vocabulary_))[indices]

    def _logits(self, indices, state):
        """Logits (batch, time, vocabulary) for the characters after
        ``indices`` (batch, time), starting from ``state``."""
        recurrent, output = self.network_.layers
        hidden = recurrent.forward(self._one_hot(indices), initial_state=state)
        return output.forward(hidden)

    def _streams(self, codes, offset):
        """Inputs and targets (streams, length): the text from ``offset``
        cut into up to ``batch_size`` contiguous streams, each target the
        input's next character."""
        n_pairs = codes.shape[0] - 1 - offset
        n_streams = max(1, min(self.batch_size, n_pairs // self.seq_length))
        length = n_pairs // n_streams
        used = codes[offset : offset + n_streams * length + 1]
        inputs = used[:-1].reshape(n_streams, length)
        targets = used[1:].reshape(n_streams, length)
        return inputs, targets

    def _train_epoch(self, codes, optimizer, rng):
        """One pass of truncated BPTT over the text (eq-rnn-truncated);
        returns the mean loss per character."""
        # A random start each epoch moves the window boundaries.
        offset = int(rng.integers(min(self.seq_length, codes.shape[0] - 1)))
        inputs, targets = self._streams(codes, offset)
        loss, state, total = SoftmaxCrossEntropy(), None, 0.0
        for start in range(0, inputs.shape[1], self.seq_length):
            window = slice(start, start + self.seq_length)
            logits = self._logits(inputs[:, window], state)
            # The state carries on; the gradient stops at the window.
            state = self.network_.layers[0].final_state
            total += loss.forward(logits, targets[:, window]) * (
                targets[:, window].size
            )
            self.network_.backward(loss.backward())
            if self.max_grad_norm is not None:
                clip_gradients(self.network_.parameters(), self.max_grad_norm)
            optimizer.step(self.network_.parameters())
        return total / targets.size

    def fit(self, text):
        """Learn to predict each character of ``text`` (a str of at least
        two characters) from the ones before it."""
        self._check_params()
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        if len(text) < 2:
            raise ValueError(
                "text must have at least 2 characters: one to "
                "read and one to predict"
            )
        rng = check_random_state(self.random_state)
        self.vocabulary_ = sorted(set(text))
        self._index = {char: k for k, char in enumerate(self.vocabulary_)}
        codes = self._encode(text)
        n_characters = len(self.vocabulary_)
        self.network_ = Sequential(
            [
                self.layer_class(
                    n_characters, self.hidden_size, random_state=rng
                ),
                Dense(self.hidden_size, n_characters, random_state=rng),
            ]
        )
        # The first character of a sample without a prompt is drawn from
        # the characters' frequencies in the text.
        self.character_frequencies_ = (
            np.bincount(codes, minlength=n_characters) / codes.shape[0]
        )
        optimizer = make_optimizer(self.solver, self.learning_rate_init)
        self.loss_curve_ = [
            self._train_epoch(codes, optimizer, rng)
            for _ in range(self.max_iter)
        ]
        self.n_iter_ = self.max_iter
        return self

    def score(self, text):
        """Mean cross-entropy, in nats per character, of predicting each
        character of ``text`` from the ones before it."""
        check_is_fitted(self, "network_")
        codes = self._encode(text)
        if codes.shape[0] < 2:
            raise ValueError("text must have at least 2 characters")
        logits = self._logits(codes[None, :-1], None)
        return SoftmaxCrossEntropy().forward(logits, codes[None, 1:])

    def sample(
        self, n_characters, *, prompt="", temperature=1.0, random_state=None
    ):
        """Generate ``n_characters`` characters after ``prompt``, one at a
        time from softmax(logits / temperature) (eq-rnn-temperature);
        temperature 0 takes the most likely character each time."""
        check_is_fitted(self, "network_")
        check_scalar(n_characters, "n_characters", numbers.Integral, low=0)
        check_scalar(temperature, "temperature", low=0.0)
        rng = check_random_state(random_state)
        codes = self._encode(prompt, name="prompt")
        state, generated = None, []
        if codes.shape[0] == 0:
            if n_characters == 0:
                return ""
            codes = np.array(
                [
                    rng.choice(
                        len(self.vocabulary_), p=self.character_frequencies_
                    )
                ]
            )
            generated.append(int(codes[0]))
        while len(generated) < n_characters:
            # The state after reading ``codes`` carries on into the next
            # step, so each step reads one character.
            logits = self._logits(codes[None, :], state)[0, -1]
            state = self.network_.layers[0].final_state
            if temperature == 0:
                code = int(np.argmax(logits))
            else:
                probabilities = softmax(logits / temperature)
                code = int(rng.choice(probabilities.shape[0], p=probabilities))
            generated.append(code)
            codes = np.array([code])
        return "".join(self.vocabulary_[code] for code in generated)
