"""What DeepMLPClassifier adds to MLPClassifier: init schemes, dropout,
class_weight, RMSprop, decision_function, the validation loss, check_gradients."""

import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import balanced_accuracy_score, log_loss, recall_score
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from sk_deepmlp import DeepMLPClassifier, check_gradients
from sk_deepmlp._estimator._class_weights import _balanced_weights
from sk_deepmlp._network._activations import ACTIVATIONS
from sk_deepmlp._network._network import _views

FAST = dict(hidden_layer_sizes=(10,), max_iter=30, random_state=0)


def quiet_fit(clf, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(*args, **kwargs)


def _hidden_outputs(clf, X):
    """Each hidden layer's output, by hand from coefs_ (relu)."""
    outputs, A = [], X
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        A = np.maximum(A @ W + b, 0)
        outputs.append(A)
    return outputs


# ------------------------------------------------------------ weight_init
def test_default_init_is_mlpclassifiers(multiclass_data):
    X, y = multiclass_data
    a = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    b = quiet_fit(DeepMLPClassifier(weight_init="glorot_uniform", **FAST), X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])


@pytest.mark.parametrize(
    "scheme, expected_std",
    [
        ("he_normal", lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
        ("he_uniform", lambda fan_in, fan_out: np.sqrt(2 / fan_in)),
        ("glorot_normal", lambda fan_in, fan_out: np.sqrt(2 / (fan_in + fan_out))),
        ("small_random", lambda fan_in, fan_out: 0.01),
        ("lecun_normal", lambda fan_in, fan_out: np.sqrt(1 / fan_in)),
    ],
)
def test_init_schemes_draw_the_documented_scale(scheme, expected_std):
    X = np.random.RandomState(0).randn(4, 300)
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(200,), weight_init=scheme, random_state=0
    ).partial_fit(X, [0, 1, 0, 1], classes=[0, 1])
    # one partial_fit step moves the weights by about learning_rate_init
    W = clf.coefs_[0]
    assert W.std() == pytest.approx(expected_std(300, 200), rel=0.05)
    assert np.abs(clf.intercepts_[0]).max() < 0.01  # zero biases, one step on


@pytest.mark.parametrize(
    "weight_init, expected",
    [
        (["he_normal", "small_random"], ["he_normal", "small_random", "small_random"]),
        (
            ["he_normal", "lecun_normal", "small_random"],
            ["he_normal", "lecun_normal", "small_random"],
        ),
    ],
)
def test_weight_init_per_layer(weight_init, expected):
    """One scheme per hidden layer (the output layer takes the last), or one
    per weight matrix: each matrix is drawn with its own scheme's scale."""
    X = np.random.RandomState(0).randn(4, 300)
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(200, 100),
        weight_init=weight_init,
        learning_rate_init=1e-12,
        random_state=0,
    ).partial_fit(X, [0, 1, 0, 1], classes=[0, 1])
    scales = {
        "he_normal": lambda n_in, n_out: np.sqrt(2 / n_in),
        "lecun_normal": lambda n_in, n_out: np.sqrt(1 / n_in),
        "small_random": lambda n_in, n_out: 0.01,
    }
    for W, scheme in zip(clf.coefs_, expected):
        std = scales[scheme](*W.shape)
        tolerance = 0.25 if W.size < 1000 else 0.05  # the output has 100 weights
        assert W.std() == pytest.approx(std, rel=tolerance), scheme


@pytest.mark.parametrize(
    "weight_init, message",
    [
        (["he_normal"] * 4, "weight_init has 4 entries"),
        (["he_normal", "xavier"], r"Unknown weight_init scheme\(s\) \['xavier'\]"),
        ({"he_normal": 1}, "'weight_init' parameter"),
    ],
)
def test_weight_init_per_layer_errors(multiclass_data, weight_init, message):
    X, y = multiclass_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(5, 5), weight_init=weight_init)
    with pytest.raises((ValueError, TypeError), match=message):
        clf.fit(X, y)


