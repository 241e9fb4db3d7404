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


def to_xml(root: ET.Element) -> str:
    """Indented XML text with a declaration."""
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
