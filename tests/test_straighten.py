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


def test_ink_points_turned_as_points_are_those_of_the_turned_page() -> None:
    """The skew search turns the scan's ink points instead of the scan: the same points either way."""
    from digitizer.straighten import _ink_points, _turn_points

    grey = np.full((240, 360), 235, np.uint8)
    rng = np.random.default_rng(11)
    for _ in range(40):  # strokes of text-like size, well inside the page
        x, y = int(rng.integers(10, 320)), int(rng.integers(10, 220))
        cv2.rectangle(grey, (x, y), (x + int(rng.integers(3, 30)), y + int(rng.integers(2, 8))), 20, -1)
    h, w = grey.shape
    xs, ys, scale = _ink_points(grey, 1000)
    assert scale == 1.0 and len(xs) > 500
    turns = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    for k, code in turns.items():
        tx, ty = _turn_points((xs, ys, w, h), k)
        xs2, ys2, _ = _ink_points(cv2.rotate(grey, code), 1000)
        assert set(zip(tx.tolist(), ty.tolist(), strict=True)) == set(zip(xs2.tolist(), ys2.tolist(), strict=True)), k


def test_strip_profiles_from_one_histogram_equal_their_own() -> None:
    """Scores for several strip counts come from one histogram over a finer cut: each must be exactly the
    score that count's own histogram gives (the fine skew search sums them)."""
    from digitizer.straighten import _profiler

    rng = np.random.default_rng(5)
    xs = rng.uniform(0, 900, 20_000).round()
    ys = (rng.integers(0, 40, 20_000) * 30 + rng.uniform(0, 8, 20_000)).round()  # rows of "text"
    both = _profiler(xs, ys, (4, 6))
    alone = {n: _profiler(xs, ys, (n,)) for n in (1, 4, 6)}
    for angle in (-3.0, -0.35, 0.0, 0.05, 2.5):
        assert both(angle) == [alone[4](angle)[0], alone[6](angle)[0]]
        one_strip = np.bincount((ys * np.cos(np.radians(angle)) - xs * np.sin(np.radians(angle)) + 2000).astype(int))
        assert alone[1](angle)[0] == float(np.dot(one_strip, one_strip))


@pytest.mark.parametrize("angle", [-6.2, 0.7, 4.45])
def test_staged_fine_search_finds_the_full_searchs_angle(clean_page, angle: float) -> None:  # type: ignore[no-untyped-def]
    """The fine skew search steps 0.2° and then 0.05° near the best: it must end at the angle that scoring
    all 25 steps of 0.05° gives (the same peak, the same parabola through it)."""
    from digitizer.straighten import FINE_STRIPS, _fine_skew, _profiler, _skew_points

    grey = cv2.cvtColor(_rotate(cv2.imread(str(clean_page[0])), angle), cv2.COLOR_BGR2GRAY)
    xs, ys = _skew_points(grey).fine[:2]
    score = _profiler(xs, ys, FINE_STRIPS)
    centre = round(-angle * 2) / 2  # the coarse search's step
    for start in (centre - 0.5, centre, centre + 0.5):  # and one off, where the peak lies near an end
        steps = np.arange(start - 0.6, start + 0.6 + 1e-9, 0.05)
        curves = np.array([score(float(a)) for a in steps])
        fs = (curves / curves.max(axis=0)).sum(axis=1)
        i = int(np.argmax(fs))
        full = float(steps[i])
        if 0 < i < len(fs) - 1 and fs[i - 1] - 2 * fs[i] + fs[i + 1] < 0:
            full += 0.05 * 0.5 * (fs[i - 1] - fs[i + 1]) / (fs[i - 1] - 2 * fs[i] + fs[i + 1])
        staged = _fine_skew(xs, ys, start)
        assert abs(staged - full) < 1e-6, (start, staged, full)
        if start == centre:
            assert abs(-staged - angle) <= 0.1, (start, staged)


def test_upright_page_is_not_read_turned() -> None:
    """Lines that read well as they stand settle the 180° check without a second, turned reading."""
    from digitizer.straighten import UPRIGHT_READ, _upside_down

    image = np.full((100, 400, 3), 255, np.uint8)
    quad = np.array([[10, 10], [390, 10], [390, 40], [10, 40]], np.float32)
    calls: list[np.ndarray] = []

    def read(conf_up: float, conf_down: float):  # type: ignore[no-untyped-def]
        def score(_img: np.ndarray, quads: list[np.ndarray]) -> float:
            calls.append(quads[0])
            return conf_up if np.array_equal(quads[0], quad) else conf_down

        return score

    assert not _upside_down(image, [quad] * 6, read(UPRIGHT_READ + 0.05, 0.99))
    assert len(calls) == 1
    calls.clear()
    assert _upside_down(image, [quad] * 6, read(0.4, 0.97))
    assert len(calls) == 2  # upright and turned, four lines each: a clear answer
    calls.clear()
    assert not _upside_down(image, [quad] * 6, read(0.8, 0.81))  # close: all lines read, not better turned
    assert len(calls) == 4
