"""Clear messages where NumPy or Python internals used to surface."""

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline

from sk_deepmlp import DeepMLPClassifier, LossCurveDisplay, check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def fitted(binary_data):
    X, y = binary_data
    return DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0).fit(
        X, y
    )


@pytest.mark.parametrize(
    "make_X",
    [
        lambda X: X.astype(str),  # numeric strings
        lambda X: np.full(X.shape, "word"),
        lambda X: np.zeros(X.shape, dtype="datetime64[D]"),
        lambda X: np.zeros(X.shape, dtype="timedelta64[s]"),
        lambda X: X.astype(str).tolist(),  # a list of lists of strings
    ],
    ids=["numeric strings", "words", "datetime64", "timedelta64", "list of str"],
)
@pytest.mark.parametrize("method", ["fit", "predict", "predict_proba"])
def test_text_and_dates_are_refused_at_fit_and_predict_alike(
    binary_data, fitted, make_X, method
):
    X, y = binary_data
    with pytest.raises(ValueError, match="the network needs numbers"):
        if method == "fit":
            DeepMLPClassifier(max_iter=2).fit(make_X(X), y)
        else:
            getattr(fitted, method)(make_X(X))


def test_text_columns_of_a_dataframe_are_refused(binary_data, fitted):
    pd = pytest.importorskip("pandas")
    X, _ = binary_data
    frame = pd.DataFrame(X).astype(str)
    with pytest.raises(ValueError, match="the network needs numbers"):
        fitted.predict(frame.to_numpy())
    frame = pd.DataFrame(X)
    frame[0] = pd.Timestamp("2020-01-01")
    with pytest.raises(ValueError, match="datetime"):
        fitted.predict(frame)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(activation=[["relu"]]), r"Unknown activation\(s\) \[\['relu'\]\]"),
        (dict(activation={"relu"}), "activation"),
        (dict(dropout={0: 0.1}), "dropout must be a float in .0, 1.*dict"),
        (dict(dropout="0.1"), "dropout"),
        (dict(dropout=[0.1, 0.2]), "dropout has 2 entries"),
        (dict(dropout=[True]), r"dropout rates must be floats"),
    ],
)
def test_bad_per_layer_parameters(binary_data, params, match):
    X, y = binary_data
    with pytest.raises(ValueError, match=match):
        DeepMLPClassifier(hidden_layer_sizes=(5,), **params).fit(X, y)


def test_zero_dimensional_dropout_is_a_float(binary_data):
    X, y = binary_data
    a = DeepMLPClassifier(dropout=np.array(0.3), max_iter=3, random_state=0).fit(X, y)
    b = DeepMLPClassifier(dropout=0.3, max_iter=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


@pytest.mark.parametrize("target", ["binary", "multiclass"])
def test_validation_fraction_too_large_names_the_parameter_and_sizes(
    binary_data, multiclass_data, target
):
    X, y = binary_data if target == "binary" else multiclass_data
    clf = DeepMLPClassifier(early_stopping=True, validation_fraction=0.99)
    with pytest.raises(ValueError, match=r"validation_fraction=0.99 of \d+ samples"):
        clf.fit(X, y)
    # 0.95 leaves a few training samples: fewer than the classes need to be
    # stratified, which is then skipped rather than failing
    clf.set_params(validation_fraction=0.95, max_iter=3).fit(X, y)
    assert clf.n_iter_ >= 1


def test_check_gradients_on_another_estimator(binary_data):
    X, y = binary_data
    mlp = MLPClassifier(max_iter=5).fit(X, y)
    with pytest.raises(TypeError, match="needs a fitted sk-deepmlp estimator.*MLPC"):
        check_gradients(mlp, X, y)


def test_check_gradients_leaves_the_estimator_alone(binary_data, fitted):
    X, y = binary_data
    before = dict(vars(fitted))
    check_gradients(fitted, X[:5], y[:5])
    assert vars(fitted).keys() == before.keys()
    assert all(vars(fitted)[k] is v for k, v in before.items())


def test_display_from_a_pipeline_says_to_pass_the_final_step(binary_data):
    pytest.importorskip("matplotlib")
    X, y = binary_data
    pipe = make_pipeline(DeepMLPClassifier(max_iter=3)).fit(X, y)
    with pytest.raises(TypeError, match=r"from_estimator\(pipeline\[-1\]\)"):
        LossCurveDisplay.from_estimator(pipe)
