"""Sentence pools for synthetic pages (written for this project)."""

import random

ZH_SENTENCES = [
    "今年以来，我市持续推进老旧小区改造，已完成改造项目四十二个，惠及居民一万余户。",
    "记者在现场看到，新铺设的沥青路面平整宽阔，路两侧的绿化带也已栽种完毕。",
    "据市交通运输局介绍，新开通的公交线路全长十八公里，沿途设置站点二十六个。",
    "社区工作人员逐户走访，详细了解老人们的生活需求，并建立了健康档案。",
    "活动现场，志愿者们为市民提供义诊、法律咨询和家电维修等便民服务。",
    "该项目总投资约三点五亿元，预计明年六月建成投入使用。",
    "专家表示，良好的阅读习惯能够帮助青少年开阔视野、增长知识。",
    "为确保工程质量，施工单位实行全过程监管，每道工序都经过严格验收。",
    "近日，市图书馆推出了“周末亲子阅读”活动，吸引了众多家庭参与。",
    "农业技术人员深入田间地头，指导农民科学施肥、合理灌溉。",
    "截至目前，全市已建成标准化农贸市场十五处，市民买菜更加方便。",
    "下一步，相关部门将继续加大投入，进一步提升城市公共服务水平。",
    "一位退休教师告诉记者，他每天早上都会到公园里打太极拳。",
    "夜幕降临，步行街上灯火通明，各类特色小吃摊前排起了长队。",
    "学校还开设了书法、绘画、科技制作等兴趣课程，丰富学生的课余生活。",
    "气象部门提醒，本周后期将有一次明显降温过程，请市民注意添衣保暖。",
    "在企业生产车间里，一台台智能设备正在有序运转，工人们忙着检查产品。",
    "这座始建于上世纪五十年代的老厂房，如今变身为文化创意园区。",
    "消防人员提醒，冬季用火用电增多，家庭要定期检查电线和燃气管道。",
    "来自全市的一百多名选手参加了本次比赛，现场气氛十分热烈。",
]
EN_SENTENCES = [
    "The city council approved a new plan on Tuesday to repair the old bridge over the river.",
    "Residents of the east side have waited nearly ten years for the project to begin.",
    "According to the transit office, the new bus line will serve twenty-six stops along the valley.",
    "Volunteers from the neighborhood association visited every household on the street.",
    "The library will open on Sunday afternoons starting next month, the director said.",
    "Local farmers reported a strong harvest despite the dry weeks in early summer.",
    "Officials expect the construction work to be finished before the end of next year.",
    "Several hundred people gathered in the square to watch the annual lantern parade.",
    "The school board voted to add music and painting classes for the younger pupils.",
    "Weather forecasters warned that temperatures could drop sharply later this week.",
    "A retired teacher told reporters that she walks through the park every morning.",
    "The old textile mill, built in the nineteen fifties, has become a center for artists.",
    "Firefighters reminded families to check their heaters and gas lines before winter.",
    "More than one hundred runners from across the county joined the charity race.",
    "The museum received a collection of letters written by the founders of the town.",
    "Shop owners on Main Street said business has improved since the road reopened.",
    "Health workers offered free checkups to older residents at the community hall.",
    "The mayor said the city would continue to invest in parks and public services.",
]
TITLES_ZH = [
    ("老街区焕发新活力", "我市老旧小区改造惠及万余户居民"),
    ("公交新线路今日开通", "沿途设置站点二十六个 方便市民出行"),
    ("书香满城迎新春", "市图书馆推出系列阅读推广活动"),
    ("科技助力秋收忙", "农业技术人员深入田间指导生产"),
]
TITLES_EN = [
    ("Old Bridge Gets New Life", "Council approves repairs after ten years of waiting"),
    ("New Bus Line Opens Today", "Twenty-six stops connect the east side to downtown"),
    ("Library Extends Its Hours", "Sunday afternoons open to readers from next month"),
]
HEADINGS_ZH = ["便民服务进社区", "让群众得实惠", "规划先行建设提速", "文化生活更丰富", "安全意识要加强"]
HEADINGS_EN = ["Work Begins in Spring", "Neighbors Welcome the Plan", "Costs and Funding", "What Comes Next"]

