"""End to end on a real-size page with the real PP-OCRv6 models, and the CLI's handling of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitizer.evaluate import score_page
from digitizer.export import to_text

CLI = [sys.executable, "-m", "digitizer.cli"]


def test_real_page_text_matches_ground_truth(clean_page, converted) -> None:  # type: ignore[no-untyped-def]
    _, gt = clean_page
    s = score_page(gt, to_text(converted))
    assert s["char_recall"] >= 0.97 and s["char_prec"] >= 0.97, s
    page = converted.pages[0]
    assert (page.width, page.height) == (3000, 4300)
    kinds = {b.kind for b in page.blocks}
    assert {"headline", "para", "ad", "header", "footer"} <= kinds
    # Provenance: pinned model files with checksums, and the settings.
    models = converted.engine["models"]
    assert all(len(m["sha256"]) == 64 for m in models.values())
    assert converted.settings["speed"] == "best"


def test_reading_order_on_clean_page(clean_page, converted) -> None:  # type: ignore[no-untyped-def]
    _, gt = clean_page
    s = score_page(gt, to_text(converted))
    # Every paragraph and ad whole and in order, and the text in reading order within a few characters of the
    # ground truth (measured: 0.0033 on this page, its character errors alone).
    assert s["order"] == 1.0 and s["intact"] == 1.0, s
    assert s["cer_order"] <= 1.5 * (1 - s["char_recall"]) + 0.005, s


def test_no_network_during_conversion(no_network, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import digitizer

    img = np.full((400, 900, 3), 255, np.uint8)
    import cv2

    cv2.putText(img, "Local news today", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (0, 0, 0), 4)
    doc = digitizer.convert(img, speed="fast", lang="en")
    assert "news" in to_text(doc).lower()
    assert no_network == []


def test_blank_page_is_empty_not_error() -> None:
    import digitizer

    doc = digitizer.convert(np.full((800, 600, 3), 250, np.uint8))
    assert doc.pages[0].blocks == []


def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(
    "name,make,code",
    [
        ("missing.png", None, 3),
        ("empty.jpg", lambda p: p.write_bytes(b""), 4),
        ("text.png", lambda p: p.write_text("not an image at all"), 4),
        ("cut.jpg", "truncated", 4),
        ("huge.png", "huge", 5),
    ],
)
def test_bad_input_one_line_error_distinct_code(tmp_path: Path, name, make, code) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / name
    if make == "truncated":
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (600, 800, 3), np.uint8)).save(src, quality=90)
        src.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    elif make == "huge":
        Image.new("L", (2000, 2000), 255).save(src)
    elif make is not None:
        make(src)
    out = tmp_path / "out"
    args = ["convert", str(src), "-o", str(out), "--format", "txt,json"]
    if make == "huge":
        args += ["--max-pixels", "1000000"]
    r = _run(args)
    assert r.returncode == code, r.stderr
    assert "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "error" in r.stderr
    assert not out.exists() or not any(out.iterdir())


def test_cli_writes_named_outputs(tmp_path: Path) -> None:
    from faultkit import text_page

    src = tmp_path / "page one.png"
    text_page("HELLO from the harbour board", size=(900, 300), font_px=40).save(src)
    r = _run(["convert", str(src), "-o", str(tmp_path / "o"), "--format", "txt,json,md", "--speed", "fast"])
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in (tmp_path / "o").iterdir())
    assert names == ["page one.json", "page one.md", "page one.txt"]
    assert r.stdout.splitlines() == [str(tmp_path / "o" / n) for n in ("page one.txt", "page one.json", "page one.md")]
    assert (tmp_path / "o" / "page one.txt").read_text().strip() == "HELLO from the harbour board"
    d = json.loads((tmp_path / "o" / "page one.json").read_text())
    assert d["schema_version"] and d["engine"]["engine"] == "ppocr"
    assert d["source"] == str(src) and d["pages"][0]["blocks"][0]["text"] == "HELLO from the harbour board"


def test_version_and_help() -> None:
    r = _run(["--version"])
    assert r.returncode == 0 and "digitizer" in r.stdout
    r = _run(["convert", "--help"])
    assert r.returncode == 0 and "--max-pixels" in r.stdout