def test_selu_with_lecun_normal_keeps_deep_activations_normalised():
    """SELU's promise: with LeCun-normal weights, zero biases and standard
    inputs, each layer's outputs stay near mean 0 and variance 1."""
    X = np.random.RandomState(0).randn(2000, 100)
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(100,) * 8,
        activation="selu",
        weight_init="lecun_normal",
        learning_rate_init=1e-12,
        random_state=0,
    ).partial_fit(X, np.arange(2000) % 2, classes=[0, 1])
    A = X
    for W, b in zip(clf.coefs_[:-1], clf.intercepts_[:-1]):
        A = ACTIVATIONS["selu"](A @ W + b)
    assert abs(A.mean()) < 0.15
    assert 0.7 < A.var() < 1.3


def test_small_random_signal_vanishes_in_deep_networks_he_normal_keeps_it():
    X = np.random.RandomState(0).randn(50, 100)
    y = np.arange(50) % 2
    stds = {}
    for scheme in ("small_random", "he_normal"):
        clf = DeepMLPClassifier(
            hidden_layer_sizes=(100,) * 6,
            weight_init=scheme,
            learning_rate_init=1e-9,
            random_state=0,
        ).partial_fit(X, y, classes=[0, 1])
        stds[scheme] = [A.std() for A in _hidden_outputs(clf, X)]
    assert stds["small_random"][-1] < 1e-5 * stds["small_random"][0]
    assert 0.2 < stds["he_normal"][-1] / stds["he_normal"][0] < 5


def test_unknown_init():
    X, y = np.zeros((4, 2)), [0, 1, 0, 1]
    with pytest.raises(InvalidParameterError, match="weight_init"):
        DeepMLPClassifier(weight_init="zeros").fit(X, y)


# ----------------------------------------------------------------- dropout
def test_dropout_zero_is_bit_identical_to_no_dropout(multiclass_data):
    X, y = multiclass_data
    plain = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    zero = quiet_fit(DeepMLPClassifier(dropout=0.0, **FAST), X, y)
    zeros = quiet_fit(
        DeepMLPClassifier(**dict(FAST, hidden_layer_sizes=(10, 5))).set_params(
            dropout=[0.0, 0.0]
        ),
        X,
        y,
    )
    np.testing.assert_array_equal(plain.coefs_[0], zero.coefs_[0])
    assert plain.loss_curve_ == zero.loss_curve_
    assert zeros.n_iter_ == FAST["max_iter"]


def test_dropout_changes_training_but_never_prediction(multiclass_data):
    X, y = multiclass_data
    plain = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    dropped = quiet_fit(DeepMLPClassifier(dropout=0.5, **FAST), X, y)
    assert not np.allclose(plain.coefs_[0], dropped.coefs_[0])
    # predict* use every unit, unscaled: the plain forward pass of coefs_
    proba = dropped.predict_proba(X)
    np.testing.assert_array_equal(proba, dropped.predict_proba(X))
    (hidden,) = _hidden_outputs(dropped, X)
    logits = hidden @ dropped.coefs_[1] + dropped.intercepts_[1]
    np.testing.assert_allclose(dropped.decision_function(X), logits)
    np.testing.assert_allclose(proba, softmax(logits, axis=1))


def test_dropout_is_reproducible(multiclass_data):
    X, y = multiclass_data
    a = quiet_fit(DeepMLPClassifier(dropout=[0.3], **FAST), X, y)
    b = quiet_fit(DeepMLPClassifier(dropout=[0.3], **FAST), X, y)
    c = quiet_fit(DeepMLPClassifier(dropout=[0.3], **dict(FAST, random_state=1)), X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.allclose(a.coefs_[0], c.coefs_[0])


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop"])
def test_dropout_with_every_stochastic_solver_still_learns(multiclass_data, solver):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(32,),
        solver=solver,
        dropout=0.2,
        learning_rate_init=0.01,
        max_iter=60,
        random_state=0,
    )
    quiet_fit(clf, X, y)
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.score(X, y) > 0.8


