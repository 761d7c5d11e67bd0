"""An optional tqdm progress bar for long fits."""

import threading
import warnings
from contextlib import contextmanager

#: How to install the optional dependency, from a clone of the repository or
#: from an index; the package name alone is not enough for a local checkout.
INSTALL_HINT = 'pip install ".[progress]" in a clone of sk-deepmlp, or pip install tqdm'


class _NoBar:
    """Stands in for a progress bar when none is wanted."""

    def update(self, n=1):
        pass

    def set_postfix(self, **values):
        pass

    def close(self):
        pass


def require_tqdm(enabled):
    """Raise an ImportError that says how to install tqdm when it is needed.

    Called before a fit touches any state, so that a missing tqdm cannot leave
    a half-initialised model behind.
    """
    if not enabled:
        return
    try:
        import tqdm.auto  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"progress_bar=True needs tqdm, an optional dependency: {INSTALL_HINT}."
        ) from error


def progress_bar(enabled, total, unit, desc="DeepMLP"):
    """A tqdm bar of ``total`` steps, or a silent stand-in when not ``enabled``."""
    if not enabled:
        return _NoBar()
    require_tqdm(enabled)
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=unit, desc=desc)


#: Held while a fit holds back its warnings (re-entrant: a callback's own fit
#: with a bar, in the same thread, goes through)
_deferring = threading.RLock()


@contextmanager
def deferred_warnings(enabled):
    """Hold back the warnings raised inside, and show them on leaving.

    A warning printed while a bar redraws itself on the same terminal line
    comes out torn in two; held back, it is shown once the bar has closed.
    The filters still apply when a warning is raised (an "error" filter still
    raises at once); the held-back ones go through them again when re-issued,
    so that pytest.warns and catch_warnings see them as usual.

    ``catch_warnings`` swaps the warnings module's global state (before
    Python 3.14), so two of them interleaved in threads could leave another
    fit's state behind, warnings silenced for good. Fits with a bar
    therefore hold back their warnings one at a time: a second waits for the
    first to finish.
    """
    if not enabled:
        yield
        return
    with _deferring, warnings.catch_warnings(record=True) as caught:
        try:
            yield
        finally:
            held = list(caught)
    for w in held:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
