"""A self-contained HTML view of one page: the scan with its regions and reading order, the text beside it.

No network and no external files: the scan is embedded as a downscaled JPEG (data URL), the overlay is inline
SVG in the scan's own pixel coordinates, and the little script that links text and regions is inline.
"""

from __future__ import annotations

import base64
import json
from html import escape
from typing import Any

import cv2
import numpy as np

from ..model import TEXT_KINDS, Block, Document, Page

__all__ = ["KIND_COLOURS", "index_html", "thumbnail_jpeg", "to_html"]

KIND_COLOURS = {
    "header": "#7f7f7f",
    "footer": "#7f7f7f",
    "headline": "#d62728",
    "subtitle": "#ff7f0e",
    "section": "#8c564b",
    "heading": "#e377c2",
    "para": "#1f77b4",
    "text": "#1f77b4",
    "byline": "#17becf",
    "caption": "#bcbd22",
    "jump": "#9edae5",
    "ad": "#2ca02c",
    "photo": "#9467bd",
    "rule": "#444444",
}


def thumbnail_jpeg(image: np.ndarray, max_side: int = 1600, quality: int = 80) -> bytes:
    """The page image (BGR) scaled to ``max_side`` and encoded as JPEG, for embedding."""
    h, w = image.shape[:2]
    s = min(1.0, max_side / max(h, w))
    small = cv2.resize(image, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - encoding a valid array does not fail
        raise ValueError("could not encode the page image")
    return buf.tobytes()


def _conf_colour(c: float) -> str:
    """Red (0.5 and below) through yellow to green (1.0)."""
    t = min(1.0, max(0.0, (c - 0.5) / 0.5))
    return f"hsl({round(120 * t)}, 75%, 85%)"


_CSS = """
body{margin:0;font:14px/1.5 system-ui,sans-serif;color:#222;background:#f4f4f4}
header{padding:8px 14px;background:#222;color:#eee}
header h1{font-size:16px;margin:0 0 4px}
header table{font-size:12px;border-collapse:collapse}
header td{padding:0 10px 0 0;vertical-align:top}
main{display:flex;gap:12px;padding:12px;align-items:flex-start}
#scanpane{flex:1 1 58%;position:sticky;top:0}
#scan{position:relative;width:100%}
#scan img{width:100%;display:block}
#scan svg{position:absolute;left:0;top:0;width:100%;height:100%}
.region{fill:transparent;stroke-width:3;cursor:pointer}
.region:hover,.region.active{fill:rgba(255,230,0,.35);stroke-width:6}
.region.kind-rule{stroke-dasharray:6 4}
.idx{font-weight:bold;paint-order:stroke;stroke:#fff;stroke-width:6px}
#path{fill:none;stroke:#000;stroke-opacity:.45;stroke-width:4}
#textpane{flex:1 1 42%;max-height:100vh;overflow:auto}
.block{background:#fff;border-left:6px solid #999;margin:0 0 8px;padding:6px 10px;cursor:pointer}
.block.active{outline:3px solid #f5c400}
.block .meta{font-size:11px;color:#666}
.line{border-radius:3px;padding:0 1px}
.line.low{text-decoration:underline wavy #c00}
.legend span{display:inline-block;padding:0 6px;margin:0 4px 0 0;border-radius:3px}
"""

_JS = """
(function(){
  function pick(id, scroll){
    document.querySelectorAll('.active').forEach(function(e){e.classList.remove('active');});
    var r=document.getElementById('r-'+id), t=document.getElementById('t-'+id);
    if(r){r.classList.add('active');}
    if(t){t.classList.add('active'); if(scroll){t.scrollIntoView({block:'nearest'});}}
    document.body.dataset.selected=id;
  }
  document.querySelectorAll('.region').forEach(function(r){
    r.addEventListener('click',function(){pick(r.dataset.id,true);});
  });
  document.querySelectorAll('.block').forEach(function(b){
    b.addEventListener('click',function(){pick(b.dataset.id,false);});
    b.addEventListener('mouseenter',function(){
      var r=document.getElementById('r-'+b.dataset.id); if(r){r.classList.add('hover');}
    });
  });
})();
"""


def _svg(page: Page) -> str:
    fs = max(16, round(max(page.width, page.height) / 90))
    parts = [
        f'<svg viewBox="0 0 {page.width} {page.height}" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
    ]
    centres = []
    for b in page.blocks:
        colour = KIND_COLOURS.get(b.kind, "#1f77b4")
        x, y = round(b.bbox.x0), round(b.bbox.y0)
        w, h = max(1, round(b.bbox.width)), max(1, round(b.bbox.height))
        parts.append(
            f'<rect id="r-{escape(b.id)}" class="region kind-{b.kind}" data-id="{escape(b.id)}" '
            f'data-kind="{b.kind}" data-index="{b.reading_index}" x="{x}" y="{y}" width="{w}" height="{h}" '
            f'stroke="{colour}"><title>{b.reading_index + 1}. {b.kind}</title></rect>'
        )
        if b.kind != "rule":
            centres.append((b.bbox.x0 + b.bbox.width / 2, b.bbox.y0 + b.bbox.height / 2))
            parts.append(
                f'<text class="idx" data-for="{escape(b.id)}" x="{x + 4}" y="{y + fs}" font-size="{fs}" '
                f'fill="{colour}">{b.reading_index + 1}</text>'
            )
    if len(centres) > 1:
        pts = " ".join(f"{round(cx)},{round(cy)}" for cx, cy in centres)
        parts.insert(
            1,
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" '
            'markerHeight="5" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#000" '
            'fill-opacity=".6"/></marker></defs>',
        )
        parts.append(f'<polyline id="path" points="{pts}" marker-mid="url(#arrow)" marker-end="url(#arrow)"/>')
    parts.append("</svg>")
    return "".join(parts)


def _text_block(b: Block, low: float) -> str:
    colour = KIND_COLOURS.get(b.kind, "#1f77b4")
    lines = []
    for ln in b.lines:
        cls = "line low" if ln.confidence < low else "line"
        lines.append(
            f'<span class="{cls}" data-conf="{ln.confidence:.3f}" title="confidence {ln.confidence:.3f} '
            f'({escape(ln.model)})" style="background:{_conf_colour(ln.confidence)}">{escape(ln.text)}</span>'
        )
    extra = ""
    if b.kind == "ad" and b.phones:
        extra = f" · phones: {escape(', '.join(b.phones))}"
    body = "<br>".join(lines) if lines else escape(b.text)
    return (
        f'<div class="block kind-{b.kind}" id="t-{escape(b.id)}" data-id="{escape(b.id)}" '
        f'style="border-left-color:{colour}"><div class="meta">{b.reading_index + 1}. {b.kind} · confidence '
        f'{b.confidence:.3f}{extra}</div><div class="text">{body}</div></div>'
    )


def to_html(doc: Document, image_jpeg: bytes | None = None, low_confidence: float = 0.8) -> str:
    """One page's view as a self-contained HTML document (``image_jpeg``: the embedded scan, if any)."""
    if len(doc.pages) != 1:
        raise ValueError("the HTML view shows one page; use Document.split()")
    page = doc.pages[0]
    img = ""
    if image_jpeg:
        img = f'<img alt="scan" src="data:image/jpeg;base64,{base64.b64encode(image_jpeg).decode()}">'
    else:
        img = f'<div style="aspect-ratio:{page.width}/{page.height};background:#fff;border:1px solid #ccc"></div>'
    models = ", ".join(doc.engine.get("models", {}))
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in page.timings.items())
    meta = [
        ("source", page.source or doc.source),
        ("size", f"{page.width} × {page.height} px"),
        ("angle", f"{page.angle:.2f}°"),
        ("orientation", f"{page.orientation}°"),
        ("engine", f"{doc.engine.get('engine', '')} ({models}); speed {doc.settings.get('speed', '')}"),
        ("timings", timings),
        ("confidence", f"{page.confidence:.3f}"),
    ]
    legend = "".join(f'<span style="border:2px solid {c}">{k}</span>' for k, c in KIND_COLOURS.items() if k != "text")
    conf_legend = "".join(
        f'<span style="background:{_conf_colour(c)}">{c:.1f}</span>' for c in (0.5, 0.7, 0.8, 0.9, 1.0)
    )
    text_blocks = [b for b in page.blocks if b.kind in TEXT_KINDS]
    data = {
        "page_id": page.page_id,
        "blocks": [{"id": b.id, "kind": b.kind, "index": b.reading_index} for b in page.blocks],
    }
    return "".join(
        [
            '<!DOCTYPE html><html lang="',
            "zh" if page.lang == "zh" else "en",
            '"><head><meta charset="utf-8">',
            f"<title>{escape(page.page_id or doc.source)} · digitizer</title><style>{_CSS}</style></head><body>",
            f"<header><h1>{escape(page.page_id or doc.source)}</h1><table>",
            "".join(f"<tr><td>{k}</td><td>{escape(str(v))}</td></tr>" for k, v in meta),
            f'</table><div class="legend">regions: {legend}</div>',
            f'<div class="legend">line confidence: {conf_legend} (underlined: below {low_confidence})</div></header>',
            f'<main><div id="scanpane"><div id="scan">{img}{_svg(page)}</div></div>',
            '<div id="textpane">',
            "".join(_text_block(b, low_confidence) for b in text_blocks),
            "</div></main>",
            '<script type="application/json" id="page-data">',
            escape(json.dumps(data, ensure_ascii=False), quote=False),
            "</script>",
            f"<script>{_JS}</script></body></html>\n",
        ]
    )


