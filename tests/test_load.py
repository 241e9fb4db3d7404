"""Decoding: JPEGs read by OpenCV give Pillow's pixels, EXIF turns are applied, odd files still load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from digitizer.errors import UnreadableImageError
from digitizer.load import _decode_jpeg, load_pages


def _page(tmp_path: Path) -> tuple[Path, np.ndarray]:
    rng = np.random.default_rng(3)
    rgb = (rng.random((300, 200, 3)) * 255).astype(np.uint8)
    rgb[100:140, 20:180] = (10, 40, 200)
    path = tmp_path / "page.jpg"
    Image.fromarray(rgb).save(path, quality=90)
    return path, rgb


def _pillow_bgr(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))[:, :, ::-1]


def test_jpeg_pixels_match_pillow(tmp_path: Path) -> None:
    path, _ = _page(tmp_path)
    assert _decode_jpeg(path, 200, 300) is not None  # the OpenCV path is the one under test
    (page,) = load_pages(path)
    assert page.image.shape == (300, 200, 3)
    assert np.array_equal(page.image, _pillow_bgr(path))


def test_grey_jpeg_becomes_three_equal_channels(tmp_path: Path) -> None:
    path = tmp_path / "grey.jpg"
    grey = np.tile(np.arange(0, 250, 2, dtype=np.uint8), (80, 1))
    Image.fromarray(grey).save(path, quality=95)
    (page,) = load_pages(path)
    with Image.open(path) as im:
        want = np.asarray(im)
    for c in range(3):
        assert np.array_equal(page.image[:, :, c], want)


def test_exif_turn_is_applied(tmp_path: Path) -> None:
    path, rgb = _page(tmp_path)
    turned = tmp_path / "turned.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held turned: display rotated 90° clockwise
    Image.fromarray(rgb).save(turned, quality=90, exif=exif)
    (page,) = load_pages(turned)
    assert page.image.shape == (200, 300, 3)
    upright = np.rot90(_pillow_bgr(path), k=-1)
    assert np.abs(page.image.astype(int) - upright.astype(int)).mean() < 3


def test_bytes_after_the_end_marker_still_load(tmp_path: Path) -> None:
    path, _ = _page(tmp_path)
    padded = tmp_path / "padded.jpg"
    padded.write_bytes(path.read_bytes() + b"trailing junk from a scanner")
    (page,) = load_pages(padded)
    assert np.array_equal(page.image, _pillow_bgr(path))


def test_truncated_jpeg_is_refused(tmp_path: Path) -> None:
    path, _ = _page(tmp_path)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(UnreadableImageError):
        list(load_pages(cut))
