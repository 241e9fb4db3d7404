"""Searchable PDF: each page the scan's own image (a JPEG as it is, other images losslessly) under an invisible text
layer laid word by word on it in reading order, so that copying a page's text gives the page's .txt.

The text layer is OCRmyPDF's: the page's hOCR read by its parser and drawn by its fpdf2 renderer (which fits
each word to its box, and CJK text too); the pages are put together with pikepdf, and declared PDF/A-2b by
``pikepdf.pdfa`` (an sRGB output intent, XMP metadata), which validates the bytes it wrote before they are kept:
no Ghostscript pass, so a JPEG stays the scan's own bytes. A document-level output: one ``<stem>.pdf`` per input,
page after page as they are converted (each page's image is let go once drawn).
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from ..errors import MissingDependencyError, PdfaConversionError
from ..model import Document
from ..version import __version__
from .hocr import to_hocr

__all__ = ["PDFA_FLAVOUR", "PdfBuilder", "check_pdf_support"]

DEFAULT_DPI = 300.0
#: The PDF/A part and conformance written by default: 2b (visual appearance), which allows JPEG and lossless
#: Flate images and CJK text in an embedded font; archives' validators (veraPDF) accept it.
PDFA_FLAVOUR = "2b"
_INSTALL = "--format pdf needs OCRmyPDF's renderer and pikepdf: pip install 'digitizer[pdf]' (or make install)"


def _modules() -> tuple[Any, Any, Any, Any, Path]:
    try:
        import pikepdf
        from ocrmypdf.font import MultiFontManager
        from ocrmypdf.fpdf_renderer import Fpdf2PdfRenderer
        from ocrmypdf.hocrtransform import HocrParser
    except ImportError as e:
        raise MissingDependencyError(f"{_INSTALL} ({e})") from e
    import ocrmypdf

    return pikepdf, MultiFontManager, Fpdf2PdfRenderer, HocrParser, Path(ocrmypdf.__file__).parent / "data"


def check_pdf_support() -> None:
    """Raise ``MissingDependencyError`` (exit 6) before any page is read when the PDF renderer is missing."""
    _modules()


def _as_is(source: Path | None) -> bool:
    """Whether ``source`` is a JPEG that can go into the PDF unchanged: upright as stored (no EXIF turn, which
    the page's coordinates already follow)."""
    if source is None or source.suffix.lower() not in (".jpg", ".jpeg"):
        return False
    with Image.open(source) as im:
        return im.format == "JPEG" and im.getexif().get(0x0112, 1) == 1


class PdfBuilder:
    """Pages of one input's searchable PDF, added as they are converted; ``finish`` gives the PDF's bytes."""

    def __init__(self) -> None:
        self._pikepdf, font_manager, self._renderer, self._parser, fonts = _modules()
        self._fonts = font_manager(fonts)
        self._dir = tempfile.TemporaryDirectory(prefix="digitizer-pdf-")
        self._parts: list[Path] = []

    def add(self, doc: Document, image: np.ndarray, source: Path | None = None) -> None:
        """Page ``doc.pages[0]`` over its scan: ``source`` itself where it is a single-page JPEG that can go in
        unchanged (pass it only then), else ``image`` (the decoded page, BGR or grey) stored losslessly."""
        page = doc.pages[0]
        n = len(self._parts) + 1
        work = Path(self._dir.name)
        hocr = work / f"p{n}.hocr"
        hocr.write_text(to_hocr(doc), encoding="utf-8")
        lossless = work / f"p{n}.png"
        picture = source if source is not None and _as_is(source) else lossless
        if picture == lossless:
            cv2.imwrite(str(lossless), image)
        out = work / f"p{n}.pdf"
        tree = self._parser(hocr).parse()
        self._renderer(tree, page.dpi or DEFAULT_DPI, self._fonts, invisible_text=True, image=picture).render(out)
        self._parts.append(out)
        lossless.unlink(missing_ok=True)

    def finish(self, title: str = "", pdfa: bool = True) -> bytes:
        """The PDF, every page added in order, PDF/A-2b unless ``pdfa`` is False; ``title`` and the digitizer's
        name and version go into its metadata. The working files are removed."""
        pikepdf = self._pikepdf
        try:
            with pikepdf.new() as pdf, contextlib.ExitStack() as parts:
                for path in self._parts:
                    pdf.pages.extend(parts.enter_context(pikepdf.open(path)).pages)
                with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
                    if title:
                        meta["dc:title"] = title
                    meta["xmp:CreatorTool"] = f"digitizer {__version__}"
                buf = io.BytesIO()
                if pdfa:
                    _save_pdfa(pdf, buf)
                else:
                    pdf.save(buf)
            return buf.getvalue()
        finally:
            self._dir.cleanup()


def _save_pdfa(pdf: Any, buf: io.BytesIO) -> None:
    """Save ``pdf`` as PDF/A into ``buf``: pikepdf adds what the standard asks (sRGB output intent, XMP
    declaration) and validates the written bytes; a PDF that fails is an error, never a PDF/A claim."""
    from pikepdf.pdfa import PdfaError, save

    try:
        save(pdf, buf, PDFA_FLAVOUR, output_intent="sRGB")
    except PdfaError as e:
        findings = "; ".join(f.message for f in e.report.findings[:5])
        raise PdfaConversionError(
            f"the searchable PDF is not valid PDF/A-{PDFA_FLAVOUR} ({findings}); --no-pdfa writes a plain PDF"
        ) from e
