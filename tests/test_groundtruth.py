"""Ground truth as archives have it (ALTO, PAGE, plain transcriptions) read and scored by `digitizer eval`."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from digitizer.evaluate import evaluate_dirs, lines_across, region_order, score_loose
from digitizer.groundtruth import read_ground_truth

ALTO = """<?xml version="1.0" encoding="UTF-8"?>
<alto xmlns="http://www.loc.gov/standards/alto/ns-v2#">
<Description><MeasurementUnit>inch1200</MeasurementUnit></Description>
<Layout><Page ID="P1" WIDTH="9600" HEIGHT="8000"><PrintSpace>
<TextBlock ID="B1" HPOS="400" VPOS="800" WIDTH="4000" HEIGHT="6400">
 <TextLine><String CONTENT="The" /><SP/><String CONTENT="harbour" /><SP/>
  <String CONTENT="com-" SUBS_TYPE="HypPart1" SUBS_CONTENT="committee"/></TextLine>
 <TextLine><String CONTENT="mittee" SUBS_TYPE="HypPart2" SUBS_CONTENT="committee"/><SP/>
  <String CONTENT="met" /></TextLine>
</TextBlock>
<TextBlock ID="B2" HPOS="5200" VPOS="800" WIDTH="4000" HEIGHT="6400">
 <TextLine><String CONTENT="Rain" /><SP/><String CONTENT="today" /></TextLine>
</TextBlock>
</PrintSpace></Page></Layout></alto>
"""

PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">
<Page imageFilename="p.png" imageWidth="1200" imageHeight="1000">
 <ReadingOrder><OrderedGroup id="g">
  <RegionRefIndexed index="0" regionRef="left"/><RegionRefIndexed index="1" regionRef="right"/>
 </OrderedGroup></ReadingOrder>
 <TextRegion id="right" type="paragraph"><Coords points="650,100 1150,100 1150,900 650,900"/>
  <TextLine id="l2"><Coords points="650,100 1150,100 1150,140 650,140"/>
   <TextEquiv><Unicode>Zweite Spalte</Unicode></TextEquiv></TextLine>
 </TextRegion>
 <TextRegion id="nocoords" type="paragraph"/>
 <TextRegion id="left" type="paragraph"><Coords points="50,100 550,100 550,900 50,900"/>
  <TextLine id="l1"><Coords points="50,100 550,100 550,140 50,140"/>
   <TextEquiv><Unicode>Erste Spalte</Unicode></TextEquiv></TextLine>
 </TextRegion>
</Page></PcGts>
"""


def _pred(lines: list[tuple[int, list[float]]]) -> dict:
    """An output JSON with one block per (reading index, line box)."""
    blocks = [{"kind": "para", "reading_index": ri, "lines": [{"bbox": box}]} for ri, box in lines]
    return {"pages": [{"blocks": blocks}]}


def test_alto_is_read_in_pixels_with_mended_hyphens_and_lines_across_its_blocks_are_counted(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_text(ALTO)
    gt = read_ground_truth(tmp_path / "a.xml", (1200, 1000))  # 9600 inch1200 units on 1200 pixels: 1/8
    assert gt.source == "alto" and not gt.ordered and not gt.corrected
    assert [b["text"] for b in gt.blocks] == ["The harbour committee\nmet", "Rain today"]
    assert gt.blocks[0]["bbox"] == (50.0, 100.0, 550.0, 900.0) and gt.blocks[1]["bbox"] == (650.0, 100.0, 1150.0, 900.0)
    boxes = [b["bbox"] for b in gt.blocks]
    across = _pred([(0, [60, 200, 1100, 230])])  # one line over both columns
    apart = _pred([(0, [60, 200, 540, 230]), (1, [660, 200, 1100, 230])])
    assert lines_across(boxes, across) == 1 and lines_across(boxes, apart) == 0
    assert score_loose(gt.text, "The harbour committee met. Rain today.")["word_recall"] == 1.0


def test_page_regions_keep_their_reading_order_and_the_output_s_order_is_scored_from_geometry(tmp_path: Path) -> None:
    (tmp_path / "p.xml").write_text(PAGE)
    gt = read_ground_truth(tmp_path / "p.xml")
    assert gt.source == "page" and gt.ordered
    # The ReadingOrder, not the file's order; a region without coordinates or text is kept, after them.
    assert [b["text"] for b in gt.blocks] == ["Erste Spalte", "Zweite Spalte", ""]
    assert gt.blocks[2]["bbox"] is None
    boxes = [b["bbox"] for b in gt.blocks if b["bbox"]]
    assert region_order(boxes, _pred([(0, [60, 110, 500, 140]), (1, [660, 110, 1100, 140])])) == 1.0
    assert region_order(boxes, _pred([(1, [60, 110, 500, 140]), (0, [660, 110, 1100, 140])])) == 0.0


def test_loose_scores_keep_letters_and_digits_and_tell_order_from_reading() -> None:
    s = score_loose("The Cat, born 1920!", "the cat born 1920")
    assert s["cer_order"] == 0.0 and s["word_f1"] == 1.0
    swapped = score_loose("alpha beta gamma delta", "gamma delta alpha beta")
    assert swapped["cer_order"] > 0.3 and swapped["word_f1"] == 1.0  # order wrong, every word read


def test_eval_finds_ground_truth_beside_scans_in_subfolders(tmp_path: Path) -> None:
    gt_dir, pred = tmp_path / "gt", tmp_path / "pred"
    (gt_dir / "issue1").mkdir(parents=True)
    (pred / "issue1").mkdir(parents=True)
    Image.new("L", (1200, 1000), 255).save(gt_dir / "issue1" / "0007.jpg")
    (gt_dir / "issue1" / "0007.xml").write_text(ALTO)
    Image.new("L", (1200, 1000), 255).save(gt_dir / "letter.png")
    (gt_dir / "letter.txt").write_text("Dear Sir, the meeting is on Monday.")
    (gt_dir / "notes.txt").write_text("a text file with no scan beside it is no ground truth")
    (pred / "issue1" / "0007.txt").write_text("The harbour committee met\n\nRain today")
    (pred / "issue1" / "0007.json").write_text(json.dumps(_pred([(0, [60, 200, 1100, 230])])))
    (pred / "letter.txt").write_text("Dear Sir, the meeting is on Monday.")
    report = evaluate_dirs(gt_dir, pred)
    assert sorted(report["pages"]) == ["issue1/0007", "letter"] and report["missing"] == []
    alto = report["pages"]["issue1/0007"]
    assert alto["word_recall"] == 1.0 and alto["lines_across"] == 1 and "cer_order" not in alto
    assert report["pages"]["letter"]["cer_order"] == 0.0
