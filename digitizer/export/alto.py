"""ALTO 4.4 (``http://www.loc.gov/standards/alto/ns-v4#``), as the Library of Congress's NDNP profile reads it.

Conventions (also in the README):
- Blocks in reading order inside PrintSpace, and a ReadingOrder/OrderedGroup naming them in that order; a text
  block as one TextBlock per column piece, linked by IDNEXT, each with the page's LANG.
- Block kinds as LayoutTags (``TAG_headline``, ``TAG_ad``, ...) referenced by each TextBlock's TAGREFS.
- Spaced scripts: one String per word with SP between; Chinese: one String per run of characters between
  spaces, with a Glyph per character carrying its box and confidence (GC) where the engine gave them.
- Photos are Illustration (TYPE="photo"), rules GraphicalElement.
- Strings carry CC (per character, 0 sure to 9 unsure) where the recognizer gave character confidences.
- Coordinates: original-scan pixels, or 1/1200 inch (``unit="inch1200"``) from the page's dpi (300 if unknown);
  so no ROTATION. The scan's fileName as given, a local absolute path cut to the file's name.
"""

from __future__ import annotations

import json
import logging
import re

from ..errors import BadOptionError
from ..model import TEXT_KINDS, BBox, Block, Char, Document, Line, Page
from ._common import XmlWriter, attr, attrs, box_xywh, package_name, software, xml_id

__all__ = ["ALTO_NS", "VERSIONS", "pieces_of", "to_alto"]

log = logging.getLogger(__name__)

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"  # the default version's
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_UNITS = ("pixel", "inch1200")
#: The ALTO versions written: namespace and schema location. 4.4 by default; 2.1 and 3.1 for archives whose
#: ingest takes only those.
VERSIONS = {
    "4.4": (ALTO_NS, "http://www.loc.gov/alto/v4/alto-4-4.xsd"),
    "3.1": ("http://www.loc.gov/standards/alto/ns-v3#", "http://www.loc.gov/alto/v3/alto-3-1.xsd"),
    "2.1": ("http://www.loc.gov/standards/alto/ns-v2#", "http://www.loc.gov/standards/alto/v2/alto-2-1.xsd"),
}
DEFAULT_DPI = 300.0


def _pos(b: BBox, scale: float) -> str:
    x, y, w, h = box_xywh(b, scale)
    return f' HPOS="{x}" VPOS="{y}" WIDTH="{w}" HEIGHT="{h}"'


def _wc(c: float) -> str:
    return f"{min(1.0, max(0.0, c)):.3f}"


def _cc(chars: list[Char]) -> str:
    """ALTO's CC: per character, 0 (sure) to 9 (unsure), from the recognizer's character confidences."""
    return " ".join(str(min(9, max(0, round((1.0 - min(1.0, max(0.0, c.confidence))) * 9)))) for c in chars)


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
    w: XmlWriter,
    line: Line,
    lid: str,
    scale: float,
    spaced: bool,
    hyp_end: str | None,
    hyp_start: str | None,
    glyphs: bool = True,
) -> None:
    """A TextLine; ``hyp_end``/``hyp_start``: the mended word this line ends/starts with (ALTO HypPart1/2);
    ``glyphs``: a Glyph per character (ALTO 4; older versions have CC only)."""
    w.open("TextLine", f' ID="{lid}"{_pos(line.bbox, scale)}')
    words = line.words
    if not words:  # an engine without word boxes: the whole line is one String
        head = f' ID="{lid}_s1" CONTENT="{attr(line.text)}" WC="{_wc(line.confidence)}"'
        w.leaf("String", head + _pos(line.bbox, scale))
        w.close()
        return
    for n, word in enumerate(words):
        if n and spaced:
            prev = words[n - 1].bbox
            gap = BBox(prev.x1, min(prev.y0, word.bbox.y0), max(prev.x1, word.bbox.x0), max(prev.y1, word.bbox.y1))
            x, y, wd, _ = box_xywh(gap, scale)
            w.leaf("SP", f' ID="{lid}_sp{n}" HPOS="{x}" VPOS="{y}" WIDTH="{wd}"')
        last = n == len(words) - 1
        content = word.text[:-1] if last and hyp_end else word.text
        head = f' ID="{lid}_s{n + 1}" CONTENT="{attr(content)}" WC="{_wc(word.confidence)}"'
        if word.chars and len(word.chars) == len(content):
            head += f' CC="{_cc(word.chars)}"'
        head += _pos(word.bbox, scale)
        if last and hyp_end:
            head += f' SUBS_TYPE="HypPart1" SUBS_CONTENT="{attr(hyp_end)}"'
        elif n == 0 and hyp_start:
            head += f' SUBS_TYPE="HypPart2" SUBS_CONTENT="{attr(hyp_start)}"'
        w.open("String", head)
        for k, ch in enumerate(word.chars if glyphs else []):
            w.leaf(
                "Glyph",
                f' ID="{lid}_s{n + 1}_g{k + 1}" CONTENT="{attr(ch.text)}" GC="{_wc(ch.confidence)}"'
                + _pos(ch.bbox, scale),
            )
        w.close()
        if last and hyp_end:
            w.leaf("HYP", f' CONTENT="{attr(word.text[-1])}"')
    w.close()


