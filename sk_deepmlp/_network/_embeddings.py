"""Periodic numeric embeddings (``numeric_embedding='periodic'``).

PLR embeddings (Gorishniy et al., 2022, "On Embeddings for Numerical Features
in Tabular Deep Learning"): each numeric feature ``x_j`` becomes a small
vector before the first layer, through ``k`` learned frequencies, sine and
cosine, a linear map of its own and a ReLU::

    v_j = [sin(2 pi c_j x_j), cos(2 pi c_j x_j)]      c_j in R^k
    e_j = ReLU(v_j L_j + b_j)                         L_j: (2k, d_e), b_j: (d_e,)

The first layer then sees ``concat_j e_j`` followed by the columns that are
not embedded (binary ones: at most two distinct values in the first fit's
data, as ``_inputs.binary_columns`` finds them), instead of ``x``. A plain
MLP's first layer is linear in each feature; an embedding lets it start from
a learned non-linear function of each one, which is what trees do well.

Backward, with ``dH = dE * (H > 0)`` for ``H = v_j L_j + b_j``::

    dL_j = v_j^T dH      db_j = sum_rows dH      dv_j = dH L_j^T
    dc_jp = 2 pi sum_rows x_j (dv_sin,p cos(2 pi c_jp x_j)
                               - dv_cos,p sin(2 pi c_jp x_j))

The input's own gradient is never needed: the embedding is the first box
with parameters. ``c``, ``L`` and ``b`` are trained by every solver and left
alone by ``alpha`` and ``weight_decay`` (as normalisation's ``gamma`` and
``beta`` are). ``embedding_alpha`` penalises the frequencies alone,
``embedding_alpha / (2 m) ||c||^2``, whose gradient ``embedding_alpha / m *
c`` pulls them towards slow, smooth functions of each column. They start
as ``c ~ N(0, sigma^2)`` (``embedding_scale``) and
``L, b ~ U(-1/sqrt(2k), 1/sqrt(2k))``, a linear layer's usual start.

All features are computed at once, feature-major: ``(n_embedded, m, .)``
arrays and one batched product per step, never a Python loop over features.
"""

import math

import numpy as np

TWO_PI = 2 * math.pi


def embedding_width(n_features, n_embedded, dim):
    """The first layer's input width: ``dim`` per embedded feature, and one
    per feature that passes through."""
    return n_embedded * dim + n_features - n_embedded


def embedding_shapes(embedded, n_frequencies, dim):
    """The shapes of the periodic embedding's parameters, in their order."""
    n = int(np.count_nonzero(embedded))
    return {
        "frequencies": (n, n_frequencies),
        "coefs": (n, 2 * n_frequencies, dim),
        "intercepts": (n, dim),
    }


def init_embedding(n_embedded, n_frequencies, dim, scale, random_state):
    """``(frequencies, coefs, intercepts)`` drawn from ``random_state``."""
    frequencies = random_state.normal(0.0, scale, (n_embedded, n_frequencies))
    bound = 1.0 / math.sqrt(2 * n_frequencies)
    coefs = random_state.uniform(-bound, bound, (n_embedded, 2 * n_frequencies, dim))
    intercepts = random_state.uniform(-bound, bound, (n_embedded, dim))
    return frequencies, coefs, intercepts


def embed(X, embedded, frequencies, coefs, intercepts, keep=None):
    """The first layer's input for ``X``: the embeddings of the ``embedded``
    columns (a boolean mask), feature after feature, then the other columns.

    With ``keep`` (a dict), the intermediate arrays the backward needs are
    stored in it.
    """
    dtype = X.dtype
    m, n_embedded = X.shape[0], frequencies.shape[0]
    dim = coefs.shape[2]
    x = np.ascontiguousarray(X[:, embedded].T)  # (n_embedded, m)
    theta = x[:, :, None] * (TWO_PI * frequencies.astype(dtype, copy=False))[:, None, :]
    V = np.empty((n_embedded, m, 2 * theta.shape[2]), dtype=dtype)  # (n_e, m, 2k)
    k = theta.shape[2]
    np.sin(theta, out=V[:, :, :k])
    np.cos(theta, out=V[:, :, k:])
    H = np.matmul(V, coefs.astype(dtype, copy=False))
    H += intercepts.astype(dtype, copy=False)[:, None, :]
    np.maximum(H, 0, out=H)  # ReLU, in place: H > 0 wherever E > 0
    out = np.empty((m, n_embedded * dim + X.shape[1] - n_embedded), dtype=dtype)
    out[:, : n_embedded * dim].reshape(m, n_embedded, dim)[...] = H.transpose(1, 0, 2)
    out[:, n_embedded * dim :] = X[:, ~embedded]
    if keep is not None:
        keep.update(x=x, V=V, E=H)
    return out


def embed_backward(dOut, keep, coefs, dfrequencies, dcoefs, dintercepts):
    """Write the gradients of ``c``, ``L`` and ``b`` from that of ``embed``'s
    output; nothing is returned (the input needs no gradient)."""
    x, V, E = keep["x"], keep["V"], keep["E"]
    n_embedded, m, dim = E.shape
    k = V.shape[2] // 2
    dE = dOut[:, : n_embedded * dim].reshape(m, n_embedded, dim).transpose(1, 0, 2)
    dH = dE * (E > 0)  # (n_e, m, d_e)
    np.matmul(V.transpose(0, 2, 1), dH, out=dcoefs)
    dintercepts[...] = dH.sum(axis=1)
    dV = np.matmul(dH, coefs.transpose(0, 2, 1))  # (n_e, m, 2k)
    # the forward's sines and cosines, in V: no second pass of trigonometry
    dtheta = dV[:, :, :k] * V[:, :, k:]
    dtheta -= dV[:, :, k:] * V[:, :, :k]
    # theta = 2 pi c x: d theta / dc = 2 pi x, summed over the rows
    dfrequencies[...] = TWO_PI * np.matmul(x[:, None, :], dtheta)[:, 0, :]


class PeriodicEmbedding:
    """The box of ``embed``: views of its three parameters and of their
    gradients in the network's flat vectors."""

    def __init__(self, embedded, params, grads):
        self.embedded = np.asarray(embedded, dtype=bool)
        self.frequencies, self.coefs, self.intercepts = params
        self.dfrequencies, self.dcoefs, self.dintercepts = grads
        self._keep = {}

    def use_rows(self, m):
        pass  # its arrays depend on the batch's values; made per batch

    def forward(self, X, batch):
        return embed(
            X,
            self.embedded,
            self.frequencies,
            self.coefs,
            self.intercepts,
            keep=self._keep,
        )

    def backward(self, dOut, batch):
        embed_backward(
            dOut,
            self._keep,
            self.coefs,
            self.dfrequencies,
            self.dcoefs,
            self.dintercepts,
        )
        if batch.embedding_l2:  # d/dc of embedding_alpha / (2 m) ||c||^2
            self.dfrequencies += batch.embedding_l2 * self.frequencies
        return None  # the input's gradient is never needed
