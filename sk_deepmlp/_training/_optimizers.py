"""Optimisers. They know nothing of the estimator.

A stochastic optimiser is built from the list of parameter arrays and exposes
``update_params(params, grads)``, which updates the arrays in place, plus two
hooks the training loop calls: ``iteration_ends(time_step)`` after each epoch
and ``trigger_stopping(msg, verbose)`` when the loss stops improving. The
estimator passes a one-element list (its flat parameter vector); any list of
arrays works.

``copy()`` gives an independent optimiser with the same state: the estimator
trains a ``partial_fit`` or warm start on a copy, so that a call that fails
leaves the previous state untouched, and a model loaded read-only (joblib's
``mmap_mode="r"``) continues in writeable memory.
"""

import copy
import math
import warnings

import numpy as np
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning

from ._schedules import plateau_step
from ._threads import scipy_own_blas_on_one_thread


def axpy(a, x, y, work):
    """``y += a * x`` in place, with ``work`` (shaped like ``x``) as scratch.

    NumPy has no fused multiply-add, and SciPy's BLAS axpy would start a
    second OpenBLAS thread pool that fights NumPy's for the cores.
    """
    np.multiply(x, a, out=work)
    y += work
    return y


class BaseOptimizer:
    """Common state: the initial and the current learning rate.

    Subclasses name their per-parameter state arrays in ``_state_names`` (one
    list of arrays, shaped like the parameters, per name) and call ``_bind``
    once those lists exist.
    """

    _state_names = ()
    #: A ``_schedules.Schedule`` consulted at each epoch, or None
    schedule = None
    epoch = 0

    def __init__(self, learning_rate_init):
        # Python floats: with NumPy float64 scalars, NumPy (NEP 50) would compute
        # every step on float32 arrays in float64, through a slow casting loop
        self.learning_rate_init = float(learning_rate_init)
        self.learning_rate = self.learning_rate_init

    def _bind(self):
        """Zip each parameter's state arrays with a work array of its own, so
        that steps allocate nothing."""
        lists = [getattr(self, name) for name in self._state_names]
        scratch = [np.empty_like(a) for a in lists[0]]
        self._states = list(zip(*lists, scratch))

    def update_params(self, params, grads):
        """Apply one step to each array of ``params``, in place."""
        for param, grad, state in zip(params, grads, self._states):
            self._step(param, grad, *state)

    @property
    def base_rate(self):
        """The step size before any per-step correction, which decoupled
        weight decay scales with (the learning rate of SGD and RMSprop)."""
        return self.learning_rate

    def set_base_rate(self, rate):
        """Set the step size, as a schedule does at the start of an epoch."""
        self.learning_rate = float(rate)

    def follow(self, schedule):
        """Take the step size of each epoch from ``schedule`` from now on."""
        self.schedule, self.epoch = schedule, 0
        self.set_base_rate(schedule.rate(0))
        return self

    def copy(self):
        """An independent optimiser with the same state, in writeable memory."""
        new = copy.copy(self)
        new.schedule = copy.copy(self.schedule)  # 'plateau' changes its own
        for name in self._state_names:
            setattr(new, name, [np.array(a, copy=True) for a in getattr(self, name)])
        new._bind()
        return new

    def __getstate__(self):
        # the work arrays are scratch: pickles need not carry them
        state = self.__dict__.copy()
        state.pop("_states", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._bind()

    def iteration_ends(self, time_step):
        """Called at the end of each epoch with the number of samples seen."""
        if self.schedule is not None:
            self.epoch += 1
            self.set_base_rate(self.schedule.rate(self.epoch))

    def trigger_stopping(self, msg, verbose):
        """Decide whether training stops once the loss stopped improving:
        yes, unless a plateau rule lowers the step size instead."""
        lowered = self._lower_on_plateau()
        if lowered is None:
            if verbose:
                print(msg + " Stopping.")
            return True
        if not lowered:
            if verbose:
                print(msg + " Learning rate too small. Stopping.")
            return True
        if verbose:
            print(msg + f" Setting learning rate to {self.base_rate:f}")
        return False

    def _lower_on_plateau(self):
        """Apply the plateau rule (``_schedules.plateau_step``): None where
        there is none, else whether the lowered step size goes on."""
        if self.schedule is None or self.schedule.kind != "plateau":
            return None
        if not self.schedule.reduce():
            return False
        self.set_base_rate(self.schedule.current)
        return True


class SGDOptimizer(BaseOptimizer):
    """Mini-batch SGD with momentum, optional Nesterov momentum and LR schedules.

    ``v = mu v - eta g; theta += v``, or with Nesterov ``theta += mu v - eta g``.

    Parameters
    ----------
    params : list of ndarray
    learning_rate_init : float
    lr_schedule : {"constant", "invscaling", "adaptive"}
        ``invscaling``: ``eta_t = eta_0 / (t + 1) ** power_t`` with ``t`` the
        number of samples seen; ``adaptive``: divide ``eta`` by 5 each time the
        loss stops improving, and stop once it falls below 1e-6.
    momentum : float
    nesterov : bool
    power_t : float
    """

    _state_names = ("velocities",)

    def __init__(
        self,
        params,
        learning_rate_init=0.1,
        lr_schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        super().__init__(learning_rate_init)
        self.lr_schedule = lr_schedule
        self.momentum = float(momentum)  # see BaseOptimizer
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocities = [np.zeros_like(p) for p in params]
        self._bind()

    def _step(self, param, grad, velocity, work):
        lr, mu = self.learning_rate, self.momentum
        velocity *= mu
        axpy(-lr, grad, velocity, work)  # v = mu v - lr g
        if self.nesterov:
            param += work  # theta += mu v - lr g, with work = -lr g
            axpy(mu, velocity, param, work)
        else:
            param += velocity

    def iteration_ends(self, time_step):
        super().iteration_ends(time_step)
        if self.lr_schedule == "invscaling":
            try:
                self.learning_rate = (
                    float(self.learning_rate_init) / (time_step + 1) ** self.power_t
                )
            except OverflowError:
                # (t + 1) ** power_t beyond the float range (power_t=1e3): the
                # rate is below the smallest float, where MLPClassifier raises
                self.learning_rate = 0.0

    def _lower_on_plateau(self):
        if self.lr_schedule != "adaptive":
            return super()._lower_on_plateau()
        rate, go_on = plateau_step(self.learning_rate, "adaptive")
        if go_on:
            self.learning_rate = rate
        return go_on


class AdamOptimizer(BaseOptimizer):
    """Adam (Kingma and Ba, 2014).

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``eta_t = eta sqrt(1 - b2^t) / (1 - b1^t)``,
    ``theta -= eta_t m / (sqrt(v) + eps)``.

    The step is memory-bound (the moment vectors do not stay in cache between
    batches), so the moments are kept pre-scaled, ``ms = m / (1 - b1)`` and
    ``vs = v / (1 - b2)``, which saves two passes: ``ms = b1 ms + g``,
    ``vs = b2 vs + g^2``, and the constants move into the scalar factors.
    """

    _state_names = ("ms", "vs")

    def __init__(
        self, params, learning_rate_init=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8
    ):
        super().__init__(learning_rate_init)
        self.beta_1 = float(beta_1)  # see BaseOptimizer
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]
        self._bind()

    @property
    def base_rate(self):
        """Adam's step size before its bias correction, as in AdamW."""
        return self.learning_rate_init

    def set_base_rate(self, rate):
        # the bias correction of each step multiplies this one
        self.learning_rate_init = float(rate)

    def update_params(self, params, grads):
        # one time step per call, whatever the number of arrays
        self.t += 1
        # math.sqrt keeps it a Python float (see BaseOptimizer)
        self.learning_rate = (
            self.learning_rate_init
            * math.sqrt(1 - self.beta_2**self.t)
            / (1 - self.beta_1**self.t)
        )
        super().update_params(params, grads)

    def _step(self, param, grad, m, v, work):
        m *= self.beta_1
        m += grad
        v *= self.beta_2
        np.multiply(grad, grad, out=work)
        v += work
        # eta_t m / (sqrt(v) + eps), with m and v scaled back by their factors
        root = math.sqrt(1 - self.beta_2)
        np.sqrt(v, out=work)
        work += self.epsilon / root
        np.divide(m, work, out=work)
        work *= -self.learning_rate * (1 - self.beta_1) / root
        param += work


class RMSpropOptimizer(BaseOptimizer):
    """RMSprop (Hinton, 2012): steps scaled by a running RMS of the gradient.

    ``s = rho s + (1 - rho) g^2``, ``theta -= eta g / (sqrt(s) + eps)``, with
    ``rho`` given by the estimator's ``beta_2``. Unlike Adam it keeps no
    momentum and no bias correction.
    """

    _state_names = ("squares",)

    def __init__(self, params, learning_rate_init=0.001, rho=0.9, epsilon=1e-8):
        super().__init__(learning_rate_init)
        self.rho = float(rho)  # see BaseOptimizer
        self.epsilon = float(epsilon)
        self.squares = [np.zeros_like(p) for p in params]
        self._bind()

    def _step(self, param, grad, square, work):
        square *= self.rho
        np.multiply(grad, grad, out=work)
        work *= 1 - self.rho
        square += work
        np.sqrt(square, out=work)
        work += self.epsilon
        np.divide(grad, work, out=work)
        work *= -self.learning_rate
        param += work


def clip_grad_norm(grad, max_norm):
    """Scale ``grad`` in place so that its L2 norm is at most ``max_norm``.

    One global norm over all parameters (not one per layer), so the
    direction of the step is kept and only its length is capped:
    ``g <- g * min(1, max_norm / ||g||)``. Returns the norm before clipping.
    """
    norm = math.sqrt(float(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= max_norm / norm
    return norm


def decay_weights(weights, rate):
    """Decoupled weight decay, in place: ``W <- (1 - rate) W``.

    ``rate`` is the optimiser's base step size times ``weight_decay``
    (Loshchilov and Hutter, 2019: AdamW). Unlike the L2 penalty ``alpha``,
    it does not go through the gradient, so Adam's and RMSprop's per-weight
    scaling does not weaken it for weights with large gradients.
    """
    weights *= 1.0 - rate
    return weights


#: ``solver`` parameter value -> stochastic optimiser class.
STOCHASTIC_OPTIMIZERS = {
    "sgd": SGDOptimizer,
    "adam": AdamOptimizer,
    "rmsprop": RMSpropOptimizer,
}


def minimize_lbfgs(fun, x0, *, max_iter, max_fun, tol, callback=None):
    """Minimise ``fun(x) -> (loss, grad)`` with scipy's L-BFGS-B.

    Returns scipy's ``OptimizeResult``; warns with a ``ConvergenceWarning``
    when L-BFGS stopped before converging (``max_iter`` or ``max_fun``
    reached, or a failed line search).
    """
    with scipy_own_blas_on_one_thread():
        result = scipy.optimize.minimize(
            fun,
            x0,
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
        )
    # status 99: a callback raised StopIteration, a stop asked for, not a failure
    if result.status not in (0, 99):
        message = result.message
        if isinstance(message, bytes):
            message = message.decode("latin1")
        warnings.warn(
            f"lbfgs failed to converge after {result.nit} iterations "
            f"(status={result.status}): {message}. Increase max_iter or max_fun, "
            "or scale the data, e.g. with StandardScaler.",
            ConvergenceWarning,
        )
    return result
