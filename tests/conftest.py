"""Shared fixtures: the real seeds, split and normalised once per test session."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property-based tests (tests/fuzz/): a few examples each in `make test` and `make check`,
# at length in `make fuzz` (HYPOTHESIS_PROFILE=fuzz).  No deadline: the machine is shared,
# and a slow example is not a failure; derandomised in the fast lanes so a run is repeatable.
settings.register_profile("fast", max_examples=8, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "manuscript" / "sources"
GOLDEN = ROOT / "tests" / "golden"
SEED_JANUARY = "000_375b4828d7d8f646.txt"      # "Archive for January, 2022"
SEED_TAGGED = "002_90ad01e3225f3153.txt"       # "Posts Tagged 'Central Asia'"


# Pandoc's conversions are a function of the document, the options and pandoc alone
# (scripts/content/pandoc_batch.py), and dozens of test books convert the same demo
# chapters and corpus posts: every test, and every run of the suite, shares one memo of
# them here.  A test of what a build itself remembers takes the `own_memos` fixture.
TEST_CACHE = ROOT / "build" / "test-cache"
TEST_CACHE_MAX_FILES = 20_000       # (a few MB a run's worth; past this, started afresh)


def pytest_configure(config):
    from scripts.content.pandoc_batch import SHARED_CACHE
    folder = Path(os.environ.setdefault(SHARED_CACHE, str(TEST_CACHE / "pandoc")))
    if "PYTEST_XDIST_WORKER" not in os.environ and folder.is_dir() \
            and sum(1 for _ in folder.rglob("*")) > TEST_CACHE_MAX_FILES:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def own_memos(monkeypatch):
    """The build's memos in its own build folder (build/cache/), as a user's build keeps them."""
    from scripts.content.pandoc_batch import SHARED_CACHE
    monkeypatch.delenv(SHARED_CACHE, raising=False)


def pytest_sessionfinish(session, exitstatus):
    """A skipped test is a check that did not happen: the run fails unless the user
    says ALLOW_SKIPS=1 (`make test` installs what the checks need where it can)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == 0 and not os.environ.get("ALLOW_SKIPS"):
        reasons = sorted({str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else str(report.longrepr)
                          for report in skipped})
        reporter.write_line(f"{len(skipped)} tests skipped, so the run fails: " + "; ".join(reasons)
                            + ". Install what they need (run `make test` as root on Debian), "
                            "or set ALLOW_SKIPS=1 to accept the gap.", red=True)
        session.exitstatus = 1


def check_golden(name: str, data) -> None:
    """Compare JSON-able data with tests/golden/<name> (grouped by the stage that writes it)."""
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    expected = _golden(name, text)
    assert json.loads(expected) == json.loads(text), \
        f"{name} differs from the golden file; if the change is intended, rerun with UPDATE_GOLDEN=1"


def check_golden_text(name: str, text: str) -> None:
    """Compare text (Markdown, XHTML) with tests/golden/<name>, exactly."""
    assert _golden(name, text) == text, \
        f"{name} differs from the golden file; if the change is intended, rerun with UPDATE_GOLDEN=1"


def _golden(name: str, text: str) -> str:
    """The golden file's text; UPDATE_GOLDEN=1 rewrites it first (review the diff!).
    A missing golden file is a failure, never a silent pass."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"tests/golden/{name} is missing: run with UPDATE_GOLDEN=1 and review it"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_book():
    """The demo book's build folder after `make books` (the command a user runs), once a session."""
    import subprocess
    result = subprocess.run(["make", "--no-print-directory", "books"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return ROOT / "build"


@pytest.fixture(scope="session")
def book():
    from scripts.core.book import load_book
    return load_book(ROOT / "manuscript" / "book.yaml")


@pytest.fixture(scope="session")
def seed_paths():
    return sorted(SOURCES.glob("*.txt"))


@pytest.fixture(scope="session")
def split_result(book, seed_paths):
    from scripts.text.split import split_sources
    return split_sources(seed_paths, book)


@pytest.fixture(scope="session")
def normalised(book, seed_paths):
    from scripts.text.normalise import normalise
    from scripts.text.split import split_sources
    return normalise(split_sources(seed_paths, book).articles)


def by_slug(articles):
    return {a.slug: a for a in articles}


def demo_book_copy(folder: Path, *, editor_files: tuple[str, ...] = (), book_yaml: str | None = None,
                   sources: list[Path] | None = None) -> Path:
    """A book folder of the shape a user keeps (book.yaml, sources/, editor files), made
    from the demo book: the seeds (or `sources`), its book.yaml (or `book_yaml`), and
    only the editor files named.  Returns the folder."""
    import shutil
    (folder / "sources").mkdir(parents=True)
    for path in sources if sources is not None else sorted(SOURCES.glob("*.txt")):
        shutil.copy(path, folder / "sources" / path.name)
    manuscript = ROOT / "manuscript"
    (folder / "book.yaml").write_text(book_yaml if book_yaml is not None
                                      else (manuscript / "book.yaml").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    for name in editor_files:
        shutil.copy(manuscript / name, folder / name)
    return folder


def run_stages(book: Path, build: Path, *names: str) -> int:
    """Run stages through the `anthology` command line, in-process; the exit code of the
    first that fails (a UserError is 2), else 0."""
    from scripts.cli import main
    for name in names:
        code = main([name, "--book", str(book), "--build", str(build)])
        if code:
            return code
    return 0
