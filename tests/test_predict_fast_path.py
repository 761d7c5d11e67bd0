"""Prediction's fast path: the same results, errors and warnings as the full
validation, for every input, since it only takes inputs it has checked."""

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn import config_context
from sklearn.datasets import make_classification

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._estimator import _predict

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
        patch.setattr(_predict, "_fast_path_applies", lambda estimator, X: False)
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
    from sk_deepmlp._network._activations import ACTIVATIONS

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


def _layouts(A):
    """``A`` as prediction may meet it: C-ordered, Fortran-ordered, strided,
    read-only."""
    strided = np.repeat(A, 2, axis=0)[::2]
    read_only = A.copy()
    read_only.flags.writeable = False
    return [A, np.asfortranarray(A), strided, read_only]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "rows, inner, cols",
    [
        (1, 20, 100),
        (10, 20, 100),
        (10, 100, 3),
        (10, 100, 1),
        (1, 100, 1),
        (3, 2, 2),
        (65, 300, 37),
        (1000, 50, 9),
        (10, 1, 5),
        (1, 1, 1),
    ],
)
def test_blas_matmul_is_np_matmul_bit_for_bit(dtype, rows, inner, cols):
    """The np.dot route makes the same BLAS call as np.matmul (see _blas):
    gemm, gemv with one row or one column, and the fallbacks."""
    from sk_deepmlp._network._blas import matmul

    rng = np.random.default_rng(rows * inner * cols)
    A = rng.standard_normal((rows, inner)).astype(dtype)
    B = rng.standard_normal((inner, cols)).astype(dtype)
    target = np.dtype(dtype)
    for a in _layouts(A):
        for b in _layouts(B):
            expected = np.matmul(a, b, dtype=target)
            got = matmul(a, b, target)
            np.testing.assert_array_equal(got, expected)
            assert got.dtype == expected.dtype
    # a cast: float32 rows through a float64 model, and the reverse
    other = np.float64 if dtype == np.float32 else np.float32
    wide = np.result_type(dtype, other)
    np.testing.assert_array_equal(
        matmul(A, B.astype(other), wide), np.matmul(A, B.astype(other), dtype=wide)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 3), (10, 3), (10, 2), (300, 40), (5, 1)])
def test_blas_row_sums_are_np_matmul_with_ones(dtype, shape):
    from sk_deepmlp._network._blas import row_sums

    Z = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    for z in _layouts(Z):
        np.testing.assert_array_equal(
            row_sums(z), np.matmul(z, np.ones(shape[1], dtype=dtype))
        )


def test_the_dot_route_is_taken_and_can_differ_from_another_route():
    """The equality above has teeth: BLAS routes differ in the last bits here
    (a product row by row is not the product of the block), and the route
    that matmul takes for plain arrays is np.dot's."""
    from sk_deepmlp._network import _blas

    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((64, 300)), rng.standard_normal((300, 40))
    by_rows = np.vstack([np.matmul(row[None], B) for row in A])
    if np.array_equal(by_rows, np.matmul(A, B)):
        pytest.skip("this BLAS gives gemv's bits for gemm: routes cannot differ")

    taken = []

    class Spy(np.ndarray):
        def dot(self, other):
            taken.append(True)
            return np.asarray(self).dot(other)

    _blas.matmul(A.view(Spy), B, np.dtype(np.float64))
    assert taken


def test_overflow_is_reported_not_warned_and_the_error_state_is_restored():
    """Prediction ignores overflow inside (its own error reports it) and
    leaves each thread's NumPy error state as it found it, even a strict one
    and even when it raises."""
    import threading

    model, X = fitted(DeepMLPClassifier, "multiclass")
    huge = np.full((2, X.shape[1]), np.finfo(np.float64).max)
    outcomes = {}

    def strict_thread():
        with np.errstate(over="raise", invalid="raise"):
            before = np.geterr()
            try:
                model.predict_proba(huge)
            except Exception as error:  # noqa: BLE001 - the error is the outcome
                outcomes["error"] = error
            outcomes["restored"] = np.geterr() == before
            model.predict_proba(X[:3])  # a clean call, under "raise"
            outcomes["after clean call"] = np.geterr() == before

    before = np.geterr()
    thread = threading.Thread(target=strict_thread)
    thread.start()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning here either
        for _ in range(50):
            model.predict_proba(X[:10])
    thread.join()
    assert isinstance(outcomes["error"], ValueError)
    assert "overflowed" in str(outcomes["error"])
    assert outcomes["restored"] and outcomes["after clean call"]
    assert np.geterr() == before


@pytest.mark.parametrize("numpy_version", ["1.26.4", np.__version__])
def test_quiet_overflow_on_either_numpy(monkeypatch, numpy_version):
    """Under NumPy 1 the guard is a ``with`` block (the decorator form keeps
    its state on the shared instance there); both forms ignore overflow
    inside, keep other settings, and restore the caller's state, also when
    the method raises and when it is nested."""
    from sk_deepmlp._estimator._predict import _quiet_overflow

    monkeypatch.setattr(np, "__version__", numpy_version)

    @_quiet_overflow
    def overflow(fail, nested=False):
        if nested:
            overflow(False)
        inside = np.geterr()
        np.multiply(np.float64(1e300), np.float64(1e300))  # no warning
        if fail:
            raise KeyError("fails")
        return inside

    with np.errstate(all="raise"):
        before = np.geterr()
        inside = overflow(False, nested=True)
        with pytest.raises(KeyError):
            overflow(True)
        assert np.geterr() == before
    assert inside["over"] == inside["invalid"] == "ignore"
    assert inside["divide"] == inside["under"] == "raise"
