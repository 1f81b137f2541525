"""Run many pandoc conversions through a few pandoc processes.

pandoc is the converter; what costs is starting it (three processes per
pypandoc call).  `convert_many` sends the documents of a stage through
scripts/content/pandoc_batch.lua, split across one process per core.

Given a memo (`pandoc_memo`), it sends only the documents it has not converted
before: what pandoc returned for each document is remembered under the hash of the
document, the conversion's options and template, the batch script and pandoc's
version, so after an edit to one chapter only that chapter goes through pandoc.

A conversion depends on nothing else, so one memo folder can serve many builds: with
ANTHOLOGY_PANDOC_CACHE set to a folder, every conversion is remembered there, instead of
in the build folder, and so are those of a build that has none.  Nothing is pruned from
it.  The test suite does this (build/test-cache/): dozens of test books convert the same
demo chapters.
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from scripts.core.errors import UserError
from scripts.core.memo import Memo, code_version

SCRIPT = Path(__file__).resolve().with_name("pandoc_batch.lua")
SHARED_CACHE = "ANTHOLOGY_PANDOC_CACHE"       # a folder of conversions several builds share


@dataclass
class Document:
    text: str
    id_prefix: str = ""
    name: str = ""           # for error messages


def _run(documents: list[Document], reader: str, writer: str, template: str | None,
         section_divs: bool, plain_code: bool = False, unwrap_positions: bool = False) -> list[str]:
    request = {"reader": reader, "writer": writer, "template": template, "section_divs": section_divs,
               "plain_code": plain_code, "unwrap_positions": unwrap_positions,
               "documents": [{"text": d.text, "id_prefix": d.id_prefix} for d in documents]}
    result = subprocess.run([pypandoc.get_pandoc_path(), "lua", str(SCRIPT)], input=json.dumps(request),
                            capture_output=True, text=True)
    if result.returncode != 0:
        names = ", ".join(d.name for d in documents[:3] if d.name)
        raise UserError(f"pandoc could not convert {names or 'the documents'}: {result.stderr.strip()}",
                        hint="rebuild the articles with 'make articles'; if it persists, report it")
    return json.loads(result.stdout)


def convert_many(documents: list[Document], *, reader: str, writer: str, template: str | None = None,
                 section_divs: bool = False, processes: int | None = None,
                 memo: Memo | None = None, plain_code: bool = False,
                 unwrap_positions: bool = False) -> list[str]:
    """Convert every document, in order, with one pandoc process per core (at most); with
    a memo, only the documents it does not hold go to pandoc.  `plain_code`: code blocks
    without syntax highlighting; `unwrap_positions`: the spans `sourcepos` wraps around
    each inline dropped (see pandoc_batch.lua)."""
    memo = memo or _shared_memo("conversions") or Memo(None, "")
    options = (reader, writer, template or "", str(section_divs)) + (("plain-code",) if plain_code else ()) \
        + (("unwrap-positions",) if unwrap_positions else ())
    keys = [memo.key(*options, d.id_prefix, d.text) for d in documents]
    found = [memo.get(key) for key in keys]
    todo = [i for i, value in enumerate(found) if not isinstance(value, str)]
    if todo:
        converted = _convert_all([documents[i] for i in todo], reader, writer, template, section_divs,
                                 processes, plain_code, unwrap_positions)
        for i, text in zip(todo, converted):
            found[i] = text
            memo.put(keys[i], text)
    memo.computed += len(todo)
    memo.reused += len(documents) - len(todo)
    return found


def _convert_all(documents: list[Document], reader: str, writer: str, template: str | None,
                 section_divs: bool, processes: int | None, plain_code: bool = False,
                 unwrap_positions: bool = False) -> list[str]:
    processes = max(1, min(processes or os.cpu_count() or 1, len(documents)))
    size = -(-len(documents) // processes)
    chunks = [documents[i:i + size] for i in range(0, len(documents), size)]
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        parts = pool.map(lambda chunk: _run(chunk, reader, writer, template, section_divs, plain_code,
                                            unwrap_positions), chunks)
    return [text for part in parts for text in part]


def pandoc_memo(build: Path, name: str) -> Memo:
    """The memo of one stage's conversions (build/cache/<name>/, or <ANTHOLOGY_PANDOC_CACHE>/<name>/):
    keyed by pandoc's version and the batch script too, so a new pandoc converts everything again."""
    return _shared_memo(name) or Memo.in_build(build, name, _version())


def _shared_memo(name: str) -> Memo | None:
    """<ANTHOLOGY_PANDOC_CACHE>/<name>/ when that is set: it holds the conversions of builds
    without a build folder too."""
    shared = os.environ.get(SHARED_CACHE)
    return Memo(Path(shared) / name, _version(), shared=True) if shared else None


def _version() -> str:
    return code_version(SCRIPT) + _pandoc_version()


def _pandoc_version() -> str:
    path = Path(pypandoc.get_pandoc_path())
    stat = path.stat()
    # The binary's identity (a pandoc replaced in place has another size or time) rather than
    # `pandoc --version`, which would start one more process per stage.
    return f"{path} {stat.st_size} {stat.st_mtime_ns}"


def default_template(writer: str) -> str:
    """pandoc's own standalone template for a writer (what --standalone would use)."""
    result = subprocess.run([pypandoc.get_pandoc_path(), "-D", writer.split("-")[0].split("+")[0]],
                            capture_output=True, text=True, check=True)
    return result.stdout
