"""Box geometry every stage uses, on plain ``(x0, y0, x1, y1)`` tuples (the result tree's ``model.BBox`` has the
same operations as methods). Stages work on tuples, as they make and drop thousands of boxes a page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

__all__ = [
    "Box",
    "area",
    "box_quad",
    "inside",
    "iou",
    "line_areas",
    "overlap",
    "quad_box",
    "runs",
    "share_inside",
    "union",
]

#: An axis-aligned box, ``(x0, y0, x1, y1)`` in pixels.
Box = tuple[float, float, float, float]


def quad_box(q: np.ndarray) -> Box:
    """The smallest box around a quadrilateral's (or any point set's) points, ``(n, 2)``."""
    return float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())


def box_quad(b: Sequence[float]) -> np.ndarray:
    """An upright box ``(x0, y0, x1, y1)`` as a quadrilateral, clockwise from top left (``float32``)."""
    return np.array([[b[0], b[1]], [b[2], b[1]], [b[2], b[3]], [b[0], b[3]]], np.float32)


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Length shared by the intervals ``[a0, a1]`` and ``[b0, b1]`` (0 where they are apart)."""
    return max(0.0, min(a1, b1) - max(a0, b0))


def area(b: Sequence[float]) -> float:
    """Area of a box (0 for an inverted one)."""
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def inside(inner: Box, outer: Box, slack: float = 4.0) -> bool:
    """Whether ``inner`` lies within ``outer``, give or take ``slack`` pixels."""
    return (
        inner[0] >= outer[0] - slack
        and inner[1] >= outer[1] - slack
        and inner[2] <= outer[2] + slack
        and inner[3] <= outer[3] + slack
    )


def share_inside(inner: Box, outer: Box) -> float:
    """The share of ``inner``'s area that lies within ``outer``."""
    ix = overlap(inner[0], inner[2], outer[0], outer[2])
    iy = overlap(inner[1], inner[3], outer[1], outer[3])
    return ix * iy / max(1.0, area(inner))


def union(boxes: Iterable[Box]) -> Box:
    """The smallest box holding all ``boxes`` (at least one)."""
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two boxes."""
    inter = overlap(a[0], a[2], b[0], b[2]) * overlap(a[1], a[3], b[1], b[3])
    whole = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / whole if whole > 0 else 0.0


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """The ``[start, end)`` spans of consecutive true values of a 1-D array, left to right."""
    f = np.concatenate(([False], np.asarray(flags, bool), [False]))
    edges = np.flatnonzero(f[1:] != f[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def line_areas(quads: Iterable[np.ndarray]) -> tuple[float, float]:
    """Total area of the text-line quads (clockwise from top left) that run across (over 1.5 times as long as
    high) and of those that run down (over 1.5 times as high as long); squarish ones count in neither."""
    across = down = 0.0
    for q in quads:
        w = float(np.linalg.norm(q[0] - q[1]))
        h = float(np.linalg.norm(q[0] - q[3]))
        if w > 1.5 * h:
            across += w * h
        elif h > 1.5 * w:
            down += w * h
    return across, down
