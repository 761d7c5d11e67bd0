"""
Activations and their decision boundaries
=========================================

The same network (two hidden layers of 16 units, L-BFGS, same seed) on the two
moons, with each hidden activation. ``identity`` makes the whole network a
linear model, whatever its depth; the others bend the boundary.
``leaky_relu``, ``max(0.01 z, z)``, is ReLU with a small slope for negative
inputs, so that no unit can stop learning.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import make_moons
from sklearn.inspection import DecisionBoundaryDisplay

from sk_deepmlp import DeepMLPClassifier

X, y = make_moons(n_samples=300, noise=0.2, random_state=0)
activations = ["identity", "logistic", "tanh", "relu", "leaky_relu"]

fig, axes = plt.subplots(1, len(activations), figsize=(15, 3.2), sharey=True)
for ax, activation in zip(axes, activations):
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(16, 16),
        activation=activation,
        solver="lbfgs",
        max_iter=1000,
        random_state=0,
    ).fit(X, y)
    DecisionBoundaryDisplay.from_estimator(
        clf, X, response_method="predict_proba", cmap="RdBu", alpha=0.6, ax=ax
    )
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolors="k", s=12)
    ax.set_title(f"{activation}: accuracy {clf.score(X, y):.2f}")
fig.tight_layout()
plt.show()
