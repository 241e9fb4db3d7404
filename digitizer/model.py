"""The result tree every stage passes on and every exporter reads.

Document → Page → Block (a region of one kind, with its reading index) → Line → Word → Char.
All geometry is in the original scan's pixels: the pipeline works on a straightened copy and maps every
box back through the recorded transforms before it builds the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BLOCK_KINDS",
    "SCHEMA_VERSION",
    "TEXT_KINDS",
    "Article",
    "BBox",
    "Block",
    "Char",
    "Document",
    "Line",
    "Page",
    "Point",
    "Word",
]

SCHEMA_VERSION = "1.0"

#: Kinds of block; ``photo`` and ``rule`` carry no text.
BLOCK_KINDS = (
    "header",
    "headline",
    "subtitle",
    "heading",
    "para",
    "caption",
    "byline",
    "section",
    "ad",
    "footer",
    "jump",
    "text",
    "photo",
    "rule",
)
TEXT_KINDS = tuple(k for k in BLOCK_KINDS if k not in ("photo", "rule"))

Point = tuple[float, float]


@dataclass(frozen=True)
class BBox:
    """Axis-aligned box ``[x0, y0) × [y0, y1)`` in pixels, x0 <= x1 and y0 <= y1."""

    x0: float
    y0: float
    x1: float
    y1: float

    def __post_init__(self) -> None:
        if self.x1 < self.x0 or self.y1 < self.y0:
            raise ValueError(f"inverted box {self.as_list()}")

    @classmethod
    def of_points(cls, points: Iterable[Point]) -> BBox:
        """The smallest box holding all points."""
        pts = list(points)
        if not pts:
            raise ValueError("no points")
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        return cls(min(xs), min(ys), max(xs), max(ys))

    @classmethod
    def union_of(cls, boxes: Iterable[BBox]) -> BBox:
        """The smallest box holding all boxes."""
        bs = list(boxes)
        if not bs:
            raise ValueError("no boxes")
        return cls(min(b.x0 for b in bs), min(b.y0 for b in bs), max(b.x1 for b in bs), max(b.y1 for b in bs))

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def area(self) -> float:
        return self.width * self.height

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def intersection(self, other: BBox) -> float:
        """Area shared with ``other``."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(0.0, w) * max(0.0, h)

    def iou(self, other: BBox) -> float:
        """Intersection over union."""
        inter = self.intersection(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def contains(self, other: BBox, slack: float = 0.0) -> bool:
        """True when ``other`` lies inside this box, give or take ``slack`` pixels."""
        return (
            other.x0 >= self.x0 - slack
            and other.y0 >= self.y0 - slack
            and other.x1 <= self.x1 + slack
            and other.y1 <= self.y1 + slack
        )

    def points(self) -> list[Point]:
        """Corners clockwise from the top left."""
        return [(self.x0, self.y0), (self.x1, self.y0), (self.x1, self.y1), (self.x0, self.y1)]

    def as_list(self) -> list[int]:
        """``[x0, y0, x1, y1]`` rounded to whole pixels."""
        return [round(self.x0), round(self.y0), round(self.x1), round(self.y1)]


def _poly_list(poly: list[Point]) -> list[list[int]]:
    return [[round(x), round(y)] for x, y in poly]


def _poly_from(data: Any) -> list[Point]:
    return [(float(p[0]), float(p[1])) for p in data]


@dataclass
class Char:
    """One recognized character with its box (where the engine gives one)."""

    text: str
    bbox: BBox
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "bbox": self.bbox.as_list(), "confidence": round(self.confidence, 4)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Char:
        return cls(d["text"], BBox(*d["bbox"]), d.get("confidence", 1.0))


@dataclass
class Word:
    """A word (spaced scripts) or a run of characters between spaces (CJK)."""

    text: str
    bbox: BBox
    confidence: float = 1.0
    chars: list[Char] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} out of [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "text": self.text,
            "bbox": self.bbox.as_list(),
            "confidence": round(self.confidence, 4),
        }
        if self.chars:
            d["chars"] = [c.to_dict() for c in self.chars]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        return cls(
            d["text"],
            BBox(*d["bbox"]),
            d.get("confidence", 1.0),
            [Char.from_dict(c) for c in d.get("chars", [])],
        )


@dataclass
class Line:
    """One text line as the detector found it, with its recognized text."""

    text: str
    bbox: BBox
    polygon: list[Point]
    confidence: float
    words: list[Word] = field(default_factory=list)
    model: str = ""
    vertical: bool = False

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} out of [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "text": self.text,
            "bbox": self.bbox.as_list(),
            "polygon": _poly_list(self.polygon),
            "confidence": round(self.confidence, 4),
            "model": self.model,
            "words": [w.to_dict() for w in self.words],
        }
        if self.vertical:
            d["vertical"] = True
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Line:
        return cls(
            d["text"],
            BBox(*d["bbox"]),
            _poly_from(d.get("polygon", [])),
            d.get("confidence", 1.0),
            [Word.from_dict(w) for w in d.get("words", [])],
            d.get("model", ""),
            d.get("vertical", False),
        )


