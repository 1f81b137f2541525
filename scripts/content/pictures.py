"""The book's copies of the blog's pictures: build/images/, one file per picture.

Each file is named by a hash of its bytes, so two posts showing one picture share one file
and a chapter's Markdown names a file that cannot be confused with another.  Both books
carry JPEG, PNG and GIF; anything else Pillow reads (WebP) is stored as PNG.  The
sanitiser lets an <img> through only when it names a file of this shape in this folder.
"""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

from scripts.core.atomic import write_bytes

FOLDER = "images"
CARRIED = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif"}
# What a chapter's <img src> may be: a picture of build/images/, relative to build/articles/.
BOOK_IMAGE = re.compile(r"^\.\./images/[0-9a-f]{16}\.(?:jpg|png|gif)$")


def book_copy(picture: Path, out_dir: Path) -> str:
    """Copy one picture into `out_dir` (build/images/) and return its file name there."""
    from PIL import Image
    data = picture.read_bytes()
    with Image.open(io.BytesIO(data)) as image:
        suffix = CARRIED.get(image.format or "")
        if suffix is None:                      # WebP and the like: PNG, which both books show
            buffer = io.BytesIO()
            image.save(buffer, "PNG", optimize=True)
            data, suffix = buffer.getvalue(), ".png"
    name = hashlib.sha256(data).hexdigest()[:16] + suffix
    target = out_dir / name
    if not target.exists() or target.stat().st_size != len(data):
        write_bytes(target, data)
    return name


def media_type(name: str) -> str:
    return {".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif"}[Path(name).suffix]
