"""An efficient ensemble in one network (``n_ensemble``): BatchEnsemble
layers, as TabM uses them (Wen et al., 2020; Gorishniy et al., 2024).

``k`` members share every weight matrix ``W``; each member ``r`` has, per
layer, an input scale ``R_r``, an output scale ``S_r`` and a bias ``B_r``::

    Z_r = ((A_r * R_r) W) * S_r + B_r

A batch of ``m`` rows is run as ``k * m`` rows, member after member, so every
product is one matrix product over all members: a fit costs about ``k``
times the arithmetic, with no loop over members. The members see the same
rows; they differ from the start because the first layer's ``R`` starts as
random signs (all other scales start at 1, and each member's bias as the
layer's drawn bias), and their errors then decorrelate as they train.

Training minimises the mean of the members' losses (each member's ``dZ``
carries the ``1 / k``: the output box sees ``k * m`` rows). Prediction
averages the members' probabilities (classification) or outputs
(regression); the network's "logits" are then the output activation's
inverse at that mean (``log`` of the mean probability for softmax, its
log-odds for the logistic, ``log`` of the mean for Poisson's ``exp``), so
that everything downstream of the logits is unchanged.

Backward, with ``P_r = (A_r * R_r) W`` and ``G_r = dZ_r * S_r``::

    dB_r = sum_rows dZ_r      dS_r = sum_rows dZ_r * P_r
    dW = sum_r (A_r * R_r)^T G_r                 (one product, plus l2 W)
    dR_r = sum_rows (G_r W^T) * A_r              dA_r = (G_r W^T) * R_r

and the first layer, whose input is shared, sums ``dA_r`` over the members.
The shared bias (``intercepts_``) stays 0: ``B`` takes its place. ``alpha``
and ``weight_decay`` apply to ``W`` only, not to the adapters.
"""

import numpy as np
from scipy import sparse

from ._activations import ACTIVATIONS
from ._blas import matmul
from ._layernorm import layer_norm
from ._losses import OUTPUT_ACTIVATIONS


def adapter_shapes(layer_units, k):
    """The shapes of every layer's ``R``, ``S`` and ``B``, layer after layer."""
    shapes = {}
    for layer, (n_in, n_out) in enumerate(zip(layer_units, layer_units[1:])):
        shapes[f"R{layer}"] = (k, n_in)
        shapes[f"S{layer}"] = (k, n_out)
        shapes[f"B{layer}"] = (k, n_out)
    return shapes


def init_adapters(n_inputs, intercepts, k, random_state):
    """``(R, S, B)``, lists of one ``(k, n)`` array per layer: the first
    ``R`` random signs, the other scales 1, each member's bias the layer's
    drawn bias (``intercepts``)."""
    R = [np.ones((k, n)) for n in n_inputs]
    R[0] = 2.0 * random_state.randint(0, 2, (k, n_inputs[0])) - 1.0
    S = [np.ones((k, len(b))) for b in intercepts]
    B = [np.tile(b, (k, 1)) for b in intercepts]
    return R, S, B


