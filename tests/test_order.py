"""Reading order and reassembly on hand-made layouts (a fake engine: no models needed)."""

import numpy as np

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
