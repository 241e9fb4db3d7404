"""The Ray executor: the batch's pages run on Ray actors, on this machine or across a cluster.

Each actor is one worker process that loads the models once and converts one page at a time (one actor per CPU
slot of the cluster). The driver (``run_batch``) keeps the manifest exactly as with the local executor: results
come back in completion order and are recorded by the driver alone, so each page is recorded once.

Workers open the inputs by path (a file system every node sees); a PDF's or TIFF's pages are separate tasks, so
one long volume spreads over the cluster. A page whose worker dies (its node lost, a crash, or over the memory
limit) is run again on another; a page that kills its worker twice is recorded as failed. Outputs are written
with an atomic rename, so a page run twice is still written once, whole.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .errors import ExitCode, MissingDependencyError
from .pool import LOAD_TIMEOUT, POLL, WorkerStartError, give_up_starting, page_seconds, resident_mb_of, run_task

__all__ = ["RayPool", "import_ray"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Times a page may take its worker down with it before it is recorded as failed.
MAX_DEATHS = 2
#: The exit status a worker over the memory limit ends itself with (the worker process's, not the CLI's).
MEMORY_EXIT = 3
#: Environment of the workers: telemetry off (no network beyond the cluster), native thread pools at one thread.
WORKER_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def import_ray() -> Any:
    """The ``ray`` module, or MissingDependencyError saying what to install."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as exc:
        raise MissingDependencyError(
            "--executor ray needs Ray: pip install 'digitizer[ray]' (on the driver and every node)"
        ) from exc
    return ray


class PageWorker:
    """A Ray actor's body: ``prepare()`` once (load the models), then ``work(task)`` per call.

    Over ``max_memory_mb`` of resident memory the process ends itself from a watchdog thread (the page's own
    thread may be stuck in native code); the driver sees the worker die and runs the page again elsewhere.
    """

    def __init__(self, prepare: Callable[[], None], work: Callable[[Any], dict[str, Any]], max_memory_mb: int) -> None:
        self.work = work
        t0 = time.monotonic()
        prepare()
        self.load_seconds = round(time.monotonic() - t0, 3)
        if max_memory_mb:
            threading.Thread(target=self._watch, args=(max_memory_mb,), daemon=True).start()

    @staticmethod
    def _watch(limit_mb: int) -> None:
        while True:
            rss = resident_mb_of(os.getpid())
            if rss is not None and rss > limit_mb:
                log.error("worker over the memory limit (%.0f MB > %d MB): stopping", rss, limit_mb)
                # At once, whatever the page's thread is doing. (Ray notices the worker gone within a few seconds
                # to half a minute; the page is then run again elsewhere.)
                os._exit(MEMORY_EXIT)
            time.sleep(POLL)

    def ready(self) -> float:
        return self.load_seconds

    def run(self, task: Any) -> dict[str, Any]:
        return run_task(self.work, task)


@dataclass
class _Slot(Generic[T]):
    actor: Any
    ready_ref: Any
    born: float
    ready: bool = False
    task: T | None = None
    ref: Any = None
    started: float = 0.0
    deadline: float = math.inf


