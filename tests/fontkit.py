"""The generator's fonts, which ``make install`` brings: tests that render pages are skipped without them."""

from __future__ import annotations

import pytest

from digitizer.synth.historical import _faces


def have_fonts() -> bool:
    """Whether the generator's Chinese and English faces are installed."""
    try:
        _faces(True), _faces(False)
    except FileNotFoundError:
        return False
    return True


needs_fonts = pytest.mark.skipif(not have_fonts(), reason="fonts-noto-cjk / DejaVu not installed (make install)")
