"""numeric_embedding='periodic': learned periodic embeddings of the numeric
columns before the first layer (PLR)."""

import pickle

import numpy as np
import pytest
from scipy import sparse

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, check_gradients
from sk_deepmlp._network._activations import ACTIVATIONS
from sk_deepmlp._network._embeddings import TWO_PI

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data(multiclass_data):
    X, y = multiclass_data
    X = (X - X.mean(0)) / X.std(0)
    X[:, 1] = X[:, 1] > 0  # a flag: passes through
    return X, y


def fitted(X, y, **params):
    params = {"hidden_layer_sizes": (6,), "max_iter": 5, "random_state": 0,
              "numeric_embedding": "periodic", "embedding_dim": 3,
              "embedding_frequencies": 2, "embedding_scale": 0.5, **params}  # fmt: skip
    cls = DeepMLPRegressor if params.pop("regressor", False) else DeepMLPClassifier
    return cls(**params).fit(X, y)


def test_the_first_layer_sees_the_embeddings_then_the_flags(data):
    """By hand: sines and cosines, each column's map and ReLU, then the flag."""
    X, y = data
    clf = fitted(X, y, activation="identity")
    embedded = clf.embedded_features_
    assert embedded.tolist() == [i != 1 for i in range(X.shape[1])]
    c, L, b = (
        clf.embedding_frequencies_,
        clf.embedding_coefs_,
        clf.embedding_intercepts_,
    )
    parts = []
    for j, column in enumerate(np.flatnonzero(embedded)):
        theta = TWO_PI * np.outer(X[:, column], c[j])
        v = np.hstack([np.sin(theta), np.cos(theta)])
        parts.append(np.maximum(v @ L[j] + b[j], 0))
    A0 = np.hstack([*parts, X[:, ~embedded]])
    assert clf.coefs_[0].shape[0] == A0.shape[1] == 3 * embedded.sum() + 1
    W, bias = clf.coefs_, clf.intercepts_
    logits = (A0 @ W[0] + bias[0]) @ W[1] + bias[1]
    np.testing.assert_allclose(clf.decision_function(X), logits, rtol=1e-10)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_with_each_activation(data, activation):
    X, y = data
    clf = fitted(X, y, activation=activation)
    assert check_gradients(clf, X[:30], y[:30]) < 1e-5


@pytest.mark.parametrize(
    "params",
    [
        dict(dropout=0.3, hidden_layer_sizes=(6, 5)),
        dict(batch_norm=True, hidden_layer_sizes=(6, 5)),
        dict(layer_norm=True, input_scaling="robust"),
        dict(alpha=0.1, sample_weight=True),
        dict(regressor=True, scale_target=True),
        dict(embedding_alpha=3.0, alpha=0.1, sample_weight=True),
    ],
    ids=[
        "dropout",
        "batch norm",
        "layer norm",
        "sample weights",
        "regressor",
        "frequency penalty",
    ],
)
def test_gradients_beside_other_features(data, params):
    X, y = data
    params = dict(params)
    weights = np.linspace(0.1, 2, 30) if params.pop("sample_weight", 0) else None
    target = X[:, 0] if params.get("regressor") else y
    est = fitted(X, target, **params)
    assert check_gradients(est, X[:30], target[:30], sample_weight=weights) < 1e-5


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_prediction_computes_what_training_computes(data, solver):
    X, y = data
    clf = fitted(X, y, solver=solver)
    net = clf._network(X.dtype)
    np.testing.assert_allclose(clf.decision_function(X), net.forward(X), rtol=1e-12)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    again = fitted(X, y, solver=solver)  # the same seed, the same model
    np.testing.assert_array_equal(again.embedding_coefs_, clf.embedding_coefs_)


def test_every_solver_trains_the_embedding(data):
    X, y = data
    for solver in ("sgd", "adam", "rmsprop", "lbfgs"):
        start = fitted(X, y, solver=solver, max_iter=1)
        end = fitted(X, y, solver=solver, max_iter=10)
        for name in ("frequencies", "coefs", "intercepts"):
            a, b = (getattr(m, f"embedding_{name}_") for m in (start, end))
            assert not np.array_equal(a, b), (solver, name)


def test_continuing_keeps_the_columns_and_refuses_to_change(data):
    X, y = data
    clf = DeepMLPClassifier((6,), numeric_embedding="periodic", random_state=0)
    for part in np.array_split(np.arange(len(X)), 3):
        clf.partial_fit(X[part], y[part], classes=[0, 1, 2])
    assert clf.embedded_features_[1] == False  # noqa: E712 (a NumPy bool)
    warm = fitted(X, y, warm_start=True)
    before = warm.embedding_frequencies_.copy()
    warm.fit(X, y)
    assert not np.array_equal(before, warm.embedding_frequencies_)
    with pytest.raises(ValueError, match="numeric_embedding=None does not match"):
        warm.set_params(numeric_embedding=None).fit(X, y)
    warm.set_params(warm_start=False).fit(X, y)  # a fresh fit may drop it
    assert "embedding_coefs_" not in vars(warm)
    assert warm.coefs_[0].shape[0] == X.shape[1]


def test_sparse_input_is_refused(data):
    X, y = data
    with pytest.raises(ValueError, match="numeric_embedding='periodic' needs dense"):
        fitted(sparse.csr_matrix(X), y)


def test_early_stopping_keeps_the_best_epochs_embedding(data):
    X, y = data
    clf = fitted(X, y, early_stopping=True, max_iter=30, tol=0.0)
    best = int(np.argmax(clf.validation_scores_)) + 1
    shorter = fitted(
        X, y, early_stopping=True, max_iter=best, n_iter_no_change=1000, tol=0.0
    )
    np.testing.assert_array_equal(clf.embedding_coefs_, shorter.embedding_coefs_)
    np.testing.assert_array_equal(
        clf.embedding_frequencies_, shorter.embedding_frequencies_
    )


def test_a_callback_snapshot_does_not_move_with_training(data):
    X, y = data
    clf = fitted(X, y)
    snapshot = clf._reconstruction_attributes()
    clf.embedding_coefs_ += 1.0  # as training would, in place
    assert not np.array_equal(snapshot["embedding_coefs_"], clf.embedding_coefs_)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_the_frequency_penalty_pulls_the_frequencies_towards_zero(data, solver):
    X, y = data
    # a large step, so that adam's frequencies can travel in 60 epochs
    params = dict(solver=solver, max_iter=60, learning_rate_init=0.05)
    free = fitted(X, y, **params)
    penalised = fitted(X, y, **params, embedding_alpha=30.0)
    norm = [np.linalg.norm(m.embedding_frequencies_) for m in (free, penalised)]
    assert norm[1] < 0.5 * norm[0]


def test_the_frequency_penalty_joins_the_loss(data):
    """One full batch from the same start: the reported loss grows by
    embedding_alpha / (2 m) ||c||^2 of the starting frequencies."""
    X, y = data
    start = fitted(X, y, max_iter=1)
    one = dict(max_iter=1, batch_size=len(X), warm_start=True, shuffle=False)
    losses = []
    for embedding_alpha in (0.0, 4.0):
        model = pickle.loads(pickle.dumps(start))
        model.set_params(**one, embedding_alpha=embedding_alpha)
        c = model.embedding_frequencies_.copy()
        losses.append(model.fit(X, y).loss_curve_[-1])
    expected = 0.5 * 4.0 * np.sum(c**2) / len(X)
    np.testing.assert_allclose(losses[1] - losses[0], expected, rtol=1e-10)
