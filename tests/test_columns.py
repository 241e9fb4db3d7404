"""Column separators found on the page itself: lines detected across a narrow gutter or a faint broken rule are
cut in two, headlines across the columns are not, and the reading order follows the columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitizer.columns import cut_at_separators, find_separators
from digitizer.straighten import ink_mask

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
WORDS = "the harbour board met on monday to hear the report of its engineer on the new quay".split()
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "real_news"


def _justified_column(
    d: ImageDraw.ImageDraw,
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont,
    rng: np.random.Generator,
    x0: int,
    col_w: int,
    top: int,
    lead: int,
) -> None:
    """40 justified rows of words from ``x0``: spread to fill the column exactly, so columns end flush at a gutter."""
    for r in range(40):
        ws = [str(w) for w in rng.choice(WORDS, 9)]
        widths = [d.textlength(w, font=font) for w in ws]
        while sum(widths) + 8 * 6 > col_w and len(ws) > 2:
            ws.pop()
            widths.pop()
        space, x = (col_w - sum(widths)) / (len(ws) - 1), float(x0)
        for w, wd in zip(ws, widths, strict=True):
            d.text((x, top + r * lead), w, font=font, fill=0)
            x += wd + space


def _two_columns(gutter_em: float, rule: str) -> tuple[np.ndarray, list[np.ndarray], float, int]:
    """A page of two justified columns 40 lines long under a headline across both; a gutter of ``gutter_em``
    ems, holding a rule (``none``, ``faint`` broken grey, ``solid``, ``dotted``, ``broken``, ``thick``), or white
    but for a fold's ``crease`` across the page. Returns the grey page, the lines as a detector that merges the
    two columns finds them (one box per row, across both), the gutter's x and the headline's row count."""
    size = 28
    font = ImageFont.truetype(FONT, size) if Path(FONT).exists() else ImageFont.load_default()
    col_w, gutter, lead, top = 700, round(gutter_em * size), round(1.45 * size), 200
    W = 80 + 2 * col_w + gutter + 80
    im = Image.new("L", (W, top + 42 * lead + 100), 250)
    d = ImageDraw.Draw(im)
    d.text((80, 60), "HARBOUR BOARD HEARS ENGINEER ON THE NEW QUAY", font=font, fill=0)
    rng = np.random.default_rng(4)
    for col in range(2):
        x0 = 80 + col * (col_w + gutter)
        _justified_column(d, font, rng, x0, col_w, top, lead)
    gx = 80 + col_w + gutter // 2
    if rule == "solid":
        d.line([(gx, top - 10), (gx, top + 40 * lead)], fill=0, width=2)
    elif rule == "faint":
        for y in range(top - 10, top + 40 * lead, 40):  # broken: dashes with gaps
            d.line([(gx, y), (gx, y + 24)], fill=170, width=1)
    elif rule == "broken":  # worn away but for a dash beside every other row, none showing over or under it
        for r in range(0, 40, 2):
            d.rectangle((gx, top + r * lead + 8, gx + 1, top + r * lead + 21), fill=60)
    elif rule == "dotted":
        for y in range(top - 10, top + 40 * lead, 15):  # worn to dots: a fifth of its rows
            d.rectangle((gx, y, gx + 1, y + 2), fill=60)
    elif rule == "thick":  # a heavy rule set a little right of the gutter's middle, close to the column beside it
        d.rectangle((gx + 1, top - 10, gx + 6, top + 40 * lead), fill=0)
    elif rule == "crease":  # no rule, but a fold's crease across the page through the middle of a row
        y = top + 20 * lead + size // 2
        d.rectangle((0, y, W, y + 2), fill=90)
    grey = np.asarray(im)
    quads = [np.array([[70, 50], [W - 70, 50], [W - 70, 50 + lead], [70, 50 + lead]], np.float32)]  # headline
    for r in range(40):
        y0, y1 = top + r * lead - 4, top + r * lead + size + 6
        quads.append(np.array([[76, y0], [W - 76, y0], [W - 76, y1], [76, y1]], np.float32))
    return grey, quads, gx, 1


@pytest.mark.parametrize(
    ("gutter_em", "rule"),
    [
        (0.5, "none"),
        (1.0, "none"),
        (0.8, "faint"),
        (0.5, "solid"),
        (0.5, "dotted"),
        (0.6, "broken"),
        (0.6, "crease"),
        (0.8, "thick"),
    ],
)
def test_lines_across_a_narrow_gutter_or_rule_are_cut_and_the_headline_is_not(gutter_em: float, rule: str) -> None:
    grey, quads, gx, _ = _two_columns(gutter_em, rule)
    mask = ink_mask(grey)
    seps = find_separators(mask, quads)
    assert len(seps) == 1 and abs(seps[0].x_at(grey.shape[0] / 2) - gx) < 0.5 * 28
    cut = cut_at_separators(mask, quads, seps)
    headline = [q for q in cut if q[0, 1] < 100]
    assert len(headline) == 1 and headline[0][1, 0] - headline[0][0, 0] > 1000  # across both columns, whole
    body = [q for q in cut if q[0, 1] >= 100]
    assert len(body) == 80  # every row in two
    for q in body:
        assert q[1, 0] <= gx + 8 or q[0, 0] >= gx - 8  # no piece crosses the gutter


def test_a_page_of_one_column_has_no_separator() -> None:
    grey, quads, gx, _ = _two_columns(0.6, "none")
    one = grey[:, : gx - 10].copy()
    mask = ink_mask(one)
    narrow = [np.clip(q, 0, [one.shape[1] - 1, one.shape[0]]).astype(np.float32) for q in quads]
    assert find_separators(mask, narrow) == []


def test_two_columns_read_in_column_order_through_the_pipeline() -> None:
    import digitizer

    grey, _, gx, _ = _two_columns(0.6, "faint")
    doc = digitizer.convert(np.stack([grey] * 3, axis=2), speed="fast", lang="en")
    lines = [ln for b in doc.pages[0].blocks for ln in b.lines]
    assert lines[0].text.startswith("HARBOUR BOARD")
    sides = []
    for ln in lines[1:]:
        assert ln.bbox.x1 < gx + 10 or ln.bbox.x0 > gx - 10, (ln.bbox.as_list(), ln.text)  # none across
        sides.append("L" if ln.bbox.x1 < gx + 10 else "R")
    assert "".join(sides) == "L" * 40 + "R" * 40  # the first column whole, then the second


@pytest.mark.skipif(
    not (SHARED / "loc_by_the_people").is_dir(),
    reason=f"{SHARED} (real scans, research use only, never in the repository) is not beside this checkout",
)
@pytest.mark.timeout(300)
def test_a_real_magazine_page_reads_its_three_columns_in_order() -> None:
    """The Woman Citizen (1920s), 3 justified columns with narrow gutters and a boxed advertisement: the second
    column is read whole before the third begins, and the page's text in reading order is close to the
    volunteers' transcription (lowercase letters and digits)."""
    import digitizer
    from digitizer.evaluate import score_loose
    from digitizer.export import to_text

    scan = SHARED / "loc_by_the_people" / "mss154040483-42.jpg"
    text = to_text(digitizer.convert(scan))
    second = text.index("ture was started in the Northwest")
    third = text.index("Your Investments")
    assert second < text.index("struck.") < third  # the whole middle column before the third
    s = score_loose((scan.with_suffix(".txt")).read_text(encoding="utf-8"), text)
    assert s["cer_order"] < 0.03, s  # 0.12 before columns were found on the page