def index_html(rows: list[dict[str, Any]], title: str = "digitizer batch") -> str:
    """A table of a batch's pages: status, confidence, time, and a link to each page's view."""
    body = []
    for r in rows:
        link = r.get("html")
        name = escape(str(r.get("out_stem") or r.get("input")))
        cell = f'<a href="{escape(str(link))}">{name}</a>' if link else name
        conf = r.get("confidence")
        status = escape(str(r.get("status", "")))
        body.append(
            f'<tr class="{status}"><td>{cell}</td><td>{escape(str(r.get("input", "")))}</td>'
            f"<td>{r.get('page') or ''}</td><td>{status}</td>"
            f"<td>{'' if conf is None else f'{float(conf):.3f}'}</td>"
            f"<td>{float(r.get('seconds') or 0):.1f}</td><td>{escape(str(r.get('error', '') or ''))}</td></tr>"
        )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title><style>'
        "body{font:14px system-ui,sans-serif;margin:16px}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}tr.failed{background:#fdd}"
        f"</style></head><body><h1>{escape(title)}</h1><table><tr><th>page</th><th>input</th><th>page no.</th>"
        "<th>status</th><th>confidence</th><th>seconds</th><th>error</th></tr>"
        + "".join(body)
        + "</table></body></html>\n"
    )
