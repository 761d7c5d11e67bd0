"""The training loops take the network, the resolved configuration, the data,
the previous fit's record and a few hooks, and return the record they found:
they run without an estimator, and the estimator applies what they return in
one step (issue 32)."""

import warnings

import numpy as np
import pytest

from sk_deepmlp import DeepMLPRegressor
from sk_deepmlp._network._initializers import INITIALIZERS
from sk_deepmlp._network._losses import OUTPUT_LOSSES
from sk_deepmlp._network._network import Network
from sk_deepmlp._training._epochs import TrainingConfig
from sk_deepmlp._training._loops import LoopHooks, fit_lbfgs, fit_stochastic
from sk_deepmlp._training._optimizers import AdamOptimizer
from sk_deepmlp._training._state import TrainingRecord, apply_record
from sk_deepmlp._training._stopping import StoppingRecord

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _unused(*args):
    raise AssertionError("the loop called a hook it had no need of")


# no early stopping and no explosion: the loops need no hook but the snapshot
HOOKS = LoopHooks(
    logits=_unused, score=_unused, constant_score=_unused, snapshot=_unused
)


def _problem(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(60, 4)
    Y = (X @ rng.randn(4, 1)) + 0.1 * rng.randn(60, 1)
    net = Network([4, 8, 1], ["tanh"], "identity", np.float64)
    for W, b, n_in, n_out in zip(net.coefs, net.intercepts, [4, 8], [8, 1]):
        W[...], b[...] = INITIALIZERS["glorot_uniform"](n_in, n_out, "tanh", rng)
    return X, Y, net


def _config(**changes):
    settings = dict(
        max_iter=6,
        batch_rows=20,
        min_batch_rows=0,
        shuffle=True,
        alpha=1e-4,
        max_grad_norm=None,
        weight_decay=0.0,
        early_stopping=False,
        incremental=False,
        show_bar=False,
        solver="adam",
        tol=1e-9,
        n_iter_no_change=10,
        monitor="score",
        loss=OUTPUT_LOSSES["identity"],
        max_fun=15000,
        verbose=False,
    )
    return TrainingConfig(**{**settings, **changes})


def _previous_state():
    """A fresh fit's record, as an estimator holds it."""
    return dict(
        n_iter_=0,
        t_=0,
        best_loss_=np.inf,
        loss_curve_=[],
        validation_scores_=None,
        validation_loss_curve_=None,
        best_validation_score_=None,
        best_validation_loss_=None,
        _stopping=StoppingRecord(),
    )


def test_the_stochastic_loop_runs_without_an_estimator_and_returns_its_record():
    X, Y, net = _problem()
    state = _previous_state()
    record = TrainingRecord.take(state)
    record._optimizer = AdamOptimizer([net.params], 0.01)
    start = net.params.copy()
    found = fit_stochastic(
        net,
        X,
        Y,
        None,
        config=_config(),
        record=record,
        hooks=HOOKS,
        random_state=np.random.RandomState(0),
    )
    assert found.n_iter_ == 6 and len(found.loss_curve_) == 6
    assert found.t_ == 6 * 60
    assert found.loss_ == found.loss_curve_[-1] == found.best_loss_
    assert found.loss_curve_[-1] < found.loss_curve_[0]
    assert state["loss_curve_"] == []  # the previous record is not appended to
    assert not np.array_equal(net.params, start)


def test_the_lbfgs_loop_runs_without_an_estimator_and_returns_its_record():
    X, Y, net = _problem()
    record = TrainingRecord.take(_previous_state())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = fit_lbfgs(
            net, X, Y, None, config=_config(solver="lbfgs"), record=record, hooks=HOOKS
        )
    assert 1 <= found.n_iter_ <= 6
    assert found.loss_ == found.best_loss_ <= min(found.loss_curve_)
    assert len(found.loss_curve_) == found.n_iter_


def test_a_record_continues_the_previous_one():
    X, Y, net = _problem()
    state = _previous_state()
    config = _config(max_iter=3)
    for _ in range(2):  # a warm start: the second call continues the first
        record = TrainingRecord.take(state)
        record._optimizer = state.get("_optimizer") or AdamOptimizer([net.params], 0.01)
        found = fit_stochastic(
            net,
            X,
            Y,
            None,
            config=config,
            record=record,
            hooks=HOOKS,
            random_state=np.random.RandomState(0),
        )
        state.update(vars(found))
    assert len(state["loss_curve_"]) == 6 and state["n_iter_"] == 3
    assert state["t_"] == 6 * 60


def test_applying_a_record_replaces_the_whole_record_in_one_step():
    est = DeepMLPRegressor()
    vars(est).update(_previous_state(), _optimizer="old", coefs_=["kept"])
    record = TrainingRecord.take(vars(est))
    record.loss_curve_.append(1.0)
    del record._optimizer  # as after a Ctrl-C mid-epoch
    apply_record(est, record)
    assert est.loss_curve_ == [1.0] and not hasattr(est, "_optimizer")
    assert est.coefs_ == ["kept"]  # what is not the record's stays


def test_the_estimator_keeps_its_record_until_the_loop_returns(monkeypatch):
    """The loop appends to its own copy of the curves; the estimator's change
    only when the record is applied, after the last epoch."""
    X, Y, _ = _problem()
    est = DeepMLPRegressor(hidden_layer_sizes=(8,), max_iter=3, random_state=0)
    est.fit(X, Y.ravel())
    seen = []
    original = Network.loss_grad

    def loss_grad(self, *args, **kwargs):
        seen.append(len(est.loss_curve_))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Network, "loss_grad", loss_grad)
    est.set_params(warm_start=True).fit(X, Y.ravel())
    assert seen and set(seen) == {3}
    assert len(est.loss_curve_) == 6
