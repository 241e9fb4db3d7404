"""Reading order on aged generated pages with the real models: paragraphs whole, in order, ads as records."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from rapidfuzz import fuzz

from digitizer.evaluate import normalize, score_page
from digitizer.export import to_text


@pytest.mark.parametrize(("seed", "lang", "kind"), [(4101, "zh", "front"), (4102, "en", "front"), (4103, "zh", "ads")])
def test_generated_page_reads_in_order(tmp_path: Path, seed: int, lang: str, kind: str) -> None:
    import digitizer
    from digitizer.synth import age, render_page

    if not Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").exists():
        pytest.skip("fonts-noto-cjk not installed")
    img, gt = render_page(seed, lang, kind)
    arr, gt = age(img, gt, random.Random(seed))
    path = tmp_path / "page.jpg"
    cv2.imwrite(str(path), np.ascontiguousarray(arr[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, 85])
    doc = digitizer.convert(path)
    s = score_page(gt, to_text(doc))
    assert s["intact"] >= 0.95 and s["order"] >= 0.98, s
    assert s["cer_order"] <= 1.5 * (1 - s["char_recall"]) + 0.01, s
    # Every classified ad is one record, title first, in column order.
    spaced = lang == "en"
    gt_ads = [b for b in gt["blocks"] if b["type"] == "ad"]
    out_ads = [b for b in doc.pages[0].blocks if b.kind == "ad"]
    assert len(out_ads) == len(gt_ads)
    for g, b in zip(gt_ads, out_ads, strict=True):
        assert fuzz.ratio(normalize(g["text"], spaced), normalize(b.text, spaced)) >= 90, (g["text"], b.text)
        assert normalize(b.title or "", spaced) == normalize(g["text"].split("\n")[0], spaced)
        assert b.phones, b.text