# Ads are composed (title, one of its details, a contact line with a fresh number) so that no two ads on a page
# are near-duplicates: a repeated ad would make a fuzzy match find the wrong copy and blur the order score.
AD_PARTS_ZH: dict[str, list[str]] = {
    "家电维修": ["专修冰箱 洗衣机 热水器", "空调移机 加氟 清洗保养", "电视 音响 微波炉上门维修"],
    "房屋出租": ["临街商铺一百二十平，可做餐饮。", "城南小区两室一厅，家具家电齐全。", "写字楼单间出租，拎包入住。"],
    "招聘": [
        "本公司招聘仓库管理员二名，会电脑。",
        "酒店招聘厨师、服务员若干，包食宿。",
        "物流公司招聘司机，持B照，待遇从优。",
    ],
    "搬家服务": ["长途短途搬家 钢琴搬运 家具拆装", "居民搬家 公司搬迁 专业打包", "小件托运 同城速运 价格公道"],
    "声明": [
        "张某某遗失身份证一张，声明作废。",
        "李某某遗失营业执照副本，声明作废。",
        "王某某遗失房产证一本，声明作废。",
    ],
    "订报热线": ["全年订阅 送精美礼品", "半年订阅享八折优惠", "学生订阅另有优惠"],
    "驾校招生": ["随到随学 包教包会", "周末班 晚班 灵活安排", "新车新场地 一人一车"],
    "二手车转让": [
        "家用轿车一辆，车况良好，价格面议。",
        "小货车一辆，手续齐全，可过户。",
        "越野车一辆，行驶三万公里。",
    ],
    "管道疏通": ["疏通下水道 马桶 化粪池清理", "管道维修 水管安装 防水补漏", "高压清洗 管道检测 随叫随到"],
    "家教辅导": ["小学初中各科辅导，经验丰富。", "高中数学物理一对一辅导。", "少儿英语口语小班教学。"],
    "开锁换锁": ["公安备案 开锁换锁 修锁配钥匙", "汽车开锁 保险柜开锁", "安装指纹锁 智能锁"],
    "家政服务": ["保姆 月嫂 钟点工 育儿嫂", "新房开荒保洁 擦玻璃", "老人陪护 病人护理"],
    "旺铺转让": ["闹市区服装店转让，客源稳定。", "学校旁文具店转让，接手即可营业。", "社区超市转让，设备齐全。"],
    "婚姻介绍": ["诚信婚介 真诚服务", "中老年交友 免费登记", "青年联谊 周末相亲会"],
    "装修公司": ["室内装修 旧房翻新 免费设计", "水电改造 吊顶 刷墙", "瓷砖铺贴 防水工程"],
    "回收": ["高价回收旧家电 空调 电脑", "回收废旧金属 纸箱", "二手家具回收 上门估价"],
}
AD_CONTACTS_ZH = ["电话：", "联系电话：", "热线：", "联系："]
AD_PARTS_EN: dict[str, list[str]] = {
    "APPLIANCE REPAIR": [
        "Fridges, washers and heaters fixed at home",
        "Air conditioners serviced and cleaned",
        "TV and radio repairs, same day",
    ],
    "FOR RENT": [
        "Shop on Main Street, 1,200 sq ft, parking",
        "Two bedroom flat near the park, furnished",
        "Office room downtown, utilities included",
    ],
    "HELP WANTED": [
        "Warehouse clerk, computer skills needed",
        "Cooks and waiters, meals provided",
        "Delivery drivers with a clean license",
    ],
    "MOVING SERVICE": [
        "Local and long distance, pianos and furniture",
        "Office moves on weekends",
        "Packing boxes delivered free",
    ],
    "LOST AND FOUND": [
        "Brown leather wallet found near the station",
        "Lost grey cat, answers to Smokey",
        "Found a set of keys on Elm Road",
    ],
    "DRIVING SCHOOL": ["Lessons every day of the week", "Evening and weekend classes", "New cars, patient teachers"],
    "USED CAR FOR SALE": [
        "Family sedan in good condition, price negotiable",
        "Small van, one owner, low miles",
        "Pickup truck, new tires, must sell",
    ],
    "PIANO LESSONS": ["All ages and levels welcome", "Beginners start any month", "Exam preparation by a teacher"],
    "GARDEN CARE": ["Lawns mowed and hedges trimmed", "Tree cutting and stump removal", "Spring clean up of yards"],
    "PLUMBER": ["Leaks, drains and boilers fixed", "Bathrooms fitted at fair prices", "Emergency calls answered"],
    "TUTORING": ["Math and science for high school", "Reading help for young children", "French and Spanish lessons"],
    "HOUSE CLEANING": ["Weekly or monthly visits", "Windows and carpets cleaned", "Move out cleaning available"],
}
AD_CONTACTS_EN = ["Call ", "Phone ", "Apply ", "Book now "]


def make_ads(rng: random.Random, zh: bool, n: int) -> list[str]:
    """``n`` distinct ads: title, detail line, contact line with a random number."""
    parts = AD_PARTS_ZH if zh else AD_PARTS_EN
    pairs = [(t, d) for t, ds in parts.items() for d in ds]
    rng.shuffle(pairs)
    # Spread titles: every title once before any title comes back with another detail.
    pairs.sort(key=lambda p: parts[p[0]].index(p[1]))
    out = []
    for t, d in pairs[:n]:
        if zh:
            phone = rng.choice(["13", "15", "18"]) + "".join(rng.choice("0123456789") for _ in range(9))
            if rng.random() < 0.4:
                phone = rng.choice("23") + "".join(rng.choice("0123456789") for _ in range(6))
            contact = rng.choice(AD_CONTACTS_ZH) + phone
        else:
            contact = rng.choice(AD_CONTACTS_EN) + f"555-{rng.randint(100, 9999):04d}"
        out.append(f"{t}\n{d}\n{contact}")
    return out