def _page_id(page: Page) -> str:
    return xml_id(f"P{page.index + 1}_{page.page_id}" if page.page_id else f"P{page.index + 1}")


def _pieces(b: Block) -> list[tuple[str, BBox, list[int]]]:
    """A text block as the TextBlocks ALTO gets: one per column piece (a paragraph that goes on in the next
    column is two blocks, linked by IDNEXT, never one box over both columns), each with its id, box and the
    indexes of its lines. The first keeps the block's id."""
    bid = xml_id(b.id)
    if len(b.parts) < 2:
        return [(bid, b.bbox, list(range(len(b.lines))))]
    owned: list[list[int]] = [[] for _ in b.parts]
    for i, ln in enumerate(b.lines):
        cx, cy = (ln.bbox.x0 + ln.bbox.x1) / 2, (ln.bbox.y0 + ln.bbox.y1) / 2
        dist = [max(p.x0 - cx, cx - p.x1, 0.0) + max(p.y0 - cy, cy - p.y1, 0.0) for p in b.parts]
        owned[dist.index(min(dist))].append(i)
    out: list[tuple[str, BBox, list[int]]] = []
    for part, idx in zip(b.parts, owned, strict=True):
        if idx:
            boxes = [part, *(b.lines[i].bbox for i in idx)]
            box = BBox(
                min(x.x0 for x in boxes), min(x.y0 for x in boxes), max(x.x1 for x in boxes), max(x.y1 for x in boxes)
            )
            out.append((bid if not out else f"{bid}_{len(out) + 1}", box, idx))
    return out


def pieces_of(b: Block) -> list[str]:
    """The ALTO ids a block is written as: a text block's TextBlocks (one per column piece, the first with the
    block's own id), a photo's or rule's one element."""
    if b.kind in TEXT_KINDS:
        return [pid for pid, _, _ in _pieces(b)]
    return [xml_id(b.id)]


def _read(page: Page) -> list[str]:
    """The ids of the page's blocks that are read (text and photos; rules are not), in reading order; a text
    block as its column pieces."""
    return [pid for b in page.blocks if b.kind in TEXT_KINDS or b.kind == "photo" for pid in pieces_of(b)]


def _page(w: XmlWriter, page: Page, scale: float, glyphs: bool = True) -> None:
    pid = _page_id(page)
    head = (
        f' ID="{pid}" PHYSICAL_IMG_NR="{page.index + 1}"'
        f' WIDTH="{round(page.width * scale)}" HEIGHT="{round(page.height * scale)}"'
    )
    # No ROTATION: every coordinate is already the scan's own, as it lies (the turn is undone on export).
    w.open("Page", head)
    w.open("PrintSpace", f' ID="{pid}_PS"{_pos(BBox(0, 0, page.width, page.height), scale)}')
    spaced = page.lang == "en"
    lang = page.lang or "zh"
    for b in page.blocks:
        bid = xml_id(b.id)  # ids are NCNames (xml_id): nothing in them to escape
        if b.kind in TEXT_KINDS:
            hyps = [_mended(b.text, x, y) if spaced else None for x, y in zip(b.lines, b.lines[1:], strict=False)]
            pieces = _pieces(b)
            for n, (pid_, box, idx) in enumerate(pieces):
                head = f' ID="{pid_}"'
                if n + 1 < len(pieces):
                    head += f' IDNEXT="{pieces[n + 1][0]}"'
                w.open("TextBlock", f'{head} LANG="{lang}" TAGREFS="TAG_{b.kind}"{_pos(box, scale)}')
                for k in idx:
                    hyp_end = hyps[k] if k < len(hyps) else None
                    hyp_start = hyps[k - 1] if k > 0 else None
                    _line(w, b.lines[k], f"{bid}_l{k + 1}", scale, spaced, hyp_end, hyp_start, glyphs)
                w.close()
        elif b.kind == "photo":
            w.leaf("Illustration", f' ID="{bid}" TYPE="photo" TAGREFS="TAG_photo"{_pos(b.bbox, scale)}')
        else:
            w.leaf("GraphicalElement", f' ID="{bid}" TAGREFS="TAG_{b.kind}"{_pos(b.bbox, scale)}')
    w.close()
    w.close()