def test_early_stopping_scores_without_dropout(multiclass_data, validation_record):
    X, y = multiclass_data
    clf = DeepMLPClassifier(dropout=0.5, early_stopping=True, **dict(FAST, max_iter=5))
    quiet_fit(clf, X, y)
    last = validation_record[-1]
    # predict's path, which never drops units, at the last epoch's parameters
    clf.coefs_, clf.intercepts_, _, _ = _views(last["params"], [8, 10, 3], [False])
    logits = clf.decision_function(last["X_val"])
    y_val = last["Y_val"].argmax(axis=1)
    assert clf.validation_scores_[-1] == np.mean(logits.argmax(axis=1) == y_val)
    # the validation loss: the log loss of the same un-dropped network
    assert clf.validation_loss_curve_[-1] == pytest.approx(
        log_loss(y_val, softmax(logits, axis=1), labels=[0, 1, 2]), rel=1e-9
    )


@pytest.mark.parametrize(
    "dropout, error, match",
    [
        (1.0, InvalidParameterError, "dropout"),
        (-0.1, InvalidParameterError, "dropout"),
        ([0.2, 0.2], ValueError, "dropout has 2 entries but hidden_layer_sizes has 1"),
        ([1.0], ValueError, r"dropout rates must be floats in \[0, 1\)"),
        (["high"], ValueError, r"dropout rates must be floats in \[0, 1\)"),
    ],
)
def test_bad_dropout(binary_data, dropout, error, match):
    X, y = binary_data
    with pytest.raises(error, match=match):
        DeepMLPClassifier(dropout=dropout, **FAST).fit(X, y)


def test_dropout_refused_by_lbfgs(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="dropout is not supported by solver='lbfgs'"):
        DeepMLPClassifier(solver="lbfgs", dropout=0.2).fit(X, y)
    # dropout=0 with lbfgs is fine
    quiet_fit(DeepMLPClassifier(solver="lbfgs", dropout=0.0, **FAST), X, y)


