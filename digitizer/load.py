"""Decode scans into page images: PNG, JPEG, TIFF (multi-page), PDF; any common pixel mode.

The pixel limit is an explicit option checked against the header before decoding, instead of Pillow's global
decompression-bomb default (a 600-dpi broadsheet is past it). Every failure of a decoder becomes one of our
errors with the file's name: a damaged file costs its own page, never the caller's run.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import (
    DigitizerError,
    ImageTooLargeError,
    ImageTooSmallError,
    InputNotFoundError,
    MissingDependencyError,
    UnreadableImageError,
)

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "MIN_SIDE",
    "SCAN_SUFFIXES",
    "PageImage",
    "check_page_size",
    "checked_pages",
    "load_pages",
    "page_label",
    "page_sizes",
    "to_bgr",
]

DEFAULT_MAX_PIXELS = 250_000_000
#: File name endings of the scans a folder is searched for (any case).
SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf", ".bmp", ".webp", ".gif", ".jp2"}
#: The shortest side a page may have: below it no line of text fits the recognizer's 48-pixel input with any
#: margin, and the image is a thumbnail or an icon rather than a scan.
MIN_SIDE = 32

_PIL_LIMIT = threading.Lock()


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


def check_page_size(w: int, h: int, max_pixels: int, source: str) -> None:
    """Refuse a page over ``max_pixels`` (0: no limit) or with a side under ``MIN_SIDE``.

    Raises:
        ImageTooLargeError: over the limit.
        ImageTooSmallError: too small to hold a line of text.
    """
    if max_pixels and w * h > max_pixels:
        raise ImageTooLargeError(
            f"{source}: {w}×{h} = {w * h:,} pixels is over the limit of {max_pixels:,}; raise --max-pixels"
        )
    if min(w, h) < MIN_SIDE:
        raise ImageTooSmallError(
            f"{source}: {w}×{h} pixels is too small to read (a page needs at least {MIN_SIDE} pixels on each side)"
        )


@contextlib.contextmanager
def _our_pixel_limit() -> Iterator[None]:
    """Pillow's process-wide decompression-bomb limit off while we open a file: ours is checked instead."""
    with _PIL_LIMIT:
        saved = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                yield
        finally:
            Image.MAX_IMAGE_PIXELS = saved


def _dpi(im: Image.Image) -> float | None:
    """The resolution the file records, or None. Pillow gives a JPEG with EXIF but no resolution tag 72 dpi of
    its own, which would make a newspaper page 33 inches wide: such a JPEG has none."""
    if im.format == "JPEG" and "jfif_unit" not in im.info:
        exif = im.getexif()
        if 0x011A not in exif:  # XResolution
            return None
    elif im.format == "JPEG" and im.info.get("jfif_unit") not in (1, 2):
        return None  # JFIF density 0: an aspect ratio, not a resolution
    d = im.info.get("dpi")
    try:
        return float(d[0]) if d and float(d[0]) > 1 else None
    except (TypeError, ValueError, IndexError):
        return None


def _sniff(path: Path) -> bytes:
    """The file's first bytes, after checking that it exists, is a file and is not empty."""
    src = str(path)
    if not path.exists():
        raise InputNotFoundError(f"{src}: no such file")
    if not path.is_file():
        raise UnreadableImageError(f"{src}: not a file")
    try:
        if path.stat().st_size == 0:
            raise UnreadableImageError(f"{src}: empty file (0 bytes)")
        with path.open("rb") as f:
            return f.read(5)
    except OSError as exc:
        raise UnreadableImageError(f"{src}: cannot be read ({exc.strerror or exc})") from exc


def page_sizes(path: Path, pdf_dpi: int = 300) -> list[tuple[int, int]]:
    """Each page's size in pixels (a PDF's at ``pdf_dpi``), read from the headers without decoding pixels.

    Raises:
        InputNotFoundError, UnreadableImageError: no such file, or not an image or PDF this tool can read.
    """
    head = _sniff(path)
    if head.startswith(b"%PDF"):
        pdfium = _pdfium()
        try:
            doc = pdfium.PdfDocument(str(path))
        except Exception as exc:
            raise UnreadableImageError(f"{path}: not a readable PDF ({exc})") from exc
        try:
            sizes = []
            for i in range(len(doc)):
                w_pt, h_pt = doc.get_page_size(i)
                sizes.append((round(w_pt * pdf_dpi / 72.0), round(h_pt * pdf_dpi / 72.0)))
            return sizes
        except Exception as exc:
            raise UnreadableImageError(f"{path}: damaged PDF ({exc})") from exc
        finally:
            doc.close()
    try:
        with _our_pixel_limit(), Image.open(path) as im:
            n = int(getattr(im, "n_frames", 1))
            sizes = []
            for i in range(n):
                im.seek(i)
                sizes.append(im.size)
            return sizes
    except (UnidentifiedImageError, OSError) as exc:
        raise UnreadableImageError(f"{path}: not an image this tool can read ({exc})") from exc
    except DigitizerError:
        raise
    except Exception as exc:  # a decoder's own error on a damaged header (ValueError, SyntaxError, ...)
        raise UnreadableImageError(f"{path}: damaged image header ({type(exc).__name__}: {exc})") from exc


