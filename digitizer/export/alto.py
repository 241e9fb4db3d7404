"""ALTO 4.4 (``http://www.loc.gov/standards/alto/ns-v4#``), as the Library of Congress's NDNP profile reads it.

Conventions (also in the README):
- Blocks in reading order inside PrintSpace, and a ReadingOrder/OrderedGroup naming them in that order.
- Block kinds as LayoutTags (``TAG_headline``, ``TAG_ad``, ...) referenced by each TextBlock's TAGREFS.
- Spaced scripts: one String per word with SP between; Chinese: one String per run of characters between
  spaces, with a Glyph per character carrying its box and confidence (GC) where the engine gave them.
- Photos are Illustration (TYPE="photo"), rules GraphicalElement.
- Coordinates: original-scan pixels, or 1/1200 inch (``unit="inch1200"``) from the page's dpi (300 if unknown).
"""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET

from ..errors import BadOptionError
from ..model import TEXT_KINDS, BBox, Document, Line, Page
from ._common import box_xywh, software, to_xml, xml_id

__all__ = ["ALTO_NS", "to_alto"]

log = logging.getLogger(__name__)

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_UNITS = ("pixel", "inch1200")
DEFAULT_DPI = 300.0


def _pos(el: ET.Element, b: BBox, scale: float) -> None:
    x, y, w, h = box_xywh(b, scale)
    el.set("HPOS", str(x))
    el.set("VPOS", str(y))
    el.set("WIDTH", str(w))
    el.set("HEIGHT", str(h))


def _wc(c: float) -> str:
    return f"{min(1.0, max(0.0, c)):.3f}"


def _mended(block_text: str, a: Line, b: Line) -> str | None:
    """The whole word when ``a`` ends in a hyphen that reassembly mended with ``b``'s first word, else None."""
    if not a.words or not b.words:
        return None
    left, right = a.words[-1].text, b.words[0].text
    m1, m2 = re.search(r"([A-Za-z]+)[-‐]$", left), re.match(r"[a-z]+", right)
    if not m1 or not m2:
        return None
    whole = m1.group(1) + m2.group(0)
    return whole if whole in block_text and f"{m1.group(1)}-{m2.group(0)}" not in block_text else None


def _line(
    parent: ET.Element, line: Line, lid: str, scale: float, spaced: bool, hyp_end: str | None, hyp_start: str | None
) -> None:
    """A TextLine; ``hyp_end``/``hyp_start``: the mended word this line ends/starts with (ALTO HypPart1/2)."""
    el = ET.SubElement(parent, "TextLine", {"ID": lid})
    _pos(el, line.bbox, scale)
    words = line.words
    if not words:  # an engine without word boxes: the whole line is one String
        s = ET.SubElement(el, "String", {"ID": f"{lid}_s1", "CONTENT": line.text, "WC": _wc(line.confidence)})
        _pos(s, line.bbox, scale)
        return
    for n, w in enumerate(words):
        if n and spaced:
            prev = words[n - 1].bbox
            sp = ET.SubElement(el, "SP", {"ID": f"{lid}_sp{n}"})
            gap = BBox(prev.x1, min(prev.y0, w.bbox.y0), max(prev.x1, w.bbox.x0), max(prev.y1, w.bbox.y1))
            x, y, wd, _ = box_xywh(gap, scale)
            sp.set("HPOS", str(x))
            sp.set("VPOS", str(y))
            sp.set("WIDTH", str(wd))
        last = n == len(words) - 1
        content = w.text[:-1] if last and hyp_end else w.text
        s = ET.SubElement(el, "String", {"ID": f"{lid}_s{n + 1}", "CONTENT": content, "WC": _wc(w.confidence)})
        _pos(s, w.bbox, scale)
        if last and hyp_end:
            s.set("SUBS_TYPE", "HypPart1")
            s.set("SUBS_CONTENT", hyp_end)
        elif n == 0 and hyp_start:
            s.set("SUBS_TYPE", "HypPart2")
            s.set("SUBS_CONTENT", hyp_start)
        for k, ch in enumerate(w.chars):
            g = ET.SubElement(
                s, "Glyph", {"ID": f"{lid}_s{n + 1}_g{k + 1}", "CONTENT": ch.text, "GC": _wc(ch.confidence)}
            )
            _pos(g, ch.bbox, scale)
        if last and hyp_end:
            ET.SubElement(el, "HYP", {"CONTENT": w.text[-1]})


