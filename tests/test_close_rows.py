"""Small type set close: rows the detector runs together are detected again larger, patch by patch or (where much
of the page is lost) the whole page, and a column gutter reaches up to the first row under a stray pencil stroke."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from digitizer.detect import find_lines, merged_rows, redetect_merged


def _box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def _column(x0: float = 100, rows: int = 12, top: float = 300, pitch: float = 36, h: float = 30) -> list[np.ndarray]:
    return [_box(x0, top + r * pitch, x0 + 400, top + r * pitch + h) for r in range(rows)]


def test_a_box_over_rows_is_merged_and_a_headline_or_drop_capital_is_not() -> None:
    lines = _column()
    blob = _box(90, 300 + 3 * 36, 510, 300 + 6 * 36 + 30)  # rows 3-6 outlined as one
    headline = _box(80, 150, 900, 260)  # as tall, over no other line
    drop_cap = _box(40, 300, 95, 390)  # tall and narrow, beside the first rows
    quads = [*lines, blob, headline, drop_cap]
    assert merged_rows(quads) == [len(lines)]


class _Patches:
    """A detector that finds, in whatever patch it is given, rows of lines at a fixed pitch (in the patch's own
    pixels, as the engine returns them), or one tall box when told the rows still run together there."""

    def __init__(self, pitch: float, tall: bool = False) -> None:
        self.pitch, self.tall, self.sizes = pitch, tall, []

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        h, w = image.shape[:2]
        self.sizes.append((w, h))
        if self.tall:
            return [_box(5, 5, w - 5, h - 5)]
        return [_box(5, y, w - 5, y + 0.8 * self.pitch) for y in np.arange(5, h - self.pitch, self.pitch)]


def test_only_the_rows_run_together_are_detected_again_larger() -> None:
    lines = _column()
    blob = _box(90, 300 + 3 * 36, 510, 300 + 6 * 36 + 30)
    image = np.full((1000, 800, 3), 255, np.uint8)
    engine: Any = _Patches(pitch=36 * 1.5)
    out = redetect_merged(engine, image, [*lines, blob], scale=1.0)
    assert len(engine.sizes) == 1  # the one patch, not the page
    w, h = engine.sizes[0]
    assert w > 1.4 * (510 - 90) and h > 1.4 * (blob[2, 1] - blob[0, 1])  # looked at 1.5 times larger
    hs = [float(q[:, 1].max() - q[:, 1].min()) for q in out]
    assert max(hs) < 40  # no box over several rows left
    outside = [q for q in lines if q[0, 1] < 300 + 2 * 36 or q[0, 1] > 300 + 8 * 36]
    assert all(any(np.array_equal(q, o) for o in out) for q in outside)  # lines away from the patch untouched


def test_rows_that_still_run_together_larger_are_left_as_found() -> None:
    lines = _column()
    blob = _box(90, 300 + 3 * 36, 510, 300 + 6 * 36 + 30)
    image = np.full((1000, 800, 3), 255, np.uint8)
    out = redetect_merged(_Patches(pitch=54, tall=True), image, [*lines, blob], scale=1.0)  # type: ignore[arg-type]
    assert len(out) == len(lines) + 1 and any(np.array_equal(q, blob) for q in out)


@pytest.mark.timeout(120)
def test_a_page_whose_rows_run_together_is_detected_larger() -> None:
    """The engine is a stand-in that runs rows of the page together unless it sees them at 1.5 times or more."""

    class CloseRows:
        def __init__(self) -> None:
            self.widths: list[int] = []

        def detect_probe(self, image: np.ndarray) -> list[np.ndarray]:
            return self.detect(image)

        def detect_scaled(self, image: np.ndarray, scale: float) -> list[np.ndarray]:
            raise AssertionError("not shrunk: the page is detected at full size first")

        def detect(self, image: np.ndarray) -> list[np.ndarray]:
            h, w = image.shape[:2]
            self.widths.append(w)
            k = w / 1000  # the page's own pixels are 1000 wide
            rows = [_box(50 * k, (100 + 36 * r) * k, 950 * k, (100 + 36 * r + 28) * k) for r in range(20)]
            if k >= 1.5:
                return rows
            # Every fourth row alone; three run together, with the gaps between them outlined too.
            out = []
            for r in range(0, 20, 4):
                out.append(rows[r])
                if r + 3 < 20:
                    out.append(_box(50 * k, (100 + 36 * (r + 1)) * k, 950 * k, (100 + 36 * (r + 3) + 28) * k))
                    out.append(_box(50 * k, (100 + 36 * (r + 1) + 18) * k, 950 * k, (100 + 36 * (r + 2) + 10) * k))
            return out

    image = np.full((900, 1000, 3), 255, np.uint8)
    engine: Any = CloseRows()
    probed = [_box(50, 100 + 36 * r, 950, 124 + 36 * r) for r in range(20)]  # type the size the detector wants
    scale, quads = find_lines(engine, image, probed)
    assert scale == 1.5 and 1500 in engine.widths
    assert len(quads) == 20 and merged_rows(quads) == []


@pytest.mark.timeout(300)
def test_a_bitonal_page_of_small_chinese_type_set_close_reads_in_order() -> None:
    """The real models on a generated 150-dpi bitonal Chinese page of 8 columns: at its own size the detector
    runs its rows together (cer_order 0.85, recall 0.77 before this was built); read larger, it is in order."""
    import cv2

    import digitizer
    from digitizer.evaluate import score_page
    from digitizer.export import to_text
    from digitizer.synth.historical import age_historical, render_historical

    img, gt = render_historical(2026002, "zh")
    arr, aged, bitonal = age_historical(img, gt, 2026002, bitonal=True)
    assert bitonal and aged["dpi"] == 150 and aged["columns"] == 8
    doc = digitizer.convert(cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR))
    assert doc.pages[0].det_scale == 1.5
    s = score_page(aged, to_text(doc))
    assert s["char_recall"] >= 0.88 and s["order"] >= 0.95 and s["cer_order"] <= 0.25, s


def test_a_bitonal_page_is_told_from_grey_and_colour_ones() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from digitizer.bitonal import is_bitonal, soften

    im = Image.new("L", (600, 200), 255)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 24)
    except OSError:
        font = ImageFont.load_default()
    ImageDraw.Draw(im).text((20, 80), "the harbour board met on monday", font=font, fill=0)
    grey = np.asarray(im)  # antialiased: grey at every letter's edge
    one_bit = np.asarray(im.convert("1").convert("L"))
    bgr = np.stack([one_bit] * 3, axis=2)
    assert is_bitonal(bgr) and is_bitonal(one_bit)
    assert not is_bitonal(np.stack([grey] * 3, axis=2))
    tinted = bgr.copy()
    tinted[..., 2] = np.where(one_bit == 0, 0, 230)  # two colours, but not black and white
    assert not is_bitonal(tinted)
    assert not is_bitonal(np.full((100, 100, 3), 255, np.uint8))  # blank: nothing to soften
    soft = soften(bgr)
    assert len(np.unique(soft)) > 10 and not is_bitonal(soft)


@pytest.mark.timeout(180)
def test_a_bitonal_page_of_small_serif_type_reads_its_e_as_e() -> None:
    """The real models on a 1-bit page of 17-pixel serif type: read as scanned, the hard edges close some e's into
    o's (cer_order 0.007); softened for the recognizers, 0.0002."""
    import random

    from PIL import Image, ImageDraw, ImageFont

    import digitizer
    from digitizer.evaluate import score_page
    from digitizer.export import to_text

    words = (
        "the committee on streets reported yesterday that the census of the regiment was finished before the "
        "session of the common council and the secretary of the treasury stated in a letter to the gentleman "
        "from baltimore that the lecture on pennsylvania railroads will be given on thursday morning"
    ).split()
    rng = random.Random(5)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 17)
    except OSError:
        pytest.skip("DejaVu fonts not installed (make install)")
    pitch = round(17 * 1.35)
    im = Image.new("L", (1500, 40 * pitch + 100), 255)
    d = ImageDraw.Draw(im)
    lines = []
    for r in range(40):
        line = ""
        while d.textlength(f"{line} {(w := rng.choice(words))}", font=font) <= 1380:
            line = f"{line} {w}".strip()
        lines.append(line)
        d.text((60, 50 + r * pitch), line, font=font, fill=0)
    one_bit = np.asarray(im.convert("1").convert("L"))
    doc = digitizer.convert(np.stack([one_bit] * 3, axis=2), lang="en")
    truth = {"lang": "en", "blocks": [{"type": "para", "text": t, "bbox": [0, 0, 1, 1]} for t in lines]}
    s = score_page(truth, to_text(doc))
    assert s["cer_order"] <= 0.003 and s["char_recall"] >= 0.997, s
