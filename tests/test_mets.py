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
    # The image by its name (an absolute local path is cut to it); each page's ALTO beside the METS (mets brings
    # alto with it).
    assert sorted(h for h in hrefs.values() if h.endswith(".alto.xml")) == [
        f"issue_p000{n}.alto.xml" for n in (1, 2, 3)
    ]
    assert issue.name in hrefs.values() and not any(h.startswith("/") for h in hrefs.values())
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
    # Batch does not write METS yet: a clear usage error, not a silent skip.
    r = CliRunner().invoke(main, ["batch", str(issue), "-o", str(tmp_path / "b"), "-f", "mets"])
    assert r.exit_code == 2 and "mets" in r.output
