"""Fault injection for batch runs, shared by the fault tests (small) and ``make soak`` (large).

- ``make_seeds``: small real pages of text in every format the loader takes, with odd pixel modes.
- ``mutate``: damaged and hostile variants of a seed file (truncated, bit-flipped, wrong header, zero bytes,
  huge dimensions in a tiny file, a multi-page TIFF or PDF with one bad page).
- ``kill_rounds``: a batch killed (``kill -9`` of the parent or of a worker) at random moments, then resumed.
- ``check_outputs``: every page done exactly once and every output file whole.
"""

from __future__ import annotations

import io
import json
import os
import random
import signal
import struct
import subprocess
import sys
import time
import xml.dom.minidom
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from digitizer.batch import read_manifest

CLI = [sys.executable, "-m", "digitizer.cli"]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
WORDS = "harbour council bridge market railway weather school museum archive river station library".split()


def text_page(text: str, size: tuple[int, int] = (720, 300), font_px: int = 30) -> Image.Image:
    """A white page with ``text`` (lines split on newlines) in a serif type."""
    font = ImageFont.truetype(FONT, font_px) if Path(FONT).exists() else ImageFont.load_default()
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    for i, line in enumerate(text.split("\n")):
        d.text((40, 40 + int(font_px * 1.6) * i), line, font=font, fill="black")
    return im


def page_folder(folder: Path, texts: list[str], **page: Any) -> Path:
    """``folder`` made with one PNG page per text (``p0.png``, ``p1.png``, ...); ``page``: ``text_page``'s size
    and font."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, text in enumerate(texts):
        text_page(text, **page).save(folder / f"p{i}.png")
    return folder


def start_batch(args: list[str], out: Path, **popen: Any) -> subprocess.Popen:
    """``digitizer batch ARGS`` started in the background; returns once its manifest holds a first record."""
    proc = subprocess.Popen([*CLI, "batch", *args], **popen)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not read_manifest(out):
        time.sleep(0.05)
    return proc


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _exif_turned(im: Image.Image, orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85, exif=exif.tobytes())
    return buf.getvalue()


def make_seeds(folder: Path, seed: int = 0) -> list[Path]:
    """Valid scans of short text in every format and pixel mode the loader takes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def page() -> Image.Image:
        return text_page(f"{_words(rng, 3)}\n{_words(rng, 4)}")

    made: dict[str, Callable[[Path], None]] = {
        "rgb.png": lambda p: page().save(p),
        "grey.jpg": lambda p: page().convert("L").save(p, quality=90),
        "bitonal.tif": lambda p: page().convert("1").save(p, compression="group4"),
        "palette.png": lambda p: page().convert("P").save(p),
        "alpha.png": lambda p: page().convert("RGBA").save(p),
        "cmyk.jpg": lambda p: page().convert("CMYK").save(p, quality=90),
        "cmyk_tiff.tif": lambda p: page().convert("CMYK").save(p),
        "deep16.png": lambda p: Image.fromarray(
            __import__("numpy").asarray(page().convert("L"), dtype="uint16") * 257
        ).save(p),
        "turned6.jpg": lambda p: p.write_bytes(_exif_turned(page().rotate(90, expand=True), 6)),
        "turned3.jpg": lambda p: p.write_bytes(_exif_turned(page().rotate(180), 3)),
        "jpeg2000.jp2": lambda p: page().save(p, "JPEG2000"),
        "bitmap.bmp": lambda p: page().save(p),
        "web.webp": lambda p: page().save(p, lossless=True),
        "palette_gif.gif": lambda p: page().save(p),
        "three_tiff.tif": lambda p: page().save(p, save_all=True, append_images=[page(), page().convert("L")]),
        "three_pdf.pdf": lambda p: page().save(p, save_all=True, append_images=[page(), page()], resolution=100),
    }
    out = []
    for name, make in made.items():
        path = folder / name
        try:
            make(path)
        except (OSError, KeyError, ValueError):  # a codec this Pillow lacks (JPEG 2000, WebP): not a seed then
            path.unlink(missing_ok=True)
            continue
        out.append(path)
    return out


# ---------------------------------------------------------------- mutations


def _png_with_size(w: int, h: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 512)) + chunk(b"IEND", b"")
    )


def _jpeg_with_size(data: bytes, w: int, h: int) -> bytes:
    """A JPEG whose frame header (SOF0/SOF2) claims ``w``×``h``."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        i = data.find(marker)
        if i > 0:
            return data[: i + 5] + struct.pack(">HH", min(h, 65535), min(w, 65535)) + data[i + 9 :]
    return data


def _bad_pdf_page(data: bytes) -> bytes:
    """The second page's image stream of a PDF overwritten with junk (its length kept)."""
    first = data.find(b"stream")
    second = data.find(b"stream", first + 10)
    if second < 0:
        return data
    start = second + len(b"stream") + 2
    junk = bytes(random.Random(len(data)).randrange(256) for _ in range(64))
    return data[:start] + junk + data[start + 64 :]


def _bad_tiff_page(data: bytes) -> bytes:
    """A multi-page TIFF with the middle third of its bytes zeroed (one page's data or directory)."""
    a, b = len(data) // 3, 2 * len(data) // 3
    return data[:a] + b"\0" * (b - a) + data[b:]


