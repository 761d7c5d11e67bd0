"""
Dropout against overfitting
===========================

A wide network trained on few samples memorises them: its training loss keeps
falling while its loss on new data turns back up. Dropout makes memorising
harder: during training each hidden unit is dropped with probability
``dropout``, with fresh masks for every sample of every batch, so that no unit
can rely on the others. Prediction uses every unit.

Each epoch is one call to ``partial_fit``, so that the loss on held-out data
(the validation curve) can be recorded after every epoch, beside the training
loss (``loss_``, the loss of the dropped-out network during the epoch). Both
networks start to overfit after a few epochs: the training loss keeps falling
while the validation loss climbs. With dropout the training loss stays higher,
the validation loss climbs more slowly and ends lower, and the accuracy on
held-out data is higher. Dropout slows overfitting rather than preventing it:
pair it with ``early_stopping=True`` to keep the weights of the best epoch.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sk_deepmlp import DeepMLPClassifier

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
# 150 training samples for two layers of 512 units: a recipe for overfitting
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=150, stratify=y, random_state=0
)
classes = np.unique(y)

fig, ax = plt.subplots(figsize=(7, 4))
for dropout, color in [(0.0, "tab:red"), (0.6, "tab:blue")]:
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(512, 512),
        dropout=dropout,
        alpha=0.0,
        learning_rate_init=0.01,
        random_state=0,
    )
    train_loss, test_loss = [], []
    for _ in range(100):
        clf.partial_fit(X_train, y_train, classes=classes)
        train_loss.append(clf.loss_)
        test_loss.append(log_loss(y_test, clf.predict_proba(X_test), labels=classes))
    ax.plot(
        train_loss, color=color, linestyle=":", label=f"dropout={dropout}: training"
    )
    ax.plot(test_loss, color=color, label=f"dropout={dropout}: validation")
    print(
        f"dropout={dropout}: final test loss {test_loss[-1]:.2f}, "
        f"test accuracy {clf.score(X_test, y_test):.3f}"
    )
ax.set_xlabel("epoch")
ax.set_ylabel("log loss")
ax.set_yscale("log")
ax.set_title("150 digits, two hidden layers of 512 units")
ax.legend()
fig.tight_layout()
plt.show()
