"""Optimiser updates against their closed forms."""

import os
import tracemalloc

import numpy as np
import pytest
import scipy
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info

from sk_deepmlp import DeepMLPClassifier
from sk_deepmlp._training._optimizers import (
    AdamOptimizer,
    RMSpropOptimizer,
    SGDOptimizer,
    minimize_lbfgs,
)

G1, G2 = np.array([0.5, -2.0, 0.0]), np.array([-1.0, 0.25, 3.0])


def _two_steps(optimizer, theta0):
    params = [theta0.copy()]
    optimizer.update_params(params, [G1])
    optimizer.update_params(params, [G2])
    return params[0]


def test_plain_sgd():
    theta0 = np.array([1.0, 2.0, 3.0])
    opt = SGDOptimizer([theta0], learning_rate_init=0.1, momentum=0.0, nesterov=False)
    np.testing.assert_allclose(_two_steps(opt, theta0), theta0 - 0.1 * G1 - 0.1 * G2)


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_with_momentum(nesterov):
    theta0, lr, mu = np.array([1.0, 2.0, 3.0]), 0.1, 0.9
    opt = SGDOptimizer([theta0], lr, momentum=mu, nesterov=nesterov)
    v1 = -lr * G1
    v2 = mu * v1 - lr * G2
    if nesterov:
        expected = theta0 + (mu * v1 - lr * G1) + (mu * v2 - lr * G2)
    else:
        expected = theta0 + v1 + v2
    np.testing.assert_allclose(_two_steps(opt, theta0), expected)


def test_adam():
    theta0, lr, b1, b2, eps = np.array([1.0, 2.0, 3.0]), 0.01, 0.9, 0.999, 1e-8
    opt = AdamOptimizer([theta0], lr, b1, b2, eps)
    m1, v1 = (1 - b1) * G1, (1 - b2) * G1**2
    m2, v2 = b1 * m1 + (1 - b1) * G2, b2 * v1 + (1 - b2) * G2**2
    lr1 = lr * np.sqrt(1 - b2) / (1 - b1)
    lr2 = lr * np.sqrt(1 - b2**2) / (1 - b1**2)
    expected = theta0 - lr1 * m1 / (np.sqrt(v1) + eps) - lr2 * m2 / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(_two_steps(opt, theta0), expected)
    assert opt.t == 2


def test_optimizers_update_every_array_of_the_list():
    params = [np.ones(2), np.ones((2, 2))]
    SGDOptimizer(params, 0.5, momentum=0.0).update_params(
        params, [np.ones(2), np.ones((2, 2))]
    )
    assert all(np.allclose(p, 0.5) for p in params)


def test_invscaling_schedule():
    opt = SGDOptimizer([G1], 0.1, lr_schedule="invscaling", power_t=0.5)
    opt.iteration_ends(99)
    assert opt.learning_rate == pytest.approx(0.1 / 100**0.5)


def test_adaptive_schedule_divides_by_five_then_stops():
    opt = SGDOptimizer([G1], 1e-5, lr_schedule="adaptive")
    assert opt.trigger_stopping("no improvement.", verbose=False) is False
    assert opt.learning_rate == pytest.approx(2e-6)
    assert opt.trigger_stopping("no improvement.", verbose=False) is False
    assert opt.trigger_stopping("no improvement.", verbose=False) is True


def test_constant_schedule_stops_at_once():
    opt = SGDOptimizer([G1], 0.1, lr_schedule="constant")
    assert opt.trigger_stopping("no improvement.", verbose=False) is True


def test_lbfgs_minimises_a_quadratic_and_warns_when_cut_short():
    A = np.diag([1.0, 10.0, 100.0])
    target = np.array([1.0, -2.0, 3.0])

    def fun(x):
        r = x - target
        return 0.5 * r @ A @ r, A @ r

    result = minimize_lbfgs(fun, np.zeros(3), max_iter=100, max_fun=1000, tol=1e-10)
    np.testing.assert_allclose(result.x, target, rtol=1e-6)
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        minimize_lbfgs(fun, np.zeros(3), max_iter=1, max_fun=1000, tol=1e-10)


def _blas_threads():
    return {
        lib["filepath"]: lib["num_threads"]
        for lib in threadpool_info()
        if lib["user_api"] == "blas"
    }


