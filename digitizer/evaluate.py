"""Page-order scores, as ``../shared/eval/score.py`` defines them, plus layout detection scores.

cer_order: edit distance of the whole page text in reading order / GT length (NFKC; whitespace dropped for
Chinese, collapsed for English); char_recall / char_prec: order-free multiset overlap; intact: share of GT
paragraphs and ads (8+ characters) found as one contiguous span (fuzzy >= 90); order: share of consecutive
intact blocks in GT order.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .geometry import iou

__all__ = ["evaluate_dirs", "format_table", "layout_scores", "score_page"]

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "…": "...", "·": ".", "•": "●"})


def normalize(s: str, spaced: bool = False) -> str:
    """NFKC with unified quotes; whitespace dropped (CJK) or collapsed (spaced scripts)."""
    s = unicodedata.normalize("NFKC", s).translate(_QUOTES)
    return " ".join(s.split()) if spaced else "".join(s.split())


def score_page(gt: dict[str, Any], output: str) -> dict[str, float]:
    """The four page-order scores of one page's plain-text output."""
    spaced = gt.get("lang") == "en"
    blocks = [normalize(b["text"], spaced) for b in gt["blocks"]]
    ref = (" " if spaced else "").join(blocks)
    hyp = normalize(output, spaced)
    rc, hc = Counter(ref), Counter(hyp)
    common = sum((rc & hc).values())
    found: list[tuple[bool, int]] = []
    for norm_text, raw in zip(blocks, gt["blocks"], strict=True):
        if len(norm_text) < 8 or raw["type"] not in ("para", "ad"):
            continue
        al = fuzz.partial_ratio_alignment(norm_text, hyp)
        found.append((al is not None and al.score >= 90, al.dest_start if al is not None else -1))
    intact = [pos for ok, pos in found if ok]
    pairs = sum(1 for a, b in zip(intact, intact[1:], strict=False) if b > a)
    return {
        "cer_order": round(Levenshtein.distance(ref, hyp) / max(1, len(ref)), 4),
        "char_recall": round(common / max(1, len(ref)), 4),
        "char_prec": round(common / max(1, len(hyp)), 4),
        "intact": round(len(intact) / max(1, len(found)), 4),
        "order": round(pairs / max(1, len(intact) - 1), 4),
        "ref_chars": len(ref),
        "hyp_chars": len(hyp),
    }


def layout_scores(
    gt: dict[str, Any], pred: dict[str, Any], kinds: tuple[str, ...] = ("headline", "ad", "para"), thresh: float = 0.5
) -> dict[str, dict[str, float]]:
    """Region detection precision/recall at IoU >= ``thresh`` per kind, where GT boxes exist."""
    out: dict[str, dict[str, float]] = {}
    pblocks = [b for p in pred.get("pages", []) for b in p.get("blocks", [])]
    for kind in kinds:
        g = [b["bbox"] for b in gt["blocks"] if b["type"] == kind and any(b.get("bbox", [0, 0, 0, 0]))]
        if not g:
            continue
        p = [b["bbox"] for b in pblocks if b["kind"] == kind]
        hit_g = sum(1 for gb in g if any(iou(gb, pb) >= thresh for pb in p))
        hit_p = sum(1 for pb in p if any(iou(gb, pb) >= thresh for gb in g))
        out[kind] = {"recall": round(hit_g / len(g), 4), "precision": round(hit_p / max(1, len(p)), 4)}
    return out


def evaluate_dirs(gt_dir: Path, pred_dir: Path) -> dict[str, Any]:
    """Score every ``<stem>.gt.json`` in gt_dir against ``<stem>.txt`` (and ``.json``) in pred_dir.

    Ground-truth pages without an output are listed under ``missing``, never scored as if absent from the set.
    """
    pages: dict[str, Any] = {}
    missing: list[str] = []
    for gt_path in sorted(gt_dir.glob("*.gt.json")):
        stem = gt_path.name[: -len(".gt.json")]
        txt = pred_dir / f"{stem}.txt"
        if not txt.exists():
            missing.append(stem)
            continue
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        s: dict[str, Any] = dict(score_page(gt, txt.read_text(encoding="utf-8")))
        pj = pred_dir / f"{stem}.json"
        if pj.exists():
            s["layout"] = layout_scores(gt, json.loads(pj.read_text(encoding="utf-8")))
        s["lang"] = gt.get("lang", "")
        pages[stem] = s
    keys = ("cer_order", "char_recall", "char_prec", "intact", "order")
    overall = {k: round(sum(p[k] for p in pages.values()) / len(pages), 4) for k in keys} if pages else {}
    return {"pages": pages, "overall": overall, "count": len(pages), "missing": missing}


def format_table(report: dict[str, Any]) -> str:
    """A plain table, one row per page and the mean."""
    keys = ("cer_order", "char_recall", "char_prec", "intact", "order")
    rows = [f"{'page':40s} " + " ".join(f"{k:>11s}" for k in keys)]
    for stem, s in report["pages"].items():
        rows.append(f"{stem[:40]:40s} " + " ".join(f"{s[k]:11.4f}" for k in keys))
    if report["overall"]:
        rows.append(
            f"{'MEAN (' + str(report['count']) + ' pages)':40s} "
            + " ".join(f"{report['overall'][k]:11.4f}" for k in keys)
        )
    else:
        rows.append("no page had both ground truth and output")
    for stem in report.get("missing", []):
        rows.append(f"{stem[:40]:40s} no output (<stem>.txt) for this ground truth")
    return "\n".join(rows)
