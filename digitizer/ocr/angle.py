"""PaddleOCR's 0/180° text-line classifier."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from .onnx import session

__all__ = ["AngleClassifier"]


class AngleClassifier:
    """PaddleOCR's 0/180° text-line classifier (off by default: page orientation settles this)."""

    def __init__(self, path: Path, threads: int) -> None:
        self.sess = session(path, threads)
        self.input_name = self.sess.get_inputs()[0].name

    def flipped(self, crops: list[np.ndarray], thresh: float = 0.9) -> list[bool]:
        out = []
        for c in crops:
            rw = min(192, int(math.ceil(48 * c.shape[1] / max(1, c.shape[0]))))
            x = np.zeros((1, 3, 48, 192), np.float32)
            x[0, :, :, :rw] = cv2.resize(c, (rw, 48)).astype(np.float32).transpose(2, 0, 1) / 127.5 - 1.0
            p = self.sess.run(None, {self.input_name: x})[0][0]
            out.append(bool(p[1] > p[0] and p[1] > thresh))
        return out
