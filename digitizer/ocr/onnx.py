"""onnxruntime sessions as every model here runs them: CPU, a set thread count, threads that sleep between runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import MissingDependencyError

__all__ = ["session"]


def session(path: Path | bytes, threads: int) -> Any:
    try:
        import onnxruntime as ort
    except ImportError as exc:  # pragma: no cover - a hard dependency
        raise MissingDependencyError("onnxruntime is not installed; run `make install`") from exc
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads  # its default leaves one of two cores idle here
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Input shapes change with every tile and batch: an arena keeps the largest ever allocation alive.
    so.enable_cpu_mem_arena = False
    so.log_severity_level = 3
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    model = path if isinstance(path, bytes) else str(path)
    return ort.InferenceSession(model, sess_options=so, providers=["CPUExecutionProvider"])
