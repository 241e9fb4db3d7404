"""Text detection at the page's own scale: a cheap probe of the lines, the scale that keeps the smallest common
type detectable, blank pages skipped, and short pieces of vertical columns told apart."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from .geometry import Box, box_quad, line_areas, quad_box, runs, share_inside, union
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
    "merged_rows",
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
    if scale > 1.0:
        h, w = image.shape[:2]
        return _detect_resized(engine, image, (round(w * scale), round(h * scale)), enlarge=True)
    if scale == 1.0:
        return engine.detect(image)
    return list(engine.detect_scaled(image, scale))


def _detect_resized(engine: OcrEngine, image: np.ndarray, size: tuple[int, int], enlarge: bool) -> list[np.ndarray]:
    """The engine's detector on ``image`` resampled to ``size`` (width, height): enlarged smoothly, or shrunk by
    area; the quads in ``image``'s own pixels."""
    h, w = image.shape[:2]
    resized = cv2.resize(image, size, interpolation=cv2.INTER_CUBIC) if enlarge else shrink(image, size)
    back = np.array([w / size[0], h / size[1]], np.float32)
    return [q * back for q in engine.detect(resized)]


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


#: A box across this many times the page's usual line height, lying over another line's box, is rows of small type
#: the detector ran together: set close, and thickened by a bitonal scan, they leave the detector's map no gap.
MERGED_H = 1.8
#: The scale such rows are detected again at, over the page's: enough to part rows a pixel or two apart.
REDETECT_GAIN = 1.5
#: Share of the detected boxes' area that lines running across must hold on a page the probe found set across;
#: under it, the detector broke the type into pieces of a character or two. 0.94-1.00 on the real and generated
#: pages of the bench that read well.
ACROSS_SHARE = 0.85
#: Share of the boxes that may be rows run together (``merged_rows``) before the whole page is looked at larger
#: rather than patch by patch: 0-2% on the real pages of the bench, 5% on a 150-dpi bitonal Chinese page of small
#: type set close (read at 1.5 times, its 880 boxes became 1,120 lines and its cer_order went from 0.85 to 0.15).
MERGED_SHARE = 0.03
#: The largest side a page is enlarged to for detection.
MAX_DET_SIDE = 8192
#: Height of a drop capital, in the page's usual line heights: set two to four rows deep.
DROP_CAP_H = (1.8, 5.0)


def _lost_lines(quads: list[np.ndarray], probed: list[np.ndarray]) -> tuple[bool, float]:
    """How badly the detector failed to see a page set across (by the probe's lines) as lines: whether it broke
    the type into pieces, and the share of its boxes that are rows run together. (False, 0.0) on a page it read
    well, or of vertical type (its characters stand one by one in the detector's eyes too)."""
    if len(quads) < MIN_PROBE_LINES:
        return False, 0.0
    p_across, p_down = line_areas(probed)
    if p_down > 0.5 * p_across:
        return False, 0.0
    across, _ = line_areas(quads)
    total = sum((b[2] - b[0]) * (b[3] - b[1]) for b in map(quad_box, quads))
    return across < ACROSS_SHARE * total, len(merged_rows(quads)) / len(quads)


def merged_rows(quads: list[np.ndarray]) -> list[int]:
    """Indexes of the boxes that hold several rows of text run together: across, taller than ``MERGED_H`` lines
    of the page's usual height, with another detected line at least half inside them (the detector also outlines
    the gaps between such rows, half a line off). A headline is as tall but lies over no other line."""
    if len(quads) < MIN_PROBE_LINES:
        return []
    boxes = np.array([quad_box(q) for q in quads])
    hs, ws = boxes[:, 3] - boxes[:, 1], boxes[:, 2] - boxes[:, 0]
    lines = hs[ws > 2 * hs]
    if lines.size < MIN_PROBE_LINES:
        return []
    usual = float(np.median(lines))
    out = []
    for i in np.flatnonzero((hs > MERGED_H * usual) & (ws > hs)).tolist():
        b = boxes[i]
        # The share of each other box inside this one (only lower boxes: one tall box is not inside another).
        ix = np.clip(np.minimum(boxes[:, 2], b[2]) - np.maximum(boxes[:, 0], b[0]), 0, None)
        iy = np.clip(np.minimum(boxes[:, 3], b[3]) - np.maximum(boxes[:, 1], b[1]), 0, None)
        inside = ix * iy / np.maximum(1e-9, ws * hs)
        if bool(np.any((inside > 0.5) & (hs < hs[i]))):
            out.append(i)
    return out


