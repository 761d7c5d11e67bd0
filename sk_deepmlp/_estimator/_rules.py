"""Every rule that combines parameters, in one table, with its message.

scikit-learn's parameter validation checks each parameter on its own; the
rules here are about several at once (lbfgs with weight decay, warm-up before
an sgd-only schedule) or about parameters and data together (batch norm on
batches of one row, a network too big for the machine). Each ``Rule`` is read
at one moment:

- ``"parameters"``: at the start of a fit, before the data are looked at;
- ``"data"``: after the data are validated (``n_samples``, ``layer_units``,
  ``dtype`` and the per-layer flags are known);
- ``"partial_fit"``: when ``partial_fit`` is looked up, which makes the method
  absent (``hasattr`` is False) where a rule refuses it.

``check(moment, estimator, **context)`` raises the first refusal. The
parameters that a fit cannot use are rules too, which warn rather than refuse
(``ineffective_parameters``).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._training._optimizers import STOCHASTIC_OPTIMIZERS
from ._api import UnavailableWithEarlyStopping


@dataclass(frozen=True)
class Rule:
    """A combination of parameters (and data) that a fit refuses.

    ``refuses(estimator, context)`` says whether it applies; ``message`` says
    what is wrong and what to change; ``error`` is the exception's type.
    """

    moment: str
    refuses: Callable
    message: Callable
    error: type = ValueError


def _lbfgs_step_rule(name, off):
    return Rule(
        "parameters",
        lambda est, ctx: est.solver == "lbfgs" and getattr(est, name) != off,
        lambda est, ctx: (
            f"{name} is a step of the stochastic solvers; solver='lbfgs' takes "
            f"whole steps of its own. Use {name}={off!r} with lbfgs (alpha is its "
            "L2 penalty), or solver='adam', 'sgd' or 'rmsprop'."
        ),
    )


# Parameter-sized vectors a fit holds at once besides the weights themselves:
# gradient, last-epoch copy and best-epoch copy, plus the optimiser's state and
# scratch (L-BFGS: float64 copies, and 10 pairs of history vectors in SciPy).
_VECTORS_PER_SOLVER = {"sgd": 5, "rmsprop": 5, "adam": 6, "lbfgs": 26}


def _physical_memory():
    """Bytes of physical memory, or None where the OS does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def network_memory(layer_units, dtype, solver):
    """``(n_params, bytes needed to train)`` of a network of ``layer_units``."""
    n_params = sum(i * o + o for i, o in zip(layer_units[:-1], layer_units[1:]))
    itemsize = 8 if solver == "lbfgs" else np.dtype(dtype).itemsize
    return n_params, n_params * itemsize * _VECTORS_PER_SOLVER[solver]


def _too_big(est, ctx):
    available = _physical_memory()
    _, needed = network_memory(ctx["layer_units"], ctx["dtype"], est.solver)
    return available is not None and needed > available


def _too_big_message(est, ctx):
    units, available = ctx["layer_units"], _physical_memory()
    n_params, needed = network_memory(units, ctx["dtype"], est.solver)
    return (
        f"hidden_layer_sizes gives a network of layers {list(units)} with "
        f"{n_params:,} parameters; training it with solver={est.solver!r} needs "
        f"about {needed / 2**30:,.1f} GiB ({needed:,} bytes), more than this "
        f"machine's {available / 2**30:,.1f} GiB of memory. Use fewer or smaller "
        "hidden layers."
    )


def _batch_rows(est, ctx):
    rows = ctx["n_samples"]
    if est.solver != "lbfgs" and est.batch_size != "auto":
        rows = min(est.batch_size, rows)
    return rows


def _shrinking_without_shrink(est, ctx):
    shrinking = est.learning_rate in ("exponential", "plateau")
    return shrinking and est.lr_decay is not None and est.lr_decay >= 1


def _first_layer(ctx, test):
    """The first hidden layer where ``test(layer_norm, units, batch_norm)``
    holds, or None."""
    layers = zip(ctx["layer_norm"], ctx["hidden"], ctx["batch_norm"])
    return next((k for k, layer in enumerate(layers) if test(*layer)), None)


def _regression_loss(est):
    """The regressor's ``loss``; None for the classifier, which has none."""
    return est.loss if hasattr(est, "huber_delta") else None


