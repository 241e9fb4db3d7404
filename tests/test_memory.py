"""The worker's heap policy: malloc arenas limited where asked, freed memory handed back only above a budget."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from digitizer.memory import release_freed_memory, resident_mb

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.confstr("CS_GNU_LIBC_VERSION") is None, reason="glibc only"
)

# Threads that each allocate and keep a few blocks; then glibc's own count of its arenas (malloc_info's heaps).
_ARENAS = textwrap.dedent(
    """
    import ctypes, re, sys, threading
    from digitizer.memory import tune_allocator
    print(tune_allocator(int(sys.argv[1])) if sys.argv[1] != "-" else "untouched")
    kept = []
    def work():
        for _ in range(50):
            kept.append(bytearray(300_000))
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    libc = ctypes.CDLL(None)
    libc.fopen.restype = ctypes.c_void_p
    fp = libc.fopen(sys.argv[2].encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(fp))
    libc.fclose(ctypes.c_void_p(fp))
    print(len(re.findall(r"<heap nr=", open(sys.argv[2]).read())))
    """
)


def _arenas(tmp_path: Path, threads: str, env: dict[str, str] | None = None) -> tuple[str, int]:
    out = subprocess.run(
        [sys.executable, "-c", _ARENAS, threads, str(tmp_path / "info.xml")],
        capture_output=True,
        text=True,
        check=True,
        env={**{k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}, **(env or {})},
    ).stdout.split()
    return out[0], int(out[1])


@glibc
def test_tune_allocator_limits_arenas_and_yields_to_the_environment(tmp_path: Path) -> None:
    said, default = _arenas(tmp_path, "-")
    assert default > 1  # threads that allocate get arenas of their own by default
    said, tuned = _arenas(tmp_path, "2")
    assert said == "True" and tuned == 1  # one arena per two threads
    said, tuned = _arenas(tmp_path, "4")
    assert said == "True" and tuned == 2
    said, theirs = _arenas(tmp_path, "2", {"MALLOC_ARENA_MAX": "3"})
    assert said == "False" and theirs == 3  # the user's own setting rules


# Page faults of a 64 MB block (a large page's image) allocated, filled and freed ten times over.
_FAULTS = textwrap.dedent(
    """
    import ctypes, resource, sys
    import numpy as np
    # No transparent huge pages: a fault is then always one 4 kB page, whatever the kernel's THP setting
    # (with THP a block mapped afresh costs 32 faults and one reused from the heap may cost hundreds).
    ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)  # PR_SET_THP_DISABLE
    from digitizer.memory import tune_allocator
    print(tune_allocator(2) if sys.argv[1] == "tuned" else "untouched")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        block = np.empty(64 << 20, np.uint8)
        block[::4096] = 1
        del block
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _faults(how: str, env: dict[str, str] | None = None) -> int:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("MALLOC_", "GLIBC_TUNABLES"))}
    out = subprocess.run(
        [sys.executable, "-c", _FAULTS, how], capture_output=True, text=True, check=True, env={**keep, **(env or {})}
    ).stdout.split()
    return int(out[1])


@glibc
def test_freed_blocks_are_reused_not_faulted_in_afresh() -> None:
    # Tuned, the block is faulted in once and then reused from the heap; by default glibc maps a block this
    # large afresh at every allocation. Huge pages are off in the probe, so every fault is 4 kB.
    tuned = _faults("tuned")
    assert tuned > 0 and _faults("untouched") > 5 * tuned
    # Thresholds the environment sets rule (here glibc's own defaults, spelled out).
    assert _faults("tuned", {"MALLOC_MMAP_THRESHOLD_": str(128 << 10)}) > 5 * tuned


@glibc
def test_freed_memory_is_handed_back_only_above_the_budget() -> None:
    rss = resident_mb()
    assert rss is not None and rss > 10
    assert release_freed_memory(above_mb=rss + 1000) is False
    assert release_freed_memory(above_mb=rss / 2) is True
