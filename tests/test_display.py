import sys

import numpy as np
import pytest
from sklearn.neural_network import MLPClassifier

from sk_deepmlp import DeepMLPClassifier, LossCurveDisplay

# the fits here are a few epochs long: they are drawn, not converged
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

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
    with pytest.raises(ImportError, match=r'pip install "\.\[plot\]"'):
        display.plot()


def _fitted(X, y, seed, early_stopping=True):
    return DeepMLPClassifier(
        hidden_layer_sizes=(6,),
        early_stopping=early_stopping,
        max_iter=12,
        random_state=seed,
    ).fit(X, y)


def test_two_models_on_one_axes_are_two_colours_and_one_legend(multiclass_data):
    X, y = multiclass_data
    fig, ax = plt.subplots()
    first = LossCurveDisplay.from_estimator(_fitted(X, y, 0), ax=ax, name="a")
    second = LossCurveDisplay.from_estimator(_fitted(X, y, 1), ax=ax, name="b")
    # one right-hand axis for both, not a twin axis per model
    assert second.score_ax_ is first.score_ax_
    assert len(fig.axes) == 2
    colours_a = {line.get_color() for line in first.lines_}
    colours_b = {line.get_color() for line in second.lines_}
    assert len(colours_a) == len(colours_b) == 1 and colours_a != colours_b
    styles = [line.get_linestyle() for line in second.lines_]
    assert styles == ["-", "--", ":"]  # training, validation loss, accuracy
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        "a training loss",
        "a validation loss",
        "b training loss",
        "b validation loss",
        "a validation accuracy",
        "b validation accuracy",
    ]


def test_plot_takes_label_and_matplotlib_line_keywords(binary_data):
    X, y = binary_data
    clf = _fitted(X, y, 0)
    display = LossCurveDisplay.from_estimator(
        clf, label="mine", color="tab:red", linestyle="-.", linewidth=2.5
    )
    train, val_loss, val_score = display.lines_
    assert train.get_label() == "mine training loss"
    assert {line.get_color() for line in display.lines_} == {"tab:red"}
    assert train.get_linestyle() == "-." and val_loss.get_linestyle() == "--"
    assert val_score.get_linewidth() == 2.5


def test_a_regressor_shows_its_validation_r2():
    from sklearn.datasets import load_diabetes

    from sk_deepmlp import DeepMLPRegressor

    X, y = load_diabetes(return_X_y=True)
    reg = DeepMLPRegressor(
        hidden_layer_sizes=(8,), early_stopping=True, max_iter=10, random_state=0
    ).fit(X, y / y.std())
    display = LossCurveDisplay.from_estimator(reg)
    assert display.score_ax_.get_ylabel() == "validation R²"
    assert display.lines_[-1].get_label() == "DeepMLPRegressor validation R²"
    np.testing.assert_array_equal(
        display.lines_[-1].get_ydata(), reg.validation_scores_
    )


def test_the_legend_hides_no_curve(multiclass_data):
    """The legend sits where no point of any curve is, the validation
    accuracy on the right-hand axis included (it used to cover it)."""
    plt = pytest.importorskip("matplotlib.pyplot")
    X, y = multiclass_data
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(16,), early_stopping=True, max_iter=40, random_state=0
    ).fit(X, y)
    display = LossCurveDisplay.from_estimator(clf)
    figure = display.figure_
    figure.canvas.draw()
    box = display.ax_.get_legend().get_window_extent()
    for line in display.lines_:
        points = line.get_transform().transform(line.get_xydata())
        assert box.count_contains(points) == 0, line.get_label()
    plt.close(figure)
