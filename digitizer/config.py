"""Settings, validated once into a typed object before any page is touched."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, TypedDict

from .errors import BadOptionError
from .load import DEFAULT_MAX_PIXELS
from .ocr.settings import SPEED_PRESETS

__all__ = ["ENGINES", "ConvertOptions", "Options"]

ENGINES = ("ppocr", "paddle")
LANGS = ("auto", "zh", "en")
ORIENTATIONS = ("auto", "0", "90", "180", "270")


class ConvertOptions(TypedDict, total=False):
    """The keyword options of ``digitizer.convert`` (those of ``Options``), for editors and type checkers."""

    engine: Literal["ppocr", "paddle"]
    lang: Literal["auto", "zh", "en"]
    speed: Literal["fast", "balanced", "best"]
    deskew: bool
    orientation: Literal["auto", "0", "90", "180", "270"]
    max_pixels: int  # 0: no limit
    pdf_dpi: int
    threads: int
    det_max_side: int
    det_scale: float  # 0: chosen per page from the text's size; 1: full resolution
    det_tile: int
    box_thresh: float
    rec_batch: int
    use_cls: bool
    model_dir: str | None
    dpi: float  # 0: what the file records
    int8: bool


@dataclass
class Options:
    """Everything that changes a page's result (recorded in the JSON; part of a batch's resume key)."""

    engine: str = "ppocr"
    lang: str = "auto"
    speed: str = "balanced"
    deskew: bool = True
    orientation: str = "auto"
    max_pixels: int = DEFAULT_MAX_PIXELS
    pdf_dpi: int = 300
    threads: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    det_max_side: int = 0
    det_scale: float = 0.0  # 0: chosen per page from the text's size; 1: full resolution
    det_tile: int = 1024  # tile side for full-resolution detection (docs/performance.md)
    box_thresh: float = 0.5
    rec_batch: int = 0  # lines per recognizer run; 0: the engine's own (see its settings)
    use_cls: bool = False
    model_dir: str | None = None
    dpi: float = 0.0  # the scan's resolution; 0: what the file records (none where it records none)
    # The tiny recognizer's classifier in int8: a little faster, but int8 kernels differ between instruction sets
    # (AVX2, AVX-512, VNNI), so the text would depend on the CPU. Off unless asked for.
    int8: bool = False

    def validate(self) -> Options:
        """Check every value; raise BadOptionError with what to do instead."""
        if self.engine not in ENGINES:
            raise BadOptionError(f"--engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.lang not in LANGS:
            raise BadOptionError(f"--lang must be one of {', '.join(LANGS)}, not {self.lang!r}")
        if self.speed not in SPEED_PRESETS:
            raise BadOptionError(f"--speed must be one of {', '.join(SPEED_PRESETS)}, not {self.speed!r}")
        self.orientation = str(self.orientation)
        if self.orientation not in ORIENTATIONS:
            raise BadOptionError(f"--orientation must be one of {', '.join(ORIENTATIONS)}")
        if self.max_pixels < 0:
            raise BadOptionError("--max-pixels must be >= 0 (0: no limit)")
        if not 36 <= self.pdf_dpi <= 1200:
            raise BadOptionError("--pdf-dpi must be within 36..1200")
        if not 0.0 <= self.det_scale <= 1.0:
            raise BadOptionError("--det-scale must be within 0..1 (0: from the text size, 1: full resolution)")
        if self.threads < 1:
            raise BadOptionError("threads must be >= 1")
        if self.rec_batch < 0:
            raise BadOptionError("rec_batch must be >= 0 (0: the engine's own)")
        if self.dpi and not 10 <= self.dpi <= 10_000:
            raise BadOptionError("--dpi must be within 10..10000 (0: from the file)")
        if self.int8 and self.engine != "ppocr":
            raise BadOptionError("--int8 applies to --engine ppocr only")
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def recorded(self) -> dict[str, Any]:
        """The settings a result records: all but the thread count, which never changes a result."""
        return {k: v for k, v in asdict(self).items() if k != "threads"}

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> Options:
        """Build from keyword options, rejecting unknown names."""
        known = {f.name for f in fields(cls)}
        unknown = set(kwargs) - known
        if unknown:
            raise BadOptionError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in kwargs.items() if v is not None}).validate()
