"""digitizer: newspaper scans to ordered, structured text and archival formats, with PaddleOCR's PP-OCR models.

>>> import digitizer
>>> doc = digitizer.convert("scan.jpg", lang="zh")  # doctest: +SKIP
>>> digitizer.write(doc, "out/", ["txt", "alto"])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import DigitizerError, ExitCode
from .model import Document, Page
from .version import __version__

if TYPE_CHECKING:
    from typing import Unpack

    import numpy as np

    from .config import ConvertOptions


def convert(source: str | Path | np.ndarray, **options: Unpack[ConvertOptions]) -> Document:
    """Convert a scan (a file path, or a BGR/grey image array) into a ``Document``; see ``ConvertOptions``
    (``digitizer.config``) for the options, and ``digitizer.pipeline.convert``."""
    from .pipeline import convert as _convert

    return _convert(source, **options)


def write(
    doc: Document,
    outdir: str | Path,
    formats: Sequence[str] = ("txt", "json"),
    *,
    stem: str | None = None,
    alto_unit: str = "pixel",
    alto_version: str = "4.4",
) -> list[Path]:
    """Write ``doc`` into ``outdir`` in each of ``formats`` (txt, md, json, jsonl, alto, page, hocr, html), each
    file atomically; named after ``stem`` (default: the source file's), a multi-page scan page by page
    (``<stem>_p0001.txt``, ...). Returns the paths written.

    Raises:
        BadOptionError: a format with no exporter (nothing is written).
        OutputError: a file cannot be written.
    """
    from .export import ExportOptions, write_outputs

    name = stem or (Path(doc.source).stem if doc.source and not doc.source.startswith("<") else "page")
    options = ExportOptions(alto_unit=alto_unit, alto_version=alto_version)
    return write_outputs(doc, Path(outdir), name, list(formats), options)


__all__ = ["Document", "DigitizerError", "ExitCode", "Page", "__version__", "convert", "write"]
