"""Reading order and reassembly on hand-made layouts (a fake engine: no models needed)."""

import numpy as np
import pytest

from digitizer.layout import Layout, TLine
from digitizer.ocr.base import OcrLine
from digitizer.order import assemble, join_lines


def _line(x0: float, y0: float, x1: float, y1: float, text: str, kind: str = "text", frame=None) -> TLine:
    q = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return TLine(OcrLine(q, text, 0.99), (x0, y0, x1, y1), kind=kind, frame=frame)


def _column(x0: float, x1: float, y: float, texts: list[tuple[str, bool, bool]]) -> list[TLine]:
    """Lines of a column: (text, indented, short)."""
    out = []
    for t, indent, short in texts:
        out.append(_line(x0 + (80 if indent else 0), y, x1 - (200 if short else 0), y + 40, t))
        y += 65
    return out


def test_paragraph_continues_into_next_column() -> None:
    left = _column(100, 700, 300, [("甲一", True, False), ("甲二", False, False), ("甲三", False, False)])
    right = _column(760, 1360, 300, [("甲四", False, True), ("乙一", True, False), ("乙二", False, True)])
    head = _line(300, 150, 1100, 250, "大标题", "headline")
    lay = Layout(1500, 1000, [head, *left, *right], 40.0)
    blocks = assemble(lay)
    assert [b.kind for b in blocks] == ["headline", "para", "para"]
    assert [b.text for b in blocks] == ["大标题", "甲一甲二甲三甲四", "乙一乙二"]
    assert len(blocks[1].parts) == 2  # one paragraph, two column pieces


def test_ads_read_column_by_column_each_ad_whole() -> None:
    frames = [(100, 100, 600, 300), (100, 320, 600, 520), (650, 100, 1150, 300), (650, 320, 1150, 520)]
    lines = []
    for i, f in enumerate(frames):
        lines.append(_line(f[0] + 150, f[1] + 10, f[2] - 150, f[1] + 50, f"广告{i}", frame=i))
        lines.append(_line(f[0] + 20, f[1] + 80, f[2] - 20, f[1] + 120, f"电话 1380000000{i}", frame=i))
        lines[-1].kind = lines[-2].kind = "ad"
    lay = Layout(1300, 700, lines, 40.0, frames=frames)
    blocks = assemble(lay)
    assert [b.title for b in blocks] == ["广告0", "广告1", "广告2", "广告3"]
    assert blocks[0].text == "广告0\n电话 13800000000"
    assert blocks[0].phones == ["13800000000"]


def test_english_join_mends_hyphen_and_keeps_compound() -> None:
    assert join_lines(["the new con-", "struction site"]) == "the new construction site"
    assert join_lines(["a well-", "known fact"], {"well-known"}) == "a well-known fact"
    assert join_lines(["中文", "继续"]) == "中文继续"


def _vline(x0: float, y0: float, x1: float, y1: float, text: str) -> TLine:
    q = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return TLine(OcrLine(q, text, 0.99, vertical=True), (x0, y0, x1, y1))


def test_vertical_columns_read_right_to_left_after_the_horizontal_text() -> None:
    head = _line(300, 100, 1100, 200, "竖排测试", "headline")
    para = _column(100, 1300, 260, [("横排第一行", True, False), ("横排第二行", False, True)])
    cols = [_vline(1200 - 90 * i, 450, 1250 - 90 * i, 1400, t) for i, t in enumerate(["第一列", "第二列", "第三列"])]
    lay = Layout(1400, 1600, [head, *para, *cols[::-1]], 40.0)
    blocks = assemble(lay)
    assert [b.text for b in blocks] == ["竖排测试", "横排第一行横排第二行", "第一列第二列第三列"]


def test_pieces_of_a_justified_line_are_joined_again() -> None:
    # The detector split justified English lines at their wide spaces; the column is one paragraph.
    rows = [["A", "retired", "teacher", "told"], ["reporters", "that", "she", "walks"], ["through", "the park"]]
    lines = []
    for r, words in enumerate(rows):
        x = 100.0
        last = r == len(rows) - 1
        # Justified: the spaces stretch so that every line but the last ends at the column edge (x = 900).
        gap = 40.0 if last else (800 - 30.0 * sum(len(w) for w in words)) / (len(words) - 1)
        for w in words:
            width = 30.0 * len(w)
            lines.append(_line(x, 300 + 60 * r, x + width, 340 + 60 * r, w))
            x += width + gap
    lay = Layout(1000, 800, lines, 40.0)
    blocks = assemble(lay)
    assert [b.text for b in blocks] == ["A retired teacher told reporters that she walks through the park"]


