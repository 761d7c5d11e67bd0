"""An optional tqdm progress bar for long fits."""


class _NoBar:
    """Stands in for a progress bar when none is wanted."""

    def update(self, n=1):
        pass

    def set_postfix(self, **values):
        pass

    def close(self):
        pass


def progress_bar(enabled, total, unit):
    """A tqdm bar of ``total`` steps, or a silent stand-in when not ``enabled``."""
    if not enabled:
        return _NoBar()
    try:
        from tqdm.auto import tqdm
    except ImportError as error:
        raise ImportError(
            "progress_bar=True needs tqdm, an optional dependency: "
            "pip install 'sk-deepmlp[progress]' (or pip install tqdm)."
        ) from error
    return tqdm(total=total, unit=unit, desc="DeepMLPClassifier")
