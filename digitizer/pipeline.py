"""One page through every stage: straighten → detect → segment → recognize → order → result tree.

``convert`` is the library API; the CLI and the batch runner are thin layers over it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .bitonal import is_bitonal, soften
from .columns import cut_at_separators, find_separators, separator_boxes
from .config import Options
from .detect import find_lines, probe_lines, read_confidence, read_lines
from .errors import BadOptionError
from .geometry import line_areas
from .layout import segment
from .load import PageImage, check_page_size, load_pages
from .marks import add_vertical_marks
from .memory import release_freed_memory
from .model import Document, Page
from .ocr import OcrEngine, get_engine
from .order import assemble
from .pieces import join_words, split_at_gutters
from .script import detect_lang
from .straighten import ink_mask, straighten
from .tree import add_rules, build_blocks, build_page
from .version import __version__

__all__ = ["build_engine", "convert", "convert_page", "convert_pages", "new_document"]

log = logging.getLogger(__name__)


def build_engine(opts: Options) -> OcrEngine:
    """The OCR engine the options ask for (cached per process)."""
    batch = {"rec_batch": opts.rec_batch} if opts.rec_batch else {}  # 0: the engine's own default
    if opts.engine == "paddle":
        return get_engine("paddle", threads=opts.threads, model_dir=opts.model_dir, box_thresh=opts.box_thresh, **batch)
    return get_engine(
        "ppocr",
        speed=opts.speed,
        threads=opts.threads,
        det_max_side=opts.det_max_side,
        det_tile=opts.det_tile,
        box_thresh=opts.box_thresh,
        use_cls=opts.use_cls,
        tiny_int8_classifier=opts.int8,
        **batch,
    )


#: A page whose shorter side is under this many pixels is far smaller than any scan, and its reading is suspect.
SMALL_PAGE_SIDE = 100


def _grey_and_ink(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return grey, ink_mask(grey)


def convert_page(page_img: PageImage, opts: Options, engine: OcrEngine | None = None) -> Page:
    """Convert one decoded page into a ``Page`` in the original scan's pixels."""
    engine = engine or build_engine(opts)
    release_freed_memory()  # what the pages before left behind, if the worker holds a lot
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    image = page_img.image
    oh, ow = image.shape[:2]
    if min(oh, ow) < SMALL_PAGE_SIDE:
        log.warning(
            "%s is only %d×%d pixels, far smaller than a scanned page: whatever is read from it is unreliable",
            page_img.page_id,
            ow,
            oh,
        )
    orient: str | int = opts.orientation if opts.orientation == "auto" else int(opts.orientation)
    st = straighten(
        image,
        deskew=opts.deskew,
        orientation=orient,
        probe=probe_lines(engine) if orient == "auto" else None,
        read_confidence=read_confidence(engine) if orient == "auto" else None,
    )
    timings["straighten"] = time.perf_counter() - t0
    t = time.perf_counter()
    # The recognizers read a bitonal scan softened (``bitonal.py``); everything else sees it as scanned.
    seen = st.image
    if is_bitonal(image):
        log.debug("%s is bitonal: its letters' edges are softened for the recognizers", page_img.page_id)
        seen = soften(st.image)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The grey page and its ink (one core) beside the detector, which leaves part of the second core idle.
        inked = pool.submit(_grey_and_ink, st.image)
        det_scale, found = find_lines(engine, st.image, st.lines, opts.det_scale)
        grey, mask = inked.result()
    # Columns from the page itself: lines cut where they cross a gutter or rule that runs down many rows, then
    # where a line's own gap looks like a gutter.
    # On a page of vertical type the white between its columns runs down every tier: columns are the lines
    # themselves there, and the page's rules cut it into articles (``order.py``).
    across, down = line_areas(found)
    seps = find_separators(mask, found) if down <= across else []
    quads = split_at_gutters(mask, cut_at_separators(mask, found, seps))
    timings["detect"] = time.perf_counter() - t
    t = time.perf_counter()
    ocr_lines = read_lines(engine, seen, quads)
    add_vertical_marks(ocr_lines, mask)
    if down <= across:
        ocr_lines = join_words(ocr_lines, mask, separator_boxes(seps), found)
    timings["recognize"] = time.perf_counter() - t
    t = time.perf_counter()
    lang = opts.lang if opts.lang != "auto" else detect_lang([ln.text for ln in ocr_lines])
    lay = segment(st.image, ocr_lines, mask, grey, separator_boxes(seps))
    lay.gutters = separator_boxes([s for s in seps if s.margin is not None])
    work = assemble(lay)
    timings["layout"] = time.perf_counter() - t
    inv = np.linalg.inv(st.matrix)  # straightened image → scan: every box goes back through it
    page = build_page(page_img, st.matrix, st.angle, st.orientation, lang, det_scale, opts.dpi or page_img.dpi)
    page.blocks, page.articles = build_blocks(work, inv, ow, oh, lang == "en", page.page_id)
    add_rules(page, [*lay.hrules, *lay.vrules], inv)
    timings["total"] = time.perf_counter() - t0
    page.timings = timings
    return page


def new_document(source: str, opts: Options, engine: OcrEngine, pages: list[Page] | None = None) -> Document:
    """A result document for ``source``: the engine, models and settings that make its pages, and the time."""
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    return Document(source, pages or [], engine.info(), opts.recorded(), __version__, created)


def convert_pages(
    source: str | Path, opts: Options, engine: OcrEngine | None = None
) -> Iterator[tuple[PageImage, Page]]:
    """Each page of a scan file with its result, one at a time: a page is decoded only when the one before has
    been converted and handed on, so a 400-page PDF holds one page image at a time."""
    engine = engine or build_engine(opts)
    for pi in load_pages(source, max_pixels=opts.max_pixels, pdf_dpi=opts.pdf_dpi):
        yield pi, convert_page(pi, opts, engine)


def convert(source: str | Path | np.ndarray, **options: Any) -> Document:
    """Convert a scan (a file path, or a BGR/grey image array) into a ``Document``.

    Options are those of ``Options`` (engine, lang, speed, deskew, orientation, max_pixels, pdf_dpi, ...).

    Example:
        >>> doc = digitizer.convert("samples/zh_front.jpg", lang="zh")  # doctest: +SKIP
        >>> print(doc.pages[0].blocks[0].text)  # doctest: +SKIP
    """
    opts = Options.from_kwargs(**options)
    engine = build_engine(opts)
    if isinstance(source, np.ndarray):
        if source.ndim not in (2, 3) or source.dtype != np.uint8:
            raise BadOptionError("an image array must be uint8, grey (H×W) or colour (H×W×3 BGR)")
        check_page_size(source.shape[1], source.shape[0], opts.max_pixels, "<array>")
        img = source if source.ndim == 3 else cv2.cvtColor(source, cv2.COLOR_GRAY2BGR)
        doc = new_document("<array>", opts, engine)
        doc.pages.append(convert_page(PageImage(np.ascontiguousarray(img[:, :, :3]), "", 0), opts, engine))
        return doc
    doc = new_document(str(source), opts, engine)
    doc.pages.extend(page for _, page in convert_pages(source, opts, engine))
    return doc
