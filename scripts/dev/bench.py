"""Benchmark: how the build's time and memory grow with the size of the archive.

For each size (10, 100, 1,000 posts by default) a synthetic archive is generated
with scripts/dev/synth.py, then every pipeline stage that exists is run on it as its
own process, in its own directory (build/bench/<size>/...), and its wall time and
peak memory (max RSS of the stage and the tools it starts, read with os.wait4)
are recorded.  The seeds themselves are measured the same way as one more row.

The stages are the pipeline's own table (scripts/stages.py), each run through
the `anthology` command line exactly as Make runs it: one whose input was not
produced is "skipped", one that exits non-zero is "failed" with the first line of
its error.  Nothing is estimated.

The PDF stage is compared with one bare WeasyPrint render of the same book as one
HTML document (what the stage lays out in parts, no pipeline): the ratio is what the
parts, the pool of workers and the join save or cost.

Writes build/reports/bench.json and build/reports/bench.md (also printed).

One module of some 550 lines, a developer's tool outside the build: measuring,
the bare render, the profile and the report are read together when a number looks odd.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import pstats
import re
import shlex
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from scripts.core.atomic import write_text
from scripts.core.console import stage as stage_line
from scripts.core.errors import UserError, cli
from scripts.core.paths import BookPaths
from scripts.stages import BUILD_STAGES, BY_NAME, TEXT_STAGES, Stage

# ---------------------------------------------------------------- where a run puts things


@dataclass
class Run:
    """One archive being measured: its book folder and the per-run build directory."""
    label: str                 # "10", "100", "1000" or "seeds"
    root: Path                 # build/bench/<label>: the build folder (and, synthetic, the book)
    book: Path                 # the book folder (book.yaml, sources/)
    sources: list[Path]
    posts: int | None = None   # known for synthetic archives

    @property
    def paths(self) -> BookPaths:
        return BookPaths(self.book, self.root)

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    @property
    def logs(self) -> Path:
        return self.root / "logs"


# ---------------------------------------------------------------- what each stage produced

def count_articles(path: Path) -> tuple[int, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return len(data.get("articles", [])), "articles"


def count_markdown(path: Path) -> tuple[int, str]:
    return len(list(path.glob("*.md"))), "chapters"


def count_epub_documents(path: Path) -> tuple[int, str]:
    with zipfile.ZipFile(path) as epub:
        return sum(1 for n in epub.namelist() if n.endswith((".xhtml", ".html"))), "XHTML files"


def count_pdf_pages(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader
    return len(PdfReader(path).pages), "pages"


def count_json_entries(path: Path) -> tuple[int, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return (len(data), "entries") if isinstance(data, (list, dict)) else (1, "file")


def count_html_chapters(path: Path) -> tuple[int, str]:
    return len(json.loads(path.read_text(encoding="utf-8"))["chapters"]), "chapters"


# ---------------------------------------------------------------- what to count per stage

# How to count what a stage produced (the unit of its rate), by stage name.
MEASURES: dict[str, Callable[[BookPaths], tuple[int, str]]] = {
    "split": lambda p: count_articles(p.split_model),
    "normalise": lambda p: count_articles(p.normalised_model),
    "dedupe": lambda p: count_articles(p.deduped_model),
    "notes": lambda p: count_articles(p.noted_model),
    "articles": lambda p: count_markdown(p.articles),
    "html": lambda p: count_html_chapters(p.chapters_html),
    "bibliography": lambda p: count_json_entries(p.bibliography_json),
    "epub": lambda p: count_epub_documents(p.staged_epub),
    "pdf": lambda p: count_pdf_pages(p.staged_print_pdf),
}
PDF_STAGE = "pdf"


def stage_command(stage: Stage, run: Run) -> list[str]:
    """The command Make would run for this stage, in this run's folders.  The PDF stage
    runs through --capture-html: the real stage, which also saves the HTML it laid out
    last, so the bare render can use exactly the same HTML."""
    cli = [stage.name, "--book", str(run.book), "--build", str(run.root)]
    if stage.name == PDF_STAGE:
        return [sys.executable, "-m", "scripts.dev.bench", "--capture-html",
                str(run.root / "pdf-final.html"), "--", *cli]
    return [sys.executable, "-m", "scripts", *cli]


# ---------------------------------------------------------------- measuring one process

@dataclass
class Result:
    stage: str
    status: str                     # ok | failed | not available | skipped
    wall_s: float | None = None
    peak_rss_mb: float | None = None
    units: int | None = None
    unit_name: str = ""
    rate: float | None = None       # units per second (pages/s for PDFs)
    note: str = ""
    command: str = ""
    log: str = ""


def run_measured(command: list[str], log: Path, timeout: float) -> tuple[int, float, float, str]:
    """Run `command`; return exit code, wall seconds, peak RSS in MB and the first error line.

    The peak is the child's ru_maxrss from wait4, which the kernel raises to the
    largest of its own waited-for children, so pandoc runs started by a stage count.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        start = time.perf_counter()
        # The stage's own time limit (scripts/core/limits.py, 30 minutes unless told) is
        # this run's: a 1,000-post PDF on a loaded machine may need more, and is measured.
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "ANTHOLOGY_TIME_LIMIT": f"{timeout:g}"})
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        wall = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    first_error = ""
    if code:
        lines = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()
                 if ln.strip()]
        errors = [ln for ln in lines if ln.lower().startswith(("error", "usage"))
                  or "Error" in ln]
        first_error = (errors or lines or [f"exit status {code}"])[-1 if not errors else 0][:200]
        if wall >= timeout:
            first_error = f"timed out after {timeout:.0f} s"
    return code, wall, usage.ru_maxrss / 1024, first_error


