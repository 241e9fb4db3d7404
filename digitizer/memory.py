"""The worker's heap: few malloc arenas, and freed memory handed back to the system only when it holds a lot.

glibc (Linux) only; elsewhere these functions do nothing. A page allocates and frees some 500 MB of images and
model tensors, and memory that glibc hands back must be faulted in afresh by the next page: on 30 bench pages
(2 cores), returning it at every page cost ``balanced`` 9-10% of its time and ``best`` about 5%.
"""

from __future__ import annotations

import ctypes
import logging
import os
from typing import Any

__all__ = ["TRIM_ABOVE_MB", "release_freed_memory", "resident_mb", "tune_allocator"]

log = logging.getLogger(__name__)

#: Resident size above which a new page starts by handing freed heap memory back. Over 30 bench pages a page
#: grew the resident set by at most 0.35 GB over what it started with (``best``, one arena; it started at
#: 0.82 GB at most, so this never fired there), so a worker stays under the 1.5 GB it is allowed.
TRIM_ABOVE_MB = 1024

_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


def _libc_function(name: str) -> Any:
    """A C function of the running process's libc, or None where there is none of that name (not glibc)."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (AttributeError, OSError):
        return None


_TRIM = _libc_function("malloc_trim")
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def tune_allocator(threads: int) -> bool:
    """Limit glibc's malloc to one arena per two threads (at least one); return whether it was set.

    By default every thread that allocates gets an arena of its own, and freed blocks pile up in each: over 30
    bench pages on 2 cores, one arena instead of the default held ``balanced`` at 0.76 GB (1.02 GB without the
    limit) and ran ``best`` about 6% faster. It is process-wide, so the command line and batch workers call it, not
    the library; a ``MALLOC_ARENA_MAX`` in the environment is left to rule. One arena per two threads on larger
    machines is a guess to spare many reader threads a single lock, not a measurement.
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(_M_ARENA_MAX, max(1, threads // 2)))


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
