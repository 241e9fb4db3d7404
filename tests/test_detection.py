"""Detection details: level boxes on a straightened page, and the cascade's character check."""

from __future__ import annotations

import numpy as np
import pytest

from digitizer.geometry import Box
from digitizer.ocr.cascade import Cascade
from digitizer.ocr.detector import _level
from digitizer.ocr.recognizer import Reading
from digitizer.script import rare_hanzi


def test_rare_or_traditional_hanzi_are_flagged() -> None:
    assert rare_hanzi("訂") and rare_hanzi("話")  # traditional forms the tiny model swaps in
    assert not any(rare_hanzi(c) for c in "订话鲁中晨报A1，")


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
    cascade = Cascade([], threshold=0.93, threads=1)
    chars = [(c, 0.0, 1.0, 0.97) for c in "全年訂阅"]
    assert cascade._doubtful("全年訂阅", 0.97, chars)
    chars = [(c, 0.0, 1.0, 0.97) for c in "全年订阅"]
    assert not cascade._doubtful("全年订阅", 0.97, chars)


class _Reader:
    """A stand-in recognizer: the same reading for every crop."""

    def __init__(self, key: str, text: str, conf: float) -> None:
        self.key, self.text, self.conf = key, text, conf

    def __call__(self, crops: list[np.ndarray]) -> list[Reading]:
        chars = [(c, 10.0 * i, 10.0 * i + 9, self.conf) for i, c in enumerate(self.text)]
        return [(self.text, self.conf, chars) for _ in crops]

    def read_alone(self, crop: np.ndarray, threaded: bool = False) -> Reading:
        return self([crop])[0]


def _cascade(first: tuple[str, float], second: tuple[str, float]) -> tuple[str, str]:
    from digitizer.ocr.ppocr import PPOCREngine, PPOCRSettings

    eng = PPOCREngine.__new__(PPOCREngine)  # the cascade's logic only: no models loaded
    eng.s, eng.classifier = PPOCRSettings(speed="balanced"), None
    readers = [_Reader("tiny", *first), _Reader("small", *second)]
    eng.cascade = Cascade(readers, eng.s.cascade_threshold, eng.s.threads)  # type: ignore[arg-type]
    page = np.full((60, 400, 3), 255, np.uint8)
    quad = np.array([[10, 10], [390, 10], [390, 50], [10, 50]], np.float32)
    (line,) = eng.recognize(page, [quad])
    return line.text, line.model


def test_cascade_keeps_word_spaces_the_second_reader_drops() -> None:
    # The first reading is doubtful (0.85 < 0.93), so the second model reads the line again.
    assert _cascade(("bus  line will", 0.85), ("buslinewill", 0.95)) == ("bus  line will", "tiny")
    # A surer second reading that changes letters, or only drops a trailing space, is taken.
    assert _cascade(("bus  lime will", 0.85), ("bus line will", 0.95)) == ("bus line will", "small")
    assert _cascade(("from ", 0.85), ("from", 0.95)) == ("from", "small")
    # A less sure second reading is never taken.
    assert _cascade(("bus line will", 0.85), ("bus line wil", 0.80)) == ("bus line will", "tiny")


class _WidthReader:
    """A stand-in recognizer that reads a crop as its width, doubtful (0.5) where the width is even; it logs its
    reads, and each read takes a moment, as a model's does."""

    def __init__(self, key: str, log: list[tuple[str, int]]) -> None:
        self.key, self.log = key, log

    def read_alone(self, crop: np.ndarray, threaded: bool = False) -> Reading:
        import time

        time.sleep(0.002)
        w = crop.shape[1]
        self.log.append((self.key, w))
        text = f"{self.key[0]}{w}"  # no Latin word: the page-wide test of the type stays out of it
        conf = 0.5 if self.key == "tiny" and w % 2 == 0 else 0.99
        return text, conf, [(c, 5.0 * i, 5.0 * i + 4, conf) for i, c in enumerate(text)]


