"""A two-node Ray cluster on loopback for the tests and the bench, run as a script inside a private network
namespace (``unshare -n``, loopback up), where Ray binds to 127.0.0.1 only.

    python tests/raycluster.py --port P [--kill-after N] -- digitizer batch ... --ray-address 127.0.0.1:P

starts a head node and a second node (one CPU each), runs the command, and with ``--kill-after N`` kills the
second node (its raylet and every process under it) once the batch's manifest holds N records. The cluster is
stopped at the end whatever happens. Prints one JSON line: the command's exit code, and when the node was
killed, how many records the manifest held then.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# Loopback only, inside its own network namespace: no token between the nodes.
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}


def _ray(*args: str) -> None:
    ray = str(Path(sys.executable).with_name("ray"))
    r = subprocess.run([ray, *args], env=ENV, capture_output=True, text=True, timeout=180)
    if r.returncode != 0:
        raise RuntimeError(f"ray {args[0]} failed ({r.returncode}): {r.stderr[-1500:]}")


def _raylets() -> set[int]:
    out = set()
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                if (p / "comm").read_text().strip() == "raylet":
                    out.add(int(p.name))
            except OSError:
                pass
    return out


def _tree(root: int) -> list[int]:
    """``root`` and every process below it."""
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(p.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _records(manifest: Path) -> int:
    try:
        return sum(1 for line in manifest.read_text().splitlines() if line.strip())
    except OSError:
        return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--kill-after", type=int, default=0)
    ap.add_argument("--manifest", type=Path)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.command[1:] if a.command[:1] == ["--"] else a.command
    report: dict[str, object] = {}
    try:
        _ray("start", "--head", "--num-cpus", "1", "--port", str(a.port), "--node-ip-address", "127.0.0.1",
             "--include-dashboard", "false", "--disable-usage-stats")  # fmt: skip
        before = _raylets()
        _ray("start", "--address", f"127.0.0.1:{a.port}", "--num-cpus", "1", "--node-ip-address", "127.0.0.1",
             "--disable-usage-stats")  # fmt: skip
        second = sorted(_raylets() - before)
        proc = subprocess.Popen(cmd, env=ENV)
        if a.kill_after and a.manifest is not None:
            while proc.poll() is None and _records(a.manifest) < a.kill_after:
                time.sleep(0.1)
            report["records_at_kill"] = _records(a.manifest)
            for raylet in second:
                for pid in _tree(raylet):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            report["killed_raylets"] = len(second)
        report["rc"] = proc.wait(timeout=900)
    except Exception as exc:
        report["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        subprocess.run([str(Path(sys.executable).with_name("ray")), "stop", "--force"], env=ENV, capture_output=True)
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
