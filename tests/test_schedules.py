"""Learning-rate schedules: closed forms, and every solver following them."""

import math

import numpy as np
import pytest

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._training._schedules import Schedule

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_closed_forms():
    eta0 = 0.1
    warm = Schedule("constant", eta0, warmup=3)
    assert [warm.rate(e) for e in range(5)] == pytest.approx(
        [0.025, 0.05, 0.075, 0.1, 0.1]
    )
    cos = Schedule("cosine", eta0, warmup=2, floor=0.01, horizon=12)
    assert cos.rate(2) == pytest.approx(eta0)  # the schedule starts after warm-up
    assert cos.rate(7) == pytest.approx(0.01 + 0.09 * 0.5)  # halfway
    assert cos.rate(12) == pytest.approx(0.01) and cos.rate(50) == pytest.approx(0.01)
    exp = Schedule("exponential", eta0)
    assert exp.rate(10) == pytest.approx(eta0 * 0.95**10)
    inv = Schedule("inverse_time", eta0, decay=0.5)
    assert inv.rate(4) == pytest.approx(eta0 / 3)
    floored = Schedule("exponential", eta0, decay=0.5, floor=0.02)
    assert floored.rate(10) == 0.02
    plateau = Schedule("plateau", eta0)
    assert plateau.rate(9) == eta0
    assert plateau.reduce() and plateau.rate(9) == pytest.approx(0.02)
    while plateau.reduce():
        pass
    assert plateau.current < 1e-6


@pytest.mark.parametrize("solver", ["sgd", "adam", "rmsprop"])
@pytest.mark.parametrize(
    "learning_rate, extra",
    [
        ("exponential", dict(lr_decay=0.5)),
        ("inverse_time", dict(lr_decay=1.0)),
        ("cosine", dict(min_learning_rate=1e-4)),
        ("constant", dict(warmup_epochs=4)),
    ],
)
def test_every_stochastic_solver_follows_the_schedule(
    binary_data, solver, learning_rate, extra
):
    X, y = binary_data
    params = dict(
        hidden_layer_sizes=(5,),
        solver=solver,
        learning_rate=learning_rate,
        learning_rate_init=0.01,
        max_iter=6,
        tol=0,
        n_iter_no_change=100,
        random_state=0,
        **extra,
    )
    clf = DeepMLPClassifier(**params).fit(X, y)
    schedule = Schedule(
        learning_rate,
        0.01,
        warmup=extra.get("warmup_epochs", 0),
        decay=extra.get("lr_decay"),
        floor=extra.get("min_learning_rate", 0.0),
        horizon=6,
    )
    assert clf._optimizer.base_rate == pytest.approx(schedule.rate(6))
    # and partial_fit goes on with the next epoch of the schedule
    for epoch in range(7, 9):
        clf.partial_fit(X, y)
        assert clf._optimizer.base_rate == pytest.approx(schedule.rate(epoch))


def test_the_schedule_changes_the_steps_of_adam(binary_data):
    X, y = binary_data
    params = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0, tol=0)
    constant = DeepMLPClassifier(**params).fit(X, y)
    decayed = DeepMLPClassifier(**params, learning_rate="exponential").fit(X, y)
    np.testing.assert_array_equal(constant.loss_curve_[0], decayed.loss_curve_[0])
    assert constant.loss_curve_[-1] != decayed.loss_curve_[-1]


@pytest.mark.parametrize("cls", [DeepMLPClassifier, DeepMLPRegressor])
def test_plateau_lowers_the_rate_of_adam_instead_of_stopping(binary_data, cls):
    X, y = binary_data
    model = cls(
        hidden_layer_sizes=(5,),
        learning_rate="plateau",
        learning_rate_init=0.01,
        tol=10.0,  # no epoch improves by that much: every n_iter_no_change
        n_iter_no_change=2,
        max_iter=40,
        random_state=0,
    ).fit(X, y)
    # the first epoch improves on an infinite best loss; then every third
    # epoch without improvement lowers the rate, and the sixth time it falls
    # below 1e-6 (0.01 * 0.2 ** 6 = 6.4e-7) and training stops
    reductions = math.ceil(math.log(1e-6 / 0.01, 0.2))
    assert model._optimizer.schedule.current < 1e-6
    assert model.n_iter_ == 1 + 3 * reductions == 19


def test_bad_schedule_settings_get_clear_errors(binary_data):
    X, y = binary_data
    with pytest.raises(ValueError, match="warmup_epochs=3 cannot precede"):
        DeepMLPClassifier(solver="sgd", learning_rate="adaptive", warmup_epochs=3).fit(
            X, y
        )
    with pytest.raises(ValueError, match="lr_decay=1.5 would not lower"):
        DeepMLPClassifier(learning_rate="exponential", lr_decay=1.5).fit(X, y)


def test_mlpclassifiers_values_keep_their_meaning(binary_data):
    """'constant' without warm-up follows no schedule: MLPClassifier's model."""
    X, y = binary_data
    for solver in ("sgd", "adam", "rmsprop"):
        clf = DeepMLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=3)
        assert clf.fit(X, y)._optimizer.schedule is None


def test_plateau_step_is_the_one_home_of_both_plateau_rules(monkeypatch):
    from sk_deepmlp._training import _optimizers, _schedules
    from sk_deepmlp._training._schedules import plateau_step

    # MLPClassifier's 'adaptive': look first, then divide by 5
    assert plateau_step(1e-3, "adaptive") == (1e-3 / 5.0, True)
    assert plateau_step(1e-6, "adaptive") == (1e-6, False)
    # 'plateau': multiply by decay, then look (the floor included)
    assert plateau_step(0.1, "plateau", 0.2) == (0.1 * 0.2, True)
    assert plateau_step(0.1, "plateau", 0.2, floor=0.05) == (0.1 * 0.2, False)
    assert plateau_step(4e-6, "plateau", 0.2) == (4e-6 * 0.2, False)
    # both optimisers' rules go through it
    calls = []

    def spy(rate, rule, *args):
        calls.append(rule)
        return plateau_step(rate, rule, *args)

    monkeypatch.setattr(_optimizers, "plateau_step", spy)
    monkeypatch.setattr(_schedules, "plateau_step", spy)
    params = [np.zeros(3)]
    sgd = _optimizers.SGDOptimizer(params, 0.1, lr_schedule="adaptive")
    assert sgd.trigger_stopping("", verbose=False) is False
    adam = _optimizers.AdamOptimizer(params, 0.1).follow(
        _schedules.Schedule("plateau", 0.1)
    )
    assert adam.trigger_stopping("", verbose=False) is False
    assert calls == ["adaptive", "plateau"]
