"""
Deploying a pipeline with ONNX
==============================

A model served outside Python, or by a runtime built for serving, travels as
ONNX. ``import sk_deepmlp.onnx`` registers DeepMLPClassifier and
DeepMLPRegressor with skl2onnx, and skl2onnx's own ``to_onnx`` then converts a
whole pipeline: here a scaler and a network with batch normalisation and two
activations, ``leaky_relu`` and ``gelu``, that scikit-learn's MLPClassifier
does not have.

onnxruntime runs the exported graph. Its labels are ``predict``'s, and its
probabilities agree with ``predict_proba`` to float32 precision; the figure
shows the differences, sample by sample.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as rt
from skl2onnx import to_onnx
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sk_deepmlp.onnx  # noqa: F401  (registers the converters)
from sk_deepmlp import DeepMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
pipe = make_pipeline(
    StandardScaler(),
    DeepMLPClassifier(
        hidden_layer_sizes=(64, 32),
        activation=["leaky_relu", "gelu"],
        batch_norm=True,
        early_stopping=True,
        random_state=0,
    ),
).fit(X_train, y_train)

# float32 input, probabilities as a tensor rather than a list of dicts
onx = to_onnx(pipe, X_train[:1].astype(np.float32), options={"zipmap": False})
session = rt.InferenceSession(
    onx.SerializeToString(), providers=["CPUExecutionProvider"]
)
labels, proba = session.run(None, {"X": X_test.astype(np.float32)})

difference = np.abs(proba - pipe.predict_proba(X_test)).max(axis=1)
print(f"the ONNX model is {len(onx.SerializeToString()) / 1024:.0f} KiB")
print(f"labels equal to predict: {np.array_equal(labels, pipe.predict(X_test))}")
print(f"largest probability difference: {difference.max():.1e}")

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.semilogy(np.maximum(difference, 1e-12), ".", markersize=3)
ax.set_xlabel("test sample")
ax.set_ylabel("|onnxruntime - predict_proba|")
ax.set_title("float32 ONNX against the float64 pipeline")
fig.tight_layout()
plt.show()
