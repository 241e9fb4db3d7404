"""`make soak`: the fault tests at length (not in CI). Writes bench/SOAK.md.

1. Fuzzing: hundreds of damaged and hostile inputs made from valid seeds through one `batch`: every file must be
   recorded, with no traceback and no hang, and every valid seed's pages done.
2. Disk full: batches into small tmpfs disks of several sizes (needs root and `unshare -m`); each must stop with
   exit 8 and a whole manifest, and a resume after the disk grows must finish the rest.
3. kill -9 at random moments, of the whole run or of one worker, many rounds; then a resume: every page done
   exactly once and every output whole.
4. Workers killed by signals (SIGSEGV, SIGBUS, SIGKILL) in the middle of a page: that page recorded as failed,
   the batch goes on.

Usage: python bench/soak.py [--fuzz N] [--kill-rounds N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from faultkit import (  # noqa: E402
    CLI,
    batch,
    check_outputs,
    kill_rounds,
    make_fuzz,
    make_seeds,
    page_folder,
    signal_mid_page,
)

from digitizer.batch import read_manifest  # noqa: E402

FAST = ["--speed", "fast", "-f", "txt,json,alto"]


def fuzz(work: Path, count: int, seed: int) -> dict[str, Any]:
    seeds = make_seeds(work / "scans" / "seeds", seed)
    made = make_fuzz(work / "scans" / "fuzz", seeds, count, seed)
    out = work / "out"
    t0 = time.monotonic()
    r = batch([str(work / "scans"), "-o", str(out), "--jobs", "2", *FAST], timeout=3600)
    recs = read_manifest(out)
    names = {Path(x["input"]).name for x in recs}
    seed_pages = [x for x in recs if Path(x["input"]).parent.name == "seeds"]
    kinds: dict[str, int] = {}
    for k in made.values():
        kinds[k] = kinds.get(k, 0) + 1
    return {
        "files": len(seeds) + len(made),
        "mutations": kinds,
        "recorded": len(names),
        "unrecorded": sorted(({p.name for p in seeds} | set(made)) - names),
        "pages_done": sum(1 for x in recs if x["status"] == "done"),
        "pages_failed": sum(1 for x in recs if x["status"] == "failed"),
        "seed_pages_lost": sum(1 for x in seed_pages if x["status"] != "done"),
        # A failure with a trace is a bug of ours that a damaged file reached (not a refusal with a reason).
        "internal_errors": [x["error"] for x in recs if x.get("trace")],
        "by_exit_code": {
            str(c): sum(1 for x in recs if x.get("exit_code") == c) for c in {x.get("exit_code") for x in recs}
        },
        "traceback": "Traceback" in r.stderr,
        "exit": r.returncode,
        "seconds": round(time.monotonic() - t0, 1),
    }


def _pages(src: Path, n: int, rng: random.Random) -> None:
    words = ["harbour", "council", "railway", "museum"]
    page_folder(src, [f"Report {i} of the {rng.choice(words)} board\nwas read on Monday." for i in range(n)])


def disk_full(work: Path, sizes_kb: list[int], rng: random.Random) -> list[dict[str, Any]]:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return []
    src = work / "scans"
    _pages(src, 10, rng)
    rows = []
    for size in sizes_kb:
        out, res = work / f"out{size}", work / f"res{size}"
        out.mkdir()
        res.mkdir()
        args = f"{' '.join(CLI)} batch {src} -o {out} --speed fast -f txt,json,alto,page --jobs 2"
        script = f"""
            mount -t tmpfs -o size={size}k tmpfs {out}
            {args} > /dev/null 2> {res}/err1; echo $? > {res}/rc1
            mkdir -p {res}/first && cp -a {out}/. {res}/first/
            mount -o remount,size=64m {out}
            {args} > /dev/null 2> {res}/err2; echo $? > {res}/rc2
            mkdir -p {res}/second && cp -a {out}/. {res}/second/
        """
        subprocess.run(["unshare", "-m", "sh", "-c", script], check=True, timeout=900)
        first = read_manifest(res / "first")
        whole_manifest = all(json.loads(x) for x in (res / "first" / "manifest.jsonl").read_text().splitlines())
        try:
            check_outputs(res / "second", 10)
            ok = True
        except AssertionError:
            ok = False
        err1 = (res / "err1").read_text()
        rows.append(
            {
                "disk_kb": size,
                "first_exit": int((res / "rc1").read_text()),
                "done_before_full": sum(1 for x in first if x["status"] == "done"),
                "manifest_whole": whole_manifest,
                "traceback": "Traceback" in err1,
                "resume_exit": int((res / "rc2").read_text()),
                "all_done_once_and_whole": ok,
            }
        )
    return rows


def kills(work: Path, rounds: int, rng: random.Random) -> dict[str, Any]:
    src = work / "scans"
    _pages(src, 24, rng)
    out = work / "out"
    args = [str(src), "-o", str(out), "--jobs", "2", "--speed", "fast", "-f", "txt,json,alto,page,hocr"]
    log = kill_rounds(args, rounds, rng, max_wait=6.0)
    r = batch(args, timeout=900)
    try:
        check_outputs(out, 24)
        ok = True
    except AssertionError:
        ok = False
    return {
        "rounds": rounds,
        "parent_kills": sum(1 for x in log if x["target"] == "parent"),
        "worker_kills": sum(1 for x in log if x["target"] == "worker"),
        "traceback": any(x["traceback"] for x in log),
        "resume_exit": r.returncode,
        "all_done_once_and_whole": ok,
    }


def signals(work: Path, rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for sig in (signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL, signal.SIGABRT):
        code, recs, err = signal_mid_page(work / sig.name, sig, delay=rng.uniform(0.1, 0.5))
        rows.append(
            {
                "signal": sig.name,
                "exit": code,
                "b_failed_with": recs.get("b.png", {}).get("error", ""),
                "others_done": all(recs.get(n, {}).get("status") == "done" for n in ("a.png", "c.png")),
                "traceback": "Traceback" in err,
            }
        )
    return rows


def write_report(res: dict[str, Any], path: Path) -> None:
    f = res["fuzz"]
    lines = [
        "# Soak: faults injected into batch runs",
        "",
        f"`make soak` (`bench/soak.py --fuzz {res['args']['fuzz']} --kill-rounds {res['args']['kill_rounds']} "
        f"--seed {res['args']['seed']}`), {res['date']}, {res['machine']}.",
        "",
        "## Fuzzing",
        "",
        f"{f['files']} files ({f['files'] - sum(f['mutations'].values())} valid seeds in every format and pixel mode, "
        f"{sum(f['mutations'].values())} mutated: "
        + ", ".join(f"{k} {v}" for k, v in sorted(f["mutations"].items()))
        + f") through one `batch --jobs 2`: {f['recorded']} recorded, unrecorded {f['unrecorded'] or 'none'}; "
        f"pages done {f['pages_done']}, failed {f['pages_failed']} (by exit code: {f['by_exit_code']}); "
        f"internal errors {len(f['internal_errors'])}; valid seed pages lost {f['seed_pages_lost']}; "
        f"traceback {f['traceback']}; exit {f['exit']}; {f['seconds']} s.",
        "",
        "## Disk full (tmpfs), then resume after it grows",
        "",
        "| disk | exit | pages done before full | manifest whole | traceback | resume exit | all done once, whole |",
        "|---|---|---|---|---|---|---|",
    ]
    for d in res["disk_full"]:
        lines.append(
            f"| {d['disk_kb']} kB | {d['first_exit']} | {d['done_before_full']} | {d['manifest_whole']} | "
            f"{d['traceback']} | {d['resume_exit']} | {d['all_done_once_and_whole']} |"
        )
    k = res["kills"]
    lines += [
        "",
        "## kill -9 at random moments, then resume",
        "",
        f"{k['rounds']} rounds on 24 pages (`--jobs 2`): {k['parent_kills']} kills of the whole run, "
        f"{k['worker_kills']} of one worker; traceback {k['traceback']}; resume exit {k['resume_exit']}; "
        f"every page done exactly once and every output whole: {k['all_done_once_and_whole']}.",
        "",
        "## A worker killed by a signal mid-page",
        "",
        "| signal | exit | the page's record | other pages done | traceback |",
        "|---|---|---|---|---|",
    ]
    for s in res["signals"]:
        lines.append(f"| {s['signal']} | {s['exit']} | {s['b_failed_with']} | {s['others_done']} | {s['traceback']} |")
    lost = f["seed_pages_lost"] + sum(0 if d["all_done_once_and_whole"] else 1 for d in res["disk_full"])
    lost += 0 if k["all_done_once_and_whole"] else 1
    lines += ["", f"Pages lost: {lost}.", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fuzz", type=int, default=300)
    ap.add_argument("--kill-rounds", type=int, default=16)
    ap.add_argument("--seed", type=int, default=2026)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    res: dict[str, Any] = {
        "args": vars(a),
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores",
    }
    with tempfile.TemporaryDirectory(prefix="soak-") as tmp:
        work = Path(tmp)
        steps = [
            ("fuzz", lambda: fuzz(work / "fuzz", a.fuzz, a.seed)),
            ("disk_full", lambda: disk_full(work / "disk", [24, 48, 96, 160], rng)),
            ("kills", lambda: kills(work / "kills", a.kill_rounds, rng)),
            ("signals", lambda: signals(work / "signals", rng)),
        ]
        for name, step in steps:
            t0 = time.monotonic()
            (work / name).mkdir()
            res[name] = step()
            print(f"{name}: {time.monotonic() - t0:.0f} s: {json.dumps(res[name])[:400]}", file=sys.stderr)
    (ROOT / "bench" / "soak.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
    write_report(res, ROOT / "bench" / "SOAK.md")
    print(f"wrote {ROOT / 'bench' / 'SOAK.md'}")


if __name__ == "__main__":
    main()
