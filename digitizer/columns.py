"""Column separators found on the page itself, and detected lines cut where they cross one.

The detector joins the same row of neighbouring columns into one line wherever the gutter between them is
narrow (about one em between justified columns) or holds a thin, broken or faint rule. One line's own gap is
weak evidence; a gutter is strong evidence because it runs straight down through many rows. So the page is cut
into horizontal bands a few lines high, each band's ink is projected onto the x axis, and white runs (a thin rule
inside one counts as white) that line up from band to band over many rows are the separators. A line is then
cut where it crosses a separator and has no ink of its own there: a headline set across the columns keeps its
letters over the gutter and is left whole.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .geometry import box_quad, quad_box, runs

__all__ = ["Separator", "cut_at_separators", "find_separators", "separator_boxes"]

#: Band height and step, in body line heights: high enough that word spaces do not line up through a band,
#: low enough to follow a gutter between headlines and pictures.
BAND_LINES = 4.0
STEP_LINES = 2.0
#: A gutter's least width, in body line heights (about half an em of body type).
MIN_GUTTER = 0.35
#: Ink density (share of a column of the band) below which a column of the band counts as white.
WHITE = 0.02
#: A rule is a run of ink at most this wide (body line heights) with white on both sides.
RULE_WIDTH = 0.25
#: The least height of a separator, in body line heights: a gutter through fewer rows is a coincidence of
#: word spaces or line ends, not a column boundary.
MIN_RUN_LINES = 10.0
#: Pixels a body line is given in the image the gutters are looked for in.
WORK_PX = 12.0
#: How far a gutter may shift sideways from one band to the next (body line heights): folds and skew bend them.
DRIFT = 0.5
#: Share of the rows beside a line that a rule's dots fill, at the least (a faint rule comes out of the ink mask as
#: dots; one on a generated page of 1850s type fills a fifth of them).
FAINT_RULE = 0.15
#: Ink in a line's middle band at a gutter (pixels, in line heights) that is a speck or a faint rule's dots, not
#: the line's own letters (a stroke across the band is half a line long): 0.15 left a faint rule's five dots on a
#: generated 1850s page as the line's own.
SPECK = 0.3
#: Share of a gutter's length along which a rule worn to dots or broken must show to be known as a rule there.
RULE_SHOWS = 0.1
#: The thinnest a rule by the gutter's middle is taken to be where a thicker one leaves the rows starting anywhere
#: (``_flush_right``), in line heights.
THIN_RULE = 0.12
#: Thickness (line heights) of a stroke across a gutter that is a fold's crease there, not a line's own ink.
CREASE = 0.15
#: How far (line heights) such a stroke must run on either side of the gutter's middle, inked nine tenths of it.
CREASE_RUN = 1.5
#: A line taller than this (body line heights) is display type: a head, never cut where a separator ends.
HEAD_H = 1.3
#: A separator's ends are looked at again, a step at a time, for up to this many steps: a band at a column's top
#: or foot holds the heads or rows the gutter runs between, and specks or a pencil stroke across the gutter
#: there break it off a band or two early. There white is judged this many times more loosely.
END_STEPS = 2
END_WHITE = 3.0


@dataclass
class Separator:
    """A vertical column separator: its x at each band centre it passes (``ys``, ``xs``), its width, and where
    the lines right of it start (``margin``, None where too few lines cross it to tell)."""

    ys: list[float]
    xs: list[float]
    width: float
    margin: float | None = None
    #: The thickest stroke (line heights) by the gutter's middle passed over to find that margin (``_first_ink``).
    thick: float = RULE_WIDTH
    #: Where a rule stands in the gutter, from its middle (pixels), where one shows along it (None: white).
    rule: float | None = None

    @property
    def top(self) -> float:
        return self.ys[0]

    @property
    def bottom(self) -> float:
        return self.ys[-1]

    def x_at(self, y: float) -> float:
        """The separator's x at height ``y`` (interpolated between band centres)."""
        return float(np.interp(y, self.ys, self.xs))


