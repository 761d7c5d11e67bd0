"""The regressor's robust losses: absolute error, Huber and quantile (pinball).

The loss functions and their deltas are compared with scikit-learn's in
``test_losses.py``; here, the estimator: what it predicts, how it scores and
stops, what it refuses, and how a fitted loss is kept."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import make_friedman1
from sklearn.metrics import (
    d2_absolute_error_score,
    d2_pinball_score,
    mean_absolute_error,
    mean_pinball_loss,
    r2_score,
)
from sklearn.utils._param_validation import InvalidParameterError

from sk_deepmlp import DeepMLPRegressor, check_gradients, recommended_params

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = dict(hidden_layer_sizes=(16,), max_iter=60, random_state=0)
LOSSES = {
    "absolute_error": {},
    "huber": {"huber_delta": 0.5},
    "quantile": {"quantile": 0.8},
}


@pytest.fixture(scope="module")
def friedman():
    X, y = make_friedman1(400, noise=1.0, random_state=0)
    return X, y


@pytest.fixture(scope="module")
def held_out():
    """``(X, y, X_test, y_test)``: enough rows to measure a quantile's share."""
    X, y = make_friedman1(1000, noise=1.0, random_state=0)
    X_test, y_test = make_friedman1(2000, noise=1.0, random_state=1)
    return X, y, X_test, y_test


def fit_quantile(X, y, quantile, solver="adam"):
    """A small quantile model on scaled targets, fitted to ``(X, y)``."""
    return DeepMLPRegressor(
        loss="quantile",
        quantile=quantile,
        solver=solver,
        hidden_layer_sizes=(16,),
        scale_target=True,
        max_iter=200,
        random_state=0,
    ).fit(X, y)


@pytest.mark.parametrize("quantile", [0.1, 0.5, 0.9])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_quantile_model_has_that_share_of_new_targets_below(
    held_out, quantile, solver
):
    """The pinball loss's minimiser is the quantile: on held-out rows about
    that share of targets fall at or below the predictions (a little
    nearer the middle: the fit follows its training rows' noise a little).
    L-BFGS, whose line search assumes a smooth loss, gets there too; it may
    stop early at a kink, where the objective no longer decreases."""
    X, y, X_test, y_test = held_out
    reg = fit_quantile(X, y, quantile, solver)
    below = np.mean(y_test <= reg.predict(X_test))
    assert below == pytest.approx(quantile, abs=0.07)


