"""scikit-learn's own MLP tests, run with DeepMLPClassifier in MLPClassifier's place.

The tests are those of the installed scikit-learn
(``sklearn/neural_network/tests/test_mlp.py``), not a copy: each test function
is rebuilt with ``MLPClassifier`` bound to DeepMLPClassifier and
``MLPRegressor`` to DeepMLPRegressor, and its parametrisations rewritten the
same way. The few that cannot pass are marked below with the reason; the same
reasons are in docs/coming_from_mlpclassifier.rst.
"""

import types

import pytest
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sk_deepmlp import DeepMLPClassifier, DeepMLPRegressor

suite = pytest.importorskip("sklearn.neural_network.tests.test_mlp")

#: Tests that call MLPClassifier's private methods, which have no counterpart.
PRIVATE_API = {
    "test_gradient": "calls MLPClassifier._forward_pass and _backprop, private "
    "methods; our gradients are checked by check_gradients (tests/test_network.py)",
}

#: Tests where we deliberately differ from MLPClassifier; strict, so that a
#: change of behaviour on either side shows up.
DIFFERENT_ON_PURPOSE = {
    "test_early_stopping_stratified": "MLPClassifier fails when a class has a "
    "single sample and the split is stratified; we fit, without stratifying",
}


OURS = {MLPClassifier: DeepMLPClassifier, MLPRegressor: DeepMLPRegressor}


def _swap(value):
    """scikit-learn's estimators -> ours, inside tuples and pytest.param too."""
    if value is MLPClassifier or value is MLPRegressor:  # not ==: arrays too
        return OURS[value]
    if isinstance(value, tuple):
        return tuple(_swap(v) for v in value)
    if hasattr(value, "values") and hasattr(value, "marks"):  # pytest.param
        return pytest.param(*_swap(tuple(value.values)), marks=value.marks, id=value.id)
    return value


def _flat(value):
    value = value.values if hasattr(value, "values") else value
    return value if isinstance(value, tuple) else (value,)


def _port(name, func):
    names = set(func.__code__.co_names)
    for const in func.__code__.co_consts:  # nested functions and lambdas
        if isinstance(const, types.CodeType):
            names |= set(const.co_names)
    marks = list(getattr(func, "pytestmark", []))
    in_marks = any(
        # identity, not ==: the values also hold NumPy arrays
        any(v is cls for v in _flat(value) for cls in OURS)
        for m in marks
        if m.name == "parametrize"
        for value in m.args[1]
    )
    if not names & {"MLPClassifier", "MLPRegressor"} and not in_marks:
        return None  # about the RBM or the private helpers only
    ported = types.FunctionType(
        func.__code__,
        dict(
            func.__globals__,
            MLPClassifier=DeepMLPClassifier,
            MLPRegressor=DeepMLPRegressor,
        ),
        name,
        func.__defaults__,
        func.__closure__,
    )
    ported.__doc__ = func.__doc__
    for mark in reversed(marks):
        if mark.name == "parametrize":
            values = [_swap(v) for v in mark.args[1]]
            ported = pytest.mark.parametrize(mark.args[0], values, **mark.kwargs)(
                ported
            )
        else:
            ported = getattr(pytest.mark, mark.name)(*mark.args, **mark.kwargs)(ported)
    if name in PRIVATE_API:
        ported = pytest.mark.skip(reason=PRIVATE_API[name])(ported)
    if name in DIFFERENT_ON_PURPOSE:
        ported = pytest.mark.xfail(strict=True, reason=DIFFERENT_ON_PURPOSE[name])(
            ported
        )
    return ported


for _name, _func in vars(suite).copy().items():
    if _name.startswith("test_") and isinstance(_func, types.FunctionType):
        _ported = _port(_name, _func)
        if _ported is not None:
            globals()[_name] = _ported


def test_the_suite_was_found_and_ported():
    ported = [n for n in globals() if n.startswith("test_") and n != _THIS]
    assert len(ported) >= 30, ported


_THIS = "test_the_suite_was_found_and_ported"
