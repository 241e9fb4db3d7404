"""The engine protocol: what every OCR engine gives the pipeline.

Engines work in the pixels of the image they are handed (the straightened page); the pipeline maps results
back to the original scan. Engines never add parallelism of their own beyond the thread count they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

__all__ = ["CharBox", "OcrEngine", "OcrLine"]


@dataclass
class CharBox:
    """A recognized character and its quadrilateral in image pixels."""

    text: str
    quad: np.ndarray  # (4, 2) float32, clockwise from top left
    confidence: float = 1.0


@dataclass
class OcrLine:
    """A detected text line: quadrilateral (4×2, clockwise from top left), text, confidence, char boxes."""

    quad: np.ndarray
    text: str = ""
    confidence: float = 0.0
    chars: list[CharBox] = field(default_factory=list)
    model: str = ""
    vertical: bool = False


class OcrEngine(Protocol):
    """Detection and recognition of text lines on one page image (BGR uint8)."""

    name: str

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Find text-line quadrilaterals, (4, 2) float arrays in image pixels."""
        ...

    def recognize(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        """Read the lines at ``quads``; returns one OcrLine per quad, in the same order."""
        ...

    def info(self) -> dict[str, Any]:
        """Engine name, model files with their sha256, and the settings in force (for provenance)."""
        ...
