"""Both books or neither: the EPUB and the PDFs are published together (issue 18)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scripts.core.paths import BookPaths
from scripts.stages import BUILD_STAGES
from tests.conftest import ROOT, run_stages

FIXTURE = ROOT / "tests" / "fixtures" / "wxr-small.xml"
pytestmark = pytest.mark.slow          # lays a small book's PDF out several times


def published(paths: BookPaths) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (paths.epub, paths.print_pdf, paths.screen_pdf)}


@pytest.fixture
def built(tmp_path):
    book = tmp_path / "blog"
    (book / "sources").mkdir(parents=True)
    shutil.copy(FIXTURE, book / "sources" / "site.xml")
    (book / "book.yaml").write_text('title: "Test Blog"\nauthor: "Jane Writer"\n', encoding="utf-8")
    paths = BookPaths.of(book)
    assert run_stages(book, paths.build, *(s.name for s in BUILD_STAGES)) == 0
    return book, paths


def retitle(book: Path, title: str) -> None:
    """An edit both books print (the title page): each must be rebuilt."""
    (book / "book.yaml").write_text(f'title: "{title}"\nauthor: "Jane Writer"\n', encoding="utf-8")


def up_to_epub() -> list[str]:
    names = [s.name for s in BUILD_STAGES]
    return names[:names.index("epub") + 1]


def test_the_books_are_links_into_one_generation_with_its_manifest(built):
    book, paths = built
    manifest = json.loads(paths.books_manifest.read_text(encoding="utf-8"))
    for role, link in (("epub", paths.epub), ("print", paths.print_pdf), ("screen", paths.screen_pdf)):
        assert link.is_symlink() and os.readlink(link) == f"published/{link.name}"
        entry = manifest["books"][role]
        assert entry["sha256"] == hashlib.sha256(link.read_bytes()).hexdigest()
        assert entry["bytes"] == link.stat().st_size and entry["file"] == link.name
        assert link.read_bytes() == (paths.staging / link.name).read_bytes()
        assert oct(link.stat().st_mode & 0o777) == "0o644"
    assert os.readlink(paths.published) == f"generations/{manifest['generation']}"
    assert [d.name for d in paths.generations.iterdir()] == [manifest["generation"]]


def test_a_failed_pdf_stage_leaves_the_previous_epub_and_pdfs(built, capsys, monkeypatch):
    book, paths = built
    before = published(paths)
    retitle(book, "A New Title")
    assert run_stages(book, paths.build, *up_to_epub()) == 0
    assert paths.staged_epub.read_bytes() != before["anthology.epub"]      # the new EPUB is made
    # The PDF stage fails between its two PDFs (the disk fills up): the print PDF is staged,
    # the screen PDF is not.
    from scripts.books.pdf import build as pdf_build
    from scripts.core.atomic import write_bytes
    from scripts.core.errors import UserError

    def disk_fills_after_one(path, data, written=[]):
        if written:                     # what write_bytes raises for a full disk
            raise UserError("cannot write this file: No space left on device", file=str(path))
        written.append(path)
        write_bytes(path, data)
    monkeypatch.setattr(pdf_build, "write_bytes", disk_fills_after_one)
    assert run_stages(book, paths.build, "pdf") == 2
    monkeypatch.undo()
    assert "No space left on device" in capsys.readouterr().err
    assert paths.staged_print_pdf.read_bytes() != before["anthology.pdf"]
    assert published(paths) == before
    # Publishing by hand now would pair the new EPUB and print PDF with the old screen PDF.
    assert run_stages(book, paths.build, "publish") == 2
    err = capsys.readouterr().err
    assert "anthology-screen.pdf: the staged screen book is older than" in err and "Traceback" not in err
    assert published(paths) == before
    # Once the PDF stage succeeds, all three change, together.
    assert run_stages(book, paths.build, "pdf", "publish") == 0
    after = published(paths)
    assert all(after[name] != before[name] for name in before)


def test_a_killed_pdf_stage_leaves_the_previous_epub_and_pdfs(built):
    book, paths = built
    before = published(paths)
    retitle(book, "Killed Half-way")
    assert run_stages(book, paths.build, *up_to_epub()) == 0
    shutil.rmtree(paths.pdf_parts)          # every part to lay out again: time to kill it
    stage = subprocess.Popen([sys.executable, "-m", "scripts", "pdf", "--book", str(book),
                              "--build", str(paths.build)], cwd=ROOT, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not any(paths.pdf_parts.glob("*.json")) and time.monotonic() < deadline:
        assert stage.poll() is None, "the PDF stage ended before it could be killed"
        time.sleep(0.05)
    os.killpg(stage.pid, signal.SIGKILL)     # the stage and its layout workers
    stage.wait()
    assert published(paths) == before
    assert run_stages(book, paths.build, "pdf", "publish") == 0
    assert all(published(paths)[name] != before[name] for name in before)


def test_publishing_the_same_books_again_changes_nothing_but_their_time(built):
    book, paths = built
    generation = json.loads(paths.books_manifest.read_text(encoding="utf-8"))["generation"]
    before = published(paths)
    os.utime(paths.staged_epub)                 # staged again, identical
    assert run_stages(book, paths.build, "publish") == 0
    assert published(paths) == before
    assert json.loads(paths.books_manifest.read_text(encoding="utf-8"))["generation"] == generation
    assert paths.epub.stat().st_mtime_ns >= paths.staged_epub.stat().st_mtime_ns
