"""`digitizer batch --executor ray`: the same batch on a two-node Ray cluster on loopback, one node killed mid-run,
every page done exactly once and read as the local executor reads it; without Ray, a clear exit code."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from faultkit import without_volatile
from PIL import Image, ImageDraw, ImageFont

from digitizer.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "digitizer.cli"]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"


def _have_ray() -> bool:
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    return True


def _can_unshare_net() -> bool:
    if not shutil.which("unshare") or not shutil.which("ip") or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True).returncode == 0


needs_cluster = pytest.mark.skipif(
    not (_have_ray() and _can_unshare_net()),
    reason="needs Ray (make install) and root with `unshare -n` for a loopback-only cluster",
)


def _inputs(root: Path) -> Path:
    d = root / "scans"
    d.mkdir()
    for p in sorted((ROOT / "samples").glob("*.jpg")):
        shutil.copy(p, d / p.name)
    font = ImageFont.truetype(FONT, 36) if Path(FONT).exists() else ImageFont.load_default()
    pages = []
    for i in range(3):
        im = Image.new("RGB", (1200, 500), "white")
        text = f"Page {i + 1} of the report\nfrom the city archive."
        ImageDraw.Draw(im).text((60, 60), text, font=font, fill="black")
        pages.append(im)
    pages[0].save(d / "report.pdf", save_all=True, append_images=pages[1:], resolution=150)
    return d


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@needs_cluster
@pytest.mark.timeout(900)
def test_a_batch_on_a_ray_cluster_survives_a_lost_node_and_reads_as_the_local_one(tmp_path: Path) -> None:
    scans = _inputs(tmp_path)
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    r = subprocess.run([*CLI, "batch", str(scans), "-o", str(local), "-j", "2"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    port = _free_port()
    batch = [*CLI, "batch", str(scans), "-o", str(ray_out), "--executor", "ray", "--ray-address", f"127.0.0.1:{port}"]
    script = [sys.executable, str(ROOT / "tests" / "raycluster.py"), "--port", str(port)]
    script += ["--kill-after", "1", "--manifest", str(ray_out / "manifest.jsonl"), "--", *batch]
    r = subprocess.run(
        ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *script],
        capture_output=True,
        text=True,
        timeout=840,
    )
    report = json.loads(r.stdout.strip().splitlines()[-1])
    assert report["rc"] == 0, (report, r.stderr[-3000:])
    # The second node went down with pages still to do, one of them on it.
    assert report["killed_raylets"] == 1 and report["records_at_kill"] < 6, report
    assert "a ray worker died" in r.stderr, r.stderr[-3000:]
    recs = [json.loads(line) for line in (ray_out / "manifest.jsonl").read_text().splitlines()]
    stems = Counter(rec["out_stem"] for rec in recs)
    assert all(rec["status"] == "done" for rec in recs) and len(recs) == 6 and set(stems.values()) == {1}, recs
    for rec in recs:
        for name in rec["outputs"]:
            a, b = (local / name).read_text(encoding="utf-8"), (ray_out / name).read_text(encoding="utf-8")
            if name.endswith(".json"):
                assert without_volatile(json.loads(a)) == without_volatile(json.loads(b)), name
            else:
                assert a == b, name
    assert sorted(p.name for p in ray_out.iterdir()) == sorted(p.name for p in local.iterdir())


def test_without_ray_the_ray_executor_says_what_to_install(tmp_path: Path) -> None:
    fake = tmp_path / "noray" / "ray"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("No module named ray")\n')
    img = tmp_path / "page.png"
    Image.new("RGB", (400, 200), "white").save(img)
    env = {**os.environ, "PYTHONPATH": str(fake.parent)}
    r = subprocess.run(
        [*CLI, "batch", str(img), "-o", str(tmp_path / "out"), "--executor", "ray"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == int(ExitCode.MISSING_DEPENDENCY), r.stderr
    assert "digitizer[ray]" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out" / "manifest.jsonl").exists()
    r = subprocess.run(
        [*CLI, "batch", str(img), "-o", str(tmp_path / "out"), "--ray-address", "auto"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == int(ExitCode.USAGE) and "--executor ray" in r.stderr, r.stderr


@needs_cluster
@pytest.mark.timeout(600)
def test_ray_workers_that_fail_hang_crash_or_grow_cost_their_page_only() -> None:
    r = subprocess.run(
        ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"]
        + ["env", "RAY_USAGE_STATS_ENABLED=0", "RAY_AUTH_MODE=disabled", sys.executable]
        + [str(ROOT / "tests" / "raypool_faults.py")],
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads(r.stdout.strip().splitlines()[-1])["results"]
    assert {k for k, v in res.items() if v["status"] == "done"} == {"ok0", "ok4", "ok11"}, res
    assert res["raise1"]["error"] == "ValueError: a bug on this page"
    assert "timed out after 8 s" in res["hang2"]["error"]
    # A page that takes its worker down is run once more on another, then recorded as failed.
    assert "died 2 times" in res["crash3"]["error"] and "died 2 times" in res["memory10"]["error"], res
    assert r.stderr.count("a ray worker died") >= 2
