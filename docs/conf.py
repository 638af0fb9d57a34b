"""Sphinx configuration: builds offline (no intersphinx, no remote assets)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

project = "resourceful"
author = "The resourceful developers"
copyright = "2026, the resourceful developers"

extensions = ["myst_parser", "sphinx.ext.autodoc"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

html_theme = "alabaster"
html_static_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False}
# Our docstrings link to pages and classes that are documented in prose, not all by autodoc.
suppress_warnings = ["ref.doc", "myst.xref_missing"]
nitpicky = False
