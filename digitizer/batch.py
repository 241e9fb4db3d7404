"""Batch runs for archives: many scans, parallel workers, a manifest, resume, and isolation of bad pages.

One page's work is a pure function, ``run_page(task, settings) -> record``: it reads the page, converts it with
the models its process loaded once, writes the outputs atomically and returns the manifest record. The local
pool below is just one executor of that function; a distributed one can call it unchanged.

The parent process alone appends to ``OUTDIR/manifest.jsonl``, one line per page after the page's outputs are
in place, so killing a run at any moment loses no finished page and leaves no half-written output.
"""

from __future__ import annotations

import errno
import functools
import glob
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .cluster import RayPool, import_ray
from .errors import BadOptionError, DigitizerError, ExitCode, InputNotFoundError, OutputError
from .files import atomic_write, ensure_writable_dir, os_error_text
from .load import SCAN_SUFFIXES
from .memory import tune_allocator
from .pool import LocalPool

__all__ = [
    "BatchSettings",
    "PageTask",
    "Summary",
    "discover",
    "latest_records",
    "plan",
    "read_manifest",
    "report",
    "run_batch",
    "run_page",
]

log = logging.getLogger(__name__)

MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class PageTask:
    """One page to convert: which file, which page, its content hash, and the output stem (relative)."""

    input: str
    page: int  # 0-based
    pages: int
    sha256: str
    out_stem: str
    pixels: int = 0  # the page's size, from its header: what the default page timeout scales with


