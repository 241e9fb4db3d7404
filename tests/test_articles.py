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