def test_specks_by_the_column_tops_do_not_shorten_the_gutter() -> None:
    """Dust or a bitonal scan's salt in the gutter beside the heads and the first rows breaks the white there for
    a band or two; the gutter's ends are looked at again, more loosely, and it reaches the first row."""
    size, lead, top, col_w, gutter = 28, round(1.45 * 28), 200, 700, round(0.8 * 28)
    font = ImageFont.truetype(FONT, size) if Path(FONT).exists() else ImageFont.load_default()
    head = ImageFont.truetype(FONT, 2 * size) if Path(FONT).exists() else font
    W = 80 + 2 * col_w + gutter + 80
    im = Image.new("L", (W, top + 42 * lead + 100), 250)
    d = ImageDraw.Draw(im)
    rng = np.random.default_rng(4)
    quads = []
    for col, title in enumerate(("HARBOUR NEWS", "QUAY REPORT")):
        x0 = 80 + col * (col_w + gutter)
        d.text((x0 + 150, top - 3 * size), title, font=head, fill=0)
        y0, y1 = top - 3 * size - 6, top - size + 12
        quads.append(np.array([[x0 + 140, y0], [x0 + 560, y0], [x0 + 560, y1], [x0 + 140, y1]], np.float32))
        _justified_column(d, font, rng, x0, col_w, top, lead)
    for r in range(40):  # each row as a detector that merges the columns finds it
        y0, y1 = top + r * lead - 4, top + r * lead + size + 6
        quads.append(np.array([[76, y0], [W - 76, y0], [W - 76, y1], [76, y1]], np.float32))
    grey = np.asarray(im).copy()
    gx = 80 + col_w + gutter // 2
    specks = np.random.default_rng(2)
    for _ in range(80):
        x, y = int(gx + specks.integers(-8, 9)), int(specks.integers(top - 3 * size, top + 2 * lead))
        grey[y : y + 2, x : x + 2] = 40
    seps = find_separators(ink_mask(grey), quads)
    assert len(seps) == 1 and abs(seps[0].x_at(top + 20 * lead) - gx) < 0.5 * size
    assert seps[0].top <= top + lead  # from the first row on (without the second look: from the fourth)


