"""The ``ppocr`` engine's settings: model presets per speed and every knob, explicit and recorded in each JSON."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BadOptionError

__all__ = ["DET_PRESETS", "SPEED_PRESETS", "UNCLIP_SHRINK", "PPOCRSettings"]


#: speed preset → recognizer models, first reads every line, the second re-reads the doubtful ones.
SPEED_PRESETS: dict[str, tuple[str, ...]] = {
    "fast": ("PP-OCRv6_rec_tiny",),
    "balanced": ("PP-OCRv6_rec_tiny", "PP-OCRv6_rec_small"),
    "best": ("PP-OCRv6_rec_small",),
}


#: speed preset → text detector. At the scale ``detection_scale`` picks the tiny one finds lines as well as the
#: small one, in far less time (docs/performance.md); ``best`` keeps the small models throughout.
DET_PRESETS: dict[str, str] = {
    "fast": "PP-OCRv6_det_tiny",
    "balanced": "PP-OCRv6_det_tiny",
    "best": "PP-OCRv6_det_small",
}


#: detector → how much its unclip ratio shrinks per unit of scale lost, so that boxes found on a smaller page are
#: as tall as at full resolution (tighter ones lose English word spaces; docs/performance.md).
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
    det_tile: int = 1024  # larger tiles cost more time and memory on 2 cores (docs/performance.md)
    det_overlap: int = 128  # half the tallest headline we expect stays inside a kept tile centre
    det_thresh: float = 0.3
    box_thresh: float = 0.5
    unclip_ratio: float = 1.6
    # Lines per run of the first reader used by probes. The cascade reads one line per run: a run pads each line
    # to its widest, which changes what a line reads, and it was no faster (docs/performance.md).
    rec_batch: int = 1
    rec_height: int = 48
    cascade_threshold: float = 0.93
    # ``int8.py``: the tiny recognizer's last layer in int8, a little faster, but its kernels read differently on
    # different instruction sets (u8×s8 products saturate without VNNI): an explicit opt-in only.
    tiny_int8_classifier: bool = False
    split_concats: bool = True  # ``concat_split.py``: the tiny detector without its widest join (same lines)
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
