"""Typesetting shared by the page generators: fonts, the canvas, justified paragraphs flowing through columns,
and lines wrapped to a width."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = [
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
]
KAI_FACES = [
    Path("/usr/share/fonts/truetype/arphic/ukai.ttc"),
    Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf"),
]


@dataclass
class FontSet:
    body: str
    bold: str
    sans: str
    kai: str | None = None  # a Kai (brush) face for subtitles, where one is installed


def _find(names: list[str]) -> str:
    for d in FONT_DIRS:
        for n in names:
            if (d / n).exists():
                return str(d / n)
    raise FileNotFoundError(f"none of the fonts {names} is installed; run `make install` (fonts-noto-cjk)")


def fonts(lang: str) -> FontSet:
    if lang == "zh":
        kai = next((str(p) for p in KAI_FACES if p.exists()), None)
        return FontSet(
            _find(["NotoSerifCJK-Regular.ttc"]),
            _find(["NotoSansCJK-Bold.ttc"]),
            _find(["NotoSansCJK-Regular.ttc"]),
            kai,
        )
    return FontSet(_find(["DejaVuSerif.ttf"]), _find(["DejaVuSerif-Bold.ttf"]), _find(["DejaVuSans.ttf"]))


@dataclass
class GTBlock:
    type: str
    text: str
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)
    article: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The block as the ground truth writes it; ``article`` only where the block belongs to one."""
        d: dict[str, Any] = {"type": self.type, "text": self.text, "boxes": self.boxes}
        if self.article:
            d["article"] = self.article
        return d


#: The kinds of block that belong to the story under a head (ads, sections, headers and footers never do).
ARTICLE_TYPES = ("headline", "subtitle", "heading", "para", "byline", "caption", "jump")


def tag_article(blocks: list[GTBlock], start: int, article: str) -> None:
    """Mark the story blocks from ``start`` on as one article, for the ground truth's article membership."""
    for b in blocks[start:]:
        if b.type in ARTICLE_TYPES:
            b.article = article


class Canvas:
    def __init__(self, w: int, h: int, lang: str, rng: random.Random) -> None:
        self.w, self.h, self.lang, self.rng = w, h, lang, rng
        self.img = Image.new("L", (w, h), 255)
        self.draw = ImageDraw.Draw(self.img)
        self.f = fonts(lang)
        self._cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    def font(self, path: str, size: int) -> ImageFont.FreeTypeFont:
        key = (path, size)
        if key not in self._cache:
            self._cache[key] = ImageFont.truetype(path, size)
        return self._cache[key]

    def text(
        self, x: float, y: float, s: str, font: ImageFont.FreeTypeFont, fill: int = 0
    ) -> tuple[float, float, float, float]:
        self.draw.text((x, y), s, font=font, fill=fill)
        b = self.draw.textbbox((x, y), s, font=font)
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    def centered(
        self, x0: float, x1: float, y: float, s: str, font: ImageFont.FreeTypeFont, fill: int = 0
    ) -> tuple[float, float, float, float]:
        w = self.draw.textlength(s, font=font)
        return self.text(x0 + (x1 - x0 - w) / 2, y, s, font, fill)


def _wrap_units(text: str, lang: str) -> list[str]:
    if lang == "zh":
        return list(text)
    return text.split(" ")


