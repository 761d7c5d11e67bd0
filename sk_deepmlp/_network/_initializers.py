"""Weight initialisation schemes.

Each scheme is ``init(fan_in, fan_out, activation, random_state) -> (W, b)`` with
``W`` of shape ``(fan_in, fan_out)`` and ``b`` of shape ``(fan_out,)``, in
float64 (the caller casts). Weights are never all equal: every unit of a layer
would then receive the same gradient and stay a copy of its neighbours.
"""

import numpy as np


def glorot_uniform(fan_in, fan_out, activation, random_state):
    """MLPClassifier's scheme: W and b ~ U(-r, r), r = sqrt(6 / (fan_in + fan_out)).

    The factor is 2 instead of 6 for the logistic activation. The draws happen
    in MLPClassifier's order (W, then b), so that the same ``random_state``
    gives the same starting point as scikit-learn's estimator.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    bound = np.sqrt(factor / (fan_in + fan_out))
    W = random_state.uniform(-bound, bound, (fan_in, fan_out))
    b = random_state.uniform(-bound, bound, fan_out)
    return W, b


def glorot_normal(fan_in, fan_out, activation, random_state):
    """W ~ N(0, 2 / (fan_in + fan_out)), b = 0: Glorot's variance, Gaussian draws."""
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return random_state.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def he_uniform(fan_in, fan_out, activation, random_state):
    """W ~ U(-r, r), r = sqrt(6 / fan_in), b = 0: variance 2 / fan_in, for ReLUs."""
    bound = np.sqrt(6.0 / fan_in)
    W = random_state.uniform(-bound, bound, (fan_in, fan_out))
    return W, np.zeros(fan_out)


def he_normal(fan_in, fan_out, activation, random_state):
    """W ~ N(0, 2 / fan_in), b = 0: keeps the signal's scale through ReLU layers."""
    std = np.sqrt(2.0 / fan_in)
    return random_state.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def lecun_normal(fan_in, fan_out, activation, random_state):
    """W ~ N(0, 1 / fan_in), b = 0: the variance that SELU's self-normalising
    property assumes (a plain normal, where Keras truncates at 2 std)."""
    std = np.sqrt(1.0 / fan_in)
    return random_state.normal(0.0, std, (fan_in, fan_out)), np.zeros(fan_out)


def small_random(fan_in, fan_out, activation, random_state):
    """W = 0.01 * N(0, 1), b = 0: the classic course scheme.

    Fine for shallow networks; in deep ones the signal shrinks by about
    ``0.01 * sqrt(fan_in)`` per layer and vanishes.
    """
    return 0.01 * random_state.standard_normal((fan_in, fan_out)), np.zeros(fan_out)


INITIALIZERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_normal": lecun_normal,
    "small_random": small_random,
}