def test_a_column_that_runs_on_below_its_neighbours_is_read_on() -> None:
    # A picture across both columns; the right column ends (byline) above where the left one goes on after a
    # heading. The white under the byline spans the page, but the left column's last line continues its text
    # into the right column, so it is read before the right column, not after it.
    photo = (100.0, 100.0, 1360.0, 400.0)
    left = _column(100, 700, 450, [("甲一", True, False), ("甲二", False, False), ("甲三", False, True)])
    heading = _line(100, 645, 400, 690, "小标题", "heading")
    tail = _line(180, 735, 700, 775, "乙一")
    right = _column(760, 1360, 450, [("乙二", False, False), ("乙三", False, True)])
    byline = _line(760, 580, 1100, 620, "本报记者 王晨", "byline")
    lay = Layout(1500, 1000, [*left, heading, tail, *right, byline], 40.0, photos=[photo])
    blocks = assemble(lay)
    texts = [b.text for b in blocks if b.kind != "photo"]
    assert texts == ["甲一甲二甲三", "小标题", "乙一乙二乙三", "本报记者 王晨"]


def _cjk_line(x0: float, y0: float, n: int, pitch: float, h: float) -> TLine:
    from digitizer.ocr.base import CharBox

    chars = []
    for i in range(n):
        x = x0 + i * pitch
        chars.append(CharBox("中", np.array([[x, y0], [x + pitch, y0], [x + pitch, y0 + h], [x, y0 + h]], np.float32)))
    q = np.array([[x0, y0], [x0 + n * pitch, y0], [x0 + n * pitch, y0 + h], [x0, y0 + h]], np.float32)
    return TLine(OcrLine(q, "中" * n, 0.99, chars), (x0, y0, x0 + n * pitch, y0 + h))


def test_a_short_line_a_little_tall_at_body_pitch_is_text_and_larger_type_a_heading() -> None:
    from digitizer.kinds import classify

    body = [_cjk_line(100, 100 + 70 * i, 16, 40, 46) for i in range(10)]
    tall_box = _cjk_line(100, 820, 5, 40, 58)  # box 1.26× the body's, characters at the body's pitch
    larger = _cjk_line(100, 920, 5, 50, 58)  # type a quarter larger: a heading
    lay = Layout(1500, 1200, [*body, tall_box, larger], 46.0)
    classify(lay)
    assert tall_box.kind == "text"
    assert larger.kind == "heading"


def test_columns_under_small_print_that_ends_just_above_them_are_read_one_after_another() -> None:
    """A masthead's small print over the columns, with no white across between them (the rule there not found):
    the separators found on the page show where the columns begin, and each column is read whole."""
    top = [_line(100, 100 + 40 * r, 1800, 136 + 40 * r, f"T{r}") for r in range(5)]  # down to y=296
    cols = [
        [_line(x, 300 + 50 * r, x + 500, 340 + 50 * r, f"C{c}R{r}") for r in range(10)]
        for c, x in enumerate((100, 700, 1300))
    ]
    lay = Layout(1900, 900, [*top, *(ln for c in cols for ln in c)], 40.0)
    lay.separators = [(640.0, 305.0, 660.0, 800.0), (1240.0, 305.0, 1260.0, 800.0)]
    text = " ".join(b.text for b in assemble(lay))
    order = [text.index(f"C{c}R{r}") for c in range(3) for r in range(10)]
    assert order == sorted(order), text  # column by column, not row by row across them
    assert text.index("T4") < order[0]


def test_pieces_cut_at_a_gutter_stay_apart_where_their_boxes_touch() -> None:
    """A row cut in two at a column separator: the detector's padding leaves the two pieces touching, or
    overlapping by a few pixels; the separator between them still keeps them apart."""
    left = _line(100, 300, 606, 340, "into a dive toward")
    right = _line(597, 300, 1100, 340, "such a hot fire that")
    lay = Layout(1200, 800, [left, right], 40.0)
    lay.gutters = lay.separators = [(598.0, 100.0, 603.0, 700.0)]
    lines = [ln.text for b in assemble(lay) for ln in b.lines]
    assert sorted(lines) == ["into a dive toward", "such a hot fire that"], lines


def test_closely_set_rows_whose_boxes_overlap_are_read_row_by_row() -> None:
    """A price table set solid: each row's box overlaps the next by a third of its height, the prices set a little
    lower than their items and ragged (no column of them starts flush). Rows are told apart by where their
    middles lie, so the table reads row by row, each row left to right."""
    rows = [
        (
            _line(100, 100 + 27 * r, 450 + 40 * (r % 4), 140 + 27 * r, f"L{r}"),
            _line(600 + 35 * (r % 3), 108 + 27 * r, 900, 148 + 27 * r, f"P{r}"),
        )
        for r in range(8)
    ]
    lay = Layout(1000, 500, [ln for pair in rows for ln in pair], 40.0)
    words = " ".join(ln.text for b in assemble(lay) for ln in b.lines).split()
    assert words == [t for r in range(8) for t in (f"L{r}", f"P{r}")], words


