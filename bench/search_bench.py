"""Search index speed: ``digitizer index`` over 1,000 pages of JSONL, then query latency (``bench/SEARCH.md``).

The pages are made from the generator's text (articles of 3-6 paragraphs under a headline and subtitle, a dozen
ads with phone numbers; Chinese and English in turn), written as the JSONL output writes them; the index is
built into a new file, then updated once with nothing changed (the incremental pass), then queried.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitizer.search import build_index, search  # noqa: E402
from digitizer.synth.text import EN_SENTENCES, TITLES_EN, TITLES_ZH, ZH_SENTENCES, make_ads  # noqa: E402

QUERIES = [
    "鲸鱼",
    "小区",
    "居民 出行",
    "老旧小区",
    "图书馆",
    "改造惠及万余户",
    "library",
    '"new bus line"',
    "council repairs",
    "reopens",
]


def _page(n: int, rng: random.Random) -> list[dict]:
    zh = n % 2 == 1
    pid = f"page{n:05d}"
    base = {"source": f"scans/{pid}.jpg", "page": 1, "page_id": pid, "lang": "zh" if zh else "en"}
    head, sub = rng.choice(TITLES_ZH if zh else TITLES_EN)
    sentences = ZH_SENTENCES if zh else EN_SENTENCES
    paras = [("" if zh else " ").join(rng.sample(sentences, rng.randint(3, 6))) for _ in range(rng.randint(4, 9))]
    recs = [
        {
            "id": f"{pid}_a01",
            **base,
            "kind": "article",
            "headline": head,
            "text": "\n\n".join([head, sub, *paras]),
            "bbox": [100, 300, 2300, 2000],
        }
    ]
    for k, ad in enumerate(make_ads(rng, zh, 12)):
        title, *rest = ad.split("\n")
        phones = [w for w in ad.replace("：", " ").replace(":", " ").split() if w.isdigit() and len(w) >= 7]
        recs.append(
            {
                "id": f"{pid}_b{k + 30:03d}",
                **base,
                "kind": "ad",
                "title": title,
                "text": ad,
                "phones": phones,
                "bbox": [100, 2100 + 90 * k, 800, 2180 + 90 * k],
            }
        )
    return recs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "SEARCH.md")
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        for n in range(args.pages):
            lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _page(n, rng))
            (out / f"page{n:05d}.jsonl").write_text(lines, encoding="utf-8")
        db = Path(tmp) / "index.db"
        first = build_index([out], db)
        again = build_index([out], db)
        size = db.stat().st_size
        rows = []
        for q in QUERIES:
            times = []
            for _ in range(5):
                t = time.perf_counter()
                hits = search(db, q, limit=10)
                times.append(time.perf_counter() - t)
            rows.append((q, len(hits), statistics.median(times) * 1000))
    lines = [
        "# Search index",
        "",
        f"`python bench/search_bench.py`: {args.pages} generated pages of JSONL (one article and 12 ads each, "
        "Chinese and English in turn), indexed into SQLite FTS5 (trigram and Porter tables).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| first index | {first.seconds:.2f} s, {first.pages / first.seconds:.0f} pages/s, {first.records} records |",
        f"| rerun, nothing changed | {again.seconds:.2f} s ({again.unchanged} files unchanged) |",
        f"| index size | {size / 1e6:.1f} MB |",
        "",
        "| query | hits (limit 10) | median latency, ms (5 runs) |",
        "|---|---|---|",
        *[f"| `{q}` | {n} | {ms:.1f} |" for q, n, ms in rows],
        "",
        "Two-character Chinese terms (shorter than a trigram) are found by substring and ranked by BM25 in Python;",
        "the others by FTS5's own BM25.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
