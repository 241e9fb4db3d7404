"""Detected lines cut and joined at the page's own columns: a line the detector ran across a gutter cut there,
and words the detector boxed one by one joined back into their line.
"""

from __future__ import annotations

import numpy as np

from .geometry import Box, overlap, quad_box, runs
from .ocr.base import CharBox, OcrLine
from .script import is_hanzi

__all__ = ["join_words", "split_at_gutters"]


def _drop_thin_strokes(prof: np.ndarray, max_w: int, min_white: int) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """``prof`` (ink per column) with ink runs of at most ``max_w`` between whites of ``min_white`` cleared,
    and those runs' spans."""
    out = prof.copy()
    spans: list[tuple[int, int]] = []
    n = len(prof)
    for x, e in runs(prof):
        if e - x <= max_w and x >= min_white and e + min_white <= n:
            if not prof[x - min_white : x].any() and not prof[e : e + min_white].any():
                out[x:e] = False
                spans.append((x, e))
    return out, spans


def join_words(
    lines: list[OcrLine], mask: np.ndarray, separators: list[Box], detected: list[np.ndarray]
) -> list[OcrLine]:
    """Words read apart on one row joined into their line.

    In a narrow justified column the spaces stretch, and the detector may box a line word by word; the layout
    needs the line (its length, its neighbours). Two pieces join where they sit on one row in one type size, less
    than a line height apart, with no column separator and no ink between them, and a line of the same type
    within four lines above or below runs right across the gap (so the gap lies inside a column, not between
    two). Pieces of one ``detected`` line (the detector's, before the cuts at gutters and rules) were cut apart on
    purpose and stay apart. Each piece keeps its own reading; lines of vertical type are left alone.
    """
    found = [quad_box(q) for q in detected]
    boxes = [quad_box(o.quad) for o in lines]
    flat = [i for i, o in enumerate(lines) if not o.vertical and boxes[i][2] - boxes[i][0] >= 0.5 * _h(boxes[i])]
    flat.sort(key=lambda i: (boxes[i][0], boxes[i][1]))
    step = max(1.0, float(np.median([_h(boxes[i]) for i in flat]))) if flat else 1.0
    bands: dict[int, list[int]] = {}
    for i in flat:
        bands.setdefault(int((boxes[i][1] + boxes[i][3]) / 2 // step), []).append(i)

    def covered(a: float, b: float, row: Box, h: float) -> bool:
        yc = (row[1] + row[3]) / 2
        for d in range(-int(4 * h // step) - 1, int(4 * h // step) + 2):
            for k in bands.get(int(yc // step) + d, []):
                o = boxes[k]
                if (
                    abs(_h(o) - h) < 0.25 * max(h, _h(o))
                    and overlap(o[1], o[3], row[1], row[3]) <= 0
                    and abs((o[1] + o[3]) / 2 - yc) < 4 * h
                    and o[0] < a - 0.2 * h
                    and o[2] > b + 0.2 * h
                ):
                    return True
        return False

    joined: dict[int, int] = {}  # piece → the piece its row starts with
    rows: dict[int, list[int]] = {}
    ends: dict[int, Box] = {}
    row_bands: dict[int, list[int]] = {}  # rows by the band of their first piece's centre
    for i in flat:
        x0, y0, x1, y1 = boxes[i]
        h = y1 - y0
        best = None
        here = int((y0 + y1) / 2 // step)
        for start in (k for d in (-1, 0, 1) for k in row_bands.get(here + d, [])):
            r = ends[start]
            rh = r[3] - r[1]
            gap = x0 - r[2]
            if (
                -0.2 * min(h, rh) <= gap < min(h, rh)
                and abs(rh - h) < 0.25 * max(h, rh)
                and overlap(r[1], r[3], y0, y1) > 0.7 * min(h, rh)
                and (best is None or gap < x0 - ends[best][2])
            ):
                best = start
        if best is not None:
            r = ends[best]
            a, b = r[2], x0
            hh = max(h, r[3] - r[1])
            gap_ink = mask[int(max(r[1], y0)) : int(min(r[3], y1)), max(0, int(a) + 1) : max(0, int(b) - 1)]
            if (
                # No separator anywhere along the joined line (a rule read as a "1" is a piece of its own). A
                # separator's ends are a band of rows coarse: a quarter of the row beside it is enough.
                not any(
                    r[0] < (sp[0] + sp[2]) / 2 < x1 and overlap(sp[1], sp[3], y0, y1) > 0.25 * hh for sp in separators
                )
                and not (gap_ink.size and gap_ink.max() > 0)
                and not any(f[0] <= a - 1 and b + 1 <= f[2] and f[1] <= (y0 + y1) / 2 <= f[3] for f in found)
                and covered(a, b, (r[0], min(r[1], y0), x1, max(r[3], y1)), hh)
            ):
                rows[best].append(i)
                joined[i] = best
                ends[best] = (r[0], min(r[1], y0), max(r[2], x1), max(r[3], y1))
                continue
        rows[i] = [i]
        ends[i] = boxes[i]
        row_bands.setdefault(here, []).append(i)
    out: list[OcrLine] = []
    for i, o in enumerate(lines):
        if i in joined:
            continue
        if len(rows.get(i, [i])) == 1:
            out.append(o)
            continue
        out.append(_joined(lines, rows[i], ends[i]))
    return out


def _h(b: Box) -> float:
    return b[3] - b[1]


def _joined(lines: list[OcrLine], members: list[int], box: Box) -> OcrLine:
    """One line of the pieces ``members`` (left to right): their readings and characters in turn, a space between
    two pieces unless both sides are Chinese."""
    parts = [lines[k] for k in members]
    text = parts[0].text
    chars = list(parts[0].chars)
    for prev, o in zip(parts, parts[1:], strict=False):
        if prev.text and o.text and not (is_hanzi(prev.text[-1]) and is_hanzi(o.text[0])):
            text += " "
            x = float(prev.quad[:, 0].max())
            q = np.array(
                [[x, o.quad[0, 1]], [x + 1, o.quad[0, 1]], [x + 1, o.quad[3, 1]], [x, o.quad[3, 1]]], np.float32
            )
            chars.append(CharBox(" ", q, 1.0))
        text += o.text
        chars.extend(o.chars)
    n = sum(max(1, len(o.text)) for o in parts)
    conf = sum(o.confidence * max(1, len(o.text)) for o in parts) / n
    model = max(parts, key=lambda o: len(o.text)).model
    # The pieces' mean top and bottom, not their union: on a page straightened to within a fraction of a degree
    # the union of a row of words is taller than any of them, and would read as larger type.
    y0 = float(np.mean([o.quad[:, 1].min() for o in parts]))
    y1 = float(np.mean([o.quad[:, 1].max() for o in parts]))
    quad = np.array([[box[0], y0], [box[2], y0], [box[2], y1], [box[0], y1]], np.float32)
    return OcrLine(quad, text, conf, chars, model, False)


def split_at_gutters(mask: np.ndarray, quads: list[np.ndarray]) -> list[np.ndarray]:
    """Cut detected lines that run across a column gutter (the detector merges lines on one baseline).

    A gutter is a gap in the line's ink at least 0.8 line heights wide that stays empty for several
    line heights above and below: a river of white between columns, not a space between words.
    """
    if not quads:
        return quads
    hs = [float(np.linalg.norm(q[0] - q[3])) for q in quads]
    body = float(np.median(hs))
    H, W = mask.shape
    out: list[np.ndarray] = []
    for q, h in zip(quads, hs, strict=True):
        w = float(np.linalg.norm(q[0] - q[1]))
        if w < 6 * h or h > 2.5 * body:
            out.append(q)
            continue
        x0, y0 = int(max(0, q[:, 0].min())), int(max(0, q[:, 1].min()))
        x1, y1 = int(min(W, q[:, 0].max())), int(min(H, q[:, 1].max()))
        # The line's middle band only: a rule that ends at the line's top must not hide the gutter.
        my0, my1 = y0 + (y1 - y0) // 4, y1 - (y1 - y0) // 4
        prof = mask[my0:my1, x0:x1].max(axis=0) > 0
        # A thin upright stroke (a column rule) with white on both sides is part of the gutter, not ink.
        prof, strokes = _drop_thin_strokes(prof, max(2, int(0.15 * h)), int(0.25 * h))
        cuts = []
        for a, b in strokes:
            # A column rule runs on above or below the line; a letter like "l" or "I" does not.
            col = mask[:, x0 + a : x0 + b].max(axis=1) > 0
            up = col[max(0, int(y0 - 1.5 * h)) : y0]
            down = col[y1 : min(H, int(y1 + 1.5 * h))]
            if any(s.size and s.mean() > 0.9 for s in (up, down)):
                cuts.append((x0 + a, x0 + b))
        run_start = None
        for x, ink in enumerate(prof):
            if not ink and run_start is None:
                run_start = x
            elif ink and run_start is not None:
                if x - run_start >= 0.8 * h and run_start > 0:
                    a, b = x0 + run_start, x0 + x
                    m = int((b - a) * 0.25)
                    # Empty above or below (a picture may sit over one side of the gutter).
                    above = mask[max(0, int(y0 - 3 * h)) : y0, a + m : b - m]
                    below = mask[y1 : min(H, int(y1 + 3 * h)), a + m : b - m]
                    if any(s.size and s.mean() / 255 < 0.01 for s in (above, below)):
                        cuts.append((a, b))
                run_start = None
        if not cuts:
            out.append(q)
            continue
        merged: list[tuple[int, int]] = []
        for a, b in sorted(cuts):
            if merged and a <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], b))
            else:
                merged.append((a, b))
        cuts = merged
        left = float(q[:, 0].min())
        top, bot = float(q[:, 1].min()), float(q[:, 1].max())
        pad = 0.15 * h
        for a, b in cuts:
            out.append(np.array([[left, top], [a + pad, top], [a + pad, bot], [left, bot]], np.float32))
            left = b - pad
        out.append(np.array([[left, top], [x1, top], [x1, bot], [left, bot]], np.float32))
    return out
