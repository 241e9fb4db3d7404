"""Page-order scores, as ``../shared/eval/score.py`` defines them, plus layout detection scores.

cer_order: edit distance of the whole page text in reading order / GT length (NFKC; whitespace dropped for
Chinese, collapsed for English); char_recall / char_prec: order-free multiset overlap; intact: share of GT
paragraphs and ads (8+ characters) found as one contiguous span (fuzzy >= 90); order: share of consecutive
intact blocks in GT order.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .errors import DigitizerError
from .geometry import Box, iou, overlap, share_inside
from .groundtruth import GroundTruth, read_ground_truth, scan_beside

#: The scores a report can hold, in the table's order (each page has those its ground truth supports).
KEYS = (
    "cer_order",
    "char_recall",
    "char_prec",
    "word_f1",
    "word_recall",
    "intact",
    "order",
    "region_order",
    "lines_across",
    "block_class",
    "article_f1",
)

__all__ = ["evaluate_dirs", "format_table", "layout_scores", "score_page", "structure_scores"]

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


def _gt_block_at(gt_blocks: list[dict[str, Any]], x: float, y: float) -> int | None:
    """The ground-truth block one of whose boxes holds the point; the smallest where boxes nest (a head inside an
    ad's frame)."""
    best: tuple[float, int] | None = None
    for i, g in enumerate(gt_blocks):
        for bx in g.get("boxes") or []:
            if bx[0] <= x <= bx[2] and bx[1] <= y <= bx[3]:
                area = (bx[2] - bx[0]) * (bx[3] - bx[1])
                if best is None or area < best[0]:
                    best = (area, i)
    return best[1] if best is not None else None


def structure_scores(gt: dict[str, Any], pred: dict[str, Any]) -> dict[str, float]:
    """Block classes and article membership, from the output lines that fall in each ground-truth block.

    Each output line votes, by its length, for its block's kind and article in the ground-truth block under its
    centre. ``block_class``: the share of ground-truth blocks whose winning kind is theirs. ``article_*``: pairwise
    precision and recall over those blocks, a pair counting as together where both carry one article (the ground
    truth's ``article`` ids; the output's article ids) — only where the ground truth names articles."""
    gblocks = [g for g in gt.get("blocks", []) if g.get("text", "").strip()]
    kind_votes: list[Counter[str]] = [Counter() for _ in gblocks]
    art_votes: list[Counter[str]] = [Counter() for _ in gblocks]
    for b in _pred_blocks(pred):
        for ln in b.get("lines", []):
            x0, y0, x1, y1 = ln["bbox"]
            i = _gt_block_at(gblocks, (x0 + x1) / 2, (y0 + y1) / 2)
            if i is None:
                continue
            weight = max(1, len(ln.get("text", "")))
            kind_votes[i][b["kind"]] += weight
            art_votes[i][b.get("article") or ""] += weight
    seen = [i for i, v in enumerate(kind_votes) if v]
    out: dict[str, float] = {}
    if seen:
        ok = sum(1 for i in seen if kind_votes[i].most_common(1)[0][0] == gblocks[i]["type"])
        out["block_class"] = round(ok / len(seen), 4)
    if any(g.get("article") for g in gblocks):
        truth = [gblocks[i].get("article") or "" for i in seen]
        found = [art_votes[i].most_common(1)[0][0] for i in seen]
        both = t_pairs = f_pairs = 0
        for a in range(len(seen)):
            for b2 in range(a + 1, len(seen)):
                t = bool(truth[a]) and truth[a] == truth[b2]
                f = bool(found[a]) and found[a] == found[b2]
                t_pairs += t
                f_pairs += f
                both += t and f
        p_ = both / f_pairs if f_pairs else (1.0 if not t_pairs else 0.0)
        r_ = both / t_pairs if t_pairs else (1.0 if not f_pairs else 0.0)
        out["article_precision"] = round(p_, 4)
        out["article_recall"] = round(r_, 4)
        out["article_f1"] = round(2 * p_ * r_ / max(1e-9, p_ + r_), 4)
    return out


_WORD = re.compile(r"[^\W_]+")


def loose(s: str) -> str:
    """Lowercase letters and digits only (what a transcriber's typing and an OCR's agree on): NFKC, case folded,
    every other character dropped, spaces too."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s).casefold() if ch.isalnum())


def words(s: str) -> list[str]:
    """The words of ``s``, case folded (runs of letters and digits)."""
    return _WORD.findall(unicodedata.normalize("NFKC", s).casefold())


def score_loose(reference: str, output: str) -> dict[str, float]:
    """Scores against a plain transcription, on lowercase letters and digits only: cer_order (edit distance in
    reading order), char_recall and char_prec (order-free), and the order-free word F1, so that errors of order
    show apart from errors of reading."""
    ref, hyp = loose(reference), loose(output)
    common = sum((Counter(ref) & Counter(hyp)).values())
    rw, hw = Counter(words(reference)), Counter(words(output))
    wc = sum((rw & hw).values())
    wr, wp = wc / max(1, sum(rw.values())), wc / max(1, sum(hw.values()))
    return {
        "cer_order": round(Levenshtein.distance(ref, hyp) / max(1, len(ref)), 4),
        "char_recall": round(common / max(1, len(ref)), 4),
        "char_prec": round(common / max(1, len(hyp)), 4),
        "word_recall": round(wr, 4),
        "word_f1": round(2 * wr * wp / max(1e-9, wr + wp), 4),
        "ref_chars": len(ref),
        "hyp_chars": len(hyp),
    }


def _pred_blocks(pred: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for p in pred.get("pages", []) for b in p.get("blocks", []) if b.get("kind") not in ("rule", "photo")]


def lines_across(gt_boxes: list[Box], pred: dict[str, Any]) -> int:
    """Output lines whose box lies across two of the ground truth's side-by-side blocks: a line read across a
    gutter or rule. A line counts where it covers at least two line heights of each of two blocks that sit side by
    side (apart in x, overlapping in y) at the line's height."""
    n = 0
    for b in _pred_blocks(pred):
        for ln in b.get("lines", []):
            x0, y0, x1, y1 = ln["bbox"]
            h, cy = max(1.0, y1 - y0), (y0 + y1) / 2
            hit = [g for g in gt_boxes if g[1] <= cy <= g[3] and overlap(x0, x1, g[0], g[2]) >= 2 * h]
            if any(a[2] <= c[0] or c[2] <= a[0] for i, a in enumerate(hit) for c in hit[i + 1 :]):
                n += 1
    return n


def region_order(gt_boxes: list[Box], pred: dict[str, Any]) -> float:
    """Reading order of the ground truth's regions as the output has it, from geometry alone (for pages whose
    text the models cannot read, such as Fraktur): each region's place is the first output line inside it, and
    the score is the share of consecutive regions (in the ground truth's order) that come out in that order."""
    lines = [
        (b.get("reading_index", 0), k, ln["bbox"])
        for b in _pred_blocks(pred)
        for k, ln in enumerate(b.get("lines", []))
    ]
    pos: list[tuple[int, int]] = []
    for g in gt_boxes:
        inside = [(ri, k) for ri, k, lb in lines if share_inside(tuple(lb), g) >= 0.5]  # type: ignore[arg-type]
        if inside:
            pos.append(min(inside))
    pairs = sum(1 for a, b in zip(pos, pos[1:], strict=False) if b > a)
    return round(pairs / max(1, len(pos) - 1), 4)


def score_ground_truth(gt: GroundTruth, text: str, pred: dict[str, Any] | None, loose: bool = False) -> dict[str, Any]:
    """The scores a page's ground truth supports (see ``groundtruth``); absent ones are left out. ``loose``: the
    generator's ground truth too is scored on lowercase letters and digits only, as a transcription is."""
    if gt.source == "synth" and not loose:
        s: dict[str, Any] = dict(score_page(gt.raw, text))
        if pred is not None:
            s["layout"] = layout_scores(gt.raw, pred)
            s.update(structure_scores(gt.raw, pred))
        return s
    s = score_loose(gt.text, text)
    boxes = [b["bbox"] for b in gt.blocks if b.get("bbox") and b["text"].strip()]
    if not gt.ordered or not gt.corrected:
        # An archive's uncorrected OCR in its own block order: only an order-free check of the words holds.
        s = {k: s[k] for k in ("word_recall", "word_f1", "char_recall", "ref_chars", "hyp_chars")}
    if pred is not None and boxes:
        s["lines_across"] = lines_across(boxes, pred)
        if gt.ordered:
            s["region_order"] = region_order(boxes, pred)
    return s


def _gt_files(gt_dir: Path) -> list[tuple[str, Path]]:
    """(relative stem, ground-truth file) for every page with ground truth under ``gt_dir``: every .gt.json, and
    .xml or .txt files that sit beside a scan of the same stem."""
    out: dict[str, Path] = {}
    for p in sorted(gt_dir.rglob("*.gt.json")):
        out[str(p.relative_to(gt_dir))[: -len(".gt.json")]] = p
    for p in sorted(gt_dir.rglob("*")):
        if p.suffix in (".xml", ".txt") and not p.name.startswith("."):
            stem = str(p.relative_to(gt_dir).with_suffix(""))
            if stem not in out and scan_beside(p) is not None:
                out[stem] = p
    return sorted(out.items())


def _image_size(gt_path: Path) -> tuple[int, int] | None:
    """The size of the scan beside an XML ground truth (ALTO's units are turned into its pixels); None where
    there is none or it cannot be read."""
    from .load import page_sizes

    scan = scan_beside(gt_path) if gt_path.suffix == ".xml" else None
    try:
        return page_sizes(scan)[0] if scan is not None else None
    except DigitizerError:
        return None


def evaluate_dirs(gt_dir: Path, pred_dir: Path, loose: bool = False) -> dict[str, Any]:
    """Score every page with ground truth under gt_dir (``.gt.json``, or ALTO, PAGE or plain text beside its scan)
    against ``<stem>.txt`` (and ``.json``) in pred_dir, stems relative to the folders.

    Ground-truth pages without an output are listed under ``missing``, never scored as if absent from the set.
    """
    pages: dict[str, Any] = {}
    missing: list[str] = []
    for stem, gt_path in _gt_files(gt_dir):
        txt = pred_dir / f"{stem}.txt"
        if not txt.exists():
            missing.append(stem)
            continue
        gt = read_ground_truth(gt_path, _image_size(gt_path))
        pj = pred_dir / f"{stem}.json"
        pred = json.loads(pj.read_text(encoding="utf-8")) if pj.exists() else None
        s = score_ground_truth(gt, txt.read_text(encoding="utf-8"), pred, loose)
        s["lang"] = gt.lang
        s["ground_truth"] = gt.source
        pages[stem] = s
    overall = {
        k: round(sum(p[k] for p in pages.values() if k in p) / n, 4)
        for k in KEYS
        if (n := sum(1 for p in pages.values() if k in p))
    }
    return {"pages": pages, "overall": overall, "count": len(pages), "missing": missing}


def format_table(report: dict[str, Any]) -> str:
    """A plain table, one row per page and the mean; a score the page's ground truth cannot give is ``-``."""
    keys = [k for k in KEYS if k in report["overall"]]

    def cell(s: dict[str, Any], k: str) -> str:
        v = s.get(k)
        return f"{v:11.4f}" if isinstance(v, float) else f"{v:>11}" if v is not None else f"{'-':>11s}"

    rows = [f"{'page':40s} " + " ".join(f"{k:>11s}" for k in keys)]
    for stem, s in report["pages"].items():
        rows.append(f"{stem[-40:]:40s} " + " ".join(cell(s, k) for k in keys))
    if report["overall"]:
        rows.append(
            f"{'MEAN (' + str(report['count']) + ' pages)':40s} " + " ".join(cell(report["overall"], k) for k in keys)
        )
    else:
        rows.append("no page had both ground truth and output")
    for stem in report.get("missing", []):
        rows.append(f"{stem[:40]:40s} no output (<stem>.txt) for this ground truth")
    return "\n".join(rows)
