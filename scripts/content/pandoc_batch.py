"""Run many pandoc conversions through a few pandoc processes.

pandoc is the converter; what costs is starting it (three processes per
pypandoc call).  `convert_many` sends the documents of a stage through
scripts/content/pandoc_batch.lua, split across one process per core.
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

SCRIPT = Path(__file__).resolve().with_name("pandoc_batch.lua")


@dataclass
class Document:
    text: str
    id_prefix: str = ""
    name: str = ""           # for error messages


def _run(documents: list[Document], reader: str, writer: str, template: str | None,
         section_divs: bool) -> list[str]:
    request = {"reader": reader, "writer": writer, "template": template, "section_divs": section_divs,
               "documents": [{"text": d.text, "id_prefix": d.id_prefix} for d in documents]}
    result = subprocess.run([pypandoc.get_pandoc_path(), "lua", str(SCRIPT)], input=json.dumps(request),
                            capture_output=True, text=True)
    if result.returncode != 0:
        names = ", ".join(d.name for d in documents[:3] if d.name)
        raise UserError(f"pandoc could not convert {names or 'the documents'}: {result.stderr.strip()}",
                        hint="rebuild the articles with 'make articles'; if it persists, report it")
    return json.loads(result.stdout)


def convert_many(documents: list[Document], *, reader: str, writer: str, template: str | None = None,
                 section_divs: bool = False, processes: int | None = None) -> list[str]:
    """Convert every document, in order, with one pandoc process per core (at most)."""
    if not documents:
        return []
    processes = max(1, min(processes or os.cpu_count() or 1, len(documents)))
    size = -(-len(documents) // processes)
    chunks = [documents[i:i + size] for i in range(0, len(documents), size)]
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        parts = pool.map(lambda chunk: _run(chunk, reader, writer, template, section_divs), chunks)
    return [text for part in parts for text in part]


def default_template(writer: str) -> str:
    """pandoc's own standalone template for a writer (what --standalone would use)."""
    result = subprocess.run([pypandoc.get_pandoc_path(), "-D", writer.split("-")[0].split("+")[0]],
                            capture_output=True, text=True, check=True)
    return result.stdout
