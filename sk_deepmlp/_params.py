"""Resolve the architecture parameters into one value per hidden layer.

scikit-learn's parameter validation checks each parameter's type; these
functions check what depends on several parameters at once (a list of
activations as long as ``hidden_layer_sizes``, say) and say what to change.
"""

from numbers import Integral, Real

import numpy as np

from ._activations import ACTIVATIONS


def hidden_layer_sizes(value):
    """The number of units of each hidden layer, as a list of ints."""
    sizes = [value] if np.isscalar(value) else list(value)
    if not all(isinstance(s, Integral) and s > 0 for s in sizes):
        raise ValueError(
            "hidden_layer_sizes must hold positive integers (units per hidden "
            f"layer), got {value!r}."
        )
    return [int(s) for s in sizes]


def hidden_activations(value, n_hidden):
    """One activation name per hidden layer, from a name or a list of names."""
    if isinstance(value, str):
        return [value] * n_hidden
    names = list(value)
    if len(names) != n_hidden:
        raise ValueError(
            f"activation has {len(names)} entries but hidden_layer_sizes has "
            f"{n_hidden} hidden layers; give one activation per hidden layer."
        )
    unknown = [n for n in names if n not in ACTIVATIONS]
    if unknown:
        raise ValueError(
            f"Unknown activation(s) {unknown} in {value!r}; "
            f"each must be one of {sorted(ACTIVATIONS)}."
        )
    return names


def dropout_rates(value, n_hidden, solver):
    """One dropout rate per hidden layer, from a float or a list of floats."""
    if np.isscalar(value):
        rates = [float(value)] * n_hidden
    else:
        rates = list(value)
        if len(rates) != n_hidden:
            raise ValueError(
                f"dropout has {len(rates)} entries but hidden_layer_sizes has "
                f"{n_hidden} hidden layers; give one rate per hidden layer or "
                "a single float."
            )
    if not all(isinstance(r, Real) and 0 <= r < 1 for r in rates):
        raise ValueError(
            f"dropout rates must be floats in [0, 1), got {value!r}; "
            "1 would drop every unit."
        )
    if solver == "lbfgs" and any(rates):
        raise ValueError(
            "dropout is not supported by solver='lbfgs': its line search needs "
            "the same loss at every evaluation, and dropout draws new masks "
            "each time. Use solver='adam', 'sgd' or 'rmsprop', or dropout=0."
        )
    return [float(r) for r in rates]
