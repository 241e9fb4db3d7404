"""Detection details: level boxes on a straightened page, and the cascade's character check."""

from __future__ import annotations

import numpy as np
import pytest

from digitizer.ocr.ppocr import _level, _rare_hanzi


def test_rare_or_traditional_hanzi_are_flagged() -> None:
    assert _rare_hanzi("訂") and _rare_hanzi("話")  # traditional forms the tiny model swaps in
    assert not any(_rare_hanzi(c) for c in "订话鲁中晨报A1，")


def test_level_sets_slightly_leaning_boxes_upright() -> None:
    a = np.radians(0.6)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    box = np.array([[0, 0], [400, 0], [400, 30], [0, 30]], float) - [200, 15]
    q = (box @ rot.T + [500, 300]).astype(np.float32)
    flat = _level(q, 1.0)
    assert np.allclose(flat[0, 1], flat[1, 1]) and np.allclose(flat[0, 0], flat[3, 0])
    assert flat.mean(axis=0) == pytest.approx(q.mean(axis=0), abs=0.01)
    assert flat[1, 0] - flat[0, 0] == pytest.approx(400, abs=0.5)
    steep = _level(q, 0.3)  # leaning more than allowed: left as found
    assert np.allclose(steep, q)


def test_cascade_rereads_lines_with_a_traditional_form() -> None:
    from digitizer.ocr.ppocr import PPOCREngine, PPOCRSettings

    eng = PPOCREngine(PPOCRSettings(speed="balanced"))
    chars = [(c, 0.0, 1.0, 0.97) for c in "全年訂阅"]
    assert eng._doubtful("全年訂阅", 0.97, chars)
    chars = [(c, 0.0, 1.0, 0.97) for c in "全年订阅"]
    assert not eng._doubtful("全年订阅", 0.97, chars)
