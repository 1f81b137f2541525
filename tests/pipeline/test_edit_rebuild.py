"""After a one-paragraph edit, the build redoes only the edited chapter (issue 14), and what it
writes is what a clean build of the edited book writes, byte for byte.

The memos (build/cache/<stage>/, scripts/core/memo.py) and the PDF's parts (build/pdf-parts/)
say what was redone: an entry made by the second build is work it did.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.stages import BUILD_STAGES
from tests.conftest import SEED_JANUARY, demo_book_copy, run_stages

EDITOR_FILES = ("bibliography.yaml", "chapters.yaml", "dedupe.yaml", "index.yaml")
ADDED = " This sentence was added by the test."


def edit_one_paragraph(book: Path) -> None:
    """The benchmark's edit (scripts/dev/bench.py edit_case): a sentence added to the longest
    line of the first source's middle third, a body paragraph."""
    source = book / "sources" / SEED_JANUARY
    lines = source.read_text(encoding="utf-8").split("\n")
    third = len(lines) // 3
    number = max(range(third, 2 * third), key=lambda n: len(lines[n]))
    lines[number] += ADDED
    source.write_text("\n".join(lines), encoding="utf-8")


def entries(build: Path) -> dict[str, set[str]]:
    """Each cache folder's entries: build/cache/<stage>/ and build/pdf-parts/."""
    folders = sorted((build / "cache").iterdir()) + [build / "pdf-parts"]
    return {folder.name: {p.name for p in folder.iterdir()} for folder in folders}


def build_outputs(build: Path) -> list[Path]:
    """Everything the build writes but its caches (and Make's own files)."""
    return sorted(p.relative_to(build) for p in build.rglob("*") if p.is_file()
                  and p.relative_to(build).parts[0] not in ("cache", "pdf-parts", ".make")
                  and p.name not in (".lock", ".built"))


@pytest.mark.slow
def test_an_edit_redoes_one_chapter_and_gives_a_clean_builds_bytes(tmp_path, own_memos):
    book = demo_book_copy(tmp_path / "book", editor_files=EDITOR_FILES)
    build = tmp_path / "build"
    stages = [stage.name for stage in BUILD_STAGES]
    assert run_stages(book, build, *stages) == 0
    before = entries(build)
    chapters = len(list((build / "articles").glob("*.md")))
    assert chapters > 3

    edit_one_paragraph(book)
    assert run_stages(book, build, *stages) == 0
    made = {name: names - before.get(name, set()) for name, names in entries(build).items()}
    edited = [p.name for p in (build / "articles").glob("*.md") if ADDED.strip() in p.read_text(encoding="utf-8")]
    assert len(edited) == 1, edited

    # The edited chapter's Markdown and HTML through pandoc, and nothing else.
    assert len(made["articles"]) == 1 and len(made["html"]) == 1
    # The sentence names no index term and cites nothing: its chapter's index marks made
    # again, once, by the html stage for the report and both books; the terms read back;
    # the references formatted before.
    assert len(made["index-marks"]) == 1, made
    assert made["index"] == set() and made["epub"] == set() and made["bibliography"] == set(), made
    # The PDF: that chapter's hyphenation (one body) and its part; the front matter and
    # heads too only if its page count changed.
    assert len(made["pdf"]) == 1, made["pdf"]
    part_files = {name.split(".", 1)[0] for name in made["pdf-parts"]}
    assert 1 <= len(part_files) <= 3, made["pdf-parts"]
    # What the first build used and the edit made stale is pruned: one book's worth is kept.
    assert all(len(entries(build)[name]) == len(before[name]) for name in ("articles", "html"))

    clean = tmp_path / "clean"
    assert run_stages(book, clean, *stages) == 0
    outputs = build_outputs(build)
    assert outputs == build_outputs(clean)
    assert {"anthology.epub", "anthology.pdf", "anthology-screen.pdf"} <= {p.name for p in outputs}
    for name in outputs:
        ours, theirs = (build / name).read_bytes(), (clean / name).read_bytes()
        if name.parts[0] == "reports":        # a report names the folder it was built in
            theirs = theirs.replace(str(clean).encode(), str(build).encode())
        if name == Path("reports/pdf.json"):  # and the PDF's, how many parts this build laid out
            ours, theirs = (json.loads(data) for data in (ours, theirs))
            assert (ours.pop("parts_laid_out"), theirs.pop("parts_laid_out")) == (len(part_files), ours["parts"])
        assert ours == theirs, name

