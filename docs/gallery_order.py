"""The order of the examples gallery: the quick start first, then the others
by file name. Sphinx-gallery imports it by its dotted name (a class object in
conf.py could not be cached between builds)."""

FIRST = "plot_quickstart.py"


class QuickStartFirst:
    """Sort key: the quick start, then every other example by file name.

    Sphinx-gallery builds it with the examples' folder and calls it with
    each file name, as its own ``FileNameSortKey``.
    """

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        return (filename != FIRST, filename)

    def __repr__(self):
        # sphinx-gallery compares configurations between builds by repr
        return f"<{type(self).__name__}>"
