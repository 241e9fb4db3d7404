"""DB text detection (PP-OCR's detector) at full resolution, in tiles stitched on the probability map."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pyclipper

from ..resample import shrink
from .concat_split import split_concat_convs
from .onnx import session
from .settings import UNCLIP_SHRINK, PPOCRSettings

__all__ = ["Detector", "order_quad"]


def order_quad(pts: np.ndarray) -> np.ndarray:
    """Order 4 points clockwise from the top left (by the sum/difference trick, robust for mild rotation)."""
    pts = np.asarray(pts, dtype=np.float32).reshape(4, 2)
    s = pts.sum(axis=1)
    d = pts[:, 1] - pts[:, 0]
    tl, br = pts[np.argmin(s)], pts[np.argmax(s)]
    tr, bl = pts[np.argmin(d)], pts[np.argmax(d)]
    quad = np.array([tl, tr, br, bl], dtype=np.float32)
    if len({tuple(p) for p in quad.tolist()}) < 4:  # degenerate (45°): fall back to angle order
        c = pts.mean(axis=0)
        ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
        quad = pts[np.argsort(ang)]
        start = int(np.argmin(quad.sum(axis=1)))
        quad = np.roll(quad, -start, axis=0)
    return quad


def _level(q: np.ndarray, max_deg: float) -> np.ndarray:
    """``q`` (clockwise from top left) set level about its centre when it leans by at most ``max_deg``."""
    top = q[1] - q[0]
    if abs(math.degrees(math.atan2(float(top[1]), float(top[0])))) > max_deg:
        return q
    w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
    h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
    cx, cy = q.mean(axis=0)
    return np.array(
        [[cx - w / 2, cy - h / 2], [cx + w / 2, cy - h / 2], [cx + w / 2, cy + h / 2], [cx - w / 2, cy + h / 2]],
        np.float32,
    )


class Detector:
    """DB text detection, tiled at full resolution, post-processed once on the stitched probability map."""

    def __init__(self, path: Path, s: PPOCRSettings, key: str = "") -> None:
        self.s = s
        #: sha256 of the model as run, where it is ``path`` rewritten (``concat_split.py``); empty where it is the file.
        self.rewritten = ""
        model: Path | bytes = path
        if s.split_concats:
            data, digest, joins = split_concat_convs(path)
            if joins:
                model, self.rewritten = data, digest
        self.sess = session(model, s.threads)
        self.input_name = self.sess.get_inputs()[0].name
        self.key = key
        self.unclip_shrink = UNCLIP_SHRINK.get(key, 0.35)

    def probability_map(self, image: np.ndarray) -> tuple[np.ndarray, float]:
        """The DB probability map of ``image`` (maybe scaled by ``det_max_side``) and that scale."""
        h, w = image.shape[:2]
        scale = 1.0
        if self.s.det_max_side and max(h, w) > self.s.det_max_side:
            scale = self.s.det_max_side / max(h, w)
            image = shrink(image, (max(32, round(w * scale)), max(32, round(h * scale))))
            h, w = image.shape[:2]
        prob = np.zeros((h, w), dtype=np.float32)
        tile, ov = self.s.det_tile, self.s.det_overlap
        step = tile - 2 * ov
        # A side up to half a tile longer is run whole: two overlapping tiles would cost more.
        whole = tile + tile // 2
        ys = list(range(0, max(1, h - 2 * ov), step)) if h > whole else [0]
        xs = list(range(0, max(1, w - 2 * ov), step)) if w > whole else [0]
        th, tw = (tile if h > whole else h), (tile if w > whole else w)
        for y0 in ys:
            for x0 in xs:
                y1, x1 = min(h, y0 + th), min(w, x0 + tw)
                p = self._run(image[y0:y1, x0:x1])
                # Keep each tile's centre (drop ``ov`` pixels at inner edges), so seams never cut lines:
                # a line near one tile's edge lies well inside its neighbour's kept part.
                ky0 = y0 + (ov if y0 > 0 else 0)
                kx0 = x0 + (ov if x0 > 0 else 0)
                ky1 = y1 - (ov if y1 < h else 0)
                kx1 = x1 - (ov if x1 < w else 0)
                prob[ky0:ky1, kx0:kx1] = p[ky0 - y0 : ky1 - y0, kx0 - x0 : kx1 - x0]
        return prob, scale

    def _run(self, img: np.ndarray) -> np.ndarray:
        h, w = img.shape[:2]
        ph, pw = max(32, math.ceil(h / 32) * 32), max(32, math.ceil(w / 32) * 32)
        # Written channel by channel into the model's layout: a transposed view would be copied once more by
        # onnxruntime, and whole-image temporaries cost more in page faults than in arithmetic.
        x = np.zeros((1, 3, ph, pw), dtype=np.float32)
        for c in range(3):
            np.divide(img[:, :, c], np.float32(127.5), out=x[0, c, :h, :w], casting="unsafe")  # mean 0.5, std 0.5
        x[0, :, :h, :w] -= 1.0
        out = self.sess.run(None, {self.input_name: x})[0]
        return out[0, 0, :h, :w]

    def __call__(self, image: np.ndarray) -> list[np.ndarray]:
        prob, scale = self.probability_map(image)
        return [q / scale for q in self.boxes(prob)]

    def scaled(self, image: np.ndarray, scale: float) -> list[np.ndarray]:
        """Lines found on ``image`` scaled by ``scale`` (1: as it is), as quads in ``image``'s pixels.

        A smaller image's probability map outlines each line more loosely (boxes a tenth too tall at a third of
        the scale with the usual unclip ratio, and loose boxes cost the recognizer characters), so the
        unclip ratio shrinks with the scale, by ``UNCLIP_SHRINK`` per unit of scale lost.
        """
        if scale >= 1.0:
            return self(image)
        h, w = image.shape[:2]
        small = shrink(image, (max(32, round(w * scale)), max(32, round(h * scale))))
        prob, own = self.probability_map(small)  # ``own``: a further scale from det_max_side, if set
        unclip = max(1.0, self.s.unclip_ratio - self.unclip_shrink * (1.0 - scale))
        back = np.array([w / small.shape[1], h / small.shape[0]], np.float32) / own
        return [q * back for q in self.boxes(prob, unclip, snap_deg=1.0)]

    def boxes(self, prob: np.ndarray, unclip: float | None = None, snap_deg: float = 0.0) -> list[np.ndarray]:
        """Quadrilaterals of text lines from a probability map (DB post-processing).

        ``snap_deg``: boxes within this many degrees of upright are set upright (on a straightened page the
        lines are level, and a small map's pixels make the measured angle noisy).
        """
        mask = cv2.dilate((prob > self.s.det_thresh).astype(np.uint8), np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        h, w = prob.shape
        quads: list[np.ndarray] = []
        for c in contours:
            if len(c) < 4:
                continue
            rect = cv2.minAreaRect(c)
            if min(rect[1]) < 3:
                continue
            x, y, bw, bh = cv2.boundingRect(c)
            m = np.zeros((bh, bw), np.uint8)
            cv2.fillPoly(m, [(c.reshape(-1, 2) - [x, y]).astype(np.int32)], (1,))
            score = cv2.mean(prob[y : y + bh, x : x + bw], m)[0]
            if score < self.s.box_thresh:
                continue
            quad = self._unclip(cv2.boxPoints(rect), unclip or self.s.unclip_ratio)
            if quad is None:
                continue
            if snap_deg:
                quad = _level(order_quad(quad), snap_deg)
            quad[:, 0] = np.clip(quad[:, 0], 0, w - 1)
            quad[:, 1] = np.clip(quad[:, 1], 0, h - 1)
            q = order_quad(quad)
            if np.linalg.norm(q[0] - q[1]) <= 3 or np.linalg.norm(q[0] - q[3]) <= 3:
                continue
            quads.append(q)
        return quads

    def _unclip(self, box: np.ndarray, ratio: float) -> np.ndarray | None:
        area = cv2.contourArea(box)
        length = cv2.arcLength(box.reshape(-1, 1, 2).astype(np.float32), True)
        if length == 0:
            return None
        dist = area * ratio / length
        off = pyclipper.PyclipperOffset()
        off.AddPath([tuple(p) for p in box.astype(np.int64).tolist()], pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
        grown = off.Execute(dist)
        if not grown:
            return None
        rect = cv2.minAreaRect(np.array(grown[0], dtype=np.float32))
        if min(rect[1]) < 5:
            return None
        return cv2.boxPoints(rect).astype(np.float32)
