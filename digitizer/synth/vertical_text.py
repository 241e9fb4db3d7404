"""Text for vertical Chinese pages (written for this project): news sentences in traditional characters, as Hong
Kong, Canton and Shanghai papers of the 1930s-50s set them, figures in Chinese numerals, and punctuation as such
papers had it (none, a full stop only, or comma and full stop)."""

from __future__ import annotations

import random
import re

from .old_text import sentence as simplified_sentence

__all__ = ["HANT_HEADS", "HANT_LEAD", "HANS_HEADS", "HANS_LEAD", "numerals", "vertical_ad", "vertical_sentence"]

_SUBJECTS = [
    "本埠商務總會",
    "工部局",
    "華民政務司",
    "東華醫院",
    "省港輪船公司",
    "米業公會",
    "潮州八邑商會",
    "警察廳",
    "教育局",
    "廣九鐵路局",
    "保良局",
    "救濟會",
    "海關監督",
    "郵政總局",
    "各校學生代表",
]
_VERBS = ["昨日開會議決", "日前函告本報", "頃據調查", "特發通告", "昨經宣佈", "近日呈報"]
_CLAUSES = [
    "城內馬路{n}條限於{month}月內修竣",
    "本月米價每擔漲至{n}元",
    "{place}一帶連日大雨，沿河民房被淹{n}餘間",
    "自{month}月起加開{place}往來輪船{n}次",
    "募得賑款{n}餘元，已分送各災區",
    "{place}新設義學一所，收錄學生{n}名",
    "因郵件積壓，各路信件延誤{n}日",
    "{place}碼頭擴建工程招商承辦",
    "城西發生火警，焚燬店鋪{n}間",
    "{place}至縣城馬路業已通車",
    "各界捐助書籍{n}冊，陳列館內以供衆覽",
    "本屆運動大會定於{month}月{n}日舉行",
    "{place}街坊籌建醫院，經費尚欠{n}元",
    "銀根緊急，各錢莊停止放款{n}日",
]
_TAILS = ["", "", "，詳情容再續誌", "，聞各界均表贊同", "，特此佈告週知", "，現正籌劃一切", "，實為地方之福"]
_FILL = {
    "place": ["油麻地", "灣仔", "西營盤", "九龍城", "筲箕灣", "上環", "東門", "南關", "黃浦灘", "閘北"],
    "month": ["一", "三", "四", "六", "八", "十", "十二"],
}
HANT_HEADS = [
    "本港新聞",
    "商場行情",
    "教育消息",
    "地方要聞",
    "交通近訊",
    "社會雜誌",
    "各地通訊",
    "國內要電",
    "粵省新聞",
]
HANT_LEAD = ["省港大罷工近訊", "廣九鐵路全線通車", "珠江水漲沿岸告急", "全港學校同日開課", "各界籌賑水災"]
HANS_HEADS = ["本埠新闻", "商业行情", "教育消息", "地方要闻", "交通近讯", "社会杂志", "各地通讯", "国内要电"]
HANS_LEAD = ["省垣各界举行大会", "新筑铁路正式通车", "江水暴涨沿岸告急", "全市学校同日开学"]
_AD_TITLES = {
    "hant": ["招租", "出售", "聘請", "聲明", "遺失", "開張誌喜", "尋人", "告白"],
    "hans": ["招租", "出售", "聘请", "声明", "遗失", "开张志喜", "寻人", "告白"],
}
_AD_BODY = {
    "hant": [
        "本號有樓房一所，價格公道，請至{place}{n}號面洽",
        "今聘書記一名，須通文理，請至本館接洽",
        "本人於{place}遺失皮夾一隻，拾得送還者酬洋{n}元",
        "本店新到各色布疋，價廉物美，歡迎惠顧",
        "茲有空屋數間，在{place}{n}號，合住家之用",
    ],
    "hans": [
        "本号有楼房一所，价格公道，请至{place}{n}号面洽",
        "今聘书记一名，须通文理，请至本馆接洽",
        "本人于{place}遗失皮夹一只，拾得送还者酬洋{n}元",
        "本店新到各色布匹，价廉物美，欢迎惠顾",
    ],
}
_HANS_PLACES = ["南门", "东关", "北站", "江岸", "西郊", "新桥", "河口"]

_DIGITS = "〇一二三四五六七八九"


def numerals(n: int) -> str:
    """``n`` (0-9999) in Chinese numerals as a paper set figures in running text: 三千零五, 二百四十, 十二."""
    if n < 10:
        return _DIGITS[n]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if unit == "十" and d == 1 and not out else _DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _chinese_figures(text: str) -> str:
    return re.sub(r"\d+", lambda m: numerals(int(m.group())), text)


def _punctuate(text: str, mode: str) -> str:
    """``mode``: ``full`` keeps commas and stops, ``stop`` makes every comma a stop, ``none`` drops both (classical
    text run on, as most papers before the 1920s set it)."""
    if mode == "none":
        return text.replace("，", "").replace("。", "")
    if mode == "stop":
        return text.replace("，", "。")
    return text


def vertical_sentence(rng: random.Random, script: str, punct: str) -> str:
    """One news sentence in ``script`` (``hant`` traditional, ``hans`` simplified), figures in Chinese numerals."""
    if script == "hans":
        s = simplified_sentence(rng, True)
    else:
        n = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1000, 9999)])
        clause = rng.choice(_CLAUSES).format(n=n, **{k: rng.choice(v) for k, v in _FILL.items()})
        s = rng.choice(_SUBJECTS) + rng.choice(_VERBS) + "，" + clause + rng.choice(_TAILS) + "。"
    return _punctuate(_chinese_figures(s), punct)


def vertical_ad(rng: random.Random, script: str, punct: str) -> tuple[str, str]:
    """A small ad's title and body (one or two sentences)."""
    body = ""
    places = _FILL["place"] if script == "hant" else _HANS_PLACES
    for _ in range(rng.choice([1, 1, 2])):
        n = rng.randint(2, 99)
        body += rng.choice(_AD_BODY[script]).format(n=n, place=rng.choice(places)) + "。"
    return rng.choice(_AD_TITLES[script]), _punctuate(_chinese_figures(body), punct)
