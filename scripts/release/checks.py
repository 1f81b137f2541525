"""EPUBCheck and DAISY Ace on the EPUBs a release ships, remembered by the files' bytes.

Each checker takes a minute or more on a busy machine.  Its verdict depends only on the
bytes checked and on the checker's version, so it is kept under build/reports/checks/,
named by both: a release rebuilt after an edit to the download page, or run after
`make test` judged the same EPUB, does not check again; a changed EPUB or a new
checker version always is.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from scripts.books.epub import check
from scripts.core.atomic import write_text
from scripts.core.errors import UserError


def sha256_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def epubcheck_version() -> str:
    try:
        return version("epubcheck")
    except PackageNotFoundError:
        raise UserError("EPUBCheck is not installed", hint="run 'make' (it installs the pinned "
                                                            "dependencies, EPUBCheck among them)") from None


def ace_version() -> str:
    manifest = check.ACE.resolve().parent.parent / "package.json" if check.ACE.exists() else None
    if manifest is None or not manifest.exists():
        raise UserError("DAISY Ace is not installed, and a release is checked with it",
                        hint="run scripts/install_ace.sh (make release does it when run as root)")
    return json.loads(manifest.read_text(encoding="utf-8"))["version"]


def _remembered(cache: Path, key: str, judge: Callable[[], list[dict]]) -> list[dict]:
    file = cache / f"{key}.json"
    if file.exists():
        return json.loads(file.read_text(encoding="utf-8"))
    found = judge()
    write_text(file, json.dumps(found, ensure_ascii=False, indent=1) + "\n")
    return found


def epubcheck(epub: Path, cache: Path) -> list[dict]:
    """Every EPUBCheck message on `epub` (any level): a release allows none."""
    key = f"epubcheck-{epubcheck_version()}-{sha256_of(epub)}"
    return _remembered(cache, key, lambda: check.epubcheck_messages(epub))


def ace(epub: Path, cache: Path) -> list[dict]:
    """Every DAISY Ace violation on `epub`."""
    def judge() -> list[dict]:
        with tempfile.TemporaryDirectory(prefix="release-ace-") as tmp:
            return check.ace_violations(check.ace_report(epub, Path(tmp) / "report"))
    return _remembered(cache, f"ace-{ace_version()}-{sha256_of(epub)}", judge)