class RayPool(Generic[T]):
    """The batch's pages on Ray actors; the same contract as ``pool.LocalPool``: ``run(tasks, on_result)``.

    Args:
        address: the cluster to join ("auto", "HOST:PORT"), or None for a Ray started here for this batch.
        jobs: actors to run (None: one per CPU of the cluster).
        threads: onnxruntime threads per actor (the CPUs each actor asks Ray for).
    """

    def __init__(
        self,
        prepare: Callable[[], None],
        work: Callable[[T], dict[str, Any]],
        jobs: int | None,
        page_timeout: float | None = None,
        max_memory_mb: int = 0,
        *,
        address: str | None = None,
        threads: int = 1,
    ) -> None:
        self.ray = import_ray()
        self.prepare = prepare
        self.work = work
        self.jobs = jobs
        self.page_timeout = page_timeout
        self.max_memory_mb = max_memory_mb
        self.address = address
        self.threads = max(1, threads)
        self.slots: list[_Slot[T]] = []
        self.deaths: dict[int, int] = {}
        self.start_failures = 0
        self._actor_cls: Any = None
        self._started_ray = False

    # ------------------------------------------------------------ actors

    def _connect(self) -> int:
        """Join (or start) Ray; the number of actors to run."""
        ray = self.ray
        if not ray.is_initialized():
            kw: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": logging.WARNING,
                "runtime_env": {"env_vars": WORKER_ENV},
            }
            if self.address:
                ray.init(address=self.address, **kw)
            else:
                ray.init(num_cpus=(self.jobs or os.cpu_count() or 1) * self.threads, **kw)
            self._started_ray = True
        self._actor_cls = ray.remote(num_cpus=self.threads, max_restarts=0, max_task_retries=0)(PageWorker)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        return self.jobs or max(1, cpus // self.threads)

    def _start(self) -> _Slot[T]:
        actor = self._actor_cls.remote(self.prepare, self.work, self.max_memory_mb)
        return _Slot(actor, actor.ready.remote(), time.monotonic())

    def _kill(self, slot: _Slot[T]) -> None:
        try:
            self.ray.kill(slot.actor, no_restart=True)
        except Exception:  # already gone
            pass

    # ------------------------------------------------------------ the run

    def run(self, tasks: Sequence[T], on_result: Callable[[T, dict[str, Any]], bool]) -> None:
        """Run ``tasks``; ``on_result`` gets each outcome (in completion order) and returns False to stop.

        Raises:
            WorkerStartError: no actor could load the models (then no page was charged).
        """
        pending: deque[T] = deque(tasks)
        try:
            n = self._connect()
            self.slots = [self._start() for _ in range(min(n, len(tasks)))]
            while pending or any(s.task is not None for s in self.slots):
                now = time.monotonic()
                for s in self.slots:
                    if s.ready and s.task is None and pending:
                        s.task, s.started = pending.popleft(), now
                        s.deadline = now + page_seconds(self.page_timeout, s.task)
                        s.ref = s.actor.run.remote(s.task)
                self._no_workers_left(pending)
                refs = [s.ref for s in self.slots if s.task is not None] + [
                    s.ready_ref for s in self.slots if not s.ready
                ]
                done, _ = self.ray.wait(refs, num_returns=len(refs), timeout=POLL) if refs else ([], [])
                finished = set(done)
                for i, s in enumerate(self.slots):
                    outcome = self._look_at(s, finished, pending)
                    if outcome is None:
                        continue
                    result, restart = outcome
                    task, s.task = s.task, None
                    if restart:
                        self._kill(s)
                        self.slots[i] = self._start()
                    if task is not None and result is not None and not on_result(task, result):
                        return
        finally:
            self.close()

    def _no_workers_left(self, pending: deque[T]) -> None:
        """Every actor waiting to be placed for longer than the load timeout, with pages to do: the cluster has no
        room (or no node) left for them."""
        now = time.monotonic()
        if pending and self.slots and all(not s.ready and now - s.born > LOAD_TIMEOUT for s in self.slots):
            raise WorkerStartError(
                f"no Ray worker could start within {LOAD_TIMEOUT:g} s (does the cluster have free CPUs?)"
            )

    def _look_at(self, s: _Slot[T], finished: set[Any], pending: deque[T]) -> tuple[dict[str, Any] | None, bool] | None:
        """What happened to slot ``s``: (the page's result or None, replace its actor) or None."""
        ray = self.ray
        if not s.ready and s.ready_ref in finished:
            try:
                secs = ray.get(s.ready_ref)
            except ray.exceptions.RayError as exc:
                return self._start_failed(exc)
            else:
                s.ready, self.start_failures = True, 0
                log.debug("ray worker ready in %.1f s", secs)
                return None
        if s.task is not None and s.ref in finished:
            try:
                return ray.get(s.ref), False
            except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError) as exc:
                return self._died(s, exc, pending)
            except ray.exceptions.RayError as exc:
                return {"status": "failed", "error": f"ray: {type(exc).__name__}: {exc}"}, True
        if s.task is not None and time.monotonic() > s.deadline:
            return {
                "status": "failed",
                "error": f"timed out after {s.deadline - s.started:g} s (--page-timeout)",
                "seconds": round(time.monotonic() - s.started, 3),
            }, True
        return None

    def _start_failed(self, exc: BaseException) -> tuple[None, bool]:
        """An actor could not load the models: twice in a row, or for a reason of the digitizer's own (a model
        file missing, say), means no worker can run."""
        cause = exc
        while getattr(cause, "cause", None) is not None and cause is not cause.cause:  # type: ignore[attr-defined]
            cause = cause.cause  # type: ignore[attr-defined]
        text = str(cause).strip()
        why = text.splitlines()[-1] if text else type(cause).__name__
        code = getattr(cause, "exit_code", None)
        self.start_failures += 1
        log.warning("a ray worker failed to start: %s", why)
        give_up_starting(self.start_failures, why, int(code) if code is not None else int(ExitCode.FAILED))
        return None, True

    def _died(self, s: _Slot[T], exc: BaseException, pending: deque[T]) -> tuple[dict[str, Any] | None, bool]:
        """The actor running ``s.task`` died: the page is run again elsewhere, unless this was its second."""
        assert s.task is not None
        key = id(s.task)
        self.deaths[key] = self.deaths.get(key, 0) + 1
        why = type(exc).__name__
        if self.deaths[key] >= MAX_DEATHS:
            return {
                "status": "failed",
                "error": f"its worker died {MAX_DEATHS} times ({why}: node lost, crash, or over --max-memory)",
                "seconds": round(time.monotonic() - s.started, 3),
            }, True
        log.warning("a ray worker died (%s); its page goes to another", why)
        pending.appendleft(s.task)
        return None, True

    def close(self) -> None:
        """Stop every actor; leave a cluster we joined (a Ray started here for the batch is shut down)."""
        for s in self.slots:
            self._kill(s)
        self.slots = []
        if self._started_ray and self.ray.is_initialized():
            self.ray.shutdown()
