"""A detector without its widest concatenation: the same ONNX model, rewritten in memory at load time.

PP-OCRv6 tiny's detector joins two half-resolution feature maps (a max pool and a convolution of the page, 16
channels each) into one of 32 channels, only for a strided convolution to read it (and does the same with its
four upsampled pyramid levels). That join is a large copy on one thread, a tenth of the model's time. A
convolution of joined channels is the sum of convolutions of each part with its share of the weights,
so the rewrite convolves each part and adds: onnxruntime fuses the sums into its convolutions, and the join is
never made. The result is the same up to the order of float additions (the same lines, boxes and text on the
bench pages; figures in docs/performance.md).

Nothing is written to disk: the pinned file is checked as always, and the rewritten model lives in memory only.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from .models import load_onnx

__all__ = ["split_concat_convs"]


def _channels(model: Any) -> dict[str, int]:
    """Channel counts of the model's 4-D tensors where shape inference knows them (height and width vary)."""
    from onnx import shape_inference

    graph = shape_inference.infer_shapes(model).graph
    out = {}
    for vi in [*graph.value_info, *graph.input]:
        dims = vi.type.tensor_type.shape.dim
        if len(dims) == 4 and dims[1].HasField("dim_value"):
            out[vi.name] = dims[1].dim_value
    return out


@cache
def _rewrite(path: Path, size: int, mtime: float) -> tuple[bytes, str, int]:
    model = load_onnx(path)
    from onnx import helper, numpy_helper  # present: load_onnx imported the package

    graph = model.graph
    weights = {w.name: w for w in graph.initializer}
    readers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            readers.setdefault(name, []).append(node)
    channels = _channels(model)
    replace: dict[int, list[Any]] = {}  # id of a Conv → the nodes that take its place
    dropped: set[int] = set()  # ids of the Concats those replace
    for cat in graph.node:
        if cat.op_type != "Concat" or next((a.i for a in cat.attribute if a.name == "axis"), None) != 1:
            continue
        users = readers.get(cat.output[0], [])
        if len(users) != 1 or users[0].op_type != "Conv" or users[0].input[0] != cat.output[0]:
            continue
        conv = users[0]
        attrs = {a.name: helper.get_attribute_value(a) for a in conv.attribute}
        if attrs.get("group", 1) != 1 or conv.input[1] not in weights or any(i not in channels for i in cat.input):
            continue
        w = numpy_helper.to_array(weights[conv.input[1]])
        parts = [channels[i] for i in cat.input]
        if w.ndim != 4 or sum(parts) != w.shape[1]:
            continue
        nodes, total, start = [], "", 0
        for k, (part, count) in enumerate(zip(cat.input, parts, strict=True)):
            wname = f"{conv.input[1]}_part{k}"
            graph.initializer.append(numpy_helper.from_array(np.ascontiguousarray(w[:, start : start + count]), wname))
            start += count
            inputs = [part, wname] + ([conv.input[2]] if k == 0 and len(conv.input) > 2 else [])  # the bias once
            out = f"{conv.output[0]}_part{k}"
            nodes.append(helper.make_node("Conv", inputs, [out], name=f"{conv.name}_part{k}", **attrs))
            if total:
                summed = f"{conv.output[0]}_sum{k}"
                nodes.append(helper.make_node("Add", [total, out], [summed], name=f"{conv.name}_sum{k}"))
                out = summed
            total = out
        nodes[-1].output[0] = conv.output[0]
        replace[id(conv)] = nodes
        dropped.add(id(cat))
    if not replace:
        return b"", "", 0  # nothing to rewrite: the file itself is run
    # The parts are made before their Concat was, so putting the new nodes where each Conv stood keeps the
    # graph's order.
    order = []
    for node in graph.node:
        if id(node) not in dropped:
            order.extend(replace.get(id(node), [node]))
    for name in {conv.input[1] for conv in graph.node if id(conv) in replace}:
        if len(readers[name]) == 1:
            graph.initializer.remove(weights[name])
    del graph.node[:]
    graph.node.extend(order)
    data = model.SerializeToString()
    return data, hashlib.sha256(data).hexdigest(), len(replace)


def split_concat_convs(path: Path) -> tuple[bytes, str, int]:
    """The model at ``path`` with each channel join that only a convolution reads turned into a sum of
    convolutions: its ONNX bytes, their sha256 and how many joins went (0: no bytes, run the file itself)."""
    st = path.stat()
    return _rewrite(path, st.st_size, st.st_mtime)
