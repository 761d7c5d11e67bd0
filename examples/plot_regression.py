"""
Regression: a non-linear curve, and counts with the Poisson loss
================================================================

``DeepMLPRegressor`` trains MLPRegressor's model: with the same arguments and
seed, the same weights (to round-off; over hundreds of L-BFGS iterations the
round-off of two implementations grows, so the comparison here uses adam).

Left, a noisy sine fitted with the squared error, by scikit-learn's
MLPRegressor and by DeepMLPRegressor (the curves coincide), and by a deeper
leaky-ReLU network. Right, counts whose rate grows exponentially:
``loss="poisson"`` (an exponential output, a log link) follows the rate and
never predicts a negative count, where the squared error does.
"""

# %%
# A non-linear curve
# ------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.neural_network import MLPRegressor

from sk_deepmlp import DeepMLPRegressor

rng = np.random.RandomState(0)
X = np.sort(rng.uniform(-3, 3, (300, 1)), axis=0)
y = np.sin(2 * X[:, 0]) + 0.2 * rng.randn(300)
grid = np.linspace(-3, 3, 400)[:, None]

# adam, as by default, with a larger step and more patience than the defaults
params = dict(
    hidden_layer_sizes=(32,),
    learning_rate_init=0.02,
    max_iter=1500,
    tol=1e-6,
    n_iter_no_change=30,
    random_state=0,
)
theirs = MLPRegressor(**params).fit(X, y)
ours = DeepMLPRegressor(**params).fit(X, y)
deep = DeepMLPRegressor(
    hidden_layer_sizes=(32, 32, 32),
    activation="leaky_relu",
    weight_init="he_normal",
    solver="lbfgs",
    max_iter=2000,
    random_state=0,
).fit(X, y)
gap = max(np.abs(a - b).max() for a, b in zip(ours.coefs_, theirs.coefs_))
print(
    f"{ours.n_iter_} epochs for both; largest weight difference from "
    f"MLPRegressor: {gap:.1e}"
)
print(
    f"R² one layer: {ours.score(X, y):.3f}, three leaky-ReLU layers: "
    f"{deep.score(X, y):.3f}"
)

# %%
# Counts: Poisson against the squared error
# -----------------------------------------
Xc = rng.uniform(0, 3, (400, 1))
rate = np.exp(1.2 * Xc[:, 0] - 1)
counts = rng.poisson(rate)
settings = dict(hidden_layer_sizes=(16,), solver="lbfgs", max_iter=2000, random_state=0)
poisson = DeepMLPRegressor(loss="poisson", **settings).fit(Xc, counts)
squared = DeepMLPRegressor(**settings).fit(Xc, counts)
low = np.linspace(-0.5, 3, 300)[:, None]  # a little beyond the data, on the left
print(
    f"smallest prediction, poisson: {poisson.predict(low).min():.3f}, "
    f"squared error: {squared.predict(low).min():.3f}"
)

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
left.scatter(X, y, s=6, color="0.7", label="data")
left.plot(grid, theirs.predict(grid), lw=4, color="tab:orange", label="MLPRegressor")
left.plot(
    grid,
    ours.predict(grid),
    lw=1.5,
    color="k",
    ls="--",
    label="DeepMLPRegressor, same settings",
)
left.plot(
    grid,
    deep.predict(grid),
    color="tab:blue",
    label="DeepMLPRegressor, 3 leaky-ReLU layers",
)
left.set_title("squared error on a noisy sine")
left.legend(fontsize=8)
right.scatter(Xc, counts, s=6, color="0.7", label="counts")
right.plot(low, np.exp(1.2 * low[:, 0] - 1), color="k", lw=1, label="true rate")
right.plot(low, poisson.predict(low), color="tab:green", label="loss='poisson'")
right.plot(low, squared.predict(low), color="tab:red", label="loss='squared_error'")
right.axhline(0, color="0.5", lw=0.5)
right.set_title("counts with an exponential rate")
right.legend(fontsize=8)
fig.tight_layout()
plt.show()
