"""Deskew and orientation on a generated page, and boxes mapped back to the scan."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from digitizer.straighten import map_points, straighten


def _rotate(img: np.ndarray, angle: float) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(img, m, (w, h), borderValue=(255, 255, 255))


@pytest.mark.parametrize("angle", [-7.3, -1.1, 0.4, 3.25, 9.6])
def test_skew_estimate_accurate(clean_page, angle: float) -> None:  # type: ignore[no-untyped-def]
    img = cv2.imread(str(clean_page[0]))
    st = straighten(_rotate(img, angle), orientation=0)
    assert abs(st.angle - angle) <= 0.1, st.angle


def test_matrix_maps_points_back(clean_page) -> None:  # type: ignore[no-untyped-def]
    img = cv2.imread(str(clean_page[0]))
    st = straighten(_rotate(img, 2.0), orientation=90)
    pts = np.array([[100.0, 200.0], [1500.0, 3000.0]])
    back = map_points(np.linalg.inv(st.matrix), map_points(st.matrix, pts))
    assert np.allclose(back, pts)
    assert st.orientation == 90


def test_uncovered_corners_take_the_paper_colour() -> None:
    """A deskewed tinted scan must not get white corners: they would pass for the paper level in layout."""
    page = np.full((1200, 900, 3), (200, 214, 222), np.uint8)  # bluish-grey paper (BGR)
    for y in range(100, 1100, 40):
        cv2.line(page, (80, y), (820, y), (30, 30, 30), 6)
    st = straighten(_rotate(page, 4.0), orientation=0)
    assert abs(st.angle - 4.0) < 0.2
    corner = st.image[2, 2].astype(int)
    assert np.abs(corner - np.array([200, 214, 222])).max() <= 8, corner
