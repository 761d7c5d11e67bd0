"""Sphinx configuration: python -m sphinx -W -b html docs docs/_build/html"""

import os
import sys

import sk_deepmlp

# gallery_order.py, beside this file, sorts the examples gallery
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

project = "sk-deepmlp"
author = "the sk-deepmlp developers"
copyright = "2026, the sk-deepmlp developers"
release = version = sk_deepmlp.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    # MathJax copied into the built pages, so that the equations render
    # without internet (the default loads it from a CDN)
    "sphinx-mathjax-offline",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
templates_path = ["_templates"]
numpydoc_show_class_members = False  # autosummary lists them
exclude_patterns = ["_build"]

# the examples gallery: each script of examples/ run at build time, its code
# shown cell by cell with the figures and the printed output
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": "/plot_",
    "within_subsection_order": "gallery_order.QuickStartFirst",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    # no timing pages: they load their table styling from a CDN
    "write_computation_times": False,
}
html_theme = "alabaster"
html_theme_options = {
    "description": "Deep MLP classifiers and regressors for scikit-learn",
    # wider than alabaster's 940px, for the parameter tables and code
    "page_width": "1120px",
}
# custom.css: code blocks wrap rather than being clipped (alabaster loads it)
html_static_path = ["_static"]

# figures of the user guide and the examples, drawn at build time
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 90)]
plot_rcparams = {"figure.max_open_warning": 0}

# numpydoc validates the docstrings of our public objects at build time (with
# -W, a violation fails the build). Left out: GL08 (a private helper without
# a docstring), SA01/EX01 (See Also and Examples are for the main entries),
# ES01 (an extended summary is not always needed), RT02 (a named return is
# our style), and the methods inherited from scikit-learn, whose docstrings
# are not ours.
numpydoc_validation_checks = {"all", "GL08", "SA01", "EX01", "ES01", "RT02"}
numpydoc_validation_exclude = {
    r"\.get_params$",
    r"\.set_params$",
    r"\.set_callbacks$",
    r"\.get_metadata_routing$",
    r"\.set_\w+_request$",
    r"\.__init__$",
}
