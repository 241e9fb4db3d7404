"""The search index (issue #30): ``digitizer index`` over output folders, ``digitizer search`` ranked by BM25.

The indexed pages are the generator's pages as results (their ground truth's blocks, read perfectly): what is
tested here is the index and the ranking, not the reading. A few needles are put into chosen articles, with their
parts scattered over other pages, so that the right first hit is known.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from digitizer.cli import main
from digitizer.model import Article, BBox, Block, Document, Page

PAGES = 50
ZH_NEEDLE, ZH_PAGE = "海边发现一头搁浅的鲸鱼。", 17
EN_NEEDLE, EN_PAGE = " The harbour master said the pier would reopen.", 22
#: Parts of the needles elsewhere: the same characters and words, never together.
SCATTERED = {3: "鱼塘里养了不少鲫鱼。", 5: "鲸的标本在博物馆展出。", 30: " The master said the harbour was calm."}
ARTICLE_KINDS = {"headline", "subtitle", "para", "heading", "byline", "caption"}


def _page(n: int) -> Document:
    """Generated page ``n`` as a result: its ground truth's blocks in order, the story as one article."""
    from digitizer.synth import render_page

    lang = "zh" if n % 2 else "en"
    _img, gt = render_page(n, lang)
    pid = f"page{n:03d}"
    blocks, article = [], Article(f"{pid}_a01", [])
    for k, g in enumerate(gt["blocks"]):
        text = g["text"]
        if g["type"] == "para" and not any(b.kind == "para" for b in blocks):
            text += {ZH_PAGE: ZH_NEEDLE, EN_PAGE: EN_NEEDLE}.get(n, "") + SCATTERED.get(n, "")
        box = BBox(*[min(x[i] for x in g["boxes"]) for i in (0, 1)], *[max(x[i] for x in g["boxes"]) for i in (2, 3)])
        b = Block(f"{pid}_b{k + 1:03d}", g["type"], box, k, text=text)
        if g["type"] == "ad":
            b.title, b.text = text.split("\n")[0], text
            b.phones = re.findall(r"\d{7,11}", text)
        if g["type"] in ARTICLE_KINDS:
            b.article = article.id
            article.block_ids.append(b.id)
            article.headline = article.headline or (text if g["type"] == "headline" else "")
        blocks.append(b)
    page = Page(0, 2480, 3508, blocks, [article], f"scans/{pid}.jpg", pid, lang)
    return Document(f"scans/{pid}.jpg", [page], version="test", created="2026-12-07T00:00:00")


@pytest.fixture(scope="module")
def outdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("outputs")
    for n in range(PAGES):
        (d / f"page{n:03d}.json").write_text(json.dumps(_page(n).to_dict(), ensure_ascii=False), encoding="utf-8")
    return d


def _search(db: Path, *args: str) -> list[dict]:
    r = CliRunner().invoke(main, ["search", str(db), *args, "--json"])
    assert r.exit_code == 0, r.output
    return [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]


