"""ONNX export: onnxruntime's outputs against predict and predict_proba."""

import importlib
import sys
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._network._activations import ACTIVATIONS

skl2onnx = pytest.importorskip("skl2onnx")
rt = pytest.importorskip("onnxruntime")
import sk_deepmlp.onnx  # noqa: E402,F401  (registers the converters)

# the tolerances of the issue; GELU's erf runs in float32 in a float64 model
# (onnxruntime has no double Erf), hence its own
ATOL = {np.float32: 1e-5, np.float64: 1e-10}
GELU_FLOAT64_ATOL = 1e-6


def data(target, n_classes=3, seed=0):
    X, y = make_classification(
        n_samples=240,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        random_state=seed,
    )
    if target == "multilabel":
        y = np.column_stack([y == 0, y == 1, (X[:, 0] > 0)]).astype(int)
    elif target == "string labels":
        y = np.array(["cat", "dog", "emu"])[y]
    elif target == "binary":
        y = y % 2
    return train_test_split(X, y, random_state=0)


def fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def run(model, X, **convert):
    onx = skl2onnx.to_onnx(model, X[:1], **convert)
    session = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def check_classifier(model, X_test, dtype, atol):
    labels, proba = run(model, X_test.astype(dtype), options={"zipmap": False})
    np.testing.assert_array_equal(labels, model.predict(X_test))
    np.testing.assert_allclose(proba, model.predict_proba(X_test), rtol=0, atol=atol)
    return np.abs(proba - model.predict_proba(X_test)).max()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "target", ["binary", "multiclass", "string labels", "multilabel"]
)
@pytest.mark.parametrize("activation", sorted(set(ACTIVATIONS) - {"identity"}))
def test_every_activation_and_target(activation, target, dtype):
    X_train, X_test, y_train, _ = data(target)
    clf = fit(
        DeepMLPClassifier((8, 6), activation=activation, max_iter=30, random_state=0),
        X_train,
        y_train,
    )
    gelu64 = activation == "gelu" and dtype == np.float64
    check_classifier(clf, X_test, dtype, GELU_FLOAT64_ATOL if gelu64 else ATOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_per_layer_activations_batch_norm_and_dropout_in_a_pipeline(dtype):
    X_train, X_test, y_train, _ = data("multiclass")
    X_train, X_test = X_train * 10 + 3, X_test * 10 + 3  # the scaler matters
    pipe = make_pipeline(
        StandardScaler(),
        DeepMLPClassifier(
            (8, 8, 6),
            activation=["leaky_relu", "selu", "identity"],
            batch_norm=[True, False, True],
            dropout=0.2,  # nothing of it at inference
            max_iter=30,
            random_state=0,
        ),
    )
    check_classifier(fit(pipe, X_train, y_train), X_test, dtype, ATOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layer_norm_with_batch_norm_on_another_layer(dtype):
    X_train, X_test, y_train, _ = data("multiclass")
    clf = DeepMLPClassifier(
        (8, 8, 6),
        activation=["tanh", "relu", "gelu"],
        batch_norm=[True, False, False],
        layer_norm=[False, True, True],
        max_iter=30,
        random_state=0,
    )
    gelu64 = dtype == np.float64
    tolerance = GELU_FLOAT64_ATOL if gelu64 else ATOL[dtype]
    check_classifier(fit(clf, X_train, y_train), X_test, dtype, tolerance)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_layer_normalised_regressor(dtype):
    X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    reg = fit(
        DeepMLPRegressor(
            hidden_layer_sizes=(8, 4), layer_norm=True, max_iter=30, random_state=0
        ),
        X,
        y / y.std(),
    )
    (prediction,) = run(reg, X.astype(dtype))
    np.testing.assert_allclose(
        prediction.ravel(), reg.predict(X), rtol=1e-5, atol=ATOL[dtype]
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_residual_layers(dtype):
    X_train, X_test, y_train, _ = data("multiclass")
    clf = DeepMLPClassifier(
        (8, 8, 8),
        activation=["relu", "tanh", "elu"],
        residual=True,
        layer_norm=[False, True, False],
        dropout=0.1,
        max_iter=30,
        random_state=0,
    )
    clf = fit(clf, X_train, y_train)
    assert clf.residual_layers_ == [False, True, True]
    check_classifier(clf, X_test, dtype, ATOL[dtype])


def test_a_float32_model(dtype=np.float32):
    X_train, X_test, y_train, _ = data("multiclass")
    clf = fit(
        DeepMLPClassifier((8,), max_iter=30, random_state=0),
        X_train.astype(np.float32),
        y_train,
    )
    assert clf.coefs_[0].dtype == np.float32
    check_classifier(clf, X_test.astype(np.float32), np.float32, ATOL[np.float32])


@pytest.mark.parametrize("target", ["multiclass", "string labels"])
def test_zipmap_options(target):
    X_train, X_test, y_train, _ = data(target)
    clf = fit(DeepMLPClassifier((8,), max_iter=30, random_state=0), X_train, y_train)
    X32 = X_test.astype(np.float32)
    expected = clf.predict_proba(X_test)
    labels, maps = run(clf, X32)  # zipmap=True, the default
    np.testing.assert_array_equal(labels, clf.predict(X_test))
    assert list(maps[0]) == list(clf.classes_)
    table = np.array([[row[c] for c in clf.classes_] for row in maps])
    np.testing.assert_allclose(table, expected, atol=ATOL[np.float32])
    columns = run(clf, X32, options={"zipmap": "columns"})
    np.testing.assert_array_equal(columns[0], clf.predict(X_test))
    np.testing.assert_allclose(
        np.column_stack(columns[1:]), expected, atol=ATOL[np.float32]
    )
    labels, maps = run(clf, X32, options={"nocl": True})  # class indices
    assert list(maps[0]) == list(range(len(clf.classes_)))
    np.testing.assert_array_equal(clf.classes_[labels], clf.predict(X_test))


def test_zipmap_with_a_float64_model_is_a_clear_error():
    X_train, X_test, y_train, _ = data("multiclass")
    clf = fit(DeepMLPClassifier((8,), max_iter=5, random_state=0), X_train, y_train)
    with pytest.raises(ValueError, match="zipmap': False"):
        skl2onnx.to_onnx(clf, X_test[:1])


#: Every regression loss, with its parameter: the robust ones share the
#: identity output, and the target scaling that their docs advise
LOSSES = {
    "squared_error": {},
    "poisson": {},
    "absolute_error": {},
    "huber": {"huber_delta": 0.5},
    "quantile": {"quantile": 0.8},
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("scale_target", [False, True])
def test_regressor(loss, n_outputs, dtype, scale_target):
    X, _ = make_classification(n_samples=200, n_features=5, random_state=0)
    y = np.exp(X[:, :n_outputs] / 3)
    y = y.ravel() if n_outputs == 1 else y
    reg = fit(
        DeepMLPRegressor(
            hidden_layer_sizes=(8,),
            activation="gelu",
            loss=loss,
            **LOSSES[loss],
            batch_norm=True,
            max_iter=30,
            random_state=0,
            scale_target=scale_target,
        ),
        X,
        100 * y,  # units that scale_target must put back
    )
    (prediction,) = run(reg, X.astype(dtype))
    assert prediction.shape == (200, n_outputs)
    atol = GELU_FLOAT64_ATOL if dtype == np.float64 else 1e-4  # exp magnifies
    np.testing.assert_allclose(
        prediction, reg.predict(X).reshape(200, n_outputs), rtol=1e-5, atol=100 * atol
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_ensemble", [1, 3])
def test_several_quantiles_are_sorted_in_the_graph(dtype, n_ensemble):
    """A model of several quantiles sorts each row, in the graph as in
    predict (TopK, ascending); close quantiles on little data cross raw."""
    X, _ = make_classification(n_samples=80, n_features=5, random_state=0)
    y = X[:, 0] + np.random.RandomState(0).randn(80)
    reg = fit(
        DeepMLPRegressor(
            hidden_layer_sizes=(8,),
            loss="quantile",
            quantile=[0.4, 0.5, 0.6],
            n_ensemble=n_ensemble,
            scale_target=True,
            max_iter=30,
            random_state=0,
        ),
        X,
        10 * y,
    )
    assert np.any(np.diff(reg._validated_logits(X), axis=1) < 0)
    (prediction,) = run(reg, X.astype(dtype))
    assert prediction.shape == (80, 3)
    np.testing.assert_allclose(prediction, reg.predict(X), rtol=1e-5, atol=ATOL[dtype])


def test_several_quantiles_need_opset_11():
    X, _ = make_classification(n_samples=40, n_features=5, random_state=0)
    reg = fit(
        DeepMLPRegressor(
            hidden_layer_sizes=(4,), loss="quantile", quantile=[0.2, 0.8], max_iter=2
        ),
        X,
        X[:, 0],
    )
    with pytest.raises(RuntimeError, match="target_opset >= 11"):
        skl2onnx.to_onnx(reg, X[:1], target_opset=10)


def test_without_skl2onnx_the_import_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "skl2onnx", None)
    monkeypatch.delitem(sys.modules, "sk_deepmlp.onnx")
    with pytest.raises(ImportError, match=r"pip install \".\[onnx\]\" in a clone"):
        importlib.import_module("sk_deepmlp.onnx")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_robust_input_scaling_with_binary_columns(dtype):
    X_train, X_test, y_train, _ = data("multiclass")
    # a heavy tail, a 0/1 flag and a two-valued column that stay unscaled
    for X in (X_train, X_test):
        X[:, 0] = np.exp(3 * X[:, 0])
        X[:, 1] = X[:, 1] > 0
        X[:, 2] = np.where(X[:, 2] > 0, 5.0, -2.0)
    clf = fit(
        DeepMLPClassifier((8,), input_scaling="robust", max_iter=30, random_state=0),
        X_train,
        y_train,
    )
    assert clf.input_scaled_.tolist() == [True, False, False, True, True, True]
    check_classifier(clf, X_test, dtype, ATOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("scaling", [None, "robust"])
def test_periodic_embeddings(dtype, scaling):
    X_train, X_test, y_train, _ = data("multiclass")
    for X in (X_train, X_test):
        X[:, 1] = X[:, 1] > 0  # a flag, which passes through
    clf = fit(
        DeepMLPClassifier(
            (8,),
            numeric_embedding="periodic",
            embedding_dim=4,
            embedding_frequencies=3,
            embedding_scale=0.5,
            input_scaling=scaling,
            max_iter=30,
            random_state=0,
        ),
        X_train,
        y_train,
    )
    assert clf.embedded_features_.tolist() == [True, False, True, True, True, True]
    check_classifier(clf, X_test, dtype, ATOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_an_embedding_regressor_with_scaled_targets(dtype):
    X, _ = make_regression(n_samples=150, n_features=4, random_state=0)
    y = np.sin(X[:, 0]) * 50 + X[:, 1]
    reg = fit(
        DeepMLPRegressor(
            hidden_layer_sizes=(8,),
            numeric_embedding="periodic",
            scale_target=True,
            max_iter=30,
            random_state=0,
        ),
        X,
        y,
    )
    (prediction,) = run(reg, X.astype(dtype))
    atol = 1e-3 if dtype == np.float32 else 1e-8  # targets of size 50
    np.testing.assert_allclose(prediction.ravel(), reg.predict(X), rtol=1e-5, atol=atol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_an_ensemble_with_embeddings_and_skips(dtype, target):
    X_train, X_test, y_train, _ = data(target)
    clf = fit(
        DeepMLPClassifier(
            (8, 8),
            n_ensemble=3,
            numeric_embedding="periodic",
            embedding_dim=3,
            embedding_frequencies=2,
            residual=True,
            layer_norm=[False, True],
            max_iter=30,
            random_state=0,
        ),
        X_train,
        y_train,
    )
    check_classifier(clf, X_test, dtype, ATOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_an_ensemble_regressor(dtype, loss):
    X, _ = make_classification(n_samples=200, n_features=5, random_state=0)
    y = np.exp(X[:, :2] / 3)
    reg = fit(
        DeepMLPRegressor(
            hidden_layer_sizes=(8,),
            loss=loss,
            n_ensemble=4,
            scale_target=True,
            max_iter=30,
            random_state=0,
        ),
        X,
        y,
    )
    (prediction,) = run(reg, X.astype(dtype))
    atol = 1e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(prediction, reg.predict(X), rtol=1e-5, atol=atol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("Estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_categorical_codes_and_missing_values(Estimator, dtype):
    """Numeric categories become Equal's one-hot columns (unseen values and
    NaN all zeros, or the missing slot), numeric NaN its fill and flag."""
    rng = np.random.RandomState(0)
    X = np.column_stack([rng.randn(300), rng.randint(0, 4, 300), rng.randn(300)])
    X[rng.rand(300) < 0.1, 0] = np.nan
    X[rng.rand(300) < 0.1, 1] = np.nan
    y = (X[:, 1] == 2) ^ (X[:, 2] > 0)
    model = Estimator(
        categorical_features=[1],
        missing="indicator",
        input_scaling="robust",
        numeric_embedding="periodic",
        embedding_dim=4,
        hidden_layer_sizes=(8,),
        max_iter=20,
        random_state=0,
    )
    fit(model, X.astype(dtype), y if Estimator is DeepMLPClassifier else y + X[:, 2])
    X_test = X[:40].copy()
    X_test[0, 1] = 7.0  # unseen
    X_test[1, 2] = np.nan  # a column without NaN at fit: its median
    X_test = X_test.astype(dtype)
    if Estimator is DeepMLPClassifier:
        check_classifier(model, X_test, dtype, ATOL[dtype])
    else:
        (predicted,) = run(model, X_test)
        np.testing.assert_allclose(
            predicted.ravel(), model.predict(X_test), atol=ATOL[dtype] * 10
        )


def test_text_categories_are_refused_naming_the_ordinal_encoder_route():
    pd = pytest.importorskip("pandas")
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"size": rng.randn(100), "colour": rng.choice(["red", "blue"], 100)}
    )
    y = (frame["colour"] == "red").to_numpy()
    model = fit(
        DeepMLPClassifier(categorical_features=["colour"], max_iter=5), frame, y
    )
    with pytest.raises(ValueError, match="not numbers.*OrdinalEncoder"):
        skl2onnx.to_onnx(model, frame[:1])


def test_ordinal_encoder_ahead_exports_whole():
    pd = pytest.importorskip("pandas")
    from skl2onnx.common.data_types import FloatTensorType, StringTensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import OrdinalEncoder

    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {"colour": rng.choice(["red", "green", "blue"], 200), "size": rng.randn(200)}
    )
    y = (frame["colour"] == "red").to_numpy() ^ (frame["size"] > 0).to_numpy()
    codes = ColumnTransformer(
        [("codes", OrdinalEncoder(), ["colour"])], remainder="passthrough"
    )
    pipeline = fit(
        make_pipeline(
            codes,
            DeepMLPClassifier(categorical_features=[0], max_iter=30, random_state=0),
        ),
        frame,
        y,
    )
    onx = skl2onnx.to_onnx(
        pipeline,
        initial_types=[
            ("colour", StringTensorType([None, 1])),
            ("size", FloatTensorType([None, 1])),
        ],
        options={"zipmap": False},
    )
    session = rt.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(
        None,
        {
            "colour": frame[["colour"]].to_numpy(),
            "size": frame[["size"]].to_numpy(np.float32),
        },
    )
    np.testing.assert_allclose(proba, pipeline.predict_proba(frame), atol=1e-5)
    np.testing.assert_array_equal(labels, pipeline.predict(frame))
