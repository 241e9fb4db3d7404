"""Document-level outputs of a batch: one METS and one searchable PDF per group of pages (each input file, or
the whole batch as one newspaper issue with ``--issue``), built once every page of the group is done.

They are made from the pages' JSON results (the result tree, read back) and, for the PDF, the scans' pages
decoded again one at a time, so they come out the same whether the pages were converted in this run, an
earlier one, or on a cluster's nodes.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import OutputError
from .files import atomic_write

__all__ = ["DocumentGroup", "groups_of", "image_href", "link_pages", "write_documents"]

log = logging.getLogger(__name__)

_SUFFIX = {"mets": "mets.xml", "pdf": "pdf", "articles": "articles.jsonl"}
#: The page outputs that carry the links between a story's parts.
LINKED_FORMATS = ("json", "jsonl")


@dataclass(frozen=True)
class DocumentGroup:
    """Pages that make one document: its name (the output stem) and its pages' (input, 0-based page, out stem)
    in order."""

    name: str
    pages: tuple[tuple[str, int, str], ...]


def image_href(outdir: Path, scan: str | Path) -> str:
    """How a METS file in ``outdir`` names a scan: the path from there to it, so that the reference resolves
    where the METS lies (a package moved whole keeps it)."""
    return Path(os.path.relpath(Path(scan).resolve(), outdir.resolve())).as_posix()


def groups_of(pages: list[tuple[str, int, str, str]], issue: str | None) -> list[DocumentGroup]:
    """Groups of pages given as (input, 0-based page, out stem, the input's stem): one group per input file, in
    the order given, named by the input's stem; or, with ``issue``, all pages as one group of that name."""
    if issue is not None:
        return [DocumentGroup(issue, tuple(p[:3] for p in pages))]
    by_input: dict[str, list[tuple[str, int, str, str]]] = {}
    for p in pages:
        by_input.setdefault(p[0], []).append(p)
    return [DocumentGroup(ps[0][3], tuple(p[:3] for p in ps)) for ps in by_input.values()]


def _page_doc(outdir: Path, out_stem: str) -> Any:
    from .model import Document

    path = outdir / f"{out_stem}.json"
    try:
        return Document.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(f"{path}: cannot read the page's result ({exc})") from exc


def link_pages(outdir: Path, docs: list[Any], stems: list[str], formats: Sequence[str]) -> list[Path]:
    """Link the stories that jump between the pages of ``docs`` (one page each, in the document's or issue's
    order; ``articles.link_articles``) and rewrite the page outputs that carry the links (JSON, JSONL) where a
    page's links changed; returns the paths rewritten. A rerun that finds the same links writes nothing."""
    from .articles import link_articles
    from .export import EXTENSIONS, export

    pages = [d.pages[0] for d in docs]
    before = [[a.to_dict() for a in p.articles] for p in pages]
    link_articles(pages)
    rendered = [
        (outdir / f"{stem}{EXTENSIONS[f]}", export(doc, f))
        for doc, page, was, stem in zip(docs, pages, before, stems, strict=True)
        if [a.to_dict() for a in page.articles] != was
        for f in LINKED_FORMATS
        if f in formats
    ]
    for path, data in rendered:  # all rendered first: an exporter error leaves the pages as they were
        atomic_write(path, data)
    return [p for p, _ in rendered]


def _stale(target: Path, sources: list[Path]) -> bool:
    """Whether ``target`` is missing or older than any of ``sources`` (a page redone since it was written)."""
    if not target.is_file():
        return True
    made = target.stat().st_mtime_ns
    return any(s.stat().st_mtime_ns > made for s in sources)


def write_documents(
    outdir: Path,
    groups: list[DocumentGroup],
    formats: list[str],
    done: set[tuple[str, int]],
    *,
    page_formats: tuple[str, ...] | list[str] = ("json",),
    pdfa: bool = True,
    pdf_dpi: int = 300,
) -> tuple[list[Path], list[str]]:
    """Write each group's METS (``<name>.mets.xml``), PDF (``<name>.pdf``) and whole stories
    (``<name>.articles.jsonl``, format ``articles``) where missing or older than its pages' results, after linking
    the stories that jump between its pages (``link_pages``: the pages' JSON and JSONL, ``page_formats``, are
    rewritten where their links change). A group with a page not ``done`` ((input, 0-based page)) gets none: an
    issue with a page missing is not written as if whole. Returns (paths written, one message per group left
    out)."""
    from .export.jsonl import to_stories
    from .export.mets import to_mets
    from .export.pdf import PdfBuilder
    from .load import load_pages
    from .model import Document

    written: list[Path] = []
    skipped: list[str] = []
    for g in groups:
        missing = [f"{inp} page {i + 1}" for inp, i, _ in g.pages if (inp, i) not in done]
        if missing:
            what = "not written" if formats else "stories not linked"
            skipped.append(f"{g.name}: {what}, {len(missing)} of its pages failed ({', '.join(missing[:3])})")
            continue
        sources = [outdir / f"{stem}.json" for _, _, stem in g.pages]
        stems = [stem for _, _, stem in g.pages]
        docs = None
        # A hidden stamp says when the group's pages were last linked: a rerun with nothing redone reads none.
        stamp = outdir / f".{g.name}.linked"
        if len(g.pages) > 1 and any(f in page_formats for f in LINKED_FORMATS) and _stale(stamp, sources):
            docs = [_page_doc(outdir, stem) for stem in stems]
            relinked = link_pages(outdir, docs, stems, page_formats)
            if relinked:
                log.info("%s: stories linked across its pages, %d page outputs rewritten", g.name, len(relinked))
            atomic_write(stamp, "")
        todo = [f for f in _SUFFIX if f in formats and _stale(outdir / f"{g.name}.{_SUFFIX[f]}", sources)]
        if not todo:
            continue
        docs = docs or [_page_doc(outdir, stem) for stem in stems]  # read once for all
        if "mets" in todo:
            first = docs[0]
            pages = [d.pages[0] for d in docs]
            issue = Document(g.pages[0][0], pages, first.engine, first.settings, first.version, first.created)
            images = [image_href(outdir, inp) for inp, _, _ in g.pages]
            xml = to_mets(issue, images, [f"{s}.alto.xml" for _, _, s in g.pages], g.name)
            path = outdir / f"{g.name}.mets.xml"
            atomic_write(path, xml)
            written.append(path)
        if "pdf" in todo:
            pdf = PdfBuilder()
            for (inp, i, _), doc in zip(g.pages, docs, strict=True):
                (page_img,) = load_pages(inp, max_pixels=0, pdf_dpi=pdf_dpi, pages={i})
                pdf.add(doc, page_img.image, Path(inp) if page_img.page_count == 1 else None)
            path = outdir / f"{g.name}.pdf"
            atomic_write(path, pdf.finish(title=g.name, pdfa=pdfa))
            written.append(path)
        if "articles" in todo:
            path = outdir / f"{g.name}.articles.jsonl"
            atomic_write(path, to_stories([d.pages[0] for d in docs], g.pages[0][0]))
            written.append(path)
    return written, skipped
