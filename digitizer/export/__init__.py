"""Exporters: pure functions of the result tree, keyed by format name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..model import Document
from .jsonout import to_json
from .text import to_markdown, to_text

__all__ = ["EXPORTERS", "EXTENSIONS", "export", "write_outputs"]

EXPORTERS: dict[str, Callable[[Document], str]] = {
    "txt": to_text,
    "md": to_markdown,
    "json": to_json,
}
EXTENSIONS: dict[str, str] = {"txt": ".txt", "md": ".md", "json": ".json"}


def export(doc: Document, fmt: str) -> str:
    """Render ``doc`` in format ``fmt``."""
    return EXPORTERS[fmt](doc)


def write_outputs(doc: Document, outdir: Path, stem: str, formats: list[str]) -> list[Path]:
    """Write ``doc`` in each format to ``outdir/<stem><ext>``, each file atomically."""
    from ..cli import atomic_write

    rendered = [(outdir / f"{stem}{EXTENSIONS[f]}", export(doc, f)) for f in formats]
    for path, data in rendered:  # render all first: an exporter error leaves nothing behind
        atomic_write(path, data)
    return [p for p, _ in rendered]
