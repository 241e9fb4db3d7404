"""The layout stage's own model: a text line while the page is laid out (``TLine``) and what is found on the page
(``Layout``), shared by the stages that find the parts (``layout``), give the lines their kinds (``kinds``) and
order them (``order``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .geometry import Box
from .ocr.base import OcrLine

__all__ = ["Layout", "TLine"]


@dataclass
class TLine:
    """A text line while the page is being laid out."""

    ocr: OcrLine
    box: Box
    kind: str = "text"
    frame: int | None = None  # index of the ad frame holding it
    photo: int | None = None  # index of the photo it captions
    ink: float = 0.0  # share of dark pixels: bold type has more
    stroke: float = 0.0  # mean width of the ink's strokes across rows, in pixels: bold type's are wider
    column: int = 0  # leaf region of the XY-cut it was read in

    @property
    def text(self) -> str:
        return self.ocr.text

    @property
    def vertical(self) -> bool:
        return self.ocr.vertical

    @property
    def h(self) -> float:
        """Type size: the line's thickness across its reading direction."""
        w, h = self.box[2] - self.box[0], self.box[3] - self.box[1]
        return w if self.vertical else h

    @property
    def length(self) -> float:
        w, h = self.box[2] - self.box[0], self.box[3] - self.box[1]
        return h if self.vertical else w


@dataclass
class Layout:
    """What segmentation found on a page."""

    width: int
    height: int
    lines: list[TLine]
    body_h: float
    hrules: list[Box] = field(default_factory=list)
    vrules: list[Box] = field(default_factory=list)
    frames: list[Box] = field(default_factory=list)
    photos: list[Box] = field(default_factory=list)
    bands: list[Box] = field(default_factory=list)
    dropped: int = 0
    #: Column separators found on the page (``columns.py``): white gutters and rules running down many rows,
    #: which the reading order cuts at as at a rule (they are not drawn rules, so never exported as such).
    separators: list[Box] = field(default_factory=list)
    #: Those of them with the lines right of them starting flush at a column's margin: certain enough that
    #: pieces of a row on either side are never joined into one line.
    gutters: list[Box] = field(default_factory=list)
