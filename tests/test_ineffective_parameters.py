"""A parameter that we added and that a fit cannot use warns, naming itself
and why; MLPClassifier's own parameters keep its silence."""

import warnings

import pytest
from sklearn.exceptions import ConvergenceWarning

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(4,), max_iter=3, random_state=0)


@pytest.mark.parametrize(
    "params, name, why",
    [
        (dict(lr_decay=0.5), "lr_decay", "learning_rate='constant' does not decay"),
        (
            dict(learning_rate="cosine", lr_decay=0.5),
            "lr_decay",
            "'cosine' does not decay",
        ),
        (dict(solver="lbfgs", lr_decay=0.5), "lr_decay", "follows no schedule"),
        (dict(min_learning_rate=1e-4), "min_learning_rate", "never lowers"),
        (dict(solver="lbfgs", min_learning_rate=1e-4), "min_learning_rate", "lbfgs"),
        (dict(warmup_epochs=3), "warmup_epochs", "ends within the warm-up"),
        (dict(solver="lbfgs", warmup_epochs=2), "warmup_epochs", "lbfgs"),
        (
            dict(early_stopping_monitor="loss"),
            "early_stopping_monitor",
            "early_stopping=False",
        ),
        (
            dict(solver="lbfgs", early_stopping=True, early_stopping_monitor="loss"),
            "early_stopping_monitor",
            "lbfgs",
        ),
        (
            dict(batch_norm_momentum=0.5),
            "batch_norm_momentum",
            "no layer has batch normalisation",
        ),
        (
            dict(solver="lbfgs", batch_norm=True, batch_norm_momentum=0.5),
            "batch_norm_momentum",
            "whole training set",
        ),
    ],
)
@pytest.mark.parametrize("estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_a_parameter_without_effect_warns(binary_data, estimator, params, name, why):
    X, y = binary_data
    est = estimator(**SMALL, **params)
    with pytest.warns(UserWarning, match=f"{name}=.* has no effect here: .*{why}"):
        est.fit(X, y)


@pytest.mark.parametrize(
    "params",
    [
        dict(learning_rate="exponential", lr_decay=0.5, min_learning_rate=1e-4),
        dict(learning_rate="plateau", lr_decay=0.5),
        dict(learning_rate="cosine", min_learning_rate=1e-4, warmup_epochs=2),
        dict(warmup_epochs=2),
        dict(early_stopping=True, early_stopping_monitor="loss"),
        dict(batch_norm=[True], batch_norm_momentum=0.5),
        # MLPClassifier's own parameters, which it accepts without a word
        dict(solver="lbfgs", learning_rate_init=0.5, power_t=0.1, momentum=0.5),
        dict(solver="adam", learning_rate="invscaling", nesterovs_momentum=False),
        dict(learning_rate="constant", power_t=0.9),
    ],
)
def test_parameters_that_act_do_not_warn(binary_data, params):
    X, y = binary_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ConvergenceWarning)
        DeepMLPClassifier(**SMALL, **params).fit(X, y)


def test_warmup_is_judged_against_max_iter_in_fit_only(binary_data):
    """partial_fit runs one epoch a call, and its warm-up spans calls."""
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL, warmup_epochs=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        clf.partial_fit(X, y, classes=[0, 1])
