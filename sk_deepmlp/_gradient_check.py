"""Finite-difference verification of the backward pass."""

import numpy as np


def numerical_gradient(loss, params, eps=1e-6):
    """Centered differences ``(J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps)``.

    ``loss()`` evaluates J at the current content of ``params``, which is
    perturbed one entry at a time and restored afterwards.
    """
    grad = np.empty_like(params, dtype=np.float64)
    for i in range(params.size):
        old = params[i]
        params[i] = old + eps
        plus = loss()
        params[i] = old - eps
        minus = loss()
        params[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """``||a - b|| / (||a|| + ||b||)``, 0 when both are 0."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def network_gradient_error(net, X, Y, sample_weight, alpha, eps=1e-6):
    """Relative error between ``net``'s backward pass and finite differences."""

    def loss():
        return net.loss_grad(X, Y, sample_weight, alpha)

    loss()
    analytic = net.grad.astype(np.float64)
    return relative_error(numerical_gradient(loss, net.params, eps), analytic)
