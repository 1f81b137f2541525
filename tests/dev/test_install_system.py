"""scripts/install_system.sh: what it decides is missing, and what it says and does then.

The script is run with a PATH of stubs only: `java`, `pdftotext`, `npm`... are there or
not (`command -v` finds them or not), `ldconfig -p` lists the chosen libraries, `id -u`
says root or not, and `apt-get` (when it is there) records how it was called.  The font
files are looked for in a folder of the test's own (SYSTEM_FONTS)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "scripts" / "install_system.sh"
COMMANDS = ("java", "pdftotext", "zbarimg", "npm", "chromium")
LIBRARIES = ("libpangoft2-1.0.so.0", "libharfbuzz-subset.so.0")
FONTS = ("truetype/gentiumplus/GentiumPlus-Regular.ttf", "opentype/ebgaramond/EBGaramond12-Regular.otf")
ALL_BUILD = ("java", *LIBRARIES)


def stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def run(tmp_path: Path, purpose: str, present: tuple[str, ...] = (), *, root: bool = False,
        apt: bool = True) -> tuple[subprocess.CompletedProcess, list[str]]:
    """The script for `purpose`, with only `present` (commands, libraries, font files) on
    the system; the result and the apt-get calls it made (each as one line)."""
    bin_dir = tmp_path / "bin"
    fonts = tmp_path / "fonts"
    calls = tmp_path / "apt-calls"
    for folder in (bin_dir, fonts):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
    calls.unlink(missing_ok=True)
    # What the script runs that is no part of what it checks: the real ones.
    for tool in ("dirname", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    for command in COMMANDS:
        if command in present:
            stub(bin_dir, command, "exit 0")
    listed = "".join(f"\t{lib} (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/{lib}\\n"
                     for lib in LIBRARIES if lib in present)
    stub(bin_dir, "ldconfig", f'[ "$1" = -p ] && printf "{len(listed)} libs found in cache\\n{listed}"')
    stub(bin_dir, "id", f'[ "$1" = -u ] && echo {0 if root else 1000}')
    if apt:
        stub(bin_dir, "apt-get", f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND $*" >> "{calls}"')
    for font in FONTS:
        if font in present:
            (fonts / font).parent.mkdir(parents=True, exist_ok=True)
            (fonts / font).write_bytes(b"a face")
    environment = {"PATH": str(bin_dir), "SYSTEM_FONTS": str(fonts), "HOME": str(tmp_path)}
    result = subprocess.run(["/bin/bash", str(SCRIPT), purpose], env=environment, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    return result, calls.read_text(encoding="utf-8").splitlines() if calls.exists() else []


@pytest.mark.parametrize("purpose, present", [("build", ALL_BUILD), ("fonts", FONTS)])
@pytest.mark.parametrize("root", [False, True])
def test_with_everything_there_it_says_nothing_and_installs_nothing(tmp_path, purpose, present, root):
    result, calls = run(tmp_path, purpose, present, root=root)
    assert (result.returncode, result.stdout, result.stderr, calls) == (0, "", "", [])


def test_not_root_it_names_what_is_missing_and_the_line_that_installs_it(tmp_path):
    result, calls = run(tmp_path, "build", ("libpangoft2-1.0.so.0",))
    assert result.returncode == 1 and result.stdout == "" and calls == []
    assert result.stderr.splitlines() == [
        "missing: Java (EPUBCheck runs on it)",
        "missing: HarfBuzz-subset (WeasyPrint embeds reproducible font subsets with it)",
        "error: install them first: sudo apt-get install default-jre-headless libharfbuzz-subset0",
    ]


def test_a_missing_library_is_what_ldconfig_does_not_list(tmp_path):
    result, _ = run(tmp_path, "build", ("java", "libharfbuzz-subset.so.0"))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "missing: Pango (WeasyPrint lays text out with it)",
        "error: install them first: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0",
    ]


def test_root_without_apt_cannot_install_and_says_so(tmp_path):
    result, calls = run(tmp_path, "build", ("java",), root=True, apt=False)
    assert result.returncode == 1 and calls == []
    assert result.stderr.splitlines()[-1] == \
        "error: install them first: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"


def test_root_with_apt_installs_exactly_what_is_missing(tmp_path):
    result, calls = run(tmp_path, "build", ("libpangoft2-1.0.so.0", "libharfbuzz-subset.so.0"), root=True)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout == "installing default-jre-headless (for Java (EPUBCheck runs on it)) ...\n"
    assert calls == ["DEBIAN_FRONTEND= update -qq",
                     "DEBIAN_FRONTEND=noninteractive install -y -qq --no-install-recommends default-jre-headless"]


def test_the_faces_are_their_files(tmp_path):
    # Missing faces are said, but do not stop `make check`: its font tests skip, saying why.
    result, _ = run(tmp_path, "fonts", (FONTS[0],))
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "missing: EB Garamond (book.yaml fonts:)",
        "error: install them first: sudo apt-get install fonts-ebgaramond",
    ]


def test_what_the_tests_need_missing_is_said_but_does_not_stop_them(tmp_path):
    # `make test` runs with what there is: the tests that need the rest skip and say why.
    result, calls = run(tmp_path, "test", (*FONTS, "pdftotext", "npm"))
    assert result.returncode == 0 and calls == []
    assert result.stderr.splitlines() == [
        "missing: zbar-tools (the tests scan the print cover's ISBN bar code back)",
        "missing: Chromium (DAISY Ace drives it)",
        "error: install them first: sudo apt-get install zbar-tools chromium",
    ]


def test_an_unknown_purpose_is_refused(tmp_path):
    result, _ = run(tmp_path, "everything")
    assert result.returncode == 2 and result.stderr == "usage: install_system.sh build|fonts|test\n"


def test_the_stubs_stand_for_what_the_script_runs():
    # Should the script check another way (dpkg-query, a new command), these stubs would no
    # longer stand for the system: the commands it runs are the ones stubbed above.
    text = SCRIPT.read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"command -v {command}" in text
    assert "ldconfig -p" in text and 'id -u' in text and "dpkg" not in text
