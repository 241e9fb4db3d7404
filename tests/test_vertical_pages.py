"""Pages set top to bottom (issue #27): the generator's vertical pages, their orientation, their reading order,
the stops and commas of vertical type, and traditional characters read by the model that has them."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from digitizer.layout import Layout, TLine
from digitizer.ocr.base import CharBox, OcrLine
from digitizer.ocr.cascade import Cascade
from digitizer.order import assemble
from digitizer.synth.vertical_text import numerals

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"


def _fonts() -> None:
    if not Path(SERIF).exists():
        pytest.skip("fonts-noto-cjk not installed")


def test_figures_in_chinese_numerals() -> None:
    assert [numerals(n) for n in (0, 7, 10, 12, 40, 105, 1003, 2020, 9999)] == [
        "〇",
        "七",
        "十",
        "十二",
        "四十",
        "一百零五",
        "一千零三",
        "二千零二十",
        "九千九百九十九",
    ]


def test_generated_vertical_page_ground_truth() -> None:
    _fonts()
    from digitizer.synth.vertical import render_vertical

    for seed, script in ((5, "hant"), (6, "hans")):
        img, gt = render_vertical(seed, script)
        kinds = [b["type"] for b in gt["blocks"]]
        assert kinds[:3] == ["header", "header", "header"]  # date column, name, number column: from the right
        paras = [b for b in gt["blocks"] if b["type"] == "para"]
        assert len(paras) >= 10 and "ad" in kinds
        # Body columns are set top to bottom: every piece of a paragraph is a column, far taller than wide.
        boxes = [bx for b in paras for bx in b["boxes"]]
        assert sum(1 for bx in boxes if bx[3] - bx[1] > 4 * (bx[2] - bx[0])) > 0.8 * len(boxes)
        text = "".join(b["text"] for b in gt["blocks"])
        assert not any(ch.isdigit() for ch in text)  # figures in Chinese numerals, as such pages set them
        trad = sum(text.count(ch) for ch in "報會國與當時")
        simp = sum(text.count(ch) for ch in "报会国与当时")
        assert (trad > 5 * max(1, simp)) if script == "hant" else (simp > 5 * max(1, trad))
        assert img.size[0] >= 2000


def _vline(x0: float, y0: float, x1: float, y1: float, text: str) -> TLine:
    q = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return TLine(OcrLine(q, text, 0.99, vertical=True), (x0, y0, x1, y1))


def _hline(x0: float, y0: float, x1: float, y1: float, text: str, kind: str = "text") -> TLine:
    q = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)
    return TLine(OcrLine(q, text, 0.99), (x0, y0, x1, y1), kind=kind)


def test_columns_set_close_are_not_run_together_and_a_head_across_comes_first() -> None:
    # Boxes 60 wide every 48 pixels (the detector pads columns set close, so neighbours overlap): read right to
    # left, the head across the article's top before its columns; a column set in starts a paragraph.
    texts = ["甲一甲一甲一甲一", "甲二甲二甲二甲二", "甲三甲三", "乙一乙一乙一乙一", "乙二乙二乙二乙二"]
    cols = []
    for i, t in enumerate(texts):
        x = 1000 - 48 * i
        top = 300 + (80 if i == 3 else 0)  # 乙 opens set in by two characters
        bottom = 700 if i != 2 else 460  # 甲 ends short
        cols.append(_vline(x, top, x + 60, bottom, t))
    head = _hline(820, 200, 1060, 270, "要闻", "heading")
    lay = Layout(1200, 900, [*cols[::-1], head], 40.0)
    blocks = assemble(lay)
    first, second = "甲一甲一甲一甲一甲二甲二甲二甲二甲三甲三", "乙一乙一乙一乙一乙二乙二乙二乙二"
    assert [b.text for b in blocks] == ["要闻", first, second]


def test_a_masthead_band_on_a_vertical_page_is_read_from_the_right() -> None:
    date = _vline(1100, 50, 1140, 400, "民国二十五年三月十八日")
    name = _hline(400, 80, 800, 260, "申江日报", "header")
    number = _vline(60, 50, 100, 300, "第一千二百号")
    date.kind = number.kind = "header"  # above the rule across the page's top
    body = [_vline(1100 - 50 * i, 500, 1140 - 50 * i, 1500, f"第{i}列正文正文正文正文") for i in range(20)]
    lay = Layout(1200, 1600, [number, name, date, *body], 40.0, hrules=[(50, 450, 1150, 453)])
    texts = [b.text for b in assemble(lay)]
    assert texts[:3] == ["民国二十五年三月十八日", "申江日报", "第一千二百号"]


def _marked_column(text: str, size: int = 40) -> tuple[OcrLine, np.ndarray]:
    """``text`` set top to bottom as the vertical generator sets it (a stop in the top right of its own cell),
    and the OcrLine a recognizer gives for it: every character but the stops, each in its cell."""
    _fonts()
    from digitizer.synth.vertical import _VPage

    page = _VPage(1, "hant")
    page.img = Image.new("L", (200, size * (len(text) + 2)), 255)
    page.draw = ImageDraw.Draw(page.img)
    font = ImageFont.truetype(SERIF, size, index=3)
    page.column(100, size, text, font, size * 1.02)
    mask = ((np.asarray(page.img) < 128) * 255).astype(np.uint8)
    chars = []
    for i, ch in enumerate(text):
        if ch in "。，":
            continue
        y = size + i * size * 1.02
        q = np.array([[70, y], [130, y], [130, y + size], [70, y + size]], np.float32)
        chars.append(CharBox(ch, q, 0.95))
    quad = np.array([[70, size], [130, size], [130, size * (len(text) + 1)], [70, size * (len(text) + 1)]], np.float32)
    ln = OcrLine(quad, "".join(c.text for c in chars), 0.95, chars, vertical=True)
    return ln, mask


def test_stops_of_vertical_type_are_put_back_and_characters_dots_are_not() -> None:
    from digitizer.marks import add_vertical_marks

    ln, mask = _marked_column("通告。灣仔一帶連日大雨。沿河")
    assert ln.text == "通告灣仔一帶連日大雨沿河"
    assert add_vertical_marks([ln], mask) == 2
    assert ln.text == "通告。灣仔一帶連日大雨。沿河"
    assert [c.text for c in ln.chars] == list(ln.text)
    # Dots of characters (氵 冫 丶), the strokes of 二 and 三, and a stop already read are no marks.
    ln, mask = _marked_column("漢江淹沒二三冰主義之")
    before = ln.text
    assert add_vertical_marks([ln], mask) == 0
    assert ln.text == before


def test_a_page_of_traditional_characters_is_known_from_its_first_reading() -> None:
    def lines(texts: list[str]) -> list[OcrLine]:
        return [OcrLine(np.zeros((4, 2), np.float32), t, 0.9) for t in texts]

    trad = ["本港新聞昨日開會", "各界均表贊同", "東華醫院近日呈報", "銀根緊急", "華民政務司", "詳情容再續誌"]
    simp = ["本埠新闻昨日开会", "各界均表赞同", "县长公署近日呈报", "银根紧急", "市立图书馆", "详情容再续志"]
    assert Cascade.traditional(lines(trad * 2))
    assert not Cascade.traditional(lines(simp * 2))
    # A poor simplified page read by the tiny recognizer: traditional look-alikes here and there.
    assert not Cascade.traditional(lines(simp * 2 + ["物價漸趨平穩", "圖書館內"]))
    assert not Cascade.traditional(lines(trad[:1]))  # too little to tell


@pytest.fixture(scope="module")
def vertical_pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _fonts()
    from digitizer.synth import generate

    out = tmp_path_factory.mktemp("vertical")
    # A traditional page, a simplified one, a bitonal one and a sheet of two simplified pages (JPEG, TIFF).
    generate(out, count=4, seed=3, style="vertical")
    return out


@pytest.mark.timeout(600)
@pytest.mark.parametrize("stem", ["vert_hant_03000", "vert_hans_03003_sheet"])
def test_vertical_page_read_column_by_column_from_the_right(vertical_pages: Path, stem: str) -> None:
    import digitizer
    from digitizer.evaluate import score_page

    scan = vertical_pages / f"{stem}.jpg"
    gt = json.loads((vertical_pages / f"{stem}.gt.json").read_text(encoding="utf-8"))
    doc = digitizer.convert(scan)
    page = doc.pages[0]
    assert page.orientation == 0  # set top to bottom, not a page turned by a quarter
    s = score_page(gt, "\n\n".join(b.text for b in page.text_blocks()))
    assert s["order"] >= 0.95, s  # a sheet: the right-hand page first
    assert s["cer_order"] <= 1.5 * (1 - s["char_recall"]) + 0.03, s
    assert s["char_recall"] >= 0.92, s
    if stem.startswith("vert_hant"):
        models = {ln.model for b in page.text_blocks() for ln in b.lines if ln.vertical}
        assert models == {"PP-OCRv6_rec_small"}  # the traditional page read by the model that has its characters


@pytest.mark.timeout(300)
def test_a_page_turned_by_a_quarter_is_still_turned_back(vertical_pages: Path) -> None:
    # The vertical-type check must not keep a horizontal page that was scanned sideways from being turned.
    import digitizer

    root = Path(__file__).resolve().parents[1]
    img = cv2.imread(str(root / "samples" / "zh_front.jpg"))
    turned = vertical_pages / "zh_front_turned.png"
    cv2.imwrite(str(turned), cv2.rotate(img, cv2.ROTATE_90_COUNTERCLOCKWISE))
    page = digitizer.convert(turned).pages[0]
    assert page.orientation == 90
