"""Articles: the blocks of a page that make one story, and stories followed across pages (each article that
jumps linked to its continuation), and whole-story records.

On a page, a headline opens an article that takes the story blocks read after it (subtitle, paragraphs, headings,
byline, captions, pictures, jump lines) until a section head, an ad, the running header or footer, or a jump line
that sends the story on. A heading opens an article of its own where it heads a story rather than a part of one:
with no article open, under a story that a heading opened (a story under a one-column head has no subheads; a
deck under its head goes on with it), or beside the article's columns (its x-range hardly meets theirs). A "continued
from" line opens the continuation's article with the head just above it.

The pages are those of one document (a multi-page PDF or TIFF) or of one issue in a batch, in order; "page 3"
is the third of them, unless a page's running header prints its label ("A3", "第3版") and the jump names it.
A pair of articles is linked on the evidence of the jump lines (the first part's "continued on" naming the other's
page, the continuation's "continued from" naming the first's) and of their heads (the catch word of "See TAX, Page
A4", the headline repeated over the continuation). One jump line and a matching head are enough; two jump lines
that name each other's pages are enough without one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from .geometry import overlap
from .jumps import Jump, find_jump, page_label, zh_number
from .model import TEXT_KINDS, Article, BBox, Block, Page

__all__ = ["STORY_KINDS", "group_articles", "link_articles", "stitched_records"]

#: Kinds of block that belong to the story under a head.
STORY_KINDS = ("headline", "subtitle", "para", "heading", "byline", "caption", "photo", "jump")
_HEADS = ("headline", "heading", "subtitle")

_LABEL = re.compile(r"(?<![A-Za-z0-9])([A-Z])\s?0*([1-9][0-9]?)(?![0-9])|第\s*([0-9一二三四五六七八九十]+)\s*版")


@dataclass
class _Part:
    page: int  # 1-based position in the document or issue
    article: Article
    head: str
    jumps: list[Jump]


def group_articles(blocks: list[Block], page_id: str) -> list[Article]:
    """The page's articles from its blocks in reading order (see the module's note); sets each block's
    ``article``."""
    articles: list[Article] = []
    current: Article | None = None
    opener = ""  # the kind of block that opened the current article
    span = (0.0, 0.0)  # the x-range of the current article's blocks so far
    prev: Block | None = None

    def open_with(b: Block, headline: str) -> Article:
        nonlocal opener, span
        art = Article(f"{page_id}_a{len(articles) + 1:02d}", [], headline)
        articles.append(art)
        opener, span = b.kind, (b.bbox.x0, b.bbox.x1)
        return art

    for b in blocks:
        if b.kind not in STORY_KINDS and b.kind not in ("section", "ad", "footer", "header"):
            continue
        jump = find_jump(b.text) if b.kind == "jump" else None
        if b.kind == "headline":
            current = open_with(b, b.text)
        elif b.kind in ("section", "ad", "footer", "header"):
            current = None
        elif jump is not None and jump.direction == "from":
            current = _continuation(b, prev, current, open_with)
        elif b.kind == "heading" and (
            current is None
            or (opener == "heading" and (prev is None or prev.kind not in _HEADS))
            or overlap(b.bbox.x0, b.bbox.x1, *span) < 0.3 * max(1.0, b.bbox.x1 - b.bbox.x0)
        ):
            current = open_with(b, b.text)
        if current is not None and b.kind in STORY_KINDS:
            current.block_ids.append(b.id)
            b.article = current.id
            span = (min(span[0], b.bbox.x0), max(span[1], b.bbox.x1))
        if jump is not None and jump.direction == "on":
            current = None  # "(Continued on Page 3)" ends the story's part on this page
        prev = b
    return articles


def _continuation(
    jump: Block, prev: Block | None, current: Article | None, open_with: Callable[[Block, str], Article]
) -> Article:
    """The article a "continued from" line belongs to: the one its head (the block just before, a headline or
    heading) opened, or a new one, taking that head out of the story before it if it was read as part of it."""
    head = prev if prev is not None and prev.kind in _HEADS else None
    if head is not None and current is not None and current.block_ids and current.block_ids[0] == head.id:
        head.kind = "headline"  # the head over a continuation is its story's headline, however small its type
        return current
    if head is not None and current is not None and head.id in current.block_ids:
        current.block_ids.remove(head.id)
    art = open_with(head if head is not None else jump, head.text if head is not None else "")
    if head is not None:
        head.kind = "headline"  # the head over a continuation is its story's headline, however small its type
        art.block_ids.append(head.id)
        head.article = art.id
    return art


def _labels(page: Page) -> set[str]:
    """The page labels its running header prints: "A3 LOCAL NEWS" → {"A3"}, "第3版" → {"3"}."""
    out: set[str] = set()
    for b in page.blocks:
        if b.kind != "header":
            continue
        for m in _LABEL.finditer(unicodedata.normalize("NFKC", b.text)):
            label = page_label(m.group(1) + m.group(2)) if m.group(1) else zh_number(m.group(3))
            if label:
                out.add(label)
    return out


def _resolve(label: str, labels: list[set[str]]) -> int | None:
    """The 1-based page a jump's label names: the page whose header prints it, else the page at that number."""
    hits = [i + 1 for i, ls in enumerate(labels) if label in ls]
    if len(hits) == 1:
        return hits[0]
    digits = label[1:] if label[0].isalpha() else label
    n = int(digits) if digits.isdigit() else 0
    return n if 1 <= n <= len(labels) else None


