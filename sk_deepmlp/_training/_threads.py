"""BLAS threads during training: one where more cannot pay.

A training batch makes a few small matrix products. When another process
keeps a core busy, BLAS's threads wait for each other at every product: a
(128, 128) network on 1,000 rows fitted 2 to 2.7x slower than on an idle
machine, where a second thread had saved it only 1.3x
(``benchmarks/bench_threads.py`` measures both).
So a fit whose largest product per batch is below the cut-off runs NumPy's
BLAS on one thread, unless the user chose a thread count themselves
(``OPENBLAS_NUM_THREADS`` and its kin, or a threadpoolctl limit other than
the count the library started with). L-BFGS also runs the BLAS that SciPy
bundles on one thread, whatever the sizes (see ``minimize_lbfgs``).

Each limit holds for the whole process, since BLAS's thread count is global:
fits running in threads (a grid search with the threading backend) share it.
The first fit to enter sets it and the last to leave restores the original,
so that a fit ending while another runs cannot leave BLAS limited, or
unlimited, for good.
"""

import os
import threading
from contextlib import contextmanager, nullcontext

import scipy
from threadpoolctl import ThreadpoolController

#: Multiply-adds (m * k * n) of a batch's largest product below which training
#: runs NumPy's BLAS on one thread. Measured by benchmarks/bench_threads.py on
#: 2 cores with OpenBLAS: up to (128, 128) networks on batches of 200 (3.3e6)
#: all threads save at most 1.3x of a fit on an idle machine and cost 1.6 to
#: 1.9x with one core busy; from 5e6 on (bench_training.py's network, 5.1e6)
#: they save 1.3 to 1.6x, and those fits keep them, as fast as before.
ONE_THREAD_BELOW = 4_000_000

#: Environment variables by which a user sets BLAS's thread count.
_USER_VARIABLES = (
    "OPENBLAS_NUM_THREADS",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "GOTO_NUM_THREADS",
)
#: Whether one was set when this module was imported, after NumPy and its
#: BLAS: BLAS reads them as it loads, so only those set by then count (dask's
#: distributed sets them for its workers' sake in its own parent process,
#: where the BLAS already loaded keeps its threads)
_SET_AT_START = any(os.environ.get(name) for name in _USER_VARIABLES)


class SharedLimit:
    """A reference-counted limit of some BLAS libraries to one thread.

    ``start()`` returns a threadpoolctl limiter, or None when there is
    nothing to limit; ``with shared():`` applies it for the first caller in
    and restores it when the last one leaves.
    """

    def __init__(self, start):
        self.start = start
        self.users = 0
        self._lock = threading.Lock()
        self._limit = None

    @contextmanager
    def __call__(self):
        with self._lock:
            if self.users == 0:
                self._limit = self.start()
            self.users += 1
        try:
            yield
        finally:
            with self._lock:
                self.users -= 1
                if self.users == 0 and self._limit is not None:
                    self._limit.restore_original_limits()
                    self._limit = None


def _own(controller, directory, inside):
    """The BLAS libraries of ``controller`` whose file is (``inside=True``)
    or is not under ``directory`` (``directory.libs`` counts as under it)."""
    own = (directory + os.sep, directory + ".libs" + os.sep)
    paths = [
        lib.filepath
        for lib in controller.lib_controllers
        if lib.user_api == "blas"
        and os.path.realpath(lib.filepath).startswith(own) == inside
    ]
    return controller.select(filepath=paths) if paths else None


def scipy_own_blas():
    """A threadpoolctl selection of the BLAS bundled with SciPy, or None
    where SciPy shares NumPy's (conda, Linux distributions)."""
    scipy_dir = os.path.dirname(os.path.realpath(scipy.__file__))
    return _own(ThreadpoolController(), scipy_dir, inside=True)


def _start_scipy_limit():
    own = scipy_own_blas()
    return None if own is None else own.limit(limits=1)


#: SciPy's own BLAS on one thread: L-BFGS-B calls it between two gradient
#: evaluations, and its idle workers then spin on the cores that NumPy's
#: products need (lbfgs fits ran about 9x slower).
scipy_own_blas_on_one_thread = SharedLimit(_start_scipy_limit)

# NumPy's BLAS, found once (it is loaded with NumPy), and the thread count
# each of its libraries had then: a different count now is the user's choice
_numpy_blas = None
_started_with = {}


def numpy_blas():
    """A threadpoolctl selection of the BLAS that NumPy's products use: every
    BLAS library but SciPy's own. None if threadpoolctl finds none."""
    global _numpy_blas
    if _numpy_blas is None:
        scipy_dir = os.path.dirname(os.path.realpath(scipy.__file__))
        _numpy_blas = _own(ThreadpoolController(), scipy_dir, inside=False) or False
        if _numpy_blas:
            _started_with.update(
                (info["filepath"], info["num_threads"]) for info in _numpy_blas.info()
            )
    return _numpy_blas or None


def user_chose_threads(selection):
    """Whether the user set BLAS's thread count: an environment variable when
    the process started, or a count other than the one each library started
    with (a threadpoolctl limit)."""
    if _SET_AT_START:
        return True
    return any(
        info["num_threads"] != _started_with.get(info["filepath"])
        for info in selection.info()
    )


def _start_numpy_limit():
    selection = numpy_blas()
    if selection is None or user_chose_threads(selection):
        return None
    return selection.limit(limits=1)


numpy_blas_on_one_thread = SharedLimit(_start_numpy_limit)


def largest_product(layer_units, rows):
    """Multiply-adds of the largest product of a training step on ``rows``
    rows: ``rows * n_in * n_out`` of the widest layer (forward and both
    backward products of a layer have the same count)."""
    return rows * max(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))


def training_threads(layer_units, rows):
    """The context in which to train: NumPy's BLAS on one thread when the
    largest product per step is below ``ONE_THREAD_BELOW``."""
    if largest_product(layer_units, rows) >= ONE_THREAD_BELOW:
        return nullcontext()
    return numpy_blas_on_one_thread()
