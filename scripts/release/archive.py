"""The folder's checksums and its .zip, both the same bytes for the same files.

A zip records each entry's time, permissions and the order entries were added in; any of
them differing makes two archives of identical files differ.  Every entry here gets the
edition's timestamp, mode 0644 (0755 for the folder), and the entries go in name order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile

# Already compressed: deflating them again gains nothing and costs time.
_STORED = (".epub", ".jpg", ".zip")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256sums(files: dict[str, bytes]) -> str:
    """The lines `sha256sum -c` reads: the hash, two spaces (text mode), the name."""
    return "".join(f"{sha256(files[name])}  {name}\n" for name in sorted(files))


def zip_folder(folder: str, files: dict[str, bytes], when: dt.datetime) -> bytes:
    """`folder/` and every file in it, as one archive that unpacks into that folder."""
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]    # zip's epoch is 1980
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        directory = zipfile.ZipInfo(f"{folder}/", date_time=stamp)
        directory.create_system = 3                                  # Unix: the mode below counts
        directory.external_attr = (0o40755 << 16) | 0x10             # a folder, rwxr-xr-x
        archive.writestr(directory, b"")
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=9)
    return out.getvalue()
