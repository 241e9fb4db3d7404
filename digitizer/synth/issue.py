"""A generated newspaper issue of three pages whose two lead stories jump to the last page.

Page 1 and page 2 each carry a lead story that runs out of room and ends in a jump line ("(Continued on Page 3)",
"See BRIDGE, Page 3", "（下转第3版）", "（转A3版）") beside an ordinary story that ends on its page; page 3 carries the
two continuations side by side, each under a short head and a jump line back ("Continued from Page 1",
"（上接第1版）"). The jumped paragraph is cut mid-sentence, as a make-up editor cuts it.

Each page's ground truth is the usual ``.gt.json`` (blocks in reading order, ``article`` ids on the page, jump lines
as blocks of type ``jump``); ``<issue>.issue.json`` says which page articles make one story, and the story's
whole text as a reader reads it across the pages.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import cv2
from PIL import Image, ImageDraw

from .text import EN_SENTENCES, HEADINGS_EN, HEADINGS_ZH, TITLES_EN, TITLES_ZH, ZH_SENTENCES
from .typeset import Canvas, GTBlock, _fit, flow_paragraph, tag_article

__all__ = ["generate_issue"]

#: (jump at the end of the first part, jump under the continuation's head); {p} the page it goes to or comes from,
#: {key} the story's catch word.
JUMPS_EN = [
    ("(Continued on Page {p})", "(Continued from Page {p})"),
    ("See {key}, Page {p}", "{key}, from Page {p}"),
    ("Turn to Page {p}", "Continued from Page {p}"),
]
JUMPS_ZH = [
    ("（下转第{p}版）", "（上接第{p}版）"),
    ("（转A{p}版）", "（接A{p}版）"),
]


class _IssuePage:
    """One page of the issue: running header, four columns ruled apart, two stories side by side."""

    def __init__(self, rng: random.Random, lang: str, number: int) -> None:
        self.rng, self.lang, self.zh = rng, lang, lang == "zh"
        self.w, self.h = 2000, 2800
        self.c = Canvas(self.w, self.h, lang, rng)
        self.blocks: list[GTBlock] = []
        self.m = int(self.w * 0.05)
        self.body = int(self.w * 0.0135)
        self.lead = self.body * 1.6
        self.articles = 0
        c, m, body = self.c, self.m, self.body
        hf = c.font(c.f.sans, int(body * 0.95))
        name = "鲁中晨报" if self.zh else "The Valley Courier"
        label = f"A{number} 本地新闻" if self.zh else f"A{number} LOCAL NEWS"
        self.blocks.append(GTBlock("header", name, [c.text(m, m, name, c.font(c.f.bold, int(body * 1.2)))]))
        tw = c.draw.textlength(label, font=hf)
        self.blocks.append(GTBlock("header", label, [c.text(self.w - m - tw, m, label, hf)]))
        self.top = m + body * 2.4
        c.draw.rectangle((m, self.top, self.w - m, self.top + 4), fill=0)
        self.top += body * 1.4
        self.gutter = body * 1.6
        self.colw = (self.w - 2 * m - 3 * self.gutter) / 4
        self.bottom = self.h - m
        gx = m + 2 * (self.colw + self.gutter) - self.gutter / 2
        c.draw.line((gx, self.top, gx, self.bottom), fill=0, width=3)  # between the two stories

    def cols(self, half: int, y: float) -> list[list[float]]:
        """The two columns of the left (0) or right (1) half, from ``y`` down, a rule between them."""
        gx = self.m + (2 * half + 1) * (self.colw + self.gutter) - self.gutter / 2
        self.c.draw.line((gx, y, gx, self.bottom), fill=0, width=2)
        return [
            [self.m + k * (self.colw + self.gutter), self.m + k * (self.colw + self.gutter) + self.colw, y, self.bottom]
            for k in (2 * half, 2 * half + 1)
        ]

    def head(self, half: int, text: str, size: float) -> float:
        """A head across the half's two columns (wrapped if it must); returns the y under it."""
        c = self.c
        x0, x1 = self.m + 2 * half * (self.colw + self.gutter), self.m + (2 * half + 1) * (self.colw + self.gutter)
        x1 += self.colw
        f = c.font(c.f.bold, int(size))
        y = self.top
        boxes = []
        for part in _fit(c, text, f, x1 - x0 - self.body, self.zh):
            b = c.centered(x0, x1, y, part, f)
            boxes.append(b)
            y = b[3] + size * 0.25
        self.blocks.append(GTBlock("headline", text, boxes))
        return y + self.body * 0.8

    def line(self, col: list[float], text: str, kind: str, right: bool = False) -> bool:
        """One short line (a jump line) at the column's current y; False where it does not fit."""
        c = self.c
        f = c.font(c.f.bold if kind == "jump" else c.f.body, int(self.body * 0.95))
        x0, x1, y, ye = col
        if y + self.body * 1.2 > ye:
            return False
        tw = c.draw.textlength(text, font=f)
        if tw > x1 - x0:
            return False
        b = c.text(x1 - tw if right else x0, y + self.body * 0.3, text, f)
        self.blocks.append(GTBlock(kind, text, [b]))
        col[2] = b[3] + self.body * 0.9
        return True

    def paragraph(self, cols: list[list[float]], ci: int, text: str) -> tuple[int, str]:
        """Set ``text`` from column ``ci`` on as far as it goes; returns the column it ended in and the part that
        did not fit (empty where all of it did), cut between words (between characters in Chinese)."""
        c = self.c
        f = c.font(c.f.body, self.body)
        sep = "" if self.zh else " "
        units = list(text) if self.zh else text.split(" ")
        lo, hi = 0, len(units)
        state, snapshot = c.img.copy(), [list(col) for col in cols]
        while True:
            k = hi if lo == 0 and hi == len(units) else (lo + hi + 1) // 2
            part = sep.join(units[:k])
            ci2, boxes, ok = flow_paragraph(c, part, f, cols, ci, self.lead, True, self.lang)
            if ok and k == len(units):
                self.blocks.append(GTBlock("para", part, list(boxes)))
                return ci2, ""
            c.img = state.copy()
            c.draw = ImageDraw.Draw(c.img)
            for i, col in enumerate(snapshot):
                cols[i] = list(col)
            if ok:
                lo = k
            else:
                hi = k - 1
            if lo >= hi:
                break
        if lo == 0:
            return ci, text
        part = sep.join(units[:lo])
        ci2, boxes, _ = flow_paragraph(c, part, f, cols, ci, self.lead, True, self.lang)
        self.blocks.append(GTBlock("para", part, list(boxes)))
        return ci2, sep.join(units[lo:])

    def story(self, half: int, head: str, paras: list[str], reserve: bool) -> tuple[list[str], list[list[float]]]:
        """A story in one half under its head: paragraphs as far as they go. ``reserve``: room is kept at the
        foot of the last column for a jump line. Returns what did not fit (the cut paragraph's rest first) and
        the columns as they were left."""
        n0 = len(self.blocks)
        y = self.head(half, head, self.body * 2.4)
        cols = self.cols(half, y)
        if reserve:
            cols[-1][3] -= self.body * 2.2
        ci, left = 0, list(paras)
        while left and ci < len(cols):
            state, snapshot, n = self.c.img.copy(), [list(col) for col in cols], len(self.blocks)
            ci, rest = self.paragraph(cols, ci, left[0])
            if rest and not reserve:  # a story that ends on its page ends with a whole paragraph
                del self.blocks[n:]
                self.c.img, self.c.draw = state, ImageDraw.Draw(state)
                cols[:] = snapshot
                break
            if rest:
                left[0] = rest
                break
            left.pop(0)
        if reserve:
            cols[-1][3] += self.body * 2.2
        self.articles += 1
        tag_article(self.blocks, n0, f"a{self.articles}")
        return left, cols

    def continuation(self, half: int, head: str, jump: str, paras: list[str]) -> None:
        """A story's continuation in one half: its short head, the jump line back, its paragraphs as far as they
        go (what is set is the ground truth; the rest would need another jump)."""
        n0 = len(self.blocks)
        y = self.head(half, head, self.body * 1.8)
        cols = self.cols(half, y - self.body * 0.5)
        self.line(cols[0], jump, "jump")
        ci = 0
        for text in paras:
            if ci >= len(cols):
                break
            ci, rest = self.paragraph(cols, ci, text)
            if rest:
                break
        self.articles += 1
        tag_article(self.blocks, n0, f"a{self.articles}")

    def truth(self) -> tuple[Image.Image, dict[str, Any]]:
        return self.c.img.convert("RGB"), {
            "lang": self.lang,
            "kind": "issue",
            "blocks": [b.to_dict() for b in self.blocks],
        }