# ------------------------------------------------------------ class_weight
def test_class_weight_dict_equals_sample_weight(multiclass_data):
    X, y = multiclass_data
    params = dict(FAST, solver="lbfgs", max_iter=40)
    by_class = quiet_fit(
        DeepMLPClassifier(class_weight={0: 3.0, 2: 0.5}, **params), X, y
    )
    sw = np.choose(y, [3.0, 1.0, 0.5])
    by_sample = quiet_fit(DeepMLPClassifier(**params), X, y, sample_weight=sw)
    for a, b in zip(by_class.coefs_, by_sample.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_class_weight_combines_with_sample_weight(multiclass_data):
    X, y = multiclass_data
    sw = np.random.RandomState(0).uniform(0.5, 2, len(y))
    params = dict(FAST, solver="lbfgs", max_iter=40)
    both = quiet_fit(
        DeepMLPClassifier(class_weight={1: 4.0}, **params), X, y, sample_weight=sw
    )
    product = quiet_fit(
        DeepMLPClassifier(**params), X, y, sample_weight=sw * np.where(y == 1, 4, 1)
    )
    np.testing.assert_allclose(both.coefs_[0], product.coefs_[0], rtol=1e-10)


@pytest.mark.parametrize("seed", range(4))
def test_balanced_raises_balanced_accuracy_on_imbalanced_data(seed):
    """'balanced' weighs the rare class up: its recall and the balanced accuracy
    of the fit rise, on every one of several data sets."""
    X, y = make_classification(
        n_samples=600,
        n_features=6,
        n_informative=3,
        weights=[0.92, 0.08],
        flip_y=0.05,
        class_sep=0.6,
        random_state=seed,
    )
    params = dict(
        hidden_layer_sizes=(16,), solver="lbfgs", max_iter=200, random_state=0
    )
    plain = quiet_fit(DeepMLPClassifier(**params), X, y).predict(X)
    balanced = quiet_fit(DeepMLPClassifier(class_weight="balanced", **params), X, y)
    balanced = balanced.predict(X)
    gain = balanced_accuracy_score(y, balanced) - balanced_accuracy_score(y, plain)
    assert gain > 0.04
    assert recall_score(y, balanced) > recall_score(y, plain) + 0.15


@pytest.mark.parametrize("weighted", [False, True])
def test_balanced_weights_match_scikit_learn(multiclass_data, weighted):
    X, y = multiclass_data
    y = y[:130]  # uneven classes
    sw = np.random.RandomState(0).uniform(0.5, 2, len(y)) if weighted else None
    Y = np.eye(3)[y]
    per_class = compute_class_weight("balanced", classes=np.arange(3), y=y)
    if weighted:  # weighted class totals, by hand
        totals = np.bincount(y, weights=sw)
        per_class = sw.sum() / (3 * totals)
    np.testing.assert_allclose(_balanced_weights(Y, sw, False), per_class[y])


def test_balanced_multilabel_is_the_product_over_outputs(multilabel_data):
    _, Y = multilabel_data
    np.testing.assert_allclose(
        _balanced_weights(Y.astype(float), None, True),
        compute_sample_weight("balanced", Y),
    )


def test_class_weight_errors(multiclass_data, multilabel_data):
    X, y = multiclass_data
    with pytest.raises(ValueError, match=r"classes \[7\] that are not among"):
        DeepMLPClassifier(class_weight={7: 2.0}, **FAST).fit(X, y)
    with pytest.raises(InvalidParameterError, match="class_weight"):
        DeepMLPClassifier(class_weight="auto").fit(X, y)
    X_ml, Y_ml = multilabel_data
    with pytest.raises(ValueError, match="dict is not supported for multilabel"):
        DeepMLPClassifier(class_weight={0: 2.0}, **FAST).fit(X_ml, Y_ml)
    # 'balanced' has a meaning for multilabel targets: it fits
    quiet_fit(DeepMLPClassifier(class_weight="balanced", **FAST), X_ml, Y_ml)


def test_partial_fit_refuses_balanced_but_takes_a_dict(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(class_weight="balanced")
    assert not hasattr(clf, "partial_fit")
    with pytest.raises(AttributeError) as excinfo:
        clf.partial_fit(X, y, classes=[0, 1, 2])
    # the error itself says why and what to do
    assert "compute_class_weight" in str(excinfo.value)
    by_class = DeepMLPClassifier(class_weight={0: 3.0}, **FAST)
    by_sample = DeepMLPClassifier(**FAST)
    by_class.partial_fit(X, y, classes=[0, 1, 2])
    by_sample.partial_fit(X, y, classes=[0, 1, 2], sample_weight=np.where(y == 0, 3, 1))
    np.testing.assert_allclose(by_class.coefs_[0], by_sample.coefs_[0], rtol=1e-12)


# ----------------------------------------------------------------- rmsprop
def test_rmsprop_learns_and_supports_partial_fit(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(16,),
        solver="rmsprop",
        beta_2=0.9,
        learning_rate_init=0.01,
        random_state=0,
    )
    losses = [clf.partial_fit(X, y, classes=[0, 1, 2]).loss_]
    for _ in range(30):
        losses.append(clf.partial_fit(X, y).loss_)
    assert losses[-1] < 0.5 * losses[0]
    assert type(clf._optimizer).__name__ == "RMSpropOptimizer"
    assert clf._optimizer.rho == 0.9


# -------------------------------------------------------- decision_function
def test_decision_function_shapes_and_link(
    binary_data, multiclass_data, multilabel_data
):
    X, y = binary_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    z = clf.decision_function(X)
    assert z.shape == (len(X),)
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], expit(z))
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[(z > 0).astype(int)])

    X, y = multiclass_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, y)
    z = clf.decision_function(X)
    assert z.shape == (len(X), 3)
    np.testing.assert_allclose(clf.predict_proba(X), softmax(z, axis=1))

    X, Y = multilabel_data
    clf = quiet_fit(DeepMLPClassifier(**FAST), X, Y)
    z = clf.decision_function(X)
    assert z.shape == Y.shape
    np.testing.assert_allclose(clf.predict_proba(X), expit(z))