def test_cascade_rereads_doubtful_lines_early_and_puts_every_reading_in_its_place() -> None:
    """With two reader threads, each line gets its own reading; a doubtful line is read again as soon as its
    first reading is in (not after every line's first reading), and only doubtful lines are."""
    from digitizer.ocr.ppocr import PPOCREngine, PPOCRSettings

    eng = PPOCREngine.__new__(PPOCREngine)  # the cascade's logic only: no models loaded
    eng.s, eng.classifier = PPOCRSettings(speed="balanced", threads=2), None
    log: list[tuple[str, int]] = []
    readers = [_WidthReader("tiny", log), _WidthReader("small", log)]
    eng.cascade = Cascade(readers, eng.s.cascade_threshold, eng.s.threads)  # type: ignore[arg-type]
    page = np.full((2000, 1200, 3), 255, np.uint8)
    widths = [300 + 17 * i for i in range(40)]  # half of them even
    quads = [
        np.array([[10, 40 * i], [10 + w, 40 * i], [10 + w, 40 * i + 30], [10, 40 * i + 30]], np.float32)
        for i, w in enumerate(widths)
    ]
    lines = eng.recognize(page, quads)
    for ln, w in zip(lines, widths, strict=True):
        key = "small" if w % 2 == 0 else "tiny"
        assert (ln.text, ln.model) == (f"{key[0]}{w}", key)
        assert len(ln.chars) == len(ln.text)
        assert ln.chars[0].quad[0] == pytest.approx([10, ln.quad[0][1]])  # spans placed on the page
    assert sorted(w for k, w in log if k == "small") == sorted(w for w in widths if w % 2 == 0)
    assert len(log) == 60
    first_reread = next(n for n, (k, _) in enumerate(log) if k == "small")
    last_first_read = max(n for n, (k, _) in enumerate(log) if k == "tiny")
    assert first_reread < last_first_read / 2


class _SureReader:
    """A stand-in recognizer that reads every crop as the same English words with one confidence, and logs its
    reads."""

    def __init__(self, key: str, conf: float, log: list[str]) -> None:
        self.key, self.conf, self.log = key, conf, log

    def read_alone(self, crop: np.ndarray, threaded: bool = False) -> Reading:
        self.log.append(self.key)
        text = f"the {self.key} reading"
        return text, self.conf, [(c, 5.0 * i, 5.0 * i + 4, self.conf) for i, c in enumerate(text)]


def test_a_page_is_of_unsure_type_by_the_median_of_its_latin_lines_only() -> None:
    from digitizer.ocr.cascade import LATIN_LINES, UNSURE_TYPE, unsure_of_type

    sure, unsure = UNSURE_TYPE + 0.01, UNSURE_TYPE - 0.01
    latin = [("the court of common pleas", unsure)] * LATIN_LINES
    assert unsure_of_type(latin)
    assert not unsure_of_type(latin[:-1])  # too few Latin lines to judge
    # Chinese lines, figures and one-letter readings are not asked about, however unsure.
    assert not unsure_of_type([("本报讯", 0.5), ("1859", 0.5), ("a b", 0.5)] * 20 + [("the court", sure)] * 20)
    # The median: a few doubtful lines on a page of sure ones leave it to the cascade line by line.
    assert not unsure_of_type([("the court", 0.5)] * 10 + [("the court", sure)] * 11)
    assert unsure_of_type([("the court", 0.5)] * 11 + [("the court", sure)] * 10)


@pytest.mark.parametrize(("tiny_conf", "n_lines"), [(0.95, 120), (0.95, 30), (0.995, 120)])
def test_cascade_reads_a_page_with_the_last_reader_where_the_first_is_unsure_of_its_type(
    tiny_conf: float, n_lines: int
) -> None:
    """Latin lines the first reader is sure enough of line by line (0.95, over the cascade's threshold) but
    unsure of as a page (median under ``UNSURE_TYPE``) are all read by the last one too, on a short page and a
    long one; where it is sure, nothing is read twice."""
    from digitizer.ocr.base import OcrLine
    from digitizer.ocr.cascade import UNSURE_TYPE

    log: list[str] = []
    cascade = Cascade([_SureReader("tiny", tiny_conf, log), _SureReader("small", 0.97, log)], 0.93, 2)  # type: ignore[list-item]
    quad = np.array([[0, 0], [300, 0], [300, 30], [0, 30]], np.float32)
    lines = [OcrLine(quad=quad) for _ in range(n_lines)]
    cascade.read([np.full((30, 300 + k, 3), 255, np.uint8) for k in range(n_lines)], lines)
    if tiny_conf >= UNSURE_TYPE:
        assert log.count("small") == 0 and all(ln.model == "tiny" for ln in lines)
        return
    assert all((ln.text, ln.model) == ("the small reading", "small") for ln in lines)
    assert log.count("tiny") == log.count("small") == n_lines


