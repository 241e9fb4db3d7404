"""Text for historical pages (written for this project): sentences built from parts, so that a dense page of
eight columns repeats no paragraph and the scores can tell every block apart."""

from __future__ import annotations

import random

_EN_SUBJECTS = [
    "The committee on streets",
    "A large meeting of citizens",
    "The steamer from Baltimore",
    "Our correspondent at Richmond",
    "The board of aldermen",
    "A party of surveyors",
    "The Secretary of the Treasury",
    "Several merchants of this city",
    "The new fire company",
    "A gentleman from the county",
    "The officers of the bank",
    "The managers of the railroad",
    "A number of farmers",
    "The court of common pleas",
    "The keeper of the market house",
]
_EN_VERBS = [
    "reported yesterday that",
    "have resolved that",
    "stated at the meeting that",
    "informs us that",
    "was told on Monday that",
    "have learned that",
    "declared in a letter that",
    "made known this morning that",
]
_EN_CLAUSES = [
    "the price of flour has risen by {n} cents a barrel",
    "the new wharf will be finished before the first of {month}",
    "{n} houses on {street} street were damaged by the storm",
    "the mails from the west were delayed for {n} hours",
    "a reward of {n} dollars is offered for the return of the horse",
    "the canal will be closed to boats until the ice is gone",
    "the market was well supplied with produce of every kind",
    "the schooner {ship} arrived with a cargo of coal and lumber",
    "the census counts {n} persons in the second ward",
    "the road to {town} is again open to wagons",
    "the lecture on {topic} drew a crowded hall",
    "the contract for paving {street} street was given to the lowest bidder",
    "the bridge at {town} was carried away by the flood",
    "a fire broke out in a stable near {street} street",
    "the regiment will parade on {day} next",
]
_EN_TAILS = [
    "",
    "",
    " and the matter will be taken up again at the next session",
    " according to the best information we have",
    " though nothing has yet been settled",
    " and the public is requested to take notice",
    " as we learn from a reliable source",
]
_EN_FILL = {
    "month": ["January", "March", "April", "June", "August", "October", "December"],
    "street": ["Ninth", "Seventh", "Water", "High", "Bridge", "Market", "Pennsylvania", "Fourteenth", "Mill"],
    "ship": ["Mary Ann", "Eliza Jane", "Swallow", "Enterprise", "Three Sisters", "Union"],
    "town": ["Alexandria", "Georgetown", "Frederick", "Annapolis", "Rockville", "Leesburg"],
    "topic": ["astronomy", "the telegraph", "temperance", "the railroads of Europe", "agriculture"],
    "day": ["Monday", "Tuesday", "Thursday", "Saturday"],
}
EN_HEADS = [
    "LOCAL NEWS",
    "THE MARKETS",
    "CITY COUNCIL",
    "FIRE LAST NIGHT",
    "FROM RICHMOND",
    "THE WEATHER",
    "RAILROAD MATTERS",
    "POLICE COURT",
    "THE HARBOR",
    "NEWS BY TELEGRAPH",
    "COURT RECORD",
    "PERSONAL",
    "THE CANAL",
    "SCHOOL BOARD",
]
EN_DECKS = [
    "Important Action by the Board",
    "Heavy Losses Along the River",
    "A Meeting of the Citizens",
    "Later from the South",
    "The Work to Begin at Once",
    "Prices Firm in All Lines",
]
EN_LEAD = [
    "GREAT FIRE IN THE CITY",
    "THE NEW RAILROAD OPENED",
    "FLOOD ON THE POTOMAC",
    "THE ELECTION RETURNS",
    "ARRIVAL OF THE STEAMER",
]
EN_AD_TITLES = ["WANTED", "FOR SALE", "TO LET", "LOST", "FOUND", "BOARDING", "NOTICE", "FOR RENT"]
EN_AD_BODY = [
    "A good cook and washer. Apply at No. {n} {street} street",
    "A two story brick house with stable. Inquire at No. {n} {street} street",
    "A gold watch with chain. A liberal reward paid at No. {n} {street} street",
    "Rooms with board for two gentlemen at No. {n} {street} street",
    "A smart boy to learn the printing business. Apply at this office",
    "A lot of fine Virginia hams, {n} pounds, at the market house",
]