def _page(layout: ET.Element, page: Page, scale: float, ro: ET.Element) -> None:
    pid = xml_id(f"P{page.index + 1}_{page.page_id}" if page.page_id else f"P{page.index + 1}")
    pel = ET.SubElement(
        layout,
        "Page",
        {
            "ID": pid,
            "PHYSICAL_IMG_NR": str(page.index + 1),
            "WIDTH": str(round(page.width * scale)),
            "HEIGHT": str(round(page.height * scale)),
        },
    )
    if page.orientation:
        pel.set("ROTATION", str(page.orientation))
    ps = ET.SubElement(pel, "PrintSpace", {"ID": f"{pid}_PS"})
    _pos(ps, BBox(0, 0, page.width, page.height), scale)
    group = ET.SubElement(ro, "OrderedGroup", {"ID": f"{pid}_RO"})
    spaced = page.lang == "en"
    n_ref = 0
    for b in page.blocks:
        bid = xml_id(b.id)
        if b.kind in TEXT_KINDS:
            el = ET.SubElement(ps, "TextBlock", {"ID": bid, "TAGREFS": f"TAG_{b.kind}"})
            _pos(el, b.bbox, scale)
            hyps = [_mended(b.text, x, y) if spaced else None for x, y in zip(b.lines, b.lines[1:], strict=False)]
            for k, line in enumerate(b.lines):
                hyp_end = hyps[k] if k < len(hyps) else None
                hyp_start = hyps[k - 1] if k > 0 else None
                _line(el, line, f"{bid}_l{k + 1}", scale, spaced, hyp_end, hyp_start)
        elif b.kind == "photo":
            el = ET.SubElement(ps, "Illustration", {"ID": bid, "TYPE": "photo", "TAGREFS": "TAG_photo"})
            _pos(el, b.bbox, scale)
        else:
            el = ET.SubElement(ps, "GraphicalElement", {"ID": bid, "TAGREFS": f"TAG_{b.kind}"})
            _pos(el, b.bbox, scale)
            continue  # rules are not read
        n_ref += 1
        ET.SubElement(group, "ElementRef", {"ID": f"{pid}_RO{n_ref}", "REF": bid})


def to_alto(doc: Document, unit: str = "pixel") -> str:
    """Document → ALTO 4.4 XML; every page of the document is a Page of the one Layout."""
    if unit not in _UNITS:
        raise BadOptionError(f"--alto-unit must be one of {', '.join(_UNITS)}, not {unit!r}")
    root = ET.Element(
        "alto",
        {
            "xmlns": ALTO_NS,
            "xmlns:xsi": _XSI,
            "xsi:schemaLocation": f"{ALTO_NS} http://www.loc.gov/alto/v4/alto-4-4.xsd",
        },
    )
    desc = ET.SubElement(root, "Description")
    ET.SubElement(desc, "MeasurementUnit").text = unit
    sii = ET.SubElement(desc, "sourceImageInformation")
    ET.SubElement(sii, "fileName").text = doc.source
    proc = ET.SubElement(desc, "OCRProcessing", {"ID": "OCR_0"})
    step = ET.SubElement(proc, "ocrProcessingStep")
    models = doc.engine.get("models", {})
    ET.SubElement(step, "processingStepDescription").text = (
        f"engine {doc.engine.get('engine', '')}; models "
        + ", ".join(f"{k} (sha256 {v.get('sha256', '')[:16]})" for k, v in models.items())
    )
    ET.SubElement(step, "processingStepSettings").text = json.dumps(
        {k: v for k, v in doc.settings.items() if k != "threads"}, ensure_ascii=False, sort_keys=True
    )
    sw = ET.SubElement(step, "processingSoftware")
    name, version = software(doc)
    ET.SubElement(sw, "softwareName").text = name
    ET.SubElement(sw, "softwareVersion").text = version
    ET.SubElement(
        sw, "applicationDescription"
    ).text = "PP-OCRv6 newspaper digitizer (straighten, layout, reading order)"
    kinds = sorted({b.kind for p in doc.pages for b in p.blocks})
    if kinds:
        tags = ET.SubElement(root, "Tags")
        for k in kinds:
            ET.SubElement(tags, "LayoutTag", {"ID": f"TAG_{k}", "LABEL": k, "DESCRIPTION": f"block kind {k}"})
    ro = ET.SubElement(root, "ReadingOrder")
    layout = ET.SubElement(root, "Layout")
    for page in doc.pages:
        scale = 1.0
        if unit == "inch1200":
            dpi = page.dpi or DEFAULT_DPI
            if not page.dpi:
                log.warning("page %s has no resolution; ALTO inch1200 assumes %g dpi", page.page_id, DEFAULT_DPI)
            scale = 1200.0 / dpi
        _page(layout, page, scale, ro)
    for group in list(ro):
        if not len(group):  # a page without blocks: an empty OrderedGroup is not valid
            ro.remove(group)
    if not len(ro):
        root.remove(ro)
    return to_xml(root)