@pytest.mark.timeout(120)
def test_index_of_50_pages_finds_the_right_article_first(outdir: Path, tmp_path: Path) -> None:
    db = tmp_path / "idx.db"
    r = CliRunner().invoke(main, ["index", str(outdir), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert f"files: {PAGES} added" in r.output
    # A two-character Chinese word (shorter than a trigram): the article that holds it, first.
    hits = _search(db, "鲸鱼")
    assert hits[0]["kind"] == "article" and hits[0]["id"] == f"page{ZH_PAGE:03d}_a01", hits[:3]
    assert "[鲸鱼]" in hits[0]["snippet"] and hits[0]["source"] == f"scans/page{ZH_PAGE:03d}.jpg"
    assert hits[0]["page"] == 1 and len(hits[0]["bbox"]) == 4
    assert {h["page_id"] for h in hits} == {f"page{ZH_PAGE:03d}"}  # its article and its page, nothing else
    # Longer Chinese (trigrams), and an English phrase whose words are also on another page, apart.
    assert _search(db, "搁浅的鲸鱼", "--kind", "article")[0]["id"] == f"page{ZH_PAGE:03d}_a01"
    hits = _search(db, '"harbour master"')
    assert hits[0]["kind"] == "article" and hits[0]["id"] == f"page{EN_PAGE:03d}_a01", hits[:3]
    assert "[harbour master]" in hits[0]["snippet"].lower()
    assert {h["page_id"] for h in hits} == {f"page{EN_PAGE:03d}"}
    both = {h["page_id"] for h in _search(db, "harbour master")}  # both words anywhere
    assert both == {f"page{EN_PAGE:03d}", "page030"}
    # Stemming: "reopens" finds "reopen"; ads by their phone numbers; --kind and --limit.
    hits = _search(db, "reopens", "--limit", "100")
    assert f"page{EN_PAGE:03d}" in {h["page_id"] for h in hits}
    assert all(re.search(r"\[reopen(ed)?\]", h["snippet"].lower()) for h in hits)
    ad = next(b for b in _page(1).pages[0].blocks if b.kind == "ad" and b.phones)
    hits = _search(db, ad.phones[0], "--kind", "ad", "--limit", "3")
    assert 1 <= len(hits) <= 3 and all(h["kind"] == "ad" for h in hits)
    assert any(ad.phones[0] in h["snippet"].replace("[", "").replace("]", "") for h in hits)
    # No hits is no error; an empty query and a missing index are.
    r = CliRunner().invoke(main, ["search", str(db), "zebra crossing"])
    assert r.exit_code == 0 and r.stdout == ""
    assert CliRunner().invoke(main, ["search", str(db), "  "]).exit_code == 2
    assert CliRunner().invoke(main, ["search", str(tmp_path / "none.db"), "x"]).exit_code == 3
    # Run as a module too (python -m digitizer.cli), as the bench runs the CLI.
    import subprocess
    import sys

    r2 = subprocess.run(
        [sys.executable, "-m", "digitizer.cli", "search", str(db), "鲸鱼", "--json", "--limit", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r2.returncode == 0 and json.loads(r2.stdout)["id"] == f"page{ZH_PAGE:03d}_a01", r2.stderr


@pytest.mark.timeout(120)
def test_a_rerun_indexes_only_what_changed_and_follows_a_batch_manifest(outdir: Path, tmp_path: Path) -> None:
    import shutil

    out = tmp_path / "out"
    shutil.copytree(outdir, out)
    db = tmp_path / "idx.db"
    assert CliRunner().invoke(main, ["index", str(out), "--db", str(db)]).exit_code == 0
    r = CliRunner().invoke(main, ["index", str(out), "--db", str(db)])
    assert f"0 added, 0 updated, 0 removed, {PAGES} unchanged" in r.output
    # A page removed and another changed: one dropped, one redone, nothing else touched.
    (out / f"page{ZH_PAGE:03d}.json").unlink()
    changed = out / f"page{EN_PAGE:03d}.json"
    changed.write_text(changed.read_text(encoding="utf-8").replace("harbour master", "lighthouse keeper"))
    r = CliRunner().invoke(main, ["index", str(out), "--db", str(db)])
    assert f"0 added, 1 updated, 1 removed, {PAGES - 2} unchanged" in r.output, r.output
    assert _search(db, "鲸鱼") == [] and _search(db, '"harbour master"') == []
    assert _search(db, '"lighthouse keeper"')[0]["id"] == f"page{EN_PAGE:03d}_a01"
    # In a batch's folder the manifest says which pages count: a page whose latest record failed is dropped.
    records = [
        {"input": f"scans/page{n:03d}.jpg", "page": 1, "status": "done", "outputs": [f"page{n:03d}.json"]}
        for n in range(PAGES)
        if n != ZH_PAGE
    ]
    records[0] = {**records[0], "status": "failed", "outputs": []}
    (out / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    r = CliRunner().invoke(main, ["index", str(out), "--db", str(db)])
    assert "1 removed" in r.output, r.output
    assert all(h["page_id"] != "page000" for h in _search(db, "the", "--limit", "100"))


def test_whole_story_files_are_not_taken_for_page_results(tmp_path: Path) -> None:
    from digitizer.search import result_files

    (tmp_path / "a.jsonl").write_text('{"id": "a_a01", "page_id": "a", "kind": "article"}\n')
    (tmp_path / "issue.articles.jsonl").write_text('{"id": "a_a01", "kind": "story", "parts": []}\n')
    assert result_files(tmp_path) == [tmp_path / "a.jsonl"]
