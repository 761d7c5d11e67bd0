"""Decoupled weight decay, gradient-norm clipping, early stopping on the loss."""

import numpy as np
import pytest

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._network._network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def one_step_settings(n_samples):
    """Plain SGD (step 0.1, no momentum) with the whole data as one batch:
    one partial_fit is one step, ``theta - 0.1 * grad``."""
    return dict(
        hidden_layer_sizes=(5,),
        solver="sgd",
        momentum=0.0,
        learning_rate_init=0.1,
        batch_size=n_samples,
        shuffle=False,
        random_state=0,
    )


def one_sgd_step(X, y, **params):
    """A fresh classifier, its initial parameters and gradient, and the
    parameters after one plain SGD step over the whole batch."""
    settings = one_step_settings(len(y))
    clf = DeepMLPClassifier(**settings, **params)
    start = DeepMLPClassifier(**dict(settings, learning_rate_init=1e-300))
    start.partial_fit(X, y, classes=[0, 1])  # a step of ~0: the initial weights
    net = Network([X.shape[1], 5, 1], ["relu"], "logistic", np.float64)
    net.load(start.coefs_, start.intercepts_)
    theta = net.params.copy()
    net.loss_grad(X, y[:, None].astype(float), None, clf.alpha)
    clf.partial_fit(X, y, classes=[0, 1])
    after = np.concatenate([a.ravel() for a in clf.coefs_ + clf.intercepts_])
    return theta, net.grad.copy(), after, net.n_coefs


def test_weight_decay_shrinks_the_weights_and_not_the_biases(binary_data):
    X, y = binary_data
    theta, grad, after, n_coefs = one_sgd_step(X, y, weight_decay=0.2)
    expected = theta - 0.1 * grad
    expected[:n_coefs] *= 1 - 0.1 * 0.2  # eta * weight_decay, weights only
    np.testing.assert_allclose(after, expected, rtol=1e-12)


def test_weight_decay_scales_with_adams_base_rate(binary_data):
    X, y = binary_data
    params = dict(hidden_layer_sizes=(5,), random_state=0, learning_rate_init=0.01)
    plain = DeepMLPClassifier(**params).partial_fit(X, y, classes=[0, 1])
    decayed = DeepMLPClassifier(**params, weight_decay=0.5)
    decayed.partial_fit(X, y, classes=[0, 1])
    # one batch of 120 samples: one Adam step, then W *= 1 - 0.01 * 0.5
    np.testing.assert_allclose(decayed.coefs_[0], plain.coefs_[0] * (1 - 0.005))
    np.testing.assert_array_equal(decayed.intercepts_[0], plain.intercepts_[0])


def test_gradient_norm_clipping_caps_the_step(binary_data):
    X, y = binary_data
    theta, grad, after, _ = one_sgd_step(X, y, max_grad_norm=0.05)
    norm = np.linalg.norm(grad)
    assert norm > 0.05  # so that the clipping matters
    np.testing.assert_allclose(after, theta - 0.1 * grad * 0.05 / norm, rtol=1e-12)
    _, _, unclipped, _ = one_sgd_step(X, y, max_grad_norm=1e6)
    np.testing.assert_allclose(unclipped, theta - 0.1 * grad, rtol=1e-12)


@pytest.mark.parametrize("params", [dict(weight_decay=1e-3), dict(max_grad_norm=0.01)])
def test_they_change_training_when_set(binary_data, params):
    X, y = binary_data
    base = dict(hidden_layer_sizes=(8,), max_iter=30, random_state=0)
    off = DeepMLPClassifier(**base).fit(X, y)
    on = DeepMLPClassifier(**base, **params).fit(X, y)
    assert not np.allclose(off.coefs_[0], on.coefs_[0])


@pytest.mark.parametrize("params", [dict(weight_decay=0.1), dict(max_grad_norm=1.0)])
def test_lbfgs_refuses_them_with_a_clear_error(binary_data, params):
    X, y = binary_data
    clf = DeepMLPClassifier(solver="lbfgs", **params)
    with pytest.raises(ValueError, match=f"{next(iter(params))} is a step of"):
        clf.fit(X, y)


