"""Vertical Chinese pages with exact ground truth (``digitizer synth --style vertical``).

How Chinese papers were set before the 1950s (and in Hong Kong and Taiwan long after): each column of characters
read top to bottom, columns right to left; the page in tiers ruled off across, each tier a row of articles ruled off
from each other and read from the right; an article's head a column of larger type at its right or a line across
its top; boxed ads with their text set either way; a masthead of a horizontal name between vertical columns. Dense:
columns a quarter to half an em apart, no white between characters, punctuation none, stops only, or full.
Traditional or simplified characters; aged like the historical pages (``age_historical``).

The ground truth lists the blocks in the order a reader takes them: the masthead from the right, then tier by tier
from the top, within a tier article by article from the right, each article head first, then its columns.
"""

from __future__ import annotations

import random
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from .typeset import GTBlock, _find, tag_article
from .vertical_text import HANS_HEADS, HANS_LEAD, HANT_HEADS, HANT_LEAD, numerals, vertical_ad, vertical_sentence

__all__ = ["render_vertical"]

Box = tuple[float, float, float, float]
MAX_WIDTH = 4200  # pixels: wider pages take their type smaller (a lower resolution)
_PUNCT = "，。、"
_NAMES = {
    "hant": ["華字日報", "循環日報", "工商日報", "天光報", "中興報"],
    "hans": ["申江日报", "民声报", "时事新报", "大中华报"],
}


