"""Line kinds: what each text line of a page is (running header or footer, ad, headline, subtitle, section
head, heading, byline, caption, jump line, or body text).

A line's type is judged against the page's own body text: its size (the line's thickness over the body's, or for
Chinese the character pitch), its weight (the width of its strokes over the body's: bold), its place (above the
running rule, inside an ad's frame, in a dark band or over the ads, straight under a headline or a picture) and
its neighbours (a piece of a body line, a line as long as its column's, the last line of a column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .geometry import Box, overlap, share_inside
from .jumps import find_jump
from .layout_model import Layout, TLine
from .script import is_hanzi

__all__ = ["classify", "stroke_width"]

BYLINE = re.compile(
    r"^\s*(本报记者|本报通讯员|记者|通讯员|特约记者|文[/／:：]|图[/／:：]|By\s+[A-Z]|BY\s+[A-Z]|Staff\s+Writer|From\s+our)"
)


def _in_vertical_block(ln: TLine, lines: list[TLine]) -> bool:
    """Whether ``ln`` is a vertical line with a vertical neighbour of the same type beside it."""
    if not ln.vertical:
        return False
    for o in lines:
        if o is ln or not o.vertical or abs(o.h - ln.h) > 0.2 * ln.h:
            continue
        gap = max(o.box[0] - ln.box[2], ln.box[0] - o.box[2])
        if gap < 1.5 * ln.h and overlap(o.box[1], o.box[3], ln.box[1], ln.box[3]) > 0.5 * min(o.length, ln.length):
            return True
    return False


@dataclass(frozen=True)
class _Body:
    """The page's body text, which every line is measured against: its line height, share of ink, stroke width
    and (Chinese) character pitch; None where too few body lines tell."""

    h: float
    ink: float
    stroke: float | None
    pitch: float | None

    @classmethod
    def of(cls, lines: list[TLine], h: float) -> _Body:
        body = [ln for ln in lines if abs(ln.h - h) < 0.2 * h]
        strokes = [ln.stroke for ln in body if ln.stroke > 0]
        pitches = [pt for ln in body if (pt := _pitch(ln)) is not None]
        return cls(
            h,
            float(np.median([ln.ink for ln in body] or [0.2])),
            float(np.median(strokes)) if len(strokes) >= 5 else None,
            float(np.median(pitches)) if len(pitches) >= 5 else None,
        )


def classify(lay: Layout) -> None:
    """Give each line its kind from size, weight, position and neighbours."""
    body = _Body.of(lay.lines, lay.body_h)
    _running_heads(lay)
    free = [ln for ln in lay.lines if ln.kind == "text"]
    for ln in free:
        if _in_vertical_block(ln, free):
            continue  # a column of a vertical block is body text, however its square type compares
        if find_jump(ln.text) is not None:
            ln.kind = "jump"  # "(Continued on Page 3)": a direction to the reader, not the story's text
            continue
        ln.kind = _title_kind(ln, lay, free, body) or ln.kind
    _subtitles(free)
    _captions(lay, free)


def _running_heads(lay: Layout) -> None:
    """Lines in an ad's frame are the ad's; the running header and footer lie above the first and below the
    last long rule near the page's edges."""
    long_rules = [r for r in lay.hrules if r[2] - r[0] > 0.5 * lay.width]
    head_y = min((r[1] for r in long_rules if r[1] < 0.15 * lay.height), default=None)
    foot_y = max((r[3] for r in long_rules if r[3] > 0.85 * lay.height), default=None)
    for ln in lay.lines:
        if ln.frame is not None:
            ln.kind = "ad"
        elif head_y is not None and ln.box[3] <= head_y + 2 and ln.h < 2 * lay.body_h:
            ln.kind = "header"
        elif foot_y is not None and ln.box[1] >= foot_y - 2 and ln.h < 2 * lay.body_h:
            ln.kind = "footer"


def _size(ln: TLine, body: _Body) -> float:
    """The line's type size over the body's. A short line's box may come out a few pixels taller than its
    neighbours' (detection on a scaled page rounds to its pixels); Chinese set at body size keeps the body's
    character pitch, which then says the size."""
    size = ln.h / body.h
    pitch = _pitch(ln) if body.pitch and 1.2 <= size < 1.5 else None
    if pitch is not None and body.pitch and pitch < 1.1 * body.pitch:
        size = pitch / body.pitch
    return size


