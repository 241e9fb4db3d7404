"""Article records on the shipped samples (issue #30): an article holds its headline, subtitle and story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(300)
def test_zh_front_subtitle_is_a_subtitle_and_its_article_holds_the_story(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from digitizer.cli import main

    r = CliRunner().invoke(
        main, ["convert", str(ROOT / "samples" / "zh_front.jpg"), "-o", str(tmp_path), "-f", "md,jsonl"]
    )
    assert r.exit_code == 0, r.output
    gt = json.loads((ROOT / "samples" / "zh_front.gt.json").read_text(encoding="utf-8"))
    subtitle = next(b["text"] for b in gt["blocks"] if b["type"] == "subtitle")
    story = [b["text"] for b in gt["blocks"] if b["type"] == "para"]
    # The subtitle over a photo is no section head (the photo's border is not a boxed ad's frame).
    md = (tmp_path / "zh_front.md").read_text(encoding="utf-8")
    assert f"## {subtitle}" not in md and f"**{subtitle}**" in md
    records = [json.loads(line) for line in (tmp_path / "zh_front.jsonl").read_text(encoding="utf-8").splitlines()]
    article = next(r for r in records if r["kind"] == "article")
    assert article["headline"] == next(b["text"] for b in gt["blocks"] if b["type"] == "headline")
    text = article["text"].replace("\n", "")
    assert subtitle in text
    assert sum(p[:10] in text for p in story) == len(story) >= 3


@pytest.mark.timeout(300)
def test_en_front_heading_and_justified_lines_and_structure_scores(tmp_path: Path) -> None:
    """en_front: the bold subheading that fills its column is a heading, a justified line with wide spaces stays
    one line of its paragraph, and eval's block classes and article membership are whole on the samples."""
    from click.testing import CliRunner

    from digitizer.cli import main
    from digitizer.evaluate import evaluate_dirs

    scans = [str(p) for p in sorted((ROOT / "samples").glob("*.jpg"))]
    r = CliRunner().invoke(main, ["convert", *scans, "-o", str(tmp_path), "-f", "txt,md,json"])
    assert r.exit_code == 0, r.output
    gt = json.loads((ROOT / "samples" / "en_front.gt.json").read_text(encoding="utf-8"))
    md = (tmp_path / "en_front.md").read_text(encoding="utf-8")
    for head in (b["text"] for b in gt["blocks"] if b["type"] == "heading"):
        assert f"### {head}" in md
    # Every paragraph of the ground truth starts a paragraph of the output, and no other text does.
    paras = [p for p in md.split("\n\n") if p and not p.startswith(("#", "*", "-", "<", "—"))]
    starts = {b["text"][:25] for b in gt["blocks"] if b["type"] == "para"}
    assert {p[:25] for p in paras} == starts
    report = evaluate_dirs(ROOT / "samples", tmp_path)
    for stem, s in report["pages"].items():
        assert s["block_class"] == 1.0, stem
        assert s.get("article_f1", 1.0) == 1.0, stem
    assert report["pages"]["en_front"]["article_f1"] == 1.0
