"""METS for an issue (issue #29): a 3-page scan converted with ``--format mets``, the METS valid against METS
1.12.1, and every file and ALTO id it names present."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

SCHEMAS = Path(__file__).resolve().parent / "schemas"
M = "{http://www.loc.gov/METS/}"
A = "{http://www.loc.gov/standards/alto/ns-v4#}"
XLINK = "{http://www.w3.org/1999/xlink}href"


@pytest.fixture(scope="module")
def issue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three generated front pages as one multi-page TIFF (an issue scanned into one file)."""
    if not Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc").exists():
        pytest.skip("fonts-noto-cjk not installed")
    from digitizer.synth import generate

    d = tmp_path_factory.mktemp("issue")
    pages = [Image.open(p).convert("RGB") for p in generate(d / "pages", count=3, seed=41, lang="zh")]
    path = d / "issue.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_lzw")
    return path


@pytest.mark.timeout(300)
def test_mets_of_a_three_page_issue_is_valid_and_every_reference_resolves(issue: Path, tmp_path: Path) -> None:
    import xmlschema
    from click.testing import CliRunner

    from digitizer.cli import main

    r = CliRunner().invoke(main, ["convert", str(issue), "-o", str(tmp_path), "-f", "txt,mets"])
    assert r.exit_code == 0, r.output
    mets_path = tmp_path / "issue.mets.xml"
    xml = mets_path.read_text(encoding="utf-8")
    xmlschema.XMLSchema(str(SCHEMAS / "mets-1-12-1.xsd")).validate(xml)
    root = ET.fromstring(xml)
    files = {f.get("ID"): f for f in root.iter(f"{M}file")}
    hrefs = {fid: f.find(f"{M}FLocat").get(XLINK) for fid, f in files.items()}  # type: ignore[union-attr]
    # The image by its path from the METS file; each page's ALTO beside the METS (mets brings alto with it):
    # every file named is there.
    assert sorted(h for h in hrefs.values() if h.endswith(".alto.xml")) == [
        f"issue_p000{n}.alto.xml" for n in (1, 2, 3)
    ]
    assert not any(h.startswith("/") for h in hrefs.values())
    assert all((tmp_path / h).is_file() for h in hrefs.values())
    assert any((tmp_path / h).resolve() == issue.resolve() for h in hrefs.values())
    pages = [d for d in root.iter(f"{M}div") if d.get("TYPE") == "page"]
    assert [p.get("ORDER") for p in pages] == ["1", "2", "3"]
    for p in pages:
        ids = [f.get("FILEID") for f in p.iter(f"{M}fptr")]
        assert len(ids) == 2 and all(i in files for i in ids)
    # Every article and ad points at TextBlocks that exist in the ALTO file it names.
    alto_ids = {
        fid: {e.get("ID") for e in ET.parse(tmp_path / h).getroot().iter() if e.get("ID")}
        for fid, h in hrefs.items()
        if h.endswith(".alto.xml")
    }
    logical = [d for d in root.iter(f"{M}div") if d.get("TYPE") in ("article", "advertisement")]
    assert len({d.get("TYPE") for d in logical}) == 2  # articles and ads
    areas = [a for d in logical for a in d.iter(f"{M}area")]
    assert areas and all(a.get("BEGIN") in alto_ids[a.get("FILEID", "")] for a in areas)
    assert len({a.get("FILEID") for a in areas}) == 3  # on every page
    # The classified-ads band's head is a section holding the ads under it, in reading order.
    sections = [d for d in root.iter(f"{M}div") if d.get("TYPE") == "section"]
    assert len(sections) == 3 and all(s.get("LABEL") == "分类广告" for s in sections)
    assert all(any(c.get("TYPE") == "advertisement" for c in s.findall(f"{M}div")) for s in sections)


