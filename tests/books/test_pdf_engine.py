"""What decides the PDF's bytes besides our code, named (scripts/books/pdf/engine.py)."""

from __future__ import annotations

from importlib import metadata

from scripts.books.pdf import engine
from scripts.books.pdf.parts import PartJob


def test_the_versions_are_those_of_the_packages_and_libraries_weasyprint_uses():
    import weasyprint
    from weasyprint.text.ffi import ffi, harfbuzz_subset, pango

    versions = engine.engine_versions()
    assert versions["weasyprint"] == weasyprint.__version__
    assert versions["pydyf"] == metadata.version("pydyf")
    # Pango's own numeric version, read through WeasyPrint's binding, is the one named.
    number = pango.pango_version()
    assert versions["pango-1.0"] == f"{number // 10000}.{number // 100 % 100}.{number % 100}"
    assert versions["harfbuzz-subset"] == ("missing" if harfbuzz_subset is None or harfbuzz_subset == ffi.NULL
                                           else "present")
    for name in ("harfbuzz", "fontconfig", "freetype"):
        major, minor, patch = versions[name].split(".")
        assert major.isdigit() and minor.isdigit() and patch.isdigit(), (name, versions[name])


def test_without_harfbuzz_subset_the_hint_names_the_package_to_install():
    assert "libharfbuzz-subset0" in engine.reproducibility_hint({"harfbuzz-subset": "missing"})
    assert engine.reproducibility_hint({"harfbuzz-subset": "present"}) == ""


def test_a_library_upgrade_changes_every_parts_cache_key(monkeypatch):
    from scripts.books.pdf.page import PageSetup

    job = PartJob("ch01", "<p>text</p>", b"id", "uuid:x", PageSetup("@page { size: 6in 9in }", "gray"))
    before = job.key()
    upgraded = dict(engine.engine_versions(), harfbuzz="99.0.0")
    monkeypatch.setattr("scripts.books.pdf.parts.engine_versions", lambda: upgraded)
    assert job.key() != before
