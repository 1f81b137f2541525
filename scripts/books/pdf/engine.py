"""What, besides our own code, decides the PDF's bytes: the layout engine and the native
libraries it drives.

Two machines with the same sources and the same pinned Python packages can still write
different PDFs when Pango, HarfBuzz, fontconfig or FreeType differ (line breaks, glyph
positions, font subsets).  WeasyPrint subsets the embedded fonts with HarfBuzz-subset when
the library is there and falls back to fontTools when it is not, and the fallback's output
is not the same from one run to the next.  So each is named, with its version:

- in the part cache's key (scripts/books/pdf/parts.py), so a library upgrade re-lays the
  parts instead of joining pages laid out by the old one;
- in pdf.json (`engine`), so two builds' reports say what differed;
- in the reproducibility test's failure message.

The native versions are read from the libraries the process has loaded (by their sonames,
which the dynamic loader resolves to the copy WeasyPrint uses), never guessed from packages.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from importlib import metadata

# The Python packages whose code writes or shapes the PDF.
PACKAGES = ("weasyprint", "pydyf", "fonttools", "tinycss2", "cssselect2", "Pyphen")

MISSING = "missing"


def _library(name: str):
    """The shared library called `name` (libNAME.so), or None when the system has none."""
    found = ctypes.util.find_library(name)
    if not found:
        return None
    try:
        return ctypes.CDLL(found)
    except OSError:
        return None


def _string_version(library, function: str) -> str:
    call = getattr(library, function)
    call.restype = ctypes.c_char_p
    return call().decode("ascii")


def _pango(library) -> str:
    return _string_version(library, "pango_version_string")


def _harfbuzz(library) -> str:
    return _string_version(library, "hb_version_string")


def _fontconfig(library) -> str:
    # FcGetVersion() is MAJOR * 10000 + MINOR * 100 + REVISION.
    number = library.FcGetVersion()
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def _freetype(library) -> str:
    handle = ctypes.c_void_p()
    if library.FT_Init_FreeType(ctypes.byref(handle)) != 0:
        return "unknown"
    major, minor, patch = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    library.FT_Library_Version(handle, ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch))
    library.FT_Done_FreeType(handle)
    return f"{major.value}.{minor.value}.{patch.value}"


def _present(library) -> str:
    # HarfBuzz-subset has no version of its own: it is built with HarfBuzz.
    return "present"


# Library name (as find_library takes it) -> how to read its version.
LIBRARIES = {
    "pango-1.0": _pango,
    "harfbuzz": _harfbuzz,
    "harfbuzz-subset": _present,
    "fontconfig": _fontconfig,
    "freetype": _freetype,
}


@functools.lru_cache(maxsize=1)
def engine_versions() -> dict[str, str]:
    """{'weasyprint': '70.0', ..., 'harfbuzz': '6.0.0', 'harfbuzz-subset': 'present' or
    'missing', ...}: every package and library the PDF's bytes depend on, in a fixed order."""
    versions: dict[str, str] = {}
    for package in PACKAGES:
        try:
            versions[package.lower()] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package.lower()] = MISSING
    for name, read in LIBRARIES.items():
        library = _library(name)
        try:
            versions[name] = read(library) if library is not None else MISSING
        except (AttributeError, OSError, UnicodeDecodeError):
            versions[name] = "unknown"
    return versions


def describe(versions: dict[str, str]) -> str:
    """One line: 'weasyprint 70.0, pydyf 0.11.0, ..., harfbuzz-subset missing'."""
    return ", ".join(f"{name} {version}" for name, version in versions.items())


def reproducibility_hint(versions: dict[str, str]) -> str:
    """Why two builds of the same inputs on this machine may differ, if we know of a cause."""
    if versions.get("harfbuzz-subset") == MISSING:
        return ("HarfBuzz-subset is missing, so WeasyPrint subsets fonts with fontTools, whose "
                "output is not byte-stable: install libharfbuzz-subset0 (make check-system)")
    return ""
