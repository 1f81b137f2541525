"""The memo of results between builds (scripts/core/memo.py): a value is reused only for the
inputs and version that made it, and a damaged entry is computed again, never believed."""

from __future__ import annotations

from scripts.core.memo import Memo, code_version


def counting(value):
    calls = []

    def compute():
        calls.append(1)
        return value
    return compute, calls


def test_a_value_is_computed_once_and_read_back_by_a_later_build(tmp_path):
    compute, calls = counting({"html": "<p>x</p>", "found": [1, 2]})
    first = Memo(tmp_path, "v1").remember(("chapter", "text"), compute)
    later = Memo(tmp_path, "v1")
    again = later.remember(("chapter", "text"), compute)
    assert again == first and len(calls) == 1
    assert (later.computed, later.reused) == (0, 1)


def test_other_inputs_or_another_version_are_computed_anew(tmp_path):
    compute, calls = counting("x")
    Memo(tmp_path, "v1").remember(("ab", "c"), compute)
    Memo(tmp_path, "v1").remember(("a", "bc"), compute)        # the parts' boundaries count
    Memo(tmp_path, "v2").remember(("ab", "c"), compute)
    assert len(calls) == 3


def test_a_damaged_entry_is_computed_again_and_replaced(tmp_path):
    memo = Memo(tmp_path, "v1")
    memo.remember(("k",), lambda: "good")
    (entry,) = tmp_path.iterdir()
    for damage in (entry.read_bytes()[:7], b"not a pickle", b""):
        entry.write_bytes(damage)                  # a build killed mid-write by hand, a disk error
        compute, calls = counting("good")
        assert Memo(tmp_path, "v1").remember(("k",), compute) == "good" and calls == [1]
    compute, calls = counting("good")
    assert Memo(tmp_path, "v1").remember(("k",), compute) == "good" and calls == []


def test_an_entry_under_another_key_is_not_believed(tmp_path):
    memo = Memo(tmp_path, "v1")
    memo.remember(("a",), lambda: "A")
    memo.remember(("b",), lambda: "B")
    path_a, path_b = (tmp_path / f"{memo.key(k)}.pickle" for k in "ab")
    path_a.write_bytes(path_b.read_bytes())        # B's entry filed under A's name
    assert Memo(tmp_path, "v1").remember(("a",), lambda: "A again") == "A again"


def test_prune_keeps_what_this_build_used_and_drops_the_rest(tmp_path):
    Memo(tmp_path, "v1").remember(("old",), lambda: 1)
    (tmp_path / ".x.pickle.abc.tmp").write_bytes(b"half")      # what a killed write leaves
    memo = Memo(tmp_path, "v1")
    memo.remember(("new",), lambda: 2)
    assert memo.prune() == 2
    assert [p.name for p in tmp_path.iterdir()] == [f"{memo.key('new')}.pickle"]


def test_without_a_folder_nothing_is_remembered(tmp_path):
    compute, calls = counting(3)
    memo = Memo(None, "v1")
    assert memo.remember(("k",), compute) == memo.remember(("k",), compute) == 3
    assert len(calls) == 2 and memo.prune() == 0


def test_the_code_version_follows_the_files_it_is_given(tmp_path):
    template = tmp_path / "chapter.html"
    template.write_text("one", encoding="utf-8")
    before = code_version.__wrapped__(template)
    template.write_text("two", encoding="utf-8")
    assert code_version.__wrapped__(template) != before
    assert code_version.__wrapped__(tmp_path) == code_version.__wrapped__(template)   # a folder: its files


def test_a_shared_folder_is_never_pruned_by_one_build(tmp_path):
    """ANTHOLOGY_PANDOC_CACHE: one folder serves several builds; what one did not use, another may."""
    Memo(tmp_path, "v1", shared=True).remember(("another build's",), lambda: 1)
    memo = Memo(tmp_path, "v1", shared=True)
    memo.remember(("this build's",), lambda: 2)
    assert memo.prune() == 0 and len(list(tmp_path.iterdir())) == 2
