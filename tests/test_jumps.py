"""Jump lines (issue #30): the forms English and Chinese papers print, read with OCR's slips, and the lines that
only look like them."""

from __future__ import annotations

import pytest

from digitizer.jumps import Jump, find_jump, page_label


@pytest.mark.parametrize(
    ("text", "jump"),
    [
        ("(Continued on Page 16)", Jump("on", "16")),
        ("Continued from Page One", Jump("from", "1")),
        ("See TAX, Page A4", Jump("on", "A4", "TAX")),
        ("TAX, from Page A1", Jump("from", "A1", "TAX")),
        ("Turn to Page 5", Jump("on", "5")),
        ("Please turn to page 3", Jump("on", "3")),
        ("Continued on A4", Jump("on", "A4")),
        # OCR slips: a letter misread in the key words, letters read for the digits of the page.
        ("(Contlnued on Paqe l6)", Jump("on", "16")),
        ("Continued frorn Page 2", Jump("from", "2")),
        ("（下转第三版）", Jump("on", "3")),
        ("(上接第1版)", Jump("from", "1")),
        ("转A3版", Jump("on", "A3")),
        ("（接A2版）", Jump("from", "A2")),
        ("续第十二版", Jump("from", "12")),
    ],
)
def test_jump_lines_are_read_in_their_printed_forms(text: str, jump: Jump) -> None:
    assert find_jump(text) == jump


@pytest.mark.parametrize(
    "text",
    [
        "The mayor said page 3 of the report was missing.",
        "Residents of the east side have waited nearly ten years",
        "Page 3",
        "on page 3",
        "Continued on Page 3 of the report",
        "本报讯 上接第一版的报道在此",
        "新闻热线：2270700",
        "",
    ],
)
def test_text_that_mentions_a_page_is_no_jump_line(text: str) -> None:
    assert find_jump(text) is None


def test_page_labels() -> None:
    assert [page_label(t) for t in ("16", "One", "a04", "l6", "A1", "0", "x")] == [
        "16",
        "1",
        "A4",
        "16",
        "A1",
        None,
        None,
    ]
