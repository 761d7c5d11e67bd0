"""
Initialisation schemes in a deep network
========================================

The classic course initialisation, ``W = 0.01 * N(0, 1)`` (``small_random``),
shrinks the signal by about ``0.01 * sqrt(fan_in)`` at every layer: after a
few layers nothing reaches the output, and the gradients that flow back are as
small. He initialisation (``he_normal``, variance ``2 / fan_in``) keeps the
scale of a ReLU network's activations from layer to layer, and the network
learns. Left: the spread of each hidden layer's activations before training.
Right: the training loss.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from sk_deepmlp import DeepMLPClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
depth, width = 8, 64


def hidden_spread(clf, X):
    """Standard deviation of each hidden layer's ReLU output, from coefs_."""
    spreads, A = [], X
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        A = np.maximum(A @ W + b, 0)
        spreads.append(A.std())
    return spreads


fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
for scheme, color in [("small_random", "tab:red"), ("he_normal", "tab:blue")]:
    params = dict(
        hidden_layer_sizes=(width,) * depth,
        weight_init=scheme,
        learning_rate_init=0.001,
        random_state=0,
    )
    # a step of learning rate ~0 leaves the initial weights as they were drawn
    at_init = DeepMLPClassifier(**dict(params, learning_rate_init=1e-12))
    at_init.partial_fit(X, y, classes=np.unique(y))
    left.semilogy(
        range(1, depth + 1), hidden_spread(at_init, X), "o-", color=color, label=scheme
    )
    with warnings.catch_warnings():
        # 40 epochs show how training starts; converging is not the point here
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = DeepMLPClassifier(max_iter=40, **params).fit(X, y)
    right.plot(clf.loss_curve_, color=color, label=scheme)
    print(f"{scheme}: training loss after {clf.n_iter_} epochs {clf.loss_:.3f}")
left.set_xlabel("hidden layer")
left.set_ylabel("std of activations at initialisation")
left.legend()
right.set_xlabel("epoch")
right.set_ylabel("training loss")
right.legend()
fig.suptitle(f"{depth} ReLU layers of {width} units on digits")
fig.tight_layout()
plt.show()
