"""hOCR 1.2: ocr_page → ocr_carea (a block) → ocr_par → ocr_line → ocrx_word, with bbox and x_wconf.

Chinese words (runs of characters) also carry ``x_bboxes``, the box of each character, where the engine gave them.
"""

from __future__ import annotations

from html import escape

from ..model import TEXT_KINDS, BBox, Document, Line, Page
from ._common import software, xml_id

__all__ = ["to_hocr"]


def _bbox(b: BBox) -> str:
    return f"bbox {round(b.x0)} {round(b.y0)} {round(b.x1)} {round(b.y1)}"


def _conf(c: float) -> int:
    return round(100 * min(1.0, max(0.0, c)))


#: The share of a detected line box's height below its text's baseline (descenders and the detector's padding).
DESCENT = 0.2


def _baseline(line: Line) -> str:
    """hOCR's ``baseline`` of a line across: its slope (image coordinates, y down) and where it meets the box's
    left side, from the box's bottom; empty for a column set top to bottom. The detector's box holds the
    descenders: the baseline is its bottom edge raised by ``DESCENT`` of its height. Renderers of text layers
    (OCRmyPDF's) lay the words of a skewed line along it."""
    if line.vertical or len(line.polygon) != 4:
        return ""
    (tx, ty), (bx0, by0), (bx1, by1) = line.polygon[0], line.polygon[3], line.polygon[2]
    if bx1 - bx0 < 1:
        return ""
    slope = (by1 - by0) / (bx1 - bx0)
    height = ((bx0 - tx) ** 2 + (by0 - ty) ** 2) ** 0.5
    intercept = by0 + slope * (line.bbox.x0 - bx0) - line.bbox.y1 - DESCENT * height
    return f"; baseline {slope:.4f} {round(intercept)}"


def _line(out: list[str], line: Line, lid: str) -> None:
    cls = "ocr_textfloat" if line.vertical else "ocr_line"
    title = f"{_bbox(line.bbox)}{_baseline(line)}; x_wconf {_conf(line.confidence)}"
    out.append(f"     <span class='{cls}' id='{lid}' title='{title}'>")
    words = line.words or []
    if not words:
        out.append(
            f"      <span class='ocrx_word' id='{lid}_w1' title='{_bbox(line.bbox)}; "
            f"x_wconf {_conf(line.confidence)}'>{escape(line.text)}</span>"
        )
    for n, w in enumerate(words):
        title = f"{_bbox(w.bbox)}; x_wconf {_conf(w.confidence)}"
        if w.chars:
            title += "; x_bboxes " + " ".join(
                f"{round(c.bbox.x0)} {round(c.bbox.y0)} {round(c.bbox.x1)} {round(c.bbox.y1)}" for c in w.chars
            )
        sep = " " if n + 1 < len(words) and not w.chars else ""
        out.append(f"      <span class='ocrx_word' id='{lid}_w{n + 1}' title='{title}'>{escape(w.text)}</span>{sep}")
    out.append("     </span>")


def _page(out: list[str], page: Page, source: str) -> None:
    pid = xml_id(f"page_{page.index + 1}")
    img = escape(page.source or source, quote=True).replace("'", "&#x27;")
    out.append(
        f"  <div class='ocr_page' id='{pid}' title='image \"{img}\"; bbox 0 0 {page.width} {page.height}; "
        f"ppageno {page.index}'>"
    )
    for b in page.blocks:
        bid = xml_id(b.id)
        if b.kind in TEXT_KINDS:
            lang = "zh" if page.lang == "zh" else "en"
            out.append(f"   <div class='ocr_carea' id='{bid}' title='{_bbox(b.bbox)}' data-kind='{b.kind}'>")
            out.append(f"    <p class='ocr_par' id='{bid}_p' lang='{lang}' title='{_bbox(b.bbox)}'>")
            for k, line in enumerate(b.lines):
                _line(out, line, f"{bid}_l{k + 1}")
            out.append("    </p>")
            out.append("   </div>")
        elif b.kind == "photo":
            out.append(f"   <div class='ocr_photo' id='{bid}' title='{_bbox(b.bbox)}'></div>")
        else:
            out.append(f"   <div class='ocr_separator' id='{bid}' title='{_bbox(b.bbox)}'></div>")
    out.append("  </div>")


def to_hocr(doc: Document) -> str:
    """Document → hOCR 1.2 (XHTML); one ocr_page per page."""
    name, version = software(doc)
    lang = doc.pages[0].lang if doc.pages else "zh"
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"',
        '    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
        f'<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="{lang}" lang="{lang}">',
        " <head>",
        f"  <title>{escape(doc.source)}</title>",
        '  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>',
        f"  <meta name='ocr-system' content='{name} {version}'/>",
        "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocr_textfloat ocrx_word "
        "ocr_photo ocr_separator ocrp_wconf'/>",
        f"  <meta name='ocr-number-of-pages' content='{len(doc.pages)}'/>",
        " </head>",
        " <body>",
    ]
    for p in doc.pages:
        _page(out, p, doc.source)
    out += [" </body>", "</html>", ""]
    return "\n".join(out)
