"""A static site's data files: the author profiles a post's front matter points to.

Hugo themes keep one profile per author in `data/authors/<key>.yaml` (or .toml, .json)
and Jekyll sites keep them all in `_data/authors.yml`; the post's `author:` then holds
the key ("jdyson"), and only the profile holds the name the site prints ("Jimmi
Dyson").  A writer who copies the whole site into sources/ brings these files along:
they are no posts, so they are left out (and reported), but the Markdown adapter reads
them to put the name, not the key, in the book.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import yaml

from scripts.core.book import Book
from scripts.core.memo import Memo
from scripts.ingest.common import LeftOut, Read

DATA_FOLDERS = ("data", "_data")                  # Hugo, Jekyll
DATA_SUFFIXES = (".yaml", ".yml", ".toml", ".json")
NAME_KEYS = ("name", "display_name", "title", "fullname", "full_name")


def is_site_data(name: str) -> bool:
    """A data file of a static site: a YAML, TOML or JSON file under data/ or _data/."""
    path = Path(name)
    return path.suffix.lower() in DATA_SUFFIXES and any(part in DATA_FOLDERS for part in path.parts[:-1])


def read_all(sources: list[tuple[Path, str]], taken: set[str], book: Book,
             conversions: Memo | None = None) -> Read:
    """No posts: each data file reported as read for its profiles, not as text."""
    result = Read()
    for _, name in sources:
        result.left_out.append(LeftOut(name, 1, "site-data", name,
                                       "the site's data file (author profiles, menus): read for the "
                                       "posts' authors, not a post"))
    return result


def _load(path: Path):
    """A data file's content; None when it cannot be read (it is only a help for names)."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix.lower() == ".toml":
            return tomllib.loads(text)
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
        return None


def _name_in(profile) -> str:
    if isinstance(profile, str):
        return profile.strip()
    if isinstance(profile, dict):
        for key in NAME_KEYS:
            value = profile.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def author_names(post: Path, top: Path) -> dict[str, str]:
    """Author key -> name, from the profiles nearest the post: the data folders of the
    post's own folder and each folder above it, up to `top` (the sources folder), the
    nearest winning (a site inside a bigger tree keeps its own authors)."""
    names: dict[str, str] = {}
    folder = post.parent
    folders = []
    while True:
        folders.append(folder)
        if folder == top or top not in folder.parents:
            break
        folder = folder.parent
    for folder in reversed(folders):                 # farthest first, so the nearest overwrites
        for data in DATA_FOLDERS:
            profiles = folder / data / "authors"
            if profiles.is_dir():                    # Hugo: one file per author, named by its key
                for path in sorted(profiles.iterdir()):
                    if path.suffix.lower() in DATA_SUFFIXES and (name := _name_in(_load(path))):
                        names[path.stem] = name
            for suffix in DATA_SUFFIXES:             # Jekyll: one file, key -> profile
                table = _load(folder / data / f"authors{suffix}")
                if isinstance(table, dict):
                    names.update({str(key): name for key, profile in table.items() if (name := _name_in(profile))})
    return names
