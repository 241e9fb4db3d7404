"""Straighten a page: orientation (0/90/180/270), fine deskew (±15°) and scanner-bed crop.

Every step is a 3×3 matrix from original-scan pixels to the straightened image, so that every box found later
can be mapped back (see ``map_points``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np

from .geometry import line_areas
from .resample import shrink

__all__ = ["Straightened", "estimate_skew", "ink_mask", "map_points", "straighten"]

Matrix = np.ndarray  # 3×3 float64


@dataclass
class Straightened:
    """The straightened image, the matrix original→straightened, and what was found."""

    image: np.ndarray
    matrix: Matrix
    angle: float  # degrees of skew corrected (positive: the scan's text rose to the right)
    orientation: int  # clockwise degrees the scan was turned to read upright
    crop: tuple[int, int, int, int] | None = None
    #: the probe's text-line quads carried onto the straightened image (empty without a probe)
    lines: list[np.ndarray] = field(default_factory=list)


#: Strip counts for the fine search, their normalized profiles summed: long rows resolve the angle best, but a
#: strip across columns whose baselines differ blurs; two counts that rarely both straddle a gutter badly gave
#: the smallest worst-case error on the tuning pages (docs/performance.md).
FINE_STRIPS = (4, 6)
#: Skew below this (degrees) is left alone: it is within the estimate's own error (0.02° median), moves a
#: 3000-pixel line by under 3 pixels, and turning the page would only blur it (a clean page turned by 0.025°
#: lost two characters of 148).
MIN_SKEW = 0.05
SKEW_STRIPS = 8  # vertical strips profiled separately (about one per newspaper column)


def map_points(matrix: Matrix, pts: np.ndarray) -> np.ndarray:
    """Apply a 3×3 affine matrix to (N, 2) points."""
    p = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
    out = p @ matrix[:2, :2].T + matrix[:2, 2]
    return out


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """Dark marks on the paper, 255 where ink. A local threshold, so uneven light and faint bleed-through drop out."""
    block = max(15, (min(grey.shape[:2]) // 60) | 1)
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 18)


def _profiler(xs: np.ndarray, ys: np.ndarray, strips: tuple[int, ...] = (1,)) -> Callable[[float], list[float]]:
    """Sharpness of the row profile once the page is turned by an angle, one score per strip count.

    Peaks are sharp when rows align. With a strip count above 1 the page is cut into that many vertical strips,
    each profiled on its own: the lines of neighbouring columns need not share baselines, and a single profile
    would blur them together. All counts come from one histogram over the finest cut that each of them groups
    (12 strips serve 4 and 6): the histogram is most of a score's cost. What does not depend on the angle
    (strip of each point, a fixed offset that keeps rows positive) is worked out once, as the skew search
    scores dozens of angles on the same points.
    """
    finest = math.lcm(*strips)
    off = float(np.abs(xs).max() + np.abs(ys).max()) + 1.0 if len(xs) else 1.0
    n = int(2 * off) + 2  # rows per strip: every turned row lies in [1, 2 * off]
    shift: float | np.ndarray = off
    if finest > 1 and len(xs):
        x0, x1 = float(xs.min()), float(xs.max()) + 1e-6
        # The offset and each point's strip in one addend: the rows are never negative, so adding whole
        # numbers before truncating gives what adding them after would.
        shift = np.minimum(((xs - x0) / (x1 - x0) * finest).astype(np.int64), finest - 1) * n + off
    # Buffers reused across angles: fresh temporaries of this size cost more in page faults than in arithmetic.
    rows_f, tmp = np.empty(len(xs)), np.empty(len(xs))
    rows = np.empty(len(xs), np.int64)

    def score(angle_deg: float) -> list[float]:
        a = math.radians(angle_deg)
        np.multiply(ys, math.cos(a), out=rows_f)
        np.multiply(xs, math.sin(a), out=tmp)
        np.subtract(rows_f, tmp, out=rows_f)
        np.add(rows_f, shift, out=rows_f)
        rows[:] = rows_f  # truncates, as astype does
        h = np.bincount(rows, minlength=finest * n).reshape(finest, n)
        out = []
        for count in strips:
            g = h if count == finest else h.reshape(count, finest // count, n).sum(axis=1)  # strips side by side
            out.append(float(np.vdot(g, g)))
        return out

    return score


def _profile_score(xs: np.ndarray, ys: np.ndarray, angle_deg: float, strips: int = 1) -> float:
    """``_profiler``'s score at one angle."""
    return _profiler(xs, ys, (strips,))(angle_deg)[0]


