"""Resolve the architecture parameters into one value per hidden layer.

scikit-learn's parameter validation checks each parameter's type; these
functions turn the per-layer parameters into one value per hidden layer (a
list of activations as long as ``hidden_layer_sizes``, say) and say what to
change. The rules that combine parameters live in ``_rules``.
"""

from numbers import Integral, Real

import numpy as np

from .._network._activations import ACTIVATIONS
from .._network._initializers import INITIALIZERS


def hidden_layer_sizes(value):
    """The number of units of each hidden layer, as a list of ints.

    A 0-d array (``np.array(5)``) is one layer, as ``5`` and ``np.int64(5)``
    are: NumPy makes one when a size is computed from arrays.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    sizes = [value] if np.isscalar(value) else list(value)
    if not all(isinstance(s, Integral) and s > 0 for s in sizes):
        raise ValueError(
            "hidden_layer_sizes must hold positive integers (units per hidden "
            f"layer), got {value!r}."
        )
    return [int(s) for s in sizes]


def _sequence(name, value, what):
    """``value`` as a list, for a parameter that takes one value or one per layer.

    Only a list, a tuple or a 1-d array is a per-layer value: a dict or a set
    would silently give its keys, a string its characters.
    """
    if isinstance(value, (list, tuple)) or (
        isinstance(value, np.ndarray) and value.ndim == 1
    ):
        return list(value)
    raise ValueError(
        f"{name} must be {what}, or a list of them with one per hidden layer; "
        f"got {value!r} of type {type(value).__name__}."
    )


def _one_per_hidden_layer(name, value, what, n_hidden):
    """``value`` as a list of ``n_hidden`` entries, one per hidden layer."""
    values = _sequence(name, value, what)
    if len(values) != n_hidden:
        raise ValueError(
            f"{name} has {len(values)} entries but hidden_layer_sizes has "
            f"{n_hidden} hidden layers; give {what}, or a list of them with one "
            "per hidden layer."
        )
    return values


def hidden_activations(value, n_hidden):
    """One activation name per hidden layer, from a name or a list of names."""
    if isinstance(value, str):
        return [value] * n_hidden
    names = _one_per_hidden_layer(
        "activation", value, f"one of {sorted(ACTIVATIONS)}", n_hidden
    )
    unknown = [n for n in names if not isinstance(n, str) or n not in ACTIVATIONS]
    if unknown:
        raise ValueError(
            f"Unknown activation(s) {unknown} in {value!r}; "
            f"each must be one of {sorted(ACTIVATIONS)}."
        )
    return names


def layer_initializers(value, n_hidden):
    """One ``weight_init`` scheme per weight matrix (``n_hidden + 1``).

    A list may give one scheme per hidden layer, like ``activation`` (the
    output layer then takes the last hidden layer's), or one per weight
    matrix, the output layer's last.
    """
    if isinstance(value, str):
        return [value] * (n_hidden + 1)
    names = _sequence("weight_init", value, f"one of {sorted(INITIALIZERS)}")
    unknown = [n for n in names if not isinstance(n, str) or n not in INITIALIZERS]
    if unknown:
        raise ValueError(
            f"Unknown weight_init scheme(s) {unknown} in {value!r}; "
            f"each must be one of {sorted(INITIALIZERS)}."
        )
    if len(names) == n_hidden and n_hidden:
        names = names + names[-1:]
    if len(names) != n_hidden + 1:
        raise ValueError(
            f"weight_init has {len(names)} entries but the network has "
            f"{n_hidden} hidden layers; give one scheme, one per hidden layer "
            f"(the output layer then takes the last), or {n_hidden + 1}, one per "
            "weight matrix with the output layer's last."
        )
    return names


def _flags(name, value, n_hidden):
    """One bool per hidden layer, from a bool or a list of bools."""
    if isinstance(value, (bool, np.bool_)):
        return [bool(value)] * n_hidden
    flags = _one_per_hidden_layer(name, value, "True or False", n_hidden)
    if not all(isinstance(f, (bool, np.bool_)) for f in flags):
        raise ValueError(f"{name} entries must be True or False, got {value!r}.")
    return [bool(f) for f in flags]


def batch_norm_flags(value, n_hidden):
    """Whether each hidden layer has batch normalisation, from a bool or a
    list of bools."""
    return _flags("batch_norm", value, n_hidden)


def layer_norm_flags(value, n_hidden):
    """Whether each hidden layer has layer normalisation, from a bool or a
    list of bools (``_rules`` refuses it where it cannot work)."""
    return _flags("layer_norm", value, n_hidden)


def dropout_rates(value, n_hidden):
    """One dropout rate per hidden layer, from a float or a list of floats."""
    if np.ndim(value) == 0 and not isinstance(value, (dict, set, str)):
        rates = [value.item() if isinstance(value, np.ndarray) else value] * n_hidden
    else:
        rates = _one_per_hidden_layer("dropout", value, "a float in [0, 1)", n_hidden)
    if not all(
        isinstance(r, Real) and not isinstance(r, bool) and 0 <= r < 1 for r in rates
    ):
        raise ValueError(
            f"dropout rates must be floats in [0, 1), got {value!r}; "
            "1 would drop every unit."
        )
    return [float(r) for r in rates]
