"""Historical newspaper pages with exact ground truth (``digitizer synth --style historical``).

What real archive scans of 1850s-1950s papers have and the modern style lacks: 6-9 narrow justified columns of
small type, gutters of 0.6-1.5 em, column rules that are thin, faint, broken or a little slanted, headlines over
2-4 columns, L-shaped articles beside a boxed ad, drop capitals, column after column of small ads; and, from the
scanner and the years, a fold, torn edges, a dark scanner border, pencil marks, stains, faint or broken type,
uneven light, bleed-through, greyscale or bitonal (1-bit) images at 150-400 dpi. Chinese and English.

The ground truth lists the blocks in the order a reader takes them (band by band from the top, within a band
story by story from the left, each story column by column) with their boxes in the saved image's pixels.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .old_text import (
    EN_DECKS,
    EN_HEADS,
    EN_LEAD,
    ZH_DECKS,
    ZH_HEADS,
    ZH_LEAD,
    ad,
    paragraph,
)
from .typeset import Canvas, GTBlock, _find, _fit, flow_paragraph, moved_box, tag_article

__all__ = ["age_historical", "render_historical"]

Box = tuple[float, float, float, float]
MAX_WIDTH = 4200  # pixels: wider pages take their type smaller (a lower resolution), as a page scanned at 150 dpi


@dataclass
class _Faces:
    body: str
    bold: str
    head: str


def _faces(zh: bool) -> _Faces:
    if zh:
        return _Faces(
            _find(["NotoSerifCJK-Regular.ttc"]),
            _find(["NotoSerifCJK-Bold.ttc", "NotoSansCJK-Bold.ttc"]),
            _find(["NotoSansCJK-Bold.ttc"]),
        )
    return _Faces(
        _find(["LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"]),
        _find(["LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"]),
        _find(["LiberationSansNarrow-Bold.ttf", "LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"]),
    )


@dataclass
class _Grid:
    m: int
    body: int
    lead: float
    ncols: int
    colw: float
    gutter: float
    w: int
    h: int

    def x(self, k: int) -> tuple[float, float]:
        x0 = self.m + k * (self.colw + self.gutter)
        return x0, x0 + self.colw


class _Page:
    """The page being set: its canvas, grid, faces, the blocks in reading order, and the gutters to rule."""

    def __init__(self, seed: int, lang: str) -> None:
        rng = self.rng = random.Random(seed)
        self.zh = lang == "zh"
        dpi: float = rng.choice([150, 200, 300, 400])
        pt = rng.uniform(7.5, 9.5) if self.zh else rng.uniform(6.5, 8.5)
        body = pt * dpi / 72
        ncols = rng.randint(6, 9)
        col_em = rng.uniform(13, 19) if self.zh else rng.uniform(15, 21)
        gutter_em = rng.uniform(0.6, 1.5)
        margin_em = rng.uniform(3, 5)
        width = body * (2 * margin_em + ncols * col_em + (ncols - 1) * gutter_em)
        if width > MAX_WIDTH:
            dpi = dpi * MAX_WIDTH / width
            body = body * MAX_WIDTH / width
        body = max(13.0, body)
        b = round(body)
        colw = b * col_em
        gutter = b * gutter_em
        m = round(b * margin_em)
        w = round(2 * m + ncols * colw + (ncols - 1) * gutter)
        h = round(w * rng.uniform(1.3, 1.42))
        self.dpi = round(dpi * b / body)
        self.g = _Grid(m, b, b * rng.uniform(1.12, 1.25), ncols, colw, gutter, w, h)
        self.c = Canvas(w, h, lang, rng)
        self.f = _faces(self.zh)
        self.blocks: list[GTBlock] = []
        self.articles = 0  # stories set so far, for the ground truth's article ids
        self.rules: list[tuple[int, float, float]] = []  # (gutter after column k, y0, y1)

    def font(self, path: str, size: float) -> ImageFont.FreeTypeFont:
        return self.c.font(path, max(8, int(size)))

    def hline(self, x0: float, x1: float, y: float, width: int = 1) -> None:
        # (width - 1) first: y + 1 - 1 may come out a hair under y, and Pillow refuses a rectangle upside down.
        self.c.draw.rectangle((x0, y, x1, y + (width - 1)), fill=0)

    # ------------------------------------------------------------------ parts of the page

    def masthead(self) -> float:
        g, c, rng = self.g, self.c, self.rng
        y: float = g.m
        name = (
            rng.choice(["申江日报", "民声报", "大中华新闻", "时事新报"])
            if self.zh
            else rng.choice(["THE EVENING GAZETTE", "THE DAILY HERALD", "THE WEEKLY CHRONICLE", "THE MORNING STAR"])
        )
        b = c.centered(g.m, g.w - g.m, y, name, self.font(self.f.head, g.body * rng.uniform(4.5, 6.5)))
        self.blocks.append(GTBlock("header", name, [b]))
        y = b[3] + g.body * 0.8
        self.hline(g.m, g.w - g.m, y, 3)
        y += g.body * 0.5
        if self.zh:
            parts = ["第一千二百号", "中华民国二十五年三月十八日 星期三", "每份铜元四枚"]
        else:
            parts = ["VOL. XII—NO. 345", "WASHINGTON, MONDAY, FEBRUARY 21, 1859", "PRICE ONE CENT"]
        f = self.font(self.f.body, g.body * 1.05)
        bottom = y
        for s, pos in zip(parts, "lcr", strict=True):
            tw = c.draw.textlength(s, font=f)
            x = g.m if pos == "l" else (g.w - g.m - tw if pos == "r" else (g.w - tw) / 2)
            b = c.text(x, y, s, f)
            self.blocks.append(GTBlock("header", s, [b]))
            bottom = max(bottom, b[3])
        y = bottom + g.body * 0.5
        self.hline(g.m, g.w - g.m, y, 1)
        self.hline(g.m, g.w - g.m, y + 4, 2)
        return y + 6 + g.body * 0.8

    def _heads(self, x0: float, x1: float, y: float, texts: list[tuple[str, str, str, float]]) -> float:
        """Centred heads one under the other: (type, text, face, size); returns the y below them."""
        for kind, text, face, size in texts:
            f = self.font(face, size)
            boxes = []
            for part in _fit(self.c, text, f, x1 - x0 - self.g.body * 0.4, self.zh):
                b = self.c.centered(x0, x1, y, part, f)
                boxes.append(b)
                y = b[3] + size * 0.25
            self.blocks.append(GTBlock(kind, text, boxes))
            y += self.g.body * 0.35
        return y

    def _flow(
        self, cols: list[list[float]], ci: int, drop_cap: bool = False, max_sentences: int = 5
    ) -> tuple[int, bool]:
        """One paragraph into ``cols`` from column ``ci``, as long as it fits (fewer sentences if it must);
        returns the column it ended in and whether any paragraph fitted."""
        g, rng = self.g, self.rng
        f = self.font(self.f.body, g.body)
        for k in range(rng.randint(2, max_sentences), 0, -1):
            text = paragraph(rng, self.zh, k)
            snapshot = [list(col) for col in cols]
            state = self.c.img.copy()
            hang = (0, 0.0)
            cap_box: Box | None = None
            if drop_cap:
                x0, _, y, _ = cols[ci]
                cap_f = self.font(self.f.bold, g.lead * 2 + g.body * 0.95)
                top = self.c.draw.textbbox((0, 0), text[0], font=cap_f)[1]
                cap_box = self.c.text(x0, y + g.body * 0.12 - top, text[0], cap_f)
                hang = (3, cap_box[2] - x0 + g.body * 0.35)
            lang = "zh" if self.zh else "en"
            body = text[1:] if drop_cap else text
            ci2, boxes, ok = flow_paragraph(self.c, body, f, cols, ci, g.lead, not drop_cap, lang, hang, False)
            if ok:
                if cap_box is not None:
                    b0 = boxes[0]
                    boxes[0] = (cap_box[0], min(b0[1], cap_box[1]), b0[2], max(b0[3], cap_box[3]))
                self.blocks.append(GTBlock("para", text, list(boxes)))
                return ci2, True
            self.c.img = state
            self.c.draw = ImageDraw.Draw(self.c.img)
            for k2, col in enumerate(snapshot):
                cols[k2] = col
        return ci, False

    def story(self, k0: int, span: int, y: float, bottom: float, lead: bool) -> None:
        """A story over columns k0..k0+span-1 from y down to ``bottom``: its heads across its columns, its text
        flowing column after column; a spanning story may end beside a boxed ad (an L-shaped article)."""
        g, rng = self.g, self.rng
        x0, x1 = self.g.x(k0)[0], self.g.x(k0 + span - 1)[1]
        if lead:
            head = rng.choice(ZH_LEAD if self.zh else EN_LEAD)
            # Set to fill most of its columns, as compositors chose the type for a head over several columns.
            probe = self.c.draw.textlength(head, font=self.font(self.f.head, 100))
            size = 100 * (x1 - x0) * rng.uniform(0.6, 0.9) / max(1.0, probe)
            heads = [("headline", head, self.f.head, float(np.clip(size, g.body * 2.0, g.body * 5.0)))]
        else:
            head = rng.choice(ZH_HEADS if self.zh else EN_HEADS)
            heads = [("heading", head, self.f.head, g.body * rng.uniform(1.2, 1.6))]
        if rng.random() < 0.6:
            deck = rng.choice(ZH_DECKS if self.zh else EN_DECKS)
            heads.append(("subtitle" if lead else "heading", deck, self.f.body, g.body * 1.15))
        n0 = len(self.blocks)
        y = self._heads(x0, x1, y + g.body * 0.3, heads)
        cols = [[*g.x(k), y, bottom] for k in range(k0, k0 + span)]
        for k in range(k0, k0 + span - 1):
            self.rules.append((k, y - g.body * 0.2, bottom))
        boxed: tuple[float, float] | None = None
        if span > 1 and rng.random() < 0.5:
            boxed = (bottom - (bottom - y) * rng.uniform(0.3, 0.5), bottom)
            cols[-1][3] = boxed[0] - g.body
        ci, first = 0, True
        while ci < len(cols):
            ci, ok = self._flow(cols, ci, drop_cap=first and lead and not self.zh and rng.random() < 0.6)
            first = False
            if not ok:
                break
        self.articles += 1
        tag_article(self.blocks, n0, f"a{self.articles}")
        if boxed is not None:
            self.ad_box(*g.x(k0 + span - 1), boxed[0], boxed[1])

    def column_of_stories(self, k: int, y: float, bottom: float) -> None:
        """Short stories stacked in one column, each under its head, a short rule between them."""
        g = self.g
        x0, x1 = g.x(k)
        while y + g.body * 8 < bottom:
            head = self.rng.choice(ZH_HEADS if self.zh else EN_HEADS)
            n0 = len(self.blocks)
            state = self.c.img.copy()
            yy = self._heads(x0, x1, y + g.body * 0.3, [("heading", head, self.f.head, g.body * 1.3)])
            cols = [[x0, x1, yy, bottom]]
            fitted = 0
            for _ in range(self.rng.randint(1, 3)):
                _, ok = self._flow(cols, 0)
                if not ok:
                    break
                fitted += 1
            if not fitted:  # a head with no text under it: take the head back
                del self.blocks[n0:]
                self.c.img = state
                self.c.draw = ImageDraw.Draw(self.c.img)
                return
            self.articles += 1
            tag_article(self.blocks, n0, f"a{self.articles}")
            y = cols[0][2] + g.body * 0.3
            mid = (x0 + x1) / 2
            self.hline(mid - g.colw * 0.15, mid + g.colw * 0.15, y, 1)
            y += g.body * 0.6

    def ad_box(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """A boxed display ad filling the given space."""
        g, c = self.g, self.c
        c.draw.rectangle((x0, y0, x1, y1), outline=0, width=max(2, g.body // 8))
        title, text = ad(self.rng, self.zh)
        tf = self.font(self.f.head, g.body * 1.8)
        y = c.centered(x0, x1, y0 + g.body * 0.6, title, tf)[3] + g.body * 0.6
        f = self.font(self.f.body, g.body * 1.1)
        lines = _fit(c, text, f, x1 - x0 - g.body * 1.4, self.zh)
        for ln in lines:
            if y + g.body * 1.4 > y1 - g.body * 0.4:
                text = ("" if self.zh else " ").join(lines[: lines.index(ln)])
                break
            c.centered(x0, x1, y, ln, f)
            y += g.body * 1.4
        self.blocks.append(GTBlock("ad", f"{title}\n{text}", [(x0, y0, x1, y1)]))

    def small_ads(self, y: float, bottom: float) -> None:
        """A band of small ads, column after column, each a bold title and a few lines, boxed or ruled off."""
        g, c = self.g, self.c
        sec = "广告" if self.zh else "ADVERTISEMENTS"
        b = c.centered(g.m, g.w - g.m, y, sec, self.font(self.f.head, g.body * 1.6))
        self.blocks.append(GTBlock("section", sec, [b]))
        y = b[3] + g.body * 0.5
        self.hline(g.m, g.w - g.m, y, 1)
        y += g.body * 0.8
        boxed = self.rng.random() < 0.5
        tf = self.font(self.f.bold, g.body * 1.1)
        f = self.font(self.f.body, g.body)
        for k in range(g.ncols):
            x0, x1 = g.x(k)
            if k < g.ncols - 1:
                self.rules.append((k, y, bottom))
            yy = y
            while True:
                title, text = ad(self.rng, self.zh)
                lines = _fit(c, text, f, x1 - x0 - g.body * 0.8, self.zh)
                hgt = g.body * 1.6 + len(lines) * g.lead + g.body * 0.6
                if yy + hgt > bottom:
                    break
                if boxed:
                    c.draw.rectangle((x0, yy, x1, yy + hgt), outline=0, width=1)
                c.centered(x0, x1, yy + g.body * 0.3, title, tf)
                ly = yy + g.body * 1.6
                for ln in lines:
                    c.text(x0 + g.body * 0.4, ly, ln, f)
                    ly += g.lead
                self.blocks.append(GTBlock("ad", f"{title}\n{text}", [(x0, yy, x1, yy + hgt)]))
                yy += hgt + g.body * 0.5
                if not boxed:
                    self.hline(x0 + g.colw * 0.3, x1 - g.colw * 0.3, yy - g.body * 0.3, 1)

    def band(self, y: float, bottom: float) -> None:
        """A band of stories: maybe one over 2-4 columns, the others one column wide, read from the left."""
        g, rng = self.g, self.rng
        k = 0
        lead_at, span = -1, 1
        if rng.random() < 0.85:
            span = rng.randint(2, min(4, g.ncols - 2))
            lead_at = rng.choice([0, 0, rng.randint(1, g.ncols - span)])
        while k < g.ncols:
            if k == lead_at:
                self.story(k, span, y, bottom, lead=True)
                k += span
            else:
                self.column_of_stories(k, y, bottom)
                k += 1
            if k < g.ncols:
                self.rules.append((k - 1, y, bottom))

    def draw_rules(self) -> None:
        """Column rules in the gutters: on some pages none (white gutters only); else thin, faint, broken or a
        little slanted, the same style over the page as a printer's."""
        g, rng = self.g, self.rng
        if rng.random() < 0.3:
            return
        width = rng.choice([1, 1, 2, max(1, round(g.body * 0.1))])
        grey = rng.choice([0, 40, 90, 140])
        broken = rng.choice([0.0, 0.0, 0.15, 0.35])
        # A rule leans with the paper, not across the type locked up beside it: never out of its gutter's middle.
        slant = rng.uniform(-0.25, 0.25) * g.gutter / g.h
        for k, y0, y1 in self.rules:
            x = g.x(k)[1] + g.gutter / 2
            y = y0
            while y < y1:
                seg = rng.uniform(g.body * 4, g.body * 30)
                ye = min(y1, y + seg)
                if rng.random() >= broken:
                    self.c.draw.line((x + (y - y0) * slant, y, x + (ye - y0) * slant, ye), fill=grey, width=width)
                y = ye + (rng.uniform(g.body * 0.5, g.body * 3) if broken else 0)


