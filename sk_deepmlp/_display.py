"""LossCurveDisplay: the training and validation curves of a fitted network."""

import numpy as np
from sklearn.base import is_regressor
from sklearn.utils.validation import check_is_fitted


def _pyplot():
    """matplotlib.pyplot, or an ImportError that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "LossCurveDisplay needs matplotlib, an optional dependency: "
            'pip install ".[plot]" in a clone of sk-deepmlp, or pip install '
            "matplotlib."
        ) from error
    return plt


class LossCurveDisplay:
    """Loss curves of a fitted network, in scikit-learn's Display style.

    Draws the training loss after each epoch and, when present, the
    validation loss on the same axes; the validation score (accuracy for
    classifiers, R² for regressors) goes on a second y-axis on the right.
    Build it with :meth:`from_estimator`, or with the curves themselves and
    then :meth:`plot`.

    Parameters
    ----------
    loss_curve : array-like of float
        Training loss after each epoch (``estimator.loss_curve_``).
    validation_loss_curve : array-like of float, default=None
        Validation loss after each epoch (``validation_loss_curve_``).
    validation_scores : array-like of float, default=None
        Validation score after each epoch (``validation_scores_``).
    estimator_name : str, default=None
        Name shown in the legend.
    score_name : str, default="accuracy"
        What ``validation_scores`` measure: ``from_estimator`` gives "R²"
        for regressors.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes of the loss curves.
    score_ax_ : matplotlib Axes or None
        Right-hand axes of the validation accuracy, when there is one.
    figure_ : matplotlib Figure
        Figure holding the axes.
    lines_ : list of matplotlib Line2D
        The drawn curves: training loss, then validation loss and validation
        accuracy when present.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sk_deepmlp import DeepMLPClassifier, LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DeepMLPClassifier(hidden_layer_sizes=(8,), early_stopping=True,
    ...                         max_iter=50, random_state=0).fit(X, y)
    >>> display = LossCurveDisplay.from_estimator(clf)
    >>> [line.get_label() for line in display.lines_]
    ['DeepMLPClassifier training loss', 'DeepMLPClassifier validation loss', \
'DeepMLPClassifier validation accuracy']
    """

    def __init__(
        self,
        *,
        loss_curve,
        validation_loss_curve=None,
        validation_scores=None,
        estimator_name=None,
        score_name="accuracy",
    ):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.estimator_name = estimator_name
        self.score_name = score_name

    def plot(self, ax=None, *, name=None, **kwargs):
        """Draw the curves.

        Each call draws one model in one colour: the training loss solid, the
        validation loss dashed, the validation accuracy dotted on a second
        y-axis. Calling ``plot`` (or ``from_estimator``) again with the same
        ``ax`` adds the next model in the next colour of the axes' cycle, on
        the same two y-axes, and one legend lists every curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        name : str, default=None
            Name of the model in the legend; defaults to ``estimator_name``.
        **kwargs : dict
            Matplotlib line properties (``color``, ``linewidth``, ``marker``,
            ...), applied to every curve of this model. ``label`` is taken as
            the model's name. ``linestyle`` applies to the training loss; the
            validation curves keep their dashes and dots.

        Returns
        -------
        display : LossCurveDisplay
            This object, with ``ax_``, ``score_ax_``, ``figure_`` and
            ``lines_`` set.
        """
        plt = _pyplot()
        if ax is None:
            # constrained: the figure makes room for the legend below the axes
            _, ax = plt.subplots(layout="constrained")
        kwargs = dict(kwargs)
        name = kwargs.pop("label", None) or name or self.estimator_name
        prefix = f"{name} " if name else ""
        style = kwargs.pop("linestyle", kwargs.pop("ls", "-"))

        def curve(axes, values, what, linestyle):
            epochs = np.arange(1, len(values) + 1)
            return axes.plot(
                epochs,
                values,
                linestyle=linestyle,
                label=f"{prefix}{what}",
                **kwargs,
            )

        self.lines_ = curve(ax, self.loss_curve, "training loss", style)
        # one colour per model: the training curve takes the next colour of
        # the axes' cycle (unless one was given), and the others follow it
        kwargs["color"] = self.lines_[0].get_color()
        if self.validation_loss_curve is not None:
            self.lines_ += curve(
                ax, self.validation_loss_curve, "validation loss", "--"
            )
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        self.score_ax_ = getattr(ax, "_loss_curve_score_ax", None)
        if self.validation_scores is not None:
            if self.score_ax_ is None:  # one right-hand axis for all models
                self.score_ax_ = ax.twinx()
                self.score_ax_.set_ylabel(f"validation {self.score_name}")
                ax._loss_curve_score_ax = self.score_ax_
            self.lines_ += curve(
                self.score_ax_,
                self.validation_scores,
                f"validation {self.score_name}",
                ":",
            )
        every = list(ax.get_lines())
        if self.score_ax_ is not None:
            every += self.score_ax_.get_lines()
        # below the axes, where it hides no curve: inside, matplotlib's "best"
        # place avoids only the left axis's lines, and covered the validation
        # curve of the right-hand one
        ax.legend(
            every,
            [line.get_label() for line in every],
            loc="upper center",
            bbox_to_anchor=(0.5, -0.14),
            ncol=2,
            frameon=False,
        )
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **kwargs):
        """Draw the curves of a fitted estimator.

        Works with any fitted estimator that has ``loss_curve_``, scikit-learn's
        ``MLPClassifier`` and ``MLPRegressor`` included.

        Parameters
        ----------
        estimator : DeepMLPClassifier, DeepMLPRegressor, MLPClassifier or \
MLPRegressor
            A fitted estimator.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        name : str, default=None
            Name for the legend; defaults to the estimator's class name.
        **kwargs : dict
            Passed to every ``Axes.plot`` call.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.
        """
        if hasattr(estimator, "steps") and not hasattr(estimator, "loss_curve_"):
            raise TypeError(
                f"{type(estimator).__name__} has no loss curve of its own: pass "
                "its fitted network, the final step, e.g. "
                "LossCurveDisplay.from_estimator(pipeline[-1])."
            )
        check_is_fitted(estimator)
        if not hasattr(estimator, "loss_curve_"):
            raise ValueError(
                f"{type(estimator).__name__} has no loss_curve_ to draw (scikit-"
                "learn's MLPClassifier keeps none with solver='lbfgs')."
            )
        display = cls(
            loss_curve=estimator.loss_curve_,
            validation_loss_curve=getattr(estimator, "validation_loss_curve_", None),
            validation_scores=getattr(estimator, "validation_scores_", None),
            estimator_name=type(estimator).__name__,
            score_name="R²" if is_regressor(estimator) else "accuracy",
        )
        return display.plot(ax=ax, name=name, **kwargs)
