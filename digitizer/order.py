"""Reading order and reassembly: the page as a reader reads it.

A recursive XY-cut over atoms (text lines, whole ad frames, pictures with their captions), where rule lines
are hard cuts; an all-ads region is read column by column; a picture heading a group of columns is read before
them. Then lines are joined into paragraphs (indent, short line ends), also across column breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .geometry import Box, area, box_quad, line_areas, overlap, union
from .layout import Layout, TLine
from .ocr.base import CharBox, OcrLine
from .script import is_wide

__all__ = ["WorkBlock", "assemble", "join_lines", "reading_order"]

SHRINK = 0.25  # box padding left out when looking for gutters, in body line heights
VGAP = 0.5  # narrowest column gutter, in body line heights (narrower white is a space between words)
#: How far (body line heights) a line may reach over a separator found on the page and still lie beside it: a
#: detected box is padded by about a third of its height, more on small old type; a line that really runs
#: across a gutter reaches a column's width past it (and was not cut there because it had ink in the gutter).
SEP_TOL = 0.6
#: How far (body line heights) a separator's found end may lie inside a region it still runs down the whole of.
SEP_END = 2.5
PHONE = re.compile(r"(?<!\d)(?:\+?\d[\d\- ]{5,}\d)(?!\d)")


@dataclass
class Atom:
    """A unit the XY-cut moves as one: a line, an ad frame with its lines, a picture with its caption."""

    box: Box
    kind: str  # "line" | "frame" | "photo"
    lines: list[TLine] = field(default_factory=list)
    index: int = -1
    column: int = -1  # leaf region id


@dataclass
class WorkBlock:
    """A block before it is mapped back to the scan: kind, lines, text, in straightened pixels."""

    kind: str
    lines: list[TLine]
    text: str
    box: Box
    title: str | None = None
    phones: list[str] = field(default_factory=list)
    parts: list[Box] = field(default_factory=list)


def _gaps(spans: list[tuple[float, float]], lo: float, hi: float, min_gap: float) -> list[float]:
    """Cut positions (gap centres) where no span covers a stretch of at least ``min_gap``."""
    return [c for c, _ in _gap_widths(spans, lo, min_gap)]


def _gap_widths(spans: list[tuple[float, float]], lo: float, min_gap: float) -> list[tuple[float, float]]:
    """(centre, width) of each stretch of at least ``min_gap`` that no span covers."""
    cuts = []
    end = lo
    for a, b in sorted(spans):
        if a - end >= min_gap and end > lo:
            cuts.append(((a + end) / 2, a - end))
        end = max(end, b)
    return cuts


def _split(atoms: list[Atom], cuts: list[float], axis: int) -> list[list[Atom]]:
    groups: list[list[Atom]] = [[] for _ in range(len(cuts) + 1)]
    for a in atoms:
        c = (a.box[axis] + a.box[axis + 2]) / 2
        k = sum(1 for x in cuts if c > x)
        groups[k].append(a)
    return [g for g in groups if g]


def _straddles(group: list[Atom], y: float) -> bool:
    """Whether ``group`` has atoms both above and below the height ``y``."""
    return any(a.box[3] <= y for a in group) and any(a.box[1] >= y for a in group)


def _rule_cuts(
    atoms: list[Atom], rules: list[Box], axis: int, ext: Box, tol: float = 2.0, reach: float = 0.8
) -> list[float]:
    """Rules that cross the region (``reach`` of its extent) and no atom straddles: hard cuts. An atom straddles a
    rule where it reaches ``tol`` past both of the rule's sides (a leaning rule's box is as wide as its lean)."""
    cuts = []
    other = 1 - axis
    span = ext[other + 2] - ext[other]
    for r in rules:
        pos = (r[axis] + r[axis + 2]) / 2
        if not ext[axis] < pos < ext[axis + 2]:
            continue
        cover = min(r[other + 2], ext[other + 2]) - max(r[other], ext[other])
        if cover < reach * span:
            continue
        lo, hi = min(pos, r[axis] + 1.0), max(pos, r[axis + 2] - 1.0)
        if any(a.box[axis] + tol < lo and hi < a.box[axis + 2] - tol for a in atoms):
            continue
        if all(a.box[axis + 2] <= pos for a in atoms) or all(a.box[axis] >= pos for a in atoms):
            continue
        cuts.append(pos)
    return sorted(cuts)


class _Cutter:
    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self.body = lay.body_h
        self.leaf = 0
        #: A page set mostly top to bottom: whatever stands side by side on it is read from the right.
        self.vertical = _vertical_page(lay)

    def cut(self, atoms: list[Atom]) -> list[Atom]:
        if len(atoms) <= 1 or self._one_line(atoms):
            return self._leaf(atoms)
        ext = union([a.box for a in atoms])
        # A column separator found on the page that runs down the whole region with nothing across it splits the
        # region first: a title in one column is read before what lies under it in that column only.
        # Its ends are known to a band of the finder's (a few lines): text lines past them may still lie beside
        # it (a line across it stops the cut anyway), but a head or a picture past its end is where it ends.
        # A head across it past its end stops it too, but there the head is read first and then the columns
        # under it (below).
        reach = SEP_END * self.body
        tol = SEP_TOL * self.body
        whole = [
            s
            for s in self.lay.separators
            if s[1] <= ext[1] + reach
            and s[3] >= ext[3] - reach
            and not any(
                (a.box[3] <= s[1] or a.box[1] >= s[3]) and not _plain_text(a) and not _across(a, s, tol) for a in atoms
            )
            and not self._crossed(s, atoms, ext)
        ]
        hard = _split(atoms, _rule_cuts(atoms, whole, 0, ext, tol), 0)
        if len(hard) > 1:
            return self._columns(hard)
        # So does a printed rule down the whole region: two stories side by side, each under its own head, are
        # read one after the other, not head beside head and then column by column.
        ruled = [r for r in self.lay.vrules if r[1] <= ext[1] + reach and r[3] >= ext[3] - reach]
        hard = _split(atoms, _rule_cuts(atoms, ruled, 0, ext, max(2.0, 0.3 * self.body)), 0)
        if len(hard) > 1:
            return self._columns(hard)
        if whole:
            # Only a head across the top of columns stops them: the head first, then its columns, each read
            # down (white across them all is no cut then: the paragraphs of columns side by side line up).
            titled = _split(atoms, self._head_cuts(atoms, ext, whole, tol), 1)
            if len(titled) > 1 and any(
                _rule_cuts(g, whole, 0, union([a.box for a in g]), tol) for g in titled if len(g) > 1
            ):
                return [a for g in titled for a in self.cut(g)]
        vcuts = self._vcuts(atoms, ext)
        all_frames = all(a.kind == "frame" for a in atoms)
        # A cut must split the atoms (centres on both sides), or the recursion would never end.
        vgroups = _split(atoms, vcuts, 0) if vcuts else []
        white = _gaps([(a.box[1], a.box[3]) for a in atoms], ext[1], ext[3], 0.9 * self.body)
        if len(vgroups) > 1:
            # White across the region where only one column goes on past it is that column's own paragraph
            # or heading space (the others happen to have ended above it): the column is read on, not cut.
            white = [y for y in white if sum(1 for g in vgroups if _straddles(g, y)) != 1]
        # A title is read before what lies under it, and what lies under it is cut on its own: white there
        # may run across the title's columns only because the region's columns have no gutter past the title.
        titled = _split(atoms, self._title_cuts(atoms, ext, vgroups), 1)
        if len(titled) > 1 and not all_frames:
            return [a for g in titled for a in self.cut(g)]
        hcuts = sorted(set(white) | set(_rule_cuts(atoms, self.lay.hrules, 1, ext, max(2.0, 0.3 * self.body))))
        hgroups = _split(atoms, hcuts, 1) if hcuts else []
        if len(hgroups) > 1 and not all_frames:
            joined = self._join_column_tails(hgroups)
            if len(joined) > 1:
                hgroups = joined
        if len(vgroups) > 1 and (all_frames or len(hgroups) < 2):
            return self._columns(vgroups)
        if len(hgroups) > 1:
            out: list[Atom] = []
            for g in hgroups:
                out.extend(self.cut(g))
            return out
        # Left uncut, the region would be read row by row across whatever columns it holds. Separators found on
        # the page that run down half of it and that nothing crosses still part its columns (a pencil stroke
        # or an ad under one column may hide the rest); failing that, where they begin or end parts it across.
        seps = [*self.lay.separators, *self.lay.vrules]
        cols = _split(atoms, _rule_cuts(atoms, seps, 0, ext, SEP_TOL * self.body, reach=0.5), 0)
        if len(cols) > 1:
            return self._columns(cols)
        ends = _split(atoms, self._separator_ends(atoms, ext, seps), 1)
        if len(ends) > 1:
            return [a for g in ends for a in self.cut(g)]
        return self._leaf(atoms)

    def _crossed(self, sep: Box, atoms: list[Atom], ext: Box) -> bool:
        """Whether a rule across ``sep`` parts the region's text: the separator does not run down the whole region
        then, however its found ends lie (its gutter is found again past a section's rule and joined up with the
        one above it; the finder's ends are a band coarse, and a masthead's row of small print over a ruled-off
        page of columns may lie within them)."""
        for r in self.lay.hrules:
            if not (r[0] < sep[0] - self.body and sep[2] + self.body < r[2]):
                continue
            y = (r[1] + r[3]) / 2
            if not ext[1] < y < ext[3]:
                continue
            beside = [a for a in atoms if a.box[0] < r[2] and r[0] < a.box[2]]
            if any(a.box[3] <= y for a in beside) and any(a.box[1] >= y for a in beside):
                return True
        return False

    def _separator_ends(self, atoms: list[Atom], ext: Box, seps: list[Box]) -> list[float]:
        """Cuts where the separators ``seps`` that run down half the region or more begin or end inside it: the
        white between rows nearest that end.

        A region left with neither gutter nor white across it would be read row by row across its columns. That
        happens where the text over the columns (a masthead's small print) ends a few pixels above them and the
        rule between was not found: the separators still show where the columns start.
        """
        m = self.body
        tall = 0.5 * (ext[3] - ext[1])
        ends: set[float] = set()
        for s in seps:
            if not (ext[0] + m < s[0] and s[2] < ext[2] - m) or min(s[3], ext[3]) - max(s[1], ext[1]) < tall:
                continue
            if s[1] > ext[1] + m:
                ends.add(s[1])
            if s[3] < ext[3] - m:
                ends.add(s[3])
        spans = [(a.box[1], a.box[3]) for a in atoms]
        cuts = []
        for y in sorted(ends):
            white = _gaps(spans, y - 3 * m, y + m, 0.1 * m)
            near = [c for c in white if y - 3 * m <= c <= y + m]
            if near:
                cuts.append(min(near, key=lambda c: abs(c - y)))
        return sorted(set(cuts))

    def _vcuts(self, atoms: list[Atom], ext: Box) -> list[float]:
        """Column gutters (white, or rules) across the region of ``atoms``."""
        # Detected boxes carry padding (the detector's unclip): a title centred in its column may reach a
        # little over the gutter. Measure gaps between the boxes' cores.
        pad = SHRINK * self.body
        spans = [(a.box[0] + pad, a.box[2] - pad) if a.kind == "line" else (a.box[0], a.box[2]) for a in atoms]
        widths = _gap_widths(spans, ext[0], VGAP * self.body)
        gaps = [x for x, _ in widths if self._column_gap(atoms, x)]
        if self.vertical:
            # On a page set top to bottom, white between articles in one tier may line up with white in the
            # tiers under it; the rule between the tiers crosses it there, and the tiers are read first. The
            # wide white between the two pages of a sheet stays (a fold's crease may run across it).
            wide = {x for x, w in widths if w > 3 * self.body}
            gaps = [x for x in gaps if x in wide or not self._ruled_across(x, atoms, ext)]
        cuts = _rule_cuts(atoms, self.lay.vrules, 0, ext, max(2.0, 0.3 * self.body))
        cuts += _rule_cuts(atoms, self.lay.separators, 0, ext, SEP_TOL * self.body)
        return sorted(set(gaps) | set(cuts))

    def _ruled_across(self, x: float, atoms: list[Atom], ext: Box) -> bool:
        """Whether a rule between tiers crosses the height ``x``'s white runs down: a rule across the region (not
        at its top or foot) that no atom reaches over (a fold's crease runs through the columns)."""
        m = self.body
        for r in self.lay.hrules:
            y = (r[1] + r[3]) / 2
            if not (r[0] < x - m and r[2] > x + m and ext[1] + m < y < ext[3] - m):
                continue
            if not any(a.box[1] + m < y < a.box[3] - m and a.box[0] < r[2] and r[0] < a.box[2] for a in atoms):
                return True
        return False

    def _join_column_tails(self, groups: list[list[Atom]]) -> list[list[Atom]]:
        """Put a band of text back onto the band above when it lies under one column of it, not the last.

        The columns of an article end at different heights; white under the shorter ones makes a band
        across the region that holds only the longer column's last lines (after a heading, say). Cut there,
        those lines would be read after every column of the band above. A band that opens with a title
        or picture, or under a rule, is a new item and stays apart.
        """
        out = [groups[0]]
        for g in groups[1:]:
            up = out[-1]
            if len(up) > 1 and all(a.kind == "line" and a.lines[0].kind in ("text", "heading", "byline") for a in g):
                top = min(g, key=lambda a: a.box[1])
                ext = union([a.box for a in up])
                cuts = self._vcuts(up, ext)
                cols = {sum(1 for x in cuts if (a.box[0] + a.box[2]) / 2 > x) for a in g}
                inside = all(ext[0] <= a.box[0] and a.box[2] <= ext[2] for a in g)
                ruled = any(
                    ext[3] - 2 <= (r[1] + r[3]) / 2 <= top.box[1] + 2 and r[0] < top.box[2] and top.box[0] < r[2]
                    for r in self.lay.hrules
                )
                if cuts and len(cols) == 1 and min(cols) < len(cuts) and inside and not ruled:
                    out[-1] = up + g
                    continue
            out.append(g)
        return out

    def _head_cuts(self, atoms: list[Atom], ext: Box, seps: list[Box], tol: float) -> list[float]:
        """Cuts above and below the heads (any title or heading, however small its type) that lie across the
        separators ``seps``: a head over two or more columns, read before them. A line of body type across one
        is a head too (a deck under a headline, set in the body's size): a line of text is cut at a gutter
        wherever it has no ink of its own there, so one left across it is set across it."""
        cuts = []
        for a in atoms:
            if a.kind != "line":
                continue
            if any(a.box[0] + tol < s[0] and s[2] < a.box[2] - tol for s in seps):
                cuts += _cuts_around(a, atoms, ext)
        return cuts

    def _title_cuts(self, atoms: list[Atom], ext: Box, vgroups: list[list[Atom]]) -> list[float]:
        """A headline, section title or picture is read before what lies under it: cut just above and below it."""
        cuts = []
        for a in atoms:
            title = a.kind == "line" and a.lines[0].kind in ("headline", "section", "subtitle")
            if not (title or a.kind == "photo"):
                continue
            # Only a title or picture across (most of) this region cuts it; beside other columns, the
            # vertical cuts come first and it is cut within its own columns.
            need = 0.0 if title else 0.6
            # A section's title divides the page across, whatever ends beside it.
            section = title and a.lines[0].kind == "section"
            if a.box[2] - a.box[0] < need * (ext[2] - ext[0]) or (not section and _beside(a, vgroups)):
                continue
            cuts += _cuts_around(a, atoms, ext)
        return cuts

    def _columns(self, groups: list[list[Atom]]) -> list[Atom]:
        # Vertical Chinese reads right to left: each run of side-by-side vertical columns is turned round
        # (horizontal columns beside it keep their left-to-right order).
        ordered: list[list[Atom]] = []
        run: list[list[Atom]] = []
        for g in groups:
            if self.vertical or _mostly_vertical(g):
                run.append(g)
                continue
            ordered.extend(run[::-1])
            run = []
            ordered.append(g)
        ordered.extend(run[::-1])
        parts = [self.cut(g) for g in ordered]
        # A picture heading a group of columns is read before those columns.
        lead: list[Atom] = []
        for p in parts:
            while p and p[0].kind == "photo":
                lead.append(p.pop(0))
        out = lead
        for p in parts:
            out.extend(p)
        return out

    def _column_gap(self, atoms: list[Atom], x: float) -> bool:
        """Whether a white channel at ``x`` is a gutter between columns, not spaces between words lining up.

        Right of a gutter the lines start flush at the column's margin (a few indented); right of a channel
        of word spaces, each row goes on with a word that starts wherever it happens to.
        """
        right = [a for a in atoms if (a.box[0] + a.box[2]) / 2 > x]
        if not right or any(a.kind != "line" or a.lines[0].vertical for a in right):
            return True
        if any(a.kind != "line" for a in atoms):
            return True
        firsts: list[Atom] = []
        for a in sorted(right, key=lambda a: a.box[0]):
            if not any(_same_row(a.lines[0], f.lines[0]) for f in firsts):
                firsts.append(a)
        if len(firsts) < 2:
            return True
        margin = min(a.box[0] for a in firsts)
        flush = sum(1 for a in firsts if a.box[0] - margin < 0.35 * self.body)
        return flush >= 0.6 * len(firsts)

    def _one_line(self, atoms: list[Atom]) -> bool:
        """Pieces of one text line (the detector splits justified lines at wide spaces): never cut apart.

        A gutter between two columns stays white above and below the row; a space between words does not.
        """
        if not all(a.kind == "line" and not a.lines[0].vertical for a in atoms):
            return False
        xs = sorted(atoms, key=lambda a: a.box[0])
        for a, b in zip(xs, xs[1:], strict=False):
            if not _same_row(a.lines[0], b.lines[0]) or a.lines[0].kind != b.lines[0].kind:
                return False
            h = min(a.lines[0].h, b.lines[0].h)
            if b.box[0] - a.box[2] > 2.0 * h or self._rule_between(a.box, b.box):
                return False
            if b.box[0] - a.box[2] > 0.9 * h and self._gutter(a.box, b.box, h):
                return False
        return True

    def _rule_between(self, a: Box, b: Box) -> bool:
        # Pieces cut at a gutter may touch or overlap by a pixel (a detected box's padding): order the ends.
        lo, hi = min(a[2], b[0]), max(a[2], b[0])
        top, bot = max(a[1], b[1]), min(a[3], b[3])
        rules = [*self.lay.vrules, *self.lay.gutters]
        return any(lo - 2 <= (r[0] + r[2]) / 2 <= hi + 2 and r[1] <= bot and r[3] >= top for r in rules)

    def _gutter(self, a: Box, b: Box, h: float) -> bool:
        """White between ``a`` and ``b`` that runs on above and below the row: no other line crosses it."""
        lo, hi = a[2] + 0.2 * (b[0] - a[2]), b[0] - 0.2 * (b[0] - a[2])
        top, bot = min(a[1], b[1]), max(a[3], b[3])
        above = below = False
        for ln in self.lay.lines:
            if ln.box[2] <= lo or ln.box[0] >= hi:
                continue
            if top - 3 * h < ln.box[3] <= top + 0.1 * h:
                above = True
            if bot - 0.1 * h <= ln.box[1] < bot + 3 * h:
                below = True
        return not (above and below)

    def _leaf(self, atoms: list[Atom]) -> list[Atom]:
        self.leaf += 1
        mixed = self.vertical and all(a.kind == "line" for a in atoms) and any(a.lines[0].vertical for a in atoms)
        if atoms and (mixed or _mostly_vertical(atoms)):
            atoms = _vertical_columns(atoms)
        else:
            atoms = self._join_rows(_rows(atoms))
        for a in atoms:
            a.column = self.leaf
        return atoms

    def _join_rows(self, atoms: list[Atom]) -> list[Atom]:
        """Within one column, pieces of a line side by side become one line again."""
        out: list[Atom] = []
        for a in atoms:
            if out and a.kind == "line" and out[-1].kind == "line":
                p, q = out[-1].lines[0], a.lines[0]
                h = min(p.h, q.h)
                if (
                    not p.vertical
                    and not q.vertical
                    and p.kind == q.kind
                    and _same_row(p, q)
                    and -1.0 * h < q.box[0] - p.box[2] < 3.0 * h
                    and not self._rule_between(p.box, q.box)
                ):
                    merged = merge_tlines(p, q)
                    out[-1] = Atom(merged.box, "line", [merged])
                    continue
            out.append(a)
        return out


def _vertical_page(lay: Layout) -> bool:
    """A page set mostly top to bottom: more of its lines' area runs down than across."""
    across, down = line_areas(ln.ocr.quad for ln in lay.lines)
    return down > across


def _mostly_vertical(atoms: list[Atom]) -> bool:
    """Text set top to bottom: most of the line atoms (by area) are vertical lines."""
    lines = [a for a in atoms if a.kind == "line"]
    if not lines or len(lines) < len(atoms):
        return False
    vert = sum(area(a.box) for a in lines if a.lines[0].vertical)
    return vert >= 0.6 * sum(area(a.box) for a in lines)


def _vertical_columns(atoms: list[Atom]) -> list[Atom]:
    """Columns of vertical text read right to left, each top to bottom (short pieces join their column); a line
    across (a head over an article's columns) is read before the first column under it.

    A piece joins a column whose centre lies within 0.4 of their widths of its own: columns set close have
    boxes that overlap (the detector pads them), so overlap alone would run neighbours together.
    """
    across = [a for a in atoms if not (a.kind == "line" and a.lines[0].vertical)]
    cols: list[list[Atom]] = []
    for a in sorted((a for a in atoms if a not in across), key=lambda a: -(a.box[0] + a.box[2]) / 2):
        ca, wa = (a.box[0] + a.box[2]) / 2, a.box[2] - a.box[0]
        for col in cols:
            cc = float(np.median([(x.box[0] + x.box[2]) / 2 for x in col]))
            wc = float(np.median([x.box[2] - x.box[0] for x in col]))
            if abs(ca - cc) < 0.4 * min(wa, wc):
                col.append(a)
                break
        else:
            cols.append([a])
    out = [a for col in cols for a in sorted(col, key=lambda a: a.box[1])]
    for h in sorted(across, key=lambda a: (a.box[1], -a.box[2])):
        under = [
            k for k, a in enumerate(out) if a.box[1] >= h.box[1] and min(a.box[2], h.box[2]) > max(a.box[0], h.box[0])
        ]
        if under:
            out.insert(min(under), h)
        else:  # beside the columns: in its place from the right
            out.insert(sum(1 for a in out if (a.box[0] + a.box[2]) / 2 > (h.box[0] + h.box[2]) / 2), h)
    return out


def _cuts_around(a: Atom, atoms: list[Atom], ext: Box) -> list[float]:
    """Heights just above and below ``a`` inside the region ``ext`` that no other atom straddles."""
    return [
        y
        for y in (a.box[1] - 1, a.box[3] + 1)
        # Boxes of neighbouring lines may overlap by a few pixels: that is not straddling the cut. (A frame or
        # picture beside ``a`` straddles it however far into it the cut lies.)
        if ext[1] < y < ext[3] and not any(b.box[1] + _overlap(b) < y < b.box[3] - _overlap(b) for b in atoms)
    ]


def _overlap(a: Atom) -> float:
    """How far a neighbour's box may reach into ``a``'s without straddling a cut between them."""
    return 0.25 * (_size(a) if a.kind == "line" else min(_size(a), a.box[2] - a.box[0]))


def _beside(a: Atom, groups: list[list[Atom]]) -> bool:
    """Whether another of the column ``groups`` than ``a``'s holds an atom at ``a``'s height: a head over the
    first columns of a page whose other columns run on beside it (cut across the page there, each column's
    first lines would be read apart from the rest)."""
    if len(groups) < 2:
        return False
    for g in groups:
        if any(b is a for b in g):
            continue
        for b in g:
            if min(a.box[3], b.box[3]) - max(a.box[1], b.box[1]) > 0.5 * min(_size(a), _size(b)):
                return True
    return False


def _across(a: Atom, sep: Box, tol: float) -> bool:
    """Whether ``a`` reaches ``tol`` past both sides of the separator ``sep``."""
    return a.box[0] + tol < sep[0] and sep[2] < a.box[2] - tol


def _plain_text(a: Atom) -> bool:
    return a.kind == "line" and a.lines[0].kind == "text"


def _size(a: Atom) -> float:
    return a.lines[0].h if a.kind == "line" else a.box[3] - a.box[1]


def _same_row(a: TLine, b: TLine) -> bool:
    ov = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    ha, hb = a.box[3] - a.box[1], b.box[3] - b.box[1]
    return ov > 0.6 * min(ha, hb) and max(ha, hb) < 1.5 * min(ha, hb)


def merge_tlines(a: TLine, b: TLine) -> TLine:
    """One line from two pieces of it, ``a`` left of ``b``: text joined (a space unless CJK), boxes united."""
    oa, ob = a.ocr, b.ocr
    sep = "" if (oa.text and ob.text and (is_wide(oa.text[-1]) or is_wide(ob.text[0]))) else " "
    box = union([a.box, b.box])
    quad = box_quad(box)
    chars = list(oa.chars)
    if sep and oa.chars and ob.chars:
        x = float(oa.chars[-1].quad[:, 0].max())
        space = np.array([[x, box[1]], [x, box[1]], [x, box[3]], [x, box[3]]], np.float32)
        chars.append(CharBox(" ", space, 1.0))
    chars.extend(ob.chars)
    na, nb = max(1, len(oa.text)), max(1, len(ob.text))
    ocr = OcrLine(
        quad=quad,
        text=oa.text.rstrip() + sep + ob.text.lstrip(),
        confidence=(oa.confidence * na + ob.confidence * nb) / (na + nb),
        chars=chars,
        model=oa.model if oa.model == ob.model else f"{oa.model}+{ob.model}",
        vertical=False,
    )
    return TLine(ocr, box, a.kind, a.frame, a.photo, (a.ink + b.ink) / 2, a.column)


def _rows(atoms: list[Atom]) -> list[Atom]:
    """Top to bottom; atoms side by side on one row left to right. Two atoms are on one row where each one's
    middle lies within the other's height: measured against the row's first atom, not against all the row has
    gathered, since the boxes of closely set rows (a price table's) overlap, and a row grown by each would take
    in the rows below it one after another."""
    atoms = sorted(atoms, key=lambda a: a.box[1])
    rows: list[list[Atom]] = []
    for a in atoms:
        if rows:
            f = rows[-1][0].box
            if f[1] <= (a.box[1] + a.box[3]) / 2 <= f[3] and a.box[1] <= (f[1] + f[3]) / 2 <= a.box[3]:
                rows[-1].append(a)
                continue
        rows.append([a])
    return [a for r in rows for a in sorted(r, key=lambda a: a.box[0])]


def reading_order(lay: Layout) -> tuple[list[TLine], list[Atom], list[TLine], list[TLine]]:
    """Order the page's atoms; returns (header lines, ordered body atoms, footer lines, all lines)."""
    cutter = _Cutter(lay)
    # A running head's parts side by side: from the left, or from the right on a page set top to bottom.
    side = -1 if cutter.vertical else 1
    header = sorted([ln for ln in lay.lines if ln.kind == "header"], key=lambda ln: side * ln.box[0])
    footer = sorted([ln for ln in lay.lines if ln.kind == "footer"], key=lambda ln: side * ln.box[0])
    atoms: list[Atom] = []
    for i, f in enumerate(lay.frames):
        inside = [ln for ln in lay.lines if ln.frame == i]
        if inside:
            atoms.append(Atom(f, "frame", inside, index=i))
    for i, p in enumerate(lay.photos):
        caps = [ln for ln in lay.lines if ln.photo == i]
        box = union([p, *[c.box for c in caps]])
        atoms.append(Atom(box, "photo", caps, index=i))
    for ln in lay.lines:
        if ln.frame is None and ln.photo is None and ln.kind not in ("header", "footer"):
            atoms.append(Atom(ln.box, "line", [ln]))
    ordered = cutter.cut(atoms)
    return header, ordered, footer, lay.lines


def join_lines(texts: list[str], vocabulary: set[str] | None = None) -> str:
    """Join a paragraph's lines: no space between CJK, a space otherwise; end-of-line hyphens mended."""
    out = ""
    for t in texts:
        t = t.strip()
        if not t:
            continue
        if not out:
            out = t
            continue
        a, b = out[-1], t[0]
        if is_wide(a) or is_wide(b):
            out += t
        elif a in "-‐" and len(out) >= 2 and out[-2].isalpha() and b.isalpha():
            left = re.findall(r"[A-Za-z]+$", out[:-1])
            right = re.findall(r"^[A-Za-z]+", t)
            joined = (left[0] if left else "") + (right[0] if right else "")
            keep = (
                vocabulary is not None
                and f"{left[0] if left else ''}-{right[0] if right else ''}".lower() in vocabulary
            )
            if b.islower() and not keep and joined:
                out = out[:-1] + t
            else:
                out += t
        else:
            out += " " + t
    return out


def _column_edges(lines: list[TLine], body: float) -> dict[int, tuple[float, float]]:
    """Per line: the left and right edges of the column it sits in (from body lines around it)."""
    edges: dict[int, tuple[float, float]] = {}
    body_lines = [ln for ln in lines if ln.kind == "text" and not ln.vertical]
    for ln in lines:
        x0, x1 = ln.box[0], ln.box[2]
        near = [
            o
            for o in body_lines
            if abs(o.box[1] - ln.box[1]) < 20 * body
            and min(o.box[2], x1) - max(o.box[0], x0) > 0.5 * min(o.box[2] - o.box[0], x1 - x0)
        ]
        if near:
            lefts = sorted(o.box[0] for o in near)
            rights = sorted(o.box[2] for o in near)
            # The margin is where most lines start; a few stray boxes must not move it.
            edges[id(ln)] = (lefts[len(lefts) // 4], rights[len(rights) * 3 // 4])
        else:
            edges[id(ln)] = (x0, x1)
    return edges


def assemble(lay: Layout) -> list[WorkBlock]:
    """The page's blocks in reading order."""
    header, ordered, footer, all_lines = reading_order(lay)
    vocab = {w.lower() for ln in all_lines for w in re.findall(r"[A-Za-z]+-[A-Za-z]+", ln.text)}
    blocks: list[WorkBlock] = []
    for ln in header:
        blocks.append(WorkBlock("header", [ln], ln.text.strip(), ln.box))
    seq: list[TLine] = []
    for a in ordered:
        if a.kind == "line":
            seq.append(a.lines[0])
            a.lines[0].column = a.column
            continue
        blocks.extend(_paragraphs(seq, lay, vocab))
        seq = []
        if a.kind == "frame":
            blocks.append(_ad(a))
        else:
            blocks.append(WorkBlock("photo", [], "", lay.photos[a.index]))
            for c in _rows([Atom(c.box, "line", [c]) for c in a.lines]):
                ln = c.lines[0]
                if blocks[-1].kind == "caption":
                    prev = blocks[-1]
                    prev.lines.append(ln)
                    prev.text = join_lines([x.text for x in prev.lines], vocab)
                    prev.box = union([prev.box, ln.box])
                else:
                    blocks.append(WorkBlock("caption", [ln], ln.text.strip(), ln.box))
    blocks.extend(_paragraphs(seq, lay, vocab))
    for ln in footer:
        blocks.append(WorkBlock("footer", [ln], ln.text.strip(), ln.box))
    for b in blocks:
        if b.kind != "ad":
            b.parts = _parts(b)
    return blocks


def _parts(b: WorkBlock) -> list[Box]:
    """A block's pieces per column (a paragraph continued in the next column has two)."""
    parts: list[list[TLine]] = []
    for ln in b.lines:
        if parts and parts[-1][-1].column == ln.column:
            parts[-1].append(ln)
        else:
            parts.append([ln])
    return [union([x.box for x in p]) for p in parts] if len(parts) > 1 else []


def _ad(a: Atom) -> WorkBlock:
    atoms = [Atom(ln.box, "line", [ln]) for ln in a.lines]
    if _mostly_vertical(atoms):
        # Set top to bottom: the ad's columns right to left, its title first: set across over the columns, or
        # the first column (at the right).
        top = min(at.box[1] for at in atoms if at.lines[0].vertical)
        over = [at for at in atoms if not at.lines[0].vertical and at.box[3] <= top + 0.25 * (at.box[3] - at.box[1])]
        rest = [at for at in atoms if not any(at is o for o in over)]
        rows = [at.lines for at in [*_rows(over), *_vertical_columns(rest)]]  # a column is a row of its own
    else:
        rows = []
        for at in _rows(atoms):
            ln = at.lines[0]
            if rows:
                r = rows[-1]
                top, bot = min(x.box[1] for x in r), max(x.box[3] for x in r)
                if min(bot, ln.box[3]) - max(top, ln.box[1]) > 0.5 * min(bot - top, ln.box[3] - ln.box[1]):
                    r.append(ln)
                    continue
            rows.append([ln])
    row_texts = [" ".join(x.text.strip() for x in r) for r in rows]
    text = "\n".join(row_texts)
    phones = [p.strip() for p in PHONE.findall(text)]
    lines = [x for r in rows for x in r]
    return WorkBlock("ad", lines, text, a.box, title=row_texts[0] if row_texts else "", phones=phones)


def _paragraphs(seq: list[TLine], lay: Layout, vocab: set[str]) -> list[WorkBlock]:
    """Group a run of ordered lines into blocks: paragraphs joined across line and column breaks."""
    if not seq:
        return []
    body = lay.body_h
    edges = _column_edges(seq, body)
    vedges = _vertical_edges(seq)
    blocks: list[WorkBlock] = []
    cur: list[TLine] = []
    cur_kind = ""

    def flush() -> None:
        if cur:
            blocks.append(
                WorkBlock(
                    cur_kind,
                    list(cur),
                    join_lines([x.text for x in cur], vocab),
                    union([x.box for x in cur]),
                )
            )
            cur.clear()

    prev: TLine | None = None
    for ln in seq:
        kind = "para" if ln.kind == "text" else ln.kind
        new = True
        if prev is not None and cur and kind == cur_kind:
            if kind == "para" and not ln.vertical and not prev.vertical:
                new = _para_break(prev, ln, edges, body)
            elif kind == "para" and ln.vertical and prev.vertical:
                new = _vertical_break(prev, ln, vedges)
            elif kind == "para":
                new = True
            elif kind in ("headline", "subtitle", "heading", "caption", "byline", "section", "jump"):
                # A multi-line title: the next line sits right under the last one.
                gap = ln.box[1] - prev.box[3]
                # A head of two lines may be cut apart by the XY-cut (each a title across its region); the
                # second, centred under the first, goes on with it.
                under = kind in ("headline", "subtitle") and (
                    overlap(ln.box[0], ln.box[2], prev.box[0], prev.box[2]) > 0.8 * (ln.box[2] - ln.box[0])
                    and abs(ln.h - prev.h) < 0.2 * max(ln.h, prev.h)
                )
                new = not (-0.2 * ln.h < gap < 0.8 * max(ln.h, prev.h)) or (ln.column != prev.column and not under)
        if new:
            flush()
            cur_kind = kind
        cur.append(ln)
        prev = ln
    flush()
    return blocks


def _vertical_edges(lines: list[TLine]) -> dict[int, tuple[float, float]]:
    """Per leaf region: the top and the foot of its columns of vertical body text (where their long columns
    start and end: a short column or one set in starts or ends inside them)."""
    tops: dict[int, list[float]] = {}
    foots: dict[int, list[float]] = {}
    for ln in lines:
        if ln.vertical and ln.kind == "text":
            tops.setdefault(ln.column, []).append(ln.box[1])
            foots.setdefault(ln.column, []).append(ln.box[3])
    return {k: (float(np.percentile(tops[k], 10)), float(np.percentile(foots[k], 90))) for k in tops}


def _vertical_break(prev: TLine, ln: TLine, edges: dict[int, tuple[float, float]]) -> bool:
    """Whether the column ``ln`` starts a new paragraph after the column ``prev``: it starts set in (an indent)
    or ``prev`` ends short of its region's foot. A piece of the same column (the detector split it) goes on."""
    w = max(4.0, min(ln.h, prev.h))
    if abs((ln.box[0] + ln.box[2]) - (prev.box[0] + prev.box[2])) < 0.8 * w:
        return ln.box[1] - prev.box[3] > 1.2 * w
    top, _ = edges.get(ln.column, (ln.box[1], ln.box[3]))
    _, foot = edges.get(prev.column, (prev.box[1], prev.box[3]))
    return ln.box[1] - top > 0.7 * w or foot - prev.box[3] > 1.1 * w


def _para_break(prev: TLine, ln: TLine, edges: dict[int, tuple[float, float]], body: float) -> bool:
    """Whether ``ln`` starts a new paragraph after ``prev`` (same column or the next one)."""
    pl, pr = edges[id(prev)]
    l0, _ = edges[id(ln)]
    h = max(body * 0.8, min(ln.h, prev.h))
    indented = ln.box[0] - l0 > 0.7 * h
    short = pr - prev.box[2] > 1.1 * h
    same_col = prev.column == ln.column
    if same_col:
        gap = ln.box[1] - prev.box[3]
        if gap > 1.2 * h:
            return True
    return indented or short
