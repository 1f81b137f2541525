"""Where things are: the toolchain's own resources, and one book's inputs and outputs.

Two kinds of place.  The *resources* (templates/, styles/, the fonts) ship with the
toolchain and are the same for every book.  A *book* is a folder an editor owns
(book.yaml, sources, editor files) plus the build folder its outputs go to; the
demo book is manuscript/ with its outputs in build/.  Every stage takes its paths
from a `BookPaths`, so nothing else in the code spells out a build path.
"""

from __future__ import annotations

from pathlib import Path

# In a checkout the resources sit beside scripts/ (the layout an editor sees);
# an installed copy carries them inside the package (see pyproject.toml).
_PACKAGE = Path(__file__).resolve().parent.parent
_CHECKOUT = _PACKAGE.parent
_RESOURCES = _CHECKOUT if (_CHECKOUT / "templates").is_dir() else _PACKAGE / "_resources"

PROJECT = _CHECKOUT
TEMPLATES = _RESOURCES / "templates"
STYLES = _RESOURCES / "styles"
FONTS = STYLES / "fonts"
