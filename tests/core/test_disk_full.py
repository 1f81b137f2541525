"""A full disk and a read-only build folder (issue 17): one message naming the file, exit
status 2, no traceback, and nothing half-written left for a later build to use.

scripts/dev/disk_trials.sh tries the real thing (a small tmpfs as the build folder); these
tests make each failure happen where it was found, without a tmpfs: the write that meets
the full disk or the read-only folder is replaced by one that raises its OSError."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from scripts.books import publish
from scripts.core import atomic
from scripts.core.paths import BookPaths
from tests.conftest import demo_book_copy, run_stages


def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def read_only(path):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    return refuse


def one_error(err: str) -> str:
    """The one `error:` line of a command's stderr (and no traceback)."""
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert "what to do:" in err
    return errors[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name.startswith(".") and (p.name.endswith(".tmp") or p.name.endswith(".link-tmp")))


@pytest.fixture
def book(tmp_path):
    return demo_book_copy(tmp_path / "book")


def test_a_read_only_build_folder_is_one_error_naming_its_lock(book, tmp_path, monkeypatch, capsys):
    # Before: build_lock opened build/.lock itself, and a read-only folder was a traceback.
    build = tmp_path / "build"
    build.mkdir()
    real_open = open

    def lock_refused(file, mode="r", *args, **kwargs):
        if Path(file).name == ".lock" and "a" in mode:
            read_only(file)()
        return real_open(file, mode, *args, **kwargs)
    monkeypatch.setattr(atomic, "open", lock_refused, raising=False)
    assert run_stages(book, build, "split") == 2
    line = one_error(capsys.readouterr().err)
    assert line == f"error: {build / '.lock'}: cannot write this file: Read-only file system"


def test_a_full_disk_in_a_stage_is_one_error_naming_the_file(book, tmp_path, monkeypatch, capsys):
    build = tmp_path / "build"
    monkeypatch.setattr(atomic.os, "replace", full)
    assert run_stages(book, build, "split") == 2
    line = one_error(capsys.readouterr().err)
    assert line.startswith(f"error: {build}/") and line.endswith(": cannot write this file: No space left on device")
    assert leftovers(build) == []


def test_a_full_disk_met_by_a_library_is_still_one_error(book, tmp_path, monkeypatch, capsys):
    # A write that bypasses atomic.py (a library's own) meets the full disk: the command
    # says which file, and exits 2, rather than printing the OSError's traceback.
    from scripts.text import split
    target = tmp_path / "build" / "model" / "split.json"

    def library_write(paths):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
    monkeypatch.setattr(split, "run", library_write)
    assert run_stages(book, tmp_path / "build", "split") == 2
    assert one_error(capsys.readouterr().err) == \
        f"error: {target}: cannot write this file: No space left on device"


def test_a_bug_that_raises_another_oserror_is_not_hidden(book, tmp_path, monkeypatch):
    from scripts.text import split

    def bug(paths):
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "nowhere")
    monkeypatch.setattr(split, "run", bug)
    with pytest.raises(FileNotFoundError):
        run_stages(book, tmp_path / "build", "split")


# ---------------------------------------------------------------- publishing

def staged(tmp_path) -> BookPaths:
    """A build folder with three staged books, newer than every template and module."""
    paths = BookPaths.of(demo_book_copy(tmp_path / "book"), tmp_path / "build")
    for number, path in enumerate((paths.staged_epub, paths.staged_print_pdf, paths.staged_screen_pdf)):
        atomic.write_bytes(path, f"book {number}\n".encode() * 1000)
    return paths


def test_a_full_disk_while_publishing_leaves_no_half_made_generation(tmp_path, monkeypatch, capsys):
    # Before: shutil.copyfile's OSError was a traceback, and build/generations/.ID.tmp/ stayed.
    paths = staged(tmp_path)
    copied = []

    def copy_then_full(source, target):
        if copied:
            full()
        copied.append(target)
        Path(target).write_bytes(Path(source).read_bytes())
    monkeypatch.setattr(publish.shutil, "copyfile", copy_then_full)
    assert run_stages(paths.book, paths.build, "publish") == 2
    line = one_error(capsys.readouterr().err)
    assert line.startswith(f"error: {paths.generations}/") and \
        line.endswith("/anthology.pdf: cannot write this file: No space left on device")
    assert list(paths.generations.iterdir()) == [] and not paths.published.exists()
    monkeypatch.undo()
    assert run_stages(paths.book, paths.build, "publish") == 0
    assert paths.print_pdf.read_bytes() == paths.staged_print_pdf.read_bytes()
    assert leftovers(paths.build) == []


def test_a_link_that_cannot_be_replaced_is_one_error_naming_it(tmp_path, monkeypatch, capsys):
    paths = staged(tmp_path)
    real_replace = os.replace

    def no_room_for_the_epub_link(source, target):
        if Path(target) == paths.epub:
            full()
        real_replace(source, target)
    monkeypatch.setattr(publish.os, "replace", no_room_for_the_epub_link)
    assert run_stages(paths.book, paths.build, "publish") == 2
    assert one_error(capsys.readouterr().err) == \
        f"error: {paths.epub}: cannot write this file: No space left on device"
    assert leftovers(paths.build) == [] and not paths.epub.is_symlink()


def test_a_read_only_folder_when_the_books_are_the_same_is_one_error(tmp_path, monkeypatch, capsys):
    paths = staged(tmp_path)
    assert run_stages(paths.book, paths.build, "publish") == 0
    monkeypatch.setattr(publish.os, "utime", read_only("whatever utime names"))
    assert run_stages(paths.book, paths.build, "publish") == 2
    line = one_error(capsys.readouterr().err)
    assert line.startswith(f"error: {paths.generations}/") and line.endswith("Read-only file system")


# ---------------------------------------------------------------- the articles stage

def test_the_articles_stamp_in_a_read_only_folder_is_one_error(book, tmp_path, monkeypatch, capsys):
    build = tmp_path / "build"
    assert run_stages(book, build, "split", "normalise", "dedupe", "notes") == 0
    paths = BookPaths.of(book, build)
    monkeypatch.setattr(Path, "touch", read_only(paths.articles_stamp))
    assert run_stages(book, build, "articles") == 2
    assert one_error(capsys.readouterr().err) == \
        f"error: {paths.articles_stamp}: cannot write this file: Read-only file system"
