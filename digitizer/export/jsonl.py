"""JSON Lines for indexing: one record per article, per ad and per other text block not in an article.

Ids are stable (``<page id>_a01``, ``<page id>_b007``), so re-indexing a rerun overwrites rather than duplicates.
"""

from __future__ import annotations

import json
from typing import Any

from ..model import TEXT_KINDS, BBox, Document, Page

__all__ = ["records", "to_jsonl", "to_stories"]


def _box(b: BBox) -> list[int]:
    return [round(b.x0), round(b.y0), round(b.x1), round(b.y1)]


def records(page: Page, source: str) -> list[dict[str, Any]]:
    """The indexing records of one page, in reading order."""
    by_id = {b.id: b for b in page.blocks}
    base = {"page_id": page.page_id, "source": page.source or source, "page": page.index + 1, "lang": page.lang}
    out: list[dict[str, Any]] = []
    done: set[str] = set()
    for b in page.blocks:
        if b.kind not in TEXT_KINDS or b.id in done:
            continue
        art = next((a for a in page.articles if a.id == b.article), None) if b.article else None
        if art is not None:
            parts = [by_id[i] for i in art.block_ids if i in by_id]
            # Jump lines ("Continued on Page 3") are directions to the reader, not the story's text.
            texts = [p for p in parts if p.kind in TEXT_KINDS and p.kind != "jump" and p.text.strip()]
            n = sum(len(p.text) for p in texts) or 1
            out.append(
                {
                    "id": art.id,
                    **base,
                    "kind": "article",
                    "reading_index": min(p.reading_index for p in parts),
                    "headline": art.headline,
                    "text": "\n\n".join(p.text for p in texts),
                    "bbox": _box(BBox.union_of(p.bbox for p in parts)),
                    "confidence": round(sum(p.confidence * len(p.text) for p in texts) / n, 4),
                    "blocks": [{"id": p.id, "kind": p.kind, "bbox": _box(p.bbox)} for p in parts],
                }
            )
            if jumps := [p.text for p in parts if p.kind == "jump"]:
                out[-1]["jumps"] = jumps
            # A story that jumps: where it goes on and where it comes from (page of the document or issue).
            for key in ("continued_on", "continued_from"):
                if (link := getattr(art, key)) is not None:
                    out[-1][key] = dict(link)
            done.update(art.block_ids)
            continue
        rec: dict[str, Any] = {
            "id": b.id,
            **base,
            "kind": b.kind,
            "reading_index": b.reading_index,
            "text": b.text,
            "bbox": _box(b.bbox),
            "confidence": round(b.confidence, 4),
        }
        if b.kind == "ad":
            rec["title"] = b.title or ""
            rec["phones"] = list(b.phones)
        out.append(rec)
    return out


def to_jsonl(doc: Document) -> str:
    """Document → JSON Lines, one record per line."""
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=False) for p in doc.pages for r in records(p, doc.source)]
    return "".join(line + "\n" for line in lines)


def to_stories(pages: list[Page], source: str) -> str:
    """The stories of a document or issue (``pages`` in order, articles linked), one JSON line each, a story that
    jumps joined across its pages (``articles.stitched_records``)."""
    from ..articles import stitched_records

    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in stitched_records(pages, source))