def run_stage(stage: Stage, run: Run, timeout: float) -> Result:
    missing = [p for p in stage.inputs(run.paths) if not p.exists()]
    if missing:
        return Result(stage.name, "skipped", note=f"input not produced: {missing[0]}")
    command = stage_command(stage, run)
    log = run.logs / f"{stage.name}.log"
    code, wall, rss, error = run_measured(command, log, timeout)
    result = Result(stage.name, "ok" if code == 0 else "failed", round(wall, 3), round(rss, 1),
                    command=shlex.join(command), log=str(log), note=error)
    output = stage.outputs(run.paths)[0]
    if code == 0 and not output.exists():
        result.status, result.note = "failed", f"exited 0 but did not write {output}"
    if result.status == "ok" and stage.name in MEASURES:
        try:
            result.units, result.unit_name = MEASURES[stage.name](run.paths)
            result.rate = round(result.units / wall, 2) if wall > 0 else None
        except Exception as error:  # a broken output is worth reporting, not crashing on
            result.note = f"could not count the output: {error}"
    return result


# ---------------------------------------------------------------- the bare WeasyPrint render

def html_left_by(run: Run, since: float) -> Path | None:
    """The HTML the PDF stage wrote during its run (the largest, if it wrote several)."""
    candidates = [p for p in run.root.rglob("*.html") if p.stat().st_mtime >= since - 1]
    return max(candidates, key=lambda p: p.stat().st_size) if candidates else None


def capture_html(html_out: Path, stage_args: list[str]) -> int:
    """Run the PDF stage in this process, saving the book it laid out (in parts) as ONE
    HTML document, with the stylesheet it used, for the bare render."""
    from scripts.books.pdf import build as pdf_build
    from scripts.books.pdf import parts as pdf_parts
    from scripts.core import paths as resources

    real_write = pdf_build.write_pdfs

    def write_pdfs(layout, book, *args, **kwargs):
        from scripts.books.pdf.page import page_css
        written = real_write(layout, book, *args, **kwargs)
        write_text(html_out, layout.whole_html())
        # The page (size, bleed, margins) is generated from the book's trim and printer.
        page = html_out.with_suffix(".page.css")
        write_text(page, page_css(book.trim, book.printer))
        write_text(html_out.with_suffix(".json"), json.dumps(
            {"base_url": str(resources.PROJECT), "stylesheets": [str(page), str(pdf_parts.STYLESHEET)]}))
        return written

    pdf_build.write_pdfs = write_pdfs
    from scripts.cli import main as anthology
    return anthology(stage_args)


