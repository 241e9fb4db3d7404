"""Page segmentation on the straightened image: rule lines, boxed ads, photos, dark bands, line kinds.

Input: the straightened page and the PP-OCR text lines on it. Output: a ``Layout`` that the reading-order
stage turns into blocks. Everything here is in straightened-image pixels.
"""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np

from .geometry import Box, area, inside, iou, quad_box, share_inside, union
from .kinds import classify, stroke_width
from .layout_model import Layout, TLine
from .ocr.base import CharBox, OcrLine
from .resample import shrink
from .script import is_wide
from .straighten import ink_mask

__all__ = ["Box", "Layout", "TLine", "segment"]

#: Grey levels by which the paper's level steps across a fold (its shadow): 15-35 on the generated pages with
#: a fold, at most 6 on pages without one (uneven light and stains change it slowly).
FOLD_STEP = 12.0
#: Confidence under which a line read is no text at all (see ``segment``).
GARBAGE_CONF = 0.3
#: Grey levels by which a crease is darker than the paper along it (40-90 on the generated pages).
CREASE_DEPTH = 20.0


def find_folds(grey: np.ndarray, boxes: list[Box], body_h: float) -> tuple[list[float], list[float]]:
    """Where the paper was folded: the heights of folds across the page and the places of folds down it.

    A fold leaves a crease, a thin dark line right across the page that reads as a rule, and a shadow on
    one side of it. Both are asked for: the paper's own level steps by ``FOLD_STEP`` grey levels across the
    line (it never does at a printed rule, nor at a dark title bar, which is thick), taken along each row
    (column) inside the extent of the text lines' ``boxes``, where no scanner border or torn edge is; and
    the crease runs through the middle of a text line somewhere (a rule or a box's border never does). A
    crease at a slant to the type is not found (it is not a line of one row then).
    """
    if not boxes:
        return [], []
    extent = union(boxes)
    s = 4
    x0, y0, x1, y1 = (max(0, int(v) // s) for v in extent)
    small = grey[::s, ::s][y0:y1, x0:x1].astype(np.float32)
    d = max(3, int(1.5 * body_h / s))
    gap = max(1, int(0.25 * body_h / s))
    out: tuple[list[float], list[float]] = ([], [])
    for axis, found in ((1, out[0]), (0, out[1])):
        if small.shape[1 - axis] < 4 * d:
            continue
        # The paper's level along each row (column): a high percentile, above the ink of any line of text.
        level = np.percentile(small, 90, axis=axis)
        k = np.arange(d + gap, len(level) - d - gap)
        before = np.array([np.median(level[i - gap - d : i - gap]) for i in k])
        after = np.array([np.median(level[i + gap + 1 : i + gap + d + 1]) for i in k])
        step = np.abs(before - after)
        # Both sides are paper, the shadowed one only a little darker: not a picture's edge.
        paper = (np.minimum(before, after) >= 0.75 * np.maximum(before, after)) & (step >= FOLD_STEP)
        first = y0 if axis == 1 else x0
        # The strongest step first; the others near it are the same fold's shadow fading.
        for i in np.argsort(-step):
            if step[i] < FOLD_STEP:
                break
            if not paper[i]:
                continue
            pos = float((k[i] + first) * s)
            if any(abs(pos - f) < 4 * body_h for f in found):
                continue
            crease = _crease(grey, extent, pos, body_h, axis)
            if crease is None:
                continue
            # The shadow begins at the crease itself: a dark row of text near a picture's or a bar's edge is none.
            j = int(crease / s) - first - int(k[0])
            if not (0 <= j < len(k) and paper[j]):
                continue
            if any(
                b[axis] + 0.25 * (b[axis + 2] - b[axis]) < crease < b[axis + 2] - 0.25 * (b[axis + 2] - b[axis])
                for b in boxes
            ):
                found.append(crease)
    return out


def _crease(grey: np.ndarray, extent: Box, pos: float, body_h: float, axis: int) -> float | None:
    """The crease of a fold whose shadow steps near ``pos``: the row (``axis`` 1; column for 0) within a line
    of it that is dark right across the text's extent and thin (at most 0.15 of a line: a picture's foot is thicker),
    or None where there is none."""
    x0, y0, x1, y1 = (int(v) for v in extent)
    r = int(body_h)
    lo = max(0, int(pos) - r)
    band = grey[lo : int(pos) + r, x0:x1] if axis == 1 else grey[y0:y1, lo : int(pos) + r].T
    if band.shape[0] < 3 or band.shape[1] == 0:
        return None
    # The 90th percentile along the row: nine tenths of a row's pixels are dark only on a line right across (a
    # row through the middle of text, however dense, has the white between its letters; a picture's border and a
    # rule beside it leave the gutters and margins white).
    line = np.percentile(band[:, ::2], 90, axis=1).astype(np.float32)
    c = int(np.argmin(line))
    t = max(4, int(0.15 * body_h))
    up, down = line[: max(0, c - t)], line[c + t + 1 :]
    if up.size == 0 or down.size == 0:
        return None
    # Paper on both sides, the shadow's only a little darker (a picture's or a title bar's edge is dark on one
    # side), the line darker than either, and thin.
    a, b = float(np.median(up)), float(np.median(down))
    paper = min(a, b)
    if paper < 0.8 * max(a, b) or paper - line[c] < CREASE_DEPTH:
        return None
    if np.count_nonzero(line < (paper + line[c]) / 2) > t:
        return None
    return float(lo + c)


def find_rules(
    mask: np.ndarray, body_h: float, min_len: int, keep_len: int = 0, folds: tuple[list[float], list[float]] = ([], [])
) -> tuple[list[Box], list[Box], np.ndarray]:
    """Thin horizontal and vertical strokes (rules, box borders) and the mask of all at least ``min_len`` long.

    The boxes returned are those at least ``keep_len`` long (default ``min_len``): one pass of the
    morphology serves both the short strokes of ad borders and the long rules that cut the page. A stroke
    along one of the ``folds`` (heights across, places down, in ``mask``'s pixels; ``find_folds``) is the
    fold's crease: neither a rule nor part of the mask, where it would join the ad boxes it crosses.
    """
    keep_len = max(keep_len, min_len)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (min_len, 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, min_len))
    # A thin rule turned twice (skewed by the scan, straightened by us) breaks into dashes once thresholded:
    # bridge short gaps along its direction before asking for its full length.
    g = max(3, int(body_h * 0.2))
    hm = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, g), np.uint8)), cv2.MORPH_OPEN, hk)
    vm = cv2.morphologyEx(cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((g, 1), np.uint8)), cv2.MORPH_OPEN, vk)
    max_thick = max(6.0, body_h * 0.5)
    hr: list[Box] = []
    vr: list[Box] = []
    near = 2.0
    for m, out, horizontal, at in ((hm, hr, True, folds[0]), (vm, vr, False, folds[1])):
        n, labels, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
        for i in range(1, n):
            x, y, bw, bh, px = stats[i, :5]
            lo, hi = (y, y + bh) if horizontal else (x, x + bw)
            if any(lo - near <= f <= hi + near for f in at):
                m[labels == i] = 0
                continue
            # A rule's thickness is its ink per unit of length, not its box's: a long rule a little aslant or
            # bowed by the page's curl has a box far taller than the rule is thick.
            length = bw if horizontal else bh
            if length >= keep_len and px / length <= max_thick:
                out.append((float(x), float(y), float(x + bw), float(y + bh)))
    return hr, vr, cv2.bitwise_or(hm, vm)