#: The table. Within a moment, the first rule that refuses raises.
RULES = [
    Rule(
        "parameters",
        lambda est, ctx: est.solver == "lbfgs" and any(ctx["dropout"]),
        lambda est, ctx: (
            "dropout is not supported by solver='lbfgs': its line search needs "
            "the same loss at every evaluation, and dropout draws new masks "
            "each time. Use solver='adam', 'sgd' or 'rmsprop', or dropout=0."
        ),
    ),
    Rule(
        "parameters",
        lambda est, ctx: (
            _first_layer(ctx, lambda on, units, bn: on and units == 1) is not None
        ),
        lambda est, ctx: (
            "layer_norm cannot normalise hidden layer "
            f"{_first_layer(ctx, lambda on, units, bn: on and units == 1)}: it has "
            "one unit, whose variance over the layer's units is 0, so it would "
            "always output beta. Give that layer more units, or set layer_norm "
            "to False there (a list gives one bool per layer)."
        ),
    ),
    Rule(
        "parameters",
        lambda est, ctx: _first_layer(ctx, lambda on, units, bn: on and bn) is not None,
        lambda est, ctx: (
            f"Hidden layer {_first_layer(ctx, lambda on, units, bn: on and bn)} "
            "has both batch_norm and layer_norm: batch normalisation already "
            "normalises it. Choose one per layer (each takes a list with one "
            "bool per hidden layer)."
        ),
    ),
    Rule(
        "parameters",
        lambda est, ctx: est.n_ensemble > 1 and any(ctx["batch_norm"]),
        lambda est, ctx: (
            f"batch_norm cannot be combined with n_ensemble={est.n_ensemble}: "
            "the members would share one batch's statistics, which ties them "
            "together and leaves prediction no single running average to use. "
            "Use layer_norm (per row) instead, or n_ensemble=1."
        ),
    ),
    _lbfgs_step_rule("weight_decay", 0.0),
    _lbfgs_step_rule("max_grad_norm", None),
    Rule(
        "parameters",
        lambda est, ctx: (
            bool(est.warmup_epochs) and est.learning_rate in ("invscaling", "adaptive")
        ),
        lambda est, ctx: (
            f"warmup_epochs={est.warmup_epochs} cannot precede "
            f"learning_rate={est.learning_rate!r}, MLPClassifier's own sgd "
            "schedule. Use learning_rate='constant', 'cosine', 'exponential', "
            "'inverse_time' or 'plateau' (every stochastic solver)."
        ),
    ),
    Rule(
        "parameters",
        _shrinking_without_shrink,
        lambda est, ctx: (
            f"lr_decay={est.lr_decay} would not lower the learning rate: "
            f"learning_rate={est.learning_rate!r} multiplies it by lr_decay, "
            "which must be below 1."
        ),
    ),
    Rule(
        "parameters",
        lambda est, ctx: _regression_loss(est) == "quantile" and est.quantile is None,
        lambda est, ctx: (
            "loss='quantile' needs the quantile to predict: pass quantile=q "
            "with 0 < q < 1 (0.5 for the median, 0.05 and 0.95 for the bounds "
            "of a 90 % interval)."
        ),
    ),
    Rule("data", _too_big, _too_big_message),
    Rule(
        "data",
        lambda est, ctx: any(ctx["batch_norm"]) and _batch_rows(est, ctx) < 2,
        lambda est, ctx: (
            "batch_norm needs batches of at least 2 samples (it normalises each "
            "unit over the batch, and the variance of one sample is 0); this "
            f"fit's batches have {_batch_rows(est, ctx)}. Use batch_size >= 2, "
            "pass more samples (partial_fit included), or set batch_norm=False."
        ),
    ),
    Rule(
        "partial_fit",
        lambda est, ctx: est.solver not in STOCHASTIC_OPTIMIZERS,
        lambda est, ctx: (
            "partial_fit is only available for the stochastic solvers "
            f"{sorted(STOCHASTIC_OPTIMIZERS)}; solver={est.solver!r} is not."
        ),
        AttributeError,
    ),
    Rule(
        "partial_fit",
        lambda est, ctx: est.early_stopping,
        lambda est, ctx: (
            "partial_fit does not support early_stopping=True: it sees one "
            "batch of data at a time and has no validation set. Set "
            "early_stopping=False, or use fit."
        ),
        UnavailableWithEarlyStopping,
    ),
    Rule(
        "partial_fit",
        lambda est, ctx: (
            isinstance(getattr(est, "class_weight", None), str)
            and est.class_weight == "balanced"
        ),
        lambda est, ctx: (
            "partial_fit is not available with class_weight='balanced': it "
            "needs the class frequencies of the whole data set, which one "
            "batch does not give. Compute them up front, e.g. with "
            "sklearn.utils.class_weight.compute_class_weight, and pass "
            "class_weight as a dict."
        ),
        AttributeError,
    ),
]


