"""`digitizer eval` agrees with the reference scorer in ../shared/eval/score.py."""

from __future__ import annotations

import importlib.util
import json
import random
from pathlib import Path

import pytest

from digitizer.evaluate import score_page

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def _reference():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_ref", SHARED / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.skipif(
    not (SHARED / "score.py").exists(),
    reason=f"the reference scorer {SHARED / 'score.py'} and its calibration ground truth are not beside this "
    "checkout (they are the project's shared resources, not part of the repository): nothing to compare with",
)
@pytest.mark.parametrize("gt_name", ["pub_front_skew.gt.json", "pub_ads_skew.gt.json"])
def test_scores_match_reference(gt_name: str) -> None:
    ref = _reference()
    gt = json.loads((SHARED / gt_name).read_text(encoding="utf-8"))
    texts = [b["text"] for b in gt["blocks"]]
    rng = random.Random(1)
    variants = ["\n\n".join(texts)]
    shuffled = texts[:]
    rng.shuffle(shuffled)
    variants.append("\n".join(shuffled))
    variants.append("\n".join(t[: len(t) // 2] for t in texts))  # shredded
    for out in variants:
        assert score_page(gt, out) == ref.score(gt, out)


def test_perfect_output_scores_perfectly() -> None:
    gt = {
        "lang": "en",
        "blocks": [
            {"type": "para", "text": "A paragraph of some length."},
            {"type": "para", "text": "Another paragraph follows it."},
        ],
    }
    s = score_page(gt, "A paragraph of some length.\n\nAnother paragraph follows it.")
    assert s["cer_order"] == 0 and s["intact"] == 1 and s["order"] == 1
    s = score_page(gt, "Another paragraph follows it.\n\nA paragraph of some length.")
    assert s["order"] == 0
