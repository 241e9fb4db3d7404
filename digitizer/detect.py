"""Text detection at the page's own scale: a cheap probe of the lines, the scale that keeps the smallest common
type detectable, blank pages skipped, and short pieces of vertical columns told apart."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from .geometry import line_areas
from .ocr import OcrEngine
from .ocr.base import OcrLine
from .resample import shrink
from .straighten import ink_mask

__all__ = [
    "DET_TEXT_PX",
    "MIN_PROBE_LINES",
    "PROBE_SIDE",
    "RESCUE_PROBE_SIDE",
    "blank",
    "detect_lines",
    "detection_scale",
    "find_lines",
    "probe_lines",
    "probe_quads",
    "read_confidence",
    "read_lines",
    "vertical_pieces",
]


#: The longest side of the page image the orientation probe detects on, and of the second look a large scan gets
#: when the first found fewer than ``MIN_PROBE_LINES`` lines (a 600-dpi broadsheet's body type is 3-5 pixels
#: high at 1024, 10-15 at 3072).
PROBE_SIDE = 1024
RESCUE_PROBE_SIDE = 3072
MIN_PROBE_LINES = 8
#: Height (pixels of the probe image) under which the probe's smallest common type is at the limit of what it can
#: see: rows of small type set close run together there into boxes of two or three rows, and the type looks
#: larger than it is. Such a page is looked at again at ``RESCUE_PROBE_SIDE``.
PROBE_LIMIT_PX = 12.0
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


def probe_quads(engine: OcrEngine, image: np.ndarray, side: int = PROBE_SIDE) -> tuple[list[np.ndarray], float]:
    h, w = image.shape[:2]
    scale = min(1.0, side / max(h, w))
    small = shrink(image, (round(w * scale), round(h * scale)))
    return [q / scale for q in engine.detect_probe(small)], scale


def probe_lines(engine: OcrEngine, side: int = PROBE_SIDE) -> Any:
    """A cheap text-line finder for orientation: the engine's detector on the page scaled to ``side``."""

    def probe(image: np.ndarray) -> list[np.ndarray]:
        return probe_quads(engine, image, side)[0]

    return probe


#: Box height (pixels) the detector is given for the page's smallest common type: larger only costs time, and
#: a few pixels less began to lose lines of small type (tuning in docs/performance.md).
DET_TEXT_PX = 22.0


def detection_scale(lines: list[np.ndarray], requested: float = 0.0) -> float:
    """The scale to detect at: ``requested`` when given, else from the probe's line heights.

    The smallest common type (the 5th percentile of line heights) is kept at ``DET_TEXT_PX`` or more, so
    captions and footers are found as well as body text; pages without probe lines are detected at full size.
    """
    if requested > 0:
        return min(1.0, requested)
    small = _small_type(lines)
    if small is None:
        return 1.0
    scale = DET_TEXT_PX / max(1.0, small)
    return 1.0 if scale > 0.8 else round(max(scale, 0.25), 3)


def _small_type(lines: list[np.ndarray]) -> float | None:
    """The size of the smallest common type among ``lines`` (the 5th percentile of the heights of lines
    longer than high; on a page mostly of vertical type, of the widths of its columns), or None when there are
    too few such lines to tell."""
    across, down = line_areas(lines)
    hs = []
    for q in lines:
        length, size = float(np.linalg.norm(q[0] - q[1])), float(np.linalg.norm(q[0] - q[3]))
        if down > across:
            length, size = size, length  # a column of vertical type: its width is the type's size
        if length > 2 * size:
            hs.append(size)
    return float(np.percentile(hs, 5)) if len(hs) >= MIN_PROBE_LINES else None


def detect_lines(engine: OcrEngine, image: np.ndarray, scale: float) -> list[np.ndarray]:
    """Text-line quads on ``image`` (in its pixels), the detector run on the image scaled by ``scale``."""
    if scale >= 1.0:
        return engine.detect(image)
    return list(engine.detect_scaled(image, scale))


def read_confidence(engine: OcrEngine) -> Any:
    """Mean recognition confidence of the given lines (the first, fastest reader of a cascade is enough)."""

    def score(image: np.ndarray, quads: list[np.ndarray]) -> float:
        lines = engine.first_reader(image, quads)
        return float(np.mean([ln.confidence for ln in lines])) if lines else 0.0

    return score


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


def find_lines(
    engine: OcrEngine, image: np.ndarray, probed: list[np.ndarray], requested_scale: float = 0.0
) -> tuple[float, list[np.ndarray]]:
    """The detection scale and the text-line quads of a straightened page.

    ``probed``: the orientation probe's lines, if it ran (in ``image``'s pixels). ``requested_scale``: a fixed
    scale, or 0 to choose one from the type size. A blank page gets scale 0 and no lines.
    """
    if not probed and requested_scale == 0:
        probed = probe_quads(engine, image)[0]  # orientation was given: no probe ran yet
    side = max(image.shape[:2])
    if requested_scale == 0 and side > 2 * PROBE_SIDE:
        # Body type can vanish in a 1024-pixel probe of a large scan, or its rows run together: look again at a
        # larger size.
        small = _small_type(probed)
        if len(probed) < MIN_PROBE_LINES or (small is not None and small * PROBE_SIDE / side < PROBE_LIMIT_PX):
            probed = probe_quads(engine, image, RESCUE_PROBE_SIDE)[0]
    det_scale = detection_scale(probed, requested_scale)
    if not probed and requested_scale == 0 and blank(image):
        return 0.0, []  # nothing on the page to detect: no full-resolution pass for nothing
    return det_scale, detect_lines(engine, image, det_scale)


def read_lines(engine: OcrEngine, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
    """Every line read by the engine, short pieces of vertical columns read top to bottom like their column."""
    hinted = vertical_pieces(quads)
    # Short pieces of a vertical column are squarish: hand them over turned (top edge running down the
    # column, as the engine turns tall boxes) so they are read top to bottom like the rest of the column.
    ocr_lines = engine.recognize(image, [np.roll(q, -1, axis=0) if i in hinted else q for i, q in enumerate(quads)])
    for i in hinted:
        ocr_lines[i].quad, ocr_lines[i].vertical, ocr_lines[i].chars = quads[i], True, []
    return ocr_lines
