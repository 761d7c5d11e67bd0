"""Sphinx configuration: python -m sphinx -W -b html docs docs/_build/html"""

import sk_deepmlp

project = "sk-deepmlp"
author = "the sk-deepmlp developers"
copyright = "2026, the sk-deepmlp developers"
release = version = sk_deepmlp.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "matplotlib.sphinxext.plot_directive",
]

autosummary_generate = True
templates_path = ["_templates"]
numpydoc_show_class_members = False  # autosummary lists them
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_theme_options = {"description": "A deep MLP classifier for scikit-learn"}

# figures of the user guide and the examples, drawn at build time
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 90)]
plot_rcparams = {"figure.max_open_warning": 0}
