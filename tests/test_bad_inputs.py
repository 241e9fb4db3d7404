"""Each input bug found by hand (issue #25), fixed at its cause: a test that fails without the fix."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from faultkit import text_page
from PIL import Image

from digitizer.batch import read_manifest

CLI = [sys.executable, "-m", "digitizer.cli"]
FAST = ["--speed", "fast"]


def _run(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def _bomb(path: Path, w: int = 60000, h: int = 60000) -> Path:
    """A PNG of a few hundred bytes whose header claims ``w``×``h`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 999)) + chunk(b"IEND", b"")
    )
    return path


def test_a_decompression_bomb_is_over_max_pixels_in_convert_and_costs_only_itself_in_batch(tmp_path: Path) -> None:
    (tmp_path / "scans").mkdir()
    bomb = _bomb(tmp_path / "scans" / "bomb.png")
    assert bomb.stat().st_size < 500
    r = _run("convert", str(bomb), "-o", str(tmp_path / "o"))
    assert r.returncode == 5, r.stderr
    assert "3,600,000,000 pixels is over the limit" in r.stderr and "internal error" not in r.stderr
    text_page("The good page next to the bomb").save(tmp_path / "scans" / "good.png")
    out = tmp_path / "out"
    r = _run("batch", str(tmp_path / "scans"), "-o", str(out), *FAST)
    assert r.returncode == 10, r.stderr
    recs = {Path(x["input"]).name: x for x in read_manifest(out)}
    assert recs["good.png"]["status"] == "done"
    assert recs["bomb.png"]["status"] == "failed" and recs["bomb.png"]["exit_code"] == 5
    assert "over the limit" in recs["bomb.png"]["error"]


def test_a_three_pixel_image_is_refused_with_a_message_a_person_can_act_on(tmp_path: Path) -> None:
    Image.new("RGB", (3, 3), "white").save(tmp_path / "dot.png")
    r = _run("convert", str(tmp_path / "dot.png"), "-o", str(tmp_path / "o"))
    assert r.returncode == 9, r.stderr
    assert "3×3 pixels is too small to read" in r.stderr and "OpenCV" not in r.stderr
    out = tmp_path / "out"
    r = _run("batch", str(tmp_path / "dot.png"), "-o", str(out), *FAST)
    (rec,) = read_manifest(out)
    assert r.returncode == 10 and rec["exit_code"] == 9 and "too small" in rec["error"]


def test_a_tiny_page_is_read_with_a_warning(tmp_path: Path) -> None:
    Image.new("RGB", (50, 50), "white").save(tmp_path / "icon.png")
    r = _run("convert", str(tmp_path / "icon.png"), "-o", str(tmp_path / "o"), *FAST)
    assert r.returncode == 0 and "only 50×50 pixels" in r.stderr and "unreliable" in r.stderr


def test_convert_refuses_two_inputs_that_would_write_the_same_outputs(tmp_path: Path) -> None:
    for d in ("a", "b"):
        (tmp_path / d).mkdir()
        text_page(f"Page in {d}").save(tmp_path / d / "page.jpg")
    out = tmp_path / "out"
    r = _run("convert", str(tmp_path / "a" / "page.jpg"), str(tmp_path / "b" / "page.jpg"), "-o", str(out))
    assert r.returncode == 2 and "would write the same outputs" in r.stderr
    assert not out.exists()


def test_a_file_whose_name_looks_like_a_glob_is_taken_as_the_file(tmp_path: Path) -> None:
    src = tmp_path / "br"
    src.mkdir()
    text_page("Evening edition of May first").save(src / "1923-05-01 [p1].jpg")
    out = tmp_path / "out"
    r = _run("batch", str(src / "1923-05-01 [p1].jpg"), "-o", str(out), *FAST)
    assert r.returncode == 0, r.stderr
    assert "edition" in (out / "1923-05-01 [p1].txt").read_text().lower()


def test_a_jpeg_without_a_resolution_has_none_and_dpi_sets_it(tmp_path: Path) -> None:
    from digitizer.load import load_pages

    src = tmp_path / "camera.jpg"
    exif = Image.Exif()
    exif[0x010F] = "Scanner Co."  # EXIF, but no XResolution: Pillow would say 72 dpi
    text_page("A page from a camera", size=(2400, 900), font_px=60).save(src, quality=90, exif=exif.tobytes())
    (page,) = load_pages(src)
    assert page.dpi is None
    out = tmp_path / "out"
    r = _run("convert", str(src), "-o", str(out), "-f", "alto,json", "--alto-unit", "inch1200", "--dpi", "300", *FAST)
    assert r.returncode == 0, r.stderr
    alto = (out / "camera.alto.xml").read_text()
    assert 'WIDTH="9600"' in alto  # 2400 px at 300 dpi = 8 inches = 9600 / 1200
    assert json.loads((out / "camera.json").read_text())["pages"][0]["dpi"] == 300
    with_res = tmp_path / "scanner.jpg"
    text_page("A page from a scanner").save(with_res, dpi=(400, 400))
    (page,) = load_pages(with_res)
    assert page.dpi == 400


@pytest.mark.timeout(300)
def test_pages_stream_through_convert_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import digitizer.pipeline as pipeline
    from digitizer.config import Options

    pdf = tmp_path / "issue.pdf"
    pages = [text_page(f"Page {i + 1} of the issue") for i in range(3)]
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=100)
    events: list[str] = []
    real_load, real_convert = pipeline.load_pages, pipeline.convert_page

    def load(*a, **k):  # type: ignore[no-untyped-def]
        for pi in real_load(*a, **k):
            events.append(f"decoded {pi.index}")
            yield pi

    def convert(pi, *a, **k):  # type: ignore[no-untyped-def]
        events.append(f"converted {pi.index}")
        return real_convert(pi, *a, **k)

    monkeypatch.setattr(pipeline, "load_pages", load)
    monkeypatch.setattr(pipeline, "convert_page", convert)
    for pi, _page in pipeline.convert_pages(pdf, Options(speed="fast")):
        events.append(f"handed on {pi.index}")
    assert events == [f"{what} {i}" for i in range(3) for what in ("decoded", "converted", "handed on")]


@pytest.mark.timeout(300)
def test_convert_writes_each_page_of_a_pdf_as_it_is_done(tmp_path: Path) -> None:
    pdf = tmp_path / "issue.pdf"
    pages = [text_page(f"Page {i + 1} of the issue", size=(1600, 1200)) for i in range(6)]
    pages[0].save(pdf, save_all=True, append_images=pages[1:], resolution=300)
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*CLI, "convert", str(pdf), "-o", str(out), *FAST], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    first = proc.stdout.readline().strip()  # printed as soon as page 1's output is in place
    assert first.endswith("issue_p0001.txt") and Path(first).is_file()
    assert proc.poll() is None  # ... while the later pages are still being read
    rest, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    assert len(rest.split()) == 5 and "page 6" in (out / "issue_p0006.txt").read_text().lower()


@pytest.mark.timeout(120)
def test_a_blank_large_page_is_not_detected_at_full_resolution() -> None:
    import digitizer

    t0 = time.monotonic()
    doc = digitizer.convert(np.full((8000, 6000), 250, np.uint8), speed="fast")
    page = doc.pages[0]
    assert page.blocks == [] and page.det_scale == 0.0  # no detection pass at all
    assert time.monotonic() - t0 < 60


def test_eval_says_when_outputs_are_missing_and_fails_when_nothing_was_scored(tmp_path: Path) -> None:
    gt, pred = tmp_path / "gt", tmp_path / "pred"
    gt.mkdir()
    pred.mkdir()
    for stem in ("a", "b"):
        (gt / f"{stem}.gt.json").write_text(
            json.dumps({"lang": "en", "blocks": [{"type": "para", "text": f"The text of page {stem} here."}]})
        )
    r = _run("eval", str(gt), str(pred))
    assert r.returncode == 3 and "nothing to score" in r.stderr
    (pred / "a.txt").write_text("The text of page a here.")
    r = _run("eval", str(gt), str(pred))
    assert r.returncode == 10 and "1 ground-truth pages have no output: b" in r.stderr
    assert "no output" in r.stdout and "1.0000" in r.stdout


@pytest.mark.models
def test_int8_is_an_explicit_opt_in_recorded_in_the_json() -> None:
    import digitizer

    img = np.asarray(text_page("The tiny recognizer reads this"))[:, :, ::-1].copy()
    plain = digitizer.convert(img, speed="fast")
    assert "run_sha256" not in plain.engine["models"]["PP-OCRv6_rec_tiny"]  # the shipped model, as shipped
    assert plain.settings["int8"] is False
    fast8 = digitizer.convert(img, speed="fast", int8=True)
    assert fast8.settings["int8"] is True
    assert "int8" in fast8.engine["models"]["PP-OCRv6_rec_tiny"]["run_as"]
    r = _run("convert", "--help")
    assert "--int8" in r.stdout and "instruction set" in r.stdout
