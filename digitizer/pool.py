"""The local executor: worker processes that each convert one page at a time, watched from outside.

The parent enforces every limit. It reads each worker's resident memory and the running page's elapsed time and
kills a worker that goes over either; nothing inside the worker is trusted to stop itself. (An address-space
limit inside the worker was tried first: OpenBLAS then retries a failing ``mmap`` forever, and the worker spins
at full CPU with no end.) A page's clock starts only when its worker has loaded the models and taken the page,
so a slow start never counts against the first page.

Workers ignore Ctrl-C: the parent alone handles it and kills them, so an interrupted batch prints one line, not
a traceback per worker.
"""

from __future__ import annotations

import logging
import math
import multiprocessing as mp
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, Protocol, TypeVar

from .errors import BadOptionError, DigitizerError, ExitCode

__all__ = [
    "LOAD_TIMEOUT",
    "LocalPool",
    "WorkerStartError",
    "auto_page_timeout",
    "give_up_starting",
    "page_seconds",
    "resident_mb_of",
    "run_task",
]

log = logging.getLogger(__name__)

#: Seconds a worker may take to start and load its models before it is given up as hung.
LOAD_TIMEOUT = 600.0
#: How often the parent looks at its workers when no message comes (seconds): how far past a limit a page can go.
POLL = 0.2
#: Native libraries' own thread pools set to one thread in workers unless the environment says otherwise: the
#: pipeline owns parallelism, and OpenBLAS's threads and buffers are what spun under memory pressure.
_ONE_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class WorkerStartError(DigitizerError):
    """Workers cannot start (models missing, memory limit below what loading needs): no page can run."""


class _Sized(Protocol):
    @property
    def pixels(self) -> int: ...


T = TypeVar("T", bound=_Sized)


def auto_page_timeout(pixels: int) -> float:
    """The default time limit for one page: 2 minutes plus 30 s per megapixel.

    Generous on purpose, as it only has to catch a hung page: a 13-megapixel page takes 1-3 s here, an old
    7-megapixel one with a re-read of most of its lines 30 s, so the limit is ten times anything seen.
    """
    return 120.0 + 30.0 * pixels / 1e6


def resident_mb_of(pid: int) -> float | None:
    """A process's resident set in MB (Linux ``/proc``), or None where that cannot be read (gone, not Linux)."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * _PAGE_SIZE / 2**20
    except (OSError, ValueError, IndexError):
        return None


def page_seconds(page_timeout: float | None, task: Any) -> float:
    """Seconds ``task`` may run: ``page_timeout``, 0 for no limit, None for ``auto_page_timeout`` of its pixels."""
    if page_timeout is None:
        return auto_page_timeout(getattr(task, "pixels", 0))
    return page_timeout or math.inf


def give_up_starting(failures: int, why: str, exit_code: int = int(ExitCode.FAILED)) -> None:
    """After a worker failed to start (``failures`` in a row): two in a row, or one with a reason of its own (an
    exit code other than plain failure: a model file missing, say), mean no worker can run."""
    if failures >= 2 or exit_code != int(ExitCode.FAILED):
        err = WorkerStartError(f"workers cannot start: {why}")
        err.exit_code = ExitCode(exit_code)
        raise err


def run_task(work: Callable[[Any], dict[str, Any]], task: Any) -> dict[str, Any]:
    """``work(task)`` inside a worker, any error it raises turned into a failed result (with its exit code, or
    the last lines of its trace for a bug): one page's trouble is recorded, never raised at the batch."""
    t1 = time.perf_counter()
    try:
        result = work(task)
    except DigitizerError as exc:
        result = {"status": "failed", "error": str(exc), "exit_code": int(exc.exit_code)}
    except MemoryError:
        result = {"status": "failed", "error": "out of memory"}
    except Exception as exc:  # a bug on one page must not stop the batch: record it with its trace
        tb = traceback.format_exc(limit=3).strip().splitlines()
        result = {"status": "failed", "error": f"{type(exc).__name__}: {exc}", "trace": tb[-3:]}
    result.setdefault("seconds", round(time.perf_counter() - t1, 3))
    return result


