"""The digitizer as OCRmyPDF's OCR engine (issue #29): ``ocrmypdf --plugin digitizer.ocrmypdf_plugin`` on a
scanned PDF gives a PDF/A whose text reads in the digitizer's reading order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("en_front", "zh_front", "zh_ads")


def _ocrmypdf(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "ocrmypdf", "--plugin", "digitizer.ocrmypdf_plugin", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=420)


def test_language_mapping() -> None:
    pytest.importorskip("ocrmypdf")
    from digitizer.ocrmypdf_plugin import language_of

    assert language_of(["eng"]) == "en"
    assert language_of(["chi_tra_vert"]) == language_of(["chi_sim", "chi_tra"]) == "zh"
    assert language_of(["eng", "chi_sim"]) == "auto"


@pytest.mark.timeout(480)
def test_ocrmypdf_plugin_reads_a_scanned_pdf_in_reading_order_as_pdfa(tmp_path: Path) -> None:
    pytest.importorskip("ocrmypdf")
    import pikepdf
    import pypdfium2 as pdfium
    from pikepdf.pdfa import check
    from rapidfuzz.distance import Levenshtein

    from digitizer.evaluate import normalize, score_page

    # A 3-page scanned PDF: the three sample pages, the last one turned a quarter clockwise.
    images = [Image.open(ROOT / "samples" / f"{p}.jpg").convert("RGB") for p in PAGES]
    images[2] = images[2].rotate(-90, expand=True)
    scanned = tmp_path / "issue.pdf"
    images[0].save(scanned, save_all=True, append_images=images[1:], resolution=200)
    bad = _ocrmypdf("-l", "deu", str(scanned), "x.pdf", cwd=tmp_path)
    assert bad.returncode != 0 and "the digitizer reads" in bad.stderr, bad.stderr[-2000:]
    assert not (tmp_path / "x.pdf").exists()

    r = _ocrmypdf(
        "-l", "eng+chi_sim", "--rotate-pages", "--output-type", "pdfa", "--sidecar", "side.txt",
        str(scanned), "out.pdf", cwd=tmp_path,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    out = pdfium.PdfDocument(tmp_path / "out.pdf")
    assert len(out) == 3
    sidecar = (tmp_path / "side.txt").read_text(encoding="utf-8").split("\f")
    for k, name in enumerate(PAGES):
        gt = json.loads((ROOT / "samples" / f"{name}.gt.json").read_text(encoding="utf-8"))
        text = out[k].get_textpage().get_text_range()
        # In reading order: every paragraph whole and in the ground truth's order, and few characters wrong.
        s = score_page(gt, text)
        assert s["cer_order"] <= 0.03 and s["intact"] >= 0.9 and s["order"] == 1.0, (name, s)
        # The sidecar is the digitizer's .txt of the page; the PDF's text is that text.
        spaced = gt["lang"] == "en"
        ref, hyp = normalize(sidecar[k], spaced), normalize(text, spaced)
        assert Levenshtein.distance(ref, hyp) / len(ref) <= 0.01, name
    # The turned page was turned back, and the output is PDF/A-2b.
    w, h = out[2].get_size()
    assert w < h
    with pikepdf.open(tmp_path / "out.pdf") as p:
        meta = p.open_metadata()
        assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
        assert check(p, "2b").findings == []
        assert "digitizer" in str(meta.get("xmp:CreatorTool", ""))
