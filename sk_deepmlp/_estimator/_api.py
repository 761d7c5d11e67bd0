"""Pieces of scikit-learn's estimator API that both estimators share: how
they store their parameters, and a ``partial_fit`` that exists only where
the parameters allow it."""

import functools
import types


def store_arguments(estimator, arguments):
    """Store each ``__init__`` argument under its own name.

    ``arguments`` is ``__init__``'s ``locals()``: scikit-learn's ``get_params``
    and ``clone`` read the parameters back by the names of the signature.
    """
    for name, value in arguments.items():
        if name != "self":
            setattr(estimator, name, value)


class available_if_allowed:
    """Decorate ``partial_fit`` so that it exists only when
    ``estimator._check_partial_fit()`` allows it.

    Like scikit-learn's ``available_if``, but the check's own exception goes
    through unchanged: its message says why the method is missing, and with
    ``early_stopping=True`` it is also the ValueError that MLPClassifier raises.
    """

    def __init__(self, method):
        self.method = method
        functools.update_wrapper(self, method)

    def __get__(self, estimator, owner=None):
        if estimator is None:
            return self.method  # the class's attribute, for docs and introspection
        estimator._check_partial_fit()
        return types.MethodType(self.method, estimator)


class UnavailableWithEarlyStopping(AttributeError, ValueError):
    """partial_fit with early_stopping=True: absent, so that
    ``hasattr(est, "partial_fit")`` is False and scikit-learn's checks and
    dask-ml skip it, and a ValueError, which MLPClassifier raises there, for
    code that catches that."""