class EnsembleLinear:
    """One BatchEnsemble layer as a box (see the module's docstring).

    ``shared_input``: the layer's input is the same for every member (the
    first layer's ``m`` rows), and ``needs_dx`` whether the box below needs
    the input's gradient.
    """

    def __init__(self, W, dW, adapters, grads, k, shared_input, needs_dx):
        self.W, self.dW, self.k = W, dW, k
        self.R, self.S, self.B = adapters
        self.dR, self.dS, self.dB = grads
        self.shared_input, self.needs_dx = shared_input, needs_dx
        self._l2_work = np.empty_like(W)

    def use_rows(self, m):
        pass  # member-shaped arrays, made per batch

    def forward(self, A, batch):
        k = self.k
        if sparse.issparse(A):  # shared: scale W's rows rather than A's columns
            self._A = A
            P = np.stack([A @ (self.R[r][:, None] * self.W) for r in range(k)])
            self._P = P
            Z = P * self.S[:, None, :]
            Z += self.B[:, None, :]
            return Z.reshape(k * A.shape[0], -1)
        if self.shared_input:
            self._A = A  # (m, n_in), the same for every member
            AR = A[None, :, :] * self.R[:, None, :]
        else:
            self._A = A.reshape(k, -1, A.shape[1])
            AR = self._A * self.R[:, None, :]
        m = AR.shape[1]
        self._AR = AR.reshape(k * m, -1)
        P = matmul(self._AR, self.W, self.W.dtype).reshape(k, m, -1)
        self._P = P
        Z = P * self.S[:, None, :]
        Z += self.B[:, None, :]
        return Z.reshape(k * m, -1)

    def backward(self, dZ, batch):
        k, P = self.k, self._P
        dZ3 = dZ.reshape(k, P.shape[1], -1)
        self.dB[...] = dZ3.sum(axis=1)
        np.einsum("kmn,kmn->kn", dZ3, P, out=self.dS)  # no (k, m, n) temporary
        G = (dZ3 * self.S[:, None, :]).reshape(k * P.shape[1], -1)
        if sparse.issparse(self._A):
            return self._sparse_backward(G.reshape(k, P.shape[1], -1), batch)
        np.matmul(self._AR.T, G, out=self.dW)
        if batch.l2:
            self.dW += np.multiply(self.W, batch.l2, out=self._l2_work)
        dAR = np.matmul(G, self.W.T).reshape(k, P.shape[1], -1)
        if self.shared_input:
            np.einsum("kmi,mi->ki", dAR, self._A, out=self.dR)
        else:
            np.einsum("kmi,kmi->ki", dAR, self._A, out=self.dR)
        if not self.needs_dx:
            return None
        dA = dAR * self.R[:, None, :]
        if self.shared_input:
            return dA.sum(axis=0)
        return dA.reshape(-1, dA.shape[2])

    def _sparse_backward(self, G, batch):
        """A sparse input's gradients, member by member, through ``C_r = A^T
        G_r``: ``dW = sum_r R_r C_r`` (rows scaled), ``dR_r = sum_cols W C_r``.
        Nothing below a sparse input needs its gradient."""
        self.dW[...] = 0
        for r in range(self.k):
            C = np.asarray(self._A.T @ G[r])
            self.dW += self.R[r][:, None] * C
            self.dR[r] = (self.W * C).sum(axis=1)
        if batch.l2:
            self.dW += np.multiply(self.W, batch.l2, out=self._l2_work)


def _inverse_link(mean, out_activation):
    """Logits whose output activation gives ``mean`` (see the docstring)."""
    tiny = np.finfo(mean.dtype).tiny
    if out_activation == "identity":
        return mean
    if out_activation == "logistic":  # the log-odds
        p = np.clip(mean, tiny, 1.0)
        return np.log(p) - np.log(np.maximum(1.0 - p, tiny))
    return np.log(np.maximum(mean, tiny))  # softmax, and exp's log link


def ensemble_logits(X, coefs, adapters, activations, steps, out_activation):
    """The network's logits at the mean of its members' predictions.

    ``adapters`` is ``(R, S, B)``, each a list of one ``(k, n)`` array per
    layer; ``steps`` is ``_network.inference_steps``'s per-layer layer
    normalisation and skips (or None). Memory: ``k`` times a plain pass.
    """
    R, S, B = adapters
    k, m = R[0].shape[0], X.shape[0]
    dtype = np.result_type(X.dtype, coefs[0].dtype)
    A, A_in = X, None
    for layer, W in enumerate(coefs):
        W = W.astype(dtype, copy=False)
        if sparse.issparse(A):  # the first layer: scale W's rows instead
            Z = np.stack([A @ (R[0][r][:, None].astype(dtype) * W) for r in range(k)])
        else:
            shaped = A[None] if layer == 0 else A.reshape(k, m, -1)
            AR = (shaped * R[layer][:, None, :].astype(dtype)).reshape(k * m, -1)
            Z = matmul(AR, W, dtype).reshape(k, m, -1)
        Z *= S[layer][:, None, :].astype(dtype)
        Z += B[layer][:, None, :].astype(dtype)
        Z = Z.reshape(k * m, -1)
        if layer == len(coefs) - 1:
            break
        norm, skip = (None, False) if steps is None else steps[layer]
        if norm is not None:
            layer_norm(Z, *norm)
        ACTIVATIONS[activations[layer]](Z)
        if skip:
            Z += A_in
        A_in = A = Z
    members = OUTPUT_ACTIVATIONS[out_activation](Z).reshape(k, m, -1)
    return _inverse_link(members.mean(axis=0), out_activation)