def mutate(seed: Path, rng: random.Random) -> tuple[str, bytes]:
    """One damaged or hostile variant of ``seed``: (what was done, the bytes)."""
    data = seed.read_bytes()
    kind = rng.choice(["truncate", "flip", "header", "zero", "huge", "junk", "multipage"])
    if kind == "truncate":
        return kind, data[: rng.randrange(0, max(1, len(data)))]
    if kind == "flip":
        b = bytearray(data)
        for _ in range(rng.randrange(1, 40)):
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        return kind, bytes(b)
    if kind == "header":
        n = min(len(data), rng.randrange(2, 32))
        return kind, bytes(rng.randrange(256) for _ in range(n)) + data[n:]
    if kind == "zero":
        return kind, b""
    if kind == "huge":
        w, h = rng.choice([(60000, 60000), (65535, 3), (3, 65535), (30000, 40000), (1, 1)])
        if seed.suffix == ".jpg":
            return kind, _jpeg_with_size(data, w, h)
        return kind, _png_with_size(w, h)
    if kind == "junk":
        return kind, bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
    if seed.suffix == ".pdf":
        return kind, _bad_pdf_page(data)
    if seed.suffix in (".tif", ".tiff"):
        return kind, _bad_tiff_page(data)
    return "truncate", data[: len(data) // 2]


def make_fuzz(folder: Path, seeds: list[Path], count: int, seed: int = 0) -> dict[str, str]:
    """``count`` mutated files in ``folder`` (named after their seed and mutation); returns name → mutation."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for i in range(count):
        src = seeds[i % len(seeds)]
        kind, data = mutate(src, rng)
        name = f"f{i:04d}_{kind}_{src.stem}{src.suffix}"
        (folder / name).write_bytes(data)
        made[name] = kind
    return made


# ---------------------------------------------------------------- runs and checks


def batch(args: list[str], timeout: float = 600, **kw: Any) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "batch", *args], capture_output=True, text=True, timeout=timeout, **kw)


def workers(pid: int) -> list[int]:
    """The worker processes of a batch run (its children started by multiprocessing's spawn; Linux ``/proc``),
    not multiprocessing's resource tracker."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmdline = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
                out.append(int(d.name))
    return out


def kill_rounds(args: list[str], rounds: int, rng: random.Random, max_wait: float = 6.0) -> list[dict[str, Any]]:
    """Start the batch ``rounds`` times, each time ``kill -9`` the whole run or one worker at a random moment."""
    log = []
    for r in range(rounds):
        proc = subprocess.Popen(
            [*CLI, "batch", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        time.sleep(rng.uniform(0.5, max_wait))
        target = "parent" if r % 2 == 0 else "worker"
        if proc.poll() is None:
            if target == "worker" and (kids := workers(proc.pid)):
                os.kill(rng.choice(kids), signal.SIGKILL)
                time.sleep(rng.uniform(0.2, 2.0))
            os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        log.append({"round": r, "target": target, "returncode": proc.returncode, "traceback": b"Traceback" in err})
    return log


def signal_mid_page(folder: Path, sig: int, delay: float = 0.3) -> tuple[int, dict[str, dict[str, Any]], str]:
    """A batch of three pages, the middle one long, whose worker gets ``sig`` while it reads that page.

    Returns the batch's exit code, the manifest record of each file (a.png, b.png, c.png) and its stderr.
    """
    src, out = folder / "scans", folder / "out"
    src.mkdir(parents=True)
    text_page("The first page is short").save(src / "a.png")
    # A page long enough to be caught in the middle: forty lines of type on a 2400×3600 page.
    lines = "\n".join(f"Line {i} of the long report on the harbour works" for i in range(40))
    text_page(lines, size=(2400, 3600), font_px=44).save(src / "b.png")
    text_page("The last page is short too").save(src / "c.png")
    args = [str(src), "-o", str(out), "--jobs", "1", "--speed", "fast", "-f", "txt,json"]
    proc = start_batch(args, out, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)  # the worker is now on b.png
    for pid in workers(proc.pid):
        os.kill(pid, sig)
    _, err = proc.communicate(timeout=240)
    return proc.returncode, {Path(x["input"]).name: x for x in read_manifest(out)}, err


def whole(path: Path) -> bool:
    """Whether an output file parses as what its name says it is."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        json.loads(text)
    elif path.suffix == ".jsonl":
        for line in text.splitlines():
            json.loads(line)
    elif path.suffix in (".xml", ".hocr"):
        xml.dom.minidom.parseString(text.encode("utf-8"))
    return True


def check_outputs(out: Path, expected_pages: int) -> Counter:
    """Every page done exactly once in the manifest, every output named there present and whole, no temp file."""
    recs = read_manifest(out)
    done = Counter((r["input"], r["page"]) for r in recs if r["status"] == "done")
    assert len(done) == expected_pages, (len(done), expected_pages)
    assert set(done.values()) == {1}, done.most_common(3)
    for r in recs:
        if r["status"] == "done":
            for o in r["outputs"]:
                assert whole(out / o), o
    assert not list(out.rglob("*.tmp"))
    return done


def without_volatile(obj: Any) -> Any:
    """JSON without what differs between two runs of the same page: time of day, timings, thread counts."""
    if isinstance(obj, dict):
        return {k: without_volatile(v) for k, v in obj.items() if k not in ("created", "timings", "threads")}
    if isinstance(obj, list):
        return [without_volatile(v) for v in obj]
    return obj
