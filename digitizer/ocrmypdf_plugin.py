"""OCRmyPDF plugin: the digitizer as OCRmyPDF's OCR engine.

    ocrmypdf --plugin digitizer.ocrmypdf_plugin -l eng in.pdf out.pdf

OCRmyPDF does what it does best (rasterising, ``--skip-text``, page ranges, PDF/A, optimisation) and hands each
page image to this engine, which reads it as ``digitizer convert`` does and gives back the page's hOCR in the
digitizer's reading order (columns, articles, ads), so the text layer copies and searches in that order and the
sidecar (``--sidecar``) is the page's .txt. ``-l`` takes Tesseract's codes: ``eng`` (English), ``chi_sim``,
``chi_tra`` and their ``_vert`` forms (Chinese); both at once leave the language to the page.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Set
from pathlib import Path
from typing import Any

from ocrmypdf import hookimpl
from ocrmypdf.exceptions import BadArgsError
from ocrmypdf.pluginspec import OcrEngine, OrientationConfidence
from pydantic import BaseModel, Field

from .config import Options
from .detect import probe_lines, read_confidence
from .export.hocr import to_hocr
from .export.text import to_text
from .load import load_pages
from .ocr.settings import SPEED_PRESETS
from .pipeline import build_engine, convert_page, new_document
from .straighten import straighten
from .version import __version__

__all__ = ["DigitizerOcrEngine", "DigitizerOptions", "language_of"]

log = logging.getLogger(__name__)

#: Tesseract's language codes (as ``-l`` gives them) that the PP-OCR models read, and the digitizer's language.
LANGUAGES = {"eng": "en", "chi_sim": "zh", "chi_tra": "zh", "chi_sim_vert": "zh", "chi_tra_vert": "zh"}


class DigitizerOptions(BaseModel):
    """The digitizer's own options under OCRmyPDF (``--digitizer-…``)."""

    speed: str = Field("balanced", description="digitizer speed preset: fast, balanced or best")
    engine: str = Field("ppocr", description="digitizer engine: ppocr or paddle")


def language_of(languages: list[str]) -> str:
    """The digitizer's ``lang`` for OCRmyPDF's ``-l`` list: one language, or ``auto`` for a mix."""
    found = {LANGUAGES[code] for code in languages if code in LANGUAGES}
    return found.pop() if len(found) == 1 else "auto"


@hookimpl
def register_options() -> dict[str, type[BaseModel]]:
    return {"digitizer": DigitizerOptions}


@hookimpl
def add_options(parser: Any) -> None:
    group = parser.add_argument_group("digitizer", "The digitizer as OCR engine (reading order, columns, ads)")
    group.add_argument(
        "--digitizer-speed",
        choices=sorted(SPEED_PRESETS),
        default="balanced",
        dest="digitizer_speed",
        help="Speed preset: fast (tiny recognizer), balanced (tiny, unsure lines re-read by small), best (small).",
    )
    group.add_argument(
        "--digitizer-engine",
        choices=["ppocr", "paddle"],
        default="ppocr",
        dest="digitizer_engine",
        help="ppocr: the PP-OCR ONNX models on onnxruntime; paddle: the paddleocr package on the same models.",
    )


@hookimpl
def check_options(options: Any) -> None:
    unknown = [code for code in options.languages if code not in LANGUAGES]
    if unknown:
        raise BadArgsError(
            f"the digitizer reads {', '.join(sorted(LANGUAGES))}; not {', '.join(unknown)} (-l/--language)"
        )


@hookimpl
def get_ocr_engine(options: Any) -> OcrEngine:
    return DigitizerOcrEngine()


_engines: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def _settings(options: Any) -> tuple[Options, Any]:
    """The digitizer's options for OCRmyPDF's, and an engine for them: one per worker process, loaded once (the
    models take seconds), used by one page at a time (it spreads each page over its share of the cores)."""
    jobs = max(1, int(getattr(options, "jobs", None) or os.cpu_count() or 1))
    opts = Options.from_kwargs(
        engine=options.digitizer.engine,
        speed=options.digitizer.speed,
        lang=language_of(list(options.languages or ["eng"])),
        threads=max(1, (os.cpu_count() or 1) // jobs),
    )
    key = (opts.engine, opts.speed, opts.threads)
    if key not in _engines:
        _engines[key] = build_engine(opts)
    return opts, _engines[key]


def _page(input_file: Path, options: Any) -> tuple[Any, Any, Any]:
    """(options, engine, decoded page) for one page image from OCRmyPDF."""
    opts, engine = _settings(options)
    (page_img,) = load_pages(input_file, max_pixels=0)
    return opts, engine, page_img


class DigitizerOcrEngine(OcrEngine):
    """Reads a page image with the digitizer and gives OCRmyPDF its hOCR, in the page's reading order."""

    @staticmethod
    def version() -> str:
        return __version__

    @staticmethod
    def creator_tag(options: Any) -> str:
        return f"digitizer {__version__} (PP-OCR)"

    def __str__(self) -> str:
        return f"digitizer {__version__}"

    @staticmethod
    def languages(options: Any) -> Set[str]:
        return set(LANGUAGES)

    @staticmethod
    def get_orientation(input_file: Path, options: Any) -> OrientationConfidence:
        """How far the page is turned clockwise (OCRmyPDF turns it back), from the digitizer's own test: the
        lines' shapes, then which way up the recognizer reads them better."""
        with _lock:
            _opts, engine, page_img = _page(input_file, options)
            st = straighten(
                page_img.image, deskew=False, probe=probe_lines(engine), read_confidence=read_confidence(engine)
            )
        # ``st.orientation`` is the clockwise turn that makes the page upright: the page is turned the other way.
        return OrientationConfidence(angle=(360 - st.orientation) % 360, confidence=15.0 if st.orientation else 0.0)

    @staticmethod
    def get_deskew(input_file: Path, options: Any) -> float:
        """The counter-clockwise degrees that straighten the page (OCRmyPDF turns it by them)."""
        with _lock:
            _opts, _engine, page_img = _page(input_file, options)
            st = straighten(page_img.image, orientation=0)
        return -st.angle

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Any) -> None:
        """Read the page and write its hOCR and text (the .txt ``digitizer convert`` writes)."""
        with _lock:
            opts, engine, page_img = _page(input_file, options)
            page = convert_page(page_img, opts, engine)
        doc = new_document(str(input_file), opts, engine, [page])
        output_hocr.write_text(to_hocr(doc), encoding="utf-8")
        output_text.write_text(to_text(doc), encoding="utf-8")
        log.debug("%s: %d blocks (%s, %s)", input_file.name, len(page.blocks), opts.speed, opts.lang)

    @staticmethod
    def generate_pdf(input_file: Path, output_pdf: Path, output_text: Path, options: Any) -> None:
        raise BadArgsError("the digitizer gives hOCR, not a text-only PDF: use --pdf-renderer auto or fpdf2")
