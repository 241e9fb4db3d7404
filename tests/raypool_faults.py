"""Faults on Ray actors, run as a script inside a private network namespace (see ``raycluster.py``): a page that
raises, one past the page timeout, one that kills its worker, one over the memory limit, beside good pages. Prints
one JSON line: each task's name and the result the pool gave it."""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

from digitizer.cluster import RayPool


def prepare() -> None:
    """Nothing to load: the pool's mechanics only."""


def work(task: dict[str, Any]) -> dict[str, Any]:
    kind = task["kind"]
    if kind == "raise":
        raise ValueError("a bug on this page")
    if kind == "hang":
        time.sleep(600)
    if kind == "crash":
        os._exit(3)
    if kind == "memory":
        hog = bytearray(900 * 2**20)  # resident once written
        hog[::4096] = b"x" * len(hog[::4096])
        time.sleep(30)
    return {"status": "done", "pid": os.getpid()}


def main() -> int:
    results: dict[str, dict[str, Any]] = {}

    def on_result(task: dict[str, Any], result: dict[str, Any]) -> bool:
        results[task["name"]] = result
        return True

    t0 = time.monotonic()
    tasks = [{"name": f"{k}{i}", "kind": k} for i, k in enumerate(["ok", "raise", "hang", "crash", "ok"])]
    RayPool(prepare, work, 2, page_timeout=8).run(tasks, on_result)
    # Ray may take half a minute to notice a worker gone: a page timeout longer than that, to see the retry.
    tasks = [{"name": f"{k}{i}", "kind": k} for i, k in enumerate(["memory", "ok"], start=10)]
    RayPool(prepare, work, 2, page_timeout=150, max_memory_mb=600).run(tasks, on_result)
    print(json.dumps({"results": results, "seconds": round(time.monotonic() - t0, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
