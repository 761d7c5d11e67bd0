"""The two boxes of a dense layer.

Forward box: ``Z = A_prev @ W + b``, ``A = g(Z)``; the cache is ``(A_prev, A)``
(most derivatives in ``_activations`` are functions of ``A``, so ``Z`` need not
be kept), or ``(A_prev, Z)`` for the few that need ``Z`` (``FROM_Z``).
Backward box: from ``dA``, ``dZ = dA * g'(Z)``, then
``dW = A_prev.T @ dZ``, ``db = dZ.sum(0)`` and ``dA_prev = dZ @ W.T``.

The boxes write into buffers that the caller owns and update no parameter: the
gradients go back to the caller, who hands them to an optimiser.
"""

import numpy as np
from scipy import sparse
from sklearn.utils.extmath import safe_sparse_dot

from ._activations import DERIVATIVES


def linear_forward(A_prev, W, b, out):
    """The forward box's linear step: write ``Z = A_prev @ W + b`` into ``out``.

    The network applies the activation (after batch normalisation, where a
    layer has it) with ``ACTIVATIONS``.
    """
    if sparse.issparse(A_prev):
        out[...] = A_prev @ W
    else:
        np.matmul(A_prev, W, out=out)
    out += b
    return out


def activation_backward(dA, cache, activation):
    """First half of the backward box: ``dZ = dA * g'(Z)``, in place on ``dA``.

    ``cache`` is the layer's output ``A``, or ``Z`` for the activations in
    ``FROM_Z``.
    """
    return DERIVATIVES[activation](cache, dA)


def dense_backward(dZ, A_prev, W, dW, db, dA_prev=None, l2=0.0, work=None):
    """Second half of the backward box: the gradients of ``Z = A_prev @ W + b``.

    Writes ``dW = A_prev.T @ dZ + l2 * W`` and ``db = dZ.sum(axis=0)`` into
    the given arrays, and ``dA_prev = dZ @ W.T`` when a buffer for it is given
    (the first layer needs none: nothing lies below it). ``l2 * W`` is the
    gradient of the penalty ``l2 / 2 * ||W||^2``; ``work``, shaped like ``W``,
    spares an allocation for it.
    """
    if sparse.issparse(A_prev):
        dW[...] = safe_sparse_dot(A_prev.T, dZ)
    else:
        np.matmul(A_prev.T, dZ, out=dW)
    if l2:
        dW += np.multiply(W, l2, out=work)  # while dW is still in cache
    # the column sums as a matrix-vector product: BLAS beats a ufunc reduction
    np.matmul(np.ones(dZ.shape[0], dZ.dtype), dZ, out=db)
    if dA_prev is not None:
        np.matmul(dZ, W.T, out=dA_prev)
    return dA_prev
