"""CTC text recognition (PP-OCR's recognizer) of line crops, with each character's span in the crop."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..errors import MissingDependencyError
from .int8 import int8_classifier
from .onnx import session
from .settings import PPOCRSettings

__all__ = ["Chars", "Reading", "Recognizer", "char_quads", "crop_line", "reader_pool"]

#: A recognizer's reading of one line: text, confidence, and per character (char, x0, x1, confidence) in the
#: crop's pixel columns.
Chars = list[tuple[str, float, float, float]]
Reading = tuple[str, float, Chars]


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


def reader_pool(threads: int) -> ThreadPoolExecutor:
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
        self.sess = session(model, s.threads)
        # Line batches are small tensors, which onnxruntime's own threads split poorly: several runs side by side,
        # one thread each, take less time. So a page's lines share out over ``threads`` callers of one
        # single-threaded session (its ``run`` is thread-safe); a lone run keeps the threaded session.
        self.sess1 = session(model, 1) if s.threads > 1 else self.sess
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
        pool = reader_pool(self.s.threads)
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
        # Padded only to the batch's widest line: PaddleOCR's 320-pixel minimum cost time and changed no score.
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


def char_quads(quad: np.ndarray, crop_w: float, spans: np.ndarray, vertical: bool) -> np.ndarray:
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
