"""Publishing the books: the EPUB and both PDFs replaced together, or not at all.

The epub and pdf stages write their books into build/staging/.  This stage, the last of a
build, copies the three into a new *generation* folder (build/generations/<id>/, the id a
digest of their contents) with a manifest (books.json: each file's size and SHA-256), and
then replaces one symbolic link, build/published, to point at it.  Replacing a link is one
rename(2): a reader, or a build killed at any moment, sees either the previous generation
or the new one, never an EPUB of one build beside a PDF of another.  The files an editor
opens, build/anthology.epub, anthology.pdf, anthology-screen.pdf and books.json, are links
into build/published/ and never change themselves.

A failed or interrupted epub or pdf stage therefore leaves the previous books in place:
this stage runs only when both have finished (Make's rule needs all three staged books),
and it refuses a staged book older than what its stage reads (`anthology publish` run by
hand after a failed stage), since publishing it would pair books of two builds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from scripts.core.atomic import cannot_write, file_mode, writing
from scripts.core.errors import UserError
from scripts.core.paths import BookPaths


@dataclass(frozen=True)
class Book:
    role: str          # "epub", "print", "screen": the manifest's name for it
    stage: str         # the stage that writes it
    staged: Path
    published: Path    # the link an editor opens


def books(paths: BookPaths) -> list[Book]:
    return [Book("epub", "epub", paths.staged_epub, paths.epub),
            Book("print", "pdf", paths.staged_print_pdf, paths.print_pdf),
            Book("screen", "pdf", paths.staged_screen_pdf, paths.screen_pdf)]


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def stale_input(stage_name: str, staged: Path, paths: BookPaths) -> Path | None:
    """An input of the stage that is newer than the book it staged (the stage has not
    finished since it changed), or None."""
    from scripts.makerules import resource_files
    from scripts.stages import BY_NAME
    stage = BY_NAME[stage_name]
    made = staged.stat().st_mtime_ns
    candidates = [*stage.inputs(paths), *stage.optional(paths), *resource_files(stage)]
    return next((p for p in candidates if p.exists() and p.stat().st_mtime_ns > made), None)


def manifest(generation: str, entries: list[tuple[Book, str, int]]) -> str:
    return json.dumps({
        "generation": generation,
        "books": {book.role: {"file": book.published.name, "bytes": size, "sha256": digest,
                              "stage": book.stage} for book, digest, size in entries},
    }, indent=1) + "\n"


def _replace_link(link: Path, target: str) -> None:
    """Point `link` at `target` in one rename: whoever opens it sees the old or the new target."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    temporary = link.with_name(f".{link.name}.link-tmp")
    with writing(link):
        try:
            if temporary.is_symlink() or temporary.exists():
                temporary.unlink()
            os.symlink(target, temporary)
            os.replace(temporary, link)
        except OSError:
            if temporary.is_symlink():
                temporary.unlink()
            raise


def _make_generation(paths: BookPaths, generation: str, folder: Path,
                     entries: list[tuple[Book, str, int]]) -> None:
    """build/generations/<id>/: the books and their manifest, made in a temporary folder
    renamed into place.  A write that fails (a full disk, a read-only folder) removes the
    temporary folder and says which file it could not write."""
    building = paths.generations / f".{generation}.tmp"
    target = folder                          # what the message names: the file as it will be
    try:
        if building.exists():
            shutil.rmtree(building)          # a publish killed half-way
        building.mkdir(parents=True)
        for book, _, _ in entries:
            target = folder / book.published.name
            shutil.copyfile(book.staged, building / book.published.name)
        target = folder / paths.books_manifest.name
        (building / paths.books_manifest.name).write_text(manifest(generation, entries), encoding="utf-8")
        for file in building.iterdir():
            os.chmod(file, file_mode())
        target = folder
        if folder.exists():
            shutil.rmtree(folder)            # not the current one: left by an interrupted publish
        os.rename(building, folder)
    except OSError as error:
        shutil.rmtree(building, ignore_errors=True)
        raise cannot_write(target, error) from None


def current_generation(paths: BookPaths) -> str | None:
    return Path(os.readlink(paths.published)).name if paths.published.is_symlink() else None


def publish(paths: BookPaths) -> tuple[str, bool]:
    """Make the staged books the published ones; (generation id, whether it is new)."""
    staged = books(paths)
    for book in staged:
        newer = stale_input(book.stage, book.staged, paths)
        if newer is not None:
            raise UserError(f"the staged {book.role} book is older than {newer}, which its "
                            f"{book.stage} stage reads: that stage has not finished since",
                            file=str(book.staged),
                            hint=f"run 'make' (or the {book.stage} stage, then publish): the books "
                                 "are published together, from one build")
    entries = [(book, _digest(book.staged), book.staged.stat().st_size) for book in staged]
    generation = hashlib.sha256("".join(f"{b.role}={d}\n" for b, d, _ in entries).encode()).hexdigest()[:16]
    folder = paths.generations / generation
    names = [book.published.name for book in staged] + [paths.books_manifest.name]
    fresh = current_generation(paths) != generation or not all((folder / n).is_file() for n in names)
    if fresh:
        _make_generation(paths, generation, folder, entries)
        _replace_link(paths.published, f"{paths.generations.name}/{generation}")
    else:
        # The same books again (an input touched, the outputs identical): the published
        # files get this build's time, so Make sees them up to date.
        for file in folder.iterdir():
            with writing(file):
                os.utime(file)
    for link in [book.published for book in staged] + [paths.books_manifest]:
        _replace_link(link, f"{paths.published.name}/{link.name}")
    for old in paths.generations.iterdir():
        if old.name != generation:
            shutil.rmtree(old, ignore_errors=True)
    return generation, fresh


def run(paths: BookPaths) -> str:
    """The publish stage: build/staging/'s EPUB and PDFs -> build/published/, all at once."""
    generation, fresh = publish(paths)
    names = ", ".join(str(book.published) for book in books(paths))
    return (f"{names} published together (generation {generation})" if fresh
            else f"{names}: the same books as before (generation {generation})")