@dataclass(frozen=True)
class BatchSettings:
    """Everything that decides a page's outputs (threads and jobs do not)."""

    options: dict[str, Any]
    formats: tuple[str, ...]
    outdir: str
    alto_unit: str = "pixel"
    alto_version: str = "4.4"
    #: Return each page's outputs to the driver, which writes them (a cluster whose nodes do not see OUTDIR).
    return_outputs: bool = False

    def key(self) -> str:
        """A short hash of the settings that change outputs: a page is redone when it changes."""
        opts = {k: v for k, v in self.options.items() if k != "threads"}
        key: list[Any] = [opts, sorted(self.formats), self.alto_unit]
        if self.alto_version != "4.4":  # the default leaves keys (and so resumed runs) as they were
            key.append(self.alto_version)
        blob = json.dumps(key, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


@dataclass
class Summary:
    """What a run (or a manifest) says happened."""

    total: int = 0
    done: int = 0
    skipped: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    stopped: bool = False
    #: document outputs (METS, PDF) written in this run, relative to OUTDIR, and those left out (why)
    documents: list[str] = field(default_factory=list)
    documents_skipped: list[str] = field(default_factory=list)

    def text(self) -> str:
        lines = [
            f"pages: {self.total}  done: {self.done}  skipped (already done): {self.skipped}  "
            f"failed: {len(self.failed)}  time: {self.seconds:.1f} s"
            + ("  (stopped at the first failure)" if self.stopped else "")
        ]
        for r in self.failed:
            page = f" page {r['page']}" if r.get("page") else ""
            lines.append(f"  FAILED {r['input']}{page}: {r.get('error', '')}")
        lines += [f"  wrote {d}" for d in self.documents]
        lines += [f"  LEFT OUT {d}" for d in self.documents_skipped]
        return "\n".join(lines)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _expand(raw: str) -> list[Path]:
    """An argument as paths: an existing file or folder as it is (its name may hold ``[``, ``*`` or ``?``),
    otherwise a glob pattern."""
    p = Path(raw)
    if p.exists() or not any(c in raw for c in "*?["):
        return [p]
    return [Path(x) for x in sorted(glob.glob(raw, recursive=True))]


def discover(inputs: Iterable[str | Path]) -> list[tuple[Path, str]]:
    """(file, output stem) for every scan named: files as given, folders recursively, glob patterns expanded.

    A file found in a folder keeps its path relative to that folder in its output stem, so that ``a/001.jpg``
    and ``b/001.jpg`` do not overwrite each other.

    Raises:
        InputNotFoundError: a name that is no file or folder, or a pattern that matches nothing.
        BadOptionError: two inputs would write the same outputs.
    """
    found: list[tuple[Path, str]] = []
    for raw in inputs:
        s = str(raw)
        paths = _expand(s)
        if not paths:
            raise InputNotFoundError(f"{s}: no file matches")
        for p in paths:
            if p.is_dir():
                for f in sorted(p.rglob("*")):
                    if f.is_file() and f.suffix.lower() in SCAN_SUFFIXES and not f.name.startswith("."):
                        found.append((f, str(f.relative_to(p).with_suffix(""))))
            elif p.exists():
                found.append((p, p.stem))
            else:
                raise InputNotFoundError(f"{p}: no such file or folder")
    seen: dict[str, Path] = {}
    resolved: set[Path] = set()
    unique: list[tuple[Path, str]] = []
    for f, stem in found:
        real = f.resolve()
        if real in resolved:  # named twice (a file inside a folder also given): convert it once
            continue
        resolved.add(real)
        if stem in seen:
            raise BadOptionError(f"{f} and {seen[stem]} would write the same outputs ({stem}.*); rename one")
        seen[stem] = f
        unique.append((f, stem))
    return unique


def _failure(f: Path, page: int | None, exc: BaseException) -> dict[str, Any]:
    """The manifest record of a file or page that cannot be converted, found before any worker ran."""
    rec: dict[str, Any] = {"input": str(f), "page": page, "status": "failed"}
    if isinstance(exc, DigitizerError):
        rec.update(error=str(exc), exit_code=int(exc.exit_code))
    elif isinstance(exc, OSError):
        rec.update(error=f"{f}: {exc.strerror or exc}", exit_code=int(ExitCode.UNREADABLE_INPUT))
    else:  # a decoder's own error that load.py did not foresee: recorded, never allowed to stop the batch
        rec.update(error=f"{f}: {type(exc).__name__}: {exc}", exit_code=int(ExitCode.UNREADABLE_INPUT))
    return rec


def plan(
    files: list[tuple[Path, str]], max_pixels: int = 0, pdf_dpi: int = 300
) -> tuple[list[PageTask], list[dict[str, Any]]]:
    """Page tasks for the files; files (or pages) that cannot be converted become failure records at once:
    unreadable headers, and pages over ``max_pixels`` or too small, so no worker ever decodes them."""
    from .load import checked_pages

    tasks: list[PageTask] = []
    failures: list[dict[str, Any]] = []
    for f, stem in files:
        try:
            digest = _sha256(f)
            pages = checked_pages(f, max_pixels, pdf_dpi)
        except Exception as exc:
            failures.append(_failure(f, None, exc))
            continue
        n = len(pages)
        for i, (w, h, err) in enumerate(pages):
            out_stem = stem if n == 1 else f"{stem}_p{i + 1:04d}"
            if err is not None:
                failures.append({**_failure(f, i + 1, err), "pages": n, "sha256": digest, "out_stem": out_stem})
            else:
                tasks.append(PageTask(str(f), i, n, digest, out_stem, w * h))
    return tasks, failures


def run_page(task: PageTask, settings: BatchSettings) -> dict[str, Any]:
    """Convert one page and write its outputs: the pure unit of work every executor runs.

    Raises the pipeline's errors; the executor turns them into a failed record.
    """
    from .config import Options
    from .export import ExportOptions, render_outputs, write_outputs
    from .load import load_pages
    from .pipeline import build_engine, convert_page, new_document

    t0 = time.perf_counter()
    opts = Options.from_kwargs(**settings.options)
    engine = build_engine(opts)
    page_img = next(load_pages(task.input, max_pixels=opts.max_pixels, pdf_dpi=opts.pdf_dpi, pages={task.page}))
    page = convert_page(page_img, opts, engine)
    doc = new_document(task.input, opts, engine, [page])
    outdir = Path(settings.outdir)
    stem_path = outdir / task.out_stem
    images = {}
    if "html" in settings.formats:
        from .export.html import thumbnail_jpeg

        images = {page.index: thumbnail_jpeg(page_img.image)}
    options = ExportOptions(alto_unit=settings.alto_unit, images=images, alto_version=settings.alto_version)
    args = (doc, stem_path.parent, stem_path.name, list(settings.formats), options)
    files: dict[str, str] = {}
    if settings.return_outputs:
        files = {str(p.relative_to(outdir)): data for p, data in render_outputs(*args)}
        outputs = list(files)
    else:
        outputs = [str(p.relative_to(outdir)) for p in write_outputs(*args)]
    result = {
        "status": "done",
        "seconds": round(time.perf_counter() - t0, 3),
        "outputs": outputs,
        "confidence": round(page.confidence, 4),
        "blocks": len(page.blocks),
    }
    if files:
        result["files"] = files  # written by the driver (``write_returned``), then left out of the manifest
    return result


def write_returned(outdir: Path, result: dict[str, Any]) -> None:
    """Write the outputs a worker sent back (``BatchSettings.return_outputs``), each file atomically."""
    files = result.pop("files", None) or {}
    for name, data in files.items():
        atomic_write(outdir / name, data)


def _record(task: PageTask, settings: BatchSettings, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "input": task.input,
        "page": task.page + 1,
        "pages": task.pages,
        "sha256": task.sha256,
        "out_stem": task.out_stem,
        "engine": settings.options.get("engine"),
        "settings_key": settings.key(),
        "settings": {k: v for k, v in settings.options.items() if k != "threads"},
        "formats": list(settings.formats),
        "time": datetime.now(UTC).replace(microsecond=0).isoformat(),
        **result,
    }


# ---------------------------------------------------------------- manifest


def read_manifest(outdir: Path) -> list[dict[str, Any]]:
    """Every whole record of ``OUTDIR/manifest.jsonl`` (a line cut short by a kill is ignored)."""
    path = outdir / MANIFEST
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def _append(outdir: Path, rec: dict[str, Any]) -> None:
    """Append one record as one write, on a line of its own, flushed to disk.

    Raises:
        OutputError: the manifest cannot be written (disk full, read-only); what it held before is left whole.
    """
    path = outdir / MANIFEST
    data = json.dumps(rec, ensure_ascii=False) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {os_error_text(exc)}") from exc
    size = 0
    try:
        size = os.fstat(fd).st_size
        if size:
            with path.open("rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":  # a previous run was killed mid-line: start a fresh line
                    data = "\n" + data
        raw = data.encode("utf-8")
        if os.write(fd, raw) != len(raw):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fsync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, size)  # no half record left behind
        except OSError:
            pass
        raise OutputError(f"cannot write {path}: {os_error_text(exc)}") from exc
    finally:
        os.close(fd)


def _done_keys(records: list[dict[str, Any]], outdir: Path) -> set[tuple[str, int, str, str]]:
    keys = set()
    for r in records:
        if r.get("status") == "done" and all((outdir / o).is_file() for o in r.get("outputs", [])):
            keys.add((r.get("sha256", ""), int(r.get("page", 0)), r.get("settings_key", ""), r.get("out_stem", "")))
    return keys


def _clean_temporaries(outdir: Path) -> None:
    """Remove temporary files a killed run left behind (atomic writes go through ``.<name>.*.tmp``)."""
    for p in outdir.rglob(".*.tmp"):
        try:
            p.unlink()
        except OSError:
            pass


# ---------------------------------------------------------------- the local executor


def prepare_worker(settings: BatchSettings) -> None:
    """What a worker process does once, before its first page: set up its heap and load the models."""
    from .config import Options
    from .pipeline import build_engine

    tune_allocator(int(settings.options["threads"]))  # run_batch always sets the threads per worker
    build_engine(Options.from_kwargs(**settings.options))  # cached for the worker's life


# ---------------------------------------------------------------- progress and the run


class _Progress:
    """A progress bar on a terminal, plain log lines otherwise."""

    def __init__(self, total: int, stream: Any = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.n = 0
        self.t0 = time.monotonic()

    def update(self, task: PageTask, result: dict[str, Any]) -> None:
        self.n += 1
        elapsed = time.monotonic() - self.t0
        ppm = self.n / elapsed * 60 if elapsed > 0 else 0.0
        eta = (self.total - self.n) / (ppm / 60) if ppm else 0.0
        if self.tty:
            width = 30
            fill = int(width * self.n / max(1, self.total))
            bar = "#" * fill + "-" * (width - fill)
            self.stream.write(f"\r[{bar}] {self.n}/{self.total} pages  {ppm:.1f} pages/min  ETA {eta / 60:.1f} min ")
            if self.n == self.total:
                self.stream.write("\n")
            self.stream.flush()
        else:
            page = f" page {task.page + 1}/{task.pages}" if task.pages > 1 else ""
            err = f": {result.get('error')}" if result["status"] != "done" else ""
            self.stream.write(
                f"[{self.n}/{self.total}] {result['status']} {task.input}{page} "
                f"({result.get('seconds', 0):.1f} s, {ppm:.1f} pages/min){err}\n"
            )
            self.stream.flush()


def run_batch(
    inputs: Iterable[str | Path],
    outdir: Path,
    options: dict[str, Any],
    formats: list[str],
    *,
    jobs: int | None = None,
    page_timeout: float | None = None,
    fail_fast: bool = False,
    force: bool = False,
    alto_unit: str = "pixel",
    alto_version: str = "4.4",
    max_memory_mb: int = 0,
    threads: int | None = None,
    progress: bool = True,
    executor: str = "local",
    ray_address: str | None = None,
    workers_write: bool = False,
    issue: str | None = None,
    pdfa: bool = True,
    articles: str = "page",
) -> Summary:
    """Convert every page of ``inputs`` into ``outdir``, skipping pages already done with the same settings.

    ``page_timeout``: seconds per page, 0 for no limit, None for the default (``pool.auto_page_timeout``: 2 min
    plus 30 s per megapixel). ``max_memory_mb``: the resident memory a worker may reach (0: no limit).
    ``executor``: "local" (worker processes here) or "ray" (Ray actors, on the cluster at ``ray_address`` or on a
    Ray started here); with Ray, outputs come back to this process to be written unless ``workers_write`` (OUTDIR
    on storage every node sees).
    ``formats`` may hold document formats (``mets``, ``pdf``): one per input file, or one for the whole batch
    named ``issue``; they are written once every page of theirs is done, from the pages' JSON (which they
    bring, as ``mets`` brings ``alto``). Stories that jump between the pages of a group are linked then, in the
    pages' JSON and JSONL; ``articles="stitched"`` also writes each group's whole stories
    (``<name>.articles.jsonl``).

    Raises:
        InputNotFoundError, BadOptionError: inputs missing or colliding, bad options (before any page is read).
        OutputError: the output folder or the manifest cannot be written; the run stops, finished pages are kept
            and a rerun of the same command goes on from there.
    """
    t0 = time.monotonic()
    if executor not in ("local", "ray"):
        raise BadOptionError(f"unknown executor {executor!r} (local or ray)")
    if executor != "ray" and (ray_address or workers_write):
        raise BadOptionError("--ray-address and --workers-write go with --executor ray")
    if jobs is not None and jobs < 1:
        raise BadOptionError("--jobs must be at least 1")
    cpus = os.cpu_count() or 1
    if executor == "ray":
        import_ray()  # missing: say what to install before anything is read
        # One actor per CPU slot of the cluster (its size is known once joined), one thread each by default.
        opts = {**options, "threads": threads or 1}
    else:
        jobs = jobs or cpus
        # Unless told otherwise, workers × threads equals the cores: never oversubscribed.
        opts = {**options, "threads": threads or max(1, cpus // jobs)}
    if page_timeout is not None and page_timeout < 0:
        raise BadOptionError("--page-timeout must be >= 0 (0: no limit)")
    if max_memory_mb < 0:
        raise BadOptionError("--max-memory must be >= 0 (0: no limit)")
    from .export import DOCUMENT_FORMATS

    if articles not in ("page", "stitched"):
        raise BadOptionError(f"--articles {articles!r}: page or stitched")
    documents = [f for f in formats if f in DOCUMENT_FORMATS] + (["articles"] if articles == "stitched" else [])
    if issue is not None and not documents and not {"json", "jsonl"} & set(formats):
        raise BadOptionError(
            "--issue names the issue's METS, PDF or whole stories, and links the stories between its pages: "
            "add mets, pdf, json or jsonl to --format, or give --articles stitched"
        )
    if issue is not None and (not issue.strip() or Path(issue).name != issue or issue.startswith(".")):
        raise BadOptionError(f"--issue {issue!r}: give a file name (no folders), as the issue's outputs are named")
    if documents:
        from .export.pdf import check_pdf_support

        if "pdf" in documents:
            check_pdf_support()  # a missing renderer is said before any page is read
    if documents or "jsonl" in formats:
        # Documents are made from the pages' JSON, and so are the links between a story's parts.
        wanted = [f for f in formats if f not in DOCUMENT_FORMATS]
        formats = [*wanted, *[f for f in ("json", "alto") if f not in wanted and (f == "json" or "mets" in documents)]]
    files = discover(inputs)
    ensure_writable_dir(outdir)
    _clean_temporaries(outdir)
    ray_returns = executor == "ray" and not workers_write
    settings = BatchSettings(opts, tuple(formats), str(outdir), alto_unit, alto_version, ray_returns)
    tasks, failures = plan(files, int(opts.get("max_pixels", 0)), int(opts.get("pdf_dpi", 300)))
    summary = Summary(total=len(tasks) + len(failures))
    done = set() if force else _done_keys(read_manifest(outdir), outdir)
    todo = [t for t in tasks if (t.sha256, t.page + 1, settings.key(), t.out_stem) not in done]
    summary.skipped = len(tasks) - len(todo)
    for rec in failures:
        full = {
            **rec,
            "engine": opts.get("engine"),
            "settings_key": settings.key(),
            "time": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "seconds": 0.0,
        }
        _append(outdir, full)
        summary.failed.append(full)
    if failures and fail_fast:
        summary.stopped = True
        summary.seconds = time.monotonic() - t0
        return summary
    log.info("%d pages to convert, %d already done, %d unreadable files", len(todo), summary.skipped, len(failures))
    bar = _Progress(len(todo)) if progress else None

    def on_result(task: PageTask, result: dict[str, Any]) -> bool:
        if "files" in result:
            try:
                write_returned(outdir, result)
            except OutputError as exc:
                result = {"status": "failed", "error": str(exc), "exit_code": int(ExitCode.OUTPUT)}
        rec = _record(task, settings, result)
        _append(outdir, rec)
        if bar:
            bar.update(task, result)
        if rec["status"] == "done":
            summary.done += 1
            return True
        summary.failed.append(rec)
        if rec.get("exit_code") == int(ExitCode.OUTPUT):
            # Not the page's fault: every page after it would fail the same way (a full or read-only disk).
            raise OutputError(f"{rec.get('error')}; {summary.done} pages finished in this run are kept")
        if fail_fast:
            summary.stopped = True
            return False
        return True

    failed = True
    try:
        if todo:
            prepare = functools.partial(prepare_worker, settings)
            work = functools.partial(run_page, settings=settings)
            pool: LocalPool[PageTask] | RayPool[PageTask]
            if executor == "ray":
                pool = RayPool(
                    prepare,
                    work,
                    jobs,
                    page_timeout,
                    max_memory_mb,
                    address=ray_address,
                    threads=int(opts["threads"]),
                )
            else:
                pool = LocalPool(prepare, work, jobs or cpus, page_timeout, max_memory_mb)
            pool.run(todo, on_result)
        failed = False
    finally:
        if "html" in formats:
            try:
                write_index(outdir)
            except OutputError:
                if not failed:
                    raise
    # Stories are linked within a multi-page input or an issue: a batch of single-page scans has none to link.
    linkable = "json" in formats and (issue is not None or any(t.page > 0 for t in tasks))
    if (documents or linkable) and not summary.stopped:
        _write_documents(outdir, files, tasks, settings, documents, issue, pdfa, summary)
    summary.seconds = time.monotonic() - t0
    return summary


def _write_documents(
    outdir: Path,
    files: list[tuple[Path, str]],
    tasks: list[PageTask],
    settings: BatchSettings,
    documents: list[str],
    issue: str | None,
    pdfa: bool,
    summary: Summary,
) -> None:
    """The batch's METS and PDFs, from the pages the manifest records as done with these settings."""
    from .documents import groups_of, write_documents

    order = {str(f): n for n, (f, _) in enumerate(files)}
    stems = {str(f): stem for f, stem in files}  # a document is named as the input's outputs are
    done_keys = _done_keys(read_manifest(outdir), outdir)
    done = {(t.input, t.page) for t in tasks if (t.sha256, t.page + 1, settings.key(), t.out_stem) in done_keys}
    planned = [(t.input, t.page, t.out_stem, stems[t.input]) for t in tasks]
    # Pages that could not even be planned (unreadable files, pages too large) belong to their group too: it is
    # not whole without them.
    known = {p[:2] for p in planned}
    unplanned = [
        (r["input"], page, "", stems[r["input"]])
        for r in summary.failed
        if (r["input"], page := int(r.get("page") or 1) - 1) not in known
    ]
    groups = groups_of(sorted(planned + unplanned, key=lambda p: (order[p[0]], p[1])), issue)
    written, skipped = write_documents(
        outdir,
        groups,
        documents,
        done,
        page_formats=settings.formats,
        pdfa=pdfa,
        pdf_dpi=int(settings.options.get("pdf_dpi", 300)),
    )
    summary.documents = [str(p.relative_to(outdir)) for p in written]
    summary.documents_skipped = skipped


def latest_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The last record of each page (a rerun's record replaces the earlier one)."""
    latest: dict[tuple[str, Any], dict[str, Any]] = {}
    for r in records:
        latest[(r.get("input", ""), r.get("page"))] = r
    return list(latest.values())


def write_index(outdir: Path) -> Path:
    """``OUTDIR/index.html``: every page of the manifest (latest record each) with a link to its view."""
    from .export.html import index_html

    rows = []
    for r in latest_records(read_manifest(outdir)):
        html = next((o for o in r.get("outputs", []) if o.endswith(".html")), None)
        rows.append({**r, "html": html})
    path = outdir / "index.html"
    atomic_write(path, index_html(rows, title=f"digitizer batch: {outdir.name}"))
    return path


def report(outdir: Path) -> Summary:
    """The summary of earlier runs into ``outdir``, from the latest manifest record of each page."""
    records = read_manifest(outdir)
    if not records and not (outdir / MANIFEST).is_file():
        raise InputNotFoundError(f"{outdir / MANIFEST}: no manifest (not a batch output folder?)")
    latest = latest_records(records)
    s = Summary(total=len(latest))
    for r in latest:
        s.seconds += float(r.get("seconds") or 0.0)
        if r.get("status") == "done":
            s.done += 1
        elif r.get("status") == "failed":
            s.failed.append(r)
    return s
