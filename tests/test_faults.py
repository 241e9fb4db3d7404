"""Fault tests: damaged inputs, a full disk, kill -9 at random moments, workers killed by signals, limits.

The small version of ``make soak`` (``bench/soak.py``): the same faults, fewer of them.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from faultkit import (
    CLI,
    batch,
    check_outputs,
    kill_rounds,
    make_fuzz,
    make_seeds,
    page_folder,
    signal_mid_page,
    start_batch,
    text_page,
)

from digitizer.batch import read_manifest

FAST = ["--speed", "fast", "-f", "txt,json"]


def _can_mount() -> bool:
    if not shutil.which("unshare") or os.geteuid() != 0:
        return False
    r = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return r.returncode == 0


needs_mount = pytest.mark.skipif(not _can_mount(), reason="needs root and `unshare -m` to mount a small tmpfs")


@pytest.mark.timeout(420)
def test_fuzzed_inputs_are_each_recorded_and_the_good_pages_done(tmp_path: Path) -> None:
    seeds = make_seeds(tmp_path / "scans" / "seeds")
    fuzz = make_fuzz(tmp_path / "scans" / "fuzz", seeds, count=48, seed=1)
    out = tmp_path / "out"
    t0 = time.monotonic()
    r = batch([str(tmp_path / "scans"), "-o", str(out), "--jobs", "2", *FAST], timeout=400)
    assert r.returncode in (0, 10), r.stderr[-2000:]
    assert "Traceback" not in r.stderr
    recs = read_manifest(out)
    names = Counter(Path(x["input"]).name for x in recs)
    assert set(names) == {p.name for p in seeds} | set(fuzz)  # every file recorded, none twice over
    by_file: dict[str, list[dict]] = {}
    for x in recs:
        by_file.setdefault(Path(x["input"]).name, []).append(x)
    for p in seeds:  # every good page done, multi-page files page by page
        assert all(x["status"] == "done" for x in by_file[p.name]), by_file[p.name]
        assert all(
            any(
                w in (out / o).read_text()
                for w in (
                    "harbour",
                    "council",
                    "bridge",
                    "market",
                    "railway",
                    "weather",
                    "school",
                    "museum",
                    "archive",
                    "river",
                    "station",
                    "library",
                )
            )
            for x in by_file[p.name]
            for o in x["outputs"]
            if o.endswith(".txt")
        )
    for x in recs:  # every failure says why in a line a person can act on, with no raw library assertion
        if x["status"] == "failed":
            assert x["error"] and "Traceback" not in x["error"] and "Assertion failed" not in x["error"], x
    huge = [x for x in recs if "_huge_" in x["input"] and x["status"] == "failed"]
    assert huge and all(x.get("exit_code") in (4, 5, 9) for x in huge)
    assert time.monotonic() - t0 < 400


@needs_mount
@pytest.mark.timeout(420)
def test_disk_full_mid_batch_stops_cleanly_and_a_resume_finishes(tmp_path: Path) -> None:
    rng = random.Random(5)
    texts = [f"Report {i} of the {rng.choice(['harbour', 'railway'])} board\nwas read today." for i in range(6)]
    src = page_folder(tmp_path / "scans", texts)
    out, res = tmp_path / "out", tmp_path / "res"
    out.mkdir()
    res.mkdir()
    args = f"{' '.join(CLI)} batch {src} -o {out} --speed fast -f txt,json,alto --jobs 1"
    # A page writes three small files of a 4 kB block or two each: a 40 kB disk fills up within the first pages.
    script = f"""
        set -u
        mount -t tmpfs -o size=40k tmpfs {out}
        {args} > {res}/out1 2> {res}/err1; echo $? > {res}/rc1
        cp -a {out}/. {res}/first/ 2>/dev/null || mkdir -p {res}/first && cp -a {out}/. {res}/first/
        mount -o remount,size=64m {out}
        {args} > {res}/out2 2> {res}/err2; echo $? > {res}/rc2
        cp -a {out}/. {res}/second/
    """
    subprocess.run(["unshare", "-m", "sh", "-c", script], check=True, timeout=400)
    rc1, err1 = int((res / "rc1").read_text()), (res / "err1").read_text()
    assert rc1 == 8, err1
    assert "No space left on device" in err1 and "Traceback" not in err1
    assert len(err1.strip().splitlines()[-1]) < 400
    first = read_manifest(res / "first")  # whole records only, every one parseable
    manifest = (res / "first" / "manifest.jsonl").read_text()
    assert all(json.loads(line) for line in manifest.splitlines())
    assert not list((res / "first").rglob("*.tmp"))
    assert 1 <= sum(1 for x in first if x["status"] == "done") < 6
    rc2 = int((res / "rc2").read_text())
    assert rc2 == 0, (res / "err2").read_text()
    check_outputs(res / "second", 6)


@needs_mount
@pytest.mark.timeout(300)
def test_read_only_output_folder_fails_before_any_page_is_read(tmp_path: Path) -> None:
    src = tmp_path / "page.png"
    text_page("A page for a read-only disk").save(src)
    ro, res = tmp_path / "ro", tmp_path / "res"
    ro.mkdir()
    res.mkdir()
    cli = " ".join(CLI)
    script = f"""
        mount -t tmpfs -o ro,size=1m tmpfs {ro}
        {cli} -v convert {src} -o {ro} > /dev/null 2> {res}/e1; echo $? > {res}/r1
        {cli} -v convert {src} -o {ro}/sub > /dev/null 2> {res}/e2; echo $? > {res}/r2
        {cli} -v batch {src} -o {ro} > /dev/null 2> {res}/e3; echo $? > {res}/r3
    """
    subprocess.run(["unshare", "-m", "sh", "-c", script], check=True, timeout=280)
    for k in (1, 2, 3):
        rc, err = int((res / f"r{k}").read_text()), (res / f"e{k}").read_text()
        assert rc == 8, err
        assert "Read-only file system" in err and "Traceback" not in err and "internal error" not in err
        assert "converting" not in err and "pages to convert" not in err  # refused before any page was read


@pytest.mark.timeout(540)
def test_kill_minus_nine_at_random_moments_then_resume_does_every_page_once(tmp_path: Path) -> None:
    rng = random.Random(11)
    texts = [f"Story {i}: the {rng.choice(['council', 'museum'])} opened\nits doors on Monday." for i in range(8)]
    src = page_folder(tmp_path / "scans", texts)
    text_page("A first page").save(src / "doc.pdf", save_all=True, append_images=[text_page("A second page")])
    out = tmp_path / "out"
    args = [str(src), "-o", str(out), "--jobs", "2", "--speed", "fast", "-f", "txt,json,alto,page"]
    log = kill_rounds(args, rounds=4, rng=rng, max_wait=5.0)
    assert not any(x["traceback"] for x in log), log
    r = batch(args, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    check_outputs(out, 10)


@pytest.mark.timeout(300)
def test_worker_killed_by_a_signal_costs_its_page_and_the_batch_goes_on(tmp_path: Path) -> None:
    code, recs, err = signal_mid_page(tmp_path, signal.SIGSEGV)
    assert code == 10, err
    assert recs["a.png"]["status"] == "done" and recs["c.png"]["status"] == "done"
    assert recs["b.png"]["status"] == "failed" and "signal 11" in recs["b.png"]["error"]
    assert "Traceback" not in err


@pytest.mark.timeout(300)
def test_memory_and_time_limits_are_enforced_from_outside(tmp_path: Path) -> None:
    src = tmp_path / "scans"
    src.mkdir()
    for i in range(2):
        big = text_page(f"Short page {i}", size=(4000, 6000))
        big.save(src / f"p{i}.png")
    # A worker loads the fast models in about 180 MB; a 4000×6000 page takes it past 500 MB.
    out = tmp_path / "out"
    r = batch([str(src), "-o", str(out), "--jobs", "1", "--max-memory", "320", *FAST], timeout=280)
    assert r.returncode == 10, r.stderr
    recs = read_manifest(out)
    assert len(recs) == 2 and all(x["status"] == "failed" for x in recs)
    assert all("over the memory limit of 320 MB" in x["error"] for x in recs), recs
    assert "Traceback" not in r.stderr
    # A limit too low to load the models stops the run at once, saying what to do, with no page charged.
    r = batch([str(src), "-o", str(tmp_path / "out2"), "--jobs", "1", "--max-memory", "60", *FAST], timeout=120)
    assert r.returncode == 2 and "raise --max-memory" in r.stderr, r.stderr
    assert not read_manifest(tmp_path / "out2")
    # Pages past the timeout are stopped from outside and recorded.
    out3 = tmp_path / "out3"
    r = batch([str(src), "-o", str(out3), "--jobs", "1", "--page-timeout", "0.3", *FAST], timeout=120)
    assert r.returncode == 10
    recs = read_manifest(out3)
    assert len(recs) == 2 and all("timed out after 0.3 s" in x["error"] for x in recs)
    assert all(x["seconds"] < 5 for x in recs)


@pytest.mark.timeout(120)
def test_the_page_timeout_never_counts_the_workers_start(tmp_path: Path) -> None:
    # Loading the balanced models takes a worker over a second here; a short page takes a tenth of one. Were the
    # start counted against the first page, it would time out.
    src = page_folder(tmp_path / "scans", [f"Page {i} of the evening paper" for i in range(2)])
    out = tmp_path / "out"
    r = batch([str(src), "-o", str(out), "--jobs", "1", "--page-timeout", "1", "--speed", "balanced"], timeout=100)
    assert r.returncode == 0, r.stderr
    assert [x["status"] for x in read_manifest(out)] == ["done", "done"]


@pytest.mark.timeout(300)
def test_ctrl_c_stops_the_batch_with_one_line_and_a_resume_goes_on(tmp_path: Path) -> None:
    src = page_folder(tmp_path / "scans", [f"Page {i} of the evening paper" for i in range(6)])
    out = tmp_path / "out"
    args = [str(src), "-o", str(out), "--jobs", "2", *FAST]
    # As from a terminal: Ctrl-C not ignored (a test run started in the background of a script inherits SIGINT
    # ignored, and Python then never turns it into KeyboardInterrupt).
    proc = start_batch(
        args,
        out,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole group on Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    assert "interrupted" in err
    r = batch([str(src), "-o", str(out), "--jobs", "2", *FAST])
    assert r.returncode == 0, r.stderr
    check_outputs(out, 6)


_STAMPS = re.compile(
    r'("created": "[^"]*"|<processingDateTime>[^<]*</processingDateTime>|<Created>[^<]*</Created>'
    r'|<LastChange>[^<]*</LastChange>|"time": "[^"]*")'
)


def _comparable(path: Path) -> str:
    """An output with its time of day and timings taken out: all that may differ between two runs."""
    if path.suffix == ".json":
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc.pop("created", None)
        for p in doc.get("pages", []):
            p.pop("timings", None)
        return json.dumps(doc, ensure_ascii=False, sort_keys=True)
    return _STAMPS.sub("", path.read_text(encoding="utf-8"))


@pytest.mark.timeout(540)
def test_jobs_one_and_two_give_identical_outputs(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).resolve().parent.parent / "samples" / "en_front.jpg", tmp_path / "en_front.jpg")
    text_page("Second page: the harbour\nboard met on Monday.", size=(1200, 800)).save(tmp_path / "two.png")
    formats = "txt,md,json,jsonl,alto,page,hocr"
    outs = []
    for jobs in ("1", "2", "2"):
        out = tmp_path / f"out{len(outs)}"
        r = batch(
            [str(tmp_path / "en_front.jpg"), str(tmp_path / "two.png"), "-o", str(out), "--jobs", jobs, "-f", formats],
            timeout=400,
        )
        assert r.returncode == 0, r.stderr
        outs.append(out)
    files = sorted(p.relative_to(outs[0]) for p in outs[0].iterdir() if p.name != "manifest.jsonl")
    assert len(files) == 14
    for rel in files:
        a = _comparable(outs[0] / rel)
        assert a == _comparable(outs[1] / rel), rel  # --jobs 1 (2 threads) against --jobs 2 (1 thread each)
        assert a == _comparable(outs[2] / rel), rel  # and two runs of the same