def _boxes(quads: list[np.ndarray]) -> np.ndarray:
    """The lines' boxes, ``(n, 4)``: x0, y0, x1, y1."""
    if not quads:
        return np.zeros((0, 4))
    return np.array([quad_box(q) for q in quads], np.float64)


def _body_height(quads: list[np.ndarray]) -> float:
    hs = [
        float(np.linalg.norm(q[0] - q[3]))
        for q in quads
        if np.linalg.norm(q[0] - q[1]) > 2 * np.linalg.norm(q[0] - q[3])
    ]
    return float(np.median(hs)) if hs else 0.0


def _band_gutters(
    profile: np.ndarray, min_gap: int, rule_w: int, edge: int, loose: float = 1.0
) -> list[tuple[int, int]]:
    """White runs of ``profile`` (share of ink per column) at least ``min_gap`` wide, thin rules counted as white,
    with ink within ``edge`` columns on both sides (so that margins are no gutters); ``loose`` times as much ink
    as ``WHITE`` still counts as white."""
    white = profile < WHITE * loose
    n = len(profile)
    # A thin stroke with white on both sides (a column rule, however faint or broken) is part of the gutter.
    for x, e in runs(~white):
        if e - x <= rule_w and x > 0 and e < n and white[x - 1] and white[e]:
            white[x:e] = True
    out = []
    for x, e in runs(white):
        if e - x >= min_gap and x > 0 and e < n:
            # Ink on both sides (text, or a box's border): white between the page's edge and its text is margin.
            left = profile[max(0, x - edge) : x]
            right = profile[e : e + edge]
            if left.size and right.size and left.max() >= 2 * WHITE and right.max() >= 2 * WHITE:
                out.append((x, e))
    return out


