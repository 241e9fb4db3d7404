"""A full-text index of converted pages: their articles, ads and whole pages in SQLite FTS5, queried with BM25.

Two FTS5 tables hold the same records: one with the trigram tokenizer (Chinese, which has no spaces, and any
substring of three characters or more), one with unicode61 and Porter stemming (English words in any form). A
query with Han characters goes to the first, others to the second; a Chinese term shorter than three characters
(most Chinese words are two), which trigrams cannot match, is found by substring and ranked by the same BM25
formula in Python. The records are those of the JSONL output (``export.jsonl.records``): ids, boxes in the scan,
an ad's phones; the index is rebuilt per output file, so a rerun adds new and changed pages and drops removed
ones (from a batch's manifest when there is one).
"""

from __future__ import annotations

import json
import logging
import math
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadOptionError, InputNotFoundError, OutputError

__all__ = ["KINDS", "Hit", "IndexReport", "build_index", "search"]

log = logging.getLogger(__name__)

KINDS = ("article", "ad", "page")
SCHEMA_VERSION = 1
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TERMS = re.compile(r'"([^"]+)"|(\S+)')
#: BM25's usual constants (those FTS5 uses), for the substring path.
_K1, _B = 1.2, 0.75
#: The weight of each field in the ranking: a match in a headline or ad title counts more than one in the text.
_WEIGHTS = (3.0, 1.0, 1.0)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    source TEXT NOT NULL,
    page INTEGER NOT NULL,
    page_id TEXT NOT NULL,
    lang TEXT,
    bbox TEXT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    phones TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_file ON records(file);