def render_historical(seed: int, lang: str) -> tuple[Image.Image, dict[str, Any]]:
    """Render one clean historical page (greyscale) and its ground truth (boxes in the clean page's pixels)."""
    p = _Page(seed, lang)
    g = p.g
    y = p.masthead()
    bottom = g.h - g.m
    if p.rng.random() < 0.6:
        cut = y + (bottom - y) * p.rng.uniform(0.5, 0.72)
        p.band(y, cut)
        p.hline(g.m, g.w - g.m, cut + g.body * 0.4, 2)
        if p.rng.random() < 0.5:
            p.small_ads(cut + g.body * 1.2, bottom)
        else:
            p.band(cut + g.body * 1.2, bottom)
    else:
        p.band(y, bottom)
    p.draw_rules()
    gt = {
        "lang": lang,
        "kind": "historical",
        "dpi": p.dpi,
        "columns": g.ncols,
        "blocks": [b.to_dict() for b in p.blocks],
    }
    return p.c.img, gt


def _field(rng: np.random.Generator, shape: tuple[int, int], cell: int) -> np.ndarray:
    """Smooth noise in [0, 1] varying over about ``cell`` pixels."""
    h, w = shape
    small = rng.random((max(2, h // cell), max(2, w // cell))).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).clip(0, 1), np.float32)


def age_historical(
    img: Image.Image,
    gt: dict[str, Any],
    seed: int,
    bitonal: bool | None = None,
    fold: bool | None = None,
    border: bool | None = None,
) -> tuple[np.ndarray, dict[str, Any], bool]:
    """Make a clean historical page look like an old scan; returns the image (uint8, one channel), the ground
    truth with its boxes where they lie in it, and whether it is bitonal. ``bitonal``, ``fold`` (a fold across
    the middle) and ``border`` (a dark scanner border) are drawn where None; the rest of the page is the same
    whichever way they go (its noise aside)."""
    rng = random.Random(f"age-{seed}")  # draws of their own, not those that set the page
    nrng = np.random.default_rng(seed + 1)
    clean = np.asarray(img, np.float32)
    h, w = clean.shape
    body = max(13, int(gt["dpi"] * 7 / 72))
    ink: np.ndarray = (255 - clean) / 255
    # Type: faint where the press gave too little ink, broken where the metal was worn.
    ink *= 0.55 + 0.45 * _field(nrng, (h, w), max(60, w // 12))
    ink *= nrng.random((h, w), dtype=np.float32) > rng.uniform(0.02, 0.08)
    ink = np.asarray(cv2.GaussianBlur(ink, (0, 0), 0.6))
    paper = rng.uniform(200, 232) + 10 * (_field(nrng, (h, w), 40) - 0.5)
    a = paper - ink * (paper - rng.uniform(15, 45))
    ghost = cv2.flip(cv2.GaussianBlur((255 - clean) / 255, (0, 0), 2.5), 1)
    a -= ghost * rng.uniform(20, 45)
    for _ in range(rng.randint(0, 3)):  # stains
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.04, 0.15) * w
        yy, xx = np.ogrid[0:h, 0:w]
        blob = np.exp(-(((xx - cx) / r) ** 2 + ((yy - cy) / (r * rng.uniform(0.5, 1.5))) ** 2))
        a -= blob * rng.uniform(12, 35) * (0.6 + 0.4 * _field(nrng, (h, w), 30))
    # A fold across the middle: a crease and its shadow (drawn whether or not it is made, so that a page made
    # with and without it is otherwise the same).
    folded, vertical, at_share = rng.random() < 0.75, rng.random() < 0.5, rng.uniform(0.42, 0.58)
    shade, light_side, crease = rng.uniform(15, 35), rng.uniform(5, 15), rng.uniform(40, 90)
    if folded if fold is None else fold:
        n = w if vertical else h
        d = np.arange(n, dtype=np.float32) - int(n * at_share)
        prof = -shade * np.exp(-np.maximum(d, 0) / (body * 3)) * (d >= 0)
        prof += light_side * np.exp(d / (body * 2)) * (d < 0)
        prof -= crease * (np.abs(d) < 1.5)
        a += prof[None, :] if vertical else prof[:, None]
    for _ in range(rng.randint(2, 5)):  # pencil marks, mostly in the margins
        m = int(body * 3)
        if rng.random() < 0.7:
            x0 = rng.choice([rng.uniform(0, m), rng.uniform(w - m, w)])
            y0 = rng.uniform(0, h)
        else:
            x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        pts = [(x0, y0)]
        ang = rng.uniform(0, 2 * np.pi)
        for _ in range(rng.randint(4, 12)):
            ang += rng.uniform(-0.6, 0.6)
            step = rng.uniform(body, body * 4)
            pts.append((pts[-1][0] + step * np.cos(ang), pts[-1][1] + step * np.sin(ang)))
        mark = np.zeros((h, w), np.float32)
        cv2.polylines(mark, [np.array(pts, np.int32)], False, (1.0,), thickness=rng.randint(2, 4), lineType=cv2.LINE_AA)
        a -= cv2.GaussianBlur(mark, (0, 0), 0.8) * rng.uniform(50, 110)
    yy2, xx2 = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - rng.uniform(0.05, 0.18) * ((xx2 / w - rng.random()) ** 2 + (yy2 / h - rng.random()) ** 2)
    a *= light
    # Torn edges, within the margin: the scanner's background shows where paper is missing.
    dark, has_border = rng.uniform(15, 60), rng.random() < 0.7
    border_value = dark if (has_border if border is None else border) else None
    outside = border_value if border_value is not None else rng.uniform(235, 250)
    margin = int(body * 2.5)
    for side in rng.sample(["top", "bottom", "left", "right"], rng.randint(0, 2)):
        n = w if side in ("top", "bottom") else h
        depth = np.cumsum(nrng.normal(0, body * 0.25, n)).astype(np.float32)
        depth = np.clip(depth - depth.min() + rng.uniform(0, margin * 0.3), 0, margin).astype(np.int32)
        for i in range(0, n):
            dd = depth[i]
            if side == "top":
                a[:dd, i] = outside
            elif side == "bottom":
                a[h - dd :, i] = outside
            elif side == "left":
                a[i, :dd] = outside
            else:
                a[i, w - dd :] = outside
    # The scanner: a dark border round the sheet, the sheet a little askew on the glass.
    mm = np.eye(3)
    pad = [int(w * rng.uniform(0.005, 0.03)) for _ in range(4)]
    if border_value is not None:
        canvas = np.full((h + pad[1] + pad[3], w + pad[0] + pad[2]), border_value, np.float32)
        canvas += np.asarray(nrng.normal(0, 4, canvas.shape), np.float32)
        canvas[pad[1] : pad[1] + h, pad[0] : pad[0] + w] = a
        a = canvas
        mm = np.array([[1, 0, pad[0]], [0, 1, pad[1]], [0, 0, 1]], float)
    angle = rng.uniform(-1.5, 1.5)
    hh, ww = a.shape
    rot = cv2.getRotationMatrix2D((ww / 2, hh / 2), angle, 1.0)
    a = np.asarray(cv2.warpAffine(a, rot, (ww, hh), flags=cv2.INTER_LINEAR, borderValue=(float(outside),)))
    mm = np.vstack([rot, [0, 0, 1]]) @ mm
    a = np.asarray(cv2.GaussianBlur(a, (0, 0), rng.uniform(0.5, 1.0)))
    a += nrng.normal(0, rng.uniform(3, 7), a.shape).astype(np.float32)
    out = np.clip(a, 0, 255).astype(np.uint8)
    drawn = rng.random() < 0.35
    bitonal = drawn if bitonal is None else bitonal
    if bitonal:
        block = int(body * 3) | 1
        out = np.asarray(
            cv2.adaptiveThreshold(out, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15), np.uint8
        )
    gt = dict(gt, angle=round(angle, 3), orientation=0, scale=1.0, bitonal=bitonal)
    blocks = []
    for b in gt["blocks"]:
        boxes = [moved_box(bx, mm) for bx in b["boxes"]]
        bbox = [min(x[0] for x in boxes), min(x[1] for x in boxes), max(x[2] for x in boxes), max(x[3] for x in boxes)]
        blocks.append(dict(b, boxes=boxes, bbox=bbox))
    gt["blocks"] = blocks
    return out, gt, bitonal
