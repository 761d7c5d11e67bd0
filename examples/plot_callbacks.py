"""
Monitoring training with callbacks
==================================

scikit-learn 1.9 runs callbacks during ``fit`` (``set_callbacks``). Each
epoch of a DeepMLPClassifier is a task whose end hook receives a copy of the
model as of that epoch, so scikit-learn's ``ScoringMonitor`` can score it
with any scorer. Here it records the accuracy on the training data (what the
hook is given) and, through a scorer of our own, on held-out data, after
every epoch.

``sk_deepmlp.callbacks.EarlyStopping`` watches the held-out loss beside it:
after ``patience`` epochs without improvement it stops the fit and puts the
best epoch's weights back. The figure shows the two curves and where it
stopped; the model that ``fit`` returns is the one at the dashed line.
"""

# %%
import matplotlib.pyplot as plt
from sklearn.callback import ScoringMonitor
from sklearn.datasets import load_digits
from sklearn.metrics import get_scorer
from sklearn.model_selection import train_test_split

from sk_deepmlp import DeepMLPClassifier
from sk_deepmlp.callbacks import EarlyStopping

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(
    X / 16, y, train_size=500, stratify=y, random_state=0
)

accuracy = get_scorer("accuracy")
monitor = ScoringMonitor(
    scoring={
        "training": accuracy,
        # a scorer is any callable (estimator, X, y): this one ignores the
        # training data that the hook passes and scores the held-out data
        "validation": lambda estimator, X, y: accuracy(estimator, X_val, y_val),
    }
)
stopper = EarlyStopping(X_val=X_val, y_val=y_val, monitor="loss", patience=15)

clf = DeepMLPClassifier(
    hidden_layer_sizes=(256,), learning_rate_init=0.01, max_iter=300, random_state=0
)
clf.set_callbacks(monitor, stopper).fit(X_train, y_train)

# the log's rows as dicts (``data_as_pandas`` gives the same as a DataFrame,
# where pandas is installed); the epochs' rows hold the scores
rows = [row for row in monitor.get_logs().data if row["task_name"] == "epoch"]
epoch = [row["task_id"] + 1 for row in rows]
print(
    f"stopped after epoch {stopper.stopped_epoch_}; best validation loss "
    f"{stopper.best_value_:.3f} at epoch {stopper.best_epoch_}; the fitted model "
    f"scores {clf.score(X_val, y_val):.3f} on the held-out data"
)

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(epoch, [row["training"] for row in rows], label="training accuracy")
ax.plot(epoch, [row["validation"] for row in rows], label="validation accuracy")
ax.axvline(stopper.best_epoch_, color="grey", linestyle="--", label="best epoch")
ax.set_xlabel("epoch")
ax.set_ylabel("accuracy")
ax.set_title("ScoringMonitor log, 500 training digits")
ax.legend()
fig.tight_layout()
plt.show()
