"""Deterministic Chinese titles and body text for the demo's articles.

The wording imitates county government sites of 2012. No text here may contain a screening
hit by accident: no long digit runs, no 密级 words, no 内部 markers (planted hits are added by
the generator on purpose, and listed in the truth).
"""

from __future__ import annotations

import random
from datetime import date

COUNTY = "石泉县"
TOWNS = [
    "城关镇",
    "饶峰镇",
    "两河镇",
    "迎丰镇",
    "池河镇",
    "后柳镇",
    "喜河镇",
    "熨斗镇",
    "云雾山镇",
    "中池镇",
    "曾溪镇",
]
VILLAGES = [
    "长岭村",
    "新堰村",
    "珍珠村",
    "联合村",
    "太平村",
    "丝银坝村",
    "明星村",
    "双喜村",
    "金星村",
    "光明村",
    "东坡村",
    "五爱村",
    "红花坪村",
    "枫树村",
    "永红村",
    "十字街社区",
    "江南社区",
    "城东社区",
]
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = [
    "明华",
    "建国",
    "志强",
    "海燕",
    "晓东",
    "春生",
    "国庆",
    "红梅",
    "德胜",
    "立新",
    "秀英",
    "永军",
    "文斌",
    "小平",
    "振华",
    "玉兰",
    "学军",
    "庆丰",
    "长林",
    "喆",
    "镕",
    "世平",
    "兴旺",
    "光辉",
    "俊峰",
    "丽娟",
]
TOPICS = [
    "春耕生产",
    "安全生产",
    "扶贫开发",
    "移民搬迁",
    "新农村建设",
    "食品安全",
    "森林防火",
    "防汛抗旱",
    "城乡环境卫生整治",
    "招商引资",
    "重点项目建设",
    "人口和计划生育",
    "新型农村合作医疗",
    "义务教育均衡发展",
    "道路交通安全",
    "蚕桑产业发展",
    "富硒茶产业",
    "城乡居民社会养老保险",
    "廉政风险防控",
    "效能建设",
    "信访维稳",
    "社会治安综合治理",
    "秋季农业生产",
    "农村饮水安全",
    "保障性住房建设",
    "地质灾害防治",
    "冬春农田水利建设",
    "创先争优",
    "文明城市创建",
    "鎏金铜蚕文化旅游",
    "汉江综合整治",
    "中小企业发展",
    "就业再就业",
    "农村低保",
    "医疗卫生体制改革",
    "节能减排",
    "村级公益事业一事一议",
    "土地整治",
    "烟花爆竹安全管理",
    "学校安全",
    "春运安全",
    "消防安全",
    "林业生态建设",
    "畜牧养殖",
    "魔芋产业",
]
ACTIONS_DYN = [
    "{who}深入{place}调研{topic}工作",
    "{place}召开{topic}工作推进会",
    "{place}扎实开展{topic}工作",
    "{unit}召开{topic}专题会议",
    "{who}带队检查{topic}工作",
    "{place}{topic}工作取得新成效",
    "{unit}组织开展{topic}宣传活动",
    "市督查组来我县检查{topic}工作",
    "{unit}部署{topic}工作",
    "{place}多措并举抓好{topic}",
    "{unit}举办{topic}培训班",
    "{who}主持召开{topic}工作会议",
]
TITLES_NOTICE = [
    "关于做好{year}年{topic}工作的通知",
    "关于开展{topic}专项检查的通知",
    "关于{year}年{topic}项目的公示",
    "关于召开{topic}工作会议的通知",
    "关于{topic}有关事项的公告",
    "{unit}关于{topic}情况的通报",
]
TITLES_REG = [
    "{issuer}关于印发《{county}{topic}实施方案》的通知",
    "{issuer}关于进一步加强{topic}工作的意见",
    "{issuer}关于印发《{county}{topic}管理办法》的通知",
    "{issuer}关于做好{year}年{topic}工作的通知",
    "{issuer}关于表彰{year}年度{topic}先进集体和先进个人的决定",
    "{issuer}关于调整{topic}工作领导小组成员的通知",
    "{issuer}关于{topic}工作的实施意见",
    "{issuer}关于印发{year}年{topic}工作要点的通知",
]
TITLES_JD = [
    "《{county}{topic}实施方案》政策解读",
    "关于{topic}工作的实施意见解读",
    "图解：{year}年{topic}政策",
]
TITLES_PLAN = [
    "{unit}{year}年{topic}工作计划",
    "{unit}{year}年上半年工作总结",
    "{unit}{year}年工作要点",
    "{county}{topic}“十二五”规划",
    "{unit}{year}年{topic}工作总结",
]
TITLES_PERS = [
    "关于{name}等同志职务任免的通知",
    "{unit}{year}年公开招聘工作人员公告",
    "{unit}{year}年公开招聘拟聘用人员公示",
    "关于{name}同志任职的通知",
    "{unit}{year}年事业单位工作人员考核结果公示",
]
TITLES_OVERVIEW = [
    "{unit}主要职责",
    "{unit}内设机构及职能",
    "{unit}领导分工",
    "{unit}机构设置",
    "{unit}工作职责",
    "{unit}单位简介",
]
TITLES_OTHER = [
    "{unit}{year}年部门预算公开",
    "{unit}{year}年“三公”经费支出情况",
    "{year}年{topic}项目资金公示",
    "{unit}{year}年部门决算公开",
    "{year}年{topic}项目招标公告",
    "{year}年第{q}季度{topic}统计情况",
    "{topic}行政许可事项办理结果公示",
    "{year}年{topic}重点工作进展情况",
]
SENTENCES = [
    "为认真贯彻落实上级有关会议精神，进一步做好{topic}工作，结合我县实际，现就有关事项通知如下。",
    "会议指出，{topic}工作事关全县经济社会发展大局，各级各部门要充分认识其重要性和紧迫性。",
    "会议要求，各镇、各部门要进一步统一思想，明确责任，强化措施，确保各项工作落到实处。",
    "{who}强调，要坚持以人为本，把群众满意作为检验工作的根本标准，切实解决群众反映的突出问题。",
    "近日，{place}组织干部职工深入各村，通过召开院落会、发放宣传资料等形式，广泛宣传{topic}相关政策。",
    "截至目前，已累计完成投资计划的七成以上，各项指标均达到序时进度要求。",
    "各单位要加强组织领导，成立由主要领导任组长的工作领导小组，明确专人负责，形成齐抓共管的工作格局。",
    "检查组一行先后深入{place}、{place2}等地，实地察看了{topic}工作开展情况，听取了相关工作汇报。",
    "下一步，我们将继续加大工作力度，完善长效机制，推动{topic}工作再上新台阶。",
    "本通知自发布之日起施行，由县政府办公室负责解释。",
    "联系人：{contact}，联系电话：{phone}。",
    "各镇人民政府，县政府各工作部门、各直属机构：现将有关事项通知如下，请认真抓好贯彻落实。",
    "活动期间，共发放宣传资料三千余份，接受群众咨询五百余人次，取得了良好的社会效果。",
    "此次活动进一步增强了广大干部群众的责任意识，为全县经济社会又好又快发展营造了良好氛围。",
]
SOURCES = ["县政府办", "本站原创", "县委宣传部", "{unit}", "{unit}办公室", "县信息中心"]
OFF_NETWORK = [
    ("http://www.gov.cn/jrzg/{y}-{m:02d}/{d:02d}/content_{n}.htm", "中国政府网"),
    ("http://www.shaanxi.gov.cn/0/1/9/39/{n}.htm", "陕西省人民政府"),
    ("http://www.ankang.gov.cn/Article/ShowArticle.asp?ArticleID={n}", "安康市人民政府"),
]
REPOST_TITLES = [
    "国务院办公厅关于{topic}工作的通知",
    "省政府召开全省{topic}工作电视电话会议",
    "全市{topic}现场会召开",
    "国务院常务会议研究部署{topic}工作",
]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone(rng: random.Random) -> str:
    """An office landline (a hard negative for the mobile-number screen)."""
    return f"0915-63{rng.randint(10000, 99999)}"


