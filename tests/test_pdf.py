"""The searchable PDF (issue #29): the scan's own image under an invisible text layer that reads back as the .txt,
each word on its box."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def _iou(a: list[float], b: list[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _words(pdf_page, height_pt: float, scale: float) -> list[tuple[str, list[float]]]:  # type: ignore[no-untyped-def]
    """The PDF page's words (runs between spaces and line ends) with their boxes in scan pixels."""
    tp = pdf_page.get_textpage()
    out: list[tuple[str, list[float]]] = []
    cur, box = "", [0.0, 0.0, 0.0, 0.0]
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if ch.isspace() or not ch:
            if cur:
                out.append((cur, box))
            cur = ""
            continue
        x0, y0, x1, y1 = tp.get_charbox(i, loose=True)
        b = [x0 * scale, (height_pt - y1) * scale, x1 * scale, (height_pt - y0) * scale]
        box = b if not cur else [min(box[0], b[0]), min(box[1], b[1]), max(box[2], b[2]), max(box[3], b[3])]
        cur += ch
    if cur:
        out.append((cur, box))
    return out


@pytest.mark.timeout(300)
def test_searchable_pdf_reads_as_the_txt_with_words_on_their_boxes(tmp_path: Path) -> None:
    pytest.importorskip("ocrmypdf")
    import pypdfium2 as pdfium
    from click.testing import CliRunner
    from rapidfuzz.distance import Levenshtein

    from digitizer.cli import main
    from digitizer.evaluate import normalize

    jpeg = ROOT / "samples" / "en_front.jpg"
    grey = Image.open(ROOT / "samples" / "zh_ads.jpg").convert("L")
    tiff = tmp_path / "two.tif"
    grey.save(tiff, save_all=True, append_images=[grey.rotate(0)], compression="tiff_lzw", dpi=(200, 200))
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["convert", str(jpeg), str(tiff), "-o", str(out), "-f", "txt,json,pdf"])
    assert r.exit_code == 0, r.output
    # The JPEG page: its text in the .txt's order, its words on their boxes, its image the file's own bytes.
    pdf = pdfium.PdfDocument(out / "en_front.pdf")
    assert len(pdf) == 1
    page = pdf[0]
    txt = (out / "en_front.txt").read_text(encoding="utf-8")
    got = page.get_textpage().get_text_range()
    ref, hyp = normalize(txt, True), normalize(got, True)
    assert Levenshtein.distance(ref, hyp) / len(ref) <= 0.01
    result = json.loads((out / "en_front.json").read_text(encoding="utf-8"))["pages"][0]
    dpi = result.get("dpi") or 300.0
    words = [(w["text"], w["bbox"]) for b in result["blocks"] for ln in b.get("lines", []) for w in ln.get("words", [])]
    found = _words(page, page.get_size()[1], dpi / 72)
    assert len(found) == len(words) > 200
    ious = [_iou(a[1], b[1]) for a, b in zip(found, words, strict=True)]
    assert sum(1 for v in ious if v >= 0.7) >= 0.95 * len(ious), sorted(ious)[: len(ious) // 10]
    import pikepdf

    with pikepdf.open(out / "en_front.pdf") as p:
        images = list(p.pages[0].get_images().values())
        assert len(images) == 1 and images[0].read_raw_bytes() == jpeg.read_bytes()
    # The two-page TIFF: one PDF of two pages, each page's image the scan's pixels (stored losslessly).
    two = pdfium.PdfDocument(out / "two.pdf")
    assert len(two) == 2
    with pikepdf.open(out / "two.pdf") as p:
        for pg in p.pages:
            (img,) = pg.get_images().values()
            pixels = pikepdf.PdfImage(img).as_pil_image().convert("L")
            assert pixels.size == grey.size and pixels.tobytes() == grey.tobytes()
    # Both are PDF/A-2b by default: declared in their XMP, and pikepdf's validator finds nothing against it.
    from pikepdf.pdfa import check

    for name in ("en_front.pdf", "two.pdf"):
        with pikepdf.open(out / name) as p:
            meta = p.open_metadata()
            assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")
            assert check(p, "2b").findings == []
            assert len(p.Root.OutputIntents) == 1
    for k in (1, 2):
        txt = (out / f"two_p000{k}.txt").read_text(encoding="utf-8")
        got = two[k - 1].get_textpage().get_text_range()
        ref, hyp = normalize(txt), normalize(got)
        assert Levenshtein.distance(ref, hyp) / len(ref) <= 0.01