def find_separators(mask: np.ndarray, quads: list[np.ndarray]) -> list[Separator]:
    """Column separators of a page: ``mask`` its ink (255 ink), ``quads`` its detected lines (for the type size).

    Returns separators in the page's pixels, each spanning at least ``MIN_RUN_LINES`` body lines.
    """
    body = _body_height(quads)
    if body < 4 or not quads:
        return []
    boxes = _boxes(quads)
    H, W = mask.shape[:2]
    # Work at about WORK_PX pixels a body line: enough to see a rule inside a gutter of half an em, and fast on a
    # broadsheet.
    f = min(1.0, WORK_PX / body)
    small = cv2.resize(mask, (max(1, round(W * f)), max(1, round(H * f))), interpolation=cv2.INTER_AREA)
    ink = small.astype(np.float32) / 255.0
    lh = body * f  # a body line, in the small image's pixels
    band, step = max(4, round(BAND_LINES * lh)), max(2, round(STEP_LINES * lh))
    min_gap, rule_w, edge = max(2, round(MIN_GUTTER * lh)), max(1, round(RULE_WIDTH * lh)), max(3, round(2 * lh))
    drift = max(2.0, DRIFT * lh)
    chains: list[list[tuple[float, float, float]]] = []  # each: (y centre, x0, x1) per band
    open_chains: list[list[tuple[float, float, float]]] = []
    for y0 in range(0, max(1, ink.shape[0] - band + 1), step):
        profile = ink[y0 : y0 + band].mean(axis=0)
        yc = y0 + band / 2
        gaps = _band_gutters(profile, min_gap, rule_w, edge)
        still: list[list[tuple[float, float, float]]] = []
        taken: set[int] = set()
        for ch in open_chains:
            _, a0, a1 = ch[-1]
            best = None
            for k, (b0, b1) in enumerate(gaps):
                if k in taken:
                    continue
                # The same gutter: overlapping it with its middle moved by no more than the drift allowed, or
                # holding it whole (white widening where a column ends early: the gutter keeps its place).
                if min(a1, b1) - max(a0, b0) > 0 and (
                    abs((a0 + a1) / 2 - (b0 + b1) / 2) <= drift or (b0 <= a0 and a1 <= b1)
                ):
                    best = k
                    break
            if best is None:
                chains.append(ch)
                continue
            taken.add(best)
            n0, n1 = float(gaps[best][0]), float(gaps[best][1])
            if n0 <= a0 and a1 <= n1 and (n1 - n0) > 2 * (a1 - a0):
                n0, n1 = a0, a1  # a widening: keep the gutter where it was
            ch.append((yc, n0, n1))
            still.append(ch)
        for k, (b0, b1) in enumerate(gaps):
            if k not in taken:
                still.append([(yc, float(b0), float(b1))])
        open_chains = still
    chains.extend(open_chains)
    chains = _joined(chains, band + step, drift, 3)
    # A fold, a crease or a pencil stroke across a gutter hides it from the two or three bands that hold it;
    # only gutters long on both sides are joined over that much (a masthead's word spaces over its rule are not).
    chains = _joined(chains, band + 3 * step, drift, 1 + math.ceil((MIN_RUN_LINES * lh - band) / step))
    heads = boxes[boxes[:, 3] - boxes[:, 1] > HEAD_H * body] * f  # display type, in the small image's pixels

    def still_open(y0: int, y1: int, a0: float, a1: float) -> bool:
        # Display type across the gutter's place ends it: the white between a headline's letters is no gutter.
        if any(h[1] < y1 and h[3] > y0 and h[0] < a0 and a1 < h[2] for h in heads.tolist()):
            return False
        rows = ink[y0:y1]
        # So does a rule across it, however thin: a row inked over most of the gutter.
        if ((rows[:, int(a0) : int(math.ceil(a1))] > 0.25).mean(axis=1) >= 0.8).any():
            return False
        gaps = _band_gutters(rows.mean(axis=0), min_gap, rule_w, edge, END_WHITE)
        return any(min(a1, g1) > max(a0, g0) and abs((a0 + a1 - g0 - g1) / 2) <= drift for g0, g1 in gaps)

    def separator(ch: list[tuple[float, float, float]]) -> Separator:
        ys = [(c[0] - band / 2 + step / 2) / f for c in ch]
        ys[0], ys[-1] = (ch[0][0] - band / 2) / f, (ch[-1][0] + band / 2) / f
        xs = [(c[1] + c[2]) / 2 / f for c in ch]
        return Separator(ys, xs, float(np.median([c[2] - c[1] for c in ch])) / f)

    out = []
    for ch in chains:
        # A chain of n bands covers (n - 1) steps plus one band.
        if (len(ch) - 1) * step + band < MIN_RUN_LINES * lh:
            continue
        sep = separator(ch)
        flush, margin, thick = _flush_right(mask, boxes, sep, body)
        if flush:
            # Judged on what was found strictly; only then are its ends looked at again.
            _extend(ch, still_open, step, band, ink.shape[0])
            sep = separator(ch)
            sep.margin, sep.thick = margin, thick
            sep.rule = _rule_in(mask, sep)
            out.append(sep)
    return out


def _extend(
    ch: list[tuple[float, float, float]],
    still_open: Callable[[int, int, float, float], bool],
    step: int,
    band: int,
    height: int,
) -> None:
    """A gutter's chain of bands carried on up and down, a step at a time (at most ``END_STEPS``), while the rows
    added still hold it (``still_open(first row, last row + 1, gutter x0, x1)``)."""
    for _ in range(END_STEPS):
        yc, a0, a1 = ch[0]
        y1 = round(yc - band / 2)
        if y1 - step < 0 or not still_open(y1 - step, y1, a0, a1):
            break
        ch.insert(0, (yc - step, a0, a1))  # the gutter keeps its place: only its length is in doubt here
    for _ in range(END_STEPS):
        yc, a0, a1 = ch[-1]
        y0 = round(yc + band / 2)
        if y0 + step > height or not still_open(y0, y0 + step, a0, a1):
            break
        ch.append((yc + step, a0, a1))


