"""
Pipeline and grid search
========================

``DeepMLPClassifier`` passes scikit-learn's estimator checks, so it fits in a
``Pipeline`` and ``GridSearchCV`` like any scikit-learn classifier. Here a grid
over the architecture and the hidden activation, ``leaky_relu`` included,
which ``MLPClassifier`` does not offer.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_deepmlp import DeepMLPClassifier

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

pipe = make_pipeline(
    StandardScaler(),
    DeepMLPClassifier(solver="lbfgs", alpha=1.0, max_iter=1000, random_state=0),
)
grid = GridSearchCV(
    pipe,
    {
        "deepmlpclassifier__hidden_layer_sizes": [(8,), (32,), (32, 16)],
        "deepmlpclassifier__activation": ["tanh", "relu", "leaky_relu"],
    },
    cv=3,
)
grid.fit(X_train, y_train)
print("best parameters:", grid.best_params_)
print(f"test accuracy of the best model: {grid.score(X_test, y_test):.3f}")

# %%
# Mean cross-validated accuracy of each candidate
# -----------------------------------------------
results = grid.cv_results_
labels = [
    f"{params['deepmlpclassifier__hidden_layer_sizes']}, "
    f"{params['deepmlpclassifier__activation']}"
    for params in results["params"]
]
order = np.argsort(results["mean_test_score"])
fig, ax = plt.subplots(figsize=(7, 3.5))
ax.barh(
    np.array(labels)[order],
    results["mean_test_score"][order],
    xerr=results["std_test_score"][order],
)
ax.set_xlim(0.9, 1.0)
ax.set_xlabel("mean cross-validated accuracy")
ax.set_title("GridSearchCV over a Pipeline with DeepMLPClassifier")
fig.tight_layout()
plt.show()
