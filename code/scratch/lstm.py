"""Long short-term memory: a recurrent layer with a gated, additive cell.

The layer has the interface of ``rnn.RNN`` (batch-first sequences, every
hidden state returned, an optional initial state), with the state a pair
``(h, c)``: the hidden state and the cell. Its parameters are laid out as
``torch.nn.LSTM`` lays them, the four gates stacked in the order input,
forget, cell candidate, output, so that a test can load the same numbers
into both. The models are those of ``rnn.py`` with this layer in place of
the plain recurrence. The equations are those of the LSTM chapter.
"""

import numbers

import numpy as np

from .nn import Layer
from .rnn import (
    RNNClassifier,
    RNNLanguageModel,
    RNNRegressor,
    check_sequences,
    uniform_init,
)
from .validation import check_array, check_random_state, check_scalar


class LSTM(Layer):
    """An LSTM layer over batches of sequences (eq-lstm-gates,
    eq-lstm-cell, eq-lstm-hidden).

    Parameters
    ----------
    input_size, hidden_size : int
    random_state : None, int or numpy.random.Generator, default=None
        Every parameter is drawn uniform on [-1/sqrt(hidden_size),
        1/sqrt(hidden_size)], as PyTorch does.

    Attributes
    ----------
    params : dict
        ``W_ih`` (4 hidden, input), ``W_hh`` (4 hidden, hidden), ``b_ih``
        and ``b_hh`` (4 hidden,): the gates input, forget, cell and
        output stacked in that order, as in ``torch.nn.LSTM``.
    final_state : tuple of ndarray
        ``(h_T, c_T)``, each (batch, hidden), after ``forward``.
    grad_initial_state : tuple of ndarray
        ``(dL/dh_0, dL/dc_0)`` after ``backward``.
    """

    def __init__(self, input_size, hidden_size, *, random_state=None):
        super().__init__()
        check_scalar(input_size, "input_size", numbers.Integral, low=1)
        check_scalar(hidden_size, "hidden_size", numbers.Integral, low=1)
        self.input_size, self.hidden_size = input_size, hidden_size
        rng = check_random_state(random_state)
        shapes = {
            "W_ih": (4 * hidden_size, input_size),
            "W_hh": (4 * hidden_size, hidden_size),
            "b_ih": (4 * hidden_size,),
            "b_hh": (4 * hidden_size,),
        }
        self.params = {
            name: uniform_init(shape, hidden_size, rng)
            for name, shape in shapes.items()
        }
        self.grads = {
            name: np.zeros_like(value) for name, value in self.params.items()
        }

    def _check_input(self, x, initial_state):
        """The sequences as a float array, and (h0, c0), zeros if None."""
        x = check_sequences(x, self.input_size)
        shape = (x.shape[0], self.hidden_size)
        if initial_state is None:
            return x, (np.zeros(shape), np.zeros(shape))
        if not (isinstance(initial_state, tuple) and len(initial_state) == 2):
            raise ValueError("initial_state must be a tuple (h0, c0)")
        states = []
        for name, state in zip(("h0", "c0"), initial_state):
            state = check_array(state, name=name, ndim=2, min_samples=0)
            if state.shape != shape:
                raise ValueError(
                    f"{name} must have shape (batch, hidden) "
                    f"= {shape}, got {state.shape}"
                )
            states.append(state)
        return x, tuple(states)

    def forward(self, x, initial_state=None):
        """All hidden states (batch, time, hidden) of the sequences x
        (batch, time, input): the gates (eq-lstm-gates), the cell
        (eq-lstm-cell) and the hidden state (eq-lstm-hidden), one step
        at a time from (h0, c0)."""
        x, (h, c) = self._check_input(x, initial_state)
        n_steps, batch, hidden = x.shape[1], x.shape[0], self.hidden_size
        W_hh_T = self.params["W_hh"].T
        # The input part of every pre-activation in one product,
        # time-major so that each step reads a contiguous block.
        z_input = (
            x.transpose(1, 0, 2) @ self.params["W_ih"].T
            + self.params["b_ih"]
            + self.params["b_hh"]
        )
        z_input = z_input.reshape(n_steps, batch, 4, hidden)
        # sigma(z) = (1 + tanh(z / 2)) / 2 (eq-lstm-sigmoid-tanh): one
        # tanh gives the three sigmoid gates and the tanh candidate.
        scale = np.array([0.5, 0.5, 1.0, 0.5])[:, None]  # (4, 1)
        shift = np.array([0.5, 0.5, 0.0, 0.5])[:, None]
        gates = np.empty_like(z_input)  # (time, batch, 4, hidden)
        cells = np.empty((n_steps + 1, batch, hidden))  # c_0 .. c_T
        states = np.empty((n_steps + 1, batch, hidden))  # h_0 .. h_T
        tanh_cells = np.empty((n_steps, batch, hidden))
        cells[0], states[0] = c, h
        for t in range(n_steps):
            z = (h @ W_hh_T).reshape(batch, 4, hidden)
            z += z_input[t]
            z *= scale
            gate = np.tanh(z, out=gates[t])
            gate *= scale
            gate += shift
            i, f, g, o = gate[:, 0], gate[:, 1], gate[:, 2], gate[:, 3]
            c = np.multiply(f, c, out=cells[t + 1])
            c += i * g
            np.tanh(c, out=tanh_cells[t])
            h = np.multiply(o, tanh_cells[t], out=states[t + 1])
        self._x, self._gates, self._tanh_cells = x, gates, tanh_cells
        self._cells, self._states = cells, states
        self.final_state = (h.copy(), c.copy())
        return states[1:].transpose(1, 0, 2)  # (batch, time, hidden)

    def _local_derivatives(self):
        """The factors that turn dL/dc_t and dL/dh_t into dL/dz_t
        (eq-lstm-grad-gates), for all steps at once: (time, batch, 4,
        hidden); the factor dh_t -> dc_t of h_t = o_t tanh(c_t)
        (eq-lstm-grad-cell), (time, batch, hidden); the forget gates."""
        i, f, g, o = (self._gates[:, :, k] for k in range(4))
        tanh_c = self._tanh_cells
        factors = np.empty_like(self._gates)
        factors[:, :, 0] = g * i * (1.0 - i)
        factors[:, :, 1] = self._cells[:-1] * f * (1.0 - f)
        factors[:, :, 2] = i * (1.0 - g**2)
        factors[:, :, 3] = tanh_c * o * (1.0 - o)
        hidden_to_cell = o * (1.0 - tanh_c**2)
        return factors, hidden_to_cell, f

    def backward(self, grad_output):
        """Backpropagation through time over the whole sequence
        (eq-lstm-grad-hidden, eq-lstm-grad-cell, eq-lstm-grad-gates,
        eq-lstm-grad-input): grad_output (batch, time, hidden) is dL/dh_t
        from above; returns dL/dx (batch, time, input)."""
        n_steps, batch, _, hidden = self._gates.shape
        factors, hidden_to_cell, forget = self._local_derivatives()
        grad_output = np.asarray(grad_output).transpose(1, 0, 2)
        W_hh = self.params["W_hh"]
        grad_z = np.empty((n_steps, batch, 4, hidden))
        grad_h = np.zeros((batch, hidden))  # dL/dh_t through h_{t+1}
        grad_c = np.zeros((batch, hidden))  # dL/dc_t through c_{t+1}
        for t in range(n_steps - 1, -1, -1):
            grad_h = grad_h + grad_output[t]
            grad_c = grad_c + grad_h * hidden_to_cell[t]
            step = grad_z[t]  # (batch, 4, hidden)
            np.multiply(grad_c[:, None, :], factors[t, :, :3], out=step[:, :3])
            np.multiply(grad_h, factors[t, :, 3], out=step[:, 3])
            grad_h = step.reshape(batch, 4 * hidden) @ W_hh
            grad_c = grad_c * forget[t]
        self.grad_initial_state = (grad_h, grad_c)
        return self._parameter_gradients(grad_z.reshape(n_steps, batch, -1))

    def _parameter_gradients(self, grad_z):
        """Sum the per-step gradients of the shared weights over time and
        batch (eq-lstm-grad-params); grad_z is (time, batch, 4 hidden).
        Returns dL/dx (batch, time, input) (eq-lstm-grad-input)."""
        rows = grad_z.reshape(-1, grad_z.shape[2])  # (time*batch, 4h)
        x_rows = self._x.transpose(1, 0, 2).reshape(-1, self.input_size)
        h_rows = self._states[:-1].reshape(-1, self.hidden_size)
        self.grads["W_ih"] = rows.T @ x_rows
        self.grads["W_hh"] = rows.T @ h_rows
        self.grads["b_ih"] = rows.sum(axis=0)
        self.grads["b_hh"] = self.grads["b_ih"].copy()
        return (grad_z @ self.params["W_ih"]).transpose(1, 0, 2)


# Models -----------------------------------------------------------------


class LSTMRegressor(RNNRegressor):
    """Many-to-one regression with an LSTM layer: ``RNNRegressor`` (same
    hyper-parameters, attributes and methods) with the plain recurrence
    replaced by eq-lstm-gates to eq-lstm-hidden."""

    layer_class = LSTM


class LSTMClassifier(RNNClassifier):
    """Many-to-one classification with an LSTM layer: ``RNNClassifier``
    (same hyper-parameters, attributes and methods, any labels) with the
    plain recurrence replaced by eq-lstm-gates to eq-lstm-hidden."""

    layer_class = LSTM


class LSTMLanguageModel(RNNLanguageModel):
    """A character-level language model with an LSTM layer:
    ``RNNLanguageModel`` (same hyper-parameters, ``fit``, ``sample`` and
    ``score``), the state (h, c) carried from window to window."""

    layer_class = LSTM
