"""The benchmark's budget table: the four text stages of the largest archive of each kind,
scraped text and WordPress export, reported as one total (issue 12). Only the table's
arithmetic and wording are checked here; the seconds themselves are the benchmark's to measure."""

from __future__ import annotations

from scripts.dev.bench import TEXT_STAGE_NAMES, budgets


def a_run(label: str, posts: int, seconds: dict[str, float]) -> dict:
    return {"label": label, "posts": posts,
            "stages": [{"stage": name, "status": "ok", "wall_s": wall} for name, wall in seconds.items()]}


def test_the_largest_wordpress_export_gets_its_own_text_stage_total():
    stages = dict(zip(TEXT_STAGE_NAMES, [2.0, 1.0, 3.0, 1.0]))
    checks = budgets([a_run("1000", 1000, stages), a_run("wxr-100", 100, stages),
                      a_run("wxr-1000", 1000, {**stages, "dedupe": 9.0})])
    text = {c["budget"]: c for c in checks if c["budget"].startswith("split+normalise+dedupe+notes")}
    assert text["split+normalise+dedupe+notes, 1000 posts < 10 s"]["measured"] == "7.00 s"
    wxr = text["split+normalise+dedupe+notes, 1000 posts (WXR) < 10 s"]
    assert (wxr["measured"], wxr["verdict"]) == ("13.00 s", "over")
    assert len(text) == 2                     # the 100-post export is not the largest: no row of its own


def test_a_text_stage_that_failed_leaves_the_total_marked_incomplete():
    stages = [{"stage": name, "status": "ok", "wall_s": 1.0} for name in TEXT_STAGE_NAMES]
    stages[0]["status"] = "failed"
    (wxr,) = [c for c in budgets([{"label": "wxr-1000", "posts": 1000, "stages": stages}])
              if "(WXR)" in c["budget"] and c["budget"].startswith("split")]
    assert wxr["verdict"].startswith("within so far (incomplete: split")


def test_a_second_run_in_the_same_folder_starts_from_no_cache(tmp_path):
    """The bench measures clean stages: the memos and the PDF's laid-out parts of the run
    before go (they made a second seeds run lay out none of its 22 parts), the sources stay."""
    from scripts.dev.bench import fresh
    for folder in ("cache/html", "pdf-parts", "model", "sources"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "entry").write_text("x", encoding="utf-8")
    (tmp_path / "synth.json").write_text("{}", encoding="utf-8")
    fresh(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sources", "synth.json"]
