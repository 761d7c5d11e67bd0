"""The table of rules that combine parameters (_rules): each is reached by a
fit (or by looking up partial_fit) and gives its own message."""

import numpy as np
import pytest

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor
from sk_deepmlp._estimator import _rules

#: One case per rule of the table, in its order: parameters, how to reach it
#: ("fit" or "partial_fit"), and the start of the message; a regressor's
#: parameters are marked by ``loss``.
CASES = [
    (dict(solver="lbfgs", dropout=0.2), "fit", "dropout is not supported"),
    (dict(hidden_layer_sizes=(4, 1), layer_norm=True), "fit", "layer_norm cannot"),
    (dict(batch_norm=True, layer_norm=True), "fit", "Hidden layer 0 has both"),
    (dict(batch_norm=True, n_ensemble=2), "fit", "batch_norm cannot be combined"),
    (dict(solver="lbfgs", weight_decay=0.1), "fit", "weight_decay is a step"),
    (dict(solver="lbfgs", max_grad_norm=1.0), "fit", "max_grad_norm is a step"),
    (dict(solver="sgd", learning_rate="adaptive", warmup_epochs=2), "fit", "warmup"),
    (dict(learning_rate="exponential", lr_decay=1.5), "fit", "lr_decay=1.5 would"),
    (dict(loss="quantile"), "fit", "loss='quantile' needs the quantile"),
    (dict(hidden_layer_sizes=(10**6, 10**6)), "fit", "hidden_layer_sizes gives"),
    (dict(batch_norm=True, batch_size=1), "fit", "batch_norm needs batches"),
    (dict(solver="lbfgs"), "partial_fit", "partial_fit is only available"),
    (dict(early_stopping=True), "partial_fit", "partial_fit does not support"),
    (dict(class_weight="balanced"), "partial_fit", "partial_fit is not available"),
]


def test_every_rule_has_a_case():
    assert len(CASES) == len(_rules.RULES)


@pytest.mark.parametrize("index", range(len(CASES)))
def test_each_rule_refuses_with_its_message(binary_data, index):
    X, y = binary_data
    params, how, start = CASES[index]
    estimator = DeepMLPRegressor if "loss" in params else DeepMLPClassifier
    clf = estimator(max_iter=2, **params)
    rule = _rules.RULES[index]
    with pytest.raises(rule.error) as raised:
        if how == "fit":
            clf.fit(X, y)
        else:
            clf.partial_fit(X, y, classes=np.unique(y))
    assert str(raised.value).startswith(start)
    if how == "partial_fit":
        assert not hasattr(clf, "partial_fit")
    expected = ("partial_fit",) if how == "partial_fit" else ("parameters", "data")
    assert rule.moment in expected


def test_the_first_refusal_of_a_moment_wins(binary_data):
    """lbfgs with dropout and weight decay: dropout's rule comes first."""
    X, y = binary_data
    clf = DeepMLPClassifier(solver="lbfgs", dropout=0.2, weight_decay=0.1)
    with pytest.raises(ValueError, match="^dropout is not supported"):
        clf.fit(X, y)
