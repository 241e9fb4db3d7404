"""The ``paddle`` engine (the paddleocr package on onnxruntime, no PaddlePaddle) against the default engine."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from digitizer.errors import ModelFileError
from digitizer.evaluate import score_page
from digitizer.export import to_text

pytestmark = pytest.mark.skipif(importlib.util.find_spec("paddleocr") is None, reason="paddleocr not installed")


def test_paddle_engine_reads_like_ppocr(clean_page, converted, no_network) -> None:  # type: ignore[no-untyped-def]
    import digitizer

    path, gt = clean_page
    doc = digitizer.convert(path, engine="paddle")
    assert doc.engine["engine"] == "paddle"
    assert set(doc.engine["models"]) == {"PP-OCRv6_det_small", "PP-OCRv6_rec_small"}
    paddle = score_page(gt, to_text(doc))
    ppocr = score_page(gt, to_text(converted))
    # Character accuracy (order-free) of the two engines on the same page within 0.01.
    assert abs(paddle["char_recall"] - ppocr["char_recall"]) <= 0.01, (paddle, ppocr)
    assert abs(paddle["char_prec"] - ppocr["char_prec"]) <= 0.01, (paddle, ppocr)
    assert paddle["char_recall"] >= 0.97
    assert no_network == []


def test_paddle_model_dir_errors_name_the_folder(tmp_path: Path) -> None:
    from digitizer.ocr.paddle import PaddleEngine, PaddleSettings

    with pytest.raises(ModelFileError, match="needs a \\*_det and a \\*_rec"):
        PaddleEngine(PaddleSettings(model_dir=str(tmp_path)))
    with pytest.raises(ModelFileError, match="is not a folder"):
        PaddleEngine(PaddleSettings(model_dir=str(tmp_path / "nope")))
