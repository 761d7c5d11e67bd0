"""sk-deepmlp: a scikit-learn compatible deep multilayer perceptron on NumPy."""

from ._classifier import DeepMLPClassifier

__version__ = "0.1.0"
__all__ = ["DeepMLPClassifier", "__version__"]