def _joined(
    chains: list[list[tuple[float, float, float]]], gap: float, drift: float, min_bands: int
) -> list[list[tuple[float, float, float]]]:
    """Chains that go on one under the other at the same x (a gutter interrupted for a band or two by a cross
    rule, a picture's edge or a stain) joined into one, where both hold at least ``min_bands`` bands."""
    chains = sorted(chains, key=lambda c: c[0][0])
    out: list[list[tuple[float, float, float]]] = []
    for ch in chains:
        for prev in out:
            (y_end, p0, p1), (y_start, c0, c1) = prev[-1], ch[0]
            # Both long enough to be gutters of their own: a word space or two in line with a gutter is not.
            if len(prev) < min_bands or len(ch) < min_bands:
                continue
            if 0 < y_start - y_end <= gap and abs((p0 + p1) / 2 - (c0 + c1) / 2) <= drift:
                prev.extend(ch)
                break
        else:
            out.append(ch)
    return out


def _rule_in(mask: np.ndarray, sep: Separator) -> float | None:
    """Where a rule stands in ``sep``'s gutter, from its middle: the column of the gutter inked down far more of
    its length than the rest of it (a rule worn to dots, or broken, shows only here and there; beside a line, too
    little of it may show to tell it from the line's own ink)."""
    H, W = mask.shape[:2]
    half = int(math.ceil(sep.width / 2))
    rows = np.arange(int(max(0, sep.top)), int(min(H, sep.bottom)), 2)
    if half < 2 or rows.size < 10:
        return None
    cols = np.rint(np.interp(rows, sep.ys, sep.xs)).astype(int)[:, None] + np.arange(-half, half + 1)[None, :]
    ok = (cols >= 0) & (cols < W)
    inked = (mask[rows[:, None], np.clip(cols, 0, W - 1)] > 0) & ok
    cover = inked.mean(axis=0)
    inner = cover[3:-3]  # not the gutter's edges, where the letters beside it begin
    if inner.size < 1:
        return None
    k = 3 + int(np.argmax(inner))
    # Found down a good share of the gutter, and thin: white (as the gutter is) three pixels off it either side
    # (a rule leaning a pixel or two off the gutter's found middle spreads over the columns between).
    if cover[k] < RULE_SHOWS or max(cover[k - 3], cover[k + 3]) > 0.3 * cover[k]:
        return None
    return float(k - half)


def _flush_right(mask: np.ndarray, boxes: np.ndarray, sep: Separator, body: float) -> tuple[bool, float | None, float]:
    """Whether the lines (``boxes``) right of ``sep`` start flush, as a column's do at its margin (a few
    indented), that margin (None where fewer than four lines tell), and the thickest stroke by the gutter's middle
    passed over to find it. White that words happen to leave in line down a column (a river) has each row go on
    wherever its next word starts.

    A rule in the gutter as thick as a quarter line is passed over; where the rows then seem to start anywhere
    (the text touches a rule thinner than that on some rows, so that it is passed over on others only), only
    strokes of ``THIN_RULE`` are, and the rule is the margin: every row starts at it."""
    H, W = mask.shape[:2]
    yc = (boxes[:, 1] + boxes[:, 3]) / 2
    xs = np.interp(yc, sep.ys, sep.xs)
    # Lines beside it, and across it or starting just right of it (already cut by the detector).
    near = (sep.top <= yc) & (yc <= sep.bottom) & (boxes[:, 0] < xs + 2 * body) & (boxes[:, 2] > xs)
    m = 0.0
    for thick in (RULE_WIDTH, THIN_RULE):
        starts = []
        for (_, y0, _, y1), x in zip(boxes[near].tolist(), xs[near].tolist(), strict=True):
            first = _first_ink(mask, x, y0, y1, body, sep.width / 4, thick)
            if first is not None:
                starts.append(first)
        if len(starts) < 4:
            return True, None, thick  # too few lines to tell: kept for the reading order, never cut at
        m = float(np.median(starts))
        if sum(1 for v in starts if abs(v - m) <= 0.25 * body) >= 0.6 * len(starts):
            return True, m, thick
    return False, m, THIN_RULE


