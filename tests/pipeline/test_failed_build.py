"""A failed build leaves the editor what they need to fix it (issue 18).

The error message of a bad editor file points at a report (dedupe.yaml's: "copy the current
key from .../dedupe.html"); that report must exist after the failure.  Make used to delete
it: `.DELETE_ON_ERROR`, and Make 4.3 deleting every other target of a grouped rule whose
recipe failed, changed or not.  These tests drive the real Makefile on a copy of the demo
book, with the test's own interpreter and a stamp of their own, so Make neither creates
nor updates a virtualenv.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, demo_book_copy

pytestmark = pytest.mark.slow          # runs make on the demo book's text stages


def make(book: Path, stamp: Path, *targets: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), f"BOOK={book}",
                           f"PY={sys.executable}", f"STAMP={stamp}", *targets],
                          capture_output=True, text=True)


@pytest.fixture
def book(tmp_path):
    stamp = tmp_path / "stamp"
    stamp.touch()                      # newer than requirements.txt: nothing to install
    folder = demo_book_copy(tmp_path / "book", editor_files=("dedupe.yaml",))
    built = make(folder, stamp, "dedupe")
    assert built.returncode == 0, built.stdout + built.stderr
    return folder, stamp


def test_a_bad_key_in_dedupe_yaml_leaves_the_report_it_names(book):
    folder, stamp = book
    report = folder / "build" / "reports" / "dedupe.html"
    (folder / "dedupe.yaml").write_text("keep:\n  - no-such-article#0badc0de\n", encoding="utf-8")
    failed = make(folder, stamp, "dedupe")
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert "Deleting file" not in failed.stderr, failed.stderr
    assert f"{folder}/dedupe.yaml:2: no block has the key 'no-such-article#0badc0de'" in failed.stderr
    # The message names the report, and the report is there, with the error at its top and
    # the current keys (the stage's own decisions, without the editor file it could not use).
    assert str(report) in failed.stderr, failed.stderr
    page = report.read_text(encoding="utf-8")
    assert "no-such-article#0badc0de" in page and "dedupe.yaml:2" in page
    assert (folder / "build" / "reports" / "dedupe.json").exists()
    assert (folder / "build" / "contributors.json").exists()
    # The stage did not succeed: Make runs it again next time, and it fails the same way.
    again = make(folder, stamp, "dedupe")
    assert again.returncode == 2 and "no block has the key" in again.stderr


def test_a_bad_slug_in_notes_yaml_leaves_the_report_it_names(book):
    folder, stamp = book
    assert make(folder, stamp, "notes").returncode == 0
    notes_md = folder / "build" / "reports" / "notes.md"
    before = notes_md.read_text(encoding="utf-8")
    (folder / "notes.yaml").write_text('no-such-article:\n  - note: 1\n    marker: "x 1"\n', encoding="utf-8")
    failed = make(folder, stamp, "notes")
    assert failed.returncode == 2, failed.stdout + failed.stderr
    assert "Deleting file" not in failed.stderr, failed.stderr
    assert "no article has the slug 'no-such-article'" in failed.stderr
    assert str(notes_md) in failed.stderr, failed.stderr
    assert notes_md.read_text(encoding="utf-8") == before