def bare_render(html_path: Path, pdf_path: Path) -> None:
    """One plain WeasyPrint render of the same HTML and stylesheets: what the PDF costs without us."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    sidecar = html_path.with_suffix(".json")
    settings = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
    fonts = FontConfiguration()
    stylesheets = [CSS(filename=f, font_config=fonts) for f in settings.get("stylesheets", [])]
    HTML(filename=str(html_path), base_url=settings.get("base_url") or str(html_path.parent)).write_pdf(
        str(pdf_path), stylesheets=stylesheets, font_config=fonts)


def run_bare(name: str, html_path: Path, run: Run, timeout: float) -> Result:
    out = run.root / "bare" / f"{html_path.stem}.pdf"
    command = [sys.executable, "-m", "scripts.dev.bench", "--bare-render", str(html_path), str(out)]
    code, wall, rss, error = run_measured(command, run.logs / f"{name}.log", timeout)
    result = Result(name, "ok" if code == 0 else "failed", round(wall, 3), round(rss, 1),
                    command=shlex.join(command), log=str(run.logs / f"{name}.log"), note=error)
    if code == 0:
        result.units, result.unit_name = count_pdf_pages(out)
        result.rate = round(result.units / wall, 2)
    return result


# ---------------------------------------------------------------- one archive, all stages

def measure_run(run: Run, pdf_max: int | None, timeout: float) -> list[Result]:
    results: dict[str, Result] = {}
    for stage in BUILD_STAGES:
        is_pdf = stage.name == PDF_STAGE
        if is_pdf and pdf_max is not None and run.posts is not None and run.posts > pdf_max:
            results[stage.name] = Result(stage.name, "skipped",
                                         note=f"capped: --pdf-max {pdf_max} posts")
            continue
        started = time.time()
        result = run_stage(stage, run, timeout)
        results[stage.name] = result
        print(f"  {run.label:>6} {stage.name:<13} {result.status:<14}"
              f"{_fmt(result.wall_s, 's'):>10} {_fmt(result.peak_rss_mb, 'MB'):>10}  {result.note}",
              flush=True)
        if is_pdf and result.status == "ok":
            html_path = run.root / "pdf-final.html"
            html_path = html_path if html_path.exists() else html_left_by(run, started)
            if html_path is None:
                results["pdf-bare"] = Result("pdf-bare", "not available",
                                             note="the PDF stage left no HTML file to re-render")
            else:
                bare = run_bare("pdf-bare", html_path, run, timeout)
                bare.note = f"bare WeasyPrint render of {html_path.relative_to(run.root)}"
                passes = ""
                pdf_report = run.reports / "pdf.json"
                if pdf_report.exists():
                    laid = json.loads(pdf_report.read_text(encoding="utf-8"))
                    passes = f", {laid.get('parts_laid_out')} of {laid.get('parts')} parts laid out"
                if bare.status == "ok" and result.wall_s:
                    result.note = (f"{result.wall_s / bare.wall_s:.2f}x a bare render{passes}"
                                   + (f"; {result.note}" if result.note else ""))
                results["pdf-bare"] = bare
    return list(results.values())


def _fmt(value: float | None, unit: str) -> str:
    return "" if value is None else f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"


# ---------------------------------------------------------------- profiling the slowest stage

def profile_stage(stage_name: str, run: Run, out_dir: Path, timeout: float) -> dict:
    stage = BY_NAME[stage_name]
    prof = run.root / f"profile-{stage.name}.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(prof), *stage_command(stage, run)[1:]]
    code, wall, rss, error = run_measured(command, run.logs / f"profile-{stage.name}.log", timeout)
    if code:
        return {"stage": stage.name, "run": run.label, "status": "failed", "note": error}
    stats = pstats.Stats(str(prof))
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = []
    for (file, line, func), (_cc, calls, tottime, cumtime, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append({"function": f"{_short(file)}:{line}({func})", "calls": calls,
                     "self_s": round(tottime, 3), "cumulative_s": round(cumtime, 3),
                     "self_share": round(tottime / total, 3) if total else 0.0})
    by_self = sorted(rows, key=lambda r: -r["self_s"])[:15]
    by_cumulative = sorted(rows, key=lambda r: -r["cumulative_s"])[:25]
    text = [f"cProfile of `{stage.name}` on the {run.label} archive ({wall:.2f} s under the profiler)",
            f"command: {shlex.join(command)}", "", "top by own time:"]
    text += [f"  {r['self_s']:8.3f} s {r['self_share']:6.1%}  {r['calls']:>9}  {r['function']}"
             for r in by_self]
    text += ["", "top by cumulative time:"]
    text += [f"  {r['cumulative_s']:8.3f} s  {r['calls']:>9}  {r['function']}" for r in by_cumulative]
    write_text(out_dir / "bench-profile.txt", "\n".join(text) + "\n")
    return {"stage": stage.name, "run": run.label, "status": "ok", "wall_s": round(wall, 2),
            "total_s": round(total, 3), "profile": str(prof),
            "top_self": by_self, "top_cumulative": by_cumulative}


def _short(file: str) -> str:
    for marker in ("site-packages/", "/scripts/", "/lib/python"):
        if marker in file:
            return file.split(marker, 1)[1] if marker != "/scripts/" else "scripts/" + file.split(marker, 1)[1]
    return file


# ---------------------------------------------------------------- budgets and the table

BUDGET_TEXT_S = 10.0
BUDGET_EPUB_S = 30.0
BUDGET_PDF_OVERHEAD = 0.75
BUDGET_PDF_RSS_MB = 600
BUDGET_EDIT_RATIO = 0.15
TEXT_STAGE_NAMES = [s.name for s in TEXT_STAGES]


def budgets(runs: list[dict]) -> list[dict]:
    synthetic = [r for r in runs if r["posts"] is not None and r["label"] != "seeds"]
    checks = []
    # The largest archive of each kind: text scrapes ("1000") and WordPress exports ("wxr-1000").
    kinds: dict[str, list[dict]] = {}
    for r in synthetic:
        kinds.setdefault(r["label"].split("-")[0] if "-" in r["label"] else "text", []).append(r)
    for kind, group in kinds.items():
        big = max(group, key=lambda r: r["posts"])
        by_name = {s["stage"]: s for s in big["stages"]}
        done = [by_name[n] for n in TEXT_STAGE_NAMES if by_name.get(n, {}).get("status") == "ok"]
        total = sum(s["wall_s"] for s in done)
        missing = [n for n in TEXT_STAGE_NAMES if by_name.get(n, {}).get("status") != "ok"]
        source = "" if kind == "text" else f" ({kind.upper()})"
        checks.append({
            "budget": f"split+normalise+dedupe+notes, {big['posts']} posts{source} < {BUDGET_TEXT_S:.0f} s",
            "measured": "-" if not done else f"{total:.2f} s" + (
                f" for {', '.join(s['stage'] for s in done)}" if missing else ""),
            "verdict": ("not measurable" if not done else
                        "over" if total >= BUDGET_TEXT_S else
                        "within so far (incomplete: " + ", ".join(missing) + " not measured)" if missing
                        else "within")})
        epub = by_name.get("epub", {})
        checks.append({
            "budget": f"EPUB, {big['posts']} posts{source} < {BUDGET_EPUB_S:.0f} s",
            "measured": f"{epub['wall_s']:.2f} s" if epub.get("status") == "ok" else epub.get("status", "-"),
            "verdict": ("within" if epub["wall_s"] < BUDGET_EPUB_S else "over")
            if epub.get("status") == "ok" else "not measurable"})
    for r in runs:
        by_name = {s["stage"]: s for s in r["stages"]}
        pdf, bare = by_name.get("pdf", {}), by_name.get("pdf-bare", {})
        if pdf.get("status") == "ok" and bare.get("status") == "ok":
            ratio = pdf["wall_s"] / bare["wall_s"]
            checks.append({"budget": f"PDF overhead over a bare render, {r['label']} <= {BUDGET_PDF_OVERHEAD}x",
                           "measured": f"{ratio:.2f}x ({pdf['wall_s']:.1f} s vs {bare['wall_s']:.1f} s)",
                           "verdict": "within" if ratio <= BUDGET_PDF_OVERHEAD else "over"})
    for r in runs:
        for s in r["stages"]:
            if s["stage"] == "pdf" and s.get("status") == "ok" and s.get("peak_rss_mb") is not None:
                checks.append({"budget": f"PDF stage peak RSS of any process, {r['label']} <= {BUDGET_PDF_RSS_MB} MB",
                               "measured": f"{s['peak_rss_mb']:.0f} MB",
                               "verdict": "within" if s["peak_rss_mb"] <= BUDGET_PDF_RSS_MB else "over"})
    if not any(c["budget"].startswith("PDF overhead") for c in checks):
        checks.append({"budget": f"PDF overhead over a bare render <= {BUDGET_PDF_OVERHEAD}x",
                       "measured": "-", "verdict": "not measurable (no PDF stage run)"})
    return checks


def markdown(report: dict) -> str:
    meta = report["meta"]
    lines = ["# Build benchmark", "",
             f"Command: `{meta['command']}`  ",
             f"Machine: {meta['cpus']} CPUs, Python {meta['python']}, load average at start "
             f"{meta['load_average']}; commit {meta['commit']}; {meta['date']}  ",
             f"Synthetic archives: seed {meta['seed']}; PDF capped at "
             f"{meta['pdf_max'] if meta['pdf_max'] is not None else 'no'} posts.", "",
             "| archive | posts | stage | status | wall (s) | peak RSS (MB) | output | rate | note |",
             "|---|---:|---|---|---:|---:|---:|---:|---|"]
    for run in report["runs"]:
        for s in run["stages"]:
            output = f"{s['units']} {s['unit_name']}" if s.get("units") is not None else ""
            rate = ""
            if s.get("rate") is not None:
                rate = f"{s['rate']:.1f} pages/s" if s["unit_name"] == "pages" else f"{s['rate']:.0f}/s"
            note = s.get("note", "").replace("|", "\\|")
            lines.append(f"| {run['label']} | {run['posts'] if run['posts'] is not None else ''} | "
                         f"{s['stage']} | {s['status']} | {_num(s.get('wall_s'), 2)} | "
                         f"{_num(s.get('peak_rss_mb'), 0)} | {output} | {rate} | {note} |")
    lines += ["", "## Budgets", "", "| budget | measured | verdict |", "|---|---|---|"]
    lines += [f"| {c['budget']} | {c['measured']} | {c['verdict']} |" for c in report["budgets"]]
    if report.get("edit", {}).get("status") == "ok":
        lines += edit_table(report["edit"])
    profile = report.get("profile")
    if profile and profile.get("status") == "ok":
        lines += ["", f"## Profile of the slowest stage: `{profile['stage']}` "
                      f"({profile['run']} archive, {profile['wall_s']} s under cProfile)", "",
                  "| own time (s) | share | calls | function |", "|---:|---:|---:|---|"]
        lines += [f"| {r['self_s']:.3f} | {r['self_share']:.1%} | {r['calls']} | `{r['function']}` |"
                  for r in profile["top_self"][:10]]
        lines += ["", "Full listing: build/reports/bench-profile.txt"]
    elif profile:
        lines += ["", f"Profile of `{profile['stage']}` failed: {profile.get('note', '')}"]
    lines += ["", "Peak RSS is the stage process's maximum resident set, including tools it "
                  "ran and waited for (pandoc). Times are wall-clock on a shared machine: "
                  "compare rows within one report, not across machines."]
    return "\n".join(lines) + "\n"


def _num(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


# ---------------------------------------------------------------- main

def synth_run(size: int, seed: int, work: Path, timeout: float, fmt: str = "text") -> tuple[Run, Result]:
    """Generate a synthetic book of `size` posts: text-scrape archives, or (fmt "wxr") one
    WordPress export of the same prose."""
    label = str(size) if fmt == "text" else f"{fmt}-{size}"
    root = work / label
    if fmt == "wxr":
        command = [sys.executable, "-m", "scripts.dev.synth_wxr", "--posts", str(size), "--seed", str(seed),
                   "--out", str(root)]
    else:
        command = [sys.executable, "-m", "scripts.dev.synth", "--articles", str(size), "--seed", str(seed),
                   "--out", str(root)]
    code, wall, rss, error = run_measured(command, root / "logs" / "synth.log", timeout)
    if code:
        raise UserError(f"generating the {size}-post archive failed: {error}",
                        hint=f"see {root / 'logs' / 'synth.log'}")
    manifest = json.loads((root / "synth.json").read_text(encoding="utf-8"))
    run = Run(label, root, root,
              [root / "sources" / name for name in manifest["files"]], posts=manifest["articles"])
    words = sum(p["words"] for p in manifest["posts"])
    return run, Result("synth", "ok", round(wall, 3), round(rss, 1), units=manifest["articles"],
                       unit_name="posts", rate=round(manifest["articles"] / wall, 1),
                       note=f"{words:,} words in {len(manifest['files'])} "
                            + ("archive files" if fmt == "text" else f"{fmt} file(s)"),
                       command=shlex.join(command))


def fresh(root: Path) -> None:
    """Remove the previous run's outputs (not the generated sources) so nothing stale is counted:
    the memos and the PDF's parts too, or a second run in the same folder measures a build
    that lays nothing out."""
    import shutil
    for name in ("model", "reports", "articles", "html", "logs", "bare", "cache", "pdf-parts",
                 "staging", "published", "generations", "volumes", ".make"):
        shutil.rmtree(root / name, ignore_errors=True)
    for pattern in ("*.epub", "*.pdf", "*.json", "*.prof"):
        for path in root.glob(pattern):
            if path.name != "synth.json":
                path.unlink()


# The console line every stage prints when it ends (scripts/core/console.py).
_STAGE_LINE = re.compile(r"^\[(?P<name>[\w-]+)\s*\]\s+(?P<seconds>\d+\.\d+) s")


def stage_seconds(log: Path) -> dict[str, float]:
    """Each stage's own time, as its console line in a make log gives it."""
    times: dict[str, float] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if (found := _STAGE_LINE.match(line)) and found["name"] != "bench":
            times[found["name"]] = times.get(found["name"], 0.0) + float(found["seconds"])
    return times


