"""The release of the demo book, built once a session from the books `make books` built,
then read back as a reader, a store and a web server would."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_stages

pytestmark = pytest.mark.slow

NAME = "between-beijing-and-moscow-2026-11-23"
SLUG = "between-beijing-and-moscow"


@dataclass
class Release:
    folder: Path
    archive: Path
    first: dict[str, bytes]            # every file of the folder, and the zip, after the first run
    second: dict[str, bytes]           # the same after a second run


def _snapshot(folder: Path, archive: Path) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
    files[archive.name] = archive.read_bytes()
    return files


@pytest.fixture(scope="session")
def release(built_book) -> Release:
    """`anthology release` twice on the demo book (the second run reuses the first's checks,
    remembered by the files' hashes, so it costs only the assembling)."""
    dist = built_book / "dist"
    folder, archive = dist / NAME, dist / f"{NAME}.zip"
    assert run_stages(ROOT / "manuscript", built_book, "release") == 0
    first = _snapshot(folder, archive)
    assert run_stages(ROOT / "manuscript", built_book, "release") == 0
    return Release(folder, archive, first, _snapshot(folder, archive))


def test_the_folder_holds_the_three_books_under_the_slug(release):
    names = set(release.first) - {release.archive.name}
    for expected in (f"{SLUG}.epub", f"{SLUG}-print.pdf", f"{SLUG}.pdf", "SHA256SUMS", "release.json"):
        assert expected in names
    assert (release.folder / f"{SLUG}.epub").read_bytes() == (ROOT / "build" / "anthology.epub").read_bytes()


def test_sha256sum_checks_every_other_file(release):
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release.folder,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    checked = {line.rsplit(": ", 1)[0] for line in done.stdout.splitlines() if line.endswith(": OK")}
    assert checked == {p.name for p in release.folder.iterdir()} - {"SHA256SUMS"}


def test_the_manifest_describes_each_file_and_the_checks(release):
    from pypdf import PdfReader
    manifest = json.loads((release.folder / "release.json").read_text(encoding="utf-8"))
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == {p.name for p in release.folder.iterdir()} - {"SHA256SUMS", "release.json"}
    for name, entry in listed.items():
        data = (release.folder / name).read_bytes()
        assert entry["size"] == len(data)
        assert entry["sha256"] == __import__("hashlib").sha256(data).hexdigest()
    assert manifest["pages"]["print"] == len(PdfReader(release.folder / f"{SLUG}-print.pdf").pages)
    assert manifest["pages"]["screen"] == len(PdfReader(release.folder / f"{SLUG}.pdf").pages)
    checks = manifest["checks"]
    assert checks["epubcheck"]["messages"] == 0 and checks["ace"]["violations"] == 0
    assert f"{SLUG}.epub" in checks["epubcheck"]["files"] and f"{SLUG}.epub" in checks["ace"]["files"]
    assert checks["epubcheck"]["version"] and checks["ace"]["version"]


def test_two_releases_are_the_same_bytes_zip_included(release):
    assert release.first.keys() == release.second.keys()
    differ = [name for name in release.first if release.first[name] != release.second[name]]
    assert differ == []


def test_the_zip_unpacks_into_the_folder_with_fixed_times_and_modes(release, tmp_path):
    with zipfile.ZipFile(release.archive) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names) and names[0] == f"{NAME}/"
        assert {i.date_time for i in infos} == {(2026, 11, 23, 0, 0, 0)}
        assert {stat.S_IMODE(i.external_attr >> 16) for i in infos[1:]} == {0o644}
        archive.extractall(tmp_path)
    unpacked = {p.name: p.read_bytes() for p in (tmp_path / NAME).iterdir()}
    assert unpacked == {p.name: p.read_bytes() for p in release.folder.iterdir()}


def test_every_release_file_is_readable_by_others(release):
    for path in [release.archive, *release.folder.iterdir()]:
        assert stat.S_IMODE(os.stat(path).st_mode) & 0o044 == 0o044, path