def test_lbfgs_runs_scipys_own_blas_on_one_thread_and_leaves_numpys_alone():
    """SciPy's bundled OpenBLAS, idle between L-BFGS-B's calls, must not spin on
    the cores that NumPy's BLAS needs for the gradient."""
    scipy_dir = os.path.dirname(os.path.realpath(scipy.__file__))
    before = _blas_threads()
    scipy_own = [
        path
        for path in before
        if os.path.realpath(path).startswith(
            (scipy_dir + os.sep, scipy_dir + ".libs" + os.sep)
        )
    ]
    if not scipy_own:
        pytest.skip("SciPy shares NumPy's BLAS here: there is no second pool")
    seen = []

    def fun(x):
        seen.append(_blas_threads())
        return float(x @ x), 2 * x

    minimize_lbfgs(fun, np.ones(3), max_iter=5, max_fun=20, tol=1e-10)
    assert seen
    for threads in seen:
        for path, n in before.items():
            assert threads[path] == (1 if path in scipy_own else n), path
    assert _blas_threads() == before  # restored afterwards


def test_one_sgd_step_on_a_tiny_network_by_hand():
    """1 input -> 1 relu unit -> 1 sigmoid output, one sample x=1 of class 1.

    With W1 = 0.5, W2 = 1, zero biases: z1 = a1 = 0.5, z2 = 0.5,
    p = sigmoid(0.5) = 0.6224593, dZ2 = p - 1 = -0.3775407,
    dW2 = a1 dZ2 = -0.1887703, db2 = dZ2, dZ1 = dZ2 * W2 * relu'(z1) = dZ2,
    dW1 = x dZ1 = dZ2, db1 = dZ2. One step of SGD with rate 0.1 adds -0.1 * grad.
    """
    clf = DeepMLPClassifier(
        hidden_layer_sizes=(1,),
        solver="sgd",
        learning_rate_init=0.1,
        momentum=0.0,
        alpha=0.0,
        shuffle=False,
        random_state=0,
    )
    X, y = np.array([[1.0]]), np.array([1])
    clf.partial_fit(X, y, classes=[0, 1])  # initialises the network
    clf.coefs_ = [np.array([[0.5]]), np.array([[1.0]])]
    clf.intercepts_ = [np.array([0.0]), np.array([0.0])]
    clf.partial_fit(X, y)
    dZ2 = 1 / (1 + np.exp(-0.5)) - 1
    assert dZ2 == pytest.approx(-0.3775407, abs=1e-7)
    np.testing.assert_allclose(clf.coefs_[0], [[0.5 - 0.1 * dZ2]])
    np.testing.assert_allclose(clf.intercepts_[0], [-0.1 * dZ2])
    np.testing.assert_allclose(clf.coefs_[1], [[1.0 - 0.1 * 0.5 * dZ2]])
    np.testing.assert_allclose(clf.intercepts_[1], [-0.1 * dZ2])
    np.testing.assert_allclose(clf.coefs_[1], [[1.01887703]], rtol=1e-7)


def test_rmsprop():
    theta0, lr, rho, eps = np.array([1.0, 2.0, 3.0]), 0.01, 0.9, 1e-8
    opt = RMSpropOptimizer([theta0], lr, rho, eps)
    s1 = (1 - rho) * G1**2
    s2 = rho * s1 + (1 - rho) * G2**2
    expected = theta0 - lr * G1 / (np.sqrt(s1) + eps) - lr * G2 / (np.sqrt(s2) + eps)
    np.testing.assert_allclose(_two_steps(opt, theta0), expected)


@pytest.mark.parametrize(
    "make",
    [
        lambda p: AdamOptimizer(p, np.float64(1e-3), np.float64(0.9), np.float64(0.99)),
        lambda p: SGDOptimizer(p, np.float64(0.1), momentum=np.float64(0.9)),
        lambda p: RMSpropOptimizer(p, np.float64(1e-3), rho=np.float64(0.9)),
    ],
    ids=["adam", "sgd", "rmsprop"],
)
def test_float32_steps_allocate_nothing_with_numpy_scalar_hyperparameters(make):
    """NumPy float64 hyperparameters (from np.logspace, say) must not make
    float32 steps run in float64: NumPy's casting loop would allocate buffers
    and run several times slower."""
    params = [np.ones(100_000, np.float32)]
    grads = [np.full(100_000, 0.5, np.float32)]
    optimizer = make(params)
    optimizer.update_params(params, grads)  # the first step may set up state
    tracemalloc.start()
    optimizer.update_params(params, grads)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4096  # a casting buffer alone is 64 KB
    assert params[0].dtype == np.float32