def _worker_main(conn: Connection, prepare: Callable[[], None], work: Callable[[Any], dict[str, Any]]) -> None:
    """A worker: ``prepare()`` (load the models), say it is ready, then ``work(task)`` for each task sent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # inherited ignored already; this covers a direct call
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    t0 = time.monotonic()
    try:
        prepare()
    except DigitizerError as exc:
        conn.send(("start_failed", str(exc), int(exc.exit_code)))
        return
    except Exception as exc:
        conn.send(("start_failed", f"{type(exc).__name__}: {exc}", int(ExitCode.FAILED)))
        return
    conn.send(("ready", round(time.monotonic() - t0, 3)))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        result = run_task(work, task)
        try:
            conn.send(("result", result))
        except (OSError, EOFError):
            return


@dataclass
class _Worker(Generic[T]):
    proc: Any
    conn: Connection
    born: float
    ready: bool = False
    task: T | None = None
    started: float = 0.0
    deadline: float = math.inf
    peak_mb: float = 0.0


class LocalPool(Generic[T]):
    """``jobs`` worker processes, each converting one task at a time; a crash, a hang or a page over the memory
    limit costs that page (recorded by the caller), never the batch.

    Args:
        prepare: run once in each worker before its first task (loads the models); picklable.
        work: one task → its result record; picklable (a module-level function or a ``functools.partial``).
        page_timeout: seconds per page; 0 for none; None for ``auto_page_timeout`` of the task's pixels.
        max_memory_mb: resident memory allowed a worker (0: none).
    """

    def __init__(
        self,
        prepare: Callable[[], None],
        work: Callable[[T], dict[str, Any]],
        jobs: int,
        page_timeout: float | None = None,
        max_memory_mb: int = 0,
    ) -> None:
        self.prepare = prepare
        self.work = work
        self.jobs = jobs
        self.page_timeout = page_timeout
        self.max_memory_mb = max_memory_mb
        # spawn: onnxruntime's thread pools do not survive a fork safely, and workers stay independent of us.
        self.ctx = mp.get_context("spawn")
        self.workers: list[_Worker[T]] = []
        self.start_failures = 0

    # ------------------------------------------------------------ workers

    def _start(self) -> _Worker[T]:
        for var in _ONE_THREAD_ENV:
            os.environ.setdefault(var, "1")
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(
            target=_worker_main, args=(child, self.prepare, self.work), daemon=True, name="digitizer-worker"
        )
        # Started with Ctrl-C ignored, which the new interpreter keeps: the parent alone handles it.
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            proc.start()
        finally:
            signal.signal(signal.SIGINT, old)
        child.close()
        return _Worker(proc, parent, time.monotonic())

    @staticmethod
    def _kill(w: _Worker[T]) -> None:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(5)
        w.conn.close()

    def _start_failed(self, why: str, exit_code: int = int(ExitCode.FAILED)) -> None:
        """A worker died or gave up before it was ready: twice in a row, or with a reason of its own (an exit code
        other than plain failure: a model file missing, say), means no worker can run."""
        self.start_failures += 1
        log.warning("a worker failed to start: %s", why)
        give_up_starting(self.start_failures, why, exit_code)

    # ------------------------------------------------------------ the run

    def run(self, tasks: Sequence[T], on_result: Callable[[T, dict[str, Any]], bool]) -> None:
        """Run ``tasks``; ``on_result`` gets each outcome (in completion order) and returns False to stop.

        Raises:
            WorkerStartError, BadOptionError: workers cannot start (then no page was charged).
        """
        pending: deque[T] = deque(tasks)
        interrupted = False
        self.workers = [self._start() for _ in range(min(self.jobs, len(tasks)))]
        try:
            while pending or any(w.task is not None for w in self.workers):
                now = time.monotonic()
                for w in self.workers:
                    if w.ready and w.task is None and pending:
                        w.task, w.started, w.peak_mb = pending.popleft(), now, 0.0
                        w.deadline = now + page_seconds(self.page_timeout, w.task)
                        try:
                            w.conn.send(w.task)
                        except OSError:
                            pass  # it died: seen below as a crash of this page
                wait([w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers], timeout=POLL)
                for i, w in enumerate(self.workers):
                    outcome = self._look_at(w)
                    if outcome is None:
                        continue
                    result, restart = outcome
                    task, w.task = w.task, None
                    if restart:
                        self._kill(w)
                        self.workers[i] = self._start()
                    if task is not None and result is not None and not on_result(task, result):
                        return
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            self.close(graceful=not interrupted)

    def _look_at(self, w: _Worker[T]) -> tuple[dict[str, Any] | None, bool] | None:
        """What happened to worker ``w`` since the last look: (the page's result or None, restart it) or None."""
        if w.conn.poll():
            try:
                msg = w.conn.recv()
            except (EOFError, OSError):
                return self._died(w)
            if msg[0] == "ready":
                w.ready, self.start_failures = True, 0
                log.debug("worker %s ready in %.1f s", w.proc.pid, msg[1])
                return None
            if msg[0] == "start_failed":
                self._start_failed(msg[1], msg[2])
                return None, True
            result: dict[str, Any] = msg[1]
            if w.peak_mb:
                result.setdefault("peak_mb", round(w.peak_mb))
            return result, False
        if not w.proc.is_alive():
            return self._died(w)
        now = time.monotonic()
        rss = resident_mb_of(w.proc.pid) if self.max_memory_mb else None
        if rss is not None:
            w.peak_mb = max(w.peak_mb, rss)
        if rss is not None and rss > self.max_memory_mb:
            if w.task is None:
                # Loading the models takes the same memory every time: one worker over the limit settles it.
                self._kill(w)
                raise BadOptionError(
                    f"a worker needs more than --max-memory {self.max_memory_mb} MB just to load the models "
                    f"(it reached {rss:.0f} MB); raise --max-memory"
                )
            return {
                "status": "failed",
                "error": f"over the memory limit of {self.max_memory_mb} MB ({rss:.0f} MB resident); "
                "the worker was stopped (raise --max-memory for such pages)",
                "seconds": round(now - w.started, 3),
            }, True
        if w.task is not None and now > w.deadline:
            return {
                "status": "failed",
                "error": f"timed out after {w.deadline - w.started:g} s (--page-timeout)",
                "seconds": round(now - w.started, 3),
            }, True
        if not w.ready and now - w.born > LOAD_TIMEOUT:
            self._kill(w)
            self._start_failed(f"a worker did not load its models within {LOAD_TIMEOUT:g} s")
            return None, True
        return None

    def _died(self, w: _Worker[T]) -> tuple[dict[str, Any] | None, bool]:
        w.proc.join(5)
        code = w.proc.exitcode
        why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        if code is not None and -code == signal.SIGKILL:
            why += " (out of memory?)"
        if w.task is None:
            if not w.ready:
                self._start_failed(f"a worker died while loading the models ({why})")
            return None, True
        return {
            "status": "failed",
            "error": f"worker crashed ({why})",
            "seconds": round(time.monotonic() - w.started, 3),
        }, True

    def close(self, graceful: bool = True) -> None:
        """Stop every worker: idle ones are asked to finish (when ``graceful``), the rest killed."""
        if graceful:
            for w in self.workers:
                try:
                    if w.task is None and w.proc.is_alive():
                        w.conn.send(None)
                except OSError:
                    pass
            deadline = time.monotonic() + 5
            for w in self.workers:
                if w.task is None:
                    w.proc.join(max(0.0, deadline - time.monotonic()))
        for w in self.workers:
            self._kill(w)
        self.workers = []
