"""The result tree's blocks, lines, words and characters built from the ordered work blocks, mapped back from the
straightened image to the original scan's pixels."""

from __future__ import annotations

import numpy as np

from .articles import group_articles
from .geometry import Box, quad_box
from .load import PageImage
from .model import Article, BBox, Block, Char, Line, Page, Word
from .ocr.base import OcrLine
from .order import WorkBlock
from .straighten import map_points

__all__ = ["add_rules", "build_blocks", "build_page", "map_box"]


def _clip(b: BBox, w: int, h: int) -> BBox:
    return BBox(max(0.0, b.x0), max(0.0, b.y0), max(0.0, min(float(w), b.x1)), max(0.0, min(float(h), b.y1)))


def _line_to_model(o: OcrLine, inv: np.ndarray, w: int, h: int, spaced: bool) -> Line:
    """A recognized line in the scan's pixels; its characters grouped into words at spaces (characters kept as
    such only where the script is not ``spaced``)."""
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
        _clip(BBox(*quad_box(poly)), w, h),
        [(float(x), float(y)) for x, y in poly],
        min(1.0, max(0.0, o.confidence)),
        words,
        o.model,
        o.vertical,
    )


def map_box(b: Box, inv: np.ndarray, w: int, h: int) -> BBox:
    """A box of the straightened image mapped back through ``inv``: the box around its corners on the scan,
    clipped to the scan's ``w``×``h``."""
    corners = np.array([[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]])
    return _clip(BBox(*quad_box(map_points(inv, corners))), w, h)


def build_blocks(
    work: list[WorkBlock], inv: np.ndarray, w: int, h: int, spaced: bool, page_id: str
) -> tuple[list[Block], list[Article]]:
    """The page's blocks in reading order, mapped back to the scan through ``inv`` (straightened → scan) and
    clipped to its ``w``×``h``, and the articles they make (``articles.group_articles``)."""
    blocks: list[Block] = []
    for i, wb in enumerate(work):
        lines = [_line_to_model(tl.ocr, inv, w, h, spaced) for tl in wb.lines]
        bbox = BBox.union_of([ln.bbox for ln in lines]) if lines else map_box(wb.box, inv, w, h)
        if wb.kind == "ad":
            bbox = map_box(wb.box, inv, w, h)
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
            parts=[map_box(p, inv, w, h) for p in wb.parts],
        )
        blocks.append(b)
    return blocks, group_articles(blocks, page_id)


def build_page(
    page_img: PageImage,
    matrix: np.ndarray,
    angle: float,
    orientation: int,
    lang: str,
    det_scale: float,
    dpi: float | None,
) -> Page:
    """An empty ``Page`` for a decoded page: its size, source, the straightening it went through (``matrix``:
    scan → straightened image) and what the pipeline chose for it."""
    oh, ow = page_img.image.shape[:2]
    return Page(
        index=page_img.index,
        width=ow,
        height=oh,
        source=page_img.source,
        page_id=page_img.page_id,
        lang=lang,
        angle=angle,
        orientation=orientation,
        transform=matrix.tolist(),
        dpi=dpi,
        det_scale=det_scale,
    )


def add_rules(page: Page, rules: list[Box], inv: np.ndarray) -> None:
    """Rule lines as blocks after the reading matter: layout, not text (ALTO GraphicalElement, PAGE
    SeparatorRegion)."""
    for r in rules:
        n = len(page.blocks)
        page.blocks.append(Block(f"{page.page_id}_r{n + 1:03d}", "rule", map_box(r, inv, page.width, page.height), n))
