"""The result tree: validation and a lossless JSON round trip."""

import json

import pytest

from digitizer.model import BBox, Block, Document, Line, Page, Word


def test_bbox_rejects_inverted_box() -> None:
    with pytest.raises(ValueError):
        BBox(10, 10, 5, 20)


def test_iou_and_union() -> None:
    a, b = BBox(0, 0, 10, 10), BBox(5, 0, 15, 10)
    assert a.iou(b) == pytest.approx(50 / 150)
    assert BBox.union_of([a, b]).as_list() == [0, 0, 15, 10]


def test_block_kind_checked() -> None:
    with pytest.raises(ValueError):
        Block("b1", "poem", BBox(0, 0, 1, 1), 0)


def test_confidence_range_checked() -> None:
    with pytest.raises(ValueError):
        Line("x", BBox(0, 0, 1, 1), [], 1.5)


def test_json_round_trip() -> None:
    line = Line(
        "新闻",
        BBox(1, 2, 30, 12),
        [(1, 2), (30, 2), (30, 12), (1, 12)],
        0.9,
        [Word("新闻", BBox(1, 2, 30, 12), 0.9)],
        "PP-OCRv6_rec_small",
    )
    blk = Block("p_b001", "ad", BBox(0, 0, 40, 20), 0, [line], "新闻", 0.9, title="新闻", phones=["123456"])
    doc = Document("x.png", [Page(0, 100, 200, [blk], page_id="p")], {"engine": "ppocr"}, {"lang": "zh"}, "0.1")
    d = doc.to_dict()
    assert d["schema_version"]
    again = Document.from_dict(json.loads(json.dumps(d))).to_dict()
    assert again == d
    assert again["pages"][0]["blocks"][0]["ad"]["phones"] == ["123456"]
