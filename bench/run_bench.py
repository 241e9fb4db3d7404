"""`make bench`: speed, memory and accuracy on a fixed generated corpus, beside raw RapidOCR, in one run.

Each configuration runs in a process of its own (models loaded once, outside the timing), so that its peak
memory is its own; the configurations take turns page by page, so that all meet the machine in the same state.
Writes ``bench/RESULTS.md`` (for people) and ``bench/results.json`` (for machines).

    python bench/run_bench.py [--pages 30] [--study 40] [--batch-pages 30]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import baselines  # noqa: E402
import hard_pages  # noqa: E402

CONFIGS = ("raw-rapidocr", "fast", "balanced", "best")
FORMATS = ("txt", "md", "json", "jsonl", "alto", "page", "hocr")


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss would carry over the
    parent's peak from before the fork (the parent renders the corpus, which is larger than any worker)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# ---------------------------------------------------------------- workers (run in subprocesses)


def _page_runner(config: str) -> Any:
    """A function timing one page with ``config`` (models loaded and warmed up here, outside any timing)."""
    import numpy as np

    from digitizer.memory import tune_allocator

    # As `digitizer convert` and batch workers do; the raw baseline gets it too, so all meet the same malloc.
    tune_allocator(os.cpu_count() or 1)

    if config == "raw-rapidocr":
        from baselines import raw_result
        from rapidocr import RapidOCR

        engine = RapidOCR(params={"Global.log_level": "error"})
        engine(np.full((200, 400, 3), 255, np.uint8))  # warm up

        def raw(p: Path) -> dict[str, Any]:
            t, c = time.perf_counter(), time.process_time()
            res = engine(str(p))
            dt, dc = time.perf_counter() - t, time.process_time() - c
            text, pred = raw_result(res)
            return {"seconds": dt, "cpu_seconds": dc, "text": text, "pred": pred}

        return raw

    import digitizer
    from digitizer.export import export, to_text

    digitizer.convert(np.full((200, 400, 3), 255, np.uint8), speed=config)  # load models, warm up

    def ours(p: Path) -> dict[str, Any]:
        t, c = time.perf_counter(), time.process_time()
        doc = digitizer.convert(p, speed=config)
        outputs = {f: export(doc, f) for f in FORMATS}
        dt, dc = time.perf_counter() - t, time.process_time() - c
        models: dict[str, int] = {}
        for ln in doc.pages[0].iter_lines():
            models[ln.model] = models.get(ln.model, 0) + 1
        return {
            "seconds": dt,
            "cpu_seconds": dc,
            "text": to_text(doc),
            "pred": json.loads(outputs["json"]),
            "timings": doc.pages[0].timings,
            "size": [doc.pages[0].width, doc.pages[0].height],
            "lines_by_model": models,
        }

    return ours


def worker_serve(config: str) -> None:
    """Serve pages for one configuration: a path per line on stdin, its result as a JSON line on stdout.

    The parent keeps one such process per configuration and hands each page to all of them in turn, so that
    every configuration is timed on the same page within the same few seconds: on a shared machine the speed
    drifts by 10-30% over minutes, and configurations run one after the other would each meet other weather.
    """
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the protocol
    run = _page_runner(config)
    proto.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        path = line.strip()
        if not path:
            break
        proto.write(json.dumps(run(Path(path)), ensure_ascii=False) + "\n")
    proto.write(json.dumps({"peak_mb": _peak_mb()}) + "\n")


def run_interleaved(pages: list[Path], configs: tuple[str, ...] = CONFIGS) -> dict[str, dict[str, Any]]:
    """Every page through every configuration, the configurations taking turns page by page (the order rotated
    each page), each in a process of its own so that its peak memory is its own."""
    procs = {
        cfg: subprocess.Popen(
            [sys.executable, __file__, "--worker", "serve", "--config", cfg],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        for cfg in configs
    }

    def reply(cfg: str) -> dict[str, Any]:
        stdout = procs[cfg].stdout
        line = stdout.readline() if stdout is not None else ""
        if not line:
            raise RuntimeError(f"bench worker {cfg} stopped (exit {procs[cfg].wait()})")
        return dict(json.loads(line))

    out: dict[str, dict[str, Any]] = {cfg: {"config": cfg, "pages": {}} for cfg in configs}
    try:
        for cfg in configs:
            reply(cfg)  # models loaded
        for i, page in enumerate(pages):
            print(f"  page {i + 1}: {page.stem}", file=sys.stderr)
            k = i % len(configs)
            for cfg in configs[k:] + configs[:k]:
                stdin = procs[cfg].stdin
                assert stdin is not None
                stdin.write(f"{page}\n")
                stdin.flush()
                out[cfg]["pages"][str(page)] = reply(cfg)
        for cfg in configs:
            stdin = procs[cfg].stdin
            assert stdin is not None
            stdin.write("\n")
            stdin.flush()
            out[cfg]["peak_mb"] = reply(cfg)["peak_mb"]
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    return out


def worker_study(n: int, seed: int) -> dict[str, Any]:
    """Orientation and skew on ``n`` generated pages, skew uniform in ±10°, turned 0/90/180/270."""
    import cv2
    import numpy as np

    from digitizer.config import Options
    from digitizer.detect import probe_lines, read_confidence
    from digitizer.pipeline import build_engine
    from digitizer.straighten import straighten
    from digitizer.synth import age, render_page

    engine = build_engine(Options(speed="balanced"))
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        s = seed * 100 + i
        lang = ("zh", "zh", "en")[i % 3]
        img, gt = render_page(s, lang, "ads" if i % 5 == 4 else "front")
        angle = rng.uniform(-10, 10)
        turn = (0, 90, 180, 270)[i % 4]
        arr, g = age(img, gt, random.Random(s), angle=angle, turn=turn)
        bgr = np.ascontiguousarray(arr[:, :, ::-1]) if arr.shape[2] == 3 else cv2.cvtColor(arr, cv2.COLOR_GRAY2BGR)
        t = time.perf_counter()
        st = straighten(bgr, probe=probe_lines(engine), read_confidence=read_confidence(engine))
        dt = time.perf_counter() - t
        rows.append(
            {
                "page": i,
                "lang": lang,
                "true_angle": round(g["angle"], 3),
                "found_angle": round(st.angle, 3),
                "true_orientation": g["orientation"],
                "found_orientation": st.orientation,
                "error": round(abs(st.angle - g["angle"]), 3),
                "seconds": round(dt, 2),
            }
        )
    return {"rows": rows, "peak_mb": _peak_mb()}


# ---------------------------------------------------------------- the parent


def _sub(args: list[str], timeout: float = 3600) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        dest = f.name
    try:
        subprocess.run([sys.executable, __file__, *args, "--dest", dest], check=True, timeout=timeout)
        return json.loads(Path(dest).read_text())
    finally:
        Path(dest).unlink(missing_ok=True)


def _batch_seconds(corpus: Path, jobs: int, speed: str, executor: str = "local") -> float:
    """Wall time of one ``digitizer batch`` run over ``corpus`` (process start-up and model loading included).

    With Ray: a Ray started by the batch on this machine, in a network namespace of its own where it listens on
    loopback only (``unshare -n``; needs root)."""
    out = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "digitizer.cli", "-q", "batch", str(corpus), "-o", str(out)]
        cmd += ["--jobs", str(jobs), "--speed", speed, "-f", "txt,json,alto", "--executor", executor]
        if executor == "ray":
            cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *cmd]
        env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600, env=env)
        if r.returncode != 0:
            raise RuntimeError(f"batch run failed ({r.returncode}): {r.stderr[-2000:]}")
        return time.perf_counter() - t
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _can_run_ray() -> bool:
    """Ray installed, and a private network namespace to keep it on loopback (root, ``unshare -n``)."""
    try:
        import ray  # noqa: F401
    except ImportError:
        return False
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


def _batch(pages: list[Path], jobs: int, speed: str = "balanced", executor: str = "local") -> dict[str, Any]:
    """Throughput of ``digitizer batch`` over ``pages``: as run (start-up included) and steady.

    Steady: the pages after each worker's first, over the time after a run of ``jobs`` pages alone (start-up,
    one page per worker, shut-down), so that a run of thousands of pages is not judged by its first seconds.
    """
    work = Path(tempfile.mkdtemp(prefix="bench-batch-pages-"))
    try:
        (work / "all").mkdir()
        (work / "first").mkdir()
        for k, p in enumerate(pages):
            shutil.copy(p, work / "all" / p.name)
            if k < jobs:
                shutil.copy(p, work / "first" / p.name)
        dt = _batch_seconds(work / "all", jobs, speed, executor)
        start = _batch_seconds(work / "first", jobs, speed, executor)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    n = len(pages)
    return {
        "speed": speed,
        "jobs": jobs,
        "executor": executor,
        "pages": n,
        "seconds": dt,
        "pages_per_min": n / dt * 60,
        "first_seconds": start,
        "steady_pages_per_min": (n - jobs) / max(1e-9, dt - start) * 60,
    }


def run_batches(
    corpus: Path, n: int, configs: tuple[tuple[str, int], ...] = (("balanced", 1), ("balanced", 2), ("best", 2))
) -> list[dict[str, Any]]:
    """Batch throughput over the first ``n`` corpus pages for each (speed, jobs), then on Ray (2 CPUs)."""
    print(f"batch throughput on {n} pages", file=sys.stderr)
    # In the order the pages were made (Chinese and English, front and ads pages mixed).
    pages = sorted(corpus.glob("*.jpg"), key=lambda p: (p.stem.rsplit("_", 1)[-1], p.name))[:n]
    # Throughput as an archive runs: one worker per core (each on one thread).
    out = [_batch(pages, j, sp) for sp, j in configs]
    if _can_run_ray():
        # The same pages on Ray actors (a Ray started here, 2 CPUs): what Ray costs a page.
        out.append(_batch(pages, 2, "balanced", "ray"))
    return out


def render_batch(batch: list[dict[str, Any]]) -> list[str]:
    """The batch throughput section: each executor, speed and jobs, as run and steady."""
    L: list[str] = []
    L += [
        "",
        "## Batch throughput",
        "",
        "`digitizer batch` over the corpus pages, formats txt, json and alto. *As run*: start-up of the workers "
        "(process start, model loading) included. *Steady*: the pages after each worker's first, over the time "
        "after a run of one page per worker alone, as a run of thousands of pages goes.",
        "",
        "| executor | speed | jobs | pages | seconds | pages/min as run | start-up run s | pages/min steady |",
        "|---|---|---|---|---|---|---|---|",
    ]
    L += [
        f"| {b.get('executor', 'local')} | {b['speed']} | {b['jobs']} | {b['pages']} | {b['seconds']:.1f} | "
        f"{b['pages_per_min']:.1f} | {b['first_seconds']:.1f} | {b['steady_pages_per_min']:.1f} |"
        for b in batch
    ]
    per = {(b["speed"], b["jobs"]): b for b in batch if b.get("executor", "local") == "local"}
    ray = [b for b in batch if b.get("executor") == "ray"]
    if ray and ("balanced", 2) in per:
        loc, rb = per[("balanced", 2)], ray[0]
        # Per page, what Ray adds: the steady seconds per page on 2 actors against 2 local workers.
        extra = 60 * rb["jobs"] / rb["steady_pages_per_min"] - 60 * loc["jobs"] / loc["steady_pages_per_min"]
        L += [
            "",
            f"- `--executor ray` on 2 CPUs of this machine: **{rb['pages_per_min'] / loc['pages_per_min']:.2f}×** "
            f"the pages a minute of `--executor local --jobs 2` as run (Ray's start-up included), "
            f"**{rb['steady_pages_per_min'] / loc['steady_pages_per_min']:.2f}×** steady; Ray's overhead "
            f"{extra:+.2f} s per page per worker steady.",
        ]
    if ("balanced", 2) in per and ("best", 2) in per:
        bal, best = per[("balanced", 2)], per[("best", 2)]
        L += [
            "",
            f"- With `--jobs 2` (one worker per core), `balanced` converts "
            f"**{bal['pages_per_min'] / best['pages_per_min']:.2f}×** as many pages a minute as `best` as run, "
            f"**{bal['steady_pages_per_min'] / best['steady_pages_per_min']:.2f}×** steady.",
        ]
    return L


def run_hard(a: argparse.Namespace, hist_dir: Path) -> dict[str, Any]:
    """The historical and real pages through balanced, raw RapidOCR and Tesseract: scores, times, targets."""
    from digitizer.synth import generate

    if hist_dir.exists():
        shutil.rmtree(hist_dir)
    todo: list[tuple[str, str, Path, Path]] = []  # (kind, name, scan, ground truth)
    if a.historical:
        print(f"generating {a.historical} historical pages into {hist_dir}", file=sys.stderr)
        for scan in generate(hist_dir, count=a.historical, seed=a.seed, style="historical"):
            todo.append(("historical", scan.stem, scan, scan.with_name(scan.stem + ".gt.json")))
    if a.vertical:
        print(f"generating {a.vertical} vertical pages into {hist_dir}", file=sys.stderr)
        for scan in generate(hist_dir, count=a.vertical, seed=a.seed, style="vertical"):
            todo.append(("vertical", scan.stem, scan, scan.with_name(scan.stem + ".gt.json")))
    if a.real_news.is_dir():
        todo += [("real", name, scan, gt) for name, scan, gt in hard_pages.real_pages(a.real_news)]
    print(f"hard pages: {len(todo)}, read by balanced and raw RapidOCR in turns, then Tesseract", file=sys.stderr)
    runs = run_interleaved([scan for _, _, scan, _ in todo], ("balanced", "raw-rapidocr"))
    pages: dict[str, Any] = {}
    tess = baselines.tesseract_available()
    for kind, name, scan, gt_path in todo:
        gt = hard_pages.ground_truth(gt_path, scan)
        results = {cfg: runs[cfg]["pages"][str(scan)] for cfg in ("balanced", "raw-rapidocr")}
        if tess:
            print(f"  tesseract: {name}", file=sys.stderr)
            lang = f"zh-vert-{name.split('_')[1]}" if kind == "vertical" else gt.lang
            results["tesseract"] = baselines.tesseract_page(scan, lang)
        scores = {r: hard_pages.score(gt, res) for r, res in results.items()}
        pages[name] = {
            "kind": kind,
            "scan": str(scan.relative_to(ROOT.parent)) if scan.is_relative_to(ROOT.parent) else scan.name,
            "lang": gt.lang,
            "seconds": {r: res["seconds"] for r, res in results.items()},
            "scores": scores,
            "targets": hard_pages.targets(kind, gt, scores) if tess else {},
        }
    hard = {"pages": pages, "tesseract": baselines.tesseract_version() if tess else "Tesseract (not installed)"}
    hard["summary"] = hard_pages.summarize(pages)
    return hard


def run_stories(root: Path, count: int, seed: int) -> dict[str, Any]:
    """Generated 3-page issues (``synth.issue``), ``count`` per language, each read as a batch issue
    (``--issue --articles stitched``): the jumped stories' links found and the whole stories' text."""
    from rapidfuzz.distance import Levenshtein

    from digitizer.evaluate import evaluate_dirs, normalize
    from digitizer.synth.issue import generate_issue

    if root.exists():
        shutil.rmtree(root)
    rows = []
    for lang in ("zh", "en"):
        for k in range(count):
            d = root / f"{lang}_{k}"
            paths = generate_issue(d / "pages", seed=seed * 100 + k, lang=lang)
            t = time.perf_counter()
            args = [str(d / "pages"), "--issue", "-o", str(d / "out"), "-f", "txt,jsonl", "--articles", "stitched"]
            _sub_cli(["batch", *args])
            seconds = time.perf_counter() - t
            truth = json.loads(next((d / "pages").glob("*.issue.json")).read_text(encoding="utf-8"))
            pages = [json.loads((d / "out" / f"{p.stem}.json").read_text(encoding="utf-8"))["pages"][0] for p in paths]
            found = {
                (n + 1, a["id"], a["continued_on"]["page"], a["continued_on"]["article"])
                for n, p in enumerate(pages)
                for a in p["articles"]
                if a.get("continued_on")
            }
            stories = [
                json.loads(line)
                for line in (d / "out" / "pages.articles.jsonl").read_text(encoding="utf-8").splitlines()
            ]
            right, cers = 0, []
            for st in truth["stories"]:
                (p1, _), (p3, _) = ((x["page"], x["article"]) for x in st["parts"])
                whole = [s for s in stories if s["page"] == p1 and [x["page"] for x in s["parts"]] == [p1, p3]]
                if whole:
                    right += 1
                    ref, hyp = normalize(st["text"], lang == "en"), normalize(whole[0]["text"], lang == "en")
                    cers.append(Levenshtein.distance(ref, hyp) / max(1, len(ref)))
            ev = evaluate_dirs(d / "pages", d / "out")["overall"]
            rows.append(
                {
                    "issue": f"{lang}_{k}",
                    "lang": lang,
                    "stories": len(truth["stories"]),
                    "linked": len(found),
                    "right": right,
                    "stitched_cer": max(cers) if cers else None,
                    "block_class": ev.get("block_class"),
                    "article_f1": ev.get("article_f1"),
                    "cer_order": ev.get("cer_order"),
                    "seconds": round(seconds, 1),
                }
            )
    return {"rows": rows}


def _sub_cli(args: list[str]) -> None:
    """``digitizer ARGS`` in a fresh process (a batch starts its own workers)."""
    r = subprocess.run([sys.executable, "-m", "digitizer.cli", "-q", *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"digitizer {' '.join(args)} failed: {r.stderr[-2000:]}")


def render_stories(stories: dict[str, Any]) -> list[str]:
    """The section of RESULTS.md on stories followed across pages."""
    rows = stories["rows"]
    L = [
        "",
        "## Stories across pages",
        "",
        "Generated 3-page issues (`digitizer.synth.issue`): the lead stories of pages 1 and 2 jump to page 3 (jump "
        'lines such as "(Continued on Page 3)", "See BRIDGE, Page 3", "（下转第3版）", "（转A3版）"; the '
        "paragraph cut mid-sentence), beside stories that end on their page. Each issue read with `digitizer batch "
        "ISSUE --issue -f txt,jsonl --articles stitched` (balanced). *Linked*: `continued_on` links found (of the "
        "jumped stories); *right*: whole-story records that join the right parts; *stitched CER*: the worst whole "
        "story's text against the ground truth's (OCR errors included); structure and cer_order as `digitizer eval`.",
        "",
        "| issue | jumped stories | linked | right | stitched CER (worst) | block classes | article F1 | cer_order "
        "| batch s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for x in rows:
        cer = f"{x['stitched_cer']:.4f}" if x["stitched_cer"] is not None else "–"
        L.append(
            f"| {x['issue']} | {x['stories']} | {x['linked']} | {x['right']} | {cer} | {x['block_class']:.3f} | "
            f"{x['article_f1']:.3f} | {x['cer_order']:.4f} | {x['seconds']:.1f} |"
        )
    return L


def _machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} cores{mem}, {system}"


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(len(xs) - 1, int(k) + 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=30)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--study", type=int, default=40, help="pages in the orientation/skew study (0: skip)")
    ap.add_argument("--batch-pages", type=int, default=30, help="pages for the batch throughput figures (0: skip)")
    ap.add_argument("--corpus", type=Path, default=ROOT / "bench" / "corpus")
    ap.add_argument("--historical", type=int, default=6, help="generated historical pages (0: none)")
    ap.add_argument("--vertical", type=int, default=4, help="generated vertical Chinese pages (0: none)")
    ap.add_argument("--issues", type=int, default=2, help="generated 3-page issues per language (0: none)")
    ap.add_argument("--only-stories", action="store_true", help="only the generated issues (STORIES.md)")
    ap.add_argument(
        "--real-news",
        type=Path,
        default=ROOT.parent / "shared" / "eval" / "real_news",
        help="real scans with ground truth beside them (skipped where absent)",
    )
    ap.add_argument("--only-hard", action="store_true", help="only the historical and real pages")
    ap.add_argument(
        "--only-vertical", action="store_true", help="only the generated vertical pages (VERTICAL.md, vertical.json)"
    )
    ap.add_argument("--only-batch", action="store_true", help="only batch throughput, local and Ray executors")
    ap.add_argument("--out", type=Path, default=ROOT / "bench")
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--dest", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--config", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.worker == "serve":
        worker_serve(a.config)
        return
    if a.worker:
        res = worker_study(a.study, a.seed)
        Path(a.dest).write_text(json.dumps(res, ensure_ascii=False))
        return

    from digitizer.evaluate import score_page, structure_scores
    from digitizer.synth import generate

    if a.only_stories:
        stories = run_stories(a.corpus.parent / "corpus_issues", a.issues, a.seed)
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "stories.json").write_text(json.dumps(stories, ensure_ascii=False, indent=1))
        head = (
            f"# Stories across pages (`--only-stories`)\n\nMachine: {_machine()}. Date: {time.strftime('%Y-%m-%d')}.\n"
        )
        (a.out / "STORIES.md").write_text(head + "\n".join(render_stories(stories)) + "\n")
        print((a.out / "STORIES.md").read_text())
        return
    if a.only_hard or a.only_vertical:
        name, flag = ("vertical", "--only-vertical") if a.only_vertical else ("hard", "--only-hard")
        if a.only_vertical:
            a.historical, a.real_news = 0, Path("/nonexistent")
        hard = run_hard(a, a.corpus.parent / f"corpus_{name}")
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / f"{name}.json").write_text(json.dumps(hard, ensure_ascii=False, indent=1))
        section = f"# {name.title()} pages (`{flag}`)\n\nMachine: {_machine()}. Date: {time.strftime('%Y-%m-%d')}.\n"
        (a.out / f"{name.upper()}.md").write_text(section + "\n".join(hard_pages.render(hard)) + "\n")
        print((a.out / f"{name.upper()}.md").read_text())
        return

    corpus = a.corpus
    if corpus.exists():
        shutil.rmtree(corpus)
    print(f"generating {a.pages} pages into {corpus}", file=sys.stderr)
    generate(corpus, count=a.pages, seed=a.seed, lang="mixed")
    if a.only_batch:
        batch = run_batches(corpus, a.batch_pages, configs=(("balanced", 2),))
        a.out.mkdir(parents=True, exist_ok=True)
        (a.out / "batch.json").write_text(json.dumps(batch, indent=1))
        section = f"# Batch throughput (`--only-batch`)\n\nMachine: {_machine()}. Date: {time.strftime('%Y-%m-%d')}.\n"
        (a.out / "BATCH.md").write_text(section + "\n".join(render_batch(batch)) + "\n")
        print((a.out / "BATCH.md").read_text())
        return
    gts = {p.name[: -len(".gt.json")]: json.loads(p.read_text()) for p in corpus.glob("*.gt.json")}

    results: dict[str, Any] = {
        "machine": _machine(),
        "date": time.strftime("%Y-%m-%d"),
        "pages": a.pages,
        "seed": a.seed,
        "configs": {},
    }
    print(f"running {', '.join(CONFIGS)}, taking turns page by page", file=sys.stderr)
    runs = run_interleaved(sorted(corpus.glob("*.jpg")))
    for cfg in CONFIGS:
        r = runs[cfg]
        per = {Path(k).stem: v for k, v in r["pages"].items()}
        scores = {stem: score_page(gts[stem], v["text"]) for stem, v in per.items()}
        secs = [v["seconds"] for v in per.values()]
        summary = {
            "median_s": statistics.median(secs),
            "median_cpu_s": statistics.median(v["cpu_seconds"] for v in per.values()),
            # CPU seconds over wall seconds: how many of the cores a page keeps busy on average.
            "cores_busy": sum(v["cpu_seconds"] for v in per.values()) / max(1e-9, sum(secs)),
            "p90_s": _pct(secs, 0.9),
            "peak_mb": r["peak_mb"],
            **{
                k: statistics.mean(s[k] for s in scores.values())
                for k in ("cer_order", "char_recall", "char_prec", "intact", "order")
            },
        }
        if cfg != "raw-rapidocr":
            # Block classes and article membership, as `digitizer eval` scores them (raw RapidOCR has neither).
            for stem, v in per.items():
                scores[stem].update(structure_scores(gts[stem], v["pred"]))
        for lang in ("zh", "en"):
            sub = [s for stem, s in scores.items() if f"_{lang}_" in stem]
            if sub:
                summary[f"{lang}_intact"] = statistics.mean(s["intact"] for s in sub)
                summary[f"{lang}_order"] = statistics.mean(s["order"] for s in sub)
                summary[f"{lang}_cer_order"] = statistics.mean(s["cer_order"] for s in sub)
                for k in ("block_class", "article_f1"):
                    if vals := [s[k] for s in sub if k in s]:
                        summary[f"{lang}_{k}"] = statistics.mean(vals)
                        summary[f"{lang}_{k}_min"] = min(vals)
        if cfg != "raw-rapidocr":
            layout = [v["timings"].get("layout", 0) / max(1e-9, v["timings"].get("total", 1)) for v in per.values()]
            summary["layout_share"] = statistics.mean(layout)
            summary["stage_s"] = {
                k: statistics.mean(v["timings"].get(k, 0.0) for v in per.values())
                for k in ("straighten", "detect", "recognize", "layout")
            }
        for stem in per:
            per[stem].pop("text")
            per[stem].pop("pred")
            per[stem]["scores"] = scores[stem]
        results["configs"][cfg] = {"summary": summary, "pages": per}

    raw = results["configs"]["raw-rapidocr"]["pages"]
    bal = results["configs"]["balanced"]["pages"]
    best = results["configs"]["best"]["pages"]
    results["balanced_vs_raw"] = statistics.median(bal[s]["seconds"] / raw[s]["seconds"] for s in bal)
    results["best_over_balanced"] = statistics.median(best[s]["seconds"] / bal[s]["seconds"] for s in bal)
    # The same in CPU seconds: what the two would compare at if every stage kept both cores busy.
    results["best_over_balanced_cpu"] = statistics.median(best[s]["cpu_seconds"] / bal[s]["cpu_seconds"] for s in bal)
    big = [s for s in bal if bal[s]["size"] == [3000, 4300]]
    if big:
        results["balanced_vs_raw_3000x4300"] = statistics.median(bal[s]["seconds"] / raw[s]["seconds"] for s in big)

    if a.study:
        print(f"orientation/skew study on {a.study} pages", file=sys.stderr)
        results["study"] = _sub(["--worker", "study", "--study", str(a.study), "--seed", str(a.seed)])
    if a.batch_pages:
        results["batch"] = run_batches(corpus, a.batch_pages)

    if a.issues:
        print(f"stories across pages: {a.issues} generated issues per language", file=sys.stderr)
        results["stories"] = run_stories(a.corpus.parent / "corpus_issues", a.issues, a.seed)
    if a.historical or a.vertical or a.real_news.is_dir():
        results["hard"] = run_hard(a, a.corpus.parent / "corpus_historical")

    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    (a.out / "RESULTS.md").write_text(render(results))
    print((a.out / "RESULTS.md").read_text())


def render(r: dict[str, Any]) -> str:
    """The Markdown table."""
    L = [
        "# Benchmark results",
        "",
        f"Machine: {r['machine']}. Date: {r['date']}. Corpus: {r['pages']} generated pages (seed {r['seed']}, "
        "mixed Chinese/English, front and ads pages, aged like scans: skew within ±5°, some turned 90/180°, "
        "bleed-through, tint, blur, noise, JPEG). Made by `make bench` (`bench/run_bench.py`); raw JSON in "
        "`bench/results.json`.",
        "",
        "## Speed, memory and page-order scores",
        "",
        "Seconds per page for the whole pipeline (load, straighten, layout, OCR, all seven exports); the baseline is "
        "raw RapidOCR (PP-OCRv6 small, its defaults) on the whole page, its lines in its own order. Peak memory is "
        "the worker's maximum resident set over the corpus. The configurations take turns page by page (each in its "
        "own process), so that all meet the machine in the same state. CPU seconds are the worker process's (all its "
        "threads) for the same work; cores busy is its CPU seconds over its wall seconds, summed over the corpus. "
        "Scores as `digitizer eval` (mean over pages).",
        "",
        "| config | s/page median | s/page p90 | CPU s/page median | cores busy | peak MB | char_recall | char_prec "
        "| cer_order | intact | order |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, c in r["configs"].items():
        s = c["summary"]
        cpu = f"{s['median_cpu_s']:.1f} | {s['cores_busy']:.2f}" if "median_cpu_s" in s else "– | –"
        L.append(
            f"| {name} | {s['median_s']:.1f} | {s['p90_s']:.1f} | {cpu} | {s['peak_mb']:.0f} | "
            f"{s['char_recall']:.4f} | {s['char_prec']:.4f} | {s['cer_order']:.4f} | {s['intact']:.3f} | "
            f"{s['order']:.3f} |"
        )
    L += ["", "By language (intact / order / cer_order):", "", "| config | zh | en |", "|---|---|---|"]
    for name, c in r["configs"].items():
        s = c["summary"]
        cells = []
        for lang in ("zh", "en"):
            if f"{lang}_intact" in s:
                cells.append(f"{s[f'{lang}_intact']:.3f} / {s[f'{lang}_order']:.3f} / {s[f'{lang}_cer_order']:.3f}")
            else:
                cells.append("–")
        L.append(f"| {name} | {cells[0]} | {cells[1]} |")
    L += [
        "",
        "Structure, as `digitizer eval` scores it: block-class accuracy (each ground-truth block's kind against the "
        "kind of the output lines inside it) and article membership (pairwise F1 over the blocks: which blocks the "
        "output puts in one article against the generator's articles), mean over the pages (worst page):",
        "",
        "| config | zh block classes | zh article F1 | en block classes | en article F1 |",
        "|---|---|---|---|---|",
    ]
    for name, c in r["configs"].items():
        s = c["summary"]
        if "zh_block_class" not in s:
            continue
        cells = [
            f"{s[f'{lang}_{k}']:.3f} ({s[f'{lang}_{k}_min']:.3f})" if f"{lang}_{k}" in s else "–"
            for lang in ("zh", "en")
            for k in ("block_class", "article_f1")
        ]
        L.append(f"| {name} | " + " | ".join(cells) + " |")
    if "stories" in r:
        L += render_stories(r["stories"])
    bal = r["configs"]["balanced"]["summary"]
    best = r["configs"]["best"]["summary"]
    L += [
        "",
        f"- balanced / raw RapidOCR time (median of per-page ratios): **{r['balanced_vs_raw']:.2f}×**"
        + (
            f"; on the 3000×4300 pages: **{r['balanced_vs_raw_3000x4300']:.2f}×**"
            if "balanced_vs_raw_3000x4300" in r
            else ""
        ),
        f"- best / balanced time: **{r['best_over_balanced']:.2f}×**"
        + (
            f" (in CPU seconds: {r['best_over_balanced_cpu']:.2f}×, what it would be with both cores busy "
            "throughout in both)"
            if "best_over_balanced_cpu" in r
            else ""
        )
        + f"; char_recall best − balanced: {best['char_recall'] - bal['char_recall']:+.4f}",
        "- balanced stage means (s): "
        + ", ".join(f"{k} {v:.2f}" for k, v in bal.get("stage_s", {}).items())
        + f"; layout and order are {100 * bal.get('layout_share', 0):.1f}% of the time",
    ]
    if "study" in r:
        rows = r["study"]["rows"]
        errs = [x["error"] for x in rows]
        ok = sum(1 for x in rows if x["found_orientation"] == x["true_orientation"])
        L += [
            "",
            "## Orientation and skew",
            "",
            f"{len(rows)} generated pages, skew uniform within ±10°, turned 0/90/180/270 in turn: orientation correct "
            f"on **{ok}/{len(rows)}**; absolute skew error median **{statistics.median(errs):.3f}°**, "
            f"worst **{max(errs):.3f}°**; straighten (with its orientation probes) "
            f"{statistics.median(x['seconds'] for x in rows):.1f} s per page (median).",
        ]
        bad = [x for x in rows if x["found_orientation"] != x["true_orientation"] or x["error"] > 0.2]
        if bad:
            L += ["", "| page | lang | true angle | found | true orient. | found |", "|---|---|---|---|---|---|"]
            L += [
                f"| {x['page']} | {x['lang']} | {x['true_angle']} | {x['found_angle']} | {x['true_orientation']} | "
                f"{x['found_orientation']} |"
                for x in bad
            ]
    if "batch" in r:
        L += render_batch(r["batch"])
    if "hard" in r:
        L += hard_pages.render(r["hard"])
    L += [
        "",
        "## Per page (balanced)",
        "",
        "| page | size | s | cer_order | char_recall | intact | order | raw s | raw cer_order | raw intact |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    raw = r["configs"]["raw-rapidocr"]["pages"]
    for stem, v in sorted(r["configs"]["balanced"]["pages"].items()):
        s, rs = v["scores"], raw[stem]["scores"]
        L.append(
            f"| {stem} | {v['size'][0]}×{v['size'][1]} | {v['seconds']:.1f} | {s['cer_order']:.3f} | "
            f"{s['char_recall']:.4f} | {s['intact']:.2f} | {s['order']:.2f} | {raw[stem]['seconds']:.1f} | "
            f"{rs['cer_order']:.3f} | {rs['intact']:.2f} |"
        )
    return "\n".join(L) + "\n"


if __name__ == "__main__":
    main()