def _starts_at(
    mask: np.ndarray,
    x: float,
    y0: float,
    y1: float,
    margin: float,
    body: float,
    room: float = 0.0,
    thick: float = RULE_WIDTH,
) -> bool:
    """Whether the line at ``y0..y1`` has its first ink right of ``x`` at ``margin`` (a quarter line either way)."""
    first = _first_ink(mask, x, y0, y1, body, room, thick)
    return first is not None and abs(first - margin) <= 0.25 * body


def _first_ink(
    mask: np.ndarray, x: float, y0: float, y1: float, body: float, room: float = 0.0, thick: float = RULE_WIDTH
) -> int | None:
    """The first column right of ``x`` (within three body lines) where the line at ``y0..y1`` has ink in its
    middle band, passing over a stroke standing alone within ``room`` of ``x``, at most ``thick`` of the line
    thick (a gutter's rule, faint or broken into dots, or thickened by a bitonal scan, a pixel or two off the
    gutter's middle; the text beside the gutter starts further on)."""
    H, W = mask.shape[:2]
    h = y1 - y0
    my0, my1 = int(max(0, y0 + h / 4)), int(min(H, y1 - h / 4))
    a, b = int(max(0, x)), int(min(W, x + 3 * body))
    if b <= a or my1 <= my0:
        return None
    strokes = runs(np.asarray((mask[my0:my1, a:b] > 0).any(axis=0)))
    if len(strokes) > 1:
        (s0, e0), (s1, _) = strokes[0], strokes[1]
        if s0 <= room and e0 - s0 <= max(1.0, thick * h) and s1 - e0 >= 2:
            # A rule goes on above or below the line (dots on a quarter of the rows at least); a letter does not.
            c0, c1 = a + s0 - 1, a + e0 + 1
            above = mask[int(max(0, y0 - h)) : int(max(0, y0)), max(0, c0) : c1] > 0
            below = mask[int(min(H, y1)) : int(min(H, y1 + h)), max(0, c0) : c1] > 0
            if any(side.size and side.any(axis=1).mean() >= 0.25 for side in (above, below)):
                strokes = strokes[1:]
    return a + int(strokes[0][0]) if strokes else None


