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

from . import __version__
from .config import Options
from .errors import BadOptionError
from .layout import segment, split_at_gutters
from .load import PageImage, check_page_size, load_pages
from .memory import release_freed_memory
from .model import Article, BBox, Block, Char, Document, Line, Page, Word
from .ocr import OcrEngine, get_engine
from .ocr.base import OcrLine
from .order import WorkBlock, assemble
from .resample import shrink
from .straighten import ink_mask, map_points, straighten

__all__ = ["blank", "build_engine", "convert", "convert_page", "convert_pages", "new_document"]

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


#: The longest side of the page image the orientation probe detects on, and of the second look a large scan gets
#: when the first found fewer than ``MIN_PROBE_LINES`` lines (a 600-dpi broadsheet's body type is 3-5 pixels
#: high at 1024, 10-15 at 3072).
PROBE_SIDE = 1024
RESCUE_PROBE_SIDE = 3072
MIN_PROBE_LINES = 8
#: A page whose shorter side is under this many pixels is far smaller than any scan, and its reading is suspect.
SMALL_PAGE_SIDE = 100
#: Share of a page's pixels that must be ink for it to be worth detecting on when no probe found a line.
BLANK_INK = 2e-4


def blank(image: np.ndarray, side: int = 2048) -> bool:
    """Whether a page carries next to no ink (a blank or near-blank scan): judged on a copy of ``side`` pixels."""
    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = shrink(image, (max(1, round(w * scale)), max(1, round(h * scale))))
    grey = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    ink = ink_mask(grey)
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # scanner noise is single pixels
    return bool(np.count_nonzero(ink) < BLANK_INK * ink.size)


def _probe_quads(engine: OcrEngine, image: np.ndarray, side: int = PROBE_SIDE) -> tuple[list[np.ndarray], float]:
    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = shrink(image, (round(w * scale), round(h * scale)))
    detect = getattr(engine, "detect_probe", engine.detect)
    return [q / scale for q in detect(small)], scale


def probe_lines(engine: OcrEngine, side: int = PROBE_SIDE) -> Any:
    """A cheap text-line finder for orientation: the engine's detector on the page scaled to ``side``."""

    def probe(image: np.ndarray) -> list[np.ndarray]:
        return _probe_quads(engine, image, side)[0]

    return probe


#: Box height (pixels) the detector is given for the page's smallest common type. Larger type only costs time
#: (pixels). Measured on 24 tuning pages: at 22 px char_recall was 0.9984 against 0.9989 at full resolution,
#: with detection 4× faster; at 18 px an English page lost a paragraph.
DET_TEXT_PX = 22.0


def detection_scale(lines: list[np.ndarray], requested: float = 0.0) -> float:
    """The scale to detect at: ``requested`` when given, else from the probe's line heights.

    The smallest common type (the 5th percentile of line heights) is kept at ``DET_TEXT_PX`` or more, so
    captions and footers are found as well as body text; pages without probe lines are detected at full size.
    """
    if requested > 0:
        return min(1.0, requested)
    hs = [
        float(np.linalg.norm(q[0] - q[3]))
        for q in lines
        if np.linalg.norm(q[0] - q[1]) > 2 * np.linalg.norm(q[0] - q[3])
    ]
    if len(hs) < MIN_PROBE_LINES:
        return 1.0
    scale = DET_TEXT_PX / max(1.0, float(np.percentile(hs, 5)))
    return 1.0 if scale > 0.8 else round(max(scale, 0.25), 3)


def detect_lines(engine: OcrEngine, image: np.ndarray, scale: float) -> list[np.ndarray]:
    """Text-line quads on ``image`` (in its pixels), the detector run on the image scaled by ``scale``."""
    if scale >= 1.0:
        return engine.detect(image)
    scaled = getattr(engine, "detect_scaled", None)
    if scaled is not None:
        return list(scaled(image, scale))
    h, w = image.shape[:2]
    small = shrink(image, (max(32, round(w * scale)), max(32, round(h * scale))))
    sx, sy = w / small.shape[1], h / small.shape[0]
    return [q * np.array([sx, sy], np.float32) for q in engine.detect(small)]