_ZH_SUBJECTS = [
    "本市工务局",
    "商会各董事",
    "省政府委员会",
    "本埠各报馆",
    "铁路管理局",
    "市立图书馆",
    "各校学生代表",
    "本地米业公会",
    "县长公署",
    "红十字分会",
    "海关监督",
    "邮政总局",
]
_ZH_VERBS = ["昨日宣布", "日前议决", "函告本报", "于会上报告", "近据调查", "发出通告"]
_ZH_CLAUSES = [
    "城内{n}条马路将于{month}月内修竣",
    "本月米价每石涨至{n}元",
    "{place}一带连日大雨，沿河民房被淹{n}余间",
    "自{month}月起增开{place}往来班车{n}次",
    "募得赈款{n}余元，已分送各灾区",
    "{place}新设学校一所，收录学生{n}名",
    "因邮件积压，各路信件延误{n}日",
    "{place}码头扩建工程招商承办",
    "本届运动会定于{month}月{n}日举行",
    "城西发生火警，焚毁店铺{n}家",
    "{place}至县城公路业已通车",
    "各界捐助图书{n}册，陈列馆内供众阅览",
]
_ZH_TAILS = ["", "", "，详情容再续志", "，闻各方均表赞同", "，特此布告周知", "，现正筹划一切"]
_ZH_FILL = {
    "place": ["南门", "东关", "北站", "江岸", "西郊", "新桥", "河口", "城隍庙"],
    "month": ["一", "三", "四", "六", "八", "十", "十二"],
}
ZH_HEADS = ["本埠新闻", "商业行情", "教育消息", "地方要闻", "交通近讯", "社会杂志", "各地通讯", "气象报告"]
ZH_DECKS = ["各界代表踊跃出席", "工程定期开办", "灾区亟待救济", "市民交口称便", "物价渐趋平稳"]
ZH_LEAD = ["省垣各界举行大会", "新筑铁路正式通车", "江水暴涨沿岸告急", "全市学校同日开学"]
ZH_AD_TITLES = ["招租", "出售", "聘请", "声明", "遗失", "开张志喜", "寻人"]
ZH_AD_BODY = [
    "本号有楼房一所，价格公道，请至{place}{n}号面洽",
    "今聘书记一名，须通文理，请至本馆接洽",
    "本人于{place}遗失皮夹一只，拾得送还者酬洋{n}元",
    "本店新到各色布匹，价廉物美，欢迎惠顾",
    "兹有空屋数间，在{place}{n}号，合住家之用",
]


def _fill(rng: random.Random, template: str, fill: dict[str, list[str]]) -> str:
    keys = {k: rng.choice(v) for k, v in fill.items()}
    n = rng.choice([rng.randint(2, 99), rng.randint(100, 999), rng.randint(1000, 9999)])
    return template.format(n=n, **keys)


def sentence(rng: random.Random, zh: bool) -> str:
    """One news sentence, from parts and random figures."""
    if zh:
        s = rng.choice(_ZH_SUBJECTS) + rng.choice(_ZH_VERBS) + "，" + _fill(rng, rng.choice(_ZH_CLAUSES), _ZH_FILL)
        return s + rng.choice(_ZH_TAILS) + "。"
    body = _fill(rng, rng.choice(_EN_CLAUSES), _EN_FILL)
    return f"{rng.choice(_EN_SUBJECTS)} {rng.choice(_EN_VERBS)} {body}{rng.choice(_EN_TAILS)}."


def paragraph(rng: random.Random, zh: bool, n: int) -> str:
    """``n`` sentences joined as a paragraph."""
    return ("" if zh else " ").join(sentence(rng, zh) for _ in range(n))


def ad(rng: random.Random, zh: bool) -> tuple[str, str]:
    """A small classified ad: its title and its body (one to three sentences, so that ads side by side in
    their columns end at different heights, as they do in print)."""
    n = rng.choice([1, 1, 2, 3])
    if zh:
        return rng.choice(ZH_AD_TITLES), "".join(_fill(rng, rng.choice(ZH_AD_BODY), _ZH_FILL) + "。" for _ in range(n))
    return rng.choice(EN_AD_TITLES), " ".join(_fill(rng, rng.choice(EN_AD_BODY), _EN_FILL) + "." for _ in range(n))