def test_a_long_rule_a_little_aslant_is_still_a_rule() -> None:
    """A rule across a page, bowed or tilted by the scan so that it drops 30 px over its length, has a box far
    taller than its strokes are thick; a black bar as tall is no rule."""
    from digitizer.layout import find_rules

    mask = np.zeros((400, 3000), np.uint8)
    for x in range(100, 2900, 10):  # a 4-px rule dropping from y=100 to y=130
        y = 100 + round(30 * (x - 100) / 2800)
        mask[y : y + 4, x : x + 10] = 255
    mask[300:336, 100:2900] = 255  # a bar 36 px thick
    hr, _, _ = find_rules(mask, body_h=40.0, min_len=100, keep_len=1000)
    assert len(hr) == 1 and hr[0][1] <= 101 and hr[0][3] >= 130, hr


NZZ = SHARED / "nzz_black_letter__impresso"


@pytest.mark.skipif(
    not NZZ.is_dir(),
    reason=f"{SHARED} (real scans, research use only, never in the repository) is not beside this checkout",
)
@pytest.mark.timeout(300)
def test_a_real_four_column_page_under_a_masthead_is_read_column_by_column() -> None:
    """Neue Zürcher Zeitung, 1908: four ruled columns under a masthead whose rule is bowed by 30 px over the page.
    Its regions come out in the order of the hand-made PAGE ground truth, column by column, and the masthead's
    price table row by row (0.78 when the rule was missed and the columns were read row by row across the page;
    0.91 while the table's closely set rows, their boxes overlapping, were taken for one row), and the text in
    that order is close to the corrected lines (0.76 then)."""
    import digitizer
    from digitizer.evaluate import score_ground_truth
    from digitizer.export import to_text
    from digitizer.groundtruth import read_ground_truth

    scan = NZZ / "0129_nzz_19081105_0_0_a1_p1_1.tif"
    doc = digitizer.convert(scan)
    page = doc.pages[0]
    gt = read_ground_truth(NZZ / "nzz_19081105_0_0_a1_p1_1.xml", (page.width, page.height))
    s = score_ground_truth(gt, to_text(doc), doc.to_dict(), loose=True)
    assert s["region_order"] >= 0.95, s
    assert s["cer_order"] < 0.12, s


