"""Batch runs: bad files recorded and skipped, multi-page inputs split, resume after kill -9, isolation."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from faultkit import without_volatile
from PIL import Image, ImageDraw, ImageFont

from digitizer.batch import discover, read_manifest
from digitizer.errors import BadOptionError

CLI = [sys.executable, "-m", "digitizer.cli"]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _page(text: str) -> Image.Image:
    font = ImageFont.truetype(FONT, 36) if Path(FONT).exists() else ImageFont.load_default()
    im = Image.new("RGB", (900, 420), "white")
    d = ImageDraw.Draw(im)
    for i, line in enumerate(text.split("\n")):
        d.text((60, 60 + 60 * i), line, font=font, fill="black")
    return im


def _folder(root: Path) -> Path:
    d = root / "scans"
    (d / "sub").mkdir(parents=True)
    _page("The council met on Monday\nto discuss the new bridge.").save(d / "a.png")
    _page("Rain is expected tomorrow\nacross the whole region.").convert("L").save(d / "sub" / "b.jpg")
    pages = [_page(f"Page {i + 1} of the report\nfrom the city archive.") for i in range(3)]
    pages[0].save(d / "doc.pdf", save_all=True, append_images=pages[1:], resolution=150)
    pages[0].save(d / "two.tif", save_all=True, append_images=[_page("Second page of the tiff").convert("L")])
    (d / "empty.png").write_bytes(b"")
    (d / "notes.png").write_text("this is a text file, not an image\n")
    buf = io.BytesIO()
    _page("A truncated page").save(buf, "JPEG")
    (d / "corrupt.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    return d


def _run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def test_batch_converts_good_pages_and_records_bad_ones(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    out = tmp_path / "out"
    r = _run("batch", str(src), "-o", str(out), "--speed", "fast", "--jobs", "2", "-f", "txt,json,alto")
    assert r.returncode == 10, r.stderr
    assert "Traceback" not in r.stderr
    recs = read_manifest(out)
    done = {(Path(x["input"]).name, x["page"]) for x in recs if x["status"] == "done"}
    assert done == {
        ("a.png", 1),
        ("b.jpg", 1),
        ("doc.pdf", 1),
        ("doc.pdf", 2),
        ("doc.pdf", 3),
        ("two.tif", 1),
        ("two.tif", 2),
    }
    failed = {Path(x["input"]).name: x["error"] for x in recs if x["status"] == "failed"}
    assert set(failed) == {"empty.png", "notes.png", "corrupt.jpg"}
    assert "empty" in failed["empty.png"] and "not an image" in failed["notes.png"]
    assert "damaged" in failed["corrupt.jpg"]
    for x in recs:
        if x["status"] == "done":
            assert len(x["sha256"]) == 64 and x["seconds"] > 0 and x["engine"] == "ppocr" and x["settings"]
            assert all((out / o).is_file() for o in x["outputs"])
    assert (out / "sub" / "b.txt").is_file() and (out / "doc_p0003.txt").is_file()
    assert "report" in (out / "doc_p0002.txt").read_text().lower()

    # The same pages through `convert` give the same outputs.
    single = tmp_path / "single"
    r2 = _run(
        "convert", str(src / "doc.pdf"), str(src / "a.png"), "-o", str(single), "--speed", "fast", "-f", "txt,json,alto"
    )
    assert r2.returncode == 0, r2.stderr
    for name in ("a", "doc_p0001", "doc_p0002", "doc_p0003"):
        assert (single / f"{name}.txt").read_text() == (out / f"{name}.txt").read_text()
        assert (single / f"{name}.alto.xml").read_text() == (out / f"{name}.alto.xml").read_text()
        a = without_volatile(json.loads((single / f"{name}.json").read_text()))
        b = without_volatile(json.loads((out / f"{name}.json").read_text()))
        assert a == b

    # A rerun skips every done page and records nothing new for them; --report summarizes the manifest.
    r3 = _run("batch", str(src), "-o", str(out), "--speed", "fast", "--jobs", "2", "-f", "txt,json,alto")
    assert r3.returncode == 10 and "skipped (already done): 7" in r3.stderr
    counts = Counter((x["input"], x["page"]) for x in read_manifest(out) if x["status"] == "done")
    assert set(counts.values()) == {1}
    rep = _run("batch", "--report", str(out))
    assert rep.returncode == 10 and "done: 7" in rep.stdout and "corrupt.jpg" in rep.stdout


def test_kill_minus_nine_then_resume_loses_nothing(tmp_path: Path) -> None:
    src = tmp_path / "scans"
    src.mkdir()
    for i in range(6):
        _page(f"Story number {i} about the harbour\nand the ships that came in.").save(src / f"p{i}.png")
    out = tmp_path / "out"
    args = [*CLI, "batch", str(src), "-o", str(out), "--speed", "fast", "--jobs", "1", "-f", "txt,json,page"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if any(r["status"] == "done" for r in read_manifest(out)):
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = [r for r in read_manifest(out) if r["status"] == "done"]
    assert 1 <= len(first) < 6
    r = _run("batch", str(src), "-o", str(out), "--speed", "fast", "--jobs", "1", "-f", "txt,json,page")
    assert r.returncode == 0, r.stderr
    counts = Counter(x["input"] for x in read_manifest(out) if x["status"] == "done")
    assert len(counts) == 6 and set(counts.values()) == {1}
    assert not list(out.rglob("*.tmp"))
    for i in range(6):
        json.loads((out / f"p{i}.json").read_text())  # whole, parseable
        assert "harbour" in (out / f"p{i}.txt").read_text()


def test_fail_fast_stops_at_first_failure(tmp_path: Path) -> None:
    src = tmp_path / "scans"
    src.mkdir()
    (src / "bad.png").write_text("not an image")
    _page("A good page").save(src / "good.png")
    out = tmp_path / "out"
    r = _run("batch", str(src), "-o", str(out), "--speed", "fast", "--fail-fast")
    assert r.returncode == 10 and "stopped at the first failure" in r.stderr
    assert not (out / "good.txt").exists()


def test_discover_rejects_colliding_outputs_and_missing_inputs(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _page("x").save(tmp_path / "a" / "s.png")
    _page("x").save(tmp_path / "b" / "s.png")
    with pytest.raises(BadOptionError, match="same outputs"):
        discover([tmp_path / "a" / "s.png", tmp_path / "b" / "s.png"])
    assert [stem for _, stem in discover([tmp_path])] == ["a/s", "b/s"]
    r = _run("batch", str(tmp_path / "nope"), "-o", str(tmp_path / "o"))
    assert r.returncode == 3 and r.stderr.count("\n") == 1


def test_manifest_reader_ignores_a_line_cut_by_a_kill(tmp_path: Path) -> None:
    (tmp_path / "manifest.jsonl").write_text('{"input": "a", "page": 1, "status": "done"}\n{"input": "b", "pa')
    assert [r["input"] for r in read_manifest(tmp_path)] == ["a"]
