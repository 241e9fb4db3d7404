"""Shrinking page images fast: OpenCV's area resampling has a quick path for whole-number factors only."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["shrink"]


def shrink(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``image`` resized down to ``size`` (width, height) by area averaging, like ``cv2.INTER_AREA``.

    A whole-number factor goes first as plain block means (far faster than one fractional area resize of a
    whole page), then the small remainder. The few rows and columns that do not fill a block are left out of
    the first step, so the far edges may come out short by fewer source pixels than the factor.
    """
    w, h = size
    sh, sw = image.shape[:2]
    k = min(sw // max(1, w), sh // max(1, h))
    if k >= 2:
        image = cv2.resize(image[: sh // k * k, : sw // k * k], (sw // k, sh // k), interpolation=cv2.INTER_AREA)
    if image.shape[1] == w and image.shape[0] == h:
        return np.asarray(image)
    return np.asarray(cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA))