def read_confidence(engine: OcrEngine) -> Any:
    """Mean recognition confidence of the given lines (the first, fastest reader of a cascade is enough)."""

    def score(image: np.ndarray, quads: list[np.ndarray]) -> float:
        fast = getattr(engine, "first_reader", None)
        lines = fast(image, quads) if fast is not None else engine.recognize(image, quads)
        return float(np.mean([ln.confidence for ln in lines])) if lines else 0.0

    return score


def _box(pts: np.ndarray) -> BBox:
    return BBox(float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))


def _clip(b: BBox, w: int, h: int) -> BBox:
    return BBox(max(0.0, b.x0), max(0.0, b.y0), max(0.0, min(float(w), b.x1)), max(0.0, min(float(h), b.y1)))


def _line_to_model(o: OcrLine, inv: np.ndarray, w: int, h: int, spaced: bool) -> Line:
    poly = map_points(inv, o.quad)
    words: list[Word] = []
    # Every character's quad mapped back to the scan in one step, then boxed and clipped to the page.
    mapped = map_points(inv, np.array([cb.quad for cb in o.chars], np.float64).reshape(-1, 2)).reshape(-1, 4, 2)
    lows = np.clip(mapped.min(axis=1), 0, [w, h]).tolist()
    highs = np.clip(mapped.max(axis=1), 0, [w, h]).tolist()
    run: list[tuple[str, int, float]] = []

    def flush() -> None:
        if not run:
            return
        ks = [k for _, k, _ in run]
        box = BBox(
            min(lows[k][0] for k in ks),
            min(lows[k][1] for k in ks),
            max(highs[k][0] for k in ks),
            max(highs[k][1] for k in ks),
        )
        chars = [] if spaced else [Char(t, BBox(*lows[k], *highs[k]), c) for t, k, c in run]
        words.append(Word("".join(t for t, _, _ in run), box, float(np.mean([c for _, _, c in run])), chars))
        run.clear()

    for k, cb in enumerate(o.chars):
        if cb.text.isspace():
            flush()
            continue
        run.append((cb.text, k, min(1.0, max(0.0, cb.confidence))))
    flush()
    return Line(
        o.text.strip(),
        _clip(_box(poly), w, h),
        [(float(x), float(y)) for x, y in poly],
        min(1.0, max(0.0, o.confidence)),
        words,
        o.model,
        o.vertical,
    )


def _map_box(b: tuple[float, float, float, float], inv: np.ndarray, w: int, h: int) -> BBox:
    return _clip(_box(map_points(inv, np.array([[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]]))), w, h)


def vertical_pieces(quads: list[np.ndarray]) -> set[int]:
    """Indexes of squarish boxes that continue a column of vertical text (directly above or below one)."""
    boxes = [(float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())) for q in quads]
    tall = [b for b in boxes if (b[3] - b[1]) >= 1.5 * (b[2] - b[0])]
    out: set[int] = set()
    if not tall:
        return out
    for i, b in enumerate(boxes):
        w, h = b[2] - b[0], b[3] - b[1]
        if not 0.6 * w <= h < 1.5 * w:
            continue
        for t in tall:
            tw = t[2] - t[0]
            same_col = min(b[2], t[2]) - max(b[0], t[0]) > 0.7 * min(w, tw) and abs(w - tw) < 0.4 * tw
            near = -0.2 * tw < b[1] - t[3] < 0.8 * tw or -0.2 * tw < t[1] - b[3] < 0.8 * tw
            if same_col and near:
                out.add(i)
                break
    return out


