"""Write models_before_blocks.pkl: models pickled by the release before the
block redesign (issue 22), with the predictions they made then.

tests/test_pickles.py loads them with the current code and checks that they
predict the same and can go on training. Rerunning this script with newer
code would defeat that: the pickle is kept as it was written, at commit
``bf35170`` (sk-deepmlp 0.1.0), scikit-learn 1.9.1, NumPy 2.4.
"""

import pathlib
import pickle
import warnings

import numpy as np
from sklearn.datasets import make_classification

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

X, y = make_classification(
    n_samples=60, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X = (X - X.mean(0)) / X.std(0)
Y = np.column_stack([y == 0, X[:, 1] > 0]).astype(int)
small = dict(hidden_layer_sizes=(6, 4), max_iter=8, random_state=0)
MODELS = {
    "adam": (DeepMLPClassifier(**small), y),
    "batch norm dropout": (
        DeepMLPClassifier(**small, batch_norm=[True, False], dropout=0.1),
        y,
    ),
    "early stopping": (DeepMLPClassifier(**small, early_stopping=True), y % 2),
    "lbfgs": (DeepMLPClassifier(**dict(small, solver="lbfgs")), y),
    "multilabel rmsprop": (DeepMLPClassifier(**small, solver="rmsprop"), Y),
    "regressor sgd": (DeepMLPRegressor(**small, solver="sgd"), X[:, 0]),
    "poisson batch norm": (
        DeepMLPRegressor(**small, loss="poisson", batch_norm=True),
        np.round(np.exp(X[:, 0])),
    ),
}

if __name__ == "__main__":
    saved = {"X": X, "y": y, "models": {}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (model, target) in MODELS.items():
            model.fit(X, target)
            method = "predict_proba" if hasattr(model, "classes_") else "predict"
            saved["models"][name] = (model, target, method, getattr(model, method)(X))
    path = pathlib.Path(__file__).with_name("models_before_blocks.pkl")
    path.write_bytes(pickle.dumps(saved, protocol=4))
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
