"""Stories followed across pages (issue #30): a generated 3-page issue, in Chinese and in English, whose two lead
stories jump from pages 1 and 2 to page 3, read by the real models as a batch issue and as one multi-page scan.

Both links are found both ways, the whole story's text equals the ground truth's (the paragraph cut at the jump
joined up again), jump lines are kept out of every article's text, and the issue's METS holds each story as one
division across its pages.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from digitizer.evaluate import normalize

SCHEMAS = Path(__file__).resolve().parent / "schemas"
M = "{http://www.loc.gov/METS/}"


def _cer(ref: str, hyp: str, lang: str) -> float:
    r, h = normalize(ref, lang == "en"), normalize(hyp, lang == "en")
    return Levenshtein.distance(r, h) / max(1, len(r))


@pytest.fixture(scope="module", params=["zh", "en"])
def issue(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The issue generated and read as a batch issue: its folder, the batch's outputs and the ground truth."""
    if not Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").exists():
        pytest.skip("fonts-noto-cjk not installed")
    from click.testing import CliRunner

    from digitizer.cli import main
    from digitizer.synth.issue import generate_issue

    lang = request.param
    d = tmp_path_factory.mktemp(f"issue_{lang}")
    paths = generate_issue(d / "pages", seed=11, lang=lang)
    out = d / "out"
    r = CliRunner().invoke(
        main,
        ["-q", "batch", str(d / "pages"), "--issue", "-o", str(out), "-f", "txt,jsonl,mets", "--articles", "stitched"],
    )
    assert r.exit_code == 0, r.output
    truth = json.loads(next((d / "pages").glob("*.issue.json")).read_text(encoding="utf-8"))
    gts = [json.loads(p.with_suffix(".gt.json").read_text(encoding="utf-8")) for p in paths]
    return {"lang": lang, "dir": d, "paths": paths, "out": out, "truth": truth, "gts": gts}


def _page(out: Path, image: Path) -> dict[str, Any]:
    page: dict[str, Any] = json.loads((out / f"{image.stem}.json").read_text(encoding="utf-8"))["pages"][0]
    return page


def _found(page: dict[str, Any], gt: dict[str, Any], article: str) -> dict[str, Any]:
    """The output's article for a ground-truth article: the one whose headline its head is."""
    head = next(b["text"] for b in gt["blocks"] if b.get("article") == article and b["type"] == "headline")
    best = max(page["articles"], key=lambda a: fuzz.ratio(a["headline"].lower(), head.lower()))
    assert fuzz.ratio(best["headline"].lower(), head.lower()) >= 80, (head, page["articles"])
    return best


@pytest.mark.timeout(300)
def test_both_jumps_are_linked_both_ways_and_nothing_else(issue: dict[str, Any]) -> None:
    pages = [_page(issue["out"], p) for p in issue["paths"]]
    linked = set()
    for story in issue["truth"]["stories"]:
        (p1, a1), (p3, a3) = ((s["page"], s["article"]) for s in story["parts"])
        first = _found(pages[p1 - 1], issue["gts"][p1 - 1], a1)
        rest = _found(pages[p3 - 1], issue["gts"][p3 - 1], a3)
        assert first.get("continued_on") == {"page": p3, "article": rest["id"]}
        assert rest.get("continued_from") == {"page": p1, "article": first["id"]}
        linked |= {first["id"], rest["id"]}
        # The JSONL records carry the same links.
        records = [
            json.loads(line)
            for line in (issue["out"] / f"{issue['paths'][p1 - 1].stem}.jsonl").read_text(encoding="utf-8").splitlines()
        ]
        rec = next(r for r in records if r["id"] == first["id"])
        assert rec["continued_on"] == {"page": p3, "article": rest["id"]}
    # The stories that end on their page link to nothing.
    others = [a for p in pages for a in p["articles"] if a["id"] not in linked]
    assert others and not any(a.get("continued_on") or a.get("continued_from") for a in others)


@pytest.mark.timeout(300)
def test_the_stitched_story_is_the_ground_truths_and_jump_lines_are_no_articles_text(issue: dict[str, Any]) -> None:
    lang = issue["lang"]
    # The issue is named after its folder.
    stories = [json.loads(line) for line in (issue["out"] / "pages.articles.jsonl").read_text().splitlines()]
    jumps = [normalize(b["text"], lang == "en") for gt in issue["gts"] for b in gt["blocks"] if b["type"] == "jump"]
    assert len(jumps) == 4
    for story in issue["truth"]["stories"]:
        p1 = story["parts"][0]["page"]
        whole = [s for s in stories if s["page"] == p1 and [p["page"] for p in s["parts"]] == [p1, 3]]
        assert len(whole) == 1, [(s["page"], s["parts"]) for s in stories]
        assert _cer(story["text"], whole[0]["text"], lang) <= 0.01
    # Jump lines are directions, not text: in no article record, page by page, nor in any whole story.
    texts = [s["text"] for s in stories]
    for p in issue["paths"]:
        for line in (issue["out"] / f"{p.stem}.jsonl").read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            if rec["kind"] == "article":
                texts.append(rec["text"])
            if rec["kind"] == "jump":
                assert normalize(rec["text"], lang == "en") in jumps
    for t in texts:
        norm = normalize(t, lang == "en")
        assert not any(j in norm for j in jumps), t[:80]


@pytest.mark.timeout(300)
def test_the_issues_mets_holds_each_jumped_story_as_one_division(issue: dict[str, Any]) -> None:
    import xmlschema

    xml = (issue["out"] / "pages.mets.xml").read_text(encoding="utf-8")
    xmlschema.XMLSchema(str(SCHEMAS / "mets-1-12-1.xsd")).validate(xml)
    root = ET.fromstring(xml)
    logical = next(s for s in root.iter(f"{M}structMap") if s.get("TYPE") == "LOGICAL")
    spans = [
        sorted({a.get("FILEID") for a in div.iter(f"{M}area")})
        for div in logical.iter(f"{M}div")
        if div.get("TYPE") == "article"
    ]
    # Pages 1 and 3, pages 2 and 3: one division each; the stories that end on their page stay on it.
    assert sorted(s for s in spans if len(s) > 1) == [["ALTO0001", "ALTO0003"], ["ALTO0002", "ALTO0003"]]
    assert sum(1 for s in spans if len(s) == 1) == 2


@pytest.mark.timeout(300)
@pytest.mark.parametrize("issue", ["en"], indirect=True)  # one language is enough for the convert path
def test_a_multi_page_scan_links_its_stories_on_convert(issue: dict[str, Any], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from digitizer.cli import main

    tif = tmp_path / "issue.tif"
    images = [Image.open(p).convert("RGB") for p in issue["paths"]]
    images[0].save(tif, save_all=True, append_images=images[1:], compression="tiff_lzw")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["convert", str(tif), "-o", str(out), "-f", "jsonl", "--articles", "stitched"])
    assert r.exit_code == 0, r.output
    records = [json.loads(line) for n in (1, 2, 3) for line in (out / f"issue_p000{n}.jsonl").read_text().splitlines()]
    ons = {r["id"]: r["continued_on"] for r in records if r.get("continued_on")}
    froms = {r["id"]: r["continued_from"] for r in records if r.get("continued_from")}
    assert len(ons) == 2 and len(froms) == 2
    assert all(froms[v["article"]]["article"] == k for k, v in ons.items())
    stories = [json.loads(line) for line in (out / "issue.articles.jsonl").read_text().splitlines()]
    assert sorted(len(s["parts"]) for s in stories) == [1, 1, 2, 2]