def _clear(mask: np.ndarray, x: float, half: float, y0: float, y1: float, rule: float | None = None) -> bool:
    """Whether the line at ``y0..y1`` has none of its own ink at ``x ± half`` (its middle band only): at most a
    tenth of the columns there inked (a pixel of noise, a letter's overhang), or columns that go on above or
    below the line (a rule's, not the line's), with white beside them. A thin stroke at ``rule``, where the
    gutter's rule stands, is the rule's too, however little of it shows above and below."""
    H, W = mask.shape[:2]
    h = y1 - y0
    gx0, gx1 = int(max(0, x - half)), int(min(W, x + half))
    my0, my1 = int(max(0, y0 + h / 4)), int(min(H, y1 - h / 4))
    if gx1 <= gx0 or my1 <= my0:
        return False
    # The rows above and below, a few columns wider than the gutter's middle: to see white beside a rule there.
    wx0, wx1 = max(0, gx0 - 4), min(W, gx1 + 4)
    band = mask[my0:my1, gx0:gx1] > 0
    # A fold's crease across the page is a stroke two or three pixels thick inked right across the gutter and on
    # through the columns either side, letters or not: it is the paper's, not the line's. (A character's level
    # stroke, 一 say, across a gutter found down a column of Chinese type, is one character wide.)
    # Its edges come out of the ink mask ragged: rows inked over most of the gutter beside one inked right across
    # are the crease's too. Only those rows are left out: a letter across the gutter keeps the rest.
    share = band.mean(axis=1)
    across = (share >= 0.6) & ((mask[my0:my1, wx0:wx1] > 0).mean(axis=1) >= 0.6)
    cx0, cx1 = int(max(0, x - CREASE_RUN * h)), int(min(W, x + CREASE_RUN * h))
    for a, b in runs(across):
        on = (mask[my0 + a : my0 + b, cx0:cx1] > 0).any(axis=0).mean()
        if b - a <= max(2.0, CREASE * h) and share[a:b].max() >= 0.9 and on >= 0.9:
            band[a:b] = False
    inked = np.flatnonzero(band.any(axis=0))
    off = gx0 - wx0
    above = mask[int(max(0, y0 - h)) : int(max(0, y0)), wx0:wx1] > 0
    below = mask[int(min(H, y1)) : int(min(H, y1 + h)), wx0:wx1] > 0

    def thin_stroke(side: np.ndarray, a: int, b: int) -> bool:
        # Columns a..b-1 inked on through the rows beside the line, with white a little to their left and right:
        # a rule, not the edge of a picture or a block of text above. A faint rule comes out of the ink mask as
        # dots, a pixel to either side: ``FAINT_RULE`` of the rows inked within a pixel of it is a rule too.
        if not side.size or side[:, max(0, a - 1) : b + 1].any(axis=1).mean() < FAINT_RULE:
            return False
        near = np.concatenate([side[:, max(0, a - 4) : max(0, a - 2)], side[:, b + 2 : b + 4]], axis=1)
        return near.size == 0 or float(near.mean()) < 0.2

    # A rule is a few pixels wide (more in a bitonal scan's thickened print): judged as one stroke.
    ruled: set[int] = set()
    for s0, e0 in runs(np.isin(np.arange(gx1 - gx0), inked)):
        narrow = e0 - s0 <= max(2.0, RULE_WIDTH * h)
        at_rule = rule is not None and gx0 + s0 - 2.5 <= rule <= gx0 + e0 + 1.5
        if narrow and (at_rule or any(thin_stroke(side, s0 + off, e0 + off) for side in (above, below))):
            ruled.update(range(int(s0), int(e0)))
    own = [int(k) for k in inked if int(k) not in ruled]
    # A rule has white on both sides in a gutter; where the line's ink touches it, the line runs through it.
    if any(abs(k - r) <= max(2.0, 0.12 * h) for k in own for r in ruled):
        return False
    if len(own) <= 0.1 * (gx1 - gx0):
        return True
    # A speck of noise (a bitonal scan's salt, a dust mark) or a few dots of a rule too faint to see beside the
    # line is a few pixels; a letter's stroke across the middle band is at least as long as the band is high.
    return int(band[:, own].sum()) <= max(3.0, SPECK * h)


def _rule_through(mask: np.ndarray, x: float, y0: float, y1: float, body: float) -> tuple[float, float] | None:
    """A rule running down through the rows ``y0..y1`` near ``x`` (within half a body line): a run of at most
    ``RULE_WIDTH`` body lines of columns inked through three quarters of the rows' middle (a thin rule comes out
    of the ink mask broken), with white a few pixels to either side (the letters of the heads beside it do not
    touch it). Its x span, or None."""
    H, W = mask.shape[:2]
    h = y1 - y0
    my0, my1 = int(max(0, y0 + h / 6)), int(min(H, y1 - h / 6))
    gx0, gx1 = int(max(0, x - body / 2)), int(min(W, x + body / 2 + 1))
    if my1 - my0 < 3 or gx1 - gx0 < 3:
        return None
    band = mask[my0:my1, gx0:gx1] > 0
    cover = band.mean(axis=0)
    for a, b in runs(cover >= 0.75):
        if b - a > max(2.0, RULE_WIDTH * body):
            continue
        side = np.concatenate([band[:, max(0, a - 4) : max(0, a - 1)], band[:, b + 1 : b + 4]], axis=1)
        if side.shape[1] >= 4 and float(side.mean()) < 0.1:
            return float(gx0 + a - 1), float(gx0 + b + 1)
    return None


