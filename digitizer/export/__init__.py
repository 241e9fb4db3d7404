"""Exporters: pure functions of the result tree, keyed by format name.

Outputs are written page by page: a single-page scan gives ``<stem>.<ext>``, each page of a multi-page TIFF or
PDF gives ``<stem>_p0001.<ext>`` and so on (PAGE XML holds one page per file; the other formats follow suit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BadOptionError
from ..files import atomic_write
from ..model import Document
from .alto import to_alto
from .hocr import to_hocr
from .html import to_html
from .jsonl import to_jsonl
from .jsonout import to_json
from .pagexml import to_page
from .text import to_markdown, to_text

__all__ = [
    "EXPORTERS",
    "EXTENSIONS",
    "DOCUMENT_FORMATS",
    "ExportOptions",
    "check_formats",
    "export",
    "output_name",
    "render_outputs",
    "write_outputs",
]


@dataclass(frozen=True)
class ExportOptions:
    """Settings that change an export's content (not the conversion)."""

    alto_unit: str = "pixel"
    #: ALTO version written: 4.4, or 3.1 / 2.1 for archives whose ingest takes only those
    alto_version: str = "4.4"
    #: page index → the scan as a small JPEG, for the HTML view (pages without one get a blank backdrop)
    images: Mapping[int, bytes] = field(default_factory=dict)


EXPORTERS: dict[str, Callable[[Document, ExportOptions], str]] = {
    "txt": lambda d, o: to_text(d),
    "md": lambda d, o: to_markdown(d),
    "json": lambda d, o: to_json(d),
    "jsonl": lambda d, o: to_jsonl(d),
    "alto": lambda d, o: to_alto(d, unit=o.alto_unit, version=o.alto_version),
    "page": lambda d, o: to_page(d),
    "hocr": lambda d, o: to_hocr(d),
    "html": lambda d, o: to_html(d, o.images.get(d.pages[0].index) if d.pages else None),
}
EXTENSIONS: dict[str, str] = {
    "txt": ".txt",
    "md": ".md",
    "json": ".json",
    "jsonl": ".jsonl",
    "alto": ".alto.xml",
    "page": ".page.xml",
    "hocr": ".hocr",
    "html": ".html",
}


#: Formats written once for a whole input (all its pages; in a batch, also for an issue), not page by page:
#: METS names every page's image and ALTO file (so ``mets`` brings ``alto`` with it); the PDF holds every page.
DOCUMENT_FORMATS = ("mets", "pdf")


def check_formats(formats: list[str], given: str = "") -> None:
    """Refuse an empty list or a format with no exporter (``given``: the text the list came from, for the message).

    Raises:
        BadOptionError: what to choose instead.
    """
    bad = [f for f in formats if f not in EXPORTERS and f not in DOCUMENT_FORMATS]
    if bad or not formats:
        known = ", ".join([*EXPORTERS, *DOCUMENT_FORMATS])
        raise BadOptionError(f"unknown format(s) {', '.join(bad) or repr(given)}; choose from {known}")


def export(doc: Document, fmt: str, options: ExportOptions | None = None) -> str:
    """Render ``doc`` in format ``fmt``."""
    return EXPORTERS[fmt](doc, options or ExportOptions())


def output_name(doc: Document, stem: str) -> list[tuple[str, Document]]:
    """(output stem, single-page document) for each page of ``doc``."""
    parts = doc.split()
    if len(parts) == 1:
        return [(stem, parts[0])]
    return [(p.pages[0].page_id or f"{stem}_p{p.pages[0].index + 1:04d}", p) for p in parts]


def write_outputs(
    doc: Document, outdir: Path, stem: str, formats: list[str], options: ExportOptions | None = None
) -> list[Path]:
    """Write ``doc`` in each format to ``outdir/<stem><ext>`` (per page, see above), each file atomically."""
    rendered = render_outputs(doc, outdir, stem, formats, options)
    for path, data in rendered:  # render all first: an exporter error leaves nothing behind
        atomic_write(path, data)
    return [p for p, _ in rendered]


def render_outputs(
    doc: Document, outdir: Path, stem: str, formats: list[str], options: ExportOptions | None = None
) -> list[tuple[Path, str]]:
    """What ``write_outputs`` would write: each output's path and text."""
    check_formats(formats)
    return [
        (outdir / f"{name}{EXTENSIONS[f]}", export(page_doc, f, options))
        for name, page_doc in output_name(doc, stem)
        for f in formats
        if f not in DOCUMENT_FORMATS
    ]