CREATE VIRTUAL TABLE IF NOT EXISTS fts_cjk USING fts5(
    title, text, phones, content='records', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS fts_words USING fts5(
    title, text, phones, content='records', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
"""


@dataclass
class IndexReport:
    """What an indexing run did."""

    added: int = 0  # output files indexed for the first time
    updated: int = 0  # files changed since they were indexed
    removed: int = 0  # files gone (or no longer done in their batch's manifest)
    unchanged: int = 0
    records: int = 0  # records written in this run
    pages: int = 0  # pages among them
    seconds: float = 0.0

    def text(self) -> str:
        rate = self.pages / self.seconds if self.seconds else 0.0
        return (
            f"files: {self.added} added, {self.updated} updated, {self.removed} removed, {self.unchanged} unchanged; "
            f"{self.records} records from {self.pages} pages in {self.seconds:.1f} s ({rate:.0f} pages/s)"
        )


@dataclass
class Hit:
    """One search result: where it is and a snippet with the match marked."""

    kind: str
    id: str
    source: str
    page: int
    page_id: str
    title: str
    snippet: str
    bbox: list[int] | None
    score: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _connect(db: Path) -> sqlite3.Connection:
    try:
        con = sqlite3.connect(db)
        con.executescript(_SCHEMA)
    except sqlite3.Error as exc:
        raise OutputError(f"{db}: cannot open the index ({exc})") from exc
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    elif row[0] != str(SCHEMA_VERSION):
        raise BadOptionError(f"{db}: an index of another version ({row[0]}); index into a new file")
    return con


# ---------------------------------------------------------------- what an output folder holds


def _manifest_outputs(outdir: Path) -> list[Path] | None:
    """The result files of the pages a batch's manifest records as done (latest record of each page), or None
    where the folder has no manifest (a ``convert`` output)."""
    from .batch import MANIFEST, latest_records, read_manifest

    if not (outdir / MANIFEST).is_file():
        return None
    files = []
    for r in latest_records(read_manifest(outdir)):
        if r.get("status") != "done":
            continue
        outs = [o for o in r.get("outputs", []) if o.endswith((".json", ".jsonl"))]
        pick = next((o for o in outs if o.endswith(".json")), outs[0] if outs else None)
        if pick:
            files.append(outdir / pick)
    return files


def result_files(outdir: Path) -> list[Path]:
    """The page results in an output folder: each page's JSON, or its JSONL where it has no JSON."""
    listed = _manifest_outputs(outdir)
    if listed is not None:
        return sorted(p for p in listed if p.is_file())
    jsons = {p.with_suffix("") for p in outdir.rglob("*.json") if not p.name.startswith(".")}
    out = [p.with_suffix(".json") for p in jsons]
    # Whole stories (``*.articles.jsonl``) are a document's, not a page's: their parts are indexed page by page.
    out += [
        p
        for p in outdir.rglob("*.jsonl")
        if p.name != "manifest.jsonl" and not p.name.endswith(".articles.jsonl") and p.with_suffix("") not in jsons
    ]
    return sorted(out)


def _records_of(path: Path) -> Iterator[dict[str, Any]]:
    """Index records of one result file: its articles and ads (the JSONL output's records) and each page."""
    from .export.jsonl import records
    from .export.text import to_text
    from .model import Document

    if path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if "pages" not in data or "schema_version" not in data:
            return  # some other JSON lying in the folder
        doc = Document.from_dict(data)
        for page in doc.pages:
            recs = records(page, doc.source)
            yield from (r for r in recs if r["kind"] in ("article", "ad"))
            one = Document(doc.source, [page])
            yield {
                "id": page.page_id,
                "kind": "page",
                "source": page.source or doc.source,
                "page": page.index + 1,
                "page_id": page.page_id,
                "lang": page.lang,
                "bbox": [0, 0, page.width, page.height],
                "text": to_text(one).strip(),
            }
        return
    by_page: dict[str, list[dict[str, Any]]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            by_page.setdefault(r["page_id"], []).append(r)
            if r.get("kind") in ("article", "ad"):
                yield r
    for page_id, recs in by_page.items():
        first = recs[0]
        yield {
            "id": page_id,
            "kind": "page",
            "source": first["source"],
            "page": first["page"],
            "page_id": page_id,
            "lang": first.get("lang"),
            "bbox": None,
            "text": "\n\n".join(r.get("text", "") for r in recs),
        }


def _row(file: str, r: dict[str, Any]) -> tuple[Any, ...]:
    title = r.get("headline") or r.get("title") or ""
    return (
        file,
        r["kind"],
        r["id"],
        r["source"],
        int(r["page"]),
        r["page_id"],
        r.get("lang"),
        json.dumps(r.get("bbox")),
        title,
        r.get("text", ""),
        " ".join(r.get("phones", [])),
    )


def _drop(con: sqlite3.Connection, file: str) -> None:
    rows = con.execute("SELECT id, title, text, phones FROM records WHERE file = ?", (file,)).fetchall()
    for table in ("fts_cjk", "fts_words"):
        con.executemany(f"INSERT INTO {table}({table}, rowid, title, text, phones) VALUES ('delete', ?, ?, ?, ?)", rows)
    con.execute("DELETE FROM records WHERE file = ?", (file,))
    con.execute("DELETE FROM files WHERE path = ?", (file,))


def build_index(outdirs: list[Path], db: Path) -> IndexReport:
    """Index the results in ``outdirs`` into ``db`` (made if new): files new or changed since the last run are
    (re)indexed, files gone from the folders (or from their batch's done pages) are dropped."""
    t0 = time.perf_counter()
    for d in outdirs:
        if not d.is_dir():
            raise InputNotFoundError(f"{d}: no such output folder")
    rep = IndexReport()
    con = _connect(db)
    try:
        with con:
            known = dict(con.execute("SELECT path, stamp FROM files").fetchall())
            seen: set[str] = set()
            for d in outdirs:
                for path in result_files(d):
                    key = str(path.resolve())
                    st = path.stat()
                    stamp = f"{st.st_mtime_ns}:{st.st_size}"
                    seen.add(key)
                    if known.get(key) == stamp:
                        rep.unchanged += 1
                        continue
                    if key in known:
                        _drop(con, key)
                        rep.updated += 1
                    else:
                        rep.added += 1
                    try:
                        rows = [_row(key, r) for r in _records_of(path)]
                    except (OSError, ValueError, KeyError, TypeError) as exc:
                        log.warning("%s: not indexed (%s)", path, exc)
                        continue
                    for row in rows:
                        cur = con.execute(
                            "INSERT INTO records(file, kind, record_id, source, page, page_id, lang, bbox, title, "
                            "text, phones) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            row,
                        )
                        for table in ("fts_cjk", "fts_words"):
                            con.execute(
                                f"INSERT INTO {table}(rowid, title, text, phones) VALUES (?, ?, ?, ?)",
                                (cur.lastrowid, row[8], row[9], row[10]),
                            )
                    con.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (key, stamp))
                    rep.records += len(rows)
                    rep.pages += sum(1 for r in rows if r[1] == "page")
            roots = [str(d.resolve()) for d in outdirs]
            for key in known:
                if key not in seen and any(key.startswith(r + "/") for r in roots):
                    _drop(con, key)
                    rep.removed += 1
    except sqlite3.Error as exc:
        raise OutputError(f"{db}: cannot write the index ({exc})") from exc
    finally:
        con.close()
    rep.seconds = time.perf_counter() - t0
    return rep


# ---------------------------------------------------------------- queries


def _terms(query: str) -> list[str]:
    """The query's terms: quoted phrases as they are, other words one by one."""
    return [m.group(1) or m.group(2) for m in _TERMS.finditer(query) if (m.group(1) or m.group(2)).strip()]


def _fts_query(terms: list[str]) -> str:
    """FTS5 syntax for all terms (each a quoted string: a phrase, no operators a user did not mean)."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _mark(text: str, terms: list[str], width: int = 60) -> str:
    """A snippet of ``text`` around the first match, every match marked with [ ]."""
    low = text.lower()
    at = min((i for i in (low.find(t.lower()) for t in terms) if i >= 0), default=0)
    start = max(0, at - width // 2)
    cut = text[start : start + width * 2]
    for t in sorted(terms, key=len, reverse=True):
        cut = re.sub(re.escape(t), lambda m: f"[{m.group(0)}]", cut, flags=re.IGNORECASE)
    return ("…" if start else "") + cut + ("…" if start + width * 2 < len(text) else "")


def _hit(row: sqlite3.Row, snippet: str, score: float) -> Hit:
    return Hit(
        kind=row["kind"],
        id=row["record_id"],
        source=row["source"],
        page=row["page"],
        page_id=row["page_id"],
        title=row["title"],
        snippet=snippet.replace("\n", " "),
        bbox=json.loads(row["bbox"]) if row["bbox"] else None,
        score=round(score, 4),
    )


def _substring_hits(con: sqlite3.Connection, terms: list[str], kinds: tuple[str, ...]) -> list[Hit]:
    """Records holding every term as a substring, ranked by BM25 over the fields (for terms trigrams cannot
    match: Chinese words of one or two characters)."""
    marks = ",".join("?" * len(kinds))
    cond = " AND ".join("instr(title || ' ' || text || ' ' || phones, ?) > 0" for _ in terms)
    rows = con.execute(f"SELECT * FROM records WHERE kind IN ({marks}) AND {cond}", (*kinds, *terms)).fetchall()
    if not rows:
        return []
    n = con.execute(f"SELECT count(*) FROM records WHERE kind IN ({marks})", kinds).fetchone()[0]
    avg = [
        con.execute(f"SELECT avg(length({f})) FROM records WHERE kind IN ({marks})", kinds).fetchone()[0] or 1.0
        for f in ("title", "text", "phones")
    ]
    # The same for every candidate, so it orders nothing; it keeps scores on BM25's scale (the candidates' count
    # stands for each term's document frequency, which it bounds from below).
    idf = math.log(1 + (n - len(rows) + 0.5) / (len(rows) + 0.5))
    hits = []
    for row in rows:
        score = 0.0
        for t in terms:
            for w, f, a in zip(_WEIGHTS, ("title", "text", "phones"), avg, strict=True):
                tf = row[f].count(t)
                score += w * idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * len(row[f]) / a))
        field = row["text"] if any(t in row["text"] for t in terms) else row["title"]
        hits.append(_hit(row, _mark(field, terms), score))
    return sorted(hits, key=lambda h: -h.score)


def search(db: Path, query: str, limit: int = 10, kinds: tuple[str, ...] = KINDS) -> list[Hit]:
    """The best ``limit`` records of ``kinds`` holding every term of ``query``, best first."""
    if not db.is_file():
        raise InputNotFoundError(f"{db}: no such index (make it with digitizer index)")
    terms = _terms(query)
    if not terms:
        raise BadOptionError("an empty query: give a word or a phrase")
    if limit < 1:
        raise BadOptionError("--limit must be at least 1")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        if any(_HAN.search(t) and len(t) < 3 for t in terms):
            return _substring_hits(con, terms, kinds)[:limit]
        table = "fts_cjk" if any(_HAN.search(t) for t in terms) else "fts_words"
        marks = ",".join("?" * len(kinds))
        w = ", ".join(str(x) for x in _WEIGHTS)
        rows = con.execute(
            f"SELECT r.*, bm25({table}, {w}) AS rank, snippet({table}, -1, '[', ']', '…', 16) AS snip "
            f"FROM {table} JOIN records r ON r.id = {table}.rowid "
            f"WHERE {table} MATCH ? AND r.kind IN ({marks}) ORDER BY rank LIMIT ?",
            (_fts_query(terms), *kinds, limit),
        ).fetchall()
        # FTS5's bm25 is negative, best lowest: reported as a positive score, best highest.
        return [_hit(row, row["snip"] or _mark(row["text"], terms), -row["rank"]) for row in rows]
    except sqlite3.Error as exc:
        raise BadOptionError(f"{db}: the query {query!r} cannot be run ({exc})") from exc
    finally:
        con.close()
