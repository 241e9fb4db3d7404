"""Marks on the paper: a fold's crease is found as such and is neither a rule nor part of an ad's box; a pencil
stroke read as garbage is no text."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest
from fontkit import needs_fonts

from digitizer.geometry import Box
from digitizer.layout import find_folds, find_frames, find_rules, segment
from digitizer.ocr.base import OcrLine
from digitizer.synth.historical import age_historical, render_historical


def _level(page: np.ndarray, gt: dict[str, Any]) -> np.ndarray:
    """The aged page turned back by the angle it was scanned at (the pipeline straightens it the same way)."""
    h, w = page.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -gt["angle"], 1.0)
    return cv2.warpAffine(page, m, (w, h), borderValue=255)


def _lines(page: np.ndarray, gt: dict[str, Any]) -> list[Box]:
    """Text lines: the runs of inked rows inside each ground-truth block (the detector's boxes stand-in)."""
    ink = page < np.median(page) - 50
    out: list[Box] = []
    for b in gt["blocks"]:
        x0, y0, x1, y1 = b["bbox"]
        rows = np.flatnonzero(ink[y0:y1, x0:x1].mean(axis=1) > 0.02)
        for run in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1):
            if run.size:
                out.append((float(x0), float(y0 + run[0]), float(x1), float(y0 + run[-1] + 1)))
    return out


@needs_fonts
@pytest.mark.parametrize(("seed", "lang", "across"), [(6, "en", True), (3, "zh", False)])
def test_a_fold_is_found_at_its_crease_and_a_page_without_one_has_none(seed: int, lang: str, across: bool) -> None:
    img, gt = render_historical(seed, lang)
    folded, gt_f, _ = age_historical(img, gt, seed, bitonal=False, fold=True, border=False)
    plain, gt_p, _ = age_historical(img, gt, seed, bitonal=False, fold=False, border=False)
    folded, plain = _level(folded, gt_f), _level(plain, gt_p)
    # The page is drawn the same with the fold or without it: where they differ most is the crease.
    diff = plain.astype(np.float32) - folded.astype(np.float32)
    crease = float(np.argmax(diff.mean(axis=1 if across else 0)))
    lines = _lines(plain, gt_p)
    body = float(np.median([b[3] - b[1] for b in lines]))
    rows, cols = find_folds(folded, _lines(folded, gt_f), body)
    found, other = (rows, cols) if across else (cols, rows)
    assert len(found) == 1 and abs(found[0] - crease) <= 3 and not other, (rows, cols, crease)
    assert find_folds(plain, lines, body) == ([], [])


def _page_with_a_box(crease: bool) -> tuple[np.ndarray, np.ndarray]:
    """Grey page and its ink mask: two columns of text, a printed rule across under the head, an ad's box in the
    right column, and (if ``crease``) a fold's crease right across the page through the box, shadow below it."""
    grey = np.full((1200, 1000), 215, np.uint8)
    for x0, x1 in ((60, 470), (530, 940)):
        for y in range(200, 1150, 40):
            if not (x0 == 530 and 480 <= y < 900):
                grey[y : y + 22, x0:x1:10] = grey[y : y + 22, x0 + 1 : x1 : 10] = 60  # strokes of type
    cv2.rectangle(grey, (40, 150), (960, 153), 30, -1)  # a printed rule under the head
    cv2.rectangle(grey, (560, 500), (910, 880), 30, 3)  # the ad's box
    if crease:
        grey[690:, :] = np.clip(grey[690:, :].astype(np.int16) - 25, 0, 255).astype(np.uint8)
        grey[689:692, :] = 120  # through a row of type, as a crease runs
    mask = (grey < 150).astype(np.uint8) * 255
    return grey, mask


def test_a_crease_across_an_ad_box_is_no_rule_and_the_box_is_still_found() -> None:
    body = 22.0
    text = [
        (x0, float(y), x1, float(y + 22)) for x0, x1 in ((60.0, 470.0), (530.0, 940.0)) for y in range(200, 1150, 40)
    ]
    text = [b for b in text if not (b[0] == 530 and 480 <= b[1] < 900)]
    for crease in (False, True):
        grey, mask = _page_with_a_box(crease)
        folds = find_folds(grey, text, body)
        if crease:
            assert len(folds[0]) == 1 and abs(folds[0][0] - 690) <= 1 and folds[1] == [], folds
        else:
            assert folds == ([], []), folds
        free = mask.copy()
        for x0, y0, x1, y1 in text:  # text blanked out, as segment does before looking for rules
            free[int(y0) + 2 : int(y1) - 2, int(x0) + 2 : int(x1) - 2] = 0
        hr, _, rule_mask = find_rules(free, body, int(2.5 * body), 200, folds)
        assert [r for r in hr if r[1] <= 690 <= r[3]] == []  # the crease is no rule
        assert any(r[1] <= 151 <= r[3] for r in hr)  # the printed rule is
        frames = find_frames(rule_mask, np.zeros_like(mask), body, float(mask.size))
        assert len(frames) == 1 and all(
            abs(a - b) <= 5 for a, b in zip(frames[0], (560, 500, 910, 880), strict=True)
        ), frames
    # Without the fold known, the crease joins the box it crosses and the box is lost: what the fold finder is for.
    grey, mask = _page_with_a_box(True)
    _, _, joined = find_rules(mask, body, int(2.5 * body), 200)
    assert find_frames(joined, np.zeros_like(mask), body, float(mask.size)) == []


def test_a_line_read_as_garbage_is_no_text_and_a_poorly_read_line_still_is() -> None:
    """A pencil stroke over the first row of two columns, read as three characters of garbage (confidence 0.26,
    as on a generated bitonal page): not text, where across the gutter it would keep the columns from being cut
    apart. A line of worn type read with confidence 0.45 is still text."""
    page = np.full((600, 1400, 3), 230, np.uint8)
    boxes = [(100, 100, 640, 130), (720, 100, 1260, 130), (600, 80, 760, 100), (100, 160, 640, 190)]
    for x0, y0, x1, y1 in boxes:
        page[y0 + 4 : y1 - 4, x0:x1:9] = page[y0 + 4 : y1 - 4, x0 + 1 : x1 : 9] = 40  # strokes
    reads = [("商会各董事于会上报告", 0.97), ("红十字分会近据调查", 0.95), ("新田尊", 0.26), ("城西发生火警焚毁", 0.45)]
    ocr = [
        OcrLine(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32), text, conf)
        for (x0, y0, x1, y1), (text, conf) in zip(boxes, reads, strict=True)
    ]
    lay = segment(page, ocr)
    assert sorted(ln.text for ln in lay.lines) == sorted(t for t, c in reads if c > 0.3)
