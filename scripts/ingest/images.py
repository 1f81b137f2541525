"""The blog's pictures, found in a local copy of its uploads folder (book.yaml `images:`).

A post names a picture by its address on the site: `https://blog.example/wp-content/uploads/
2020/05/harbour-1024x683.jpg`, `/assets/img/harbour.jpg`, `../images/harbour.jpg`.  The
folder the writer has is the site's uploads (or assets) folder, so the address and the
file share the end of their paths: the longest end that names a file in the folder is the
picture.  WordPress adds a size to the name of each smaller copy it makes
(`-1024x683`, `-scaled`); the original upload is the one to print, so it is tried first.

Only pictures both books can carry are used (JPEG, PNG, GIF; WebP is converted by the
articles stage); a file that is not a readable picture is reported, not used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
# WordPress's resized copies: name-300x200.jpg, name-scaled.jpg, name-e1592848765432.jpg (edited).
SIZED = re.compile(r"-(?:\d+x\d+|scaled|e\d{10,})(?=\.[A-Za-z]+$)")


@dataclass(frozen=True)
class Found:
    path: str          # inside the images folder, with / separators
    absolute: Path


class ImageFolder:
    """Every picture file under a folder, by its path inside the folder."""

    def __init__(self, root: Path):
        self.root = root
        self.files = {p.relative_to(root).as_posix().casefold(): p for p in sorted(root.rglob("*"))
                      if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                      and not any(part.startswith(".") for part in p.relative_to(root).parts)}
        # Every end of every file's path ("harbour.jpg", "05/harbour.jpg", ...) -> the file,
        # for the ends that name one file only.
        ends: dict[str, set[Path]] = {}
        for key, file in self.files.items():
            parts = key.split("/")
            for start in range(len(parts)):
                ends.setdefault("/".join(parts[start:]), set()).add(file)
        self.ends = {end: next(iter(files)) for end, files in ends.items() if len(files) == 1}

    def find(self, src: str) -> Found | None:
        """The file a post's picture address names, or None."""
        path = unquote(urlsplit(src.strip()).path)
        parts = [p for p in PurePosixPath(path).parts if p not in ("/", ".", "..")]
        if not parts or PurePosixPath(parts[-1]).suffix.lower() not in IMAGE_SUFFIXES:
            return None
        original = SIZED.sub("", parts[-1])
        for name in dict.fromkeys((original, parts[-1])):          # the original upload first
            wanted = [*parts[:-1], name]
            for start in range(len(wanted)):                        # the longest end in common
                end = "/".join(wanted[start:]).casefold()
                file = self.ends.get(end)
                # A file name alone is not enough where the folders differ: 2021/02/x.jpg is
                # not 2020/05/x.jpg.  It is when the file lies at the top of the folder.
                if file is not None and (end.count("/") or end in self.files):
                    return Found(file.relative_to(self.root).as_posix(), file)
        return None


def unreadable(found: Found) -> str:
    """Why the file cannot be the book's picture ("" when it can)."""
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(found.absolute) as image:
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as error:
        return f"{found.path} is not a picture the book can read ({error.__class__.__name__})"
    return ""


@lru_cache(maxsize=4)
def _folder(root: Path) -> ImageFolder:
    return ImageFolder(root)


def folder_for(book) -> ImageFolder | None:
    """The book's images folder (book.yaml `images:`), read once per run; None without one."""
    return _folder(book.images) if getattr(book, "images", None) else None
