"""How reports and intermediates are written as JSON: one record per line.

`json.dumps(indent=...)` runs Python's pure encoder (the C one serves only compact output) and
spends seconds on a thousand-post book's reports.  One compact record per line is as fast as
compact output, and a diff between two builds still shows which record changed.
"""

from __future__ import annotations

import json
from typing import Any


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_text(data: dict[str, Any]) -> str:
    """A JSON object whose top-level lists have one item per line (everything else compact)."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and value:
            items = ",\n  ".join(map(_compact, value))
            parts.append(f"{_compact(key)}: [\n  {items}\n ]")
        else:
            parts.append(f"{_compact(key)}: {_compact(value)}")
    return "{\n " + ",\n ".join(parts) + "\n}\n"
