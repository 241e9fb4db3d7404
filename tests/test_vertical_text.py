"""Vertical Chinese end to end, with the real models: a block set top to bottom is read right to left."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
ROWS = [
    "本报讯记者从市交通运输局获悉",
    "新开通的公交线路全长十八公里",
    "沿途设置站点二十六个方便市民",
    "出行今后还将继续优化线路设置",
    "市民可通过手机查询车辆到站时",
    "间相关部门提醒乘客注意安全等",
]
COLUMNS = ["市民在广场上观看花灯", "志愿者走访社区每一户", "新建公园将于明年开放"]


def _page(path: Path) -> None:
    """A 1800×1300 page: a headline, horizontal rows on the left, three vertical columns on the right."""
    if not Path(SERIF).exists():
        pytest.skip("fonts-noto-cjk not installed")
    im = Image.new("RGB", (1800, 1300), "white")
    d = ImageDraw.Draw(im)
    d.text((500, 60), "竖排新闻选读", font=ImageFont.truetype(BOLD if Path(BOLD).exists() else SERIF, 96), fill="black")
    font = ImageFont.truetype(SERIF, 52)
    for r, text in enumerate(ROWS):
        d.text((100, 260 + r * 90), text, font=font, fill="black")
    for c, text in enumerate(COLUMNS):
        x = 1600 - c * 110  # the first column on the right, 58 pixels of white between columns
        for i, ch in enumerate(text):
            d.text((x, 260 + i * 68), ch, font=font, fill="black")
    im.save(path)


def test_vertical_columns_are_read_right_to_left_not_dropped(tmp_path: Path) -> None:
    import digitizer
    from digitizer.evaluate import normalize

    p = tmp_path / "vertical.png"
    _page(p)
    doc = digitizer.convert(p, lang="zh")
    page = doc.pages[0]
    assert page.orientation == 0
    text = normalize("".join(b.text for b in page.text_blocks()), False)
    assert text.startswith("竖排新闻选读")
    assert "".join(ROWS) in text  # the horizontal block whole
    want = "".join(COLUMNS)
    start = text.find(want[:4])
    assert start >= 0, text
    got = text[start : start + len(want)]
    hits = sum(1 for a, b in zip(got, want, strict=True) if a == b)
    assert hits >= len(want) - 2, (got, want)  # the columns in order, right to left, top to bottom
    vertical = [ln for b in page.text_blocks() for ln in b.lines if ln.vertical]
    assert len(vertical) >= 3
