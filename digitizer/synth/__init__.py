"""Synthetic newspaper pages with exact ground truth (``digitizer synth``).

A page is laid out like a local paper (running header, headline and subtitle across the columns, 3-6 ruled
columns with paragraphs flowing from one column into the next, section headings, a photo with its caption,
a byline, a classified-ads band with boxed ads, some with inverted titles, a footer), then aged like a scan
(tint, uneven light, bleed-through, skew, blur, noise, JPEG). The ground truth lists the blocks in reading order
with their whole text and their boxes in the saved image's pixels.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw

from .text import EN_SENTENCES, HEADINGS_EN, HEADINGS_ZH, TITLES_EN, TITLES_ZH, ZH_SENTENCES, make_ads
from .typeset import Canvas, FontSet, GTBlock, _fit, flow_paragraph, moved_box, tag_article

__all__ = ["FontSet", "generate", "render_page"]


def _photo(c: Canvas, box: tuple[int, int, int, int]) -> Image.Image:
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    rng = np.random.default_rng(c.rng.randrange(1 << 30))
    small = rng.integers(0, 255, (max(2, h // 60), max(2, w // 60), 3), dtype=np.uint8)
    img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    img = cv2.GaussianBlur(img, (0, 0), 6)
    return Image.fromarray(img)


def render_page(seed: int, lang: str, kind: str = "front") -> tuple[Image.Image, dict]:
    """Render one clean page (RGB) and its ground truth (boxes in the clean page's pixels)."""
    rng = random.Random(seed)
    w, h = (2480, 3508) if rng.random() < 0.5 else (3000, 4300)
    c = Canvas(w, h, lang, rng)
    zh = lang == "zh"
    m = int(w * 0.05)
    body = int(w * rng.uniform(0.0125, 0.015))
    lead = body * rng.uniform(1.55, 1.75)
    blocks: list[GTBlock] = []
    photo_layer: list[tuple[Image.Image, tuple[int, int]]] = []
    # Running header
    hf = c.font(c.f.sans, int(body * 0.95))
    name = "鲁中晨报" if zh else "The Valley Courier"
    date = "2024年3月18日 星期一" if zh else "Monday, March 18, 2024"
    label = f"A0{rng.randint(2, 9)} 本地新闻" if zh else f"A{rng.randint(2, 9)} LOCAL NEWS"
    y: float = m
    for s, pos in ((name, "l"), (date, "c"), (label, "r")):
        if pos == "l":
            b = c.text(m, y, s, c.font(c.f.bold, int(body * 1.2)))
        elif pos == "c":
            b = c.centered(m, w - m, y, s, hf)
        else:
            tw = c.draw.textlength(s, font=hf)
            b = c.text(w - m - tw, y, s, hf)
        blocks.append(GTBlock("header", s, [b]))
    y += int(body * 2.2)
    c.draw.rectangle((m, y, w - m, y + 4), fill=0)
    y += int(body * 1.2)
    ncols = rng.randint(3, 6)
    gutter = int(body * 1.6)
    colw = (w - 2 * m - gutter * (ncols - 1)) / ncols
    ads_top = None
    if kind == "front":
        title = rng.choice(TITLES_ZH if zh else TITLES_EN)
        tf = c.font(c.f.bold, int(body * rng.uniform(3.2, 4.2)))
        b = c.centered(m, w - m, y, title[0], tf)
        front = len(blocks)
        blocks.append(GTBlock("headline", title[0], [b]))
        y = b[3] + body * 1.0
        use_kai = rng.random() < 0.5  # drawn on every page, so a missing Kai face changes nothing else
        sf = c.font(c.f.kai if (use_kai and c.f.kai) else c.f.sans, int(body * 1.7))
        b = c.centered(m, w - m, y, title[1], sf)
        blocks.append(GTBlock("subtitle", title[1], [b]))
        y = b[3] + body * 1.5
        art_bottom = h * rng.uniform(0.55, 0.62)
        cols = [[m + k * (colw + gutter), m + k * (colw + gutter) + colw, y, art_bottom] for k in range(ncols)]
        for k in range(1, ncols):
            gx = m + k * (colw + gutter) - gutter / 2
            c.draw.line((gx, y, gx, art_bottom), fill=0, width=2)
        # Photo over the last two columns, caption under it.
        pc0 = ncols - 2
        px0, px1 = int(cols[pc0][0]), int(cols[-1][1])
        ph = int((px1 - px0) * rng.uniform(0.5, 0.65))
        py0 = int(y)
        photo_layer.append((_photo(c, (px0, py0, px1, py0 + ph)), (px0, py0)))
        cap = (
            rng.choice(["工作人员正在整理馆藏资料", "市民在活动现场参观", "新建成的社区服务中心"])
            if zh
            else rng.choice(["Volunteers sort donations at the center", "Visitors at the opening of the new hall"])
        )
        cf = c.font(c.f.sans, int(body * 0.85))
        cb = c.centered(px0, px1, py0 + ph + body * 0.5, cap, cf)
        blocks.append(GTBlock("caption", cap, [cb]))
        for k in range(pc0, ncols):
            cols[k][2] = cb[3] + body * 1.2
        bf = c.font(c.f.body, body)
        hdf = c.font(c.f.bold, int(body * 1.25))
        ci = 0
        n_paras = 0
        sentences = ZH_SENTENCES if zh else EN_SENTENCES
        while ci < ncols:
            if n_paras and n_paras % 3 == 0 and rng.random() < 0.8:
                x0, x1, yy, ye = cols[ci]
                if yy + body * 4 > ye:
                    ci += 1
                    continue
                head = rng.choice(HEADINGS_ZH if zh else HEADINGS_EN)
                hf = hdf
                size = int(body * 1.25)
                while size > body and c.draw.textlength(head, font=hf) > x1 - x0 - body:
                    size -= 2  # a heading never runs over its column's edge
                    hf = c.font(c.f.bold, size)
                # Still too wide at body size (narrow columns): it wraps, as a compositor would set it.
                hboxes = []
                hy = yy + body * 0.4
                for part in _fit(c, head, hf, x1 - x0 - body * 0.5, zh):
                    hb = c.centered(x0, x1, hy, part, hf)
                    hboxes.append(hb)
                    hy += size * 1.25
                blocks.append(GTBlock("heading", head, hboxes))
                cols[ci][2] = hboxes[-1][3] + body * 0.9
            k = rng.randint(3, 6)
            text = ("" if zh else " ").join(rng.sample(sentences, k))
            snapshot = [list(col) for col in cols]
            state = c.img.copy()
            ci2, boxes, ok = flow_paragraph(c, text, bf, cols, ci, lead, True, lang)
            if not ok:
                c.img = state
                c.draw = ImageDraw.Draw(c.img)
                for k2 in range(ncols):
                    cols[k2] = snapshot[k2]
                break
            blocks.append(GTBlock("para", text, list(boxes)))
            ci = ci2
            n_paras += 1
        byl = "本报记者 王晨 通讯员 李华" if zh else "By Anna Miller, Staff Writer"
        x0, x1, yy, ye = cols[min(ci, ncols - 1)]
        if yy + body * 1.5 < art_bottom + body * 2:
            blf = c.font(c.f.bold, int(body * 0.95))
            bboxes = []
            by = yy + body * 0.3
            for part in _fit(c, byl, blf, x1 - x0, zh):  # never past the column's (or the page's) edge
                bboxes.append(c.text(x0, by, part, blf))
                by += body * 1.3
            blocks.append(GTBlock("byline", byl, bboxes))
        tag_article(blocks, front, "a1")
        ads_top = art_bottom + body * 2.5
    else:
        ads_top = y
    # Classified ads
    band_h = int(body * 2.6)
    c.draw.rectangle((m, ads_top, w - m, ads_top + band_h), fill=0)
    sec = "分类广告" if zh else "CLASSIFIEDS"
    b = c.centered(m, w - m, ads_top + band_h * 0.12, sec, c.font(c.f.bold, int(body * 1.9)), fill=255)
    blocks.append(GTBlock("section", sec, [b]))
    ay = ads_top + band_h + body * 1.2
    acols = 3
    agut = body * 1.2
    aw = (w - 2 * m - agut * (acols - 1)) / acols
    pool = make_ads(rng, zh, 3 * 8)
    af = c.font(c.f.body, int(body * 0.95))
    atf = c.font(c.f.bold, int(body * 1.15))
    foot_y = h - m - body * 2
    n_rows = 2 if kind == "front" else rng.randint(5, 7)
    k = 0
    for col in range(acols):
        yy = ay
        for _ in range(n_rows):
            ad = pool[k % len(pool)]
            k += 1
            ad_title, *rest = ad.split("\n")
            # Body lines wrap inside the box (a printer never lets an ad run over its border).
            lines = [ad_title] + [part for r in rest for part in _fit(c, r, af, aw - body * 1.2, zh)]
            bh = body * 1.5 + len(lines) * body * 1.45 + body * 0.8
            if yy + bh > foot_y - body * 2:
                break
            x0 = m + col * (aw + agut)
            c.draw.rectangle((x0, yy, x0 + aw, yy + bh), outline=0, width=3)
            inverted = rng.random() < 0.35
            ty = yy + body * 0.3
            if inverted:
                c.draw.rectangle((x0, yy, x0 + aw, yy + body * 1.75), fill=0)
            c.centered(x0, x0 + aw, ty, lines[0], atf, fill=255 if inverted else 0)
            ly = yy + body * 2.0
            for ln in lines[1:]:
                c.text(x0 + body * 0.6, ly, ln, af)
                ly += body * 1.45
            blocks.append(GTBlock("ad", ad, [(x0, yy, x0 + aw, yy + bh)]))
            yy += bh + body * 0.8
    # Footer
    c.draw.rectangle((m, foot_y, w - m, foot_y + 3), fill=0)
    ff = c.font(c.f.sans, int(body * 0.85))
    f1 = "扫描二维码查看更多本地新闻" if zh else "Read more local news online every day"
    f2 = "新闻热线: 2270700" if zh else "News desk: 555-0142"
    blocks.append(GTBlock("footer", f1, [c.text(m, foot_y + body * 0.6, f1, ff)]))
    tw = c.draw.textlength(f2, font=ff)
    blocks.append(GTBlock("footer", f2, [c.text(w - m - tw, foot_y + body * 0.6, f2, ff)]))
    rgb = c.img.convert("RGB")
    for im, at in photo_layer:
        rgb.paste(im, at)
    gt = {"lang": lang, "kind": kind, "blocks": [b.to_dict() for b in blocks]}
    return rgb, gt


def age(
    img: Image.Image,
    gt: dict,
    rng: random.Random,
    angle: float | None = None,
    turn: int | None = None,
    scale: float | None = None,
) -> tuple[np.ndarray, dict]:
    """Make a clean page look scanned; boxes in ``gt`` follow the geometry (skew, quarter turns, scale).

    ``angle`` (degrees, anticlockwise), ``turn`` (0/90/180/270, how far the scan lies turned anticlockwise)
    and ``scale`` default to random draws (skew within ±5°, mostly upright).
    """
    a: np.ndarray = np.asarray(img).astype(np.float32)
    h, w = a.shape[:2]
    # Bleed-through: the mirrored page shows faintly.
    ghost = cv2.flip(cv2.GaussianBlur(a, (0, 0), 2.0), 1)
    a = np.minimum(a, 255 - (255 - ghost) * rng.uniform(0.06, 0.14))
    tint = np.array([rng.uniform(0.86, 0.95), rng.uniform(0.90, 0.97), rng.uniform(0.93, 0.99)], np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 1.0 - rng.uniform(0.03, 0.12) * ((xx / w - rng.random()) ** 2 + (yy / h - rng.random()) ** 2)
    a = a * tint[None, None, :] * light[:, :, None]
    drawn_angle, drawn_scale = rng.uniform(-5, 5), rng.choice([1.0, 1.0, 0.8, 0.6])
    angle = drawn_angle if angle is None else angle
    scale = drawn_scale if scale is None else scale
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    nw, nh = int(w * scale), int(h * scale)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    bg = tuple(float(v) for v in np.median(a.reshape(-1, 3), axis=0))
    a = cv2.warpAffine(a, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=bg)
    a = cv2.GaussianBlur(a, (0, 0), rng.uniform(0.4, 0.9))
    a = a + np.random.default_rng(rng.randrange(1 << 30)).normal(0, rng.uniform(2, 6), a.shape)
    out: np.ndarray = np.clip(a, 0, 255).astype(np.uint8)
    drawn_turn = rng.choice([0] * 8 + [90, 180, 270])
    turn = drawn_turn if turn is None else turn
    mm = np.vstack([m, [0, 0, 1]])
    if turn == 90:  # the scan lies a quarter turn anticlockwise: the reader must turn it clockwise
        out = cv2.rotate(out, cv2.ROTATE_90_COUNTERCLOCKWISE)
        mm = np.array([[0, 1, 0], [-1, 0, nw - 1], [0, 0, 1]], float) @ mm
    elif turn == 180:
        out = cv2.rotate(out, cv2.ROTATE_180)
        mm = np.array([[-1, 0, nw - 1], [0, -1, nh - 1], [0, 0, 1]], float) @ mm
    elif turn == 270:
        out = cv2.rotate(out, cv2.ROTATE_90_CLOCKWISE)
        mm = np.array([[0, -1, nh - 1], [1, 0, 0], [0, 0, 1]], float) @ mm
    gt = dict(gt, angle=round(angle, 3), orientation=turn, scale=scale)  # the clockwise turn that fixes it
    for b in gt["blocks"]:
        boxes = [moved_box(bx, mm) for bx in b["boxes"]]
        b["boxes"] = boxes
        b["bbox"] = (
            [min(x[0] for x in boxes), min(x[1] for x in boxes), max(x[2] for x in boxes), max(x[3] for x in boxes)]
            if boxes
            else [0, 0, 0, 0]
        )
    return out[:, :, ::-1], gt


def generate(
    outdir: Path, count: int = 3, seed: int = 0, lang: str = "mixed", clean: bool = False, style: str = "modern"
) -> list[Path]:
    """Write ``count`` aged pages and their ``.gt.json`` files; returns the image paths. ``style``: ``modern``
    (JPEG, 3-6 columns), ``historical`` (6-9 columns of small old type, greyscale JPEG or bitonal TIFF) or
    ``vertical`` (Chinese set top to bottom, traditional and simplified in turn, every fourth a sheet of two pages
    side by side, aged like ``historical``)."""
    outdir.mkdir(parents=True, exist_ok=True)
    if style == "historical":
        return _generate_historical(outdir, count, seed, lang)
    if style == "vertical":
        return _generate_vertical(outdir, count, seed)
    paths = []
    for i in range(count):
        s = seed * 1000 + i
        rng = random.Random(s)
        lg = lang if lang != "mixed" else ("zh", "zh", "en")[i % 3]
        kind = "ads" if rng.random() < 0.25 else "front"
        img, gt = render_page(s, lg, kind)
        if clean:
            arr = np.asarray(img)[:, :, ::-1]
            gt = dict(gt, angle=0.0, orientation=0, scale=1.0)
            for b in gt["blocks"]:
                b["bbox"] = [
                    round(min(x[0] for x in b["boxes"])),
                    round(min(x[1] for x in b["boxes"])),
                    round(max(x[2] for x in b["boxes"])),
                    round(max(x[3] for x in b["boxes"])),
                ]
                b["boxes"] = [[round(v) for v in x] for x in b["boxes"]]
        else:
            arr, gt = age(img, gt, rng)
        stem = f"synth_{lg}_{kind}_{s:05d}"
        p = outdir / f"{stem}.jpg"
        cv2.imwrite(str(p), arr, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(75, 92)])
        gt["image"] = p.name
        (outdir / f"{stem}.gt.json").write_text(json.dumps(gt, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(p)
    return paths


def _generate_historical(outdir: Path, count: int, seed: int, lang: str) -> list[Path]:
    from .historical import render_historical

    paths = []
    for i in range(count):
        s = seed * 1000 + i
        lg = lang if lang != "mixed" else ("zh", "en")[i % 2]
        img, gt = render_historical(s, lg)
        paths.append(_save_aged(outdir, f"hist_{lg}_{s:05d}", img, gt, s, bitonal=i % 3 == 2))
    return paths


def _generate_vertical(outdir: Path, count: int, seed: int) -> list[Path]:
    from .vertical import render_vertical

    paths = []
    for i in range(count):
        s = seed * 1000 + i
        script = ("hant", "hans")[i % 2]
        sheet = i % 4 == 3  # every fourth a sheet of two pages side by side
        img, gt = render_vertical(s, script, spread=sheet)
        stem = f"vert_{script}_{s:05d}" + ("_sheet" if sheet else "")
        paths.append(_save_aged(outdir, stem, img, gt, s, bitonal=i % 3 == 2))
    return paths


def _save_aged(outdir: Path, stem: str, img: Image.Image, gt: dict, s: int, bitonal: bool) -> Path:
    """Age a clean old-style page like a scan and save it (greyscale JPEG, or bitonal G4 TIFF) beside its
    ``.gt.json``; a third of the pages are bitonal, in every language and script."""
    from .historical import age_historical

    arr, gt, bitonal = age_historical(img, gt, s, bitonal=bitonal)
    dpi = (gt["dpi"], gt["dpi"])
    if bitonal:
        p = outdir / f"{stem}.tif"
        Image.fromarray(arr).convert("1").save(p, compression="group4", dpi=dpi)
    else:
        p = outdir / f"{stem}.jpg"
        Image.fromarray(arr).save(p, quality=random.Random(s).randint(70, 90), dpi=dpi)
    gt["image"] = p.name
    (outdir / f"{stem}.gt.json").write_text(json.dumps(gt, ensure_ascii=False, indent=1), encoding="utf-8")
    return p
