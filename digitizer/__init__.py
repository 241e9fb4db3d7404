"""digitizer: newspaper scans to ordered, structured text and archival formats, with PaddleOCR's PP-OCR models."""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import DigitizerError, ExitCode  # noqa: E402
from .model import Document, Page  # noqa: E402


def convert(source, **options):  # type: ignore[no-untyped-def]
    """Convert a scan into a ``Document`` (see ``digitizer.pipeline.convert``)."""
    from .pipeline import convert as _convert

    return _convert(source, **options)


__all__ = ["Document", "DigitizerError", "ExitCode", "Page", "__version__", "convert"]
