"""The worker's heap: few malloc arenas, and freed memory handed back to the system only when it holds a lot.

glibc (Linux) only; elsewhere these functions do nothing. A page allocates and frees hundreds of MB of images
and model tensors, and memory that glibc hands back must be faulted in afresh (a fault per 4 kB) by the next
page, which cost a tenth of the time. glibc hands back on its own, too: a block over its mmap threshold (32 MB
at most, and a colour page is larger) is mapped afresh and unmapped at every allocation, and a free stretch over
its trim threshold at the heap's top goes back at once. Both thresholds are raised here, so that the budget
below alone decides. Figures in docs/performance.md.
"""

from __future__ import annotations

import ctypes
import logging
import os
from typing import Any

__all__ = [
    "MMAP_ABOVE_MB",
    "TRIM_ABOVE_MB",
    "hold_freed_memory",
    "release_freed_memory",
    "resident_mb",
    "tune_allocator",
]

log = logging.getLogger(__name__)

#: Resident size above which a new page starts by handing freed heap memory back: above what a worker holds
#: between ordinary pages, so that it fires only after an unusually large page.
TRIM_ABOVE_MB = 1024

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8  # mallopt's parameter numbers (malloc.h)
#: Blocks up to this size come from the heap and are reused there (larger ones are mapped): more than any image
#: or tensor of a page, short of pages far beyond a newspaper's size.
MMAP_ABOVE_MB = 256


def _libc_function(name: str) -> Any:
    """A C function of the running process's libc, or None where there is none of that name (not glibc)."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (AttributeError, OSError):
        return None


_TRIM = _libc_function("malloc_trim")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tune_allocator(threads: int) -> bool:
    """Limit glibc's malloc to one arena per two threads (at least one); return whether it was set. Freed blocks
    are kept for the next page as well (``hold_freed_memory``).

    By default every thread that allocates gets an arena of its own, and freed blocks pile up in each: fewer
    arenas hold less memory and ran faster. It is process-wide, so the command line and batch workers call it,
    not the library; a ``MALLOC_ARENA_MAX`` in the environment is left to rule. One arena per two threads on
    larger machines is a guess to spare many reader threads a single lock, not a measurement.
    """
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    hold_freed_memory(mallopt)
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    return bool(mallopt(_M_ARENA_MAX, max(1, threads // 2)))


def hold_freed_memory(mallopt: Any = None) -> bool:
    """Keep freed blocks in the heap for the next page rather than hand them back at once; return whether set.

    glibc maps every block over its mmap threshold afresh and hands a free heap top over its trim threshold back
    at once, and memory handed back costs a page fault per 4 kB when used again: both thresholds are raised (to
    ``MMAP_ABOVE_MB`` and ``TRIM_ABOVE_MB``), for somewhat higher peaks.
    ``release_freed_memory`` still hands memory back between pages above ``TRIM_ABOVE_MB``. Thresholds the
    environment sets (``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``, ``GLIBC_TUNABLES``) rule.
    """
    mallopt = mallopt or _libc_function("mallopt")
    if mallopt is None:
        return False
    env = os.environ
    if (
        env.get("MALLOC_MMAP_THRESHOLD_")
        or env.get("MALLOC_TRIM_THRESHOLD_")
        or "threshold" in env.get("GLIBC_TUNABLES", "")
    ):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_ABOVE_MB << 20)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_ABOVE_MB << 20)
    )


def resident_mb() -> float | None:
    """This process's resident set in MB (Linux ``/proc``), or None where that cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return None


def release_freed_memory(above_mb: float = TRIM_ABOVE_MB) -> bool:
    """Hand freed heap memory back to the system if the resident set is above ``above_mb``; return whether it did."""
    if _TRIM is None:
        return False
    rss = resident_mb()
    if rss is None or rss <= above_mb:
        return False
    _TRIM(0)
    log.debug("resident set %.0f MB: freed heap memory handed back", rss)
    return True
