"""
Class weights on an imbalanced problem
======================================

With 5% of the samples in the positive class, a classifier that minimises the
plain log loss puts its boundary where the rare class matters least.
``class_weight="balanced"`` weighs each class by the inverse of its frequency,
so that both classes weigh the same in total: the boundary moves, and on this
data the rare class is found more than twice as often, at the cost of more
false alarms. A dict such as ``{1: 10}`` sets the weights by hand.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.inspection import DecisionBoundaryDisplay
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split

from sk_deepmlp import DeepMLPClassifier

X, y = make_classification(
    n_samples=1000,
    n_features=2,
    n_redundant=0,
    n_clusters_per_class=1,
    weights=[0.95, 0.05],
    class_sep=0.5,
    random_state=3,
)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), sharey=True)
for ax, class_weight in zip(axes, [None, "balanced"]):
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(16,),
        solver="lbfgs",
        class_weight=class_weight,
        max_iter=500,
        random_state=0,
    ).fit(X_train, y_train)
    pred = clf.predict(X_test)
    recall = recall_score(y_test, pred)
    balanced = balanced_accuracy_score(y_test, pred)
    print(f"class_weight={class_weight}: recall of the rare class {recall:.2f}")
    DecisionBoundaryDisplay.from_estimator(
        clf, X, response_method="predict", cmap="coolwarm", alpha=0.4, ax=ax
    )
    ax.scatter(X_test[:, 0], X_test[:, 1], c=y_test, cmap="coolwarm", s=10)
    ax.set_title(
        f"class_weight={class_weight!r}\nrare-class recall {recall:.2f}, "
        f"balanced accuracy {balanced:.2f}"
    )
fig.tight_layout()
plt.show()
