"""n_ensemble: BatchEnsemble members that share the weights, trained on the
mean of their losses, predicting the mean of their outputs."""

import pickle

import numpy as np
import pytest
from scipy.special import expit, softmax

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor, check_gradients
from sk_deepmlp._network._activations import ACTIVATIONS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture
def data(multiclass_data):
    X, y = multiclass_data
    return (X - X.mean(0)) / X.std(0), y


def fitted(X, y, **params):
    params = {"hidden_layer_sizes": (6, 5), "max_iter": 5, "random_state": 0,
              "n_ensemble": 3, **params}  # fmt: skip
    cls = DeepMLPRegressor if params.pop("regressor", False) else DeepMLPClassifier
    return cls(**params).fit(X, y)


def members_by_hand(est, X):
    """Each member's output-layer logits, shape (k, n, n_outputs)."""
    R, S, B = (
        est.ensemble_input_scales_,
        est.ensemble_output_scales_,
        est.ensemble_intercepts_,
    )
    out = []
    for r in range(est.n_ensemble):
        A = X
        for layer, W in enumerate(est.coefs_):
            Z = ((A * R[layer][r]) @ W) * S[layer][r] + B[layer][r]
            A = np.tanh(Z) if layer < len(est.coefs_) - 1 else Z
        out.append(A)
    return np.array(out)


def test_prediction_is_the_mean_of_the_members(data):
    X, y = data
    clf = fitted(X, y, activation="tanh")
    members = softmax(members_by_hand(clf, X), axis=2)
    np.testing.assert_allclose(clf.predict_proba(X), members.mean(0), rtol=1e-10)
    binary = fitted(X, y % 2, activation="tanh")
    p = expit(members_by_hand(binary, X)[:, :, 0]).mean(0)
    np.testing.assert_allclose(binary.predict_proba(X)[:, 1], p, rtol=1e-10)
    reg = fitted(X, X[:, 0] ** 2, activation="tanh", regressor=True)
    np.testing.assert_allclose(
        reg.predict(X), members_by_hand(reg, X)[:, :, 0].mean(0), rtol=1e-10
    )


def test_the_loss_is_the_mean_of_the_members_losses(data):
    X, y = data
    clf = fitted(X, y, activation="tanh")
    P = softmax(members_by_hand(clf, X), axis=2)
    by_hand = -np.log(P[:, np.arange(len(y)), y]).mean()
    net = clf._network(np.float64)
    Y = np.eye(3)[y]
    assert net.loss_grad(X, Y, None, 0.0) == pytest.approx(by_hand, rel=1e-12)


def test_the_members_start_apart_and_share_the_rest(data):
    X, y = data
    start = fitted(X, y, max_iter=1, learning_rate_init=1e-12)
    R0 = start.ensemble_input_scales_[0]
    np.testing.assert_allclose(np.abs(R0), 1.0, atol=1e-6)  # random signs
    assert not (R0 == R0[0]).all()  # the members differ from the start
    for R in start.ensemble_input_scales_[1:] + start.ensemble_output_scales_:
        np.testing.assert_allclose(R, 1.0, atol=1e-6)
    for B in start.ensemble_intercepts_:
        np.testing.assert_allclose(B, np.tile(B[0], (3, 1)), atol=1e-6)  # k copies
    trained = fitted(X, y, max_iter=20)
    assert all((b == 0).all() for b in trained.intercepts_)  # B replaces them
    assert not np.allclose(trained.ensemble_output_scales_[0], 1.0)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_with_each_activation(data, activation):
    X, y = data
    est = fitted(X, y, activation=activation)
    # a small step: with 3 members' rows, some pre-activation lies within
    # 1e-6 of a kink (relu's, leaky relu's) often enough for the default
    assert check_gradients(est, X[:30], y[:30], eps=1e-7) < 1e-5


@pytest.mark.parametrize(
    "params",
    [
        dict(dropout=0.3),
        dict(layer_norm=True, hidden_layer_sizes=(6, 6), residual=True),
        dict(numeric_embedding="periodic", embedding_dim=2, input_scaling="robust"),
        dict(alpha=0.1, sample_weight=True),
        dict(regressor=True, scale_target=True),
        dict(regressor=True, loss="poisson"),
    ],
    ids=[
        "dropout",
        "layer norm, skips",
        "embedding",
        "weights",
        "regressor",
        "poisson",
    ],
)
def test_gradients_beside_other_features(data, params):
    X, y = data
    params = dict(params)
    weights = np.linspace(0.1, 2, 30) if params.pop("sample_weight", 0) else None
    target = np.exp(X[:, 0] / 2) if params.get("regressor") else y
    est = fitted(X, target, **params)
    assert check_gradients(est, X[:30], target[:30], sample_weight=weights) < 1e-5


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_the_same_seed_gives_the_same_model_which_pickles(data, solver):
    X, y = data
    a, b = fitted(X, y, solver=solver), fitted(X, y, solver=solver)
    for x, z in zip(a.ensemble_input_scales_, b.ensemble_input_scales_):
        np.testing.assert_array_equal(x, z)
    restored = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(restored.predict_proba(X), a.predict_proba(X))


def test_continuing_keeps_the_members_and_refuses_another_number(data):
    X, y = data
    clf = DeepMLPClassifier((6,), n_ensemble=2, random_state=0)
    for part in np.array_split(np.arange(len(X)), 3):
        clf.partial_fit(X[part], y[part], classes=[0, 1, 2])
    assert clf.ensemble_input_scales_[0].shape == (2, X.shape[1])
    warm = fitted(X, y, warm_start=True)
    with pytest.raises(ValueError, match="n_ensemble=2 does not match"):
        warm.set_params(n_ensemble=2).fit(X, y)
    warm.set_params(n_ensemble=1, warm_start=False).fit(X, y)
    assert "ensemble_input_scales_" not in vars(warm)


def test_batch_norm_is_refused(data):
    X, y = data
    with pytest.raises(ValueError, match="batch_norm cannot be combined with n_e"):
        fitted(X, y, batch_norm=True)


def test_early_stopping_keeps_the_best_epochs_members(data):
    X, y = data
    clf = fitted(X, y, early_stopping=True, max_iter=30, tol=0.0)
    best = int(np.argmax(clf.validation_scores_)) + 1
    shorter = fitted(
        X, y, early_stopping=True, max_iter=best, n_iter_no_change=1000, tol=0.0
    )
    for a, b in zip(clf.ensemble_output_scales_, shorter.ensemble_output_scales_):
        np.testing.assert_array_equal(a, b)
    snapshot = clf._reconstruction_attributes()  # a callback's copy
    clf.ensemble_intercepts_[0] += 1.0
    assert not np.array_equal(
        snapshot["ensemble_intercepts_"][0], clf.ensemble_intercepts_[0]
    )


def test_sparse_input_gives_the_dense_model(data):
    from scipy import sparse

    X, y = data
    X = np.where(X > 0.3, X, 0.0)
    dense, sparse_ = fitted(X, y), fitted(sparse.csr_matrix(X), y)
    for a, b in zip(dense.ensemble_input_scales_, sparse_.ensemble_input_scales_):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        sparse_.predict_proba(sparse.csr_matrix(X)), dense.predict_proba(X), atol=1e-9
    )
    assert check_gradients(sparse_, sparse.csr_matrix(X[:20]), y[:20]) < 1e-5