def _title_kind(ln: TLine, lay: Layout, free: list[TLine], body: _Body) -> str | None:
    """A head's kind (section, headline, byline, heading) from the line's size and weight against the body's
    and its place; None for body text."""
    size = _size(ln, body)
    bold = body.stroke is not None and ln.stroke >= 1.25 * body.stroke
    if size >= 1.25 and (_in_wide_band(ln, lay) or (_over_frames(ln, lay) and not _run_on(ln, lay.lines))):
        return "section"
    if size >= 1.8:
        return "headline"
    if _is_byline(ln.text) and ln.length < 40 * body.h:
        return "byline"
    if size >= 1.5:
        return "heading"
    # The line's own measures first: most lines fail them, and the scans of its neighbours need not run.
    # Bold shows in the strokes' width better than in the share of ink (larger type has more white too).
    heavy = ln.ink > body.ink * (1.15 if size >= 1.12 else 1.4) or bold
    if (
        len(ln.text.strip()) >= 4
        and (size >= 1.2 or (ln.length < 25 * body.h and heavy))
        and not _piece_of_body_line(ln, free, body.h, [*lay.vrules, *lay.separators])
        # A line as long as the column's is a line of text set a little large, unless bold as well.
        and (bold and size >= 1.12 or not _fills_column(ln, free, body.h))
    ):
        return "heading"
    return None


def _in_wide_band(ln: TLine, lay: Layout) -> bool:
    """Inside a dark band across most of the page (the inverted head of the ads)."""
    return any(b[2] - b[0] > 0.4 * lay.width for b in lay.bands if share_inside(ln.box, b) > 0.6)


def _over_frames(ln: TLine, lay: Layout) -> bool:
    """Over ad frames, within six of its lines, with no other text between: the head of the ads under it."""
    return any(
        f[1] >= ln.box[3] - 2
        and f[1] - ln.box[3] < 6 * ln.h
        and not any(
            o is not ln
            and o.frame is None
            and ln.box[3] <= o.box[1] < f[1]
            and overlap(o.box[0], o.box[2], ln.box[0] - 2 * ln.h, ln.box[2] + 2 * ln.h) > 0
            for o in lay.lines
        )
        for f in lay.frames
    )


def _subtitles(free: list[TLine]) -> None:
    """A heading straight under a headline (or a subtitle), in smaller type, is the subtitle."""
    for ln in free:
        if ln.kind != "heading":
            continue
        for hd in free:
            if (
                hd.kind in ("headline", "subtitle")
                and -0.3 * ln.h <= ln.box[1] - hd.box[3] < 1.5 * hd.h
                and overlap(ln.box[0], ln.box[2], hd.box[0], hd.box[2]) > 0.3 * ln.length
                and ln.h < hd.h
            ):
                ln.kind = "subtitle"
                break


def _captions(lay: Layout, free: list[TLine]) -> None:
    """Captions: the small lines right under a picture, within its width. The first row under it is the
    caption; a further row only continues it when it follows closely in the same type, as one line that
    wraps (the first lines of the columns under a picture are further down, and side by side)."""
    body = lay.body_h
    for pi, p in enumerate(lay.photos):
        cands = [
            ln
            for ln in free
            if ln.kind in ("text", "heading")
            and ln.h <= 1.3 * body
            and -0.5 * body <= ln.box[1] - p[3] < 2.0 * body
            and ln.box[0] >= p[0] - body
            and ln.box[2] <= p[2] + body
        ]
        if not cands:
            continue
        cands.sort(key=lambda ln: ln.box[1])
        first = cands[0]
        row = [ln for ln in cands if overlap(ln.box[1], ln.box[3], first.box[1], first.box[3]) > 0.7 * first.h]
        caption = list(row)
        cap_bottom = max(ln.box[3] for ln in row)
        wide = sum(ln.length for ln in row) > 0.6 * (p[2] - p[0])
        for ln in cands:
            if any(ln is c for c in caption):
                continue
            same_row = [o for o in cands if o is not ln and overlap(o.box[1], o.box[3], ln.box[1], ln.box[3]) > 0]
            if (
                wide
                and not same_row
                and 0 <= ln.box[1] - cap_bottom < 0.45 * first.h
                and abs(ln.h - first.h) < 0.15 * first.h
            ):
                caption.append(ln)
                cap_bottom = ln.box[3]
        for ln in caption:
            ln.kind = "caption"
            ln.photo = pi


