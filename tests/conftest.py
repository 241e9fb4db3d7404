"""Shared fixtures: a real-size synthetic page with its ground truth, rendered once per session."""

from __future__ import annotations

import json
import random
import socket
from pathlib import Path

import cv2
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _have_cjk_font() -> bool:
    return Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").exists()


@pytest.fixture(scope="session")
def clean_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A clean 3000×4300 Chinese front page (unskewed) and its ground truth."""
    if not _have_cjk_font():
        pytest.skip("fonts-noto-cjk not installed")
    from digitizer.synth import render_page

    d = tmp_path_factory.mktemp("page")
    seed = next(s for s in range(100) if random.Random(s).random() >= 0.5)  # the 3000×4300 size
    img, gt = render_page(seed, "zh", "front")
    p = d / "page.png"
    img.save(p)
    for b in gt["blocks"]:
        b["bbox"] = [
            min(x[0] for x in b["boxes"]),
            min(x[1] for x in b["boxes"]),
            max(x[2] for x in b["boxes"]),
            max(x[3] for x in b["boxes"]),
        ]
    return p, gt


@pytest.fixture(scope="session")
def converted(clean_page: tuple[Path, dict]):  # type: ignore[no-untyped-def]
    """The clean page converted with the default engine (best speed, to compare engines fairly)."""
    import digitizer

    return digitizer.convert(clean_page[0], speed="best")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Block every socket connection; the list records attempts."""
    attempts: list[tuple] = []

    def guard(self, address, *a, **k):  # type: ignore[no-untyped-def]
        attempts.append(address)
        raise OSError("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket.socket, "connect_ex", guard)
    return attempts


def load_gt(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_image(path: Path):  # type: ignore[no-untyped-def]
    return cv2.imread(str(path))
