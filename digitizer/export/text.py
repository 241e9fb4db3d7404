"""Plain text and Markdown: blocks in reading order, a paragraph per line, a blank line between blocks."""

from __future__ import annotations

from ..model import Document, Page

__all__ = ["to_markdown", "to_text"]


def _page_text(page: Page) -> str:
    return "\n\n".join(b.text for b in page.text_blocks() if b.text.strip())


def to_text(doc: Document) -> str:
    """Every page's text blocks in reading order; pages separated by a form feed."""
    return "\n\f\n".join(_page_text(p) for p in doc.pages) + "\n"


_MD_PREFIX = {"headline": "# ", "section": "## ", "heading": "### ", "subtitle": "**"}


def _md_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


def to_markdown(doc: Document) -> str:
    """Markdown: headline ``#``, section ``##``, headings ``###``, ads as list items under their section."""
    out: list[str] = []
    for p in doc.pages:
        if len(doc.pages) > 1:
            out.append(f"<!-- page {p.index + 1} -->")
        for b in p.text_blocks():
            t = _md_escape(b.text.strip())
            if not t:
                continue
            if b.kind == "headline":
                out.append("# " + t.replace("\n", " "))
            elif b.kind == "section":
                out.append("## " + t.replace("\n", " "))
            elif b.kind == "heading":
                out.append("### " + t.replace("\n", " "))
            elif b.kind == "subtitle":
                out.append(f"**{t}**")
            elif b.kind in ("header", "footer"):
                out.append(f"<small>{t}</small>")
            elif b.kind == "caption":
                out.append(f"*{t}*")
            elif b.kind == "byline":
                out.append(f"— {t}")
            elif b.kind == "jump":
                out.append(f"_{t}_")
            elif b.kind == "ad":
                title, _, rest = t.partition("\n")
                body = rest.replace("\n", "  \n  ")
                out.append(f"- **{title}**" + (f"  \n  {body}" if body else ""))
            else:
                out.append(t)
    return "\n\n".join(out) + "\n"
