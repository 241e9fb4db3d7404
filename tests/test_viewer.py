"""The HTML page view in headless Chromium: regions drawn with their indexes, text and regions linked, offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from digitizer.export import ExportOptions, export
from digitizer.export.html import thumbnail_jpeg

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.browser
def test_view_in_headless_chromium(clean_page, converted, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make install installs it)")
    import cv2

    path, _ = clean_page
    page_doc = converted.split()[0]
    jpeg = thumbnail_jpeg(cv2.imread(str(path)))
    html = export(page_doc, "html", ExportOptions(images={0: jpeg}))
    f = tmp_path / "page.html"
    f.write_text(html, encoding="utf-8")
    blocks = page_doc.pages[0].blocks
    text_blocks = [b for b in blocks if b.kind not in ("photo", "rule")]
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script src" not in html and "<link" not in html

    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        ctx = browser.new_context(offline=True, viewport={"width": 1600, "height": 1100})
        page = ctx.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f.as_uri())
        # Every region is drawn, and every readable one carries its reading index.
        assert page.locator("rect.region").count() == len(blocks)
        for b in blocks:
            rect = page.locator(f'[id="r-{b.id}"]')
            assert rect.count() == 1 and rect.get_attribute("data-index") == str(b.reading_index)
            if b.kind != "rule":
                assert page.locator(f'text.idx[data-for="{b.id}"]').text_content() == str(b.reading_index + 1)
        assert page.locator("#path").count() == 1
        # Clicking a text block highlights its region; clicking a region highlights its text.
        target = text_blocks[len(text_blocks) // 2]
        page.locator(f'[id="t-{target.id}"]').click()
        assert "active" in (page.locator(f'[id="r-{target.id}"]').get_attribute("class") or "")
        other = text_blocks[1]
        page.locator(f'[id="r-{other.id}"]').dispatch_event("click")
        assert "active" in (page.locator(f'[id="t-{other.id}"]').get_attribute("class") or "")
        assert "active" not in (page.locator(f'[id="r-{target.id}"]').get_attribute("class") or "")
        # The scan loaded from its data URL.
        assert page.evaluate("document.querySelector('#scan img').naturalWidth") > 0
        out = ROOT / "output"
        out.mkdir(exist_ok=True)
        page.screenshot(path=str(out / "viewer_screenshot.png"), full_page=False)
        browser.close()
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert (ROOT / "output" / "viewer_screenshot.png").stat().st_size > 10_000


def test_view_command_writes_html_from_json(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    import numpy as np
    from PIL import Image

    from digitizer.model import BBox, Block, Document, Line, Page

    Image.fromarray(np.full((300, 400, 3), 255, np.uint8)).save(tmp_path / "scan.png")
    line = Line("hello", BBox(10, 10, 100, 40), [(10, 10), (100, 10), (100, 40), (10, 40)], 0.6)
    doc = Document(
        "scan.png",
        [
            Page(
                0,
                400,
                300,
                [Block("scan_b001", "para", line.bbox, 0, [line], "hello", 0.6)],
                source="scan.png",
                page_id="scan",
            )
        ],
    )
    (tmp_path / "scan.json").write_text(json.dumps(doc.to_dict()))
    r = subprocess.run(
        [sys.executable, "-m", "digitizer.cli", "view", str(tmp_path / "scan.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    html = (tmp_path / "scan.html").read_text()
    assert "data:image/jpeg;base64," in html and 'class="line low"' in html and 'id="r-scan_b001"' in html