def test_the_robust_losses_resist_outliers_in_the_targets(friedman):
    """5 % of the training targets moved by 10 standard deviations: the
    absolute error and Huber keep a model close to the clean one, the
    squared error is pulled away (R² on clean test targets)."""
    X, y = friedman
    rng = np.random.RandomState(0)
    X_test, y_test = make_friedman1(400, noise=1.0, random_state=1)
    dirty = y.copy()
    rows = rng.choice(len(y), len(y) // 20, replace=False)
    dirty[rows] += 10 * y.std() * rng.choice([-1, 1], len(rows))
    scores = {}
    for loss, params in [("squared_error", {}), *LOSSES.items()]:
        if loss == "quantile":
            params = {"quantile": 0.5}
        reg = DeepMLPRegressor(
            loss=loss,
            **params,
            scale_target=True,
            solver="lbfgs",
            max_iter=200,
            hidden_layer_sizes=(16,),
            random_state=0,
        ).fit(X, dirty)
        scores[loss] = r2_score(y_test, reg.predict(X_test))
    for loss in LOSSES:
        assert scores[loss] > scores["squared_error"] + 0.1, scores


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_check_gradients_away_from_the_kinks(loss, n_outputs):
    """Finite differences need a smooth neighbourhood: the targets sit at
    least 1 from the predictions (0.5 for Huber's threshold), so that no
    step of 1e-6 crosses a kink."""
    rng = np.random.RandomState(0)
    X = rng.randn(15, 4)
    reg = DeepMLPRegressor(
        loss=loss,
        **LOSSES[loss],
        hidden_layer_sizes=(5, 4),
        activation="tanh",
        alpha=0.3,
    )
    reg.partial_fit(X, rng.randn(15, n_outputs) if n_outputs > 1 else rng.randn(15))
    predictions = reg.predict(X).reshape(15, n_outputs)
    # residuals of 1 to 2 on either side: below Huber's 0.5 threshold only
    # where it is the squared part's turn, well away from it
    residuals = rng.uniform(1.0, 2.0, (15, n_outputs)) * rng.choice([-1, 1], (15, 1))
    if loss == "huber":
        residuals[:5] = rng.uniform(-0.3, 0.3, (5, n_outputs))
    Y = predictions + residuals
    y = Y.ravel() if n_outputs == 1 else Y
    w = rng.uniform(0.5, 2.0, 15)
    assert check_gradients(reg, X, y, sample_weight=w) < 1e-7


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_early_stopping_scores_with_d2(friedman, loss):
    """Early stopping's score for the robust losses is the D² score of the
    absolute error (absolute, Huber) or of the pinball loss (quantile), not
    R²: recomputed here from the validation rows' predictions."""
    X, y = friedman
    reg = DeepMLPRegressor(loss=loss, **LOSSES[loss], scale_target=True, **FAST)
    reg.fit(X, y)
    logits = np.random.RandomState(0).randn(50, 1)
    Y = np.random.RandomState(1).randn(50, 1) + logits
    ours = reg._validation_score(logits, Y, None)
    if loss == "quantile":
        expected = d2_pinball_score(Y, logits, alpha=0.8)
    else:
        expected = d2_absolute_error_score(Y, logits)
    assert ours == pytest.approx(expected)
    assert ours != pytest.approx(r2_score(Y, logits))
    # and it is what the fit records: a 5 % quantile's D² is positive where
    # its R² is far below a constant's
    low = DeepMLPRegressor(
        loss="quantile",
        quantile=0.05,
        scale_target=True,
        early_stopping=True,
        learning_rate_init=0.01,
        **{**FAST, "max_iter": 100},
    ).fit(X, y)
    assert low.best_validation_score_ == max(low.validation_scores_) > 0.05
    assert r2_score(y, low.predict(X)) < 0


def test_a_weight_of_two_is_a_repeated_row(friedman):
    """The same objective either way; its sums round differently, which 60
    L-BFGS iterations carry to the sixth digit."""
    X, y = friedman
    X, y = X[:60], y[:60]
    for loss, params in LOSSES.items():
        args = dict(loss=loss, **params, solver="lbfgs", **FAST)
        weighted = DeepMLPRegressor(**args).fit(
            X, y, sample_weight=np.r_[np.full(30, 2.0), np.ones(30)]
        )
        repeated = DeepMLPRegressor(**args).fit(np.r_[X[:30], X], np.r_[y[:30], y])
        np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-5)


def test_the_loss_value_is_the_metric(friedman):
    """``loss_`` is the mean loss plus the L2 penalty: with ``alpha=0`` the
    metric of scikit-learn (absolute error and pinball not halved)."""
    X, y = friedman
    for loss, metric in [
        ("absolute_error", mean_absolute_error),
        ("quantile", lambda y, p: mean_pinball_loss(y, p, alpha=0.8)),
    ]:
        reg = DeepMLPRegressor(
            loss=loss, **LOSSES[loss], alpha=0.0, solver="lbfgs", **FAST
        ).fit(X, y)
        # L-BFGS's last evaluation is the returned point's
        assert reg.loss_ == pytest.approx(metric(y, reg.predict(X)), rel=1e-6)


def test_quantile_is_required_and_checked(friedman):
    X, y = friedman
    with pytest.raises(ValueError, match="loss='quantile' needs the quantile"):
        DeepMLPRegressor(loss="quantile", **FAST).fit(X, y)
    for bad in (0.0, 1.0, 1.5, "high"):
        with pytest.raises(InvalidParameterError, match="quantile"):
            DeepMLPRegressor(loss="quantile", quantile=bad, **FAST).fit(X, y)
    with pytest.raises(InvalidParameterError, match="huber_delta"):
        DeepMLPRegressor(loss="huber", huber_delta=0.0, **FAST).fit(X, y)


