"""Words the detector boxed one by one, joined back into their line (``pieces.join_words``): inside a column
they join; across a column separator, or where the page's own cuts parted them, they never do."""

from __future__ import annotations

import numpy as np

from digitizer.ocr.base import CharBox, OcrLine
from digitizer.pieces import join_words

H = 40  # line height in pixels


def _line(x0: float, y0: float, x1: float, text: str) -> OcrLine:
    quad = np.array([[x0, y0], [x1, y0], [x1, y0 + H], [x0, y0 + H]], np.float32)
    step = (x1 - x0) / max(1, len(text))
    chars = [
        CharBox(
            ch,
            np.array(
                [
                    [x0 + k * step, y0],
                    [x0 + (k + 1) * step, y0],
                    [x0 + (k + 1) * step, y0 + H],
                    [x0 + k * step, y0 + H],
                ],
                np.float32,
            ),
            0.99,
        )
        for k, ch in enumerate(text)
    ]
    return OcrLine(quad, text, 0.99, chars, "tiny")


def _column(x0: float, x1: float) -> list[OcrLine]:
    """A column of whole lines, one every 1.5 line heights, the fourth boxed word by word."""
    lines = [_line(x0, 100 + k * 60, x1, "whole line of text") for k in range(7) if k != 3]
    mid = (x0 + x1) / 2
    return [*lines, _line(x0, 280, mid - 20, "Health"), _line(mid + 15, 280, x1, "workers")]


def test_words_of_one_column_line_join_with_a_space_between() -> None:
    mask = np.zeros((600, 1200), np.uint8)
    out = join_words(_column(100, 500), mask, [], [])
    assert len(out) == 7
    joined = next(o for o in out if "Health" in o.text)
    assert joined.text == "Health workers"
    # The words keep their own readings and characters, a space between them.
    assert [c.text for c in joined.chars] == list("Health workers")
    assert joined.quad[:, 0].min() == 100 and joined.quad[:, 0].max() == 500
    assert joined.quad[:, 1].max() - joined.quad[:, 1].min() == H


def test_no_join_across_a_separator_or_where_the_page_was_cut() -> None:
    mask = np.zeros((600, 1200), np.uint8)
    # Two columns whose gutter is narrower than a line height: the separator found there keeps them apart.
    left = _line(100, 280, 480, "end of the left")
    right = _line(500, 280, 880, "start of the right")
    covering = [_line(100, 100 + k * 60, 880, "a head across both columns") for k in (0, 1)]
    lines = [left, right, *covering]
    assert len(join_words(lines, mask, [(488.0, 90.0, 492.0, 560.0)], [])) == 4
    # The first row of the columns, a head across both over it: the separator's top, a band coarse, lies a
    # little below the row's middle.
    assert len(join_words(lines, mask, [(488.0, 308.0, 492.0, 560.0)], [])) == 4
    # Without the separator, but the two were one detected line that the cuts at the gutter parted.
    detected = [np.array([[100, 280], [880, 280], [880, 320], [100, 320]], np.float32)]
    assert len(join_words(lines, mask, [], detected)) == 4
    # Neither: nothing says they are apart, and a line across the gap says it lies inside one column.
    assert len(join_words(lines, mask, [], [])) == 3


def test_no_join_without_a_line_across_the_gap_or_over_ink() -> None:
    mask = np.zeros((600, 1200), np.uint8)
    pair = [_line(100, 280, 280, "Health"), _line(315, 280, 500, "workers")]
    assert len(join_words(pair, mask, [], [])) == 2  # nothing above or below runs across the gap
    lines = _column(100, 500)
    mask[285:315, 295:298] = 255  # a rule (or a mark) in the gap
    assert len(join_words(lines, mask, [], [])) == 8