class _VPage:
    """The page being set: its image, type sizes, faces, and the blocks in reading order."""

    def __init__(self, seed: int, script: str, max_width: int = MAX_WIDTH, text_seed: int | None = None) -> None:
        rng = self.rng = random.Random(seed)
        self.script = script
        dpi: float = rng.choice([150, 200, 300])
        body = rng.uniform(8.0, 10.5) * dpi / 72
        w_em = rng.uniform(80, 130)
        if body * w_em > max_width:
            dpi, body = dpi * max_width / (body * w_em), max_width / w_em
        b = self.b = max(14, round(body))
        self.dpi = round(dpi * b / body)
        self.w = round(b * w_em)
        self.h = round(self.w * rng.uniform(1.3, 1.42))
        self.m = round(b * rng.uniform(2.5, 4))
        self.pitch = b * rng.uniform(1.2, 1.5)  # column to column
        self.adv = b * rng.uniform(1.0, 1.06)  # character to character down a column
        self.punct = rng.choice(["none", "none", "stop", "full"] if script == "hant" else ["stop", "full", "full"])
        self.indent = rng.choice([0, 2])
        self.index = 3 if script == "hant" else 2  # the TC or SC face of the Noto CJK collections
        self.body_face = _find(["NotoSerifCJK-Regular.ttc"])
        self.head_face = _find(["NotoSansCJK-Bold.ttc", "NotoSerifCJK-Bold.ttc"])
        self.img = Image.new("L", (self.w, self.h), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.blocks: list[GTBlock] = []
        self.articles = 0  # articles set so far, for the ground truth's article ids
        self._fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
        rule = rng.random()
        self.rule_grey = 0 if rule < 0.5 else rng.choice([60, 110])
        self.rule_broken = rng.choice([0.0, 0.0, 0.2])
        if text_seed is not None:  # the same paper's type and page size, other news (a sheet's second page)
            self.rng = random.Random(text_seed)

    def font(self, path: str, size: float) -> ImageFont.FreeTypeFont:
        key = (path, max(8, int(size)))
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(path, key[1], index=self.index)
        return self._fonts[key]

    # ------------------------------------------------------------------ drawing

    def column(self, xc: float, y0: float, text: str, f: ImageFont.FreeTypeFont, adv: float) -> Box:
        """``text`` set top to bottom, centred on ``xc`` from ``y0``; returns its ink box."""
        size = f.size
        x0 = y_top = float("inf")
        x1 = y_bot = float("-inf")
        y = y0
        for ch in text:
            # Vertical type sets a comma or stop in the top right of its own cell.
            pos = (xc - size * 0.5 + size * 0.5, y - size * 0.45) if ch in _PUNCT else (xc - size * 0.5, y)
            self.draw.text(pos, ch, font=f, fill=0)
            bb = self.draw.textbbox(pos, ch, font=f)
            x0, y_top, x1, y_bot = min(x0, bb[0]), min(y_top, bb[1]), max(x1, bb[2]), max(y_bot, bb[3])
            y += adv
        return (x0, y_top, x1, y_bot)

    def line(self, x0: float, x1: float, y: float, text: str, f: ImageFont.FreeTypeFont) -> Box:
        """``text`` set left to right, centred between ``x0`` and ``x1``; returns its ink box."""
        tw = self.draw.textlength(text, font=f)
        pos = (x0 + (x1 - x0 - tw) / 2, y)
        self.draw.text(pos, text, font=f, fill=0)
        bb = self.draw.textbbox(pos, text, font=f)
        return (float(bb[0]), float(bb[1]), float(bb[2]), float(bb[3]))

    def hrule(self, x0: float, x1: float, y: float, width: int) -> None:
        self.draw.rectangle((x0, y, x1, y + (width - 1)), fill=self.rule_grey)

    def vrule(self, x: float, y0: float, y1: float) -> None:
        """A thin rule between articles: the page's rule style, broken on some pages."""
        y = y0
        while y < y1:
            ye = min(y1, y + self.rng.uniform(self.b * 6, self.b * 30))
            if self.rng.random() >= self.rule_broken:
                self.draw.line((x, y, x, ye), fill=self.rule_grey, width=max(1, self.b // 12))
            y = ye + (self.rng.uniform(self.b * 0.5, self.b * 2) if self.rule_broken else 0)

    def flow(
        self, cols: list[float], ci: int, text: str, top: float, bottom: float, f: ImageFont.FreeTypeFont
    ) -> tuple[int, list[Box], str]:
        """A paragraph down the columns centred at ``cols`` (right to left) from column ``ci``, as far as it
        fits; returns the next free column, the boxes of the columns it took and the text set."""
        per = max(1, int((bottom - top) // self.adv))
        i = 0
        boxes: list[Box] = []
        while i < len(text) and ci < len(cols):
            skip = self.indent if not boxes and per > self.indent + 2 else 0
            end = i + per - skip
            if end < len(text) and text[end] in _PUNCT:
                end += 1  # a stop never starts a column: it hangs under the column's last character
            boxes.append(self.column(cols[ci], top + skip * self.adv, text[i:end], f, self.adv))
            i, ci = min(end, len(text)), ci + 1
        return ci, boxes, text[:i]

    def columns(self, x0: float, x1: float) -> list[float]:
        """Centres of the body columns that fit between ``x0`` and ``x1``, right to left."""
        out, xc = [], x1 - self.pitch / 2
        while xc - self.b * 0.55 >= x0:
            out.append(xc)
            xc -= self.pitch
        return out

    # ------------------------------------------------------------------ parts of the page

    def masthead(self) -> float:
        """A date column at the right, the paper's name across, an issue number column at the left."""
        rng, b = self.rng, self.b
        f = self.font(self.body_face, b * 1.1)
        adv = b * 1.15
        date = f"民國{numerals(rng.randint(18, 38))}年{numerals(rng.randint(1, 12))}月{numerals(rng.randint(1, 28))}日"
        if self.script == "hans":
            date = date.replace("國", "国")
        number = "第" + numerals(rng.randint(1000, 9999)) + ("號" if self.script == "hant" else "号")
        y0 = self.m
        right = self.column(self.w - self.m - b * 0.8, y0, date, f, adv)
        name = rng.choice(_NAMES[self.script])
        size = b * rng.uniform(4.0, 6.0)
        nb = self.line(self.m, self.w - self.m, y0 + b * 0.5, name, self.font(self.head_face, size))
        left = self.column(self.m + b * 0.8, y0, number, f, adv)
        self.blocks += [
            GTBlock("header", date, [right]),
            GTBlock("header", name, [nb]),
            GTBlock("header", number, [left]),
        ]
        y = max(right[3], nb[3], left[3]) + b * 0.8
        self.hrule(self.m, self.w - self.m, y, 3)
        self.hrule(self.m, self.w - self.m, y + 6, 1)
        return y + 6 + b * 0.8

    def article(self, x0: float, x1: float, y0: float, y1: float, lead: bool) -> None:
        """An article between ``x0`` and ``x1``: its head (a column at its right, or a line across its top), maybe
        a subtitle column, then paragraphs down its columns from the right."""
        rng, b = self.rng, self.b
        n0 = len(self.blocks)
        hant = self.script == "hant"
        head = rng.choice((HANT_LEAD if hant else HANS_LEAD) if lead else (HANT_HEADS if hant else HANS_HEADS))
        kind = "headline" if lead else "heading"
        size = b * (rng.uniform(2.0, 3.0) if lead else rng.uniform(1.4, 2.0))
        top, right = y0 + b * 0.5, x1
        if rng.random() < 0.35:  # across the top
            size = min(size, (x1 - x0 - b) / (len(head) + 1))
            box = self.line(x0, x1, top, head, self.font(self.head_face, size))
            self.blocks.append(GTBlock(kind, head, [box]))
            top = box[3] + b * 0.7
        else:
            size = min(size, (y1 - top - b) / (len(head) * 1.05))
            xc = x1 - size * 0.7
            box = self.column(xc, top, head, self.font(self.head_face, size), size * 1.05)
            self.blocks.append(GTBlock(kind, head, [box]))
            right = xc - size * 0.7 - b * 0.3
            if lead and rng.random() < 0.6 and y1 - top - size > b * 8:
                fits = int((y1 - top - size - b) // (b * 1.3))
                deck = vertical_sentence(rng, self.script, "none")[: min(9, fits)]
                sf = self.font(self.head_face, b * 1.25)
                xc = right - b * 0.8
                box = self.column(xc, top + size, deck, sf, b * 1.3)
                self.blocks.append(GTBlock("subtitle", deck, [box]))
                right = xc - b * 0.8 - b * 0.3
        cols = self.columns(x0, right)
        f = self.font(self.body_face, b)
        ci = 0
        while ci < len(cols):
            text = "".join(vertical_sentence(rng, self.script, self.punct) for _ in range(rng.randint(2, 5)))
            ci, boxes, drawn = self.flow(cols, ci, text, top, y1 - b * 0.4, f)
            if drawn:
                self.blocks.append(GTBlock("para", drawn, boxes))
        self.articles += 1
        tag_article(self.blocks, n0, f"a{self.articles}")

    def ad_box(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """A boxed ad: its title across the top or down its right, its text in columns or in lines."""
        rng, b = self.rng, self.b
        self.draw.rectangle((x0, y0, x1, y1), outline=0, width=max(2, b // 8))
        title, body = vertical_ad(rng, self.script, self.punct)
        tf = self.font(self.head_face, b * 1.6)
        f = self.font(self.body_face, b)
        top, right = y0 + b * 0.5, x1 - b * 0.4
        if rng.random() < 0.5:
            top = self.line(x0, x1, top, title, tf)[3] + b * 0.5
        else:
            xc = x1 - b * 1.4
            self.column(xc, top, title, tf, b * 1.7)
            right = xc - b * 1.3
        if rng.random() < 0.3:  # the text in lines across
            per = max(1, int((right - x0 - b * 0.8) // b))
            n = 0
            y = top
            while n < len(body) and y + b * 1.3 < y1 - b * 0.3:
                piece = body[n : n + per]
                self.draw.text((x0 + b * 0.5, y), piece, font=f, fill=0)
                n += len(piece)
                y += b * 1.35
            drawn = body[:n]
        else:
            _, _, drawn = self.flow(self.columns(x0 + b * 0.3, right), 0, body, top, y1 - b * 0.4, f)
        self.blocks.append(GTBlock("ad", f"{title}\n{drawn}", [(x0, y0, x1, y1)]))

    def tier(self, y0: float, y1: float) -> None:
        """A tier of articles ruled off from each other, set from the right; on some, boxed ads at its left."""
        rng, b = self.rng, self.b
        left, xr = float(self.m), float(self.w - self.m)
        ads_w = b * rng.uniform(9, 16) if rng.random() < 0.4 else 0.0
        first = True
        while xr - left - ads_w > b * 6:
            aw = rng.randint(5, 16) * self.pitch + b * 2
            if xr - left - ads_w - aw < 6 * self.pitch:
                aw = xr - left - ads_w
            self.article(xr - aw, xr, y0, y1, lead=first and rng.random() < 0.6)
            first = False
            xr -= aw
            if xr - left > b * 4:
                self.vrule(xr - b * 0.4, y0, y1)
                xr -= b * 0.8
        if ads_w:
            n = rng.randint(1, 3)
            step = (y1 - y0) / n
            for k in range(n):
                self.ad_box(left, xr, y0 + k * step + (b * 0.3 if k else 0), y0 + (k + 1) * step)


def render_vertical(seed: int, script: str, spread: bool = False) -> tuple[Image.Image, dict[str, Any]]:
    """Render one clean vertical page (greyscale) and its ground truth (boxes in the clean page's pixels);
    ``script``: ``hant`` (traditional) or ``hans`` (simplified). ``spread``: a sheet of two such pages side by
    side, as a tabloid sheet is scanned whole, the right-hand page read first."""
    if spread:
        return _spread(seed, script)
    return _render(_VPage(seed, script))


def _spread(seed: int, script: str) -> tuple[Image.Image, dict[str, Any]]:
    right, gt_r = _render(_VPage(seed, script, MAX_WIDTH // 2))
    left, gt_l = _render(_VPage(seed, script, MAX_WIDTH // 2, text_seed=seed + 7919))
    gap = round(right.width * random.Random(seed).uniform(0.01, 0.04))
    sheet = Image.new("L", (left.width + gap + right.width, right.height), 255)
    sheet.paste(left, (0, 0))
    sheet.paste(right, (left.width + gap, 0))
    dx = left.width + gap
    moved = [{**b, "boxes": [(x0 + dx, y0, x1 + dx, y1) for x0, y0, x1, y1 in b["boxes"]]} for b in gt_r["blocks"]]
    return sheet, {**gt_r, "spread": True, "blocks": moved + gt_l["blocks"]}


def _render(p: _VPage) -> tuple[Image.Image, dict[str, Any]]:
    y = p.masthead()
    bottom = p.h - p.m
    n = p.rng.randint(2, 4)
    shares = [p.rng.uniform(0.7, 1.3) for _ in range(n)]
    edges = [y + (bottom - y) * sum(shares[:k]) / sum(shares) for k in range(n + 1)]
    for k in range(n):
        p.tier(edges[k] + (p.b * 0.6 if k else 0), edges[k + 1] - (p.b * 0.6 if k < n - 1 else 0))
        if k < n - 1:
            p.hrule(p.m, p.w - p.m, edges[k + 1], 2)
    gt = {
        "lang": "zh",
        "kind": "vertical",
        "script": p.script,
        "dpi": p.dpi,
        "blocks": [b.to_dict() for b in p.blocks],
    }
    return p.img, gt
