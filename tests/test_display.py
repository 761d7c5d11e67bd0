import sys

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from sk_deepmlp import DeepMLPClassifier, LossCurveDisplay

mpl = pytest.importorskip("matplotlib")
mpl.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_from_estimator_draws_every_curve(multiclass_data):
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=15, random_state=0
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    train, val_loss, val_score = display.lines_
    np.testing.assert_array_equal(train.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(val_loss.get_ydata(), clf.validation_loss_curve_)
    np.testing.assert_array_equal(val_score.get_ydata(), clf.validation_scores_)
    np.testing.assert_array_equal(train.get_xdata(), np.arange(1, clf.n_iter_ + 1))
    assert val_score.axes is display.score_ax_ and train.axes is display.ax_
    assert display.figure_ is display.ax_.figure
    assert display.ax_.get_xlabel() == "epoch"


def test_plot_on_given_axes_with_name_and_kwargs(binary_data):
    X, y = binary_data
    clf = DeepMLPClassifier(hidden_layer_sizes=(5,), max_iter=5).fit(X, y)
    fig, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(clf, ax=ax, name="mine", linewidth=3)
    (line,) = display.lines_  # no early stopping: the training loss only
    assert display.ax_ is ax and display.score_ax_ is None
    assert line.get_label() == "mine training loss" and line.get_linewidth() == 3


def test_works_with_mlpclassifier_and_refuses_without_curve(binary_data):
    X, y = binary_data
    sk = MLPClassifier(hidden_layer_sizes=(5,), max_iter=5).fit(X, y)
    display = LossCurveDisplay.from_estimator(sk)
    np.testing.assert_array_equal(display.lines_[0].get_ydata(), sk.loss_curve_)
    sk_lbfgs = MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5)
    sk_lbfgs.fit(X, y)
    with pytest.raises(ValueError, match="no loss_curve_"):
        LossCurveDisplay.from_estimator(sk_lbfgs)


def test_clear_import_error_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    display = LossCurveDisplay(loss_curve=[1.0, 0.5])
    with pytest.raises(ImportError, match=r"pip install 'sk-deepmlp\[plot\]'"):
        display.plot()
