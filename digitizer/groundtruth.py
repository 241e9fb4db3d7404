"""Ground truth as archives have it, read into one shape for ``evaluate``.

- ``<stem>.gt.json``: the generator's exact ground truth (blocks in reading order, with types and boxes).
- ``<stem>.txt``: a full-page transcription as volunteers type it (corrected, in their reading order, no boxes).
- ``<stem>.xml``, ALTO (any version): an archive's OCR, usually uncorrected, its blocks in the archive's order.
- ``<stem>.xml``, PAGE (2013 or 2019): regions with their reading order, line text corrected by hand.

Boxes are turned into the scan's pixels (ALTO's ``inch1200`` or ``mm10`` by the page's size against the image's).
"""

from __future__ import annotations

import glob
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import UnreadableImageError
from .geometry import Box
from .load import SCAN_SUFFIXES

__all__ = ["GroundTruth", "read_ground_truth", "scan_beside"]


@dataclass
class GroundTruth:
    """One page's ground truth: its blocks (type, text, box in scan pixels or None) and what they can be trusted
    for. ``ordered``: the blocks are in a checked reading order. ``corrected``: the text was checked by people."""

    source: str  # "synth", "text", "alto" or "page"
    blocks: list[dict[str, Any]]
    lang: str = ""
    ordered: bool = True
    corrected: bool = True
    raw: dict[str, Any] = field(default_factory=dict)  # the .gt.json itself, for the generator's own scores

    @property
    def text(self) -> str:
        """The page's text, block after block."""
        return "\n\n".join(b["text"] for b in self.blocks)


def scan_beside(gt_path: Path) -> Path | None:
    """The scan a ground-truth file belongs to: the image or PDF of the same stem in its folder (``0007.xml`` →
    ``0007.jpg``, ``page.gt.json`` → ``page.png``), or None."""
    stem = gt_path.name.removesuffix(".gt.json") if gt_path.name.endswith(".gt.json") else gt_path.stem
    for p in gt_path.parent.glob(f"{glob.escape(stem)}.*"):
        if p.stem == stem and p.suffix.lower() in SCAN_SUFFIXES and p.is_file():
            return p
    return None


def read_ground_truth(path: Path, image_size: tuple[int, int] | None = None) -> GroundTruth:
    """Read any ground truth this module knows; ``image_size`` (width, height) scales ALTO's units to pixels.

    Raises:
        UnreadableImageError: not a ground-truth file of a known kind.
    """
    name = path.name
    try:
        if name.endswith(".gt.json"):
            gt = json.loads(path.read_text(encoding="utf-8"))
            return GroundTruth("synth", gt["blocks"], gt.get("lang", ""), raw=gt)
        if name.endswith(".txt"):
            return GroundTruth("text", [{"type": "para", "text": path.read_text(encoding="utf-8"), "bbox": None}])
        if name.endswith(".xml"):
            root = ET.parse(path).getroot()
    except (OSError, ValueError, KeyError, ET.ParseError) as exc:
        raise UnreadableImageError(f"{path}: not readable ground truth ({exc})") from exc
    if not name.endswith(".xml"):
        raise UnreadableImageError(f"{path}: not a ground-truth file (.gt.json, .txt, ALTO or PAGE .xml)")
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if "alto" in ns.lower() or root.tag == "alto":
        return _alto(root, ns, image_size)
    if "primaresearch.org/PAGE" in ns:
        return _page(root, ns)
    raise UnreadableImageError(f"{path}: XML that is neither ALTO nor PAGE ({root.tag})")


def _box(x: float, y: float, w: float, h: float, scale: float) -> Box:
    return (x * scale, y * scale, (x + w) * scale, (y + h) * scale)


def _alto(root: ET.Element, ns: str, image_size: tuple[int, int] | None) -> GroundTruth:
    q = f"{{{ns}}}" if ns else ""
    page = root.find(f".//{q}Page")
    scale = 1.0
    if page is not None and image_size and float(page.get("WIDTH") or 0) > 0:
        scale = image_size[0] / float(page.get("WIDTH") or 1)
    blocks = []
    for tb in root.iter(f"{q}TextBlock"):
        lines = []
        for tl in tb.iter(f"{q}TextLine"):
            words = []
            for el in tl:
                if el.tag == f"{q}String":
                    # A hyphenated word split over two lines: its whole form is in SUBS_CONTENT on both parts.
                    if el.get("SUBS_TYPE") == "HypPart2":
                        continue
                    words.append(el.get("SUBS_CONTENT") if el.get("SUBS_TYPE") == "HypPart1" else el.get("CONTENT"))
            lines.append(" ".join(w for w in words if w))
        x, y, w, h = (float(tb.get(k) or 0) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
        blocks.append({"type": "para", "text": "\n".join(lines), "bbox": _box(x, y, w, h, scale)})
    return GroundTruth("alto", blocks, ordered=False, corrected=False)


def _page(root: ET.Element, ns: str) -> GroundTruth:
    q = f"{{{ns}}}"
    regions: dict[str, dict[str, Any]] = {}
    for r in root.iter(f"{q}TextRegion"):
        coords = r.find(f"{q}Coords")
        points = (coords.get("points") or "") if coords is not None else ""
        pts = [tuple(float(v) for v in p.split(",")[:2]) for p in points.split() if "," in p]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        lines = []
        for tl in r.iter(f"{q}TextLine"):
            u = tl.find(f"{q}TextEquiv/{q}Unicode")
            if u is not None and u.text:
                lines.append(u.text)
        if not lines:  # region-level text only
            u = r.find(f"{q}TextEquiv/{q}Unicode")
            lines = [u.text] if u is not None and u.text else []
        box = (min(xs), min(ys), max(xs), max(ys)) if pts else None
        regions[r.get("id") or f"r{len(regions)}"] = {
            "type": r.get("type") or "paragraph",
            "text": "\n".join(lines),
            "bbox": box,
        }
    order = [
        ref.get("regionRef")
        for ref in sorted(root.iter(f"{q}RegionRefIndexed"), key=lambda e: int(e.get("index") or 0))
    ]
    ordered = [regions[i] for i in order if i in regions]
    rest = [r for i, r in regions.items() if i not in set(order)]
    return GroundTruth("page", ordered + rest, ordered=bool(order))