def _ocr_line(grey: np.ndarray, text: str, inks: list[int], x0: int = 20, cw: int = 20):  # type: ignore[no-untyped-def]
    """A line of ``text`` whose characters are drawn as blocks of the given grey levels."""
    from digitizer.ocr.base import CharBox, OcrLine

    chars = []
    for i, (ch, ink) in enumerate(zip(text, inks, strict=True)):
        x = x0 + i * cw
        if not ch.isspace():
            grey[22:38, x + 4 : x + cw - 4] = ink
        chars.append(CharBox(ch, np.array([[x, 20], [x + cw, 20], [x + cw, 40], [x, 40]], np.float32), 0.9))
    q = np.array([[x0, 20], [x0 + cw * len(text), 20], [x0 + cw * len(text), 40], [x0, 40]], np.float32)
    return OcrLine(q, text, 0.9, chars)


def test_bleed_through_run_on_a_line_end_is_trimmed() -> None:
    from digitizer.layout import trim_faint_ends

    grey = np.full((60, 600), 235, np.uint8)
    line = _ocr_line(grey, "home AIA9", [40, 45, 50, 42, 235, 200, 205, 198, 202])
    trim_faint_ends(line, grey, 235.0)
    assert line.text == "home"
    assert float(line.quad[:, 0].max()) == 20 + 4 * 20  # the box ends where "home" ends


def test_a_line_of_even_ink_and_a_pale_full_stop_are_kept() -> None:
    from digitizer.layout import trim_faint_ends

    grey = np.full((60, 600), 235, np.uint8)
    line = _ocr_line(grey, "at home.", [60, 70, 235, 55, 65, 60, 70, 90])
    trim_faint_ends(line, grey, 235.0)
    assert line.text == "at home."


def test_character_inks_are_each_box_s_darkest_pixel_on_level_and_leaning_lines() -> None:
    """The darkest pixel of each character box: for a level line of boxes side by side (column minima once) and
    for boxes at different heights (box by box) alike, spaces and empty boxes None."""
    from digitizer.layout import _char_inks
    from digitizer.ocr.base import CharBox

    rng = np.random.default_rng(3)
    grey = rng.integers(0, 256, (80, 400), dtype=np.uint8)

    def box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
        return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)

    def by_box(chars: list[CharBox]) -> list[float | None]:
        out: list[float | None] = []
        for cb in chars:
            x0, y0 = np.maximum(cb.quad.min(axis=0), 0).astype(int)
            x1, y1 = np.minimum(cb.quad.max(axis=0), [400, 80]).astype(int)
            crop = grey[y0:y1, x0:x1]
            out.append(None if cb.text.isspace() or not crop.size else float(crop.min()))
        return out

    level = [CharBox(c, box(10 + 17 * i, 20, 27 + 17 * i, 45), 0.9) for i, c in enumerate("ab cdefg")]
    level.append(CharBox("h", box(146, 20, 420, 45), 0.9))  # runs off the page: clipped
    leaning = [CharBox(c, box(10 + 17 * i, 20 + i, 27 + 17 * i, 45 + i), 0.9) for i, c in enumerate("ab cd")]
    leaning.append(CharBox("e", box(200, 30, 200, 50), 0.9))  # no width: None
    for chars in (level, leaning):
        got = _char_inks(chars, grey)
        assert got == by_box(chars)
        assert got[2] is None and all(v is not None for v in got[:2])
    assert _char_inks(leaning, grey)[-1] is None


