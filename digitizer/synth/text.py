"""Sentence pools for synthetic pages (written for this project)."""

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
ADS_ZH = [
    "家电维修\n专修冰箱 洗衣机 热水器 13905331234\n上门服务 价格合理",
    "房屋出租\n临街商铺一百二十平，可做餐饮，停车方便。\n电话：13806431122",
    "招聘\n本公司招聘仓库管理员二名，会电脑，有经验者优先。\n联系电话：3188899",
    "搬家服务\n长途短途搬家 钢琴搬运 家具拆装\n诚信经营 24小时服务 2865566",
    "声明\n张某某遗失身份证一张，声明作废。",
    "订报热线\n全年订阅 送精美礼品\n咨询热线：2271234",
    "驾校招生\n随到随学 包教包会\n报名电话：15866012345",
    "二手车转让\n家用轿车一辆，车况良好，价格面议。\n电话：13953367788",
    "管道疏通\n疏通下水道 马桶 化粪池清理\n电话：2119900",
    "家教辅导\n小学初中各科辅导，经验丰富。\n联系：18653301234",
]
ADS_EN = [
    "APPLIANCE REPAIR\nFridges, washers and heaters fixed at home\nCall 555-0199",
    "FOR RENT\nShop on Main Street, 1,200 sq ft, parking\nPhone 555-0123",
    "HELP WANTED\nWarehouse clerk, computer skills needed\nApply 555-0177",
    "MOVING SERVICE\nLocal and long distance, pianos and furniture\n24 hours 555-0110",
    "LOST AND FOUND\nBrown leather wallet found near the station\nCall 555-0155",
    "DRIVING SCHOOL\nLessons every day of the week\nBook now 555-0188",
    "USED CAR FOR SALE\nFamily sedan in good condition, price negotiable\n555-0166",
    "PIANO LESSONS\nAll ages and levels welcome\nPhone 555-0133",
]