@pytest.mark.parametrize(
    "params, name",
    [
        (dict(quantile=0.3), "quantile"),
        (dict(loss="huber", quantile=0.3), "quantile"),
        (dict(huber_delta=2.0), "huber_delta"),
        (dict(loss="quantile", quantile=0.3, huber_delta=2.0), "huber_delta"),
    ],
)
def test_a_parameter_of_another_loss_warns(friedman, params, name):
    X, y = friedman
    with pytest.warns(UserWarning, match=f"{name}=.* has no effect here: .*loss="):
        DeepMLPRegressor(**FAST, **params).fit(X, y)


@pytest.mark.parametrize(
    "first, then, match",
    [
        (dict(loss="huber"), dict(huber_delta=2.0), "huber_delta=2.0 does not"),
        (
            dict(loss="quantile", quantile=0.1),
            dict(quantile=0.9),
            "quantile=0.9 does not match .* quantile=0.1",
        ),
        (dict(loss="absolute_error"), dict(loss="huber"), "loss='huber', huber"),
        (dict(), dict(loss="absolute_error"), "was trained with loss='squared_error'"),
    ],
)
@pytest.mark.parametrize("method", ["warm_start", "partial_fit"])
def test_continuing_cannot_change_the_loss_or_its_parameters(
    friedman, first, then, match, method
):
    X, y = friedman
    reg = DeepMLPRegressor(**first, **FAST).fit(X, y)
    before = reg.predict(X)
    reg.set_params(**then)
    with pytest.raises(ValueError, match=match):
        if method == "warm_start":
            reg.set_params(warm_start=True).fit(X, y)
        else:
            reg.partial_fit(X, y)
    np.testing.assert_array_equal(reg.predict(X), before)
    # a fresh fit takes the new loss, and continuing it is then allowed
    reg.set_params(warm_start=False).fit(X, y)
    reg.partial_fit(X, y)


def test_the_fitted_loss_survives_pickling(friedman):
    """A pickled model keeps its loss: it predicts the same, continues with
    the same loss, and refuses another."""
    X, y = friedman
    reg = DeepMLPRegressor(loss="quantile", quantile=0.9, **FAST).fit(X, y)
    loaded = pickle.loads(pickle.dumps(reg))
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
    loaded.partial_fit(X, y)
    with pytest.raises(ValueError, match="quantile=0.5 does not match"):
        loaded.set_params(quantile=0.5).partial_fit(X, y)


# ------------------------------------------------------ several quantiles
def test_several_quantiles_in_one_fit(held_out):
    """One network, one output per quantile: each column has about its share
    of new targets below it, the columns never cross, and ``score`` is the
    mean D² pinball score of the columns."""
    X, y, X_test, y_test = held_out
    quantiles = [0.1, 0.5, 0.9]
    reg = fit_quantile(X, y, quantiles)
    predictions = reg.predict(X_test)
    assert predictions.shape == (2000, 3) and reg.n_outputs_ == 3
    assert np.all(np.diff(predictions, axis=1) >= 0)
    for q, column in zip(quantiles, predictions.T):
        assert np.mean(y_test <= column) == pytest.approx(q, abs=0.07)
    expected = np.mean(
        [d2_pinball_score(y_test, c, alpha=q) for q, c in zip(quantiles, predictions.T)]
    )
    assert reg.score(X_test, y_test) == pytest.approx(expected)
    assert reg.score(X_test, y_test.reshape(-1, 1)) == pytest.approx(expected)
    # a list of one quantile: a single output, 1-D as any, scored as a list
    one = fit_quantile(X, y, [0.9])
    assert one.predict(X_test).shape == (2000,)
    expected = d2_pinball_score(y_test, one.predict(X_test), alpha=0.9)
    assert one.score(X_test, y_test) == pytest.approx(expected)