def test_vertical_text_is_recognized_from_tall_boxes() -> None:
    from digitizer.ocr.ppocr import _has_vertical_text

    def box(w: float, h: float) -> np.ndarray:
        return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)

    assert not _has_vertical_text([box(400, 40)] * 50 + [box(40, 60)] * 5)  # lines and squarish characters
    assert _has_vertical_text([box(400, 40)] * 50 + [box(60, 300), box(60, 420)])


def test_tiled_detection_finds_the_lines_a_whole_page_run_finds() -> None:
    """Lines that cross tile seams come out whole: tiles keep their centres only, and overlap by a margin."""
    from PIL import Image, ImageDraw, ImageFont

    from digitizer.ocr.ppocr import PPOCREngine, PPOCRSettings

    font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    try:
        font = ImageFont.truetype(font_path, 30)
    except OSError:
        font = ImageFont.load_default(size=30)
    im = Image.new("RGB", (1100, 900), "white")
    d = ImageDraw.Draw(im)
    for i in range(11):  # every 75 pixels: many lines straddle the seams of 256-pixel tiles
        text = f"Line {i} of the seam test, read across tiles"
        d.text((40 + (i % 3) * 20, 30 + i * 75), text, font=font, fill="black")
    page = np.ascontiguousarray(np.asarray(im)[:, :, ::-1])
    tiled = PPOCREngine(PPOCRSettings(speed="fast", det_tile=256, det_overlap=64)).detect(page)
    whole = PPOCREngine(PPOCRSettings(speed="fast", det_tile=2048)).detect(page)
    assert len(whole) == 11

    def box(q: np.ndarray) -> tuple[float, float, float, float]:
        return float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())

    # Small tiles see less context and outline lines a little more loosely, but never cut one: each line
    # of the whole-page run has one tiled box across its full length, on the same row.
    assert len(tiled) == len(whole)
    for q in whole:
        a = box(q)
        same_row = [box(t) for t in tiled if abs((box(t)[1] + box(t)[3]) / 2 - (a[1] + a[3]) / 2) < 0.3 * (a[3] - a[1])]
        assert len(same_row) == 1
        b = same_row[0]
        assert min(a[2], b[2]) - max(a[0], b[0]) >= 0.97 * (a[2] - a[0])