def _ink_points(grey: np.ndarray, max_side: int, max_points: int = 400_000) -> tuple[np.ndarray, np.ndarray, float]:
    h, w = grey.shape[:2]
    scale = min(1.0, max_side / max(h, w))
    small = shrink(grey, (round(w * scale), round(h * scale))) if scale < 1 else grey
    mask = ink_mask(small)
    # Large solid areas (photos, inverted bars) have no rows to line up; thin them out of the statistics.
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    big = stats[:, cv2.CC_STAT_WIDTH] * stats[:, cv2.CC_STAT_HEIGHT] > (small.shape[0] * small.shape[1]) * 0.01
    big[0] = False
    for i in np.flatnonzero(big):  # within each one's box: a lookup over the whole page costs more
        x, y, bw, bh = stats[i, :4]
        box = mask[y : y + bh, x : x + bw]
        box[labels[y : y + bh, x : x + bw] == i] = 0
    found = cv2.findNonZero(mask)  # row by row, as np.nonzero, at half its cost
    if found is None:
        return np.zeros(0), np.zeros(0), scale
    xs, ys = found[:, 0, 0], found[:, 0, 1]
    if len(xs) > max_points:  # an even sample in page order: cheaper than a random one, and as fair
        sel = (np.arange(max_points) * (len(xs) / max_points)).astype(np.int64)
        xs, ys = xs[sel], ys[sel]
    return xs.astype(np.float64), ys.astype(np.float64), scale


#: Ink points for the skew search, each as (xs, ys) in the pixels of the page scaled to its long side.
#: The coarse search needs few pixels; the fine one resolves 0.02° on rows of a 3000-pixel page.
COARSE_SIDE, FINE_SIDE = 1600, 3200


@dataclass
class _SkewPoints:
    coarse: tuple[np.ndarray, np.ndarray, int, int]  # xs, ys, width, height of the scaled page
    fine: tuple[np.ndarray, np.ndarray, int, int]


def _skew_points(grey: np.ndarray) -> _SkewPoints:
    def at(side: int) -> tuple[np.ndarray, np.ndarray, int, int]:
        xs, ys, scale = _ink_points(grey, side)
        h, w = grey.shape[:2]
        return xs, ys, round(w * scale), round(h * scale)

    return _SkewPoints(at(COARSE_SIDE), at(FINE_SIDE))


