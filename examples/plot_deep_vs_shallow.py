"""
Deep versus shallow at the same parameter count
===============================================

Depth lets a network compose features: some functions that a deep ReLU network
represents with a few units per layer need exponentially many units in a
single layer (Telgarsky, 2016). Whether training *finds* such a solution is
another matter. Here a shallow network (one layer of 150 units) and a deep one
(three layers of 16) have almost the same number of parameters, about 600,
and are trained alike on two interleaved spirals, from three seeds each.

On this small two-dimensional problem depth buys nothing: both networks
reach about the same test accuracy, and the deep one varies more from seed to
seed. The advantage of depth shows on larger, structured data (images, text),
not on every problem: measure before you stack layers.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.model_selection import train_test_split

from sk_deepmlp import DeepMLPClassifier


def spirals(n_per_class, turns=3, noise=0.02, seed=0):
    """Two interleaved spirals, one class each."""
    rng = np.random.RandomState(seed)
    t = np.sqrt(rng.uniform(0, 1, n_per_class)) * turns * np.pi
    arm = np.c_[t * np.cos(t), t * np.sin(t)] / (turns * 3)
    X = np.r_[arm, -arm] + noise * rng.standard_normal((2 * n_per_class, 2))
    return X, np.r_[np.zeros(n_per_class), np.ones(n_per_class)].astype(int)


X, y = spirals(400)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
architectures = {"shallow (150,)": (150,), "deep (16, 16, 16)": (16, 16, 16)}

fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
for ax, (name, sizes) in zip(axes, architectures.items()):
    scores = []
    for seed in range(3):
        clf = DeepMLPClassifier(
            hidden_layer_sizes=sizes,
            activation="tanh",
            solver="lbfgs",
            max_iter=2000,
            random_state=seed,
        ).fit(X_train, y_train)
        scores.append(clf.score(X_test, y_test))
    n_params = sum(a.size for a in clf.coefs_ + clf.intercepts_)
    print(
        f"{name}: {n_params} parameters, test accuracy per seed {np.round(scores, 3)}"
    )
    DecisionBoundaryDisplay.from_estimator(
        clf, X, response_method="predict", cmap="RdBu", alpha=0.5, ax=ax
    )
    ax.scatter(X_test[:, 0], X_test[:, 1], c=y_test, cmap="RdBu", s=8)
    ax.set_title(f"{name}, {n_params} parameters\ntest accuracy {np.mean(scores):.3f}")
fig.tight_layout()
plt.show()
