"""The engine protocol: what every OCR engine gives the pipeline.

Engines work in the pixels of the image they are handed (the straightened page); the pipeline maps results
back to the original scan. Engines never add parallelism of their own beyond the thread count they are given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

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


@runtime_checkable
class OcrEngine(Protocol):
    """Detection and recognition of text lines on one page image (BGR uint8): every method the pipeline calls.

    An engine that has no cheaper way to do one of the variants (a probe, a scaled detection, a first reader)
    implements it with the plain method; ``tests/test_engines.py`` checks every engine against this protocol.
    """

    name: str

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Find text-line quadrilaterals, (4, 2) float arrays in image pixels."""
        ...

    def detect_probe(self, image: np.ndarray) -> list[np.ndarray]:
        """Text lines of a small copy of the page (about 1024 pixels a side), for the orientation probe and the
        type size: only their shapes and heights matter, so an engine may use a faster detector."""
        ...

    def detect_scaled(self, image: np.ndarray, scale: float) -> list[np.ndarray]:
        """``detect`` run on ``image`` scaled by ``scale`` (< 1); the quads in ``image``'s own pixels."""
        ...

    def recognize(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        """Read the lines at ``quads``; returns one OcrLine per quad, in the same order."""
        ...

    def first_reader(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        """Read ``quads`` as cheaply as the engine can (the first recognizer of a cascade): for probes that need
        only a confidence, such as the 180° check."""
        ...

    def info(self) -> dict[str, Any]:
        """Engine name, model files with their sha256, and the settings in force (for provenance)."""
        ...
