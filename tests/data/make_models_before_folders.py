"""Write models_before_folders.pkl: models pickled at commit ``13e491e``,
before the modules moved into the folders ``_network``, ``_training`` and
``_estimator`` (issue 32), with the predictions they made then.

They cover what the flat layout pickled by class path: the estimators, the
optimisers and schedules, the stopping record, and every part of the model
added since ``models_before_blocks.pkl``: the front (robust input scaling and
periodic embeddings), BatchEnsemble, layer norm, residual layers and target
scaling. tests/test_pickles.py loads them with the current code and checks
that they predict the same. Rerunning this script with newer code would
defeat that: the pickle is kept as it was written, at ``13e491e``,
scikit-learn 1.9.1, NumPy 2.4.
"""

import pathlib
import pickle
import warnings

import numpy as np
from sklearn.datasets import make_classification

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

X, y = make_classification(
    n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=0
)
X[:, 0] = np.round(X[:, 0])  # a column of few values, left unembedded
small = dict(hidden_layer_sizes=(8, 8), max_iter=6, random_state=0)
front = dict(
    input_scaling="robust",
    numeric_embedding="periodic",
    embedding_dim=4,
    embedding_frequencies=3,
)
MODELS = {
    "front ensemble layer norm residual": (
        DeepMLPClassifier(
            **small, **front, n_ensemble=3, layer_norm=True, residual=True
        ),
        y,
    ),
    "cosine label smoothing early stopping": (
        DeepMLPClassifier(
            **small,
            **front,
            learning_rate="cosine",
            warmup_epochs=2,
            label_smoothing=0.1,
            early_stopping=True,
            early_stopping_monitor="loss",
        ),
        y % 2,
    ),
    "regressor scale_target ensemble front": (
        DeepMLPRegressor(
            **small, **front, n_ensemble=2, scale_target=True, residual=True
        ),
        100 + 30 * X[:, 1] + X[:, 2] ** 2,
    ),
    "regressor plateau sgd layer norm": (
        DeepMLPRegressor(
            **small,
            solver="sgd",
            learning_rate="plateau",
            layer_norm=[True, False],
            scale_target=True,
        ),
        X[:, 3],
    ),
}

if __name__ == "__main__":
    saved = {"X": X, "models": {}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (model, target) in MODELS.items():
            model.fit(X, target)
            method = "predict_proba" if hasattr(model, "classes_") else "predict"
            saved["models"][name] = (model, target, method, getattr(model, method)(X))
    path = pathlib.Path(__file__).with_name("models_before_folders.pkl")
    path.write_bytes(pickle.dumps(saved, protocol=4))
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
