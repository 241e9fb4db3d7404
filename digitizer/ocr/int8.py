"""A recognizer with its character classifier in int8: the same ONNX model, rewritten in memory at load time.

The last layer of a PP-OCR recognizer maps every time step's features to a score for each character of its list
(80 → 6,906 for PP-OCRv6 tiny): a tenth of the tiny model's time. Its weights quantized to int8 (per character,
symmetric) and run by onnxruntime's ``DynamicQuantizeMatMul`` make the tiny recognizer a little faster; the
layer's bias, a separate Add over the same 6,906 scores, becomes the quantized product's own bias input. int8
kernels differ between instruction sets, so this is an opt-in (``--int8``), never the default (figures in
docs/performance.md). Nothing is written to disk: the pinned file is checked as always, and the rewritten model
lives in memory only.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelFileError
from .models import load_onnx

__all__ = ["int8_classifier"]


@cache
def _rewrite(path: Path, size: int, mtime: float) -> tuple[bytes, str]:
    model = load_onnx(path)
    from onnx import helper, numpy_helper  # present: load_onnx imported the package

    graph = model.graph
    weights = {w.name: w for w in graph.initializer}
    matmuls = [n for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    if not matmuls:
        raise ModelFileError(f"{path}: no classifier layer (a MatMul by constant weights) to quantize")
    node = matmuls[-1]  # the classifier is the last one, right before the softmax
    name = node.input[1]
    w = numpy_helper.to_array(weights[name]).astype(np.float32)
    if w.ndim != 2:
        raise ModelFileError(f"{path}: classifier weights of shape {w.shape}, expected 2-D")
    scale = (np.maximum(np.abs(w).max(axis=0), 1e-12) / 127.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    graph.initializer.remove(weights[name])
    graph.initializer.extend(
        [
            numpy_helper.from_array(q, name + "_int8"),
            numpy_helper.from_array(scale, name + "_scale"),
            numpy_helper.from_array(np.zeros(scale.shape, np.int8), name + "_zero"),
        ]
    )
    inputs = [node.input[0], name + "_int8", name + "_scale", name + "_zero"]
    outputs = list(node.output)
    bias = _bias_add(graph, node.output[0], weights, w.shape[1])
    if bias is not None:  # y = x·W + b in one kernel: the Add goes, its output is the product's
        inputs.append(next(i for i in bias.input if i in weights))
        outputs = list(bias.output)
        graph.node.remove(bias)
    index = list(graph.node).index(node)
    graph.node.remove(node)
    graph.node.insert(
        index,
        helper.make_node("DynamicQuantizeMatMul", inputs, outputs, name=node.name + "_int8", domain="com.microsoft"),
    )
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    data = model.SerializeToString()
    return data, hashlib.sha256(data).hexdigest()


def _bias_add(graph: Any, product: str, weights: dict[str, Any], n: int) -> Any:
    """The Add that alone reads ``product`` and adds a constant vector of ``n`` values to it, or None."""
    readers = [x for x in graph.node if product in x.input]
    if len(readers) != 1 or readers[0].op_type != "Add" or any(o.name == product for o in graph.output):
        return None
    add = readers[0]
    other = [i for i in add.input if i != product]
    if len(other) != 1 or other[0] not in weights or list(weights[other[0]].dims) != [n]:
        return None
    return add


def int8_classifier(path: Path) -> tuple[bytes, str]:
    """The recognizer at ``path`` with its classifier's weights in int8, as ONNX bytes, and their sha256."""
    st = path.stat()
    return _rewrite(path, st.st_size, st.st_mtime)