def test_shrink_matches_area_resampling() -> None:
    import cv2

    from digitizer.resample import shrink

    # A page-like image: paper, and dark strokes of text size.
    img = np.full((1303, 977, 3), 235, np.uint8)
    for y in range(40, 1260, 45):
        for x in range(30, 940, 26):
            cv2.putText(img, "ab", (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (20, 20, 20), 2)
    for size in ((300, 400), (488, 651), (977 // 3, 1303 // 3)):
        got = shrink(img, size)
        want = cv2.resize(img, size, interpolation=cv2.INTER_AREA)
        assert got.shape == want.shape
        # Both average areas of the page, on grids a fraction of a pixel apart: the same picture once blurred
        # by a pixel, the same level, and no shift (the dark mass sits in the same place).
        a, b = (cv2.GaussianBlur(x.astype(np.float32), (0, 0), 1.5) for x in (got, want))
        assert float(np.abs(a - b).mean()) < 4.0
        assert abs(float(got.mean()) - float(want.mean())) < 1.0
        for axis in (0, 1):
            ink_g = (255.0 - got.mean(axis=2)).sum(axis=1 - axis)
            ink_w = (255.0 - want.mean(axis=2)).sum(axis=1 - axis)
            pos = np.arange(len(ink_g))
            assert abs(float((pos * ink_g).sum() / ink_g.sum()) - float((pos * ink_w).sum() / ink_w.sum())) < 0.5


def test_grey_level_is_the_percentile() -> None:
    """The histogram percentile that layout uses for paper levels is the nearest-rank percentile, and on an
    image of any size within a grey level of numpy's interpolated one."""
    import math

    from digitizer.layout import grey_level

    rng = np.random.default_rng(5)
    for shape in ((40, 700), (300, 200), (7, 9)):
        img = (rng.beta(5, 1.5, shape) * 255).astype(np.uint8)
        ranked = np.sort(img, axis=None)
        for q in (0.03, 0.1, 0.5, 0.9, 0.97):
            assert grey_level(img, q) == float(ranked[max(0, math.ceil(q * img.size) - 1)]), (shape, q)
            if img.size > 10_000:
                assert abs(grey_level(img, q) - float(np.percentile(img, 100 * q))) <= 1.0, (shape, q)
    strided = np.ascontiguousarray(rng.integers(0, 256, (400, 400), dtype=np.uint8))[::4, ::4]
    assert abs(grey_level(strided, 0.9) - float(np.percentile(strided, 90))) <= 1.0


def _twelve_lines_page() -> np.ndarray:
    """Twelve lines "Line i wide wide ..." of different widths (so sorting by width shuffles them), BGR."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
    except OSError:
        font = ImageFont.load_default(size=30)
    im = Image.new("RGB", (1400, 1000), "white")
    d = ImageDraw.Draw(im)
    for i in range(12):
        d.text((40, 30 + i * 80), f"Line {i} " + "wide " * ((i * 5) % 12), font=font, fill="black")
    return np.ascontiguousarray(np.asarray(im)[:, :, ::-1])


def test_recognition_shared_out_over_threads_reads_each_line_into_its_own_place() -> None:
    """Lines read side by side (one single-threaded run per core) come back in the lines' order, with what a
    one-thread engine reads."""
    from digitizer.ocr.ppocr import PPOCREngine, PPOCRSettings

    page = _twelve_lines_page()
    one = PPOCREngine(PPOCRSettings(speed="fast", threads=1))
    two = PPOCREngine(PPOCRSettings(speed="fast", threads=2))
    assert two.recognizers[0].sess1 is not two.recognizers[0].sess  # the shared-out path is the one tested
    quads = sorted(one.detect(page), key=lambda q: float(q[:, 1].mean()))
    assert len(quads) == 12
    a, b = one.recognize(page, quads), two.recognize(page, quads)
    assert [ln.text for ln in b] == [ln.text for ln in a]
    assert [ln.confidence for ln in b] == pytest.approx([ln.confidence for ln in a], abs=1e-4)
    for i, ln in enumerate(b):
        assert ln.text.split()[:2] == ["Line", str(i)]


def test_a_line_reads_the_same_alone_as_among_other_lines() -> None:
    """The default runs one line per model run: no line is padded to a wider neighbour's width, so what a line
    reads does not depend on what else is on the page."""
    from digitizer.ocr.ppocr import PPOCREngine, PPOCRSettings

    page = _twelve_lines_page()
    engine = PPOCREngine(PPOCRSettings(speed="fast", threads=1))
    quads = sorted(engine.detect(page), key=lambda q: float(q[:, 1].mean()))
    assert len(quads) == 12
    together = engine.recognize(page, quads)
    alone = [engine.recognize(page, [q])[0] for q in quads]
    assert [ln.text for ln in together] == [ln.text for ln in alone]
    assert [ln.confidence for ln in together] == pytest.approx([ln.confidence for ln in alone], abs=1e-6)
    for a, b in zip(together, alone, strict=True):
        assert [c.confidence for c in a.chars] == pytest.approx([c.confidence for c in b.chars], abs=1e-6)


SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _drop_cap_page(headline: bool = False) -> tuple[np.ndarray, Box, list[Box], int, int]:
    """Two justified columns 40 rows long, 0.6 em apart, the first opening with a capital three rows deep (or,
    with ``headline``, under a head set two rows high across both). Returns the grey page, the box a detector
    draws round the capital and the first row of both columns (or round the head), the boxes of the other rows,
    the gutter's x and the row height."""
    from PIL import Image, ImageDraw, ImageFont

    size, lead, top, col_w = 28, 40, 200, 700
    font = ImageFont.truetype(SERIF, size)
    gutter = round(0.6 * size)
    W = 80 + 2 * col_w + gutter + 80
    im = Image.new("L", (W, top + 42 * lead), 250)
    d = ImageDraw.Draw(im)
    words = "the harbour board met on monday to hear the report of its engineer on the new quay".split()
    rng = np.random.default_rng(7)
    cap_w = 0
    if not headline:
        cap = ImageFont.truetype(SERIF, 3 * lead)
        cl, ct, cr, cb = d.textbbox((80, top), "T", font=cap)
        d.text((80, top - (ct - top) + 2), "T", font=cap, fill=0)  # its top on the first row's
        cap_w = cr - cl + 10
    else:
        head = ImageFont.truetype(SERIF, 2 * size)
        d.text((80, top - 2 * lead), "HARBOUR BOARD HEARS ITS ENGINEER", font=head, fill=0)
    for col in range(2):
        for r in range(40):
            x0 = 80 + col * (col_w + gutter) + (cap_w if col == 0 and r < 3 else 0)
            width = 80 + col * (col_w + gutter) + col_w - x0
            ws = [str(w) for w in rng.choice(words, 9)]
            while sum(d.textlength(w, font=font) for w in ws) + 6 * (len(ws) - 1) > width and len(ws) > 2:
                ws.pop()
            space = (width - sum(d.textlength(w, font=font) for w in ws)) / (len(ws) - 1)
            x = float(x0)
            for w in ws:
                d.text((x, top + r * lead), w, font=font, fill=0)
                x += d.textlength(w, font=font) + space
    grey = np.asarray(im)
    right = 80 + 2 * col_w + gutter + 4
    rows = [(76.0, top + r * lead - 4.0, float(right), top + r * lead + size + 6.0) for r in range(40)]
    if headline:
        return grey, (76.0, top - 2 * lead - 6.0, float(right), top - 2.0), rows, 80 + col_w + gutter // 2, lead
    # The detector runs the capital, the row it begins and the same row of the next column into one box three
    # rows deep; the rows under it beside the capital it finds as they are.
    blob = (76.0, top - 4.0, float(right), top + 3 * lead - 4.0)
    return grey, blob, [(76.0 + cap_w, *rows[r][1:]) for r in (1, 2)] + rows[3:], 80 + col_w + gutter // 2, lead


def test_a_drop_capital_run_together_with_its_row_is_parted_and_the_row_cut_at_the_gutter() -> None:
    from digitizer.columns import cut_at_separators, find_separators
    from digitizer.detect import split_drop_cap
    from digitizer.geometry import box_quad, quad_box
    from digitizer.straighten import ink_mask

    grey, blob, others, gx, lead = _drop_cap_page()
    parts = split_drop_cap(grey, blob, others, 32.0)
    assert parts is not None and len(parts) == 2
    letter, row = (quad_box(q) for q in parts)
    assert letter[0] < 90 and 2 * lead < letter[3] - letter[1] < 3 * lead  # the capital, sunk to the third row
    assert row[1] > 190 and row[3] < 200 + lead  # the first row only, beside it
    assert row[0] > letter[2] - 5 and row[2] > gx + 600  # on across the gutter, as the detector saw it
    mask = ink_mask(grey)
    quads = [*parts, *(box_quad(b) for b in others)]
    cut = [quad_box(q) for q in cut_at_separators(mask, quads, find_separators(mask, quads))]
    first = sorted((b for b in cut if b[1] < 200 + lead / 2 and b[3] - b[1] < lead), key=lambda b: b[0])
    assert len(first) == 2 and first[0][2] < gx < first[1][0]  # the first row, in its two columns


@pytest.mark.parametrize("headline", [False, True])
def test_rows_run_together_or_a_head_are_no_drop_capital(headline: bool) -> None:
    from digitizer.detect import split_drop_cap

    grey, blob, others, _, lead = _drop_cap_page(headline)
    if not headline:
        # Three rows of the page's body run together, no capital beside them.
        blob, others = (others[3][0], others[3][1], others[3][2], others[5][3]), others[:3] + others[6:]
    assert split_drop_cap(grey, blob, others, 32.0) is None
