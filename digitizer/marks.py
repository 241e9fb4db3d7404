"""Stops and commas of vertical type, which the recognizer passes over.

Set top to bottom, a stop (。) or comma (，、) takes a character's cell of its own, drawn small in its top right
corner (or, in Hong Kong and Taiwan, its middle). Read as a column turned on its side, the mark lies off the line
of characters and the recognizer leaves it out: on generated vertical pages with punctuation, every one of them.
Here each vertical line is searched for such marks in the page's ink: a small blob with nothing else of a
character in the cell it opens, put into the text between the characters above and below it.
"""

from __future__ import annotations

import cv2
import numpy as np

from .ocr.base import CharBox, OcrLine

__all__ = ["add_vertical_marks"]

#: A mark's extent, in character sizes (the line's character pitch): larger is a character or part of one,
#: smaller is a speck.
MARK_MAX = 0.5
MARK_MIN = 0.18
#: A mark's ink, in square character sizes (a stop's ring 0.025-0.04, a comma 0.05; specks of a worn stroke,
#: which ``MARK_MIN`` mostly keeps out, 0.01).
MARK_INK = 0.015
#: Ink (share of pixels) allowed in the rest of a mark's cell, below and beside it: a dot of a character
#: (the three of 氵, say) has the rest of the character right there (0.10-0.30 on the tuning pages, where a
#: mark's cell holds 0.01-0.03: the next character's first pixels).
CELL_INK = 0.05
#: Confidence given to a mark found this way.
MARK_CONFIDENCE = 0.8
_PUNCT = set("，。、,.:;：；！？!?")


def _pitch(ln: OcrLine, box: tuple[int, int, int, int]) -> float:
    """The line's character pitch down the column: the median step between its characters' centres (a mark the
    recognizer passed over makes one step two), else its width."""
    centres = sorted(float(c.quad[:, 1].mean()) for c in ln.chars if not c.text.isspace())
    if len(centres) >= 3:
        return float(np.median(np.diff(centres)))
    return 0.8 * (box[2] - box[0])


def _kind(blob: np.ndarray) -> str:
    """Which mark a blob is: a ring is a stop; a stroke whose foot runs right of its head is an enumeration
    comma (、); anything else a comma (its tail runs down to the left, or too few pixels to tell)."""
    _, hierarchy = cv2.findContours(blob, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is not None and any(h[3] >= 0 for h in hierarchy[0]):
        return "。"
    h, w = blob.shape
    if 0.75 < w / max(1, h) < 1.33 and blob.mean() / 255 < 0.55:
        return "。"  # a ring whose hole closed up in a poor scan still leaves its corners white
    ys, xs = np.nonzero(blob)
    top, foot = xs[ys < h / 2], xs[ys >= h / 2]
    if top.size and foot.size and foot.mean() - top.mean() > 0.15 * w:
        return "、"
    return "，"


def _marks_in(ln: OcrLine, mask: np.ndarray) -> list[tuple[str, float, np.ndarray]]:
    """Marks found in the column of ``ln``: (mark, y centre, quad) in the page's pixels."""
    bx0, by0 = np.floor(ln.quad.min(axis=0)).astype(int)
    bx1, by1 = np.ceil(ln.quad.max(axis=0)).astype(int)
    pitch = _pitch(ln, (int(bx0), int(by0), int(bx1), int(by1)))
    if pitch < 8:
        return []
    # The column's own cells only (detected boxes are padded, and columns set close overlap), down to half a
    # cell past its last character, where a stop that ends the column hangs.
    centre = float(np.median([c.quad[:, 0].mean() for c in ln.chars]))
    H, W = mask.shape
    x0, x1 = max(0, int(centre - 0.8 * pitch)), min(W, int(centre + 0.8 * pitch))
    y0, y1 = max(0, int(by0)), min(H, int(by1 + 0.5 * pitch))
    crop = mask[y0:y1, x0:x1]
    if crop.size == 0:
        return []
    n, labels, stats, centroids = cv2.connectedComponentsWithStats((crop > 0).astype(np.uint8), connectivity=8)
    # Ink of this column only: blobs centred within half a character of its middle (the neighbours' are not).
    mine = np.abs(centroids[:, 0] + x0 - centre) < 0.5 * pitch
    mine[0] = False
    ink = mine[labels]
    out = []
    for i in range(1, n):
        bx, by, bw, bh, pixels = stats[i]
        if pixels < MARK_INK * pitch * pitch:
            continue  # a speck of a worn stroke
        if max(bw, bh) > MARK_MAX * pitch or max(bw, bh) < MARK_MIN * pitch or max(bw, bh) > 2.5 * min(bw, bh):
            continue  # too large, a speck, or a stroke (the top one of 二 stands alone in its cell's top half)
        if x0 + bx + bw / 2 < centre - 0.15 * pitch:
            continue  # a mark sits in the right half of its cell or its middle; a dot on the left is a character's
        # The rest of the cell the mark opens (at its top): from just above it to 0.6 of a character down, the
        # column across.
        r0, r1 = max(0, by - int(0.05 * pitch)), min(crop.shape[0], by + int(0.6 * pitch))
        others = ink[r0:r1] & (labels[r0:r1] != i)
        beside = ink[by : by + bh] & (labels[by : by + bh] != i)
        # Shares of a cell one character wide.
        if others.sum() > CELL_INK * others.shape[0] * pitch or beside.sum() > CELL_INK * bh * pitch:
            continue  # the rest of a character: below it, or in its own rows (a serif broken off a stroke)
        blob = ((labels[by : by + bh, bx : bx + bw] == i) * 255).astype(np.uint8)
        quad = np.array(
            [[x0 + bx, y0 + by], [x0 + bx + bw, y0 + by], [x0 + bx + bw, y0 + by + bh], [x0 + bx, y0 + by + bh]],
            np.float32,
        )
        out.append((_kind(blob), float(y0 + by + bh / 2), quad))
    return out


def add_vertical_marks(lines: list[OcrLine], mask: np.ndarray) -> int:
    """Put the stops and commas of vertical type into the text of the vertical lines (see the module's note);
    ``mask``: the page's ink (255 ink). Returns how many were added."""
    added = 0
    for ln in lines:
        if not ln.vertical or not ln.chars or "".join(c.text for c in ln.chars) != ln.text:
            continue
        for mark, y, quad in _marks_in(ln, mask):
            centres = [float(c.quad[:, 1].mean()) for c in ln.chars]
            at = sum(1 for c in centres if c < y)
            if at == 0:
                continue  # above the first character: a mark closes what went before, never opens a column
            near = [c for c in ln.chars[max(0, at - 1) : at + 1] if c.text in _PUNCT]
            if near:
                continue  # the recognizer read it
            ln.chars.insert(at, CharBox(mark, quad, MARK_CONFIDENCE))
            ln.text = "".join(c.text for c in ln.chars)
            added += 1
    return added