def check(moment, estimator, **context):
    """Raise the first refusal of the rules read at ``moment``."""
    for rule in RULES:
        if rule.moment == moment and rule.refuses(estimator, context):
            raise rule.error(rule.message(estimator, context))


#: The schedules that read lr_decay, and those whose step size has a floor.
_DECAYING = ("exponential", "inverse_time", "plateau")
_WITH_FLOOR = ("cosine", *_DECAYING)


def ineffective_parameters(est, incremental):
    """What the parameters added to MLPClassifier's would change nothing.

    Returns one sentence per parameter set away from its default where this
    fit cannot use it, naming it and why. MLPClassifier's own parameters are
    left alone: it accepts them silently (``power_t`` with a constant rate,
    ``learning_rate_init`` with lbfgs), and its test suite, which runs on our
    estimators with warnings as errors, relies on that. ``progress_bar`` with
    ``partial_fit`` is left alone too: a model fitted with a bar and then
    updated block by block (dask-ml's Incremental) would warn at every block.
    """
    found = _schedule_findings(est, incremental) + _other_findings(est)
    return [
        f"{name}={getattr(est, name)!r} has no effect here: {why}."
        for name, why in found
    ]


def _schedule_findings(est, incremental):
    """``(name, why)`` for the schedule's parameters that this fit cannot use."""
    stochastic = est.solver != "lbfgs"
    kind = est.learning_rate
    found = []
    if est.lr_decay is not None:
        if not stochastic:
            found.append(("lr_decay", "solver='lbfgs' follows no schedule"))
        elif kind not in _DECAYING:
            found.append(
                (
                    "lr_decay",
                    f"learning_rate={kind!r} does not decay by it; only "
                    f"{', '.join(map(repr, _DECAYING))} do",
                )
            )
    if est.min_learning_rate:
        if not stochastic:
            found.append(("min_learning_rate", "solver='lbfgs' has no step size"))
        elif kind not in _WITH_FLOOR:
            found.append(
                (
                    "min_learning_rate",
                    f"learning_rate={kind!r} never lowers the step size to a "
                    f"floor; {', '.join(map(repr, _WITH_FLOOR))} do",
                )
            )
    if est.warmup_epochs:
        if not stochastic:
            found.append(("warmup_epochs", "solver='lbfgs' has no step size"))
        elif not incremental and est.warmup_epochs >= est.max_iter:
            found.append(
                (
                    "warmup_epochs",
                    f"the fit ends within the warm-up (max_iter={est.max_iter}), so "
                    f"the step size never reaches learning_rate_init and "
                    f"learning_rate={kind!r} never starts",
                )
            )
    return found


def _other_findings(est):
    """``(name, why)`` for the loss's, early stopping's and batch norm's
    parameters."""
    stochastic = est.solver != "lbfgs"
    found = []
    loss = _regression_loss(est)
    if loss is not None and loss != "quantile" and est.quantile is not None:
        found.append(("quantile", f"it is loss='quantile''s, not loss={loss!r}'s"))
    if loss is not None and loss != "huber" and est.huber_delta != 1.0:
        found.append(("huber_delta", f"it is loss='huber''s, not loss={loss!r}'s"))
    if est.early_stopping_monitor != "score" and not (
        est.early_stopping and stochastic
    ):
        found.append(
            (
                "early_stopping_monitor",
                "it chooses what early stopping watches, and this fit has none "
                "(early_stopping=False"
                + (")" if stochastic else ", or solver='lbfgs', which ignores it)"),
            )
        )
    if est.batch_norm_momentum != 0.9:
        if not np.any(est.batch_norm):
            found.append(("batch_norm_momentum", "no layer has batch normalisation"))
        elif not stochastic:
            found.append(
                (
                    "batch_norm_momentum",
                    "solver='lbfgs' sets the statistics from the whole training "
                    "set, not as running averages",
                )
            )
    return found
