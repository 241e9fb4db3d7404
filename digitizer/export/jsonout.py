"""The whole result tree as JSON, with the schema version, engine, models and settings that made it."""

from __future__ import annotations

import json

from ..model import Document

__all__ = ["to_json"]


def to_json(doc: Document) -> str:
    """Document → JSON text (UTF-8, not ASCII-escaped)."""
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=1) + "\n"
