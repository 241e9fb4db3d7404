"""Bitonal scans (one bit a pixel: black or white, no grey) have their letters' edges softened before the
recognizers read them.

The recognizers learnt on grey and colour images. The hard, thickened edges of a bitonal scan close small letters
up: a 1-bit page of 17-pixel serif type read e as o here and there ("tho", "roported": cer_order 0.007, 0.0002
softened), and on six generated bitonal pages (Chinese and English, horizontal and vertical, 147-356 dpi)
cer_order went from 0.087 to 0.084 on average, five of them better or the same. The detector keeps the page as
scanned: softened there too, a 183-dpi English page gained more (0.038 to 0.013), but two Chinese pages lost far
more (boxes a little taller turned a subtitle into body text, and rows run together went unnoticed).
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["SOFTEN_SIGMA", "is_bitonal", "soften"]

#: Share of the page's non-white pixels that must be pure black for it to be a bitonal scan: a grey scan, a JPEG of
#: a bitonal one, or a rendered PDF (its letters' edges smoothed) has grey at every edge, a fifth of its ink or more.
BLACK_SHARE = 0.99
#: Gaussian sigma of the softening, in pixels: enough for grey edges, too little to join letters a pixel apart
#: (1.2 read a little worse than 0.7 on the 183-dpi page).
SOFTEN_SIGMA = 0.7
#: Every this many rows and columns are looked at to tell (a bitonal page is bitonal everywhere).
SAMPLE_STEP = 5


def is_bitonal(image: np.ndarray) -> bool:
    """Whether ``image`` (BGR or grey uint8) holds only pure black and pure white."""
    sample = image[::SAMPLE_STEP, ::SAMPLE_STEP]
    if sample.ndim == 3:
        if not (np.array_equal(sample[..., 0], sample[..., 1]) and np.array_equal(sample[..., 0], sample[..., 2])):
            return False  # colour
        sample = sample[..., 0]
    inked = sample[sample < 255]
    return bool(inked.size > 0 and np.count_nonzero(inked == 0) >= BLACK_SHARE * inked.size)


def soften(image: np.ndarray) -> np.ndarray:
    """``image`` blurred by ``SOFTEN_SIGMA``: grey edges for the recognizers."""
    return cv2.GaussianBlur(image, (0, 0), SOFTEN_SIGMA)
