"""Outputs are written whole, readable by others, under one lock per build folder."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import time

import pytest

from scripts.core import atomic
from scripts.core.errors import UserError
from tests.conftest import ROOT, demo_book_copy


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o027, 0o640)])
def test_outputs_are_readable_as_the_umask_allows(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        atomic.write_text(tmp_path / "out" / "a.txt", "text")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out" / "a.txt").stat().st_mode) == mode


def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path):
    (tmp_path / "build").write_text("a file where the build folder should be")
    with pytest.raises(UserError, match="cannot write this file") as raised:
        atomic.write_text(tmp_path / "build" / "model" / "split.json", "{}")
    assert raised.value.hint and "writable" in raised.value.hint


def test_a_full_disk_leaves_no_partial_file(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(atomic.os, "replace", full)
    with pytest.raises(UserError, match="No space left"):
        atomic.write_text(tmp_path / "a.txt", "text")
    assert list(tmp_path.iterdir()) == []


def test_a_second_build_in_the_same_folder_waits_for_the_first(tmp_path):
    book = demo_book_copy(tmp_path / "book")
    build = tmp_path / "build"
    command = [sys.executable, "-m", "scripts", "split", "--book", str(book), "--build", str(build)]
    with atomic.build_lock(build):
        second = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # It says it waits (the lock refused it), and then it does: still running, nothing written.
        said = second.stderr.readline()
        assert "waiting for another build" in said, said + second.stderr.read()
        time.sleep(0.2)
        assert second.poll() is None, "the second build ran while the first held the folder"
        assert not (build / "model" / "split.json").exists()
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    assert (build / "model" / "split.json").exists()
