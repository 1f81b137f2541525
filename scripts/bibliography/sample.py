"""A reproducible sample of the built bibliography, beside the notes each entry was read from.

    python -m scripts.bibliography.sample --build build --n 30 --seed 13 > sample.md

An editor checks a bibliography by reading entries against their notes; this prints the
sheet for that reading.  The sample is drawn over the *notes* (seeded), not over the entry
ids, so the same seed picks the same notes before and after a change to the toolchain, even
when the change merges works or renames their ids: the error rates then compare like with
like.  Nothing here judges an entry: the verdicts are the reader's.
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sampled:
    note_key: str          # "<slug>#<number>": the note the work was picked by
    notes: list[str]       # the text of every note that cites the work, first the picking one
    entry_id: str
    entry: str             # the formatted entry as plain text
    item: dict             # its CSL-JSON


def entries_as_text(bibliography_html: str) -> dict[str, str]:
    """id -> the formatted entry as a reader sees it (tags dropped, entities decoded)."""
    out = {}
    for match in re.finditer(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>',
                             bibliography_html, re.S):
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        out[match.group(1)] = " ".join(text.split())
    return out


def draw(build: Path, n: int, seed: int) -> list[Sampled]:
    articles = json.loads((build / "model" / "noted.json").read_text(encoding="utf-8"))["articles"]
    note_text = {f"{a['slug']}#{n['number']}": n["text"] for a in articles for n in a["notes"]}
    cited_in = json.loads((build / "bibliography-citations.json").read_text(encoding="utf-8"))
    items = {i["id"]: i for i in json.loads((build / "bibliography.json").read_text(encoding="utf-8"))}
    entries = entries_as_text((build / "bibliography.html").read_text(encoding="utf-8"))
    work_of: dict[str, list[str]] = {}
    for work, places in cited_in.items():
        for place in places:
            work_of.setdefault(f"{place['slug']}#{place['note']}", []).append(work)
    keys = sorted(note_text)       # every note, in a fixed order, then shuffled by the seed
    random.Random(seed).shuffle(keys)
    picked: list[Sampled] = []
    seen: set[str] = set()
    for key in keys:
        for work in work_of.get(key, []):
            if work in seen:
                continue
            seen.add(work)
            citing = [f"{p['slug']}#{p['note']}" for p in cited_in[work]]
            order = [key] + [k for k in citing if k != key]
            picked.append(Sampled(key, [f"`{k}`: {note_text[k]}" for k in order], work,
                                  entries.get(work, "(not in the formatted list)"), items[work]))
            break
        if len(picked) == n:
            break
    return picked


def render(sample: list[Sampled], build: Path, n: int, seed: int) -> str:
    out = [f"Sample of {len(sample)} entries (seed {seed}, n {n}) from {build}.", ""]
    for number, s in enumerate(sample, 1):
        out += [f"### {number}. `{s.note_key}` → `{s.entry_id}`", ""]
        out += [f"- note {text}" for text in s.notes]
        language = f", language {s.item['language']}" if s.item.get("language") else ""
        out += [f"- entry ({s.item.get('type')}{language}): {s.entry}", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", type=Path, default=Path("build"))
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    sys.stdout.write(render(draw(args.build, args.n, args.seed), args.build, args.n, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