@dataclass
class Block:
    """A region of the page of one kind, in reading order, with its lines and its joined text.

    ``text`` is the block's text as a reader reads it: a paragraph's lines joined (no space for Chinese,
    a space and mended hyphens for English), an ad's lines joined by newlines, title first.
    """

    id: str
    kind: str
    bbox: BBox
    reading_index: int
    lines: list[Line] = field(default_factory=list)
    text: str = ""
    confidence: float = 1.0
    article: str | None = None
    title: str | None = None
    phones: list[str] = field(default_factory=list)
    parts: list[BBox] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block kind {self.kind!r}")

    def iter_lines(self) -> Iterator[Line]:
        yield from self.lines

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "kind": self.kind,
            "reading_index": self.reading_index,
            "bbox": self.bbox.as_list(),
            "text": self.text,
            "confidence": round(self.confidence, 4),
            "lines": [ln.to_dict() for ln in self.lines],
        }
        if self.parts:
            d["parts"] = [p.as_list() for p in self.parts]
        if self.article:
            d["article"] = self.article
        if self.kind == "ad":
            d["ad"] = {"title": self.title or "", "text": self.text, "phones": list(self.phones)}
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Block:
        ad = d.get("ad") or {}
        return cls(
            id=d["id"],
            kind=d["kind"],
            bbox=BBox(*d["bbox"]),
            reading_index=d["reading_index"],
            lines=[Line.from_dict(x) for x in d.get("lines", [])],
            text=d.get("text", ""),
            confidence=d.get("confidence", 1.0),
            article=d.get("article"),
            title=ad.get("title"),
            phones=list(ad.get("phones", [])),
            parts=[BBox(*p) for p in d.get("parts", [])],
        )


@dataclass
class Article:
    """Blocks that belong to one story: headline, subtitle, paragraphs, headings, byline, captions, jump lines.

    ``continued_on`` / ``continued_from``: where a story that jumps goes on or comes from, as
    ``{"page": <1-based page of the document or issue>, "article": <article id>}`` (``articles.link_articles``).
    """

    id: str
    block_ids: list[str]
    headline: str = ""
    continued_on: dict[str, Any] | None = None
    continued_from: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id, "headline": self.headline, "blocks": list(self.block_ids)}
        if self.continued_on:
            d["continued_on"] = dict(self.continued_on)
        if self.continued_from:
            d["continued_from"] = dict(self.continued_from)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(d["id"], list(d["blocks"]), d.get("headline", ""), d.get("continued_on"), d.get("continued_from"))


@dataclass
class Page:
    """One page of a scan. ``width``/``height`` are the original scan's; ``blocks`` are in reading order.

    ``angle`` (degrees, counter-clockwise deskew applied) and ``orientation`` (0/90/180/270, clockwise rotation
    applied) record how the page was straightened; ``transform`` is the 3×3 matrix from original-scan pixels to
    the straightened image the models read, kept so that a consumer can redo the mapping.
    """

    index: int
    width: int
    height: int
    blocks: list[Block] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    source: str = ""
    page_id: str = ""
    lang: str = "zh"
    angle: float = 0.0
    orientation: int = 0
    transform: list[list[float]] = field(default_factory=lambda: [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]])
    timings: dict[str, float] = field(default_factory=dict)
    dpi: float | None = None
    det_scale: float = 1.0  # the scale text detection ran at (1.0: full resolution)

    def text_blocks(self) -> list[Block]:
        """Blocks that carry text, in reading order."""
        return [b for b in self.blocks if b.kind in TEXT_KINDS]

    def iter_lines(self) -> Iterator[Line]:
        for b in self.blocks:
            yield from b.lines

    @property
    def confidence(self) -> float:
        """Mean line confidence weighted by text length (1.0 for a page without text)."""
        lines = [ln for ln in self.iter_lines() if ln.text]
        total = sum(len(ln.text) for ln in lines)
        return sum(ln.confidence * len(ln.text) for ln in lines) / total if total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "page_id": self.page_id,
            "source": self.source,
            "width": self.width,
            "height": self.height,
            "dpi": self.dpi,
            "lang": self.lang,
            "angle": round(self.angle, 3),
            "orientation": self.orientation,
            "transform": [[round(v, 6) for v in row] for row in self.transform],
            "det_scale": self.det_scale,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "confidence": round(self.confidence, 4),
            "blocks": [b.to_dict() for b in self.blocks],
            "articles": [a.to_dict() for a in self.articles],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Page:
        return cls(
            index=d["index"],
            width=d["width"],
            height=d["height"],
            blocks=[Block.from_dict(b) for b in d.get("blocks", [])],
            articles=[Article.from_dict(a) for a in d.get("articles", [])],
            source=d.get("source", ""),
            page_id=d.get("page_id", ""),
            lang=d.get("lang", "zh"),
            angle=d.get("angle", 0.0),
            orientation=d.get("orientation", 0),
            transform=d.get("transform", [[1.0, 0, 0], [0, 1.0, 0], [0, 0, 1.0]]),
            timings=d.get("timings", {}),
            dpi=d.get("dpi"),
            det_scale=d.get("det_scale", 1.0),
        )


@dataclass
class Document:
    """A converted scan: its pages plus the engine, models and settings that made them."""

    source: str
    pages: list[Page] = field(default_factory=list)
    engine: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    version: str = ""
    created: str = ""  # ISO 8601 UTC time of the conversion (PAGE XML needs one)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "digitizer_version": self.version,
            "created": self.created,
            "source": self.source,
            "engine": self.engine,
            "settings": self.settings,
            "pages": [p.to_dict() for p in self.pages],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        major = str(d.get("schema_version", "")).split(".")[0]
        if major != SCHEMA_VERSION.split(".")[0]:
            raise ValueError(f"unsupported schema_version {d.get('schema_version')!r}")
        return cls(
            source=d.get("source", ""),
            pages=[Page.from_dict(p) for p in d.get("pages", [])],
            engine=d.get("engine", {}),
            settings=d.get("settings", {}),
            version=d.get("digitizer_version", ""),
            created=d.get("created", ""),
        )

    def split(self) -> list[Document]:
        """One single-page Document per page (outputs are written page by page, named by page id)."""
        return [Document(self.source, [p], self.engine, self.settings, self.version, self.created) for p in self.pages]
