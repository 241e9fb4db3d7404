"""METS 1.12.1 for a newspaper issue: the pages' images and ALTO files, the issue page by page, and its articles,
ads and sections (an ad band's head holding its ads) pointing into the pages' ALTO TextBlocks (as NDNP and
Europeana Newspapers ingest an issue).

A document-level output: one ``<stem>.mets.xml`` beside the per-page ALTO files it names.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import PurePath

from ..model import Document, Page
from ._common import XmlWriter, attrs, package_name, software, xml_id
from .alto import pieces_of

__all__ = ["METS_NS", "to_mets"]

METS_NS = "http://www.loc.gov/METS/"
_XLINK = "http://www.w3.org/1999/xlink"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
_MIME = {
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jp2": "image/jp2",
    ".png": "image/png",
    ".pdf": "application/pdf",
}


@dataclass
class _Part:
    """A part of the issue's logical structure: its type, label, own ALTO TextBlocks (ALTO file id, block id),
    and the parts in it."""

    type: str
    label: str
    ids: list[tuple[str, str]]
    parts: list[_Part] = field(default_factory=list)


def _regions(page: Page, number: int, fileid: str, stories: dict[tuple[int, str], _Part]) -> list[_Part]:
    """The page's logical parts in reading order: each article (at its first block) and each ad in no article;
    a section head (a band such as "CLASSIFIEDS") holds the articles and ads after it, up to the next one. An
    article that continues one on an earlier page (``continued_from``) adds its blocks to that story's part
    instead: one story, one div, across pages. ``stories``: the articles' parts so far by (page, article id)."""
    blocks = {b.id: b for b in page.blocks}
    articles = {a.id: a for a in page.articles}
    out: list[_Part] = []
    section: _Part | None = None
    seen: set[str] = set()
    for b in page.blocks:
        part = None
        if b.kind == "section" and not b.article:
            section = _Part("section", b.text.strip(), [(fileid, i) for i in pieces_of(b)])
            out.append(section)
        elif b.article in articles and b.article not in seen:
            seen.add(b.article)
            a = articles[b.article]
            ids = [(fileid, pid) for bid in a.block_ids if bid in blocks for pid in pieces_of(blocks[bid])]
            came = a.continued_from
            head = stories.get((came["page"], came["article"])) if came and came["page"] < number else None
            if head is not None:
                head.ids.extend(ids)
                stories[(number, a.id)] = head
            elif ids:
                part = stories[(number, a.id)] = _Part("article", a.headline, ids)
        elif b.kind == "ad" and not b.article:
            part = _Part("advertisement", b.title or "", [(fileid, i) for i in pieces_of(b)])
        if part is not None:
            (section.parts if section is not None else out).append(part)
    return out


def to_mets(doc: Document, images: list[str], altos: list[str], label: str = "") -> str:
    """METS for ``doc``'s pages: ``images[i]`` and ``altos[i]`` name page i's image and ALTO file (as seen from
    the METS file; one image may hold several pages, as a multi-page TIFF or PDF does)."""
    created = (doc.created or datetime.now(UTC).replace(microsecond=0).isoformat()).replace("+00:00", "")
    w = XmlWriter()
    w.open(
        "mets",
        attrs(
            {
                "xmlns": METS_NS,
                "xmlns:xlink": _XLINK,
                "xmlns:xsi": _XSI,
                "xsi:schemaLocation": f"{METS_NS} http://www.loc.gov/standards/mets/version1121/mets.xsd",
                "OBJID": label or PurePath(doc.source).stem,
                "TYPE": "Newspaper issue",
            }
        ),
    )
    w.open("metsHdr", attrs({"CREATEDATE": created[:19]}))
    name, version = software(doc)
    w.open("agent", ' ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE"')
    w.leaf("name", "", f"{name} {version}")
    w.close()
    w.close()
    image_ids: dict[str, str] = {}
    w.open("fileSec")
    w.open("fileGrp", ' ID="IMAGES" USE="master"')
    for img in images:
        if img not in image_ids:
            image_ids[img] = f"IMG{len(image_ids) + 1:04d}"
            mime = _MIME.get(PurePath(img).suffix.lower(), "application/octet-stream")
            w.open("file", attrs({"ID": image_ids[img], "MIMETYPE": mime}))
            w.leaf("FLocat", attrs({"LOCTYPE": "URL", "xlink:href": package_name(img)}))
            w.close()
    w.close()
    w.open("fileGrp", ' ID="ALTO" USE="ocr"')
    for n, alto in enumerate(altos):
        w.open("file", attrs({"ID": f"ALTO{n + 1:04d}", "MIMETYPE": "text/xml"}))
        w.leaf("FLocat", attrs({"LOCTYPE": "URL", "xlink:href": package_name(alto)}))
        w.close()
    w.close()
    w.close()
    w.open("structMap", ' ID="PHYSICAL" TYPE="PHYSICAL"')
    w.open("div", ' ID="PHYS_ISSUE" TYPE="issue"')
    for n in range(len(doc.pages)):
        w.open("div", attrs({"ID": f"PHYS{n + 1:04d}", "TYPE": "page", "ORDER": str(n + 1)}))
        w.leaf("fptr", attrs({"FILEID": image_ids[images[n]]}))
        w.leaf("fptr", attrs({"FILEID": f"ALTO{n + 1:04d}"}))
        w.close()
    w.close()
    w.close()
    w.open("structMap", ' ID="LOGICAL" TYPE="LOGICAL"')
    w.open("div", attrs({"ID": "LOG_ISSUE", "TYPE": "issue", "LABEL": label or PurePath(doc.source).stem}))
    numbers = itertools.count(1)

    def write(part: _Part) -> None:
        head = {"ID": f"LOG{next(numbers):04d}", "TYPE": part.type}
        if part.label:
            head["LABEL"] = part.label
        w.open("div", attrs(head))
        if part.ids:
            w.open("fptr")
            w.open("seq")
            for fileid, bid in part.ids:
                w.leaf("area", attrs({"FILEID": fileid, "BEGIN": xml_id(bid), "BETYPE": "IDREF"}))
            w.close()
            w.close()
        for p in part.parts:
            write(p)
        w.close()

    # All pages' parts first: a story's div takes in the blocks of its continuations on later pages.
    stories: dict[tuple[int, str], _Part] = {}
    parts = [part for n, page in enumerate(doc.pages) for part in _regions(page, n + 1, f"ALTO{n + 1:04d}", stories)]
    for part in parts:
        write(part)
    w.close()
    w.close()
    return w.getvalue()
