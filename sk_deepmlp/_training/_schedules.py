"""Learning-rate schedules: the step size of each epoch.

A schedule knows the initial step size ``eta0`` and maps an epoch number (0
for the first) to a step size; the optimiser consults it at the start of
every epoch and knows nothing else of it. Every schedule can start with a
linear warm-up of ``warmup`` epochs, ``eta0 (e + 1) / (warmup + 1)`` for
epoch ``e < warmup``, after which ``k = e - warmup`` counts the epochs of the
schedule proper:

- ``constant``: ``eta0``;
- ``cosine``: ``floor + (eta0 - floor) (1 + cos(pi k / K)) / 2``, from
  ``eta0`` down to ``floor`` over ``K = horizon - warmup`` epochs, then
  ``floor``;
- ``exponential``: ``max(floor, eta0 decay^k)`` (``decay`` 0.95 by default);
- ``inverse_time``: ``max(floor, eta0 / (1 + decay k))`` (``decay`` 0.1 by
  default);
- ``plateau``: ``eta0``, multiplied by ``decay`` (0.2 by default, MLPClassifier's
  'adaptive' division by 5) each time the monitored quantity stops improving;
  training stops once the step falls below ``max(floor, 1e-6)``.
"""

import math

#: The schedules above, with the default of their ``decay``.
DEFAULT_DECAY = {
    "constant": None,
    "cosine": None,
    "exponential": 0.95,
    "inverse_time": 0.1,
    "plateau": 0.2,
}


class Schedule:
    """The step size of each epoch, for any stochastic optimiser.

    Parameters
    ----------
    kind : str
        A key of ``DEFAULT_DECAY``.
    eta0 : float
        The initial step size (``learning_rate_init``).
    warmup : int, default=0
        Epochs of linear warm-up before the schedule proper.
    decay : float or None, default=None
        The schedule's rate; None takes ``DEFAULT_DECAY[kind]``.
    floor : float, default=0.0
        The smallest step size of the decaying schedules.
    horizon : int, default=200
        The epoch by which 'cosine' reaches ``floor`` (``max_iter``).
    """

    def __init__(self, kind, eta0, warmup=0, decay=None, floor=0.0, horizon=200):
        self.kind = kind
        self.eta0 = float(eta0)
        self.warmup = int(warmup)
        decay = DEFAULT_DECAY[kind] if decay is None else decay
        self.decay = None if decay is None else float(decay)
        self.floor = float(floor)
        self.horizon = int(horizon)
        self.current = self.eta0  # 'plateau' lowers it

    def rate(self, epoch):
        """The step size of epoch ``epoch`` (0 for the first)."""
        if epoch < self.warmup:
            return self.eta0 * (epoch + 1) / (self.warmup + 1)
        k = epoch - self.warmup
        if self.kind == "cosine":
            span = max(self.horizon - self.warmup, 1)
            cosine = (1 + math.cos(math.pi * min(k, span) / span)) / 2
            return self.floor + (self.eta0 - self.floor) * cosine
        if self.kind == "exponential":
            return max(self.floor, self.eta0 * self.decay**k)
        if self.kind == "inverse_time":
            return max(self.floor, self.eta0 / (1 + self.decay * k))
        return self.current  # constant, or plateau as lowered so far

    def reduce(self):
        """'plateau': lower the step size; False once it is too small to go on."""
        self.current, go_on = plateau_step(
            self.current, "plateau", self.decay, self.floor
        )
        return go_on


def plateau_step(rate, rule, decay=None, floor=0.0):
    """The step size once the monitored quantity stopped improving, and
    whether training goes on: the one home of both plateau rules.

    - ``"adaptive"``, MLPClassifier's (sgd only): stop once the rate is at
      most 1e-6; else divide it by 5.
    - ``"plateau"``, every solver's: multiply it by ``decay``; stop once the
      result is below ``max(floor, 1e-6)``.

    The two differ in their arithmetic (a division, a product) and in when
    they look (before and after lowering): each keeps its own, so that
    'adaptive' stays MLPClassifier's to the bit.
    """
    if rule == "adaptive":
        if rate <= 1e-6:
            return rate, False
        return rate / 5.0, True
    lowered = rate * decay
    return lowered, lowered >= max(floor, 1e-6)
