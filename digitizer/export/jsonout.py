"""The whole result tree as JSON, with the schema version, engine, models and settings that made it."""

from __future__ import annotations

import json
from typing import Any

from ..model import Document

__all__ = ["to_json"]

#: Compact JSON by the C encoder. ``json.dumps`` with ``indent`` runs the pure-Python encoder, which was a third
#: of all exports' time, and writes every coordinate on a line of its own.
_compact = json.JSONEncoder(ensure_ascii=False).encode


def _leaf(value: Any) -> bool:
    """Written on one line: a text line (with its words and characters), or a list of plain values or boxes."""
    if isinstance(value, dict):
        return "words" in value
    if isinstance(value, list):
        return all(not isinstance(v, dict | list) or (isinstance(v, list) and _leaf(v)) for v in value)
    return True


def _write(value: Any, level: int, out: list[str]) -> None:
    if _leaf(value) or not value:
        out.append(_compact(value))
        return
    pad = "\n" + " " * (level + 1)
    if isinstance(value, dict):
        out.append("{")
        for n, (k, v) in enumerate(value.items()):
            out.append(("," if n else "") + pad + _compact(k) + ": ")
            _write(v, level + 1, out)
    else:
        out.append("[")
        for n, v in enumerate(value):
            out.append(("," if n else "") + pad)
            _write(v, level + 1, out)
    out.append("\n" + " " * level + ("}" if isinstance(value, dict) else "]"))


def to_json(doc: Document) -> str:
    """Document → JSON text (UTF-8, not ASCII-escaped), indented down to the text lines, each on one line."""
    out: list[str] = []
    _write(doc.to_dict(), 0, out)
    return "".join(out) + "\n"
