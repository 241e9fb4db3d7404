"""Exporters: pure functions of the result tree, keyed by format name."""

from __future__ import annotations

from collections.abc import Callable

from ..model import Document
from .jsonout import to_json
from .text import to_markdown, to_text

__all__ = ["EXPORTERS", "EXTENSIONS", "export"]

EXPORTERS: dict[str, Callable[[Document], str]] = {
    "txt": to_text,
    "md": to_markdown,
    "json": to_json,
}
EXTENSIONS: dict[str, str] = {"txt": ".txt", "md": ".md", "json": ".json"}


def export(doc: Document, fmt: str) -> str:
    """Render ``doc`` in format ``fmt``."""
    return EXPORTERS[fmt](doc)