@pytest.mark.parametrize("cls", [DeepMLPClassifier, DeepMLPRegressor])
def test_early_stopping_on_the_loss_restores_its_best_epoch(
    multiclass_data, validation_record, cls
):
    X, y = multiclass_data
    model = cls(
        hidden_layer_sizes=(20,),
        early_stopping=True,
        early_stopping_monitor="loss",
        n_iter_no_change=3,
        learning_rate_init=0.05,
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    losses = model.validation_loss_curve_
    best = int(np.argmin(losses))
    assert model.best_validation_loss_ == losses[best]
    assert model.best_validation_score_ == max(model.validation_scores_)
    # stopped n_iter_no_change + 1 epochs after the last improvement by tol
    assert model.n_iter_ < 200 and model.n_iter_ - 1 - best >= 3
    final = np.concatenate([a.ravel() for a in model.coefs_ + model.intercepts_])
    np.testing.assert_array_equal(final, validation_record[best]["params"])


def test_early_stopping_on_the_loss_differs_from_the_score(multiclass_data):
    X, y = multiclass_data
    params = dict(
        hidden_layer_sizes=(20,),
        early_stopping=True,
        n_iter_no_change=3,
        learning_rate_init=0.01,
        random_state=0,
    )
    on_score = DeepMLPClassifier(**params).fit(X, y)
    on_loss = DeepMLPClassifier(**params, early_stopping_monitor="loss").fit(X, y)
    # the accuracy plateaus in steps long before the loss stops falling
    assert on_score.n_iter_ < on_loss.n_iter_


# ------------------------------------------------------------ label smoothing
@pytest.mark.parametrize(
    "target, k", [("binary", 2), ("multiclass", 3), ("multilabel", 2)]
)
def test_label_smoothing_trains_on_the_smoothed_targets(
    binary_data, multiclass_data, multilabel_data, target, k
):
    X, y = {
        "binary": binary_data,
        "multiclass": multiclass_data,
        "multilabel": multilabel_data,
    }[target]
    settings = one_step_settings(len(y))
    start = DeepMLPClassifier(**dict(settings, learning_rate_init=1e-300))
    start.partial_fit(X, y, classes=None if target == "multilabel" else np.unique(y))
    Y = start._label_binarizer.transform(y).astype(float)
    smoothed = Y * 0.8 + 0.2 / k
    net = Network(
        [X.shape[1], 5, Y.shape[1]],
        ["relu"],
        start.out_activation_,
        np.float64,
        exact_loss=True,
    )
    net.load(start.coefs_, start.intercepts_)
    theta = net.params.copy()
    expected_loss = net.loss_grad(X, smoothed, None, start.alpha)
    clf = DeepMLPClassifier(**settings, label_smoothing=0.2)
    clf.partial_fit(X, y, classes=None if target == "multilabel" else np.unique(y))
    after = np.concatenate([a.ravel() for a in clf.coefs_ + clf.intercepts_])
    np.testing.assert_allclose(after, theta - 0.1 * net.grad, rtol=1e-12)
    assert clf.loss_ == pytest.approx(expected_loss, rel=1e-12)


def test_smoothed_gradient_matches_finite_differences():
    from sk_deepmlp._estimator._gradient_check import network_gradient_error

    rng = np.random.RandomState(0)
    X = rng.randn(10, 4)
    Y = np.eye(3)[rng.randint(0, 3, 10)] * 0.9 + 0.1 / 3
    net = Network([4, 5, 3], ["tanh"], "softmax", np.float64, exact_loss=True)
    net.params[:] = rng.uniform(-0.5, 0.5, net.params.size)
    assert network_gradient_error(net, X, Y, None, 0.1) < 1e-7


def test_label_smoothing_changes_training_and_tempers_confidence(multiclass_data):
    X, y = multiclass_data
    params = dict(
        hidden_layer_sizes=(20,), solver="lbfgs", max_iter=300, random_state=0
    )
    sharp = DeepMLPClassifier(**params).fit(X, y)
    smooth = DeepMLPClassifier(**params, label_smoothing=0.2).fit(X, y)
    # with eps = 0.2 and 3 classes the training targets peak at 0.8667
    confidence_smooth = smooth.predict_proba(X).max(axis=1).mean()
    confidence_sharp = sharp.predict_proba(X).max(axis=1).mean()
    assert confidence_smooth < 0.9 < confidence_sharp
    assert smooth.score(X, y) > 0.8