def cut_at_separators(mask: np.ndarray, quads: list[np.ndarray], seps: list[Separator]) -> list[np.ndarray]:
    """Each line cut where it crosses a separator and has no ink of its own there; pieces without ink dropped.

    Lines are upright boxes on a straightened page (clockwise from top left); a line taller than two body lines
    (a headline) is cut only where a rule runs down through it (two heads side by side, set up to the column
    rule between them), never one that runs down the page.
    """
    if not seps:
        return quads
    body = _body_height(quads)
    reach = BAND_LINES * body
    H, W = mask.shape[:2]
    boxes = _boxes(quads)
    centres = (boxes[:, 1] + boxes[:, 3]) / 2
    at = [np.interp(centres, s.ys, s.xs).tolist() for s in seps]  # each separator's x at each line's height
    out: list[np.ndarray] = []
    for i, q in enumerate(quads):
        x0, y0, x1, y1 = boxes[i].tolist()
        h = y1 - y0
        if x1 - x0 < 2 * h:
            out.append(q)
            continue
        yc = (y0 + y1) / 2
        cuts = []
        for s, xs in zip(seps, at, strict=True):
            if h > 2 * body:
                # A headline: cut only at a rule running down through it, where the separator passes.
                rule = _rule_through(mask, xs[i], y0, y1, body) if s.top <= yc <= s.bottom else None
                if rule is not None and x0 + 0.5 * h < rule[0] and rule[1] < x1 - 0.5 * h:
                    cuts.append(rule)
                continue
            # A band's ends are a few lines coarse: lines just past them are looked at too, cut only where the
            # piece right of the gutter starts at the column's margin.
            if s.margin is None or not s.top - reach <= yc <= s.bottom + reach:
                continue
            x = xs[i]
            if not x0 + 0.5 * h < x < x1 - 0.5 * h:
                continue
            # Past them, a line of display type is a head over the columns (the separator stops under it).
            if not s.top <= yc <= s.bottom and (
                h > HEAD_H * body or not _starts_at(mask, x, y0, y1, s.margin, body, s.width / 4, s.thick)
            ):
                continue
            # The line's own ink across the gutter, in its middle band: none where it really runs across a gutter.
            # The gutter's middle half: the letters either side may reach a pixel or two into it.
            half = max(1.5, min(s.width, h) / 4)
            # The rule is known where the gutter was found; past its ends a stroke there may be a letter's.
            rule = x + s.rule if s.rule is not None and s.top <= yc <= s.bottom else None
            if _clear(mask, x, half, y0, y1, rule):
                cuts.append((x - half, x + half))
        if not cuts:
            out.append(q)
            continue
        # Each piece ends where the gutter's clear middle begins, and the next starts where it ends: a rule in
        # the gutter is in neither (read at a piece's edge, it would come out as a letter).
        cuts.sort()
        lefts = [x0, *(c[1] for c in cuts)]
        rights = [*(c[0] for c in cuts), x1]
        for a, b in zip(lefts, rights, strict=True):
            ia, ib = int(max(0, a)), int(min(W, b))
            iy0, iy1 = int(max(0, y0)), int(min(H, y1))
            if ib - ia < 0.5 * h or not (mask[iy0:iy1, ia:ib] > 0).any():
                continue
            out.append(box_quad((a, y0, b, y1)))
    return out


def separator_boxes(seps: list[Separator]) -> list[tuple[float, float, float, float]]:
    """Each separator as a box (the x it runs through, its height), for the reading order to cut at as at a rule.
    A separator that leans (a page bent by a fold, a rule set askew) gives a box as wide as its lean, so that
    the lines beside it, which follow the lean, are not taken for lines across it."""
    return [(min(s.xs) - 1.0, s.top, max(s.xs) + 1.0, s.bottom) for s in seps]
