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
Three rules keep such fits independent of each other (issue 32):

- Every change is made on one thread of ours, the BLAS thread, and checked
  from the fitting thread. threadpoolctl 3.8 lets only the first thread that
  set an OpenBLAS (pthreads) limit change it again and silently ignores the
  others, so a limit set by one fit's thread and restored by another's
  stayed for the rest of the process. A change that did not take effect
  (another thread of the user's controls OpenBLAS; an OpenMP BLAS, whose
  limits hold for the thread that set them) is undone, and the fit runs on
  the count it found.
- The first fit to enter sets a limit and the last to leave restores it, so
  that a fit ending while another runs cannot leave BLAS limited, or
  unlimited, for good.
- A fit that runs NumPy's BLAS on one thread and a fit that keeps every
  thread never run at once: the second waits for the first. Either would
  otherwise train on the other's count and round differently from the same
  fit run alone.
"""

import functools
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext

import scipy
import threadpoolctl
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


class _BlasThread:
    """The one thread on which every limit is set and restored."""

    def __init__(self):
        self._executor = None
        self._lock = threading.Lock()

    def run(self, function, *args):
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(1, "sk_deepmlp-blas")
        return self._executor.submit(function, *args).result()

    def forget(self):
        """In a forked child: the thread did not come along, make a new one."""
        self._executor = None
        self._lock = threading.Lock()


_BLAS_THREAD = _BlasThread()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_BLAS_THREAD.forget)


def _release_control():
    """Let other threads set OpenBLAS limits again (threadpoolctl 3.8 and
    newer; before 3.8 any thread could, and there is nothing to release)."""
    openblas = getattr(threadpoolctl, "OpenBLASController", None)
    clear = getattr(openblas, "clear_controlling_thread", None)
    if clear is not None:
        clear()


def _counts(selection):
    # each library's own count, without the rest of info()'s description
    return [lib.get_num_threads() for lib in selection.lib_controllers]


def _set(selection, counts):
    """Give each library of ``selection`` its count, from the BLAS thread."""
    for lib, count in zip(selection.lib_controllers, counts):
        lib.set_num_threads(count)


class SharedLimit:
    """A reference-counted limit of some BLAS libraries to one thread.

    ``start()`` returns the threadpoolctl selection to limit, or None when
    there is nothing to limit; ``with shared():`` limits it for the first
    caller in and restores it when the last one leaves.
    """

    def __init__(self, start):
        self.start = start
        self.users = 0
        self._lock = threading.Lock()
        self._limited = None  # (selection, the counts it had before)

    def _limit(self):
        selection = self.start()
        if selection is None:
            return None
        before = _counts(selection)
        _BLAS_THREAD.run(_set, selection, [1] * len(before))
        if any(count != 1 for count in _counts(selection)):  # seen from here
            self._restore(selection, before)
            return None
        return selection, before

    @staticmethod
    def _restore(selection, before):
        def restore():
            _set(selection, before)
            _release_control()

        _BLAS_THREAD.run(restore)

    @contextmanager
    def __call__(self):
        with self._lock:
            if self.users == 0:
                self._limited = self._limit()
            self.users += 1
        try:
            yield
        finally:
            with self._lock:
                self.users -= 1
                if self.users == 0 and self._limited is not None:
                    self._restore(*self._limited)
                    self._limited = None


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


@functools.cache
def scipy_own_blas():
    """A threadpoolctl selection of the BLAS bundled with SciPy, or None
    where SciPy shares NumPy's (conda, Linux distributions).

    Found once: a ``ThreadpoolController`` reads every loaded library (3.6 ms
    here), which every lbfgs fit paid. SciPy's BLAS is loaded by then
    (``_optimizers`` imports ``scipy.optimize``, which loads it).
    """
    scipy_dir = os.path.dirname(os.path.realpath(scipy.__file__))
    return _own(ThreadpoolController(), scipy_dir, inside=True)


#: SciPy's own BLAS on one thread: L-BFGS-B calls it between two gradient
#: evaluations, and its idle workers then spin on the cores that NumPy's
#: products need (lbfgs fits ran about 9x slower).
scipy_own_blas_on_one_thread = SharedLimit(scipy_own_blas)

# NumPy's BLAS, found once (it is loaded with NumPy), and the thread count
# each of its libraries had then: a different count now is the user's choice
_numpy_blas = None
_started_with = {}


_numpy_blas_lock = threading.Lock()


def numpy_blas():
    """A threadpoolctl selection of the BLAS that NumPy's products use: every
    BLAS library but SciPy's own. None if threadpoolctl finds none."""
    global _numpy_blas
    # found once, under a lock: a second look, from a fit that started while
    # another held a limit, would take that limit for the starting count
    with _numpy_blas_lock:
        if _numpy_blas is None:
            scipy_dir = os.path.dirname(os.path.realpath(scipy.__file__))
            found = _own(ThreadpoolController(), scipy_dir, inside=False)
            if found is not None:
                _started_with.update(
                    (info["filepath"], info["num_threads"]) for info in found.info()
                )
            _numpy_blas = found or False
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
    return selection


numpy_blas_on_one_thread = SharedLimit(_start_numpy_limit)


class _Gate:
    """Lets in fits of one kind at a time, in the order they came.

    ``with gate(kind):`` waits while fits of another kind run, or while a fit
    of another kind that came earlier waits (so neither kind starves). A fit
    that calls ``fit`` again from within (a callback, a nested estimator)
    goes through: it runs on its caller's count.
    """

    def __init__(self):
        self._condition = threading.Condition()
        self._kind, self._inside = None, 0
        self._waiting = []  # (ticket, kind), oldest first
        self._tickets = 0
        self._here = threading.local()

    def _may_enter(self, ticket, kind):
        earlier = (k for t, k in self._waiting if t < ticket)
        return self._kind in (None, kind) and all(k == kind for k in earlier)

    @contextmanager
    def __call__(self, kind):
        if getattr(self._here, "inside", False):
            yield
            return
        with self._condition:
            ticket, self._tickets = self._tickets, self._tickets + 1
            self._waiting.append((ticket, kind))
            self._condition.wait_for(lambda: self._may_enter(ticket, kind))
            self._waiting.remove((ticket, kind))
            self._kind, self._inside = kind, self._inside + 1
        self._here.inside = True
        try:
            yield
        finally:
            self._here.inside = False
            with self._condition:
                self._inside -= 1
                if self._inside == 0:
                    self._kind = None
                self._condition.notify_all()


_gate = _Gate()


def largest_product(layer_units, rows):
    """Multiply-adds of the largest product of a training step on ``rows``
    rows: ``rows * n_in * n_out`` of the widest layer (forward and both
    backward products of a layer have the same count)."""
    return rows * max(a * b for a, b in zip(layer_units[:-1], layer_units[1:]))


def training_threads(layer_units, rows):
    """The context in which to train: NumPy's BLAS on one thread when the
    largest product per step is below ``ONE_THREAD_BELOW``."""
    if _SET_AT_START or numpy_blas() is None:
        return nullcontext()  # nothing that a fit changes: nothing to wait for
    if largest_product(layer_units, rows) >= ONE_THREAD_BELOW:
        return _gate("every thread")
    return _one_thread()


@contextmanager
def _one_thread():
    with _gate("one thread"), numpy_blas_on_one_thread():
        yield
