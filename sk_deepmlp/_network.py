"""A stack of dense layers: the forward pass, the backward pass, the parameters.

All parameters live in one flat vector, ``coefs`` first then ``intercepts`` (the
order of MLPClassifier's packing), and the per-layer ``W`` and ``b`` are views
into it. An optimiser step is then a few whole-vector operations, L-BFGS can
work on the vector directly, and the gradient has the same layout.
"""

from itertools import pairwise

import numpy as np
from scipy import sparse

from ._activations import ACTIVATIONS
from ._layers import activation_backward, dense_backward, dense_forward
from ._losses import OUTPUT_LOSSES, output_delta, weighted_mean


def _views(flat, layer_units):
    """Split a flat vector into per-layer ``(coefs, intercepts)`` views."""
    coefs, intercepts, start = [], [], 0
    for n_in, n_out in pairwise(layer_units):
        coefs.append(flat[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
    for n_out in layer_units[1:]:
        intercepts.append(flat[start : start + n_out])
        start += n_out
    return coefs, intercepts


class Network:
    """Parameters, gradients and per-batch buffers of one multilayer perceptron.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden_layer_sizes, n_outputs]``.
    activations : list of str
        One activation per hidden layer.
    out_activation : {"logistic", "softmax", "identity", "exp"}
    dtype : numpy dtype
        The dtype of parameters, gradients and buffers.
    dropout : list of float, default=None
        Dropout rate of each hidden layer; None means no dropout.
    exact_loss : bool, default=False
        Return the exact loss, whose gradient the backward pass computes,
        instead of the one scikit-learn reports (clipped probabilities, a
        squared error averaged over outputs; see ``_losses``). The gradient
        is the same either way.
    """

    def __init__(
        self,
        layer_units,
        activations,
        out_activation,
        dtype,
        dropout=None,
        exact_loss=False,
    ):
        self.layer_units = list(layer_units)
        self.activations = list(activations)
        self.dropout = list(dropout) if dropout else [0.0] * len(self.activations)
        self.out_activation = out_activation
        self.reported_loss = not exact_loss
        self.dtype = np.dtype(dtype)
        self.n_coefs = sum(i * o for i, o in pairwise(self.layer_units))
        self.n_params = self.n_coefs + sum(self.layer_units[1:])
        self.params = np.zeros(self.n_params, dtype=self.dtype)
        self.grad = np.zeros(self.n_params, dtype=self.dtype)
        self.coefs, self.intercepts = _views(self.params, self.layer_units)
        self.dcoefs, self.dintercepts = _views(self.grad, self.layer_units)
        self._l2_work = [np.empty_like(W) for W in self.coefs]  # scratch for l2 * W
        self._rows = 0
        self._views = {}

    def load(self, coefs, intercepts):
        """Copy per-layer arrays into the flat parameter vector."""
        for name, given, own in (
            ("coefs_", coefs, self.coefs),
            ("intercepts_", intercepts, self.intercepts),
        ):
            shapes = [np.shape(a) for a in given]
            expected = [a.shape for a in own]
            if shapes != expected:
                raise ValueError(
                    f"{name} has shapes {shapes}, but this network needs {expected}."
                )
            for dst, src in zip(own, given):
                dst[...] = src

    def _buffers(self, m):
        """Activation and gradient buffers for a batch of ``m`` rows.

        Allocated once for the largest batch and sliced for smaller ones, so
        the training loop allocates nothing per batch.
        """
        if m > self._rows:
            units = self.layer_units[1:]
            self._acts = [np.empty((m, n), dtype=self.dtype) for n in units]
            self._dacts = [np.empty((m, n), dtype=self.dtype) for n in units[:-1]]
            self._rows = m
            self._views = {}
        if m not in self._views:
            self._views[m] = [a[:m] for a in self._acts], [d[:m] for d in self._dacts]
        return self._views[m]

    def draw_masks(self, m, random_state):
        """Inverted-dropout masks for a batch of ``m`` rows, one per hidden layer.

        ``D = (U < keep) / keep`` with ``U ~ Uniform(0, 1)``: kept units are
        scaled by ``1 / keep`` so that the expected activation is unchanged and
        prediction needs no rescaling. Layers without dropout get None and
        draw nothing from ``random_state``.
        """
        masks = []
        for rate, n in zip(self.dropout, self.layer_units[1:-1]):
            if rate == 0:
                masks.append(None)
                continue
            keep = 1.0 - rate
            kept = random_state.random_sample((m, n)) < keep
            masks.append(kept.astype(self.dtype) / self.dtype.type(keep))
        return masks

    def forward(self, X, masks=None):
        """Forward pass.

        Returns
        -------
        inputs : list of {ndarray, sparse matrix}
            The input of each layer: ``X``, then each hidden layer's output
            after its dropout mask.
        acts : list of ndarray
            Each hidden layer's output ``g(Z)`` before the mask (the cache of
            its derivative), and the logits of the output layer last.
        """
        acts, _ = self._buffers(X.shape[0])
        inputs = [X]
        last = len(acts) - 1
        for layer, (W, b) in enumerate(zip(self.coefs, self.intercepts)):
            g = self.activations[layer] if layer < last else "identity"
            A = dense_forward(inputs[-1], W, b, g, out=acts[layer])
            if layer < last:
                mask = masks[layer] if masks else None
                inputs.append(A if mask is None else A * mask)
        return inputs, acts

    def loss_grad(self, X, Y, sample_weight, alpha, masks=None):
        """Loss at the current parameters; the gradient is written into ``grad``.

        Parameters
        ----------
        X : {ndarray, sparse matrix} of shape (m, n_features)
        Y : ndarray of shape (m, n_outputs)
            Binarised targets, in the parameters' dtype.
        sample_weight : ndarray of shape (m,) or None
        alpha : float
            L2 penalty, scaled by ``1 / sum(sample_weight)`` (or ``1 / m``).
        masks : list of (ndarray or None), default=None
            Dropout masks from ``draw_masks``; None trains without dropout.

        Returns
        -------
        loss : float
            Mean loss (see ``_losses``) plus ``alpha / (2 m) * sum ||W||^2``.
        """
        inputs, acts = self.forward(X, masks)
        _, dacts = self._buffers(X.shape[0])
        losses = OUTPUT_LOSSES[self.out_activation](acts[-1], Y, self.reported_loss)
        # Python floats: a NumPy float64 (an alpha from np.logspace, say) would
        # compute the float32 L2 term in float64, through a slow casting loop
        sw_sum = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        alpha = float(alpha)
        loss = weighted_mean(losses, sample_weight)
        if alpha:
            W_flat = self.params[: self.n_coefs]
            loss += 0.5 * alpha * float(np.dot(W_flat, W_flat)) / sw_sum

        # delta[last] = d/dZ loss(y, out(Z)) = (out(Z) - y) / m for canonical pairs
        dZ = output_delta(acts[-1], Y, sample_weight)
        l2 = alpha / sw_sum  # d/dW of alpha / (2 m) ||W||^2
        for layer in range(len(acts) - 1, -1, -1):
            dA_prev = dacts[layer - 1] if layer > 0 else None
            dense_backward(
                dZ,
                inputs[layer],
                self.coefs[layer],
                self.dcoefs[layer],
                self.dintercepts[layer],
                dA_prev,
                l2,
                self._l2_work[layer],
            )
            if layer > 0:
                if masks and masks[layer - 1] is not None:
                    dA_prev *= masks[layer - 1]  # dropped units pass no gradient
                g = self.activations[layer - 1]
                dZ = activation_backward(dA_prev, acts[layer - 1], g)
        return loss


def predict_logits(X, coefs, intercepts, activations, chunk_rows):
    """Logits of the output layer, computed ``chunk_rows`` samples at a time.

    Only one chunk's activations exist at any moment, so the extra memory is
    bounded whatever the number of samples; the result is the same as one pass.
    """
    dtype = np.result_type(X.dtype, *coefs, *intercepts)
    out = np.empty((X.shape[0], coefs[-1].shape[1]), dtype=dtype)
    last = len(coefs) - 1
    for start in range(0, X.shape[0], chunk_rows):
        A = X[start : start + chunk_rows]
        for layer, (W, b) in enumerate(zip(coefs, intercepts)):
            A = A @ W if sparse.issparse(A) else np.matmul(A, W, dtype=dtype)
            A += b
            if layer < last:
                ACTIVATIONS[activations[layer]](A)
        out[start : start + chunk_rows] = A
    return out
