"""The document model's JSON: kinds are checked on load, the text round-trips unchanged."""

from __future__ import annotations

import json

import pytest

from scripts.core import model as m
from scripts.core.errors import UserError


def _article(kind: str) -> dict:
    return {"slug": "a", "source_file": "x.txt", "first_line": 1, "last_line": 2,
            "blocks": [{"kind": kind, "text": "Text", "source": {"file": "x.txt", "first_line": 1,
                                                                 "last_line": 1}, "id": "b0"}]}


def test_a_model_round_trips_with_plain_string_kinds(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"articles": [_article("paragraph")]}), encoding="utf-8")
    [article] = m.load_articles(path)
    assert article.blocks[0].kind is m.Kind.PARAGRAPH and article.blocks[0].kind == "paragraph"
    m.save_articles(tmp_path / "again.json", [article])
    assert '"kind":"paragraph"' in (tmp_path / "again.json").read_text(encoding="utf-8")


def test_an_unknown_block_kind_is_refused_on_load(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"articles": [_article("paragrahp")]}), encoding="utf-8")
    with pytest.raises(UserError, match="unknown kind 'paragrahp'"):
        m.load_articles(path)
