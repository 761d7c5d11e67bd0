"""sk-deepmlp: a scikit-learn compatible deep multilayer perceptron on NumPy."""

from ._classifier import DeepMLPClassifier
from ._display import LossCurveDisplay
from ._gradient_check import check_gradients
from ._recommended import recommended_params
from ._regressor import DeepMLPRegressor

__version__ = "0.1.0"
__all__ = [
    "DeepMLPClassifier",
    "DeepMLPRegressor",
    "LossCurveDisplay",
    "check_gradients",
    "recommended_params",
    "__version__",
]
