"""PAGE XML 2019-07-15 (PRImA), the layout ground-truth exchange format. One PcGts holds one page.

TextRegion types: headline/subtitle/heading/section → heading, para → paragraph, caption, header, footer,
byline → credit, ad → other with ``custom="structure {type:advertisement;}"``. The finer kind always goes into
``custom`` too, so nothing is lost. Photos are ImageRegion, rules SeparatorRegion; the reading order is an
OrderedGroup of RegionRefIndexed.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..model import TEXT_KINDS, BBox, Document, Page, Point
from ._common import software, to_xml, xml_id

__all__ = ["PAGE_NS", "to_page"]

PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_TYPES = {
    "headline": "heading",
    "subtitle": "heading",
    "heading": "heading",
    "section": "heading",
    "para": "paragraph",
    "text": "paragraph",
    "caption": "caption",
    "header": "header",
    "footer": "footer",
    "byline": "credit",
    "ad": "other",
}


def _points(pts: list[Point], page: Page) -> str:
    out = []
    for x, y in pts:
        xi = min(max(0, round(x)), page.width)
        yi = min(max(0, round(y)), page.height)
        out.append(f"{xi},{yi}")
    if len(out) < 2:
        out.append(out[0])
    return " ".join(out)


def _box_points(b: BBox, page: Page) -> str:
    """A box's corners as ``_points`` writes them, each coordinate clipped once (a page has thousands)."""
    x0, x1 = (min(max(0, round(v)), page.width) for v in (b.x0, b.x1))
    y0, y1 = (min(max(0, round(v)), page.height) for v in (b.y0, b.y1))
    return f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"


def _text_equiv(parent: ET.Element, text: str, conf: float | None = None) -> None:
    te = ET.SubElement(parent, "TextEquiv")
    if conf is not None:
        te.set("conf", f"{min(1.0, max(0.0, conf)):.3f}")
    ET.SubElement(te, "Unicode").text = text


def _page_xml(doc: Document, page: Page) -> str:
    root = ET.Element(
        "PcGts",
        {
            "xmlns": PAGE_NS,
            "xmlns:xsi": _XSI,
            "xsi:schemaLocation": f"{PAGE_NS} {PAGE_NS}/pagecontent.xsd",
            "pcGtsId": xml_id(page.page_id or f"page{page.index + 1}"),
        },
    )
    md = ET.SubElement(root, "Metadata")
    name, version = software(doc)
    ET.SubElement(md, "Creator").text = f"{name} {version} ({doc.engine.get('engine', '')})"
    created = doc.created or "1970-01-01T00:00:00+00:00"
    ET.SubElement(md, "Created").text = created
    ET.SubElement(md, "LastChange").text = created
    pel = ET.SubElement(
        root,
        "Page",
        {"imageFilename": page.source or doc.source, "imageWidth": str(page.width), "imageHeight": str(page.height)},
    )
    if page.orientation:
        # PAGE's orientation is the angle that makes the page upright, anticlockwise positive.
        pel.set("orientation", f"{-float(page.orientation):g}")
    readable = [b for b in page.blocks if b.kind in TEXT_KINDS or b.kind == "photo"]
    if readable:
        ro = ET.SubElement(pel, "ReadingOrder")
        og = ET.SubElement(ro, "OrderedGroup", {"id": xml_id(f"{page.page_id}_ro"), "caption": "reading order"})
        for n, b in enumerate(readable):
            ET.SubElement(og, "RegionRefIndexed", {"index": str(n), "regionRef": xml_id(b.id)})
    for b in page.blocks:
        bid = xml_id(b.id)
        if b.kind in TEXT_KINDS:
            custom = f"readingOrder {{index:{b.reading_index};}} structure {{type:{b.kind};}}"
            if b.kind == "ad":
                custom = f"readingOrder {{index:{b.reading_index};}} structure {{type:advertisement;}}"
            reg = ET.SubElement(pel, "TextRegion", {"id": bid, "type": _TYPES.get(b.kind, "other"), "custom": custom})
            if b.kind in ("headline", "subtitle"):
                reg.set("primaryLanguage", "Chinese" if page.lang == "zh" else "English")
            ET.SubElement(reg, "Coords", {"points": _box_points(b.bbox, page)})
            for k, line in enumerate(b.lines):
                lid = f"{bid}_l{k + 1}"
                tl = ET.SubElement(reg, "TextLine", {"id": lid})
                ET.SubElement(tl, "Coords", {"points": _points(line.polygon, page)})
                for n, w in enumerate(line.words):
                    we = ET.SubElement(tl, "Word", {"id": f"{lid}_w{n + 1}"})
                    ET.SubElement(we, "Coords", {"points": _box_points(w.bbox, page)})
                    for g, ch in enumerate(w.chars):
                        ge = ET.SubElement(we, "Glyph", {"id": f"{lid}_w{n + 1}_g{g + 1}"})
                        ET.SubElement(ge, "Coords", {"points": _box_points(ch.bbox, page)})
                        _text_equiv(ge, ch.text, ch.confidence)
                    _text_equiv(we, w.text, w.confidence)
                _text_equiv(tl, line.text, line.confidence)
            _text_equiv(reg, b.text, b.confidence)
        elif b.kind == "photo":
            reg = ET.SubElement(pel, "ImageRegion", {"id": bid})
            ET.SubElement(reg, "Coords", {"points": _box_points(b.bbox, page)})
        else:
            reg = ET.SubElement(pel, "SeparatorRegion", {"id": bid})
            ET.SubElement(reg, "Coords", {"points": _box_points(b.bbox, page)})
    return to_xml(root)


def to_page(doc: Document) -> str:
    """A single-page Document → PAGE XML (PAGE allows one page per file: split multi-page documents first)."""
    if len(doc.pages) != 1:
        raise ValueError("PAGE XML holds exactly one page; use Document.split()")
    return _page_xml(doc, doc.pages[0])