def test_a_separator_down_half_the_region_parts_its_columns_where_nothing_else_does() -> None:
    """Two columns under their headline beside a third column whose rows run past the headline's foot (no cut
    across), the gutter before the third too narrow to see between the boxes, and its separator found down
    only the upper half (a pencil stroke across it lower down): the third column is still read after the two,
    not row by row with them."""
    head = _line(100, 100, 1150, 170, "HEAD", "headline")
    col1 = [_line(100, 200 + 50 * r, 600, 240 + 50 * r, f"A{r}") for r in range(18)]
    col2 = [_line(650, 200 + 50 * r, 1168, 240 + 50 * r, f"B{r}") for r in range(18)]
    col3 = [_line(1166, 100 + 50 * r, 1700, 140 + 50 * r, f"C{r}") for r in range(20)]
    lay = Layout(1800, 1200, [head, *col1, *col2, *col3], 40.0)
    lay.separators = [(620.0, 200.0, 630.0, 1100.0), (1162.0, 100.0, 1172.0, 600.0)]
    words = " ".join(b.text for b in assemble(lay)).split()
    order = [
        words.index(w) for w in ["HEAD", *(f"{c}{r}" for c in "AB" for r in range(18)), *(f"C{r}" for r in range(20))]
    ]
    assert order == sorted(order), words


def test_a_head_over_the_first_columns_does_not_cut_the_columns_beside_it() -> None:
    """A head over the first two columns, the next two running on beside it from the top: the columns beside are
    read whole, not cut at the head's foot (their first lines read with the head, the rest after every column)."""
    head = _line(100, 100, 1100, 190, "HEAD", "headline")
    cols = [
        [_line(x, 230 + 50 * r, x + 500, 270 + 50 * r, f"{c}{r}") for r in range(12)]
        for c, x in (("A", 100), ("B", 650))
    ]
    cols += [
        [_line(x, 100 + 50 * r, x + 500, 140 + 50 * r, f"{c}{r}") for r in range(15)]
        for c, x in (("C", 1200), ("D", 1750))
    ]
    lay = Layout(2400, 1000, [head, *(ln for c in cols for ln in c)], 40.0)
    words = " ".join(b.text for b in assemble(lay)).split()
    expected = ["HEAD", *(f"{c}{r}" for c, n in (("A", 12), ("B", 12), ("C", 15), ("D", 15)) for r in range(n))]
    assert words == expected, words


def test_small_print_over_a_rule_is_read_before_the_columns_under_it() -> None:
    """A masthead's row of small print (number, date, price), a rule across the page under it, and the columns'
    separators found from just under the rule: the row is read first, not each item with the column under it."""
    top = [
        _line(100, 100, 400, 140, "No.1200"),
        _line(800, 100, 1200, 140, "MONDAY"),
        _line(1500, 100, 1800, 140, "PRICE"),
    ]
    cols = [
        [_line(x, 190 + 50 * r, x + 500, 230 + 50 * r, f"C{c}R{r}") for r in range(10)]
        for c, x in enumerate((100, 700, 1300))
    ]
    lay = Layout(1900, 800, [*top, *(ln for c in cols for ln in c)], 40.0, hrules=[(80.0, 160.0, 1820.0, 164.0)])
    lay.separators = [(640.0, 200.0, 660.0, 700.0), (1240.0, 200.0, 1260.0, 700.0)]
    words = " ".join(b.text for b in assemble(lay)).split()
    assert words[:3] == ["No.1200", "MONDAY", "PRICE"], words
    assert words[3:] == [f"C{c}R{r}" for c in range(3) for r in range(10)], words


