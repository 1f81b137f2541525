"""The stage table, the `anthology` command built from it, and the Make rules generated from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.core.paths import BookPaths
from scripts.makerules import code_of, rules
from scripts.stages import BUILD_STAGES, STAGES, TEXT_STAGES
from tests.conftest import ROOT, demo_book_copy

PATHS = BookPaths(Path("book"), Path("out"))


def _rel(files) -> set[str]:
    return {f.relative_to(ROOT).as_posix() for f in files}


def test_help_lists_every_stage():
    result = subprocess.run([sys.executable, "-m", "scripts", "--help"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    for stage in STAGES:
        assert f"    {stage.name} " in result.stdout or f"    {stage.name}\n" in result.stdout, stage.name


def test_every_stage_reads_only_the_book_folder_or_earlier_outputs():
    """No hidden side files: whatever a stage reads, the book folder holds it or a stage
    before it in the table declares it as an output."""
    produced: set[Path] = set()
    for stage in STAGES:
        for path in [*stage.inputs(PATHS), *stage.optional(PATHS)]:
            assert path in produced or path.is_relative_to(PATHS.book), \
                f"{stage.name} reads {path}, which no earlier stage writes"
        produced.update(stage.outputs(PATHS))


def test_no_two_stages_write_the_same_file():
    seen: dict[Path, str] = {}
    for stage in STAGES:
        for path in stage.outputs(PATHS):
            assert path not in seen, f"{path} is written by {seen[path]} and {stage.name}"
            seen[path] = stage.name
            assert path.is_relative_to(PATHS.build), f"{stage.name} writes outside the build folder"


def test_text_stages_are_the_first_build_stages_in_order():
    assert [s.name for s in TEXT_STAGES] == [s.name for s in BUILD_STAGES[:4]]


@pytest.mark.parametrize("module, reaches, does_not_reach", [
    # Both books read the back matter's people: editing it must rebuild both.
    ("scripts.books.epub.build", "scripts/books/contributors.py", "scripts/books/pdf/build.py"),
    ("scripts.books.pdf.build", "scripts/books/contributors.py", "scripts/books/epub/build.py"),
    # Imports inside functions count too (the PDF builder imports the index lazily).
    ("scripts.books.pdf.build", "scripts/index/", "scripts/text/split.py"),
    ("scripts.text.split", "scripts/core/model.py", "scripts/books/"),
    ("scripts.text.normalise", "scripts/core/atomic.py", "scripts/text/dedupe.py"),
])
def test_a_stages_code_is_everything_its_imports_reach(module, reaches, does_not_reach):
    files = _rel(code_of(module))
    assert any(f.startswith(reaches) for f in files), f"{module} should reach {reaches}"
    assert not any(f.startswith(does_not_reach) for f in files), f"{module} should not reach {does_not_reach}"


def test_generated_rules_name_inputs_templates_code_and_optional_editor_files(tmp_path):
    book = demo_book_copy(tmp_path / "book")
    text = rules(BookPaths.of(book, tmp_path / "build"), tmp_path / "build" / ".make" / "rules.mk")
    epub_rule = text[text.index("# build the EPUB 3 edition"):].split("\n\n")[0]
    for needed in ("templates/epub/chapter.xhtml.j2", "styles/epub.css", "scripts/books/contributors.py",
                   f"$(wildcard {(book / 'index.yaml').as_posix()})",
                   f"{(tmp_path / 'build' / 'contributors.json').as_posix()}"):
        assert needed in epub_rule, needed
    split_rule = text[text.index("# find each post"):].split("\n\n")[0]
    for source in sorted((book / "sources").glob("*.txt")):
        assert source.as_posix() in split_rule
    assert "templates/" not in split_rule


def test_a_stage_without_its_input_says_to_run_make(tmp_path, capsys):
    from scripts.cli import main
    assert main(["epub", "--book", str(tmp_path), "--build", str(tmp_path / "build")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "run 'make'" in err and "Traceback" not in err


def test_book_paths_default_to_the_demo_book_or_the_folders_own_build(tmp_path):
    demo = BookPaths.of()
    assert demo.book.resolve() == (ROOT / "manuscript").resolve()
    assert demo.build.resolve() == (ROOT / "build").resolve()
    mine = BookPaths.of(tmp_path)
    assert mine.build == tmp_path / "build" and mine.book_yaml == tmp_path / "book.yaml"
    assert BookPaths.of(tmp_path / "book.yaml").book == tmp_path


@pytest.mark.slow
def test_pip_install_gives_a_working_anthology_outside_the_checkout(tmp_path):
    """`pip install .` into a fresh venv: the command runs from anywhere, with the
    templates and styles it carries (not the checkout's), and builds a book folder."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # The locked dependencies come from the project's own venv, so the test installs
    # only the project itself (the lock is what `make` installs; pip resolving ranges
    # here would test PyPI, not us).
    site = subprocess.run([sys.executable, "-c", "import site; print(site.getsitepackages()[0])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (next((venv / "lib").glob("python3*")) / "site-packages" / "project-lock.pth").write_text(site + "\n")
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", str(ROOT)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    book = demo_book_copy(elsewhere / "my-book", editor_files=("dedupe.yaml", "index.yaml"))
    anthology = str(venv / "bin" / "anthology")
    # Not the PDF (slow), so nothing to publish or to list: the EPUB is the one the epub stage staged.
    for stage in [s.name for s in BUILD_STAGES if s.name not in ("pdf", "publish", "reports")]:
        done = subprocess.run([anthology, stage, "--book", "my-book"], cwd=elsewhere,
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert (book / "build" / "staging" / "anthology.epub").stat().st_size > 100_000
    assert (venv / "share" / "anthology" / "styles" / "print.css").is_file()


def test_make_never_deletes_a_stage_output(tmp_path):
    """A failed or interrupted stage leaves its outputs as they were (every write is atomic):
    Make must not delete the report an error message names, nor the previous books."""
    book = demo_book_copy(tmp_path / "book", sources=[])
    text = rules(BookPaths.of(book, tmp_path / "build"), tmp_path / "build" / ".make" / "rules.mk")
    precious = text.split(".PRECIOUS:", 1)[1].split("\n\n", 1)[0]
    named = {line.strip(" \\") for line in precious.splitlines() if line.strip(" \\")}
    paths = BookPaths.of(book, tmp_path / "build")
    expected = {p.resolve().as_posix() for s in STAGES for p in s.outputs(paths)}
    assert expected <= named, expected - named
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert not any(line.startswith(".DELETE_ON_ERROR") for line in makefile.splitlines())


def _subcommands():
    from scripts.cli import parser
    action = next(a for a in parser()._actions if a.dest == "command")
    return action.choices


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_subcommand_s_help_exits_0_and_documents_each_option(name, capsys):
    from scripts.cli import main
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for action in _subcommands()[name]._actions:
        assert action.help, f"{name}: {action.option_strings or action.dest} has no help text"
        for option in action.option_strings or [action.metavar or action.dest]:
            assert option in text, f"{name} --help does not mention {option}"
    if name in {s.name for s in STAGES}:
        assert "writes:" in text and "ANTHOLOGY_TIME_LIMIT" in text
    if name == "pdf":
        assert "ANTHOLOGY_PDF_WORKERS" in text


def test_make_help_lists_every_target_and_every_stage_without_the_virtualenv():
    """`make help` runs on the system's Python, before .venv exists (standard library only)."""
    import re
    result = subprocess.run(["python3", "-I", "-c", "import sys; sys.path.insert(0, '.'); "
                             "from scripts.makerules import make_help; print(make_help(), end='')"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = set(re.findall(r"^  (\S+) ", result.stdout, re.M))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    phony = set(re.search(r"^\.PHONY: (.+)$", makefile, re.M).group(1).split())
    assert phony <= listed, f"targets without a '## ...' description: {phony - listed}"
    assert {s.name for s in STAGES} <= listed