def page_label(source: str | Path, index: int, count: int) -> str:
    """How messages name a page: the file itself when it has one page, else ``<file> page <n>``."""
    return str(source) if count == 1 else f"{source} page {index + 1}"


def checked_pages(
    path: Path, max_pixels: int = DEFAULT_MAX_PIXELS, pdf_dpi: int = 300
) -> list[tuple[int, int, DigitizerError | None]]:
    """Each page's size (from the headers) and why it cannot be converted (over ``max_pixels``, too small), or
    None: every check a page gets before it is decoded.

    Raises:
        InputNotFoundError, UnreadableImageError: the file itself cannot be read.
    """
    sizes = page_sizes(path, pdf_dpi)
    out: list[tuple[int, int, DigitizerError | None]] = []
    for i, (w, h) in enumerate(sizes):
        try:
            check_page_size(w, h, max_pixels, page_label(path, i, len(sizes)))
            out.append((w, h, None))
        except DigitizerError as exc:
            out.append((w, h, exc))
    return out


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
    head = _sniff(p)
    if head.startswith(b"%PDF"):
        yield from _load_pdf(p, max_pixels, pdf_dpi, pages)
        return
    yield from _load_raster(p, max_pixels, pages)


def _load_raster(p: Path, max_pixels: int, pages: set[int] | None) -> Iterator[PageImage]:
    src = str(p)
    # Our own explicit limit replaces Pillow's process-wide one; it is restored while the caller has the page.
    with _our_pixel_limit():
        try:
            im = Image.open(p)
        except Exception as exc:
            raise UnreadableImageError(f"{src}: not an image this tool can read") from exc
        with im:
            n = int(getattr(im, "n_frames", 1))
    for i in range(n):
        if pages is not None and i not in pages:
            continue
        yield _decode_frame(p, i, n, max_pixels)


def _decode_frame(p: Path, i: int, n: int, max_pixels: int) -> PageImage:
    """Page ``i`` of ``n`` of a raster file, decoded (the file is opened afresh for each page, so that only the
    page being read is ever held)."""
    src = str(p)
    where = page_label(src, i, n)
    with _our_pixel_limit():
        try:
            with Image.open(p) as im:
                im.seek(i)
                check_page_size(im.width, im.height, max_pixels, where)
                # Only a scan with an EXIF turn is copied turned (exif_transpose copies every image).
                turned = n == 1 and im.getexif().get(0x0112, 1) not in (0, 1)
                fast = n == 1 and not turned and im.format == "JPEG" and im.mode in ("RGB", "L")
                arr = _decode_jpeg(p, im.width, im.height) if fast else None
                if arr is None:
                    im.load()
                    arr = to_bgr(ImageOps.exif_transpose(im) if turned else im)
                dpi = _dpi(im)
        except DigitizerError:
            raise
        except MemoryError:
            raise
        except Exception as exc:  # any decoder error on damaged data: OSError, ValueError, SyntaxError, ...
            raise UnreadableImageError(f"{where}: damaged image data ({type(exc).__name__}: {exc})") from exc
    return PageImage(arr, src, i, dpi, n)


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
            where = f"{src} page {i + 1}"
            try:
                page = doc[i]
                try:
                    w_pt, h_pt = page.get_size()
                    scale = dpi / 72.0
                    check_page_size(round(w_pt * scale), round(h_pt * scale), max_pixels, where)
                    arr = to_bgr(page.render(scale=scale).to_pil())
                finally:
                    page.close()
            except DigitizerError:
                raise
            except MemoryError:
                raise
            except Exception as exc:  # pdfium's errors on a broken page
                raise UnreadableImageError(f"{where}: damaged PDF page ({exc})") from exc
            yield PageImage(arr, src, i, float(dpi), n)
    finally:
        doc.close()
