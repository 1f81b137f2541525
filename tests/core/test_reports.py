"""Reports as JSON: one record per line, the same data back."""

import json

from scripts.core.reports import json_text


def test_the_same_data_comes_back_with_one_record_per_line():
    data = {"summary": {"duplicate": 2}, "removals": [{"text": "“Quoted” – Алматы", "n": 1},
                                                       {"text": "two\nlines", "n": 2}],
            "kept_repeats": [], "name": "x"}
    text = json_text(data)
    assert json.loads(text) == data
    lines = text.splitlines()
    assert any(line.strip().startswith('{"text":"“Quoted” – Алматы"') for line in lines)  # not \u-escaped
    assert sum('"n":' in line for line in lines) == 2                                    # a line each
