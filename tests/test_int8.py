"""The tiny recognizer's classifier rewritten in int8 (opt-in, ``--int8``): the rewrite is faithful to the weights.

How it reads is not tested against the float model: int8 kernels differ between instruction sets (u8×s8 products
saturate without VNNI), which is why it is off by default (``test_bad_inputs`` checks that).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from digitizer.ocr.int8 import int8_classifier
from digitizer.ocr.models import file_sha256, resolve_model

ROOT = Path(__file__).resolve().parent.parent


def test_classifier_weights_are_rewritten_to_int8_within_half_a_step() -> None:
    onnx = pytest.importorskip("onnx")
    from onnx import numpy_helper

    path, _ = resolve_model("PP-OCRv6_rec_tiny")
    data, digest = int8_classifier(path)
    assert file_sha256(path) != digest  # the pinned file itself is never changed
    before, after = onnx.load(str(path)), onnx.load_from_string(data)
    w_before = {w.name: numpy_helper.to_array(w) for w in before.graph.initializer}
    w_after = {w.name: numpy_helper.to_array(w) for w in after.graph.initializer}
    ops = [n.op_type for n in after.graph.node]
    assert ops.count("DynamicQuantizeMatMul") == 1
    assert ops.count("MatMul") == [n.op_type for n in before.graph.node].count("MatMul") - 1
    node = next(n for n in after.graph.node if n.op_type == "DynamicQuantizeMatMul")
    q, scale = w_after[node.input[1]], w_after[node.input[2]]
    original = w_before[node.input[1].removesuffix("_int8")]
    assert q.dtype == np.int8 and q.shape == original.shape == (80, 6906)
    assert node.input[1].removesuffix("_int8") not in w_after  # the float weights are gone
    assert np.abs(q.astype(np.float32) * scale - original).max() <= scale.max() / 2 + 1e-7
    # The layer's bias is the product's fifth input, unchanged, and the Add that added it is gone.
    assert len(node.input) == 5 and np.array_equal(w_after[node.input[4]], w_before[node.input[4]])
    assert w_after[node.input[4]].shape == (6906,)
    assert ops.count("Add") == [n.op_type for n in before.graph.node].count("Add") - 1
    assert not any(node.output[0] in n.input and n.op_type == "Add" for n in after.graph.node)