def _turn_points(pts: tuple[np.ndarray, np.ndarray, int, int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Points of a ``w``×``h`` image where they lie once the image is turned ``k`` quarter turns clockwise
    (by ``_quarter_turn``'s matrix): the points of the turned page without turning its pixels."""
    xs, ys, w, h = pts
    if k % 4 == 0:
        return xs, ys
    m = _quarter_turn(k, w, h)[0]
    return m[0, 0] * xs + m[0, 1] * ys + m[0, 2], m[1, 0] * xs + m[1, 1] * ys + m[1, 2]


def _fine_skew(xs: np.ndarray, ys: np.ndarray, start: float) -> float:
    """The skew angle to a few hundredths of a degree, within 0.6° of ``start``: on a 0.05° grid the peak of the
    strip profiles' summed sharpness (each count's scores scaled to its best), refined by a parabola.

    Every 0.2° first, then every 0.05° within 0.2° of the best of those, then on until the peak has both
    neighbours: the peak is broad enough that this ends where scoring all 25 steps does (the same angle to within
    0.0001° on 160 generated pages skewed up to 10°), at about half the cost.
    """
    steps = np.arange(start - 0.6, start + 0.6 + 1e-9, 0.05)
    score = _profiler(xs, ys, FINE_STRIPS)
    curves = np.full((len(steps), len(FINE_STRIPS)), np.nan)  # one column per strip count

    def peak(todo: Iterable[int]) -> tuple[int, np.ndarray]:
        for j in todo:
            if 0 <= j < len(steps) and np.isnan(curves[j, 0]):
                curves[j] = score(float(steps[j]))
        fs = np.nan_to_num((curves / np.maximum(np.nanmax(curves, axis=0), 1e-9)).sum(axis=1), nan=-np.inf)
        return int(np.argmax(fs)), fs

    i, fs = peak(range(0, len(steps), 4))
    i, fs = peak(range(i - 4, i + 5))
    while any(0 <= j < len(steps) and not np.isfinite(fs[j]) for j in (i - 1, i + 1)):
        i, fs = peak((i - 1, i + 1))
    angle = float(steps[i])
    if 0 < i < len(fs) - 1:  # parabola through the peak and its neighbours
        den = fs[i - 1] - 2 * fs[i] + fs[i + 1]
        if den < 0:
            angle += 0.05 * 0.5 * (fs[i - 1] - fs[i + 1]) / den
    return angle


def _skew_from_points(pts: _SkewPoints, k: int = 0, max_angle: float = 15.0) -> tuple[float, float]:
    xs, ys = _turn_points(pts.coarse, k)
    if len(xs) < 200:
        return 0.0, 1.0
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    coarse_score = _profiler(xs, ys, (SKEW_STRIPS,))
    scores = np.full(len(coarse), -np.inf)

    def scan(steps: range) -> None:
        for i in steps:
            if scores[i] == -np.inf:
                scores[i] = coarse_score(float(coarse[i]))[0]

    # Every 2° first, then every 0.5° within 1.5° of the best of those: at this scale the peak is broad enough
    # (on 160 generated pages, skewed up to 10°, this found the angle all 61 steps find) for a third of the cost.
    scan(range(0, len(coarse), 4))
    top = int(np.argmax(scores))
    scan(range(max(0, top - 3), min(len(coarse), top + 4)))
    best = float(coarse[int(np.argmax(scores))])
    xs2, ys2 = _turn_points(pts.fine, k)
    angle = _fine_skew(xs2, ys2, best)
    rows = _profile_score(xs, ys, angle)
    cols = _profile_score(ys, -xs, angle)  # the same measure across columns
    return angle, rows / max(cols, 1.0)


def estimate_skew(grey: np.ndarray, max_angle: float = 15.0) -> tuple[float, float]:
    """Skew angle in degrees (positive: text rises to the right) by projection-profile sharpness.

    Returns (angle, sharpness ratio of rows vs. columns at that angle; < 1 means the text runs vertically).
    """
    return _skew_from_points(_skew_points(grey), 0, max_angle)


def _rotation(angle_deg: float, w: int, h: int) -> tuple[Matrix, int, int]:
    """Matrix turning an image by ``angle`` (anticlockwise) about its centre onto a canvas that holds it all."""
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    a = math.radians(angle_deg)
    nw = int(math.ceil(abs(w * math.cos(a)) + abs(h * math.sin(a))))
    nh = int(math.ceil(abs(w * math.sin(a)) + abs(h * math.cos(a))))
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return np.vstack([m, [0, 0, 1]]), nw, nh


def _quarter_turn(k: int, w: int, h: int) -> tuple[Matrix, int, int]:
    """Matrix for turning an image ``k`` quarter turns clockwise."""
    k %= 4
    if k == 0:
        return np.eye(3), w, h
    if k == 1:  # (x, y) → (h-1-y, x)
        return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], float), h, w
    if k == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], float), w, h
    return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], float), h, w