def _regions(boxes: list[Box], pad: float) -> list[Box]:
    """The boxes grown by ``pad``, those that overlap joined into one."""
    out: list[Box] = []
    for b in sorted(boxes):
        g = (b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad)
        for k, r in enumerate(out):
            if g[0] < r[2] and r[0] < g[2] and g[1] < r[3] and r[1] < g[3]:
                out[k] = union([r, g])
                break
        else:
            out.append(g)
    return out


def _centre_in(q: np.ndarray, box: Box) -> bool:
    b = quad_box(q)
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def split_drop_cap(image: np.ndarray, box: Box, others: list[Box], usual: float) -> list[np.ndarray] | None:
    """A box the detector drew round a drop capital and the row it begins, parted into the capital's box and the
    row's; None where ``box`` holds no such thing.

    Beside the capital the detector sees the row, and over a narrow gutter the same row of the next column, as
    one with the capital: a box three lines high, over the column's next rows (``others`` are the page's other
    boxes), read as nothing and never cut at the gutter. The capital is a blob of ink at the box's left
    ``DROP_CAP_H`` lines high; the row is the ink beside it on rows no other line holds, one line high.
    """
    H, W = image.shape[:2]
    x0, y0, x1, y1 = int(max(0, box[0])), int(max(0, box[1])), int(min(W, box[2])), int(min(H, box[3]))
    if x1 - x0 < 3 * usual or y1 - y0 < DROP_CAP_H[0] * usual:
        return None
    patch = image[y0:y1, x0:x1]
    grey = patch if patch.ndim == 2 else cv2.cvtColor(patch, cv2.COLOR_BGR2GRAY)
    ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    caps = [
        (int(s[0]), int(s[1]), int(s[0] + s[2]), int(s[1] + s[3]))
        for s in stats[1:n]
        if s[0] <= usual
        and DROP_CAP_H[0] * usual <= s[3] <= DROP_CAP_H[1] * usual
        and 0.3 * usual <= s[2] <= 2.5 * usual
    ]
    if not caps:
        return None
    cap = max(caps, key=lambda c: c[3] - c[1])
    # The rows the box's other lines hold (their cores: a detected box is padded over its neighbours' edges).
    held = np.zeros(ink.shape, bool)
    for o in others:
        if o[2] <= x0 or o[0] >= x1 or o[3] <= y0 or o[1] >= y1:
            continue
        pad = 0.15 * (o[3] - o[1])
        a0, a1 = int(max(0, o[0] - x0)), int(max(0, o[2] - x0))
        b0, b1 = int(max(0, o[1] + pad - y0)), int(max(0, o[3] - pad - y0))
        held[b0:b1, a0:a1] = True
    rest = (ink > 0) & ~held
    rest[:, : cap[2] + 1] = False
    rows = rest.sum(axis=1) >= 3  # a speck or two is no row
    found = [(a, b) for a, b in runs(rows) if b - a >= 0.4 * usual]
    if not found:
        return None
    a, b = found[0]
    # The row beside the capital: one line high, its top at the capital's (a capital stands on the row's cap
    # height, and sinks two to four rows).
    if b - a > 1.5 * usual or abs(a - cap[1]) > 0.7 * usual:
        return None
    cols = np.flatnonzero(rest[a:b].any(axis=0))
    pad = 0.15 * usual
    row = (x0 + float(cols[0]) - pad, y0 + a - pad, x0 + float(cols[-1]) + 1 + pad, y0 + b + pad)
    letter = (x0 + cap[0] - pad, y0 + cap[1] - pad, x0 + cap[2] + pad, y0 + cap[3] + pad)
    return [box_quad(letter), box_quad(row)]


