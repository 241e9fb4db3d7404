"""Helpers shared by the XML exporters: safe ids, integer boxes, pretty-printed XML."""

from __future__ import annotations

import re
from pathlib import PurePath

from ..model import BBox, Document

__all__ = ["XmlWriter", "attr", "attrs", "box_xywh", "package_name", "software", "xml_id"]


def xml_id(raw: str) -> str:
    """``raw`` as an XML ID (an NCName): invalid characters become ``_``, a leading digit gets an ``id_``."""
    s = re.sub(r"[^A-Za-z0-9_.\-]", "_", raw)
    if not s or not (s[0].isalpha() or s[0] == "_"):
        s = "id_" + s
    return s


def box_xywh(b: BBox, scale: float = 1.0) -> tuple[int, int, int, int]:
    """(x, y, width, height) as integers, scaled (``scale`` converts pixels to another unit)."""
    x0, y0 = round(b.x0 * scale), round(b.y0 * scale)
    x1, y1 = round(b.x1 * scale), round(b.y1 * scale)
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


def package_name(path: str) -> str:
    """A file's name as an archive's package names it: as given, but never a local absolute path (cut to the
    file's name)."""
    p = PurePath(path)
    return p.name if p.is_absolute() else path


def software(doc: Document) -> tuple[str, str]:
    """(name, version) of the software that made ``doc``."""
    return "digitizer", doc.version or "unknown"


_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SPECIAL = re.compile('[&<>"\r\n\t]').search  # most values (numbers, ids) have none: skip the translation
_PADS = ["\n" + " " * n for n in range(64)]


def attr(value: str) -> str:
    """``value`` escaped for a double-quoted XML attribute."""
    return value.translate(_ATTR_ESCAPES) if _SPECIAL(value) else value


def attrs(pairs: dict[str, str]) -> str:
    """`` name="value"`` for each pair, values escaped: what goes after an element's name."""
    return "".join(f' {k}="{attr(v)}"' for k, v in pairs.items())


class XmlWriter:
    """XML text written as the exporter walks the result tree, indented one space a level.

    The output is what ``ET.indent`` and ``ET.tostring`` write for a tree without mixed content (an element
    without children or text ends in `` />``). Building an ElementTree first and then walking it took several
    times as long on a Chinese page, whose every character is an element with a box (docs/performance.md).
    """

    __slots__ = ("_bare", "_out", "_tags")

    def __init__(self) -> None:
        self._out: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        self._tags: list[str] = []  # the elements open now, outermost first
        self._bare = False  # the innermost open element has no child yet (its start tag lacks its '>')

    def _child(self) -> None:
        if self._tags:
            if self._bare:
                self._out.append(">")
                self._bare = False
            self._out.append(_PADS[len(self._tags)])

    def open(self, tag: str, attributes: str = "") -> None:
        """Start element ``tag``; ``attributes`` as ``attrs`` renders them. Children follow until ``close``."""
        self._child()
        self._out.append(f"<{tag}{attributes}")
        self._tags.append(tag)
        self._bare = True

    def leaf(self, tag: str, attributes: str = "", text: str = "") -> None:
        """An element without children: with ``text``, or empty."""
        self._child()
        if text:
            self._out.append(f"<{tag}{attributes}>{text.translate(_TEXT_ESCAPES)}</{tag}>")
        else:
            self._out.append(f"<{tag}{attributes} />")

    def close(self) -> None:
        """End the innermost open element."""
        tag = self._tags.pop()
        if self._bare:
            self._out.append(" />")
            self._bare = False
        else:
            self._out.append(f"{_PADS[len(self._tags)]}</{tag}>")

    def getvalue(self) -> str:
        """The document so far, every open element closed."""
        while self._tags:
            self.close()
        return "".join(self._out) + "\n"
