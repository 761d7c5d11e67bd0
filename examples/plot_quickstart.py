"""
Quick start: handwritten digits
===============================

Train a :class:`~sk_deepmlp.DeepMLPClassifier` on scikit-learn's bundled
digits, exactly as you would an ``MLPClassifier``, and look at its loss curves
with :class:`~sk_deepmlp.LossCurveDisplay`.
"""

# %%
# Data and model
# --------------
# Scale the pixels, hold out a test set, and fit with early stopping: a tenth
# of the training data is set aside to watch the validation loss and accuracy
# after every epoch, and the weights of the best epoch are kept.
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_deepmlp import DeepMLPClassifier, LossCurveDisplay

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

clf = DeepMLPClassifier(
    hidden_layer_sizes=(128, 64), early_stopping=True, max_iter=300, random_state=0
)
model = make_pipeline(StandardScaler(), clf).fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f} after {clf.n_iter_} epochs")

# %%
# Loss curves
# -----------
# The training loss, the validation loss (``validation_loss_curve_``) and, on
# the right axis, the validation accuracy (``validation_scores_``).
display = LossCurveDisplay.from_estimator(clf)
display.ax_.set_title("DeepMLPClassifier on digits")
plt.show()