def test_crossing_quantiles_are_sorted(friedman):
    """Two close quantiles on little data: the outputs, trained apart,
    cross on some rows; ``predict`` sorts each row."""
    X, y = friedman
    reg = DeepMLPRegressor(
        loss="quantile", quantile=[0.45, 0.55], scale_target=True, **FAST
    ).fit(X[:100], y[:100])
    raw = reg._validated_logits(X)
    assert np.any(raw[:, 0] > raw[:, 1])  # the case this test is about
    predictions = reg.predict(X)
    assert np.all(predictions[:, 0] <= predictions[:, 1])
    np.testing.assert_allclose(
        predictions,
        np.sort(raw * reg.target_scale_ + reg.target_offset_, axis=1),
        rtol=1e-12,
    )


@pytest.mark.parametrize(
    "quantile", [[0.9, 0.1], [0.1, 0.1], [0.0, 0.5], [0.5, 1.0], [], [[0.1, 0.9]]]
)
def test_a_bad_list_of_quantiles_is_refused(friedman, quantile):
    X, y = friedman
    with pytest.raises(ValueError, match="list of increasing floats in .0, 1."):
        DeepMLPRegressor(loss="quantile", quantile=quantile, **FAST).fit(X, y)


def test_several_quantiles_need_one_target(friedman):
    X, y = friedman
    Y = np.c_[y, -y]
    with pytest.raises(ValueError, match="one output per quantile of a single target"):
        DeepMLPRegressor(loss="quantile", quantile=[0.1, 0.9], **FAST).fit(X, Y)
    reg = DeepMLPRegressor(loss="quantile", quantile=[0.1, 0.9], **FAST).fit(X, y)
    with pytest.raises(ValueError, match="2 quantiles of a single target"):
        reg.score(X, Y)
    with pytest.raises(ValueError, match=r"quantile=\[0.2, 0.9\] does not match"):
        reg.set_params(quantile=[0.2, 0.9]).partial_fit(X, y)


def test_the_recipe_takes_a_quantile_loss(held_out):
    """The recipe's early stopping watches the validation loss, which is
    then the pinball loss: its best epoch is that of the lowest pinball
    loss, and the intervals of its bounds hold about their share."""
    X, y, X_test, y_test = held_out
    params = recommended_params(X, y, task="regression")
    assert params["early_stopping_monitor"] == "loss"
    reg = DeepMLPRegressor(
        **params, loss="quantile", quantile=[0.05, 0.95], random_state=0
    ).fit(X, y)
    assert reg.best_validation_loss_ == min(reg.validation_loss_curve_)
    low, high = reg.predict(X_test).T
    assert np.mean((y_test >= low) & (y_test <= high)) == pytest.approx(0.9, abs=0.05)


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_target_scaling_is_robust_for_the_robust_losses(friedman, loss):
    """The median and the IQR / 1.349: outliers move neither (the squared
    error's standard deviation grows with them), and a weight of 2 counts
    as a repeated row."""
    X, y = friedman
    dirty = y.copy()
    dirty[:20] += 100 * y.std()
    reg = DeepMLPRegressor(loss=loss, **LOSSES[loss], scale_target=True, max_iter=1)
    reg.fit(X, dirty)
    q25, median, q75 = np.quantile(dirty, [0.25, 0.5, 0.75], method="inverted_cdf")
    assert reg.target_offset_ == pytest.approx([median])
    assert reg.target_scale_ == pytest.approx([(q75 - q25) / 1.3489795])
    assert reg.target_scale_[0] < 1.5 * y.std()
    squared = DeepMLPRegressor(scale_target=True, max_iter=1).fit(X, dirty)
    assert squared.target_scale_[0] > 10 * y.std()
    weights = np.r_[np.full(200, 2.0), np.ones(200)]
    weighted = reg.fit(X, y, sample_weight=weights).target_offset_
    repeated = reg.fit(np.r_[X[:200], X], np.r_[y[:200], y]).target_offset_
    assert weighted == pytest.approx(repeated)
