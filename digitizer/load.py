"""Decode scans into page images: PNG, JPEG, TIFF (multi-page), PDF; any common pixel mode.

The pixel limit is an explicit option checked against the header before decoding, instead of Pillow's global
decompression-bomb default (a 600-dpi broadsheet is past it).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import ImageTooLargeError, InputNotFoundError, MissingDependencyError, UnreadableImageError

__all__ = ["DEFAULT_MAX_PIXELS", "PageImage", "count_pages", "load_pages", "to_bgr"]

DEFAULT_MAX_PIXELS = 250_000_000


@dataclass
class PageImage:
    """One decoded page: BGR uint8 pixels plus where it came from."""

    image: np.ndarray
    source: str
    index: int = 0
    dpi: float | None = None
    page_count: int = 1

    @property
    def page_id(self) -> str:
        stem = Path(self.source).stem if self.source else "page"
        return stem if self.page_count == 1 else f"{stem}_p{self.index + 1:04d}"


def to_bgr(im: Image.Image) -> np.ndarray:
    """Any Pillow mode → 3-channel BGR uint8 (alpha flattened on white, 16-bit scaled, CMYK converted)."""
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(im, dtype=np.float64)
        hi = float(arr.max()) if arr.size else 1.0
        arr = arr * (255.0 / hi) if hi > 255 else arr
        grey = np.clip(arr, 0, 255).astype(np.uint8)
        return np.repeat(grey[:, :, None], 3, axis=2)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        bg = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, rgba)
    if im.mode == "L":
        return np.asarray(cv2.cvtColor(np.asarray(im), cv2.COLOR_GRAY2BGR))
    rgb = np.asarray(im if im.mode == "RGB" else im.convert("RGB"))
    return np.asarray(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))  # one pass, where a reversed view copies slowly


def _check_pixels(w: int, h: int, max_pixels: int, source: str) -> None:
    if max_pixels and w * h > max_pixels:
        raise ImageTooLargeError(
            f"{source}: {w}×{h} = {w * h:,} pixels is over the limit of {max_pixels:,}; raise --max-pixels"
        )


def _dpi(im: Image.Image) -> float | None:
    d = im.info.get("dpi")
    try:
        return float(d[0]) if d and float(d[0]) > 1 else None
    except (TypeError, ValueError):
        return None


def count_pages(path: Path) -> int:
    """Number of pages in a scan file without decoding pixels."""
    if path.is_file() and path.stat().st_size == 0:
        raise UnreadableImageError(f"{path}: empty file (0 bytes)")
    with path.open("rb") as f:
        head = f.read(5)
    if head.startswith(b"%PDF"):
        pdfium = _pdfium()
        try:
            doc = pdfium.PdfDocument(str(path))
        except Exception as exc:
            raise UnreadableImageError(f"{path}: not a readable PDF ({exc})") from exc
        try:
            return len(doc)
        finally:
            doc.close()
    try:
        with Image.open(path) as im:
            return int(getattr(im, "n_frames", 1))
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadableImageError(f"{path}: not an image this tool can read ({exc})") from exc


def _pdfium():  # type: ignore[no-untyped-def]
    try:
        import pypdfium2 as pdfium
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise MissingDependencyError("PDF input needs pypdfium2; run `make install`") from exc
    return pdfium


def load_pages(
    path: str | Path, max_pixels: int = DEFAULT_MAX_PIXELS, pdf_dpi: int = 300, pages: set[int] | None = None
) -> Iterator[PageImage]:
    """Yield the pages of a scan file, checking existence, type, integrity and size first.

    Raises:
        InputNotFoundError: no such file.
        UnreadableImageError: empty, truncated, or not an image/PDF.
        ImageTooLargeError: a page over ``max_pixels``.
    """
    p = Path(path)
    src = str(p)
    if not p.exists():
        raise InputNotFoundError(f"{src}: no such file")
    if not p.is_file():
        raise UnreadableImageError(f"{src}: not a file")
    if p.stat().st_size == 0:
        raise UnreadableImageError(f"{src}: empty file (0 bytes)")
    with p.open("rb") as f:
        head = f.read(5)
    if head.startswith(b"%PDF"):
        yield from _load_pdf(p, max_pixels, pdf_dpi, pages)
        return
    yield from _load_raster(p, max_pixels, pages)


def _load_raster(p: Path, max_pixels: int, pages: set[int] | None) -> Iterator[PageImage]:
    src = str(p)
    saved = Image.MAX_IMAGE_PIXELS
    try:
        # Our own explicit limit replaces Pillow's process-wide one, only for the time of this decode.
        Image.MAX_IMAGE_PIXELS = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                im = Image.open(p)
            except (UnidentifiedImageError, OSError, ValueError) as exc:
                raise UnreadableImageError(f"{src}: not an image this tool can read") from exc
            with im:
                n = int(getattr(im, "n_frames", 1))
                for i in range(n):
                    if pages is not None and i not in pages:
                        continue
                    try:
                        im.seek(i)
                        _check_pixels(im.width, im.height, max_pixels, src)
                        # Only a scan with an EXIF turn is copied turned (exif_transpose copies every image).
                        turned = n == 1 and im.getexif().get(0x0112, 1) not in (0, 1)
                        fast = n == 1 and not turned and im.format == "JPEG" and im.mode in ("RGB", "L")
                        arr = _decode_jpeg(p, im.width, im.height) if fast else None
                        if arr is None:
                            im.load()
                            arr = to_bgr(ImageOps.exif_transpose(im) if turned else im)
                    except ImageTooLargeError:
                        raise
                    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
                        raise UnreadableImageError(f"{src}: damaged image data ({exc})") from exc
                    yield PageImage(arr, src, i, _dpi(im), n)
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _decode_jpeg(p: Path, width: int, height: int) -> np.ndarray | None:
    """A whole JPEG decoded straight to BGR by OpenCV: the same pixels as Pillow's (both are libjpeg-turbo),
    in half the time, as no RGB copy is converted afterwards. None where Pillow should decide: a file that does
    not end in the end-of-image marker (truncated, which OpenCV would decode half-grey without complaint)."""
    data = p.read_bytes()
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return None
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if arr is None or arr.shape[:2] != (height, width):
        return None
    return arr


def _load_pdf(p: Path, max_pixels: int, dpi: int, pages: set[int] | None) -> Iterator[PageImage]:
    pdfium = _pdfium()
    src = str(p)
    try:
        doc = pdfium.PdfDocument(src)
    except Exception as exc:
        raise UnreadableImageError(f"{src}: not a readable PDF ({exc})") from exc
    try:
        n = len(doc)
        for i in range(n):
            if pages is not None and i not in pages:
                continue
            page = doc[i]
            w_pt, h_pt = page.get_size()
            scale = dpi / 72.0
            _check_pixels(round(w_pt * scale), round(h_pt * scale), max_pixels, f"{src} page {i + 1}")
            bitmap = page.render(scale=scale)
            im = bitmap.to_pil()
            yield PageImage(to_bgr(im), src, i, float(dpi), n)
            page.close()
    finally:
        doc.close()
