"""PAGE XML 2019-07-15 (PRImA), the layout ground-truth exchange format. One PcGts holds one page.

TextRegion types: headline/subtitle/heading/section → heading, para → paragraph, caption, header, footer,
byline → credit, ad → other with ``custom="structure {type:advertisement;}"``. The finer kind always goes into
``custom`` too, so nothing is lost. Photos are ImageRegion, rules SeparatorRegion; the reading order is an
OrderedGroup of RegionRefIndexed.
"""

from __future__ import annotations

from ..model import TEXT_KINDS, BBox, Document, Page, Point
from ._common import XmlWriter, attr, attrs, software, xml_id

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
    "jump": "other",
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
    w, h = page.width, page.height
    x0, x1 = min(max(0, round(b.x0)), w), min(max(0, round(b.x1)), w)
    y0, y1 = min(max(0, round(b.y0)), h), min(max(0, round(b.y1)), h)
    return f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"


def _text_equiv(w: XmlWriter, text: str, conf: float | None = None) -> None:
    w.open("TextEquiv", f' conf="{min(1.0, max(0.0, conf)):.3f}"' if conf is not None else "")
    w.leaf("Unicode", "", text)
    w.close()


def _page_xml(doc: Document, page: Page) -> str:
    w = XmlWriter()
    w.open(
        "PcGts",
        attrs(
            {
                "xmlns": PAGE_NS,
                "xmlns:xsi": _XSI,
                "xsi:schemaLocation": f"{PAGE_NS} {PAGE_NS}/pagecontent.xsd",
                "pcGtsId": xml_id(page.page_id or f"page{page.index + 1}"),
            }
        ),
    )
    w.open("Metadata")
    name, version = software(doc)
    w.leaf("Creator", "", f"{name} {version} ({doc.engine.get('engine', '')})")
    created = doc.created or "1970-01-01T00:00:00+00:00"
    w.leaf("Created", "", created)
    w.leaf("LastChange", "", created)
    w.close()
    pel = {"imageFilename": page.source or doc.source, "imageWidth": str(page.width), "imageHeight": str(page.height)}
    if page.orientation:
        # PAGE's orientation is the angle that makes the page upright, anticlockwise positive.
        pel["orientation"] = f"{-float(page.orientation):g}"
    w.open("Page", attrs(pel))
    readable = [b for b in page.blocks if b.kind in TEXT_KINDS or b.kind == "photo"]
    if readable:
        w.open("ReadingOrder")
        w.open("OrderedGroup", f' id="{xml_id(f"{page.page_id}_ro")}" caption="reading order"')
        for n, b in enumerate(readable):
            w.leaf("RegionRefIndexed", f' index="{n}" regionRef="{xml_id(b.id)}"')
        w.close()
        w.close()
    for b in page.blocks:
        bid = xml_id(b.id)  # ids are NCNames (xml_id): nothing in them to escape
        if b.kind in TEXT_KINDS:
            kind = "advertisement" if b.kind == "ad" else b.kind
            custom = f"readingOrder {{index:{b.reading_index};}} structure {{type:{kind};}}"
            head = f' id="{bid}" type="{_TYPES.get(b.kind, "other")}" custom="{attr(custom)}"'
            if b.kind in ("headline", "subtitle"):
                head += f' primaryLanguage="{"Chinese" if page.lang == "zh" else "English"}"'
            w.open("TextRegion", head)
            w.leaf("Coords", f' points="{_box_points(b.bbox, page)}"')
            for k, line in enumerate(b.lines):
                lid = f"{bid}_l{k + 1}"
                w.open("TextLine", f' id="{lid}"')
                w.leaf("Coords", f' points="{_points(line.polygon, page)}"')
                for n, word in enumerate(line.words):
                    wid = f"{lid}_w{n + 1}"
                    w.open("Word", f' id="{wid}"')
                    w.leaf("Coords", f' points="{_box_points(word.bbox, page)}"')
                    for g, ch in enumerate(word.chars):
                        w.open("Glyph", f' id="{wid}_g{g + 1}"')
                        w.leaf("Coords", f' points="{_box_points(ch.bbox, page)}"')
                        _text_equiv(w, ch.text, ch.confidence)
                        w.close()
                    _text_equiv(w, word.text, word.confidence)
                    w.close()
                _text_equiv(w, line.text, line.confidence)
                w.close()
            _text_equiv(w, b.text, b.confidence)
            w.close()
        else:
            # Photos are ImageRegion, rules SeparatorRegion: a box each, nothing to read.
            w.open("ImageRegion" if b.kind == "photo" else "SeparatorRegion", f' id="{bid}"')
            w.leaf("Coords", f' points="{_box_points(b.bbox, page)}"')
            w.close()
    return w.getvalue()


def to_page(doc: Document) -> str:
    """A single-page Document → PAGE XML (PAGE allows one page per file: split multi-page documents first)."""
    if len(doc.pages) != 1:
        raise ValueError("PAGE XML holds exactly one page; use Document.split()")
    return _page_xml(doc, doc.pages[0])