def _similar(a: str, b: str) -> float:
    """How alike two heads are, 0..1 (word sets for English, characters for Chinese)."""
    a, b = unicodedata.normalize("NFKC", a).lower().strip(), unicodedata.normalize("NFKC", b).lower().strip()
    if not a or not b:
        return 0.0
    return max(fuzz.token_set_ratio(a, b), fuzz.partial_ratio(a, b) if min(len(a), len(b)) >= 2 else 0) / 100


def _score(first: _Part, rest: _Part, labels: list[set[str]]) -> float:
    """Evidence that ``rest`` continues ``first`` (0: none): 4 where both parts' jump lines name each other's
    pages, 2 where one does and the heads agree (the catch word, or heads at least 0.6 alike), plus how alike the
    heads are (1 for the catch word)."""
    on = [j for j in first.jumps if j.direction == "on" and _resolve(j.page, labels) == rest.page]
    back = [j for j in rest.jumps if j.direction == "from" and _resolve(j.page, labels) == first.page]
    if not on and not back:
        return 0.0
    keys = {j.key for j in on + back if j.key}
    key_hit = any(k.lower() in rest.head.lower() or k.lower() in first.head.lower() for k in keys)
    key_hit = key_hit or bool({j.key for j in on if j.key} & {j.key for j in back if j.key})
    sim = max(_similar(first.head, rest.head), 1.0 if key_hit else 0.0)
    if on and back:
        return 4.0 + sim
    # One jump line only: the heads must agree (a continuation set under its story's head or catch word).
    return 2.0 + sim if sim >= 0.6 else 0.0