def to_alto(doc: Document, unit: str = "pixel", version: str = "4.4") -> str:
    """Document → ALTO XML (``version`` 4.4, 3.1 or 2.1); every page of the document is a Page of the one
    Layout."""
    if unit not in _UNITS:
        raise BadOptionError(f"--alto-unit must be one of {', '.join(_UNITS)}, not {unit!r}")
    if version not in VERSIONS:
        raise BadOptionError(f"--alto-version must be one of {', '.join(VERSIONS)}, not {version!r}")
    ns, location = VERSIONS[version]
    w = XmlWriter()
    w.open("alto", attrs({"xmlns": ns, "xmlns:xsi": _XSI, "xsi:schemaLocation": f"{ns} {location}"}))
    w.open("Description")
    w.leaf("MeasurementUnit", "", unit)
    w.open("sourceImageInformation")
    # The scan's name as given, never a local absolute path (an archive's package has its own folders).
    w.leaf("fileName", "", package_name(doc.source))
    w.close()
    w.open("OCRProcessing", ' ID="OCR_0"')
    w.open("ocrProcessingStep")
    models = doc.engine.get("models", {})
    w.leaf(
        "processingStepDescription",
        "",
        f"engine {doc.engine.get('engine', '')}; models "
        + ", ".join(f"{k} (sha256 {v.get('sha256', '')[:16]})" for k, v in models.items()),
    )
    settings = {k: v for k, v in doc.settings.items() if k != "threads"}
    w.leaf("processingStepSettings", "", json.dumps(settings, ensure_ascii=False, sort_keys=True))
    w.open("processingSoftware")
    name, software_version = software(doc)
    w.leaf("softwareName", "", name)
    w.leaf("softwareVersion", "", software_version)
    w.leaf("applicationDescription", "", "PP-OCRv6 newspaper digitizer (straighten, layout, reading order)")
    w.close()
    w.close()
    w.close()
    w.close()
    kinds = sorted({b.kind for p in doc.pages for b in p.blocks})
    if kinds:
        w.open("Tags")
        for k in kinds:
            w.leaf("LayoutTag", attrs({"ID": f"TAG_{k}", "LABEL": k, "DESCRIPTION": f"block kind {k}"}))
        w.close()
    # One OrderedGroup per page that has blocks to read (an empty group is not valid), none at all without.
    # ALTO before 4 has no ReadingOrder: there the blocks' own order (and IDNEXT) is the reading order.
    groups = [(_page_id(p), ids) for p in doc.pages if (ids := _read(p))] if version == "4.4" else []
    if groups:
        w.open("ReadingOrder")
        for pid, ids in groups:
            w.open("OrderedGroup", f' ID="{pid}_RO"')
            for n, ref in enumerate(ids):
                w.leaf("ElementRef", f' ID="{pid}_RO{n + 1}" REF="{ref}"')
            w.close()
        w.close()
    w.open("Layout")
    for page in doc.pages:
        scale = 1.0
        if unit == "inch1200":
            dpi = page.dpi or DEFAULT_DPI
            if not page.dpi:
                log.warning("page %s has no resolution; ALTO inch1200 assumes %g dpi", page.page_id, DEFAULT_DPI)
            scale = 1200.0 / dpi
        _page(w, page, scale, glyphs=version == "4.4")
    return w.getvalue()