def _heads_over_two_columns(ruled_through: bool) -> tuple[np.ndarray, list[np.ndarray], float]:
    """Two justified columns with a rule between them under a row of large type, found by the detector as one
    box across both columns: two heads side by side with the rule running up between them (``ruled_through``),
    or one head across both whose space between two words lies over the gutter, the rule starting under it."""
    size, lead, top, col_w, gutter = 28, round(1.45 * 28), 260, 700, 24
    font = ImageFont.truetype(FONT, size) if Path(FONT).exists() else ImageFont.load_default()
    big = ImageFont.truetype(FONT, 64) if Path(FONT).exists() else font
    W = 80 + 2 * col_w + gutter + 80
    im = Image.new("L", (W, top + 42 * lead + 100), 250)
    d = ImageDraw.Draw(im)
    rng = np.random.default_rng(5)
    for col in range(2):
        _justified_column(d, font, rng, 80 + col * (col_w + gutter), col_w, top, lead)
    gx = 80 + col_w + gutter // 2
    left, right = ("QUAY OPENED", "MAYOR SPEAKS") if ruled_through else ("HARBOUR BOARD", "OPENS NEW QUAY")
    d.text((gx - 14 - d.textlength(left, font=big), 150), left, font=big, fill=0)
    d.text((gx + 14, 150), right, font=big, fill=0)
    d.line([(gx, 140 if ruled_through else top - 10), (gx, top + 40 * lead)], fill=0, width=2)
    quads = [np.array([[80, 140], [W - 80, 140], [W - 80, 235], [80, 235]], np.float32)]  # both heads, one box
    for r in range(40):
        y0, y1 = top + r * lead - 4, top + r * lead + size + 6
        quads.append(np.array([[76, y0], [W - 76, y0], [W - 76, y1], [76, y1]], np.float32))
    return np.asarray(im), quads, gx


@pytest.mark.parametrize("ruled_through", [True, False])
def test_heads_side_by_side_are_cut_at_the_rule_between_them_and_a_head_across_is_not(ruled_through: bool) -> None:
    grey, quads, gx = _heads_over_two_columns(ruled_through)
    mask = ink_mask(grey)
    seps = find_separators(mask, quads)
    assert len(seps) == 1 and abs(seps[0].x_at(1000) - gx) < 14
    cut = cut_at_separators(mask, quads, seps)
    heads = [q for q in cut if q[0, 1] < 250]
    if ruled_through:
        assert len(heads) == 2  # two heads, the rule in neither
        assert heads[0][1, 0] <= gx - 1 and heads[1][0, 0] >= gx + 1
    else:
        assert len(heads) == 1 and heads[0][1, 0] - heads[0][0, 0] > 1000  # one head across both columns, whole
    assert len([q for q in cut if q[0, 1] >= 250]) == 80


def test_a_rule_as_thick_as_a_stem_just_right_of_the_gutters_middle_is_not_where_the_text_starts() -> None:
    # A bitonal scan thickens a column rule to a sixth of a line, set a pixel or two right of the white's middle
    # and a few pixels from the column beside it: the lines right of the gutter start at their text, not at the
    # rule (before, at the rule wherever the gutter's found middle lay left of it, at the text elsewhere, so that
    # the column's lines seemed to start anywhere and the gutter was taken for a river of word spaces).
    from digitizer.columns import _first_ink

    h = 30
    mask = np.zeros((20 * h, 400), np.uint8)
    mask[:, 202:207] = 255  # the rule, 5 pixels: down the whole page
    for r in range(20):
        mask[r * h + 8 : r * h + 22, 214:380] = 255  # each line's text, from its margin
    for x in (199.0, 201.0, 203.0):  # the gutter's middle as found, band by band
        assert _first_ink(mask, x, 5 * h + 3, 6 * h - 3, float(h), room=6.0) == 214
    assert _first_ink(mask, 195.0, 5 * h + 3, 6 * h - 3, float(h), room=6.0) == 202  # too far off: its own ink


def test_a_crease_through_a_row_is_no_ink_of_its_own_but_a_level_stroke_of_one_character_is() -> None:
    # A row of text crossing a white gutter at x = 200, its middle band white there but for a stroke three pixels
    # thick: a fold's crease, running on through the columns either side, or a character's level stroke (一)
    # over the gutter, one character wide. The row is cut at the gutter only in the first case.
    from digitizer.columns import _clear

    h = 30
    for crease, clear in ((True, True), (False, False)):
        mask = np.zeros((3 * h, 400), np.uint8)
        mask[h + 8 : 2 * h - 8, 20:185] = 255  # the letters either side of the gutter
        mask[h + 8 : 2 * h - 8, 215:380] = 255
        mask[h + 14 : h + 17, 20:185] = 0  # white in their middle, as between a letter's strokes
        mask[h + 14 : h + 17, 215:380] = 0
        if crease:
            mask[h + 14 : h + 17, :] = 255
        else:
            mask[h + 14 : h + 17, 187:213] = 255
        assert _clear(mask, 200.0, 7.0, float(h), float(2 * h)) is clear, crease
