"""The other readers the bench compares with, their results in the shape the digitizer's JSON has (blocks of
lines with boxes, in their reading order), so that one scoring function serves all.

- raw RapidOCR (PP-OCRv6 small, its defaults): its lines in its own order, each line a block;
- Tesseract 5 (Debian's ``tesseract-ocr``, ``--psm 3``, the page's language): its blocks and lines in its order.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

#: Tesseract language per ground-truth language; the rest read as English (Latin script).
TESSERACT_LANGS = {
    "zh": "chi_sim",
    "en": "eng",
    "de": "deu",
    # Vertical pages: the vertical model first (Tesseract's own advice for pages set top to bottom), the
    # horizontal one beside it for the heads and ads set across.
    "zh-vert-hant": "chi_tra_vert+chi_tra",
    "zh-vert-hans": "chi_sim_vert+chi_sim",
}


def raw_result(res: Any) -> tuple[str, dict[str, Any]]:
    """Raw RapidOCR's text (a line per line) and its lines as blocks of the digitizer's JSON shape."""
    txts = list(getattr(res, "txts", None) or ())
    boxes = getattr(res, "boxes", None)
    blocks = []
    for i, (t, q) in enumerate(zip(txts, boxes if boxes is not None else [], strict=False)):
        xs, ys = [float(p[0]) for p in q], [float(p[1]) for p in q]
        bbox = [min(xs), min(ys), max(xs), max(ys)]
        blocks.append({"kind": "para", "reading_index": i, "bbox": bbox, "lines": [{"bbox": bbox, "text": t}]})
    return "\n".join(txts), {"pages": [{"blocks": blocks}]}


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def tesseract_version() -> str:
    try:
        r = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (r.stdout or r.stderr).splitlines()[0] if (r.stdout or r.stderr) else ""


def _langs() -> set[str]:
    r = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return set((r.stdout + r.stderr).split())


def tesseract_page(path: Path, lang: str, timeout: float = 1800) -> dict[str, Any]:
    """Tesseract on one page (``--psm 3``): seconds, text (a line per line, a blank line between blocks), and
    its blocks of lines with boxes."""
    code = TESSERACT_LANGS.get(lang, "eng")
    have = _langs()
    code = "+".join(c for c in code.split("+") if c in have) or "eng"
    t = time.perf_counter()
    r = subprocess.run(
        ["tesseract", str(path), "-", "--psm", "3", "-l", code, "tsv"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"tesseract failed on {path}: {r.stderr[-500:]}")
    lines: dict[tuple[int, int, int], dict[str, Any]] = {}
    for row in csv.DictReader(io.StringIO(r.stdout), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") != "5" or not (row.get("text") or "").strip():
            continue
        key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        x, y, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
        ln = lines.setdefault(key, {"words": [], "bbox": [x, y, x + w, y + h]})
        ln["words"].append(row["text"])
        b = ln["bbox"]
        ln["bbox"] = [min(b[0], x), min(b[1], y), max(b[2], x + w), max(b[3], y + h)]
    blocks: dict[int, dict[str, Any]] = {}
    for (blk, _, _), ln in lines.items():  # the TSV lists lines in Tesseract's reading order
        b = blocks.setdefault(blk, {"kind": "para", "reading_index": len(blocks), "lines": []})
        b["lines"].append({"bbox": ln["bbox"], "text": " ".join(ln["words"])})
    for b in blocks.values():
        boxes = [ln["bbox"] for ln in b["lines"]]
        b["bbox"] = [
            min(x[0] for x in boxes),
            min(x[1] for x in boxes),
            max(x[2] for x in boxes),
            max(x[3] for x in boxes),
        ]
    text = "\n\n".join("\n".join(ln["text"] for ln in b["lines"]) for b in blocks.values())
    return {"seconds": dt, "text": text, "pred": {"pages": [{"blocks": list(blocks.values())}]}, "lang": code}
