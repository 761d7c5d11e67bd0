"""Use one optional extra the way its page says, in a venv that holds only it.

``python use_extra.py EXTRA`` (plot, progress, onnx or dask), run from outside
the repository, so that the installed package is the one imported: an extra
that lacks one of its dependencies, or a wheel that lacks a file, fails here.
Exits non-zero, with the error, when the extra does not work on its own.
"""

import os
import sys
import tempfile
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

import sk_deepmlp
from sk_deepmlp import DeepMLPClassifier

warnings.simplefilter("ignore", ConvergenceWarning)
X, y = make_classification(n_samples=300, n_features=8, random_state=0)


def plot():
    import matplotlib

    matplotlib.use("Agg")
    from sk_deepmlp import LossCurveDisplay

    clf = DeepMLPClassifier((8,), max_iter=10, early_stopping=True).fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    path = os.path.join(tempfile.mkdtemp(), "curves.png")
    display.figure_.savefig(path)
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"


def progress():
    clf = DeepMLPClassifier((8,), max_iter=5, progress_bar=True).fit(X, y)
    assert clf.n_iter_ == 5
    try:  # scikit-learn 1.9 and newer: its ProgressBar, which needs rich
        from sklearn.callback import ProgressBar
    except ImportError:
        return
    DeepMLPClassifier((8,), max_iter=5).set_callbacks(ProgressBar()).fit(X, y)


def onnx():
    import onnxruntime as rt
    from skl2onnx import to_onnx

    import sk_deepmlp.onnx  # noqa: F401  (registers the converters)

    clf = DeepMLPClassifier((8,), max_iter=10, random_state=0).fit(X, y)
    X32 = X.astype(np.float32)
    onx = to_onnx(clf, X32[:1], options={"zipmap": False})
    session = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(None, {"X": X32})
    np.testing.assert_array_equal(labels, clf.predict(X32))
    np.testing.assert_allclose(proba, clf.predict_proba(X32), atol=1e-5)


def dask():
    import dask.array as da
    import joblib
    from dask_ml.wrappers import Incremental
    from distributed import Client, LocalCluster
    from sklearn.model_selection import cross_val_score

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        with Client(cluster):
            clf = DeepMLPClassifier((8,), max_iter=10, random_state=0)
            with joblib.parallel_backend("dask"):
                remote = cross_val_score(clf, X, y, cv=2)
            np.testing.assert_array_equal(remote, cross_val_score(clf, X, y, cv=2))
            inc = Incremental(DeepMLPClassifier((8,), random_state=0))
            inc.fit(
                da.from_array(X, chunks=100),
                da.from_array(y, chunks=100),
                classes=[0, 1],
            )
            assert inc.estimator_.n_iter_ == 1


if __name__ == "__main__":
    extra = sys.argv[1]
    # the installed package, not a checkout on the path
    assert "site-packages" in sk_deepmlp.__file__, sk_deepmlp.__file__
    {"plot": plot, "progress": progress, "onnx": onnx, "dask": dask}[extra]()
    print(f"the {extra} extra works on its own ({sk_deepmlp.__file__})")
