"""Helpers shared by the XML exporters: safe ids, integer boxes, pretty-printed XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import BBox, Document

__all__ = ["box_xywh", "software", "to_xml", "xml_id"]


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


def software(doc: Document) -> tuple[str, str]:
    """(name, version) of the software that made ``doc``."""
    return "digitizer", doc.version or "unknown"


_ATTR_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_SPECIAL = re.compile('[&<>"\r\n\t]').search  # most values (numbers, ids) have none: skip the translation


def _attrs(el: ET.Element) -> str:
    return "".join(
        f' {k}="{v.translate(_ATTR_ESCAPES)}"' if _SPECIAL(v) else f' {k}="{v}"' for k, v in el.attrib.items()
    )


def _write(el: ET.Element, pad: str, out: list[str]) -> None:
    text = el.text
    if len(el):
        inner = pad + " "
        out.append(f"<{el.tag}{_attrs(el)}>" + (text.translate(_TEXT_ESCAPES) if text and text.strip() else inner))
        for n, child in enumerate(el):
            if n:
                out.append(inner)
            _write(child, inner, out)
        out.append(f"{pad}</{el.tag}>")
    elif text:
        out.append(f"<{el.tag}{_attrs(el)}>{text.translate(_TEXT_ESCAPES)}</{el.tag}>")
    else:
        out.append(f"<{el.tag}{_attrs(el)} />")


def to_xml(root: ET.Element) -> str:
    """Indented XML text with a declaration: what ``ET.indent`` (one space a level) and ``ET.tostring`` write
    for our trees (plain tags, no tails, no mixed content), in about a quarter less time (measured 12-13 → 8-11 ms
    for a page's ALTO and PAGE together)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(root, "\n", out)
    return "".join(out) + "\n"