def _fill(tpl: str, rng: random.Random, **kw) -> str:
    topic = kw.pop("topic", None) or rng.choice(TOPICS)
    places = rng.sample(TOWNS + VILLAGES, 2)
    vals = dict(
        topic=topic,
        place=places[0],
        place2=places[1],
        who=kw.pop("who", None) or "县长" + person(rng),
        county=COUNTY,
        q=rng.randint(1, 4),
        name=person(rng),
        contact=person(rng),
        phone=phone(rng),
    )
    vals.update(kw)
    return tpl.format(**vals)


def title(rng: random.Random, role: str, unit: str, issuer: str, year: int, place: str | None = None) -> str:
    templates = {
        "dynamic": ACTIONS_DYN,
        "notice": TITLES_NOTICE,
        "regulation": TITLES_REG,
        "jd": TITLES_JD,
        "plan": TITLES_PLAN,
        "personnel": TITLES_PERS,
        "overview": TITLES_OVERVIEW,
        "other": TITLES_OTHER,
    }[role]
    kw = dict(unit=unit, issuer=issuer, year=year)
    if place:
        kw["place"] = place
    return _fill(rng.choice(templates), rng, **kw)


def body(rng: random.Random, unit: str, n: int | None = None) -> list[str]:
    n = n or rng.randint(3, 5)
    topic = rng.choice(TOPICS)
    return [_fill(tpl, rng, topic=topic, unit=unit) for tpl in rng.sample(SENTENCES, n)]


def doc_no(abbr: str, year: int, n: int) -> str:
    return f"{abbr}〔{year}〕{n}号"


def index_no(org_code: str, year: int, n: int) -> str:
    return f"{org_code}/{year}-{n:05d}"


def repost(rng: random.Random, d: date, n: int) -> tuple[str, str]:
    tpl, _who = OFF_NETWORK[n % len(OFF_NETWORK)]
    url = tpl.format(y=d.year, m=d.month, d=d.day, n=2000000 + n * 7919 % 900000)
    return url, _fill(rng.choice(REPOST_TITLES), rng)


def short(title: str, n: int) -> str:
    return title if len(title) <= n else title[: n - 1] + "…"