def edit_case(book: Path, work: Path, timeout: float, make: list[str] | None = None) -> dict:
    """A clean `make` of a copy of the book, then one sentence added to one paragraph of
    one source and `make` again: what an editor waits for after an edit.  `make`: the
    command to run (`make` with this checkout's Makefile by default)."""
    import shutil
    copy = work / "edit" / "book"
    shutil.rmtree(copy.parent, ignore_errors=True)
    shutil.copytree(book, copy, ignore=shutil.ignore_patterns("build"))
    logs = work / "edit" / "logs"
    make = [*(make or ["make"]), f"BOOK={copy}", "books"]
    code, clean_s, clean_rss, error = run_measured(make, logs / "clean.log", timeout)
    if code:
        return {"status": "failed", "note": error}
    source = sorted((copy / "sources").rglob("*.*"))[0]
    lines = source.read_text(encoding="utf-8").split("\n")
    # A paragraph: the longest line of the source's middle third (a body paragraph in any format).
    third = len(lines) // 3
    number = max(range(third, 2 * third or 1), key=lambda n: len(lines[n]))
    lines[number] += " This sentence was added by the benchmark."
    source.write_text("\n".join(lines), encoding="utf-8")
    code, edit_s, edit_rss, error = run_measured(make, logs / "edit.log", timeout)
    if code:
        return {"status": "failed", "note": error}
    clean_stages, edit_stages = stage_seconds(logs / "clean.log"), stage_seconds(logs / "edit.log")
    stages = [{"stage": name, "clean_s": clean_stages.get(name), "edit_s": edit_stages.get(name)}
              for name in dict.fromkeys([*clean_stages, *edit_stages])]
    return {"status": "ok", "clean_s": round(clean_s, 2), "edit_s": round(edit_s, 2),
            "ratio": round(edit_s / clean_s, 3), "edited": f"{source.relative_to(copy)}:{number + 1}",
            "peak_rss_mb": round(max(clean_rss, edit_rss), 1), "command": shlex.join(make),
            "stages": stages,
            # make itself, each stage's interpreter starting, and what runs before a stage's timer
            "outside_stages_s": {"clean": round(clean_s - sum(clean_stages.values()), 2),
                                 "edit": round(edit_s - sum(edit_stages.values()), 2)}}


