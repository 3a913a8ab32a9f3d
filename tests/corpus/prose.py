"""Clean Chinese government prose from sentence templates and vocabulary.

Used as filler around planted hits in the labelled corpus and as the body of the
benchmark text. Nothing it produces is a hit: no classification marks, markers,
personal data, long digit runs or lexicon terms.
"""

from __future__ import annotations

import random

UNITS = [
    "县人民政府办公室",
    "县发展和改革局",
    "县教育局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县生态环境分局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文化和旅游局",
    "县卫生健康局",
    "县应急管理局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县林业局",
    "县民政局",
    "县司法局",
    "县审计局",
    "县行政审批服务局",
    "县乡村振兴局",
    "城关镇人民政府",
    "池河镇人民政府",
    "后柳镇人民政府",
    "喜河镇人民政府",
    "熨斗镇人民政府",
    "中池镇人民政府",
    "饶峰镇人民政府",
    "两河镇人民政府",
    "迎丰镇人民政府",
    "曾溪镇人民政府",
    "云雾山镇人民政府",
]
TOPICS = [
    "营商环境优化",
    "乡村振兴",
    "农村人居环境整治",
    "安全生产专项整治",
    "防汛抗旱",
    "森林防火",
    "义务教育均衡发展",
    "基层医疗卫生服务",
    "城乡居民基本养老保险",
    "就业创业服务",
    "高标准农田建设",
    "河长制湖长制",
    "生态环境保护",
    "文明城市创建",
    "政务服务改革",
    "一网通办",
    "重点项目建设",
    "招商引资",
    "消费帮扶",
    "食品安全监管",
    "疫苗接种",
    "耕地保护",
    "矛盾纠纷排查化解",
    "法治政府建设",
    "数字政府建设",
    "民生实事",
    "老旧小区改造",
    "农村公路养护",
    "饮水安全保障",
    "春耕生产",
    "秋粮收购",
    "特色产业发展",
    "茶叶产业提质增效",
    "文化惠民",
    "全民健身",
    "移风易俗",
    "社会救助",
    "残疾人帮扶",
    "退役军人服务保障",
    "政务公开",
    "统计调查",
]
VERBS = [
    "召开",
    "部署",
    "推进",
    "落实",
    "开展",
    "组织",
    "启动",
    "深化",
    "完善",
    "加快",
    "巩固",
    "提升",
    "统筹",
    "强化",
]
NOUNS = [
    "工作推进会",
    "专题会议",
    "现场观摩会",
    "业务培训会",
    "联席会议",
    "动员大会",
    "调度会",
    "座谈会",
    "工作例会",
    "督导检查",
    "专项行动",
    "集中宣传活动",
    "示范创建",
    "考核评估",
    "问卷调查",
    "实地调研",
]
PEOPLE_ROLES = [
    "县委常委、副县长",
    "县政府副县长",
    "县政协副主席",
    "局党组书记、局长",
    "镇党委书记",
    "镇长",
    "分管副局长",
    "相关股室负责人",
    "各镇分管领导",
    "县直有关部门主要负责人",
]
PLACES = [
    "县政府第一会议室",
    "县行政中心三楼会议室",
    "县融媒体中心演播厅",
    "县政务服务中心",
    "镇便民服务中心",
    "村党群服务中心",
    "县体育馆",
    "县职业教育中心",
    "县人民医院",
    "汉江沿岸",
]
ADVERBS = ["扎实", "有序", "全面", "深入", "持续", "稳步", "积极", "切实", "认真", "高效"]
RESULTS = [
    "取得了阶段性成效",
    "群众满意度明显提升",
    "各项指标稳中有进",
    "完成年度目标任务的百分之八十以上",
    "为全年工作开好局起好步",
    "形成了一批可复制可推广的经验",
    "有效解决了一批群众急难愁盼问题",
    "营造了良好的社会氛围",
    "进一步夯实了工作基础",
    "为高质量发展提供了有力支撑",
]
REQUIREMENTS = [
    "提高政治站位，压实工作责任",
    "坚持问题导向，补齐短板弱项",
    "加强统筹协调，形成工作合力",
    "强化督促检查，确保任务落地见效",
    "严格时间节点，倒排工期推进",
    "注重宣传引导，营造良好氛围",
    "加强队伍建设，提升服务能力",
    "健全长效机制，巩固工作成果",
    "守住安全底线，防范化解风险",
    "坚持以人民为中心，回应群众关切",
]
MONTHS = list(range(1, 13))

TEMPLATES = [
    "{m}月{d}日，{unit}在{place}{verb}{topic}{noun}，{role}出席会议并讲话。",
    "会议指出，{topic}工作事关全县发展大局，各级各部门要{req}。",
    "会议强调，要{adv}{verb}{topic}各项任务，{req}，确保{topic}工作{result2}。",
    "今年以来，{unit}{adv}{verb}{topic}，{result}。",
    "下一步，{unit}将继续{verb}{topic}，{req}，推动各项工作{adv}开展。",
    "据统计，截至{m}月底，全县共{verb}{topic}项目{n}个，完成投资{money}万元，{result}。",
    "为进一步做好{topic}工作，{unit}近日组织开展了{noun}，{role}带队深入{place}进行调研。",
    "{role}要求，要把{topic}作为当前一项重要任务来抓，{req}，{req2}。",
    "各镇、各部门要按照{unit}的统一部署，{adv}做好{topic}相关工作，并于{m}月{d}日前报送工作进展情况。",
    "此次{noun}共有{n}名干部群众参加，发放宣传资料{n2}余份，解答群众咨询{n3}人次。",
    "通过开展{topic}{noun}，{result}，得到了广大群众的一致好评。",
    "{unit}坚持把{topic}摆在突出位置，建立健全工作台账，实行清单化管理、项目化推进。",
    "在{topic}方面，全年累计投入资金{money}万元，惠及群众{n}户{n2}人。",
    "根据《关于做好{year}年{topic}工作的通知》要求，现将有关事项通知如下。",
    "一是{adv}{verb}{topic}；二是{adv2}{verb2}{topic2}；三是{req}。",
]


def sentence(rng: random.Random) -> str:
    t = rng.choice(TEMPLATES)
    return t.format(
        m=rng.choice(MONTHS),
        d=rng.randint(1, 28),
        unit=rng.choice(UNITS),
        place=rng.choice(PLACES),
        verb=rng.choice(VERBS),
        verb2=rng.choice(VERBS),
        topic=rng.choice(TOPICS),
        topic2=rng.choice(TOPICS),
        noun=rng.choice(NOUNS),
        role=rng.choice(PEOPLE_ROLES),
        req=rng.choice(REQUIREMENTS),
        req2=rng.choice(REQUIREMENTS),
        adv=rng.choice(ADVERBS),
        adv2=rng.choice(ADVERBS),
        result=rng.choice(RESULTS),
        result2=rng.choice(RESULTS),
        n=rng.randint(3, 480),
        n2=rng.randint(200, 9000),
        n3=rng.randint(50, 3000),
        money=rng.randint(12, 98000),
        year=rng.choice([2021, 2022, 2023, 2024]),
    )


def paragraph(rng: random.Random, sentences: tuple[int, int] = (3, 7)) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(*sentences)))


def paragraphs(rng: random.Random, count: int) -> list[str]:
    return [paragraph(rng) for _ in range(count)]