def detect_lang(lines: list[OcrLine]) -> str:
    """``zh`` when a good share of the recognized characters are CJK, else ``en``."""
    chars = [ch for ln in lines for ch in ln.text if not ch.isspace()]
    if not chars:
        return "zh"
    cjk = sum(1 for ch in chars if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")
    return "zh" if cjk >= 0.2 * len(chars) else "en"


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
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The grey page and its ink (one core, about 20 ms on a 3000×4300 page) beside the detector, which
        # leaves part of the second core idle.
        inked = pool.submit(_grey_and_ink, st.image)
        probed = st.lines
        if not probed and opts.det_scale == 0:
            probed = _probe_quads(engine, st.image)[0]  # orientation was given: no probe ran yet
        if len(probed) < MIN_PROBE_LINES and opts.det_scale == 0 and max(st.image.shape[:2]) > 2 * PROBE_SIDE:
            # Body type can vanish in a 1024-pixel probe of a large scan: look again at a larger size.
            probed = _probe_quads(engine, st.image, RESCUE_PROBE_SIDE)[0]
        det_scale = detection_scale(probed, opts.det_scale)
        if not probed and opts.det_scale == 0 and blank(st.image):
            det_scale, found = 0.0, []  # nothing on the page to detect: no full-resolution pass for nothing
        else:
            found = detect_lines(engine, st.image, det_scale)
        grey, mask = inked.result()
    quads = split_at_gutters(mask, found)
    timings["detect"] = time.perf_counter() - t
    t = time.perf_counter()
    hinted = vertical_pieces(quads)
    # Short pieces of a vertical column are squarish: hand them over turned (top edge running down the
    # column, as the engine turns tall boxes) so they are read top to bottom like the rest of the column.
    ocr_lines = engine.recognize(st.image, [np.roll(q, -1, axis=0) if i in hinted else q for i, q in enumerate(quads)])
    for i in hinted:
        ocr_lines[i].quad, ocr_lines[i].vertical, ocr_lines[i].chars = quads[i], True, []
    timings["recognize"] = time.perf_counter() - t
    t = time.perf_counter()
    lang = opts.lang if opts.lang != "auto" else detect_lang(ocr_lines)
    lay = segment(st.image, ocr_lines, mask, grey)
    work = assemble(lay)
    timings["layout"] = time.perf_counter() - t
    inv = np.linalg.inv(st.matrix)
    spaced = lang == "en"
    page = Page(
        index=page_img.index,
        width=ow,
        height=oh,
        source=page_img.source,
        page_id=page_img.page_id,
        lang=lang,
        angle=st.angle,
        orientation=st.orientation,
        transform=st.matrix.tolist(),
        dpi=opts.dpi or page_img.dpi,
        det_scale=det_scale,
    )
    page.blocks, page.articles = _blocks(work, inv, ow, oh, spaced, page.page_id)
    # Rule lines come last: they are layout, not reading matter (ALTO GraphicalElement, PAGE SeparatorRegion).
    for r in [*lay.hrules, *lay.vrules]:
        n = len(page.blocks)
        page.blocks.append(Block(f"{page.page_id}_r{n + 1:03d}", "rule", _map_box(r, inv, ow, oh), n))
    timings["total"] = time.perf_counter() - t0
    page.timings = timings
    return page


def _blocks(
    work: list[WorkBlock], inv: np.ndarray, w: int, h: int, spaced: bool, page_id: str
) -> tuple[list[Block], list[Article]]:
    blocks: list[Block] = []
    articles: list[Article] = []
    current: Article | None = None
    for i, wb in enumerate(work):
        lines = [_line_to_model(tl.ocr, inv, w, h, spaced) for tl in wb.lines]
        bbox = BBox.union_of([ln.bbox for ln in lines]) if lines else _map_box(wb.box, inv, w, h)
        if wb.kind == "ad":
            bbox = _map_box(wb.box, inv, w, h)
        conf = (
            sum(ln.confidence * max(1, len(ln.text)) for ln in lines) / sum(max(1, len(ln.text)) for ln in lines)
            if lines
            else 1.0
        )
        b = Block(
            id=f"{page_id}_b{i + 1:03d}",
            kind=wb.kind,
            bbox=bbox,
            reading_index=i,
            lines=lines,
            text=wb.text,
            confidence=conf,
            title=wb.title,
            phones=wb.phones,
            parts=[_map_box(p, inv, w, h) for p in wb.parts],
        )
        if wb.kind == "headline":
            current = Article(f"{page_id}_a{len(articles) + 1:02d}", [], wb.text)
            articles.append(current)
        elif wb.kind in ("section", "ad", "footer", "header"):
            current = None
        if current is not None and wb.kind in ("headline", "subtitle", "para", "heading", "byline", "caption", "photo"):
            current.block_ids.append(b.id)
            b.article = current.id
        blocks.append(b)
    return blocks, articles


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
