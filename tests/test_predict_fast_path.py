"""Prediction's fast path: the same results, errors and warnings as the full
validation, for every input, since it only takes inputs it has checked."""

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn import config_context
from sklearn.datasets import make_classification

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, _architecture

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

METHODS = {
    DeepMLPClassifier: [
        "predict",
        "predict_proba",
        "predict_log_proba",
        "decision_function",
    ],
    DeepMLPRegressor: ["predict"],
}


def outcome(call):
    """What a call gives: its result, or its error, and its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("result", call())
        except Exception as error:  # noqa: BLE001 - the error is the outcome
            result = ("error", type(error), str(error))
    return result, [(w.category, str(w.message)) for w in caught]


def same_outcome(monkeypatch, call):
    fast = outcome(call)
    with monkeypatch.context() as patch:
        patch.setattr(_architecture, "_checked_fast", lambda estimator, X: False)
        full = outcome(call)
    (fast_kind, *fast_value), fast_warnings = fast
    (full_kind, *full_value), full_warnings = full
    assert fast_kind == full_kind
    if fast_kind == "result":
        np.testing.assert_array_equal(fast_value[0], full_value[0])  # bit for bit
        assert fast_value[0].dtype == full_value[0].dtype
    else:
        assert fast_value == full_value
    assert fast_warnings == full_warnings
    return fast


def fitted(kind, target, dtype=np.float64):
    X, y = make_classification(
        n_samples=120, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    X = X.astype(dtype)
    if kind is DeepMLPRegressor:
        y = X[:, 0] * 2 + 1
    elif target == "binary":
        y = np.array(["no", "yes"])[y % 2]
    elif target == "multilabel":
        y = np.column_stack([y == 0, y == 1, X[:, 1] > 0]).astype(int)
    model = kind(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    return model.fit(X, y), X


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "kind, target",
    [
        (DeepMLPClassifier, "multiclass"),
        (DeepMLPClassifier, "binary"),
        (DeepMLPClassifier, "multilabel"),
        (DeepMLPRegressor, None),
    ],
)
def test_same_results_for_the_inputs_it_takes(monkeypatch, kind, target, dtype):
    model, X = fitted(kind, target, dtype)
    inputs = [
        X[:1],
        X[:10],
        X,
        np.asfortranarray(X[:10]),
        X[::2],  # not contiguous
        X[:10].astype(np.float32 if dtype == np.float64 else np.float64),
    ]
    for method in METHODS[kind]:
        for rows in inputs:
            kind_, *_ = same_outcome(monkeypatch, lambda: getattr(model, method)(rows))[
                0
            ]
            assert kind_ == "result"


def test_same_errors_and_warnings_for_the_inputs_it_leaves(monkeypatch):
    model, X = fitted(DeepMLPClassifier, "multiclass")
    with_nan = X[:3].copy()
    with_nan[1, 2] = np.nan
    bad_inputs = [
        X[:3, :4],  # too few features
        with_nan,
        np.full((2, 5), np.inf),
        X[:0],  # no rows
        X[:3].astype(np.int64),
        X[:3].tolist(),
        sparse.csr_matrix(X[:3]),
        X[0],  # 1-D
        X[:3].astype(str),
    ]
    for rows in bad_inputs:
        for method in METHODS[DeepMLPClassifier]:
            same_outcome(monkeypatch, lambda: getattr(model, method)(rows))
    unfitted = DeepMLPClassifier()
    (kind, error_type, _), _ = same_outcome(monkeypatch, lambda: unfitted.predict(X))
    assert kind == "error" and error_type.__name__ == "NotFittedError"


def test_assume_finite_is_honoured_as_before(monkeypatch):
    model, X = fitted(DeepMLPClassifier, "multiclass")
    rows = X[:3].copy()
    rows[0, 0] = np.nan
    with config_context(assume_finite=True):
        (kind, *rest), _ = same_outcome(monkeypatch, lambda: model.predict_proba(rows))
    assert kind == "error" and "overflowed" in rest[1]  # NaN reaches the output


def test_feature_name_warnings_after_a_dataframe_fit(monkeypatch):
    pd = pytest.importorskip("pandas")
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    frame = pd.DataFrame(X, columns=list("abcd"))
    model = DeepMLPClassifier((4,), max_iter=5, random_state=0).fit(frame, y)
    _, caught = same_outcome(monkeypatch, lambda: model.predict(X[:2]))
    assert any("feature names" in message for _, message in caught)
    _, caught = same_outcome(monkeypatch, lambda: model.predict(frame[:2]))
    assert caught == []


def test_batch_norm_models_take_the_fast_path_too(monkeypatch):
    X, y = make_classification(n_samples=80, n_features=5, random_state=0)
    model = DeepMLPClassifier((6,), batch_norm=True, max_iter=5, random_state=0)
    model.fit(X, y)
    same_outcome(monkeypatch, lambda: model.predict_proba(X[:1]))


def _previous_predict_proba(model, X):
    """predict_proba as it was computed before the fast path, written out:
    chunked matmuls with the result buffer, then the softmax with Z.max and a
    freshly made vector of ones."""
    from sk_deepmlp._activations import ACTIVATIONS

    dtype = np.result_type(X.dtype, *model.coefs_, *model.intercepts_)
    out = np.empty((X.shape[0], model.coefs_[-1].shape[1]), dtype=dtype)
    A = X
    for layer, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        A = np.matmul(A, W, dtype=dtype)
        A += b
        if layer < len(model.coefs_) - 1:
            ACTIVATIONS[model._activations[layer]](A)
    out[:] = A
    out -= out.max(axis=1, keepdims=True)
    np.exp(out, out=out)
    out /= np.matmul(out, np.ones(out.shape[1], out.dtype))[:, np.newaxis]
    return out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bit_identical_to_the_computation_before_the_fast_path(dtype):
    model, X = fitted(DeepMLPClassifier, "multiclass", dtype)
    for rows in (X[:1], X[:10], X):
        np.testing.assert_array_equal(
            model.predict_proba(rows), _previous_predict_proba(model, rows)
        )
