"""sk-deepmlp: a scikit-learn compatible deep multilayer perceptron on NumPy."""

import sys as _sys

from . import _estimator, _training
from ._display import LossCurveDisplay
from ._estimator._classifier import DeepMLPClassifier
from ._estimator._gradient_check import check_gradients
from ._estimator._recommended import recommended_params
from ._estimator._regressor import DeepMLPRegressor

__version__ = "0.1.0"

# Pickles name classes by module path. Until issue 32 every module sat flat in
# sk_deepmlp/, so a pickle written then names sk_deepmlp._classifier (the
# estimator), _regressor, _optimizers (the optimiser kept for warm start, with
# its schedule from _schedules) and _stopping (the stopping record). Those
# paths stay importable, as the modules that now hold the classes.
for _old, _new in {
    "_classifier": _estimator._classifier,
    "_regressor": _estimator._regressor,
    "_optimizers": _training._optimizers,
    "_schedules": _training._schedules,
    "_stopping": _training._stopping,
}.items():
    _sys.modules[f"{__name__}.{_old}"] = _new
del _old, _new

__all__ = [
    "DeepMLPClassifier",
    "DeepMLPRegressor",
    "LossCurveDisplay",
    "check_gradients",
    "recommended_params",
    "__version__",
]