def _references_resolve(mets_path: Path) -> list[str]:
    """Every file the METS names exists beside it, and every ALTO id it points at is in that ALTO file; the
    hrefs of its ALTO files, in page order."""
    import xmlschema

    xmlschema.XMLSchema(str(SCHEMAS / "mets-1-12-1.xsd")).validate(mets_path.read_text(encoding="utf-8"))
    root = ET.parse(mets_path).getroot()
    hrefs = {f.get("ID"): f.find(f"{M}FLocat").get(XLINK) for f in root.iter(f"{M}file")}  # type: ignore[union-attr]
    assert all((mets_path.parent / h).is_file() for h in hrefs.values())
    alto_ids = {
        fid: {e.get("ID") for e in ET.parse(mets_path.parent / h).getroot().iter() if e.get("ID")}
        for fid, h in hrefs.items()
        if h.endswith(".alto.xml")
    }
    areas = list(root.iter(f"{M}area"))
    assert areas and all(a.get("BEGIN") in alto_ids[a.get("FILEID", "")] for a in areas)
    pages = [d for d in root.iter(f"{M}div") if d.get("TYPE") == "page"]
    return [hrefs[f.get("FILEID")] for p in pages for f in p.iter(f"{M}fptr") if f.get("FILEID", "").startswith("ALTO")]


@pytest.mark.timeout(400)
def test_batch_writes_one_mets_and_pdf_for_an_issue_folder_once_every_page_is_done(issue: Path, tmp_path: Path) -> None:
    import pikepdf
    from click.testing import CliRunner
    from pikepdf.pdfa import check

    from digitizer.cli import main

    folder = tmp_path / "1921-03-04"
    folder.mkdir()
    for n, page in enumerate(sorted((issue.parent / "pages").glob("*.jpg"))):
        (folder / f"p{n + 1}.jpg").write_bytes(page.read_bytes())
    (folder / "p4.jpg").write_bytes(b"")  # a page that cannot be read: the issue is not whole
    out = tmp_path / "out"
    args = ["batch", str(folder), "--issue", "-o", str(out), "-f", "txt,mets,pdf", "-j", "1"]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 10, r.output
    assert "LEFT OUT 1921-03-04" in r.output
    assert not (out / "1921-03-04.mets.xml").exists() and not (out / "1921-03-04.pdf").exists()
    # The bad page taken out, a rerun converts nothing again and writes the issue's METS and PDF.
    (folder / "p4.jpg").unlink()
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert "skipped (already done): 3" in r.output and "wrote 1921-03-04.mets.xml" in r.output
    assert _references_resolve(out / "1921-03-04.mets.xml") == [f"p{n}.alto.xml" for n in (1, 2, 3)]
    with pikepdf.open(out / "1921-03-04.pdf") as pdf:
        assert len(pdf.pages) == 3 and check(pdf, "2b").findings == []
        for n, pg in enumerate(pdf.pages):
            (img,) = pg.get_images().values()
            assert img.read_raw_bytes() == (folder / f"p{n + 1}.jpg").read_bytes()
    # A third run finds the documents up to date and leaves them as they are.
    made = (out / "1921-03-04.pdf").stat().st_mtime_ns
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and "wrote" not in r.output
    assert (out / "1921-03-04.pdf").stat().st_mtime_ns == made
    # Without --issue: one METS per input file.
    r = CliRunner().invoke(main, ["batch", str(folder), "-o", str(out / "each"), "-f", "mets", "-j", "1"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (out / "each").glob("*.mets.xml")) == [f"p{n}.mets.xml" for n in (1, 2, 3)]
    # --issue with no document format, or several inputs and no name: usage errors before any page is read.
    r = CliRunner().invoke(main, ["batch", str(folder), "--issue", "-o", str(out), "-f", "txt"])
    assert r.exit_code == 2 and "--issue" in r.output
    r = CliRunner().invoke(main, ["batch", str(folder), str(issue), "--issue", "-o", str(out), "-f", "mets"])
    assert r.exit_code == 2 and "--issue-name" in r.output
