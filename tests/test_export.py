"""Archival exports: ALTO 4.4 and PAGE 2019 valid against the official schemas, hOCR and JSONL consistent with JSON."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from digitizer.export import ExportOptions, export, write_outputs
from digitizer.model import BBox, Block, Document, Line, Page, Word

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = Path(__file__).resolve().parent / "schemas"  # official XSDs, see schemas/README.md
A = "{http://www.loc.gov/standards/alto/ns-v4#}"
P = "{http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15}"


@pytest.fixture(scope="module")
def schemas():  # type: ignore[no-untyped-def]
    import xmlschema

    return (
        xmlschema.XMLSchema(str(SCHEMAS / "alto-4-4.xsd")),
        xmlschema.XMLSchema(str(SCHEMAS / "pagecontent-2019-07-15.xsd")),
    )


@pytest.fixture(scope="module")
def old_alto():  # type: ignore[no-untyped-def]
    """The official XSDs of the older ALTO versions written (``--alto-version``), by version."""
    import xmlschema

    return {v: xmlschema.XMLSchema(str(SCHEMAS / f"alto-{v.replace('.', '-')}.xsd")) for v in ("3.1", "2.1")}


@pytest.fixture(scope="module")
def documents(converted) -> list[Document]:  # type: ignore[no-untyped-def]
    """The three samples and the clean generated page, converted with the default settings."""
    import digitizer

    docs = [digitizer.convert(p) for p in sorted((ROOT / "samples").glob("*.jpg"))]
    return [*docs, converted]


def _nows(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _alto_text(root: ET.Element) -> list[tuple[str, str]]:
    """(block ID, text) in ALTO ReadingOrder, mended hyphens taken from SUBS_CONTENT; a block's column pieces
    (TextBlocks linked by IDNEXT) joined into one."""
    blocks = {b.get("ID"): b for b in root.iter(f"{A}TextBlock")}
    linked = {b.get("IDNEXT") for b in blocks.values() if b.get("IDNEXT")}
    out = []
    for ref in root.iter(f"{A}ElementRef"):
        tb = blocks.get(ref.get("REF"))
        if tb is None or tb.get("ID") in linked:
            continue  # a piece read with the block it goes on from
        first, parts = tb.get("ID", ""), []
        while tb is not None:
            for s in tb.iter(f"{A}String"):
                if s.get("SUBS_TYPE") == "HypPart1":
                    parts.append(s.get("SUBS_CONTENT", ""))
                elif s.get("SUBS_TYPE") != "HypPart2":
                    parts.append(s.get("CONTENT", ""))
            tb = blocks.get(tb.get("IDNEXT"))
        out.append((first, "".join(parts)))
    return out


def _ids(root: ET.Element, attr: str) -> list[str]:
    return [e.get(attr, "") for e in root.iter() if e.get(attr) is not None]


def _close(a: list[float], b: list[float], tol: float = 1.01) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_alto_and_page_are_valid_and_ids_unique(documents, schemas) -> None:  # type: ignore[no-untyped-def]
    alto_xsd, page_xsd = schemas
    for doc in documents:
        alto = export(doc, "alto")
        alto_xsd.validate(alto)
        ids = _ids(ET.fromstring(alto), "ID")
        assert len(ids) == len(set(ids)), doc.source
        alto_inch = export(doc, "alto", ExportOptions(alto_unit="inch1200"))
        alto_xsd.validate(alto_inch)
        page = export(doc, "page")
        page_xsd.validate(page)
        ids = _ids(ET.fromstring(page), "id")
        assert len(ids) == len(set(ids)), doc.source
        root = ET.fromstring(page)
        refs = [r.get("regionRef") for r in root.iter(f"{P}RegionRefIndexed")]
        assert refs and set(refs) <= set(ids)


def test_older_alto_versions_are_valid_and_read_in_order(documents, old_alto) -> None:  # type: ignore[no-untyped-def]
    for doc in documents:
        for version, xsd in old_alto.items():
            alto = export(doc, "alto", ExportOptions(alto_version=version))
            xsd.validate(alto)
            root = ET.fromstring(alto)
            ns = f"{{http://www.loc.gov/standards/alto/ns-v{version[0]}#}}"
            assert root.tag == f"{ns}alto"
            # No ReadingOrder before ALTO 4: the TextBlocks' own order, pieces joined along IDNEXT, is the text's.
            strings = [
                s.get("SUBS_CONTENT", "") if s.get("SUBS_TYPE") == "HypPart1" else s.get("CONTENT", "")
                for s in root.iter(f"{ns}String")
                if s.get("SUBS_TYPE") != "HypPart2"
            ]
            assert _nows("".join(strings)) == _nows(export(doc, "txt")), (doc.source, version)


@pytest.mark.timeout(300)
def test_alto_version_from_the_command_line(tmp_path: Path, old_alto) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from digitizer.cli import main

    scan = ROOT / "samples" / "zh_ads.jpg"
    r = CliRunner().invoke(main, ["convert", str(scan), "-o", str(tmp_path), "-f", "alto", "--alto-version", "2.1"])
    assert r.exit_code == 0, r.output
    old_alto["2.1"].validate((tmp_path / "zh_ads.alto.xml").read_text(encoding="utf-8"))
    r = CliRunner().invoke(main, ["convert", str(scan), "-o", str(tmp_path), "-f", "alto", "--alto-version", "5.0"])
    assert r.exit_code == 2 and "5.0" in r.output  # a usage error, named


def test_alto_reads_back_as_txt_in_order(documents) -> None:  # type: ignore[no-untyped-def]
    for doc in documents:
        root = ET.fromstring(export(doc, "alto"))
        got = _alto_text(root)
        text_blocks = doc.pages[0].text_blocks()
        assert [_nows(t) for _, t in got] == [_nows(b.text) for b in text_blocks], doc.source
        assert _nows("".join(t for _, t in got)) == _nows(export(doc, "txt"))


def test_boxes_agree_across_formats(documents) -> None:  # type: ignore[no-untyped-def]
    for doc in documents:
        page = doc.pages[0]
        want = {b.id: b.bbox.as_list() for b in page.blocks}
        alto = ET.fromstring(export(doc, "alto"))
        pieces = {b.id: len(b.parts) > 1 for b in page.blocks}
        for el in alto.iter():
            if el.tag in (f"{A}TextBlock", f"{A}Illustration", f"{A}GraphicalElement"):
                x, y, w, h = (float(el.get(k, "0")) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
                bid = el.get("ID", "")
                if bid in want and not pieces[bid]:
                    assert _close([x, y, x + w, y + h], want[bid]), bid
                else:  # a column piece of a block: inside the block's box (each mapped to the scan and rounded)
                    o = want[bid if bid in want else bid.rsplit("_", 1)[0]]
                    assert o[0] - 3 <= x and x + w <= o[2] + 3 and o[1] - 3 <= y and y + h <= o[3] + 3, bid
        pxml = ET.fromstring(export(doc, "page"))
        for reg in pxml.iter():
            if reg.tag in (f"{P}TextRegion", f"{P}ImageRegion", f"{P}SeparatorRegion"):
                coords = reg.find(f"{P}Coords")
                assert coords is not None
                pts = [tuple(map(int, p.split(","))) for p in coords.get("points", "").split()]
                box = [min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)]
                assert _close(box, want[reg.get("id", "")]), reg.get("id")
        hocr = export(doc, "hocr")
        ET.fromstring(hocr.split("\n", 3)[3])  # well-formed XHTML after the doctype
        for bid, x0, y0, x1, y1 in re.findall(
            r"class='ocr_carea' id='([^']+)' title='bbox (\d+) (\d+) (\d+) (\d+)'", hocr
        ):
            assert _close([float(v) for v in (x0, y0, x1, y1)], want[bid]), bid
        recs = [json.loads(line) for line in export(doc, "jsonl").splitlines()]
        assert len({r["id"] for r in recs}) == len(recs)
        for r in recs:
            if r["kind"] == "article":
                for part in r["blocks"]:
                    assert _close(part["bbox"], want[part["id"]])
            else:
                assert _close(r["bbox"], want[r["id"]])
                assert r["text"] == next(b.text for b in page.blocks if b.id == r["id"])


def test_alto_scan_coordinates_on_a_skewed_page(documents) -> None:  # type: ignore[no-untyped-def]
    """Every String box lies inside the scan, and inch1200 is pixels × 1200 / dpi."""
    doc = documents[0]
    page = doc.pages[0]
    root = ET.fromstring(export(doc, "alto"))
    for s in root.iter(f"{A}String"):
        x, y = float(s.get("HPOS", "0")), float(s.get("VPOS", "0"))
        assert 0 <= x <= page.width and 0 <= y <= page.height
    inch = ET.fromstring(export(doc, "alto", ExportOptions(alto_unit="inch1200")))
    dpi = page.dpi or 300.0
    pe = next(inch.iter(f"{A}Page"))
    assert abs(float(pe.get("WIDTH", "0")) - page.width * 1200 / dpi) <= 1
    assert next(inch.iter(f"{A}MeasurementUnit")).text == "inch1200"


def _line(text: str, x: float, y: float) -> Line:
    words, cx = [], x
    for w in text.split():
        words.append(Word(w, BBox(cx, y, cx + 20 * len(w), y + 30), 0.9))
        cx += 20 * len(w) + 15
    return Line(text, BBox(x, y, cx, y + 30), [(x, y), (cx, y), (cx, y + 30), (x, y + 30)], 0.9, words)


def test_alto_mends_hyphens_with_hyp_and_subs_content(schemas) -> None:  # type: ignore[no-untyped-def]
    l1, l2 = _line("a good exam-", 10, 10), _line("ple of text", 10, 50)
    b = Block("p_b001", "para", BBox(10, 10, 400, 80), 0, [l1, l2], "a good example of text", 0.9)
    doc = Document("x.png", [Page(0, 500, 200, [b], page_id="p", lang="en")])
    alto = export(doc, "alto")
    schemas[0].validate(alto)
    root = ET.fromstring(alto)
    assert [t for _, t in _alto_text(root)] == ["agoodexampleoftext"]
    assert len(list(root.iter(f"{A}HYP"))) == 1


def test_alto_fit_for_ndnp_ingest(schemas) -> None:  # type: ignore[no-untyped-def]
    """A paragraph over two columns is two TextBlocks linked by IDNEXT (no box over both columns), each with its
    LANG; Strings carry CC per character; no ROTATION (coordinates are the scan's as it lies); the file's name as
    given, never a local absolute path."""
    from digitizer.model import Char

    def word(text: str, x: float, y: float, conf: float) -> Word:
        chars = [Char(ch, BBox(x + 20 * i, y, x + 20 * i + 18, y + 30), conf) for i, ch in enumerate(text)]
        return Word(text, BBox(x, y, x + 20 * len(text), y + 30), conf, chars)

    left = Line(
        "the river rose", BBox(10, 10, 290, 40), [], 0.9, [word("the", 10, 10, 0.99), word("river", 80, 10, 0.6)]
    )
    right = Line("in the night", BBox(400, 10, 640, 40), [], 0.9, [word("in", 400, 10, 0.95)])
    parts = [BBox(10, 10, 290, 40), BBox(400, 10, 640, 40)]
    b = Block(
        "p_b001", "para", BBox(10, 10, 640, 40), 0, [left, right], "the river rose in the night", 0.9, parts=parts
    )
    page = Page(0, 700, 100, [b], page_id="p", lang="en", orientation=90)
    alto = export(Document("/home/someone/scans/page 1.tif", [page]), "alto")
    schemas[0].validate(alto)
    root = ET.fromstring(alto)
    blocks = list(root.iter(f"{A}TextBlock"))
    assert [(t.get("ID"), t.get("IDNEXT"), t.get("LANG")) for t in blocks] == [
        ("p_b001", "p_b001_2", "en"),
        ("p_b001_2", None, "en"),
    ]
    assert float(blocks[0].get("HPOS", "0")) + float(blocks[0].get("WIDTH", "0")) <= 291  # not over the gutter
    assert [r.get("REF") for r in root.iter(f"{A}ElementRef")] == ["p_b001", "p_b001_2"]
    strings = {s.get("CONTENT"): s.get("CC") for s in root.iter(f"{A}String")}
    assert strings["the"] == "0 0 0" and strings["river"] == "4 4 4 4 4"
    assert next(root.iter(f"{A}Page")).get("ROTATION") is None
    assert next(root.iter(f"{A}fileName")).text == "page 1.tif"
    assert _alto_text(root) == [("p_b001", "theriverin")]  # the pieces read as the one paragraph


def test_multipage_documents_are_written_per_page(tmp_path: Path) -> None:
    pages = [Page(i, 100, 100, [], page_id=f"scan_p{i + 1:04d}") for i in range(2)]
    out = write_outputs(Document("scan.tif", pages), tmp_path, "scan", ["txt", "page", "jsonl"])
    assert sorted(p.name for p in out) == sorted(
        f"scan_p000{i}{ext}" for i in (1, 2) for ext in (".txt", ".page.xml", ".jsonl")
    )


def test_xml_writer_writes_what_elementtree_indents_and_serializes() -> None:
    """The exporters' streaming writer gives, byte for byte, what ``ET.indent`` + ``ET.tostring`` give for the
    same tree: nesting, empty elements, text and attribute values that need escaping."""
    import random
    import xml.etree.ElementTree as ET

    from digitizer.export._common import XmlWriter, attrs

    rng = random.Random(7)
    values = ["plain", 'a "quoted" <tag> & more', "tab\there", "line\nbreak", "汉字", "", "x > y"]

    def build(parent: ET.Element | None, w: XmlWriter, depth: int) -> ET.Element:
        tag = rng.choice(["Block", "Line", "Glyph", "Coords"])
        at = {f"a{k}": rng.choice(values) for k in range(rng.randrange(3))}
        el = ET.Element(tag, at) if parent is None else ET.SubElement(parent, tag, at)
        n = rng.randrange(4) if depth < 5 else 0
        if n:
            w.open(tag, attrs(at))
            for _ in range(n):
                build(el, w, depth + 1)
            w.close()
        elif rng.random() < 0.3:  # opened for children that never came: an empty element
            w.open(tag, attrs(at))
            w.close()
        else:
            el.text = rng.choice(values)
            w.leaf(tag, attrs(at), el.text)
        return el

    for _ in range(20):
        w = XmlWriter()
        root = build(None, w, 0)
        ET.indent(root, space=" ")
        want = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
        assert w.getvalue() == want


def test_no_alto_textblock_spans_a_gutter(converted, clean_page) -> None:  # type: ignore[no-untyped-def]
    """On a generated multi-column page every paragraph TextBlock lies in one column: a paragraph that goes on in
    the next column is written as pieces linked by IDNEXT (the NDNP profile's rule)."""
    _, gt = clean_page
    pieces = [bx for b in gt["blocks"] if b["type"] == "para" for bx in b["boxes"]]
    gutters = [  # (x, y0, y1): the white between two column pieces side by side
        ((a[2] + b[0]) / 2, max(a[1], b[1]), min(a[3], b[3]))
        for a in pieces
        for b in pieces
        if 5 < b[0] - a[2] < 200 and min(a[3], b[3]) > max(a[1], b[1])
    ]
    root = ET.fromstring(export(converted, "alto"))
    paras = [t for t in root.iter(f"{A}TextBlock") if t.get("TAGREFS") == "TAG_para"]
    assert len(gutters) >= 2 and len(paras) >= 10
    assert any(t.get("IDNEXT") for t in paras)  # some paragraph goes on in the next column
    for t in paras:
        x, y, w, h = (float(t.get(k, "0")) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
        for gx, gy0, gy1 in gutters:
            assert not (x + 5 < gx < x + w - 5 and min(y + h, gy1) > max(y, gy0)), (t.get("ID"), gx)