def paper_colour(image: np.ndarray) -> tuple[float, float, float]:
    """The paper's colour (BGR): the mean of the page's brighter half, which is paper on any newspaper page."""
    step = max(1, max(image.shape[:2]) // 400)
    small = np.ascontiguousarray(image[::step, ::step])  # a sample is enough for a mean, and costs nothing
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    bright = grey >= np.percentile(grey, 50)
    b, g, r = (float(small[:, :, k][bright].mean()) for k in range(3))
    return b, g, r


def _warp(image: np.ndarray, m: Matrix, w: int, h: int, fill: tuple[float, float, float]) -> np.ndarray:
    if np.allclose(m, np.eye(3)):
        return image
    # Corners the turn uncovers get the paper's colour: pure white there would pass for the paper level
    # on a tinted scan and make the whole page look like tone (pictures then go unseen).
    return cv2.warpAffine(
        image, m[:2], (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill
    )


def _quarter(image: np.ndarray, k: int) -> np.ndarray:
    """``image`` turned ``k`` quarter turns clockwise (as ``_quarter_turn``'s matrix maps points)."""
    turns = (None, cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE)
    code = turns[k % 4]
    return image if code is None else cv2.rotate(image, code)


def _bed_crop(grey: np.ndarray) -> tuple[int, int, int, int] | None:
    """The paper's box where a dark scanner bed or a neighbouring page shows at the edges."""
    h, w = grey.shape
    scale = 800 / max(h, w)
    small = shrink(grey, (max(1, round(w * scale)), max(1, round(h * scale))))
    _, paper = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if paper.mean() > 255 * 0.97:
        return None
    dark = small < min(90, int(np.median(small)) - 60)
    rows = dark.mean(axis=1)
    cols = dark.mean(axis=0)
    # A bed is dark across (nearly) the whole edge band; text never is.
    top = 0
    while top < len(rows) // 4 and rows[top] > 0.6:
        top += 1
    bottom = len(rows)
    while bottom > len(rows) * 3 // 4 and rows[bottom - 1] > 0.6:
        bottom -= 1
    left = 0
    while left < len(cols) // 4 and cols[left] > 0.6:
        left += 1
    right = len(cols)
    while right > len(cols) * 3 // 4 and cols[right - 1] > 0.6:
        right -= 1
    if (top, left, bottom, right) == (0, 0, len(rows), len(cols)):
        return None
    return (
        max(0, int(left / scale) + 2),
        max(0, int(top / scale) + 2),
        min(w, int(right / scale) - 2),
        min(h, int(bottom / scale) - 2),
    )


def _sideways(grey: np.ndarray) -> bool:
    """Whether the text runs down the page (a scan turned by a quarter): columns sharper than rows."""
    xs, ys, _ = _ink_points(grey, 1200)
    if len(xs) < 200:
        return False
    coarse = np.arange(-15.0, 15.0 + 1e-9, 1.0)
    row_score, col_score = _profiler(xs, ys), _profiler(ys, xs)
    rows = max(row_score(float(a))[0] for a in coarse)
    cols = max(col_score(float(a))[0] for a in coarse)
    return cols > rows * 1.15


def _quads_sideways(quads: list[np.ndarray]) -> bool:
    """Whether detected text lines mostly run down the page: a scan turned by a quarter, or type set top to
    bottom (``_upright_cells`` tells which)."""
    horiz, vert = line_areas(quads)
    return vert > 1.5 * horiz


#: Columns whose tops are read for the vertical-type check.
CELL_COLUMNS = 12
#: Mean confidence by which characters of a page's tall boxes may read better turned a quarter clockwise
#: (``CW_GAIN``) or anticlockwise (``CCW_GAIN``) than as they stand, with the page still taken as vertical type.
#: The recognizer reads characters turned anticlockwise nearly as well as upright ones (it is trained on columns
#: of vertical type cut out and turned that way), those turned clockwise badly. On 7 vertical pages (6 generated,
#: Lat Pau 1890) and 6 turned ones, upright minus clockwise-turned reads 0.10 to 0.68 on vertical type and -0.52
#: to -0.27 on a page turned anticlockwise; upright minus anticlockwise-turned -0.15 to 0.17, and -0.62 to
#: -0.54 on a page turned clockwise. On the bench's 7 vertical pages (6 generated, one bitonal at 148 dpi, and Lat
#: Pau) upright minus clockwise-turned reads 0.09 to 0.53; on a Chinese page turned a quarter and skewed 10°, whose
#: cut-out characters read badly every way, -0.01. So the characters must read better as they stand than turned
#: clockwise, by a margin (a negative gain), for the page to be taken as vertical type.
CW_GAIN = -0.04
CCW_GAIN = 0.35


def _cells(
    image: np.ndarray, quads: list[np.ndarray], probe: Callable[[np.ndarray], list[np.ndarray]]
) -> list[np.ndarray]:
    """Squares of one character each at the tops of text that runs down the page, in ``image``'s pixels.

    The probe sees the page small, where columns of vertical type close together run into one box: the tops of
    the tallest boxes are looked at again at full size (``probe`` on a small piece of the page detects at its
    own size), where each column, or each character, is a box of its own.
    """
    tall = []
    for q in quads:
        x0, y0 = q.min(axis=0)
        x1, y1 = q.max(axis=0)
        if x1 - x0 >= 4 and y1 - y0 >= 2.5 * (x1 - x0):
            tall.append((float(x0), float(y0), float(x1), float(y1)))
    tall.sort(key=lambda b: b[1] - b[3])
    ih, iw = image.shape[:2]
    cells: list[np.ndarray] = []
    for x0, y0, x1, _ in tall[:CELL_COLUMNS]:
        w = x1 - x0
        cx0, cy0 = max(0, int(x0 - w)), max(0, int(y0 - w))
        cx1, cy1 = min(iw, int(x1 + w)), min(ih, int(y0 + 5 * w))
        for q in probe(np.ascontiguousarray(image[cy0:cy1, cx0:cx1])):
            bx0, by0 = q.min(axis=0)
            bx1, by1 = q.max(axis=0)
            cw = bx1 - bx0
            if cw < 8 or by1 - by0 < 0.7 * cw:
                continue  # a line across, or a speck
            x, top = bx0 + cx0, by0 + cy0
            cells.append(np.array([[x, top], [x + cw, top], [x + cw, top + cw], [x, top + cw]], np.float32))
        if len(cells) >= 2 * CELL_COLUMNS:
            break
    return cells


def _upright_cells(
    image: np.ndarray,
    quads: list[np.ndarray],
    probe: Callable[[np.ndarray], list[np.ndarray]],
    read: Callable[[np.ndarray, list[np.ndarray]], float],
) -> bool:
    """Whether the tall boxes of a page hold upright characters (type set top to bottom on a page that stands
    as it is) rather than a turned page's lines: their characters, read alone (so a column's order plays no
    part), read as they stand about as well as turned a quarter either way (``CW_GAIN``, ``CCW_GAIN``)."""
    cells = _cells(image, quads, probe)
    if not cells:
        return False
    up = read(image, cells)
    # A quad started from its top right (bottom left) corner is cut out turned a quarter anticlockwise (clockwise).
    ccw = read(image, [np.roll(c, -1, axis=0) for c in cells])
    cw = read(image, [np.roll(c, 1, axis=0) for c in cells])
    return up > cw - CW_GAIN and up > ccw - CCW_GAIN


def _turn_quad(q: np.ndarray, m: Matrix) -> np.ndarray:
    """A quad mapped through ``m``, re-ordered clockwise from its new top left."""
    p = map_points(m, q).astype(np.float32)
    start = int(np.argmin(p[:, 0] + p[:, 1]))
    return np.roll(p, -start, axis=0)


#: Width (in line heights) of the piece of each long line read for the 180° check: a dozen characters tell
#: upright from upside down as well as a whole line does, at a fraction of the reading time.
FLIP_WINDOW = 12.0
#: Mean confidence at which a page's lines, read as they stand, are taken as upright without reading them
#: turned: well between what upright and upside-down lines read on the tuning pages (docs/performance.md).
UPRIGHT_READ = 0.85


def _middle(q: np.ndarray, ratio: float) -> np.ndarray:
    """The middle part of quad ``q`` (clockwise from top left), at most ``ratio`` times as wide as high."""
    top, left = q[1] - q[0], q[3] - q[0]
    w, h = float(np.linalg.norm(top)), float(np.linalg.norm(left))
    if w <= ratio * h or w == 0:
        return q
    a = (1 - ratio * h / w) / 2
    tl, tr, bl = q[0] + top * a, q[1] - top * a, q[3] + top * a
    return np.array([tl, tr, tr + left, bl], np.float32)


def _upside_down(
    image: np.ndarray, lines: list[np.ndarray], read: Callable[[np.ndarray, list[np.ndarray]], float]
) -> bool:
    """Whether the recognizer reads ``lines`` better turned by 180°: four lines first, all when that is close.

    Upright text reads far better than upside-down text (see ``UPRIGHT_READ``), so four
    lines nearly always settle it, and a page that reads as well as ``UPRIGHT_READ`` as it stands is not read
    turned at all. A quad started from its bottom right corner is cut out turned by 180°, so
    the page itself is turned only when it has to be.
    """
    for n in (4, len(lines)):
        sel = lines[:n]
        up = read(image, sel)
        if up >= UPRIGHT_READ:
            return False
        down = read(image, [np.roll(q, 2, axis=0) for q in sel])
        if abs(up - down) > 0.15 or n >= len(lines):
            break
    return down > up + 0.02


def straighten(
    image: np.ndarray,
    deskew: bool = True,
    orientation: str | int = "auto",
    probe: Callable[[np.ndarray], list[np.ndarray]] | None = None,
    read_confidence: Callable[[np.ndarray, list[np.ndarray]], float] | None = None,
    crop: bool = True,
) -> Straightened:
    """Turn, deskew and crop a page.

    ``probe`` finds text-line quads on a page (cheaply, at low resolution); ``read_confidence`` reads given
    quads and returns the mean confidence. Both come from the OCR engine; with them, one detection settles
    quarter turns (line shape) and upside-down pages (the recognizer reads the page better one way up than the
    other). Without them: projection profiles only, and no 180° check.

    ``orientation`` is ``"auto"`` or the clockwise degrees (0/90/180/270) to turn the scan by.
    """
    total = np.eye(3)
    cropbox = None
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if crop:
        cropbox = _bed_crop(grey)
        if cropbox is not None:
            x0, y0, x1, y1 = cropbox
            image, grey = image[y0:y1, x0:x1], grey[y0:y1, x0:x1]
            total = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], float) @ total
    h, w = image.shape[:2]
    quads: list[np.ndarray] = []
    flip = False
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The skew search's ink points do not depend on the quarter turn (they are turned as points): they
        # are found on the second core while the probe runs, and the search itself while the 180° check reads.
        points = pool.submit(_skew_points, grey) if deskew else None
        if orientation == "auto":
            if probe is not None:
                quads = probe(image)
                side = _quads_sideways(quads)
                if side and read_confidence is not None and _upright_cells(image, quads, probe, read_confidence):
                    side = False  # set top to bottom: the page stands as it is
            else:
                side = _sideways(grey)
            k = 1 if side else 0
        else:
            k = (int(orientation) // 90) % 4
        m_q, qw, qh = _quarter_turn(k, w, h)
        search = pool.submit(lambda: _skew_from_points(points.result(), k)[0]) if points is not None else None
        if orientation == "auto" and read_confidence is not None and quads:
            # The probe's longest lines, read where they are on the scan (cut out upright, as they stand once
            # the page is turned by ``k``): no second detection, and no page turned just to read it.
            upright = [_turn_quad(q, m_q) for q in quads]
            lines = [q for q in upright if np.linalg.norm(q[0] - q[1]) > 3 * np.linalg.norm(q[0] - q[3])]
            lines.sort(key=lambda q: -float(np.linalg.norm(q[0] - q[1])))
            back = np.linalg.inv(m_q)
            lines = [map_points(back, _middle(q, FLIP_WINDOW)).astype(np.float32) for q in lines[:8]]
            flip = bool(lines) and _upside_down(image, lines, read_confidence)
        fill = paper_colour(image)
        skew = search.result() if search is not None else 0.0
    if abs(skew) < MIN_SKEW:
        skew = 0.0
    m_rot, nw, nh = _rotation(skew, qw, qh) if skew else (np.eye(3), qw, qh)
    m = m_rot @ m_q
    if flip:
        m = _quarter_turn(2, nw, nh)[0] @ m
        k = (k + 2) % 4
    # One resampling for turn, skew and flip together; a bare quarter turn is an exact copy of the pixels.
    out = _warp(image, m, nw, nh, fill) if skew else _quarter(image, k)
    carried = [_turn_quad(q, m) for q in quads]
    total = m @ total
    # Reported as the scan's own skew: text rising to the right is a positive (anticlockwise) angle.
    return Straightened(out, total, -skew if skew else 0.0, k * 90, cropbox, carried)
