"""Sphinx configuration of the distreg documentation.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (the test suite
runs the same build, so the docs never rot). Family pages are ``docs/<family>.rst``; the
toctree in ``index.rst`` picks them up by glob, so adding a page needs no edit here.
"""

import os
import sys

# document the source tree this file belongs to, not some other installed copy
sys.path.insert(0, os.path.abspath(".."))

import distreg  # noqa: E402

project = "distreg"
author = "distreg developers"
copyright = "distreg developers"
release = distreg.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints"]
templates_path = []
html_theme = "alabaster"
html_static_path = []

autodoc_default_options = {
    "members": True,
    "member-order": "bysource",
    # scikit-learn's metadata-routing helpers carry docstrings that reference sklearn's own docs
    "exclude-members": "set_fit_request, set_score_request, set_predict_request, get_metadata_routing",
}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
numpydoc_show_class_members = False  # autodoc lists the members; avoid numpydoc's duplicate tables
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