def _paras(rng: random.Random, zh: bool, n: int) -> list[str]:
    sentences = ZH_SENTENCES if zh else EN_SENTENCES
    return [("" if zh else " ").join(rng.sample(sentences, rng.randint(3, 5))) for _ in range(n)]


def generate_issue(outdir: Path, seed: int = 0, lang: str = "en") -> list[Path]:
    """Write the issue's three pages (``<issue>_1.jpg`` …, each with its ``.gt.json``) and ``<issue>.issue.json``
    into ``outdir``; returns the page images' paths in page order."""
    from . import age

    rng = random.Random(seed)
    zh = lang == "zh"
    outdir.mkdir(parents=True, exist_ok=True)
    titles = rng.sample(TITLES_ZH if zh else TITLES_EN, 2)
    plain = rng.sample(HEADINGS_ZH if zh else HEADINGS_EN, 2)
    forms = JUMPS_ZH if zh else JUMPS_EN
    pages = [_IssuePage(rng, lang, n) for n in (1, 2, 3)]
    stories: list[dict[str, Any]] = []
    for k, (title, page) in enumerate(zip(titles, pages[:2], strict=True)):
        half = rng.randint(0, 1)
        key = title[0].split()[-1].upper() if not zh else ""
        out_form, back_form = rng.choice(forms)
        if half == 1:  # the ground truth lists the left half's story first, as it is read
            page.story(0, plain[k], _paras(rng, zh, 30), reserve=False)
        paras = _paras(rng, zh, 30)
        left, cols = page.story(half, title[0], paras, reserve=True)
        cut = left[0] not in paras  # the jump falls inside a paragraph
        first = f"a{page.articles}"
        page.line(cols[-1], out_form.format(p=3, key=key), "jump", right=True)
        page.blocks[-1].article = first
        if half == 0:
            page.story(1, plain[k], _paras(rng, zh, 30), reserve=False)
        short = key if "{key}" in back_form else title[0]
        pages[2].continuation(k, short, back_form.format(p=k + 1, key=key), left[:4])
        stories.append({"first": (k + 1, first), "rest": (3, f"a{pages[2].articles}"), "cut": cut})
    paths = []
    stem = f"issue_{lang}_{seed:05d}"
    issue: dict[str, Any] = {"lang": lang, "pages": [], "stories": []}
    gts = []
    for n, page in enumerate(pages, 1):
        img, gt = page.truth()
        # Aged like a scan, lightly: straight enough that the pages differ only in what is printed on them.
        arr, gt = age(img, gt, random.Random(seed * 10 + n), angle=rng.uniform(-1, 1), turn=0, scale=1.0)
        p = outdir / f"{stem}_{n}.jpg"
        cv2.imwrite(str(p), arr, [cv2.IMWRITE_JPEG_QUALITY, 88])
        gt["image"] = p.name
        gt["page"] = n
        (outdir / f"{stem}_{n}.gt.json").write_text(json.dumps(gt, ensure_ascii=False, indent=1), encoding="utf-8")
        issue["pages"].append(p.name)
        gts.append(gt)
        paths.append(p)
    for s in stories:
        (p1, a1), (p3, a3) = s["first"], s["rest"]
        part1 = [b for b in gts[p1 - 1]["blocks"] if b.get("article") == a1]
        part2 = [b for b in gts[p3 - 1]["blocks"] if b.get("article") == a3]
        issue["stories"].append(
            {
                "parts": [{"page": p1, "article": a1}, {"page": p3, "article": a3}],
                "text": stitched_truth(part1, part2, zh, s["cut"]),
            }
        )
    (outdir / f"{stem}.issue.json").write_text(json.dumps(issue, ensure_ascii=False, indent=1), encoding="utf-8")
    return paths


def stitched_truth(part1: list[dict[str, Any]], part2: list[dict[str, Any]], zh: bool, cut: bool) -> str:
    """A jumped story's whole text: the first part's head and paragraphs, then the continuation's paragraphs (its
    head repeats the story's, and jump lines are directions, not text), the paragraph joined up again where it
    was ``cut`` at the jump."""
    first = [b["text"] for b in part1 if b["type"] in ("headline", "subtitle", "heading", "para", "byline")]
    rest = [b["text"] for b in part2 if b["type"] in ("subtitle", "heading", "para", "byline")]
    if cut and first and rest:
        first[-1] = first[-1] + ("" if zh else " ") + rest.pop(0)
    return "\n\n".join(first + rest)
