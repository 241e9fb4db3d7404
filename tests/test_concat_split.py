"""The tiny detector run without its channel joins: rewritten faithfully, and finding a real page's lines as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitizer.ocr.concat_split import split_concat_convs
from digitizer.ocr.models import file_sha256, resolve_model

ROOT = Path(__file__).resolve().parent.parent


def test_joins_read_by_a_convolution_become_sums_of_convolutions_over_the_same_weights() -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper

    path, _ = resolve_model("PP-OCRv6_det_tiny")
    data, digest, joins = split_concat_convs(path)
    assert joins == 2 and file_sha256(path) != digest  # the pinned file itself is never changed
    before, after = onnx.load(str(path)), onnx.load_from_string(data)
    onnx.checker.check_model(after)
    w_before = {w.name: numpy_helper.to_array(w) for w in before.graph.initializer}
    w_after = {w.name: numpy_helper.to_array(w) for w in after.graph.initializer}
    ops_before = [n.op_type for n in before.graph.node]
    ops_after = [n.op_type for n in after.graph.node]
    assert ops_after.count("Concat") == ops_before.count("Concat") - 2
    parts = [n for n in after.graph.node if n.op_type == "Conv" and "_part" in n.name]
    assert len(parts) == 2 + 4  # the stem's two maps, the pyramid's four levels
    for conv in {n.name.split("_part")[0]: n for n in parts}:
        mine = sorted((n for n in parts if n.name.split("_part")[0] == conv), key=lambda n: n.name)
        original = w_before[mine[0].input[1].rsplit("_part", 1)[0]]
        joined = np.concatenate([w_after[n.input[1]] for n in mine], axis=1)
        assert np.array_equal(joined, original)  # every weight where it was, none lost or doubled
        assert sum(len(n.input) == 3 for n in mine) == 1  # the bias added once
    _, _, none = split_concat_convs(resolve_model("PP-OCRv6_det_small")[0])
    assert none == 0  # a model without such joins runs as its file


@pytest.mark.models
def test_the_rewritten_detector_finds_a_real_pages_lines_as_the_file_does() -> None:
    from digitizer.detect import detect_lines
    from digitizer.load import load_pages
    from digitizer.ocr.ppocr import PPOCREngine, PPOCRSettings

    page = next(iter(load_pages(ROOT / "samples" / "zh_front.jpg"))).image
    plain = PPOCREngine(PPOCRSettings(speed="fast", split_concats=False))
    split = PPOCREngine(PPOCRSettings(speed="fast"))
    assert split.detector.rewritten and not plain.detector.rewritten
    assert "run_sha256" in split.info()["models"]["PP-OCRv6_det_tiny"]
    a, sa = plain.detector.probability_map(page)
    b, sb = split.detector.probability_map(page)
    assert sa == sb and a.shape == b.shape and np.abs(a - b).max() < 1e-4
    for scale in (1.0, 0.5):
        qa, qb = detect_lines(plain, page, scale), detect_lines(split, page, scale)
        assert len(qa) > 50 and len(qa) == len(qb)
        assert max(float(np.abs(x - y).max()) for x, y in zip(qa, qb, strict=True)) < 0.5
