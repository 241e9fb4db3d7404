"""OCR engines behind one protocol; ``get_engine`` builds (and caches, once per process) the chosen one."""

from __future__ import annotations

from typing import Any

from .base import CharBox, OcrEngine, OcrLine

__all__ = ["CharBox", "OcrEngine", "OcrLine", "get_engine"]

_CACHE: dict[tuple[Any, ...], OcrEngine] = {}


def get_engine(name: str, **settings: Any) -> OcrEngine:
    """The engine ``name`` with ``settings``; models load once per process and settings."""
    key = (name, tuple(sorted(settings.items())))
    if key not in _CACHE:
        if name == "ppocr":
            from .ppocr import PPOCREngine, PPOCRSettings

            _CACHE[key] = PPOCREngine(PPOCRSettings(**settings))
        elif name == "paddle":
            from .paddle import PaddleEngine, PaddleSettings

            _CACHE[key] = PaddleEngine(PaddleSettings(**settings))
        else:
            raise ValueError(f"unknown engine {name!r}")
    return _CACHE[key]
