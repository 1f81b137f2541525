"""A Markdown post's front matter: the YAML (or TOML) between its fences read into the
values the book takes (draft or not, date, authors, tags), whatever generator wrote it."""

from __future__ import annotations

import datetime as dt
import re
import tomllib

from pathlib import Path

import yaml

from scripts.core.errors import UserError, compose_yaml

DRAFT_KEYS = ("draft",)
DATE_KEYS = ("date", "Date", "pubDate", "published", "publishDate", "pubdate", "created")
FILE_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)-")       # Jekyll: _posts/2021-03-04-title.md


def read_meta(raw: str, fence: str, name: str) -> dict:
    if fence == "+++":
        try:
            data = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as error:
            line = re.search(r"line (\d+)", str(error))
            raise UserError(f"the TOML front matter is not valid: {error}", file=name,
                            line=int(line.group(1)) + 1 if line else 1,
                            hint="check the quoting on that line (TOML strings need quotes)") from None
    else:
        hint = "quote values that contain ': ' or start with a symbol"
        # The node tree first: a syntax error, a "billion laughs" of aliases or a lone
        # surrogate is refused with its line before any value is built from it.
        root = compose_yaml(raw, name, hint, first_line=2)
        try:
            # the values built from that tree by YAML's safe constructor: the text is parsed once
            data = yaml.constructor.SafeConstructor().construct_document(root) if root is not None else {}
        except yaml.constructor.ConstructorError as error:
            mark = getattr(error, "problem_mark", None)
            raise UserError(f"the front matter has a value YAML cannot read safely: {error.problem}",
                            file=name, line=mark.line + 2 if mark else 1,
                            hint="take out the tag (such as !!python/object): front matter holds texts, "
                                 "dates, numbers and lists") from None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise UserError(f"the front matter is not valid YAML: {getattr(error, 'problem', None) or error}",
                            file=name, line=mark.line + 2 if mark else 1, hint=hint) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise UserError("the front matter is not a list of 'key: value' lines", file=name, line=2,
                        hint="write one 'key: value' per line, e.g. 'title: My post'")
    return data


def first_of(meta: dict, keys: tuple[str, ...]):
    return next((meta[k] for k in keys if meta.get(k) not in (None, "")), None)


def is_draft(meta: dict) -> bool:
    draft = meta.get("draft")
    published = meta.get("published")
    return draft is True or str(draft).lower() == "true" or published is False or str(published).lower() == "false"


def date_of(meta: dict, name: str) -> str:
    value = first_of(meta, DATE_KEYS)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d\d)-(\d\d)", value)
        if match:
            return "-".join(match.groups())
        for form in ("%B %d, %Y", "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%Y/%m/%d"):
            try:
                return dt.datetime.strptime(value.strip(), form).date().isoformat()
            except ValueError:
                continue
    # Zola and some Hugo sites date a post only by its permalink: path = "2014/12/12/slug".
    for key in ("path", "url", "permalink"):
        link = meta.get(key)
        found = re.match(r"/?(\d{4})[/-](\d\d)[/-](\d\d)(?:/|-|$)", str(link)) if link else None
        if found:
            return "-".join(found.groups())
    match = FILE_DATE.match(Path(name).name)
    return "-".join(match.groups()) if match else ""


def terms_of(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in re.split(r"[,\s]+" if "," not in value else r",", value) if t.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [str(value)]


NAME_SEPARATOR = re.compile(r"\s*(?:[,;&]|\band\b)\s*")


def names_of(value) -> list[str]:
    """The authors front matter names: a list, or one text.  A text is one name, spaces and
    all ("Mara Averick"); only a comma, a semicolon, "&" or "and" parts several
    ("Jo Doe, Ri Roe", "Jo Doe and Ri Roe").  (Tags differ: `tags: hugo blogdown` is two.)"""
    if isinstance(value, str):
        return [n for n in (" ".join(part.split()) for part in NAME_SEPARATOR.split(value)) if n]
    return [" ".join(n.split()) for n in terms_of(value)]