def _run_on(ln: TLine, lines: list[TLine]) -> bool:
    """Whether ``ln`` goes on from a line of text just above it in its column (the last line of a column that
    ends over the ads, not a head standing apart over them)."""
    return any(
        o is not ln
        and o.kind == "text"
        and 0 <= ln.box[1] - o.box[3] < 0.6 * ln.h
        and overlap(o.box[0], o.box[2], ln.box[0], ln.box[2]) > 0.5 * min(o.length, ln.length)
        for o in lines
    )


def stroke_width(crop: np.ndarray) -> float:
    """Mean length of the ink's runs along the rows of ``crop`` (ink > 0), the longest and shortest tenth left
    out (serifs, joins, specks); 0 where there is too little ink to tell."""
    ink = (crop > 0).astype(np.int8)
    if ink.size == 0:
        return 0.0
    edges = np.diff(np.pad(ink, ((0, 0), (1, 1))), axis=1)
    lengths = np.sort(np.flatnonzero(edges.ravel() == -1) - np.flatnonzero(edges.ravel() == 1))
    if len(lengths) < 10:
        return 0.0
    k = len(lengths) // 10
    return float(lengths[k : len(lengths) - k].mean())


def _pitch(ln: TLine) -> float | None:
    """Character pitch of a horizontal line of Chinese (type size, as every character is one em wide)."""
    if ln.vertical:
        return None
    chars = [cb for cb in ln.ocr.chars if not cb.text.isspace()]
    if len(chars) < 3 or sum(1 for cb in chars if is_hanzi(cb.text)) < 0.7 * len(chars):
        return None
    centres = sorted(float(cb.quad[:, 0].mean()) for cb in chars)
    return (centres[-1] - centres[0]) / (len(centres) - 1)


def _is_byline(text: str) -> bool:
    """ "本报记者 王晨 通讯员 李华", "By Anna Miller, Staff Writer"; not a sentence that starts with 记者."""
    t = text.strip()
    if not BYLINE.match(t):
        return False
    if any(is_hanzi(ch) for ch in t):
        return len(t) <= 24 and not any(p in t for p in "，。；：,;")
    return len(t) <= 60


def _piece_of_body_line(ln: TLine, lines: list[TLine], body: float, separators: list[Box]) -> bool:
    """A word or two that the detector cut out of a body line: body-size text sits beside it on its row, on the
    same side of every column rule and separator (a line of the next column is no part of it)."""
    for o in lines:
        if o is ln or abs(o.h - body) > 0.25 * body:
            continue
        ov = overlap(o.box[1], o.box[3], ln.box[1], ln.box[3])
        gap = max(o.box[0] - ln.box[2], ln.box[0] - o.box[2])
        if ov > 0.5 * min(o.h, ln.h) and gap < 2.0 * ln.h:
            a, b = (ln.box[2], o.box[0]) if o.box[0] >= ln.box[2] else (o.box[2], ln.box[0])
            if not any(
                a - 0.2 * ln.h <= (sp[0] + sp[2]) / 2 <= b + 0.2 * ln.h
                and overlap(sp[1], sp[3], ln.box[1], ln.box[3]) > 0.5 * ln.h
                for sp in separators
            ):
                return True
    return False


def _fills_column(ln: TLine, lines: list[TLine], body: float) -> bool:
    """As long as the body lines around it: a line of text set a little large, not a short heading."""
    near = [
        o.length
        for o in lines
        if o is not ln
        and abs(o.h - body) < 0.2 * body
        and abs(o.box[1] - ln.box[1]) < 15 * body
        and overlap(o.box[0], o.box[2], ln.box[0], ln.box[2]) > 0.5 * min(o.length, ln.length)
    ]
    if len(near) < 3:
        return False
    med = float(np.median(near))
    return 0.9 * med <= ln.length <= 1.25 * med  # much wider: it spans columns, so it is a title
