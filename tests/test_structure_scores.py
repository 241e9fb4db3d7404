"""Block-class and article-membership scores (issue #30), on a made-up page whose output is known."""

from __future__ import annotations

from typing import Any

from digitizer.evaluate import structure_scores

GT: dict[str, Any] = {
    "lang": "en",
    "blocks": [
        {"type": "headline", "text": "Bridge", "boxes": [[0, 0, 400, 40]], "article": "a1"},
        {"type": "para", "text": "one two", "boxes": [[0, 50, 190, 300]], "article": "a1"},
        {"type": "para", "text": "three four", "boxes": [[210, 50, 400, 300]], "article": "a1"},
        {"type": "headline", "text": "Library", "boxes": [[0, 320, 400, 360]], "article": "a2"},
        {"type": "para", "text": "five six", "boxes": [[0, 370, 400, 600]], "article": "a2"},
        {"type": "ad", "text": "FOR SALE", "boxes": [[0, 620, 400, 700]]},
    ],
}


def _pred(kinds: list[str], articles: list[str | None]) -> dict[str, Any]:
    """An output with one line in the middle of each ground-truth box."""
    blocks = []
    for g, kind, art in zip(GT["blocks"], kinds, articles, strict=True):
        x0, y0, x1, y1 = g["boxes"][0]
        line = {"text": g["text"], "bbox": [x0 + 5, (y0 + y1) / 2 - 5, x1 - 5, (y0 + y1) / 2 + 5]}
        blocks.append({"kind": kind, "article": art, "lines": [line]})
    return {"pages": [{"blocks": blocks}]}


def test_a_perfect_output_scores_one() -> None:
    kinds = [b["type"] for b in GT["blocks"]]
    s = structure_scores(GT, _pred(kinds, ["x", "x", "x", "y", "y", None]))
    assert s == {"block_class": 1.0, "article_precision": 1.0, "article_recall": 1.0, "article_f1": 1.0}


def test_a_wrong_kind_and_two_stories_run_together_lower_the_scores() -> None:
    kinds = ["headline", "para", "para", "heading", "para", "ad"]
    s = structure_scores(GT, _pred(kinds, ["x", "x", "x", "x", "x", None]))
    assert s["block_class"] == round(5 / 6, 4)
    # Truth: 3 pairs in a1, 1 in a2; found: all 10 pairs of the five story blocks.
    assert s["article_recall"] == 1.0 and s["article_precision"] == 0.4


def test_a_story_split_in_two_loses_recall() -> None:
    kinds = [b["type"] for b in GT["blocks"]]
    s = structure_scores(GT, _pred(kinds, ["x", "x", "z", "y", "y", None]))
    assert s["article_precision"] == 1.0 and s["article_recall"] == 0.5