# ------------------------------------------------------ validation loss curve
def test_validation_loss_curve(multiclass_data):
    X, y = multiclass_data
    clf = quiet_fit(DeepMLPClassifier(early_stopping=True, **FAST), X, y)
    assert len(clf.validation_loss_curve_) == len(clf.validation_scores_) > 1
    assert all(np.isfinite(clf.validation_loss_curve_))
    assert clf.validation_loss_curve_[-1] < clf.validation_loss_curve_[0]
    assert quiet_fit(DeepMLPClassifier(**FAST), X, y).validation_loss_curve_ is None


# ---------------------------------------------------------- check_gradients
@pytest.mark.parametrize("target", ["binary", "multiclass", "multilabel"])
def test_check_gradients_on_mixed_activations_with_weights(
    binary_data, multiclass_data, multilabel_data, target
):
    X, y = {"binary": binary_data, "multiclass": multiclass_data}.get(
        target, multilabel_data
    )
    X, y = X[:15], y[:15]
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(5, 4, 3),
        activation=["leaky_relu", "tanh", "logistic"],
        alpha=0.5,
        class_weight="balanced",
        dropout=0.3,
        max_iter=2,
        random_state=0,
    )
    quiet_fit(clf, X, y)
    sw = np.random.RandomState(0).uniform(0.2, 3, len(y))
    assert check_gradients(clf, X, y) < 1e-7
    assert check_gradients(clf, X, y, sample_weight=sw) < 1e-7


def test_check_gradients_with_class_weight_dict_and_float32(multiclass_data):
    X, y = multiclass_data
    X, y = X[:15].astype(np.float32), y[:15]
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(4,), class_weight={0: 5.0}, random_state=0
    ).partial_fit(X, y, classes=[0, 1, 2])
    assert clf.coefs_[0].dtype == np.float32
    assert check_gradients(clf, X, y) < 1e-7


def test_check_gradients_catches_a_wrong_backward_pass(multiclass_data, monkeypatch):
    from sk_deepmlp._network import _activations

    X, y = multiclass_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(4,), activation="logistic")
    clf.partial_fit(X[:10], y[:10], classes=[0, 1, 2])
    monkeypatch.setitem(_activations.DERIVATIVES, "logistic", lambda A, dA: dA)
    assert check_gradients(clf, X[:10], y[:10]) > 1e-3


def test_check_gradients_needs_a_fitted_estimator(multiclass_data):
    X, y = multiclass_data
    with pytest.raises(NotFittedError):
        check_gradients(DeepMLPClassifier(), X, y)


def test_partial_fit_draws_new_masks_each_call_yet_is_reproducible(
    multiclass_data, monkeypatch
):
    from sk_deepmlp._network._network import Network

    X, y = multiclass_data
    drawn = []
    original = Network.draw_masks

    def spy(self, m, random_state):
        masks = original(self, m, random_state)
        drawn.append(masks[0].copy())
        return masks

    monkeypatch.setattr(Network, "draw_masks", spy)
    params = dict(
        hidden_layer_sizes=(10,), dropout=0.5, batch_size=len(X), random_state=0
    )
    first, second = DeepMLPClassifier(**params), DeepMLPClassifier(**params)
    for clf in (first, second):
        for _ in range(3):
            clf.partial_fit(X, y, classes=[0, 1, 2])
    # one full batch per call: three calls draw three different masks
    assert not np.array_equal(drawn[0], drawn[1])
    assert not np.array_equal(drawn[1], drawn[2])
    # and the same sequence of calls from the same seed gives the same model
    np.testing.assert_array_equal(drawn[:3], drawn[3:])
    np.testing.assert_array_equal(first.coefs_[0], second.coefs_[0])