def find_frames(rule_mask: np.ndarray, dark: np.ndarray, body_h: float, page_area: float) -> list[Box]:
    """Closed rectangles drawn with rules (classified-ad boxes); a frame that holds frames is a container."""
    h, w = rule_mask.shape
    # Inverted title bars merge with the border they touch: count them as border too.
    m = cv2.bitwise_or(rule_mask, dark)
    m = cv2.dilate(m, np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    frames: list[Box] = []
    band = max(3, int(body_h * 0.25))
    for i in range(1, n):
        x, y, bw, bh = stats[i, :4]
        if bw < 4 * body_h or bh < 1.5 * body_h or bw * bh > page_area * 0.5:
            continue
        edges = (
            m[y : y + band, x : x + bw],
            m[y + bh - band : y + bh, x : x + bw],
            m[y : y + bh, x : x + band],
            m[y : y + bh, x + bw - band : x + bw],
        )
        cover = [e.max(axis=0 if k < 2 else 1).mean() / 255 for k, e in enumerate(edges)]
        inner = rule_mask[y + 2 * band : y + bh - 2 * band, x + 2 * band : x + bw - 2 * band]
        hollow = inner.size > 0 and inner.mean() / 255 < 0.5
        if min(cover) >= 0.85 and hollow:
            # Less the pixel the dilation added each side: at half resolution that pixel is two of the page's,
            # and the gutter between two ads would narrow by four.
            frames.append((float(x + 1), float(y + 1), float(x + bw - 1), float(y + bh - 1)))
    # Drop containers: a frame around other frames is the page's border, not an ad.
    return [f for f in frames if sum(1 for g in frames if g is not f and inside(g, f)) == 0]


def find_dark_bands(grey: np.ndarray, body_h: float) -> tuple[list[Box], np.ndarray]:
    """Solid dark areas (inverted title bars, section bands)."""
    dark = (grey < 90).astype(np.uint8) * 255
    k = max(3, int(body_h * 0.3))
    dark = np.asarray(cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((k, k), np.uint8)), dtype=np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    bands: list[Box] = []
    for i in range(1, n):
        x, y, bw, bh = stats[i, :4]
        if bh >= body_h * 0.8 and bw >= 2 * body_h and stats[i, cv2.CC_STAT_AREA] >= 0.5 * bw * bh:
            bands.append((float(x), float(y), float(x + bw), float(y + bh)))
    return bands, dark


def _set_text(box: Box, lines: list[TLine]) -> bool:
    """Whether the area ``box`` is filled with lines of text read with some confidence (small type read poorly,
    on a bitonal scan say, is as dark as a picture, but its detected lines fill the area, each long and low)."""
    inside = [ln for ln in lines if share_inside(ln.box, box) > 0.6]
    if not inside:
        return False
    cover = sum((ln.box[2] - ln.box[0]) * (ln.box[3] - ln.box[1]) for ln in inside) / max(1.0, area(box))
    long = sum(1 for ln in inside if ln.length > 4 * ln.h)  # across or down: columns of vertical type too
    conf = float(np.median([ln.ocr.confidence for ln in inside]))
    return cover >= 0.5 and long >= 0.6 * len(inside) and conf >= 0.5


def find_photos(
    image: np.ndarray, grey: np.ndarray, lines: list[TLine], rules: np.ndarray, body_h: float, bands: list[Box]
) -> list[Box]:
    """Pictures: large areas of tone or colour that hold no text lines."""
    h, w = grey.shape
    s = 4
    small = shrink(grey, (w // s, h // s))
    # Paper level from the page's bright side: a local background would sink into a large picture.
    paper = grey_level(small, 0.9)
    hsv = cv2.cvtColor(shrink(image, (w // s, h // s)), cv2.COLOR_BGR2HSV)
    tone = ((paper - small.astype(np.float32)) > 50) | (hsv[:, :, 1] > 60)
    m = tone.astype(np.uint8) * 255
    pad = max(1, int(body_h * 0.4 / s))
    for ln in lines:
        x0, y0, x1, y1 = (int(v / s) for v in ln.box)
        m[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad] = 0
    for b in bands:
        # Dark bars that hold text are inverted titles; dark areas without text may be part of a picture.
        if any(share_inside(ln.box, b) > 0.6 for ln in lines):
            x0, y0, x1, y1 = (int(v / s) for v in b)
            m[y0:y1, x0:x1] = 0
    k = max(3, int(body_h / s))
    # Rules are not pictures; but strokes found inside a picture's texture are the picture itself.
    dense = cv2.blur(tone.astype(np.float32), (3 * k, 3 * k)) > 0.6
    m[(cv2.resize(rules, (m.shape[1], m.shape[0])) > 0) & ~dense] = 0
    m = np.asarray(cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((k, k), np.uint8)), dtype=np.uint8)
    m = np.asarray(cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((k, k), np.uint8)), dtype=np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    photos: list[Box] = []
    min_side = 4 * body_h / s
    for i in range(1, n):
        x, y, bw, bh = stats[i, :4]
        if bw >= min_side and bh >= min_side and stats[i, cv2.CC_STAT_AREA] >= 0.6 * bw * bh:
            photos.append((float(x * s), float(y * s), float((x + bw) * s), float((y + bh) * s)))
    # Pieces of one picture (split by a light patch) touch or overlap: merge them.
    merged = True
    while merged:
        merged = False
        for i in range(len(photos)):
            for j in range(i + 1, len(photos)):
                a, b = photos[i], photos[j]
                touch = (
                    a[0] - body_h <= b[2] and b[0] - body_h <= a[2] and a[1] - body_h <= b[3] and b[1] - body_h <= a[3]
                )
                # Side by side with the same top and bottom: one picture with a light middle.
                aligned = abs(a[1] - b[1]) < body_h and abs(a[3] - b[3]) < body_h
                if touch or aligned:
                    photos[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    del photos[j]
                    merged = True
                    break
            if merged:
                break
    return photos


def grey_level(grey: np.ndarray, q: float) -> float:
    """The grey level below which the share ``q`` of the pixels of an 8-bit image lie (a percentile), from a
    histogram: np.percentile sorts the pixels, at 6-10× the cost."""
    cum = cv2.calcHist([np.ascontiguousarray(grey)], [0], None, [256], [0, 256]).ravel().cumsum()
    return float(np.searchsorted(cum, q * cum[-1]))


def _contrast(grey: np.ndarray, box: Box) -> tuple[float, float] | None:
    """A box's ink range: its darkest and lightest levels (3rd and 97th percentiles); None for an empty box."""
    x0, y0, x1, y1 = (int(v) for v in box)
    crop = grey[max(0, y0) : y1, max(0, x0) : x1]
    if crop.size == 0:
        return None
    return grey_level(crop, 0.03), grey_level(crop, 0.97)


#: Ink range (levels) of text printed black on white; a page printed paler gets its limits in proportion.
FULL_INK = 150.0


def _ink_depth(lines: list[TLine], ranges: list[tuple[float, float] | None], paper: float) -> float:
    """How far below the paper the page's own text goes (median over lines read with confidence; ``ranges``: each
    line's ``_contrast``), at most ``FULL_INK``: old type printed grey on yellowed paper may reach only half of
    what fresh print does."""
    depths = [
        paper - c[0]
        for ln, c in zip(lines, ranges, strict=True)
        if c is not None and ln.ocr.confidence >= 0.9 and len(ln.text.strip()) >= 5
    ]
    return min(FULL_INK, float(np.median(depths))) if len(depths) >= 10 else FULL_INK


def _contrast_ok(c: tuple[float, float] | None, paper: float, depth: float = FULL_INK) -> bool:
    """False for faint marks (``c``: a line's ``_contrast``): bleed-through from the reverse page, noise in a
    picture. Faint is relative to the page's own text (``depth``, see ``_ink_depth``): on a page printed black
    the limits are 70 and 60 levels."""
    if c is None:
        return False
    lo, hi = c
    k = depth / FULL_INK
    return (hi - lo) > 70 * k and lo < paper - 60 * k


def _char_inks(chars: list[CharBox], grey: np.ndarray) -> list[float | None]:
    """Each character's darkest pixel within its box (a full stop counts too); None for a space or an empty box."""
    h, w = grey.shape
    quads = np.array([cb.quad for cb in chars], np.float32)
    lows = np.maximum(quads.min(axis=1), 0).astype(int)
    highs = np.minimum(quads.max(axis=1), [w, h]).astype(int)
    x0, y0, x1, y1 = lows[:, 0], lows[:, 1], highs[:, 0], highs[:, 1]
    real = [not cb.text.isspace() for cb in chars]
    if y1[0] > y0[0] and (y0 == y0[0]).all() and (y1 == y1[0]).all() and (x1 > x0).all() and (x0[1:] == x1[:-1]).all():
        # A level line of boxes side by side, each the line's height (as the recognizer's spans come): the
        # column minima once, then the least of each box's columns (the same pixels, in two numpy calls).
        cols = grey[y0[0] : y1[0], x0[0] : x1[-1]].min(axis=0)
        darkest = np.minimum.reduceat(cols, x0 - x0[0]).tolist()
        return [float(v) if r else None for r, v in zip(real, darkest, strict=True)]
    inks: list[float | None] = []
    for r, (a, c), (b, d) in zip(real, lows.tolist(), highs.tolist(), strict=True):
        crop = grey[c:d, a:b]
        inks.append(float(crop.min()) if r and crop.size else None)
    return inks


def trim_faint_ends(o: OcrLine, grey: np.ndarray, paper: float) -> None:
    """Drop characters at a line's ends whose ink is far paler than the line's own: bleed-through from the
    reverse page that the detector ran into the line (``home`` + a mirrored ``APPLIANCE REPAIR``)."""
    if o.vertical or len(o.chars) < 3:
        return
    inks = _char_inks(o.chars, grey)
    known = [v for v in inks if v is not None]
    if len(known) < 3:
        return
    # The darkest tenth of the characters is the line's own ink, however many faint ones follow it.
    ref = float(np.percentile(known, 10))
    limit = ref + max(45.0, 0.45 * (paper - ref))
    faint = [v is None or v > limit for v in inks]
    a, b = 0, len(faint)
    while a < b and faint[a]:
        a += 1
    while b > a and faint[b - 1]:
        b -= 1

    def letters(part: list[CharBox]) -> int:
        # A recognizer places punctuation loosely (a "。" box may hold mostly paper): count letters only.
        return sum(1 for cb in part if not cb.text.isspace() and not unicodedata.category(cb.text[0]).startswith("P"))

    if letters(o.chars[:a]) < 1:
        a = 0
    if letters(o.chars[b:]) < 1:
        b = len(faint)
    if (a == 0 and b == len(faint)) or b - a < 1:
        return
    kept = o.chars[a:b]
    first, last = kept[0].quad, kept[-1].quad
    o.chars = kept
    o.text = "".join(cb.text for cb in kept)
    o.quad = np.array([first[0], last[1], last[2], first[3]], np.float32)


def absorb_drop_caps(lines: list[TLine], body_h: float) -> list[TLine]:
    """A drop capital (one letter set two to four lines high at the start of a paragraph) put back in front of
    the line it begins, and the lines set short beside it given the column's margin, so that the paragraph reads
    "The question", not "T" and "he question" and three one-line paragraphs."""
    caps = [
        ln
        for ln in lines
        if not ln.vertical
        and len(ln.text.strip()) == 1
        and ln.text.strip().isalpha()
        and not is_wide(ln.text.strip())  # Chinese type has no drop capitals; a big character is a head
        and 1.8 * body_h <= ln.box[3] - ln.box[1] <= 5 * body_h
    ]
    gone: set[int] = set()
    for cap in caps:
        x0, y0, x1, y1 = cap.box
        beside = sorted(
            (
                ln
                for ln in lines
                if ln is not cap
                and id(ln) not in gone
                and not ln.vertical
                and ln.h < 1.5 * body_h
                # (a line's box may reach back over the capital: the detector pads it, or reads a space first)
                and (x0 + x1) / 2 <= ln.box[0] <= x1 + 1.5 * body_h
                and y0 - 0.5 * body_h <= ln.box[1]
                and (ln.box[1] + ln.box[3]) / 2 <= y1 + 0.25 * body_h
            ),
            key=lambda ln: ln.box[1],
        )
        if not beside or beside[0].box[1] > y0 + 0.7 * body_h:
            continue
        first = beside[0]
        o = first.ocr
        letter = cap.text.strip()
        cq = cap.ocr.quad
        o.text = letter + o.text.lstrip()
        o.chars = [CharBox(letter, cq, cap.ocr.confidence), *o.chars]
        n = max(1, len(o.text))
        o.confidence = (o.confidence * (n - 1) + cap.ocr.confidence) / n
        for ln in beside:
            q = ln.ocr.quad.copy()
            q[[0, 3], 0] = x0  # the line starts at the column's margin, where the capital stands
            ln.ocr.quad = q
            ln.box = (x0, ln.box[1], ln.box[2], ln.box[3])
        gone.add(id(cap))
    return [ln for ln in lines if id(ln) not in gone]


def _shrink(m: np.ndarray, s: int, binary: bool = False) -> np.ndarray:
    """``m`` at 1/``s`` of its size, each pixel the mean of its s×s block; ``binary``: 255 where any is set."""
    if s == 1:
        return m
    small = shrink(m, (m.shape[1] // s, m.shape[0] // s))
    return (small > 0).astype(np.uint8) * 255 if binary else small


def _grow(boxes: list[Box], s: int) -> list[Box]:
    return [(b[0] * s, b[1] * s, b[2] * s, b[3] * s) for b in boxes]


#: Body type at least this high (pixels): rules, bands and frames are looked for at half resolution, where the
#: morphology costs an eighth (a 1-pixel rule stays a stroke: any ink in a 2×2 block counts).
HALF_RES_BODY = 20.0


def segment(
    image: np.ndarray,
    ocr_lines: list[OcrLine],
    ink: np.ndarray | None = None,
    grey: np.ndarray | None = None,
    separators: list[Box] | None = None,
) -> Layout:
    """Find the page's parts and give each line a kind.

    ``ink`` is ``ink_mask`` of the page and ``grey`` the page in grey, when the caller already has them;
    ``separators`` the column separators found on the page (``columns.separator_boxes``).
    """
    if grey is None:
        grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    h, w = grey.shape
    paper = grey_level(grey[::4, ::4], 0.9)  # a sample gives the paper level as well as every pixel
    for o in ocr_lines:
        trim_faint_ends(o, grey, paper)
    lines = [TLine(o, quad_box(o.quad)) for o in ocr_lines]
    ranges = [_contrast(grey, ln.box) for ln in lines]
    depth = _ink_depth(lines, ranges, paper)
    # One or two characters read with very low confidence are a speck or a picture's edge, not text; nor is
    # anything read with less confidence yet: a pencil stroke or a fragment of two lines, read as garbage
    # (rare on the real pages: 0-2 such lines of 1,100-1,600, none of them words), which across a gutter would
    # keep its columns from being cut apart.
    kept = [
        ln
        for ln, c in zip(lines, ranges, strict=True)
        if ln.text.strip()
        and not (len(ln.text.strip()) <= 2 and ln.ocr.confidence < 0.4)
        and ln.ocr.confidence >= GARBAGE_CONF
        and _contrast_ok(c, paper, depth)
    ]
    dropped = len(lines) - len(kept)
    lines = kept
    sizes = [ln.h for ln in lines if ln.length > 4 * ln.h] or [ln.h for ln in lines] or [30.0]
    body_h = float(np.median(sizes))
    lines = absorb_drop_caps(lines, body_h)
    # No text line on a newspaper page is thicker than a few headline lines: a box that big is the detector
    # outlining a paper edge or a shadow, and would hide every rule and gutter under it.
    giant = [ln for ln in lines if min(ln.box[2] - ln.box[0], ln.box[3] - ln.box[1]) > 7 * body_h]
    dropped += len(giant)
    lines = [ln for ln in lines if not any(ln is g for g in giant)]
    mask = cv2.bitwise_or(ink_mask(grey) if ink is None else ink, ((grey < 110).astype(np.uint8) * 255))
    # Text is not a rule: blank out the lines before looking for long strokes.
    text_free = mask.copy()
    for ln in lines:
        x0, y0, x1, y1 = (int(v) for v in ln.box)
        m = max(1, int(ln.h * 0.08))
        text_free[y0 + m : y1 - m, x0 + m : x1 - m] = 0
    s = 2 if body_h >= HALF_RES_BODY else 1
    bh = body_h / s
    folds = find_folds(grey, [ln.box for ln in lines], body_h)
    hr, vr, rule_mask = find_rules(
        _shrink(text_free, s, binary=True),
        bh,
        int(2.5 * bh),
        int(max(8 * body_h, min(h, w) * 0.06) / s),
        ([f / s for f in folds[0]], [f / s for f in folds[1]]),
    )
    bands, dark = find_dark_bands(_shrink(grey, s), bh)
    # Pooling widens every stroke by up to a pixel of the small mask: take half of that back off each side.
    frames = [
        (f[0] + s // 2, f[1] + s // 2, f[2] - s // 2, f[3] - s // 2)
        for f in _grow(find_frames(rule_mask, dark, bh, float(w * h) / (s * s)), s)
    ]
    hr, vr, bands = _grow(hr, s), _grow(vr, s), _grow(bands, s)
    # Only lines read with confidence are sure to be text; marks in a picture read as garbage.
    sure = [ln for ln in lines if ln.ocr.confidence >= 0.8]
    photos = [p for p in find_photos(image, grey, sure, rule_mask, body_h, bands) if not _set_text(p, lines)]

    # Lines inside a picture are marks in the picture, not text of the page.
    # A frame that is mostly picture is the picture's own border, not a boxed ad: keep the picture.
    # (Its box may stick out of the frame's by a few pixels: the two are found apart.)
    frames = [
        f
        for f in frames
        if not any(iou(p, f) >= 0.8 or (share_inside(p, f) > 0.95 and area(p) >= 0.7 * area(f)) for p in photos)
    ]
    photos = [p for p in photos if not any(inside(p, f) for f in frames)]
    lines = [ln for ln in lines if not any(share_inside(ln.box, p) > 0.6 for p in photos)]
    for ln in lines:
        for i, f in enumerate(frames):
            if share_inside(ln.box, f) > 0.6:
                ln.frame = i
                break
        x0, y0, x1, y1 = (int(v) for v in ln.box)
        crop = mask[y0:y1, x0:x1]
        ln.ink = float(crop.mean() / 255) if crop.size else 0.0
        ln.stroke = stroke_width(crop if not ln.vertical else crop.T)
    lay = Layout(w, h, lines, body_h, hr, vr, frames, photos, bands, dropped)
    lay.separators = list(separators or [])
    classify(lay)
    return lay