def test_a_stray_mark_read_as_a_head_beside_an_ad_box_does_not_cut_the_column() -> None:
    """A speck read as a one-character "head" in the first column, beside a boxed ad in the second: the ad's box
    straddles any cut there, so the first column is read whole (the box's size is no measure of how far a
    neighbour may overlap it)."""
    head = _line(100, 100, 1150, 180, "HEAD", "headline")
    col1 = [_line(100, 220 + 50 * r, 600, 260 + 50 * r, f"A{r}") for r in range(16)]
    col1[7] = _line(100, 570, 140, 620, "2", "headline")
    col2 = [_line(650, 220 + 50 * r, 1150, 260 + 50 * r, f"B{r}") for r in range(4)]
    box = (650.0, 440.0, 1150.0, 1020.0)
    ad = [_line(700, 460, 1100, 500, "FOR SALE", frame=0), _line(670, 520, 1130, 560, "apply within", frame=0)]
    for ln in ad:
        ln.kind = "ad"
    lay = Layout(1300, 1100, [head, *col1, *col2, *ad], 40.0, frames=[box])
    words = " ".join(b.text for b in assemble(lay)).split()
    a = [words.index(f"A{r}") for r in range(16) if r != 7]
    assert a == sorted(a) and max(a) < words.index("B0"), words
    assert words.index("B3") < words.index("FOR"), words


@pytest.mark.parametrize(
    ("title", "body", "text"),
    [
        # The title a column at the right, then the body's columns right to left (read as rows across, the
        # body's longer column came first).
        (
            _vline(330, 120, 380, 260, "聘请"),
            [_vline(270, 120, 310, 860, "本号有楼房一所"), _vline(210, 120, 250, 600, "请至南门面洽")],
            "聘请\n本号有楼房一所\n请至南门面洽",
        ),
        # The title set across over the columns: read first.
        (
            _line(250, 120, 350, 170, "聲明"),
            [_vline(430, 200, 470, 860, "今聘書記一名"), _vline(370, 200, 410, 500, "請至本館接洽")],
            "聲明\n今聘書記一名\n請至本館接洽",
        ),
    ],
)
def test_a_boxed_ad_set_top_to_bottom_is_read_right_to_left_its_title_first(
    title: TLine, body: list[TLine], text: str
) -> None:
    """An ad in its box on a vertical page: its title first, then its columns right to left."""
    for ln in (title, *body):
        ln.kind, ln.frame = "ad", 0
    lay = Layout(600, 1000, [title, *body], 40.0, frames=[(100.0, 100.0, 500.0, 900.0)])
    (block,) = assemble(lay)
    assert block.title == title.text and block.text == text, block.text


def test_a_deck_in_body_type_across_the_columns_is_read_before_them() -> None:
    """Under a head over two columns, a deck set in the body's own type across the gutter, the columns starting
    just under it: the deck is a line across a separator (a line of text is cut at a gutter wherever it can be),
    so it is read first and the columns after it one by one, not row by row under it."""
    head = _line(100, 60, 1100, 140, "HEAD", "headline")
    deck = _line(380, 160, 820, 200, "Later from the South")
    cols = [
        [_line(x, 215 + 40 * r, x + 480, 250 + 40 * r, f"{c}{r}") for r in range(20)]
        for c, x in (("A", 100), ("B", 620))
    ]
    lay = Layout(1200, 1100, [head, deck, *(ln for c in cols for ln in c)], 40.0)
    lay.separators = [(595.0, 160.0, 605.0, 1050.0)]
    words = " ".join(b.text for b in assemble(lay)).split()
    assert words == ["HEAD", "Later", "from", "the", "South", *(f"{c}{r}" for c in "AB" for r in range(20))], words


def test_a_rule_across_a_separator_ends_it_where_the_section_under_it_begins() -> None:
    """Two columns, a rule across the page, a section's heading (set right of the gutter) and two columns of small
    ads under it; the gutter is found as one separator down the whole page (joined up over the rule). The rule
    parts the page: the columns above are read before the section, not each with the ads under it."""
    head = _line(100, 60, 1100, 140, "HEAD", "headline")
    above = [
        [_line(x, 200 + 40 * r, x + 480, 235 + 40 * r, f"{c}{r}") for r in range(18)]
        for c, x in (("A", 100), ("B", 620))
    ]
    section = _line(640, 965, 1000, 1005, "ADVERTISEMENTS", "heading")
    below = [
        [_line(x, 1030 + 40 * r, x + 480, 1065 + 40 * r, f"{c}{r}") for r in range(10)]
        for c, x in (("C", 100), ("D", 620))
    ]
    lines = [head, *(ln for c in above for ln in c), section, *(ln for c in below for ln in c)]
    lay = Layout(1200, 1500, lines, 40.0, hrules=[(80.0, 945.0, 1120.0, 949.0)])
    lay.separators = [(595.0, 190.0, 605.0, 1450.0)]
    words = [w for w in " ".join(b.text for b in assemble(lay)).split() if w != "ADVERTISEMENTS"]
    expected = ["HEAD", *(f"{c}{r}" for c in "AB" for r in range(18)), *(f"{c}{r}" for c in "CD" for r in range(10))]
    assert words == expected, words