def flow_paragraph(
    c: Canvas,
    text: str,
    font: ImageFont.FreeTypeFont,
    cols: list[list[float]],
    ci: int,
    lead: float,
    indent: bool,
    lang: str,
    hang: tuple[int, float] = (0, 0.0),
    hang_punctuation: bool = True,
) -> tuple[int, list[tuple[float, float, float, float]], bool]:
    """Set a justified paragraph into columns (each [x0, x1, y, y_end]) from column ``ci``; ``hang``: the
    first lines (how many, how far) start further right, beside a drop capital. Chinese: a comma or full stop
    that would start a line hangs at the end of the one before (``hang_punctuation``), or the character before
    it is pushed over to keep it company, as old compositors did, and no ink reaches into the gutter.

    Returns the column it ended in, the boxes of its pieces (one per column), and False if it ran out of room.
    """
    size = font.size
    units = _wrap_units(text, lang)
    pieces: list[list[float]] = []
    first = True
    i = 0
    n_line = 0
    while i < len(units):
        if ci >= len(cols):
            return ci, [(p[0], p[1], p[2], p[3]) for p in pieces], False
        x0, x1, y, y_end = cols[ci]
        if y + size > y_end:
            ci += 1
            continue
        start = x0 + (2 * size if (first and indent and lang == "zh") else (size * 1.2 if first and indent else 0))
        if n_line < hang[0]:
            start = x0 + hang[1]
        n_line += 1
        width = x1 - start
        line: list[str] = []
        if lang == "zh":
            n = int(width // size)
            line = units[i : i + n]
            # A comma or full stop never starts a line.
            if i + n < len(units) and units[i + n] in "，。、；：？！”,.":
                line = units[i : i + n + 1] if hang_punctuation else units[i : i + n - 1]
            full = i + len(line) < len(units)
            step = width / n if full else size
            if full and not hang_punctuation and len(line) > 1:
                step = (width - size) / (len(line) - 1)  # justified flush to the column's right edge
            for k, ch in enumerate(line):
                c.draw.text((start + k * step, y), ch, font=font, fill=0)
            right = start + (len(line) - 1) * step + size
        else:
            used = 0.0
            space = c.draw.textlength(" ", font=font)
            while i + len(line) < len(units):
                wlen = c.draw.textlength(units[i + len(line)], font=font)
                if line and used + space + wlen > width:
                    break
                used += (space if line else 0) + wlen
                line.append(units[i + len(line)])
            consumed = len(line)
            nxt = units[i + consumed] if i + consumed < len(units) else ""
            if line and len(nxt) >= 8 and nxt.isalpha() and nxt.islower() and c.rng.random() < 0.5:
                # Hyphenate a long word at the line end, as typesetters do; the ground truth keeps it whole.
                for k in range(len(nxt) - 3, 2, -1):
                    part = nxt[:k] + "-"
                    if used + space + c.draw.textlength(part, font=font) <= width:
                        line.append(part)
                        units[i + consumed] = nxt[k:]
                        used += space + c.draw.textlength(part, font=font)
                        break
            full = i + consumed < len(units)
            gap = (width - used + space * (len(line) - 1)) / max(1, len(line) - 1) if full and len(line) > 1 else space
            xx = start
            for word in line:
                c.draw.text((xx, y), word, font=font, fill=0)
                xx += c.draw.textlength(word, font=font) + gap
            right = xx - gap
        if not pieces or pieces[-1][4] != ci:
            pieces.append([start, y, right, y + size * 1.15, ci])
        else:
            p = pieces[-1]
            p[0], p[2], p[3] = min(p[0], start), max(p[2], right), y + size * 1.15
        i += consumed if lang != "zh" else len(line)
        first = False
        cols[ci][2] = y + lead
    return ci, [(p[0], p[1], p[2], p[3]) for p in pieces], True


def _fit(c: Canvas, text: str, font: ImageFont.FreeTypeFont, width: float, zh: bool) -> list[str]:
    """``text`` wrapped into lines no wider than ``width`` (by characters for Chinese, by words otherwise)."""
    units = list(text) if zh else text.split(" ")
    sep = "" if zh else " "
    out: list[str] = []
    cur = ""
    for u in units:
        cand = cur + sep + u if cur else u
        if cur and c.draw.textlength(cand, font=font) > width:
            out.append(cur)
            cur = u
        else:
            cur = cand
    if cur:
        out.append(cur)
    return out


def moved_box(box: list[float] | tuple[float, ...], mm: np.ndarray) -> list[int]:
    """The upright box round ``box`` (x0, y0, x1, y1) once the page is moved by the 3×3 matrix ``mm``."""
    x0, y0, x1, y1 = box[:4]
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)
    q = corners @ mm[:2, :2].T + mm[:2, 2]
    return [round(q[:, 0].min()), round(q[:, 1].min()), round(q[:, 0].max()), round(q[:, 1].max())]
