"""residual: skip connections between hidden layers of equal widths (the
second box added to prove the block design)."""

import pickle

import numpy as np
import pytest
from scipy.special import expit

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, check_gradients
from sk_deepmlp._network._activations import ACTIVATIONS
from sk_deepmlp._network._network import residual_layers

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.mark.parametrize(
    "hidden, expected",
    [
        ((8, 8, 8), [False, True, True]),
        ((8, 4, 4), [False, False, True]),
        ((8, 4, 8), [False, False, False]),
        ((6,), [False]),  # the first layer never: its input is X
    ],
)
def test_which_layers_add_their_input(hidden, expected):
    assert residual_layers(list(hidden), True) == expected
    assert residual_layers(list(hidden), False) == [False] * len(hidden)


@pytest.fixture
def data(multiclass_data):
    X, y = multiclass_data
    return (X - X.mean(0)) / X.std(0), y


def fitted(X, y, **params):
    params = {"hidden_layer_sizes": (8, 8, 8), "max_iter": 5, "random_state": 0,
              "residual": True, **params}  # fmt: skip
    cls = DeepMLPRegressor if params.pop("regressor", False) else DeepMLPClassifier
    return cls(**params).fit(X, y)


def test_the_output_adds_each_input(data):
    """By hand: logistic layers, the second and third adding their input."""
    X, y = data
    clf = fitted(X, y % 2, activation="logistic")
    W, b = clf.coefs_, clf.intercepts_
    A1 = expit(X @ W[0] + b[0])
    A2 = A1 + expit(A1 @ W[1] + b[1])
    A3 = A2 + expit(A2 @ W[2] + b[2])
    np.testing.assert_allclose(
        clf.decision_function(X), (A3 @ W[3] + b[3]).ravel(), rtol=1e-12
    )
    plain = clf.get_params()
    plain["residual"] = False
    without = DeepMLPClassifier(**plain).fit(X, y % 2)
    assert without.residual_layers_ == [False] * 3
    assert not np.allclose(without.coefs_[1], clf.coefs_[1])


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_with_each_activation(data, activation):
    X, y = data
    clf = fitted(X, y, activation=activation)
    assert clf.residual_layers_ == [False, True, True]
    assert check_gradients(clf, X[:30], y[:30]) < 1e-5


@pytest.mark.parametrize(
    "params",
    [
        dict(dropout=0.3),
        dict(batch_norm=[False, True, False]),
        dict(layer_norm=[False, False, True]),
        dict(alpha=0.1, sample_weight=True),
        dict(regressor=True, hidden_layer_sizes=(8, 4, 4)),
    ],
    ids=["dropout", "batch norm", "layer norm", "sample weights", "regressor"],
)
def test_gradients_beside_other_features(data, params):
    X, y = data
    params = dict(params)
    weights = np.linspace(0.1, 2, 30) if params.pop("sample_weight", 0) else None
    target = X[:, 0] if params.get("regressor") else y
    est = fitted(X, target, **params)
    assert any(est.residual_layers_)
    assert check_gradients(est, X[:30], target[:30], sample_weight=weights) < 1e-5


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_prediction_computes_what_training_computes(data, solver):
    X, y = data
    clf = fitted(X, y, solver=solver, layer_norm=[True, False, False])
    net = clf._network(X.dtype)
    np.testing.assert_allclose(clf.decision_function(X), net.forward(X), rtol=1e-12)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_continuing_keeps_the_skips_and_refuses_to_change_them(data):
    X, y = data
    clf = DeepMLPClassifier((8, 8), residual=True, random_state=0)
    for part in np.array_split(np.arange(len(X)), 3):
        clf.partial_fit(X[part], y[part], classes=[0, 1, 2])
    assert clf.residual_layers_ == [False, True]
    warm = fitted(X, y, warm_start=True)
    warm.fit(X, y)
    assert warm.residual_layers_ == [False, True, True]
    with pytest.raises(ValueError, match="cannot\\s+add or remove its skip"):
        warm.set_params(residual=False).fit(X, y)
    # a fresh fit may change them
    warm.set_params(warm_start=False).fit(X, y)
    assert warm.residual_layers_ == [False, False, False]


def test_early_stopping_keeps_the_best_epoch(data):
    X, y = data
    clf = fitted(X, y, early_stopping=True, max_iter=30, tol=0.0)
    best = int(np.argmax(clf.validation_scores_)) + 1
    shorter = fitted(
        X, y, early_stopping=True, max_iter=best, n_iter_no_change=1000, tol=0.0
    )
    for a, b in zip(clf.coefs_, shorter.coefs_):
        np.testing.assert_array_equal(a, b)