def link_articles(pages: list[Page]) -> None:
    """Link each story that jumps to its continuation, in place: ``Article.continued_on`` on the first part,
    ``continued_from`` on the continuation, each ``{"page": n, "article": id}``; links found before are replaced."""
    labels = [_labels(p) for p in pages]
    parts: list[_Part] = []
    on_page: dict[int, list[int]] = {}  # page → its parts
    for n, page in enumerate(pages, 1):
        by_id = {b.id: b for b in page.blocks}
        for art in page.articles:
            jumps = [
                j
                for bid in art.block_ids
                if (blk := by_id.get(bid)) and blk.kind == "jump" and (j := find_jump(blk.text))
            ]
            on_page.setdefault(n, []).append(len(parts))
            parts.append(_Part(n, art, art.headline, jumps))
    # Only a part with a jump line can be linked, and only to a part on the page it names: no pair of a long
    # document's articles is weighed otherwise.
    candidates: set[tuple[int, int]] = set()
    for i, a in enumerate(parts):
        for j in a.jumps:
            other = _resolve(j.page, labels)
            for k in on_page.get(other, []) if other is not None and other != a.page else []:
                candidates.add((i, k) if j.direction == "on" else (k, i))
    pairs = sorted(
        ((s, i, k) for i, k in candidates if (s := _score(parts[i], parts[k], labels)) > 0),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for p in parts:
        p.article.continued_on = p.article.continued_from = None
    for _, i, k in pairs:
        head, tail = parts[i], parts[k]
        if head.article.continued_on or tail.article.continued_from:
            continue
        head.article.continued_on = {"page": tail.page, "article": tail.article.id}
        tail.article.continued_from = {"page": head.page, "article": head.article.id}


def _story_text(page: Page, art: Article, first: bool) -> list[str]:
    """An article part's texts in reading order: jump lines left out, and a continuation's head too (it repeats
    the story's)."""
    by_id = {b.id: b for b in page.blocks}
    out = []
    for bid in art.block_ids:
        b = by_id.get(bid)
        if b is None or b.kind not in TEXT_KINDS or b.kind == "jump" or not b.text.strip():
            continue
        if not first and b.kind == "headline":
            continue
        out.append(b.text)
    return out


_ENDS = tuple('.!?。！？…"”’)」』')


def _join(a: str, b: str, lang: str) -> list[str]:
    """The paragraph cut at the jump joined up again where it was cut mid-sentence (a word hyphenated over the
    jump mended); two paragraphs where the first part ends a sentence."""
    if a.rstrip().endswith(_ENDS):
        return [a, b]
    if lang == "zh":
        return [a + b]
    if a.endswith("-") and b[:1].islower():
        return [a[:-1] + b]
    return [a + " " + b]


def stitched_records(pages: list[Page], source: str) -> list[dict[str, Any]]:
    """One record per story, in reading order from its first part: a story that jumps has its parts' text joined
    across the pages (jump lines and the continuation's repeated head left out; the paragraph cut at the jump
    joined up again), its parts listed with page and article id. Articles are linked first (``link_articles``)."""
    by_key = {(n, a.id): (page, a) for n, page in enumerate(pages, 1) for a in page.articles}
    out: list[dict[str, Any]] = []
    for n, page in enumerate(pages, 1):
        for art in page.articles:
            if art.continued_from and (art.continued_from["page"], art.continued_from["article"]) in by_key:
                continue  # read as part of the story it continues
            chain = [(n, page, art)]
            seen = {(n, art.id)}
            while (nxt := chain[-1][2].continued_on) and (nxt["page"], nxt["article"]) in by_key:
                key = (nxt["page"], nxt["article"])
                if key in seen:
                    break
                seen.add(key)
                chain.append((nxt["page"], *by_key[key]))
            texts: list[str] = []
            for k, (_, pg, a) in enumerate(chain):
                part = _story_text(pg, a, first=k == 0)
                if texts and part:
                    texts[-1:] = _join(texts[-1], part.pop(0), pg.lang)
                texts.extend(part)
            first_page = chain[0][1]
            out.append(
                {
                    "id": art.id,
                    "kind": "story",
                    "source": first_page.source or source,
                    "page": n,
                    "lang": first_page.lang,
                    "headline": art.headline,
                    "text": "\n\n".join(texts),
                    "parts": [{"page": p, "article": a.id, "bbox": _bbox(pg, a)} for p, pg, a in chain],
                }
            )
    return out


def _bbox(page: Page, art: Article) -> list[int]:
    boxes = [b.bbox for b in page.blocks if b.id in set(art.block_ids)]
    u = BBox.union_of(boxes) if boxes else BBox(0, 0, 0, 0)
    return [round(u.x0), round(u.y0), round(u.x1), round(u.y1)]