def edit_table(edit: dict) -> list[str]:
    """The edit case stage by stage: what each stage took in the clean make and after the edit."""
    lines = ["", f"## The edit case: `{edit['command']}` after one sentence added to {edit['edited']}", "",
             "| stage | clean make (s) | after the edit (s) |", "|---|---:|---:|"]
    for row in edit["stages"]:
        lines.append(f"| {row['stage']} | {_num(row['clean_s'], 2)} | {_num(row['edit_s'], 2)} |")
    outside = edit["outside_stages_s"]
    lines.append(f"| (make, interpreters starting) | {outside['clean']:.2f} | {outside['edit']:.2f} |")
    lines.append(f"| **the whole make** | **{edit['clean_s']:.2f}** | **{edit['edit_s']:.2f}** "
                 f"({edit['ratio']:.2f}x) |")
    return lines


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


@cli
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000",
                        help="comma-separated numbers of posts (default 10,100,1000)")
    parser.add_argument("--wxr-sizes", default="1000",
                        help="comma-separated numbers of posts in synthetic WordPress exports "
                             "(default 1000; '' for none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pdf-max", type=int, default=None,
                        help="skip the PDF stage for archives with more posts than this")
    parser.add_argument("--no-seeds", action="store_true", help="do not measure the seeds")
    parser.add_argument("--no-edit", action="store_true",
                        help="do not measure a make after a one-paragraph edit of the book")
    parser.add_argument("--make", default="make",
                        help="the command the edit case runs as `make` (default: make; e.g. "
                             "'make -f OTHER.mk' for a checkout whose Makefile must not set up the venv)")
    parser.add_argument("--book", type=Path, default=Path("manuscript"),
                        help="the book folder measured as the 'seeds' row")
    parser.add_argument("--work", type=Path, default=Path("build/bench"))
    parser.add_argument("--reports", type=Path, default=Path("build/reports"))
    parser.add_argument("--profile", default="auto",
                        help="stage to run again under cProfile: a stage name, 'auto' "
                             "(the slowest at the largest size) or 'none'")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per stage")
    # Used by the benchmark itself, each in a subprocess of its own.
    parser.add_argument("--bare-render", nargs=2, metavar=("HTML", "PDF"), help=argparse.SUPPRESS)
    parser.add_argument("--capture-html", type=Path, metavar="HTML", help=argparse.SUPPRESS)
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--capture-html" in argv and "--" in argv:
        # Everything after "--" belongs to the PDF stage.
        cut = argv.index("--")
        argv, stage_args = argv[:cut], argv[cut + 1:]
        return capture_html(Path(argv[argv.index("--capture-html") + 1]), stage_args)
    args = parser.parse_args(argv)

    if args.bare_render:
        bare_render(Path(args.bare_render[0]), Path(args.bare_render[1]))
        return 0
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
        wxr_sizes = sorted({int(s) for s in args.wxr_sizes.split(",") if s.strip()})
    except ValueError:
        raise UserError(f"--sizes and --wxr-sizes must be numbers separated by commas, "
                        f"not '{args.sizes}' / '{args.wxr_sizes}'") from None
    if args.profile not in ("auto", "none") and args.profile not in {s.name for s in BUILD_STAGES}:
        raise UserError(f"--profile: no stage called '{args.profile}'",
                        hint="use one of " + ", ".join(s.name for s in BUILD_STAGES) + ", auto or none")

    runs: list[tuple[Run, list[Result]]] = []
    with stage_line("bench") as summary:
        if not args.no_seeds:
            seeds = Run("seeds", args.work / "seeds", args.book,
                        sorted((args.book / "sources").glob("*.txt")))
            fresh(seeds.root)
            runs.append((seeds, measure_run(seeds, None, args.timeout)))
        for size in sizes:
            run, synth = synth_run(size, args.seed, args.work, args.timeout)
            fresh(run.root)
            run.logs.mkdir(parents=True, exist_ok=True)
            runs.append((run, [synth, *measure_run(run, args.pdf_max, args.timeout)]))
        for size in wxr_sizes:
            run, synth = synth_run(size, args.seed, args.work, args.timeout, fmt="wxr")
            fresh(run.root)
            run.logs.mkdir(parents=True, exist_ok=True)
            runs.append((run, [synth, *measure_run(run, args.pdf_max, args.timeout)]))

        report_runs = [{"label": run.label, "posts": run.posts, "root": str(run.root),
                        "sources": len(run.sources), "stages": [asdict(r) for r in results]}
                       for run, results in runs]
        # Seeds' post count: what the splitter found, if it ran.
        for entry in report_runs:
            if entry["posts"] is None:
                split = next((s for s in entry["stages"] if s["stage"] == "split"), None)
                entry["posts"] = split["units"] if split and split["status"] == "ok" else None

        profile = None
        if args.profile != "none":
            candidates = [(r, res) for r, results in runs for res in results
                          if res.status == "ok" and res.stage in {s.name for s in BUILD_STAGES}
                          and r.label != "seeds"]
            if args.profile != "auto":
                candidates = [(r, res) for r, res in candidates if res.stage == args.profile]
                candidates = [max(candidates, key=lambda c: c[0].posts or 0)] if candidates else []
            if candidates:
                target_run, target = max(candidates, key=lambda c: c[1].wall_s or 0)
                print(f"  profiling {target.stage} on the {target_run.label} archive ...", flush=True)
                profile = profile_stage(target.stage, target_run, args.reports, args.timeout)

        report = {
            "meta": {"command": "python -m scripts.dev.bench " + shlex.join(argv),
                     "date": dt.datetime.now().isoformat(timespec="seconds"),
                     "python": platform.python_version(), "cpus": os.cpu_count(),
                     "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
                     "commit": _git_commit(), "seed": args.seed, "sizes": sizes,
                     "pdf_max": args.pdf_max},
            "runs": report_runs,
            "profile": profile,
        }
        report["budgets"] = budgets(report_runs)
        if not args.no_edit:
            print("  edit   a clean make, one paragraph edited, make again ...", flush=True)
            edit = edit_case(args.book, args.work, args.timeout, shlex.split(args.make))
            report["edit"] = edit
            report["budgets"].append({
                "budget": f"make after a one-paragraph edit <= {BUDGET_EDIT_RATIO}x a clean make",
                "measured": (f"{edit['ratio']:.2f}x ({edit['edit_s']:.1f} s vs {edit['clean_s']:.1f} s, "
                             f"{edit['edited']})") if edit["status"] == "ok" else edit.get("note", "failed"),
                "verdict": ("within" if edit["ratio"] <= BUDGET_EDIT_RATIO else "over")
                if edit["status"] == "ok" else "not measurable"})
        write_text(args.reports / "bench.json", json.dumps(report, indent=1, ensure_ascii=False) + "\n")
        table = markdown(report)
        write_text(args.reports / "bench.md", table)
        print()
        print(table)
        summary.summary = f"{len(runs)} archives -> {args.reports / 'bench.md'}"
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
