"""The bench's hard pages: generated historical pages and the real tuning scans (``../shared/eval/real_news``),
each read by the digitizer (``balanced``), raw RapidOCR and Tesseract 5 in the same run, scored per page with
what its ground truth supports, and checked against the targets of the real-scans issue."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from digitizer.evaluate import score_ground_truth
from digitizer.groundtruth import GroundTruth, read_ground_truth, scan_beside
from digitizer.load import SCAN_SUFFIXES, page_sizes

READERS = ("balanced", "raw-rapidocr", "tesseract")


def real_pages(root: Path) -> list[tuple[str, Path, Path]]:
    """(name, scan, ground truth) for every real page under ``root`` with ground truth beside it. A scan named
    with a prefix before the ground truth's stem (``0129_page.tif`` beside ``page.xml``) is taken as its scan
    where it is the only one so named."""
    out = []
    for gt in sorted(root.rglob("*")):
        if gt.suffix not in (".xml", ".txt") or gt.name.startswith("."):
            continue
        scan = scan_beside(gt)
        if scan is None:
            named = [
                p for p in gt.parent.iterdir() if p.suffix.lower() in SCAN_SUFFIXES and p.stem.endswith("_" + gt.stem)
            ]
            scan = named[0] if len(named) == 1 else None
        if scan is not None:
            rel = gt.relative_to(root).with_suffix("").parts
            # The source (its folder, up to "__") and the scan's last two path parts: "chronam_evening_star/
            # 1859022101/0007".
            name = "/".join([rel[0].split("__")[0], *rel[1:][-2:]])
            out.append((name, scan, gt))
    return out


def ground_truth(gt_path: Path, scan: Path) -> GroundTruth:
    size = page_sizes(scan)[0] if gt_path.suffix == ".xml" else None
    return read_ground_truth(gt_path, size)


def score(gt: GroundTruth, result: dict[str, Any]) -> dict[str, Any]:
    """The page's scores as ``digitizer eval`` gives them (``result``: its text and, where there is one, its JSON
    as ``pred``)."""
    return score_ground_truth(gt, result["text"], result.get("pred"))


def targets(kind: str, gt: GroundTruth, s: dict[str, dict[str, Any]]) -> dict[str, bool]:
    """The real-scans issue's targets that apply to this page, each met or not."""
    ours, raw, tess = s["balanced"], s["raw-rapidocr"], s["tesseract"]
    out: dict[str, bool] = {}
    recall = "word_recall" if "word_recall" in ours and "cer_order" not in ours else "char_recall"
    if "cer_order" in ours and "cer_order" in tess:
        out["cer_order ≤ Tesseract"] = ours["cer_order"] <= tess["cer_order"]
    if recall in ours and recall in raw:
        out[f"{recall} ≥ raw − 0.005"] = ours[recall] >= raw[recall] - 0.005
    if kind in ("historical", "vertical") and gt.lang == "zh":
        out["cer ≤ 1.5(1−recall)+0.02"] = ours["cer_order"] <= 1.5 * (1 - ours["char_recall"]) + 0.02
        out["intact ≥ 0.9"] = ours["intact"] >= 0.9
    if kind == "vertical":
        out["order ≥ 0.95"] = ours["order"] >= 0.95
    if "region_order" in ours and "region_order" in tess:
        out["region_order ≥ Tesseract"] = ours["region_order"] >= tess["region_order"]
    if "lines_across" in ours and not gt.ordered:
        out["no line across blocks"] = ours["lines_across"] == 0
    return out


def summarize(pages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Medians of time per reader over the real pages and the historical ones, and the targets met."""
    out: dict[str, Any] = {}
    for kind in ("historical", "vertical", "real"):
        sub = [p for p in pages.values() if p["kind"] == kind]
        if not sub:
            continue
        out[kind] = {
            "pages": len(sub),
            "median_s": {r: statistics.median(p["seconds"][r] for p in sub) for r in READERS if r in sub[0]["seconds"]},
            "balanced_vs_raw": statistics.median(p["seconds"]["balanced"] / p["seconds"]["raw-rapidocr"] for p in sub),
            "targets_met": sum(sum(p["targets"].values()) for p in sub),
            "targets": sum(len(p["targets"]) for p in sub),
        }
    return out


_COLS = ("cer_order", "char_recall", "word_recall", "word_f1", "intact", "order", "region_order", "lines_across")


def render(hard: dict[str, Any]) -> list[str]:
    """The section of RESULTS.md: per page, the three readers' scores and times, and the targets."""
    pages = hard["pages"]
    L = [
        "",
        "## Historical and real pages",
        "",
        "Generated historical pages (`digitizer synth --style historical`: 6-9 justified columns of small type, "
        "narrow gutters, thin/faint/broken rules, spanning heads, L-shaped articles, drop capitals, small ads, a fold, "
        "torn edges, a dark scanner border, pencil, stains, greyscale JPEG or bitonal TIFF), generated vertical "
        "Chinese pages (`--style vertical`: tiers of ruled-off articles set top to bottom, traditional and "
        "simplified, heads down or across, boxed ads, aged the same way), each with exact ground truth, "
        "and the real tuning scans of `../shared/eval/real_news` (where present) with the ground truth each has. "
        f"Each page read by the digitizer (`balanced`), raw RapidOCR and {hard.get('tesseract', 'Tesseract')} "
        "(`--psm 3`, the page's language) in the same run, one after the other. Scores as `digitizer eval`: on "
        "the archive's uncorrected OCR (ChronAm) only order-free word scores and lines across its blocks; on PAGE "
        "ground truth with unreadable Fraktur (NZZ) the region order from geometry.",
        "",
    ]
    kinds = (
        ("historical", "Generated historical pages"),
        ("vertical", "Generated vertical Chinese pages (Tesseract: the `_vert` model with the horizontal one)"),
        ("real", "Real scans"),
    )
    for kind, title in kinds:
        sub = {k: v for k, v in pages.items() if v["kind"] == kind}
        if not sub:
            continue
        cols = [c for c in _COLS if any(c in v["scores"]["balanced"] for v in sub.values())]
        L += [f"### {title}", "", "| page | reader | s | " + " | ".join(cols) + " |"]
        L.append("|---|---|---|" + "---|" * len(cols))
        for name, v in sorted(sub.items()):
            for r in READERS:
                s = v["scores"].get(r)
                if s is None:
                    continue
                cells = [(f"{s[c]:.4f}" if isinstance(s[c], float) else str(s[c])) if c in s else "–" for c in cols]
                L.append(
                    f"| {name if r == 'balanced' else ''} | {r} | {v['seconds'][r]:.1f} | " + " | ".join(cells) + " |"
                )
        L += ["", "Targets per page (✓ met, ✗ not):", "", "| page | targets |", "|---|---|"]
        for name, v in sorted(sub.items()):
            L.append(f"| {name} | " + "; ".join(f"{'✓' if ok else '✗'} {t}" for t, ok in v["targets"].items()) + " |")
        sm = hard["summary"][kind]
        L += [
            "",
            f"- {sm['pages']} pages; median seconds: "
            + ", ".join(f"{r} {t:.1f}" for r, t in sm["median_s"].items())
            + f"; balanced / raw RapidOCR time (median of per-page ratios) **{sm['balanced_vs_raw']:.2f}×**"
            + f"; targets met **{sm['targets_met']}/{sm['targets']}**.",
            "",
        ]
    return L
