"""Bad input that used to escape as a raw NumPy or Python error, and odd
parameters that used to crash: each gets a clear message or a sensible
meaning (trust and polish III)."""

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

SMALL = dict(hidden_layer_sizes=(5,), max_iter=5, random_state=0)


@pytest.fixture
def regression_data(binary_data):
    X, y = binary_data
    return X, X[:, 0] * 2.0 + y


@pytest.mark.parametrize("estimator", [DeepMLPClassifier, DeepMLPRegressor])
@pytest.mark.parametrize("method", ["fit", "partial_fit", "predict"])
def test_a_pandas_series_as_X_is_refused_as_one_dimensional(
    binary_data, estimator, method
):
    pd = pytest.importorskip("pandas")
    X, y = binary_data
    est = estimator(**SMALL)
    series = pd.Series(X[:, 0])
    with pytest.raises(ValueError, match="Expected a 2-dimensional container"):
        if method == "predict":
            est.fit(X, y).predict(series)
        elif method == "partial_fit" and estimator is DeepMLPClassifier:
            est.partial_fit(series, y, classes=[0, 1])
        else:
            getattr(est, method)(series, y)


def test_score_with_labels_mixing_strings_and_ints(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(**SMALL).fit(X, y)
    mixed = np.array(["zero" if v == 0 else 1 for v in y], dtype=object)
    with pytest.raises(ValueError, match="y mixes strings and other values"):
        clf.score(X, mixed)


@pytest.mark.parametrize("estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_score_without_y_or_with_text_weights_names_the_argument(
    binary_data, estimator
):
    X, y = binary_data
    est = estimator(**SMALL).fit(X, y)
    with pytest.raises(ValueError, match="score needs the true targets: y is None"):
        est.score(X, None)
    for weights in ("a", ["a"] * len(y), {"a": 1}):
        with pytest.raises(ValueError, match="sample_weight must be None or an array"):
            est.score(X, y, sample_weight=weights)
    # numbers of any kind still work, and weight the score
    weights = np.arange(len(y)) % 2
    assert est.score(X, y, sample_weight=weights) == pytest.approx(
        est.score(X[weights == 1], y[weights == 1])
    )


def test_invscaling_with_a_huge_power_t_lowers_the_rate_to_zero(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(
        solver="sgd", learning_rate="invscaling", power_t=1e3, **SMALL
    ).fit(X, y)
    # (t + 1) ** 1000 overflows: the rate is below the smallest float
    assert clf._optimizer.learning_rate == 0.0
    assert np.isfinite(clf.loss_)


def test_a_zero_dimensional_hidden_layer_sizes_is_one_layer(binary_data):
    X, y = binary_data
    from_array = DeepMLPClassifier(hidden_layer_sizes=np.array(5), max_iter=5)
    from_int = DeepMLPClassifier(hidden_layer_sizes=5, max_iter=5)
    from_array.set_params(random_state=0).fit(X, y)
    from_int.set_params(random_state=0).fit(X, y)
    assert [c.shape for c in from_array.coefs_] == [(6, 5), (5, 1)]
    for a, b in zip(from_array.coefs_, from_int.coefs_):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="hidden_layer_sizes must hold positive"):
        DeepMLPClassifier(hidden_layer_sizes=np.array(5.5)).fit(X, y)


# ------------------------------------------------------ exploded finite loss
@pytest.fixture
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def test_an_exploded_regressor_is_divergence(diabetes):
    """adam at learning_rate_init=1e6: the loss stays finite (1e22) but the
    model is absurd (R² -4e18); a fit that ends there must not pass."""
    X, y = diabetes
    reg = DeepMLPRegressor(learning_rate_init=1e6, random_state=0)
    with pytest.raises(ValueError, match="no better than a constant"):
        with np.errstate(all="ignore"):
            reg.fit(X, y)
    assert not hasattr(reg, "coefs_")
    # a fitted model stays as it was
    good = DeepMLPRegressor(hidden_layer_sizes=(8,), max_iter=50, random_state=0)
    good.fit(X, y)
    before = good.predict(X)
    with pytest.raises(ValueError, match="training loss grew from"):
        with np.errstate(all="ignore"):
            good.set_params(learning_rate_init=1e6, warm_start=True).fit(X, y)
    np.testing.assert_array_equal(good.predict(X), before)


def test_an_exploded_early_stopping_fit_warns_and_keeps_its_best_epoch(diabetes):
    """With early stopping a diverging fit ends on its best epoch without an
    error (scikit-learn's rule, test_mlp_diverging_loss), but not silently."""
    from sklearn.exceptions import ConvergenceWarning

    X, y = diabetes
    reg = DeepMLPRegressor(learning_rate_init=1e6, early_stopping=True, random_state=0)
    with pytest.warns(ConvergenceWarning, match="no better than a constant"):
        with np.errstate(all="ignore"):
            reg.fit(X, y)
    assert reg.best_validation_score_ < 0


def test_an_exploded_but_accurate_classifier_is_kept():
    """The classifier's log loss explodes (1e10) while it still classifies
    almost all its training data right: usable, so no error."""
    from sklearn.datasets import load_breast_cancer

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    clf = DeepMLPClassifier(learning_rate_init=1e6, random_state=0)
    with np.errstate(all="ignore"):
        clf.fit(X, y)
    assert clf.loss_ > 1e9  # the loss did explode (it began near log 2)
    assert clf.score(X, y) > 0.95


def test_an_exploded_classifier_worse_than_the_majority_class_is_divergence():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    clf = DeepMLPClassifier(solver="sgd", learning_rate_init=1e6, random_state=0)
    with pytest.raises(ValueError, match="no better than a constant"):
        with np.errstate(all="ignore"):
            clf.fit(X, y)


def test_a_slow_start_on_unscaled_targets_is_not_divergence(binary_data):
    """Targets far from 0 give a huge loss that falls slowly: not explosion."""
    X, y = binary_data
    reg = DeepMLPRegressor(hidden_layer_sizes=(5,), max_iter=1, random_state=0)
    for _ in range(3):
        reg.partial_fit(X, 1e6 + y)
    assert reg.score(X, 1e6 + y) < 0  # far from fitted, and rightly kept


@pytest.mark.parametrize("estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_constant_score_is_that_of_the_best_constant(estimator, multilabel_data):
    """The yardstick of the explosion rule: accuracy of the most frequent
    class (label set), R² of the mean."""
    from sklearn.metrics import accuracy_score

    X, Y = multilabel_data
    targets = {
        DeepMLPClassifier: [Y[:, 0], np.arange(len(X)) % 3, Y],
        DeepMLPRegressor: [X[:, 0]],
    }[estimator]
    for y in targets:
        est = estimator(**SMALL).fit(X, y)
        Y2 = est._validate_input(X, y, incremental=True, reset=False)[1]
        weights = np.linspace(0.1, 1, len(X))
        for sw in (None, weights):
            constant = est._constant_score(Y2, sw)
            if estimator is DeepMLPRegressor:
                assert constant == 0.0
                continue
            best = max(
                accuracy_score(y, np.repeat(row[None], len(y), 0), sample_weight=sw)
                if y.ndim == 2
                else accuracy_score(y, np.full(len(y), row), sample_weight=sw)
                for row in (np.unique(y, axis=0) if y.ndim == 2 else np.unique(y))
            )
            assert constant == pytest.approx(best)


def _with_a_missing_target(y, container):
    targets = np.asarray(y, dtype=object)
    targets[3] = None
    if container == "list":
        return list(targets)
    if container == "series":
        return pytest.importorskip("pandas").Series(targets)
    return targets


@pytest.mark.parametrize("container", ["array", "list", "series"])
@pytest.mark.parametrize("method", ["fit", "partial_fit", "score"])
@pytest.mark.parametrize("estimator", [DeepMLPClassifier, DeepMLPRegressor])
def test_none_in_y_is_refused_with_a_message_that_names_y(
    binary_data, estimator, method, container
):
    """MLPClassifier fails to sort None with NumPy's TypeError; MLPRegressor
    trains on NaN and reports divergence. Both leave a fitted model as it was."""
    X, y = binary_data
    bad = _with_a_missing_target(y, container)
    est = estimator(**SMALL).fit(X, y)
    coefs = [c.copy() for c in est.coefs_]
    classifier_partial_fit = method == "partial_fit" and estimator is DeepMLPClassifier
    extra = {"classes": [0, 1]} if classifier_partial_fit else {}
    with pytest.raises(ValueError, match=r"^y is missing 1 of its \d+ values"):
        getattr(est, method)(X, bad, **extra)
    assert all(np.array_equal(a, b) for a, b in zip(coefs, est.coefs_))
    assert sum(v is None for v in bad) == 1  # the user's y as it was


def test_nan_in_y_at_score_names_y(regression_data):
    X, y = regression_data
    est = DeepMLPRegressor(**SMALL).fit(X, y)
    y = y.copy()
    y[0] = np.nan
    with pytest.raises(ValueError, match="^Input y contains NaN"):
        est.score(X, y)