def redetect_merged(engine: OcrEngine, image: np.ndarray, quads: list[np.ndarray], scale: float) -> list[np.ndarray]:
    """``quads`` with each patch of rows the detector ran together (``merged_rows``) detected again, larger.

    Every line whose centre lies in such a patch is replaced by what the detector finds in the patch at
    ``REDETECT_GAIN`` times ``scale``; only the patches are looked at again, not the page.
    """
    merged = merged_rows(quads)
    if not merged:
        return quads
    boxes = [quad_box(q) for q in quads]
    usual = float(np.median([b[3] - b[1] for b in boxes]))
    H, W = image.shape[:2]
    k = scale * REDETECT_GAIN
    out = list(quads)
    for r in _regions([boxes[i] for i in merged], 0.5 * usual):
        x0, y0, x1, y1 = int(max(0, r[0])), int(max(0, r[1])), int(min(W, r[2])), int(min(H, r[3]))
        if x1 - x0 < 8 or y1 - y0 < 8:
            continue
        size = (max(32, round((x1 - x0) * k)), max(32, round((y1 - y0) * k)))
        found = [q + np.array([x0, y0], np.float32) for q in _detect_resized(engine, image[y0:y1, x0:x1], size, k > 1)]
        if any(b[3] - b[1] > MERGED_H * usual and b[2] - b[0] > b[3] - b[1] for b in map(quad_box, found)):
            # The rows run together larger too, or it is display type: left as found, but for a drop capital
            # run together with the row it begins.
            for i in merged:
                if _centre_in(quads[i], r):
                    parts = split_drop_cap(image, boxes[i], [b for k, b in enumerate(boxes) if k != i], usual)
                    if parts is not None:
                        out = [q for q in out if q is not quads[i]] + parts
            continue
        # The patch's pad is context for the detector: what it finds there belongs to the lines around, and so
        # does a piece of a line that runs on out of the patch, cut off at its edge.
        core = (r[0] + 0.5 * usual, r[1] + 0.5 * usual, r[2] - 0.5 * usual, r[3] - 0.5 * usual)
        kept = [q for q in out if not _centre_in(q, core)]
        near = [quad_box(q) for q in kept if share_inside(quad_box(q), r) > 0]
        new = [q for q in found if _centre_in(q, core) and not any(share_inside(quad_box(q), o) > 0.5 for o in near)]
        out = kept + new
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
    quads = detect_lines(engine, image, det_scale)
    if requested_scale == 0:
        # Small type set close (thickened by a bitonal scan) leaves the detector no gap between rows, or between
        # characters and their neighbours' pieces: the page is looked at larger where that is more than a patch.
        lost = _lost_lines(quads, probed)
        larger = min(det_scale * REDETECT_GAIN, MAX_DET_SIDE / side)
        if (lost[0] or lost[1] > MERGED_SHARE) and larger > 1.1 * det_scale:
            again = detect_lines(engine, image, larger)
            if _lost_lines(again, probed) < lost:
                quads, det_scale = again, round(larger, 3)
    return det_scale, redetect_merged(engine, image, quads, det_scale)


def read_lines(engine: OcrEngine, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
    """Every line read by the engine, short pieces of vertical columns read top to bottom like their column."""
    hinted = vertical_pieces(quads)
    # Short pieces of a vertical column are squarish: hand them over turned (top edge running down the
    # column, as the engine turns tall boxes) so they are read top to bottom like the rest of the column.
    ocr_lines = engine.recognize(image, [np.roll(q, -1, axis=0) if i in hinted else q for i, q in enumerate(quads)])
    for i in hinted:
        ocr_lines[i].quad, ocr_lines[i].vertical, ocr_lines[i].chars = quads[i], True, []
    return ocr_lines
