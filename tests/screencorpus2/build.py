"""Independent labelled screening corpus, built from RULES.md only (not from the engine).

``python tests/screencorpus2/build.py OUT_DIR`` writes ~300 documents (HTML, TXT in UTF-8
and GBK, DOCX, XLSX, PDF) of Chinese government prose into OUT_DIR plus ``labels.json``:
``{relative path: {"flagged": bool, "kinds": [...], "category": str, "planted": str}}``.

Positives carry classification marks, internal-only markers, valid resident IDs, old
15-digit IDs, private mobiles (a roster of 3+, or one beside a private person) and
Luhn-valid bank cards beside 开户银行/卡号/账号. Negatives are the hard cases RULES.md says are
not hits: masked values, wrong check digits, invalid dates/regions, 18-digit 文号 and order
numbers, segmenter-split terms (有机密封, 杜绝密切), news about 保密 work, 秘密 in ordinary
prose, landlines, one official contact mobile, statistics, postal codes and credit codes.

Every negative is self-checked with an independent reference of the rules so that no
accidental hit (a random number that happens to be a valid ID, three mobiles …) slips in.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re
import sys
from pathlib import Path

SEED = 20240611

# ---------------------------------------------------------------------------
# reference validators (from RULES.md)

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"
PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip


def id_check_char(body17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def real_date(y: int, m: int, d: int) -> bool:
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def id18_valid(s: str) -> bool:
    if not re.fullmatch(r"\d{17}[\dX]", s) or s[:2] not in PROVINCES:
        return False
    y, m, d = int(s[6:10]), int(s[10:12]), int(s[12:14])
    return 1900 <= y <= 2025 and real_date(y, m, d) and id_check_char(s[:17]) == s[17]


def id15_plausible(s: str) -> bool:
    if not re.fullmatch(r"\d{15}", s) or s[:2] not in PROVINCES:
        return False
    return real_date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))


def luhn_ok(s: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(s)):
        n = int(c)
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def luhn_complete(body: str) -> str:
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


MARK_RE = re.compile(r"(绝密|机密|秘密)\s*[★☆*]")
INTERNAL_WORDS = ("内部资料", "内部文件", "注意保存", "不得外传", "仅供内部", "内部明电", "工作秘密")


def self_check_negative(text: str, allowed_mobiles: int) -> list[str]:
    """Anything in a negative's text that RULES.md would count at medium or above."""
    problems = []
    flat = text.translate({0xFF10 + i: 0x30 + i for i in range(10)})
    for m in re.finditer(r"(?<![\dX])(\d{17}[\dX])(?![\dX])", flat):
        if id18_valid(m.group(1)):
            problems.append("valid id " + m.group(1))
    for m in re.finditer(r"(?<!\d)(\d{15})(?!\d)", flat):
        if id15_plausible(m.group(1)):
            problems.append("old id " + m.group(1))
    for m in re.finditer(r"(?<!\d)(\d{16,19})(?!\d)", flat):
        win = flat[max(0, m.start() - 40) : m.end() + 40]
        if any(w in win for w in ("银行", "卡号", "账号", "开户")):
            problems.append("long number near bank context " + m.group(1))
    mobiles = re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", flat)
    if len(mobiles) > allowed_mobiles:
        problems.append(f"{len(mobiles)} mobiles")
    if MARK_RE.search(re.sub(r"[\s·]", "", flat)):
        problems.append("mark")
    if re.search(r"密级\s*[:：]", flat):
        problems.append("密级:")
    for w in INTERNAL_WORDS:
        if w in flat:
            problems.append("internal " + w)
    head = [ln.strip() for ln in flat.splitlines() if ln.strip()][:6]
    if any(ln in ("秘密", "机密", "绝密") for ln in head):
        problems.append("lone mark on first lines")
    return problems


# ---------------------------------------------------------------------------
# world

COUNTIES = [
    # name, region code, city, province, postcode, area code, office landline
    ("石泉县", "610922", "安康市", "陕西省", "725200", "0915", "6311539"),
    ("汉阴县", "610921", "安康市", "陕西省", "725100", "0915", "5212645"),
    ("紫阳县", "610924", "安康市", "陕西省", "725300", "0915", "4312068"),
    ("宁陕县", "610923", "安康市", "陕西省", "711600", "0915", "6822117"),
    ("洋县", "610723", "汉中市", "陕西省", "723300", "0916", "8212345"),
    ("留坝县", "610729", "汉中市", "陕西省", "724100", "0916", "3912006"),
    ("商南县", "611023", "商洛市", "陕西省", "726300", "0914", "6322410"),
    ("镇坪县", "610927", "安康市", "陕西省", "725600", "0915", "8821532"),
]
TOWNS = ["城关镇", "池河镇", "后柳镇", "喜河镇", "饶峰镇", "两河镇", "迎丰镇", "中池镇", "曾溪镇", "云雾山镇"]
VILLAGES = [
    "红星村",
    "新联村",
    "长兴村",
    "明星村",
    "双喜村",
    "青龙村",
    "金华村",
    "太平村",
    "和平村",
    "龙泉村",
    "丝银坝村",
    "前进村",
]
DEPTS = [
    "县民政局", "县人力资源和社会保障局", "县农业农村局", "县财政局", "县教育体育和科技局", "县卫生健康局",
    "县住房和城乡建设局", "县自然资源局", "县市场监督管理局", "县应急管理局", "县乡村振兴局", "县医疗保障局",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建军 秀兰 志强 桂芳 永红 德明 春燕 小平 国庆 海波 玉梅 正华 明亮 丽娟 文斌 晓东 金凤 长青 学军 淑珍 红霞 家富 兴旺 成林 治国 翠萍 保平 守成 玉兰 光明 新民 子豪 思雨 欣怡 浩然 梓涵 宏伟 少华 连芳 开元".split()
# Region codes of real counties/districts in real provinces (for resident IDs)
ID_REGIONS = [
    "610922", "610921", "610924", "610902", "610723", "611023", "110101", "310104", "420102",
    "510104", "440305", "320102", "370102", "410102", "430102", "500103", "130102", "350102",
    "530102", "620102", "450102", "340102", "360102", "220102", "140105", "210102",
]  # fmt: skip
BANKS = [
    ("中国农业银行", "622848"), ("中国建设银行", "621700"), ("中国工商银行", "622202"),
    ("中国邮政储蓄银行", "621799"), ("陕西信合", "621336"), ("中国银行", "621661"),
    ("交通银行", "622260"), ("陕西秦农农村商业银行", "623059"),
]  # fmt: skip


class World:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def county(self):
        return self.rng.choice(COUNTIES)

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def date(self, y0=2019, y1=2024) -> dt.date:
        return dt.date(self.rng.randint(y0, y1), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def cn_date(self, d: dt.date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"

    def address(self, county, fine=True) -> str:
        town = self.rng.choice(TOWNS)
        if not fine:
            return f"{county[0]}{town}"
        return f"{county[0]}{town}{self.rng.choice(VILLAGES)}{self.rng.randint(1, 9)}组"

    # --- personal data -----------------------------------------------------
    def birth(self) -> dt.date:
        return dt.date(self.rng.randint(1940, 2004), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def id18(self, region=None) -> str:
        b = self.birth()
        body = (
            (region or self.rng.choice(ID_REGIONS)) + b.strftime("%Y%m%d") + f"{self.rng.randint(1, 999):03d}"
        )
        return body + id_check_char(body)

    def id18_wrong_check(self) -> str:
        good = self.id18()
        while True:
            c = self.rng.choice("0123456789X")
            bad = good[:17] + c
            if c != good[17] and not (bad[-1].isdigit() and luhn_ok(bad)):
                return bad

    def id18_bad_date(self) -> str:
        region = self.rng.choice(ID_REGIONS)
        y = self.rng.randint(1950, 1999)
        m, d = self.rng.choice([(2, 30), (2, 31), (4, 31), (13, 5), (0, 12), (6, 31), (11, 31), (9, 31)])
        body = f"{region}{y}{m:02d}{d:02d}{self.rng.randint(1, 999):03d}"
        return body + id_check_char(body)

    def id18_bad_region(self) -> str:
        b = self.birth()
        region = self.rng.choice(["00", "99", "90", "28", "19", "80"]) + f"{self.rng.randint(0, 9999):04d}"
        body = region + b.strftime("%Y%m%d") + f"{self.rng.randint(1, 999):03d}"
        return body + id_check_char(body)

    def id15(self, region=None) -> str:
        b = dt.date(self.rng.randint(1935, 1980), self.rng.randint(1, 12), self.rng.randint(1, 28))
        return (
            (region or self.rng.choice(ID_REGIONS)) + b.strftime("%y%m%d") + f"{self.rng.randint(1, 999):03d}"
        )

    def mask_id(self, s: str) -> str:
        style = self.rng.randrange(4)
        if style == 0:
            return s[:6] + "*" * 8 + s[-4:]
        if style == 1:
            return s[:4] + "*" * 10 + s[-4:]
        if style == 2:
            return s[:3] + "*" * 11 + s[-4:]
        return s[:1] + "*" * 16 + s[-1:]

    def mobile(self) -> str:
        prefix = self.rng.choice(
            ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159"]
            + ["182", "183", "187", "188", "130", "131", "132", "155", "156", "185", "186", "133"]
            + ["153", "180", "181", "189", "177", "199", "166", "198", "191"]
        )
        return prefix + f"{self.rng.randint(0, 99999999):08d}"

    def mask_mobile(self, m: str) -> str:
        return m[:3] + "****" + m[-4:]

    def card(self) -> tuple[str, str]:
        bank, bin6 = self.rng.choice(BANKS)
        length = self.rng.choice([16, 19, 19, 18, 17])
        body = bin6 + "".join(str(self.rng.randint(0, 9)) for _ in range(length - 7))
        return bank, luhn_complete(body)

    def mask_card(self, c: str) -> str:
        return c[:4] + "*" * (len(c) - 8) + c[-4:]

    def non_luhn_digits(self, n: int, first: str) -> str:
        while True:
            s = first + "".join(str(self.rng.randint(0, 9)) for _ in range(n - len(first)))
            if not luhn_ok(s) and not id18_valid(s) and not id15_plausible(s):
                return s

    def doc_number(self, county, d: dt.date) -> str:
        short = county[0].rstrip("县")[:2]
        return f"{short}政办发〔{d.year}〕{self.rng.randint(1, 120)}号"

    def credit_code(self, county) -> str:
        chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        kind = self.rng.choice(["91", "92", "12", "11", "52", "93"])
        org = "".join(self.rng.choice(chars) for _ in range(9))
        if kind in ("11", "12"):
            org = "MB" + org[2:]
        return kind + county[1] + org + self.rng.choice(chars)


# ---------------------------------------------------------------------------
# prose


def P(w: World, c, s: str) -> str:
    d = w.date()
    return s.format(
        county=c[0], city=c[2], prov=c[3], town=w.rng.choice(TOWNS), village=w.rng.choice(VILLAGES),
        dept=w.rng.choice(DEPTS), year=d.year, month=d.month, day=d.day, n=w.rng.randint(3, 98),
        pct=f"{w.rng.uniform(1, 30):.1f}", money=f"{w.rng.uniform(10, 9000):.2f}",
    )  # fmt: skip


NEWS_SENTENCES = [
    "{month}月{day}日，{county}召开{year}年全县重点项目建设推进会，县委副书记、县长出席会议并讲话。",
    "会议听取了{dept}关于一季度重点工作进展情况的汇报，安排部署了下一阶段重点任务。",
    "会议强调，各镇各部门要坚持问题导向，细化工作措施，压实工作责任，确保各项任务按期完成。",
    "今年以来，{town}紧紧围绕乡村振兴战略，因地制宜发展茶叶、魔芋、蚕桑等特色产业，带动{n}户群众增收。",
    "{dept}组织干部职工深入{town}{village}开展走访慰问活动，为困难群众送去米、面、油等生活物资。",
    "活动现场，工作人员通过发放宣传资料、解答群众咨询等方式，向群众宣传相关政策法规。",
    "据统计，全年共发放宣传资料{n}00余份，接受群众咨询{n}0余人次，营造了良好的社会氛围。",
    "{county}扎实推进政务公开标准化规范化建设，全面梳理基层政务公开事项标准目录。",
    "全县规模以上工业增加值同比增长{pct}%，固定资产投资同比增长{pct}%，社会消费品零售总额增长{pct}%。",
    "下一步，{dept}将持续巩固拓展脱贫攻坚成果，推动乡村振兴各项政策落地见效。",
    "会上，与会人员围绕汛期安全生产、森林防火、地质灾害防治等工作进行了深入交流。",
    "{town}党委书记表示，将以此次活动为契机，进一步转变工作作风，切实为群众办实事、解难题。",
    "为确保活动取得实效，{dept}成立了工作专班，制定了详细的实施方案和任务清单。",
    "此次培训共{n}人参加，培训采取专题授课、案例分析、现场观摩相结合的方式进行。",
]
POLICY_SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署和省委、省政府工作要求，结合我县实际，制定本方案。",
    "坚持以人民为中心的发展思想，完整、准确、全面贯彻新发展理念，着力推动高质量发展。",
    "到{year}年底，全县农村自来水普及率达到{n}%以上，城乡供水保障水平显著提升。",
    "各镇人民政府是本辖区工作的责任主体，主要负责同志为第一责任人。",
    "县财政每年安排专项资金{money}万元，用于项目建设补助和以奖代补。",
    "对工作推进不力、措施落实不到位的单位，予以通报批评，并纳入年度目标责任考核。",
    "本办法自印发之日起施行，有效期五年，由{dept}负责解释。",
    "各有关单位要加强协调配合，建立健全信息报送制度，每月5日前将上月工作进展报送县领导小组办公室。",
    "加强资金监管，严格执行项目资金公告公示制度，主动接受群众和社会监督。",
    "鼓励社会资本参与项目建设和运营管理，积极探索政府和社会资本合作模式。",
]
NOTICE_OPENERS = [
    "各镇人民政府，县政府各工作部门，各直属机构：",
    "各镇人民政府，县直各有关单位：",
    "各有关单位、各位申请人：",
]


def news(w: World, c, k=4) -> list[str]:
    return [P(w, c, s) for s in w.rng.sample(NEWS_SENTENCES, k)]


def policy(w: World, c, k=4) -> list[str]:
    return [P(w, c, s) for s in w.rng.sample(POLICY_SENTENCES, k)]


# ---------------------------------------------------------------------------
# document model: title, top lines, blocks (str = paragraph, list = table), extras


class Doc:
    def __init__(self, title, blocks, *, top=(), sign=(), flagged, kinds=(), category, planted=""):
        self.title = title
        self.blocks = list(blocks)
        self.top = list(top)  # lines before the title (mark box, 文号)
        self.sign = list(sign)  # lines after the body (落款, date)
        self.flagged = flagged
        self.kinds = sorted(set(kinds))
        self.category = category
        self.planted = planted
        self.docx_header = None
        self.docx_footer = None
        self.xlsx_hidden_col = None  # (header, values) placed in a hidden column
        self.xlsx_hidden_sheet = None  # rows placed in a hidden sheet
        self.allowed_mobiles = 0
        self.xlsx_numeric = False  # digit-only cells written as numbers (as Excel users type them)
        self.docx_comment = None  # (anchor paragraph text, comment text)
        self.docx_tracked = None  # ("ins" | "del", text) tracked change in its own paragraph

    def text(self) -> str:
        parts = list(self.top) + [self.title]
        for b in self.blocks:
            parts.append(b if isinstance(b, str) else "\n".join("\t".join(r) for r in b))
        parts += self.sign
        for extra in (self.docx_header, self.docx_footer, self.docx_comment and self.docx_comment[1],
                      self.docx_tracked and self.docx_tracked[1]):  # fmt: skip
            if extra:
                parts.append(extra)
        if self.xlsx_hidden_col:
            parts.append("\n".join([self.xlsx_hidden_col[0], *self.xlsx_hidden_col[1]]))
        if self.xlsx_hidden_sheet:
            parts.append("\n".join("\t".join(r) for r in self.xlsx_hidden_sheet))
        return "\n".join(parts)


def sign_lines(w: World, c, unit=None) -> list[str]:
    return [unit or f"{c[0]}人民政府办公室", w.cn_date(w.date())]


def landline(c) -> str:
    return f"{c[5]}-{c[6]}"


# ---------------------------------------------------------------------------
# positives

MARK_FORMS = [
    "秘密★1年", "机密★长期", "绝密★启用前", "秘密 ★ 10 年", "机密＊3年", "秘密☆6个月", "机密★",
    "秘密★会议结束前", "機密★長期", "絕密★啟用前", "秘密*5年", "机密★20年", "秘 密 ★ 1 年",
    "机·密★2年", "秘\u200b密★1年", "秘密★　２年", "机密 ★", "绝密★公布前", "秘密★10年", "机密★5年",
    "秘密☆2年", "机密＊长期",
]  # fmt: skip
MIJI_FORMS = ["密级：秘密", "密级:机密", "密级：机密★2年", "密 级：秘密", "密级：绝密", "密級：機密"]
LONE_FORMS = ["秘密", "机密", "绝密"]
INTERNAL_FORMS = [
    "内部资料 注意保存", "内部文件 不得外传", "仅供内部参考", "内部明电", "内部资料", "注意保存",
    "内部文件　请勿外传", "本材料属工作秘密，仅供内部使用", "内部资料　注意保存", "不得外传",
]  # fmt: skip


def pos_mark(w: World, i: int) -> Doc:
    c = w.county()
    d = w.date()
    form_kind = i % 5
    if form_kind in (0, 1, 2):
        mark = MARK_FORMS[i % len(MARK_FORMS)]
    elif form_kind == 3:
        mark = MIJI_FORMS[i % len(MIJI_FORMS)]
    else:
        mark = LONE_FORMS[i % len(LONE_FORMS)]
    title = w.rng.choice(
        [
            f"关于{d.year}年度重点工作目标责任考核情况的通报",
            f"{c[0]}关于防汛抗旱工作部署的紧急通知",
            f"关于{c[0]}社会稳定风险排查情况的报告",
            f"{c[0]}人民政府常务会议纪要（第{w.rng.randint(1, 40)}次）",
            f"关于调整{c[0]}重点项目建设领导小组成员的通知",
            f"{c[0]}应急处置工作方案",
        ]
    )
    top = [mark, w.doc_number(c, d)]
    if form_kind == 2:
        top = [w.doc_number(c, d), mark]
    blocks = [w.rng.choice(NOTICE_OPENERS)] + news(w, c, 2) + policy(w, c, 3)
    return Doc(
        title,
        blocks,
        top=top,
        sign=sign_lines(w, c),
        flagged=True,
        kinds=["classified_mark"],
        category="mark",
        planted=mark,
    )


def pos_mark_inline(w: World, i: int) -> Doc:
    """A mark in the body of a page (e.g. a forwarded document pasted into a news page)."""
    c = w.county()
    mark = MARK_FORMS[(i * 7 + 3) % len(MARK_FORMS)]
    blocks = (
        news(w, c, 2)
        + [f"附件：{mark}　《关于{c[0]}{w.rng.choice(TOWNS)}矛盾纠纷排查化解情况的报告》"]
        + news(w, c, 2)
    )
    return Doc(
        f"{c[0]}召开专题会议研究部署重点工作",
        blocks,
        flagged=True,
        kinds=["classified_mark"],
        category="mark-inline",
        planted=mark,
    )


def pos_internal(w: World, i: int) -> Doc:
    c = w.county()
    marker = INTERNAL_FORMS[i % len(INTERNAL_FORMS)]
    title = w.rng.choice(
        [
            f"{c[0]}政务信息（第{w.rng.randint(1, 60)}期）",
            f"{c[0]}舆情专报",
            f"关于{w.rng.choice(TOWNS)}信访问题办理情况的汇报",
            f"{c[0]}经济运行情况分析（{w.date().year}年上半年）",
            "领导参阅件",
        ]
    )
    d = Doc(title, news(w, c, 3) + policy(w, c, 2), top=[marker], sign=sign_lines(w, c), flagged=True,
            kinds=["internal_marker"], category="internal", planted=marker)  # fmt: skip
    if i % 3 == 1:
        d.top = []
        d.blocks.append(f"（{marker}）")
    if marker == "内部明电":
        d.top = ["内部明电", f"发电单位：{c[0]}人民政府办公室　签批：{w.name()}"]
    return d


def pos_id_table(w: World, i: int) -> Doc:
    c = w.county()
    d = w.date()
    what = w.rng.choice(
        ["农村低保", "特困人员供养", "临时救助", "高龄老人生活补贴", "危房改造补助", "公益性岗位"]
    )
    rows = [["序号", "姓名", "性别", "身份证号码", "家庭住址", "保障人数"]]
    n = w.rng.randint(4, 12)
    valid_at = {w.rng.randrange(n)} if i % 3 == 0 else set(range(n))
    planted = ""
    for k in range(n):
        real = w.id18(c[1] if w.rng.random() < 0.7 else None)
        shown = real if k in valid_at else w.mask_id(real)
        if k in valid_at:
            planted = planted or shown
        rows.append(
            [str(k + 1), w.name(), w.rng.choice("男女"), shown, w.address(c), str(w.rng.randint(1, 6))]
        )
    blocks = [
        f"根据《社会救助暂行办法》和{c[3]}有关规定，经本人申请、村（社区）评议、镇政府审核、{c[0]}民政局审批，"
        f"拟将以下人员纳入{d.year}年度{what}保障范围，现予以公示。",
        rows,
        f"公示期为{d.month}月{d.day}日至{d.month}月{min(d.day + 7, 28)}日。公示期间如有异议，请向{c[0]}民政局反映，"
        f"电话：{landline(c)}。",
    ]
    return Doc(f"{c[0]}{d.year}年{what}拟保障对象公示", blocks, sign=sign_lines(w, c, f"{c[0]}民政局"),
               flagged=True, kinds=["id_number"], category="id18-table", planted=planted)  # fmt: skip


def pos_id_decision(w: World, i: int) -> Doc:
    c = w.county()
    ident = w.id18()
    if i % 4 == 1:  # check character X typed in lower case
        while not ident.endswith("X"):
            ident = w.id18()
        ident = ident[:-1] + "x"
    if i % 4 == 3:  # full-width digits in a pasted decision
        ident_shown = ident.translate({0x30 + k: 0xFF10 + k for k in range(10)})
    else:
        ident_shown = ident
    name = w.name()
    d = w.date()
    blocks = [
        f"当事人：{name}，{w.rng.choice('男女')}，汉族，公民身份号码：{ident_shown}，住址：{w.address(c)}。",
        f"{d.year}年{d.month}月{d.day}日，本机关执法人员在{w.address(c, fine=False)}检查时发现，当事人未取得许可擅自从事经营活动。",
        "以上事实有现场检查笔录、询问笔录、现场照片等证据为证。",
        f"依据相关法律法规规定，本机关决定对当事人作出如下行政处罚：罚款人民币{w.rng.randint(1, 50)}000元。",
        "如不服本处罚决定，可在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。",
    ]
    return Doc(f"{c[0]}{w.rng.choice(DEPTS)}行政处罚决定书", blocks, top=[f"{c[0][:2]}市监罚〔{d.year}〕{w.rng.randint(1, 300)}号"],
               sign=sign_lines(w, c, f"{c[0]}市场监督管理局"), flagged=True, kinds=["id_number"], category="id18-decision",
               planted=ident_shown)  # fmt: skip


def pos_id15(w: World, i: int) -> Doc:
    c = w.county()
    old = w.id15(c[1] if i % 2 else None)
    name = w.name()
    label = ["身份证号", "身份证号码", "身份证", "居民身份证号"][i % 4]
    if i % 2:
        rows = [
            ["姓名", label, "原地址", "面积（平方米）"],
            [name, old, w.address(c), f"{w.rng.uniform(60, 200):.1f}"],
        ]
        rows.append([w.name(), w.mask_id(w.id18()), w.address(c), f"{w.rng.uniform(60, 200):.1f}"])
        blocks = [
            f"根据{c[0]}不动产登记工作安排，现将以下不动产首次登记事项予以公告：",
            rows,
            "自公告之日起十五个工作日内，利害关系人可提出书面异议。",
        ]
    else:
        blocks = news(w, c, 1) + [f"{name}（{label}：{old}）遗失{c[0]}农村土地承包经营权证一本，声明作废。"]
    return Doc(
        f"{c[0]}不动产登记公告" if i % 2 else "遗失声明",
        blocks,
        flagged=True,
        kinds=["id_number"],
        category="id15",
        planted=old,
    )


def pos_mobile_roster(w: World, i: int) -> Doc:
    c = w.county()
    n = w.rng.randint(3, 9)
    if i % 3 == 0:
        rows = [["序号", "户主姓名", "家庭住址", "联系电话", "帮扶责任人"]]
        for k in range(n):
            rows.append([str(k + 1), w.name(), w.address(c), w.mobile(), w.name()])
        title = f"{c[0]}{w.rng.choice(TOWNS)}脱贫户帮扶联系名册"
    elif i % 3 == 1:
        rows = [["姓名", "村组", "手机号码", "申请事项"]]
        for _ in range(n):
            rows.append(
                [w.name(), w.rng.choice(VILLAGES) + f"{w.rng.randint(1, 9)}组", w.mobile(), "产业奖补"]
            )
        title = f"{w.date().year}年产业发展奖补申报人员名单"
    else:
        rows = [["考生姓名", "报考岗位", "准考证号", "手机"]]
        for _ in range(n):
            rows.append(
                [
                    w.name(),
                    w.rng.choice(["综合管理", "会计", "乡村振兴专干"]),
                    f"2024{w.rng.randint(100000, 999999)}",
                    w.mobile(),
                ]
            )
        title = f"{c[0]}{w.date().year}年公开招聘进入面试人员名单"
    blocks = [P(w, c, "根据有关规定，现将{county}相关人员名单公布如下："), rows, f"咨询电话：{landline(c)}"]
    roster_numeric = True
    phone_col = next(k for k, h in enumerate(rows[0]) if "电话" in h or "手机" in h)
    d = Doc(
        title, blocks, flagged=True, kinds=["mobile"], category="mobile-roster", planted=rows[1][phone_col]
    )
    d.allowed_mobiles = n
    d.xlsx_numeric = roster_numeric
    return d


def pos_mobile_private(w: World, i: int) -> Doc:
    c = w.county()
    m = w.mobile()
    name = w.name()
    forms = [
        f"申请人：{name}，住址：{w.address(c)}，联系电话：{m}。",
        f"户主姓名：{name}　家庭住址：{w.address(c)}　手机：{m}",
        f"投诉人{name}（家住{w.address(c)}，手机号{m}）反映：其家中自来水长期停水，至今未得到解决。",
        f"经查，{name}，{w.rng.choice('男女')}，{w.rng.randint(30, 80)}岁，住{w.address(c)}，本人手机{m}，于{w.cn_date(w.date())}提出申请。",
        f"当事人{name}，住{w.address(c)}，联系方式{m}。",
    ]
    sent = forms[i % len(forms)]
    title = [
        "关于群众来信办理情况的答复",
        "信访事项处理意见书",
        "网民留言办理回复",
        "临时救助审批情况",
        "行政调解协议书",
    ][i % 5]
    blocks = news(w, c, 1) + [sent] + policy(w, c, 1)
    d = Doc(title, blocks, flagged=True, kinds=["mobile"], category="mobile-private", planted=sent)
    d.allowed_mobiles = 1
    return d


def pos_bank(w: World, i: int) -> Doc:
    c = w.county()
    what = w.rng.choice(
        [
            "耕地地力保护补贴",
            "退耕还林补助",
            "生态护林员工资",
            "高龄补贴",
            "残疾人两项补贴",
            "易地搬迁后续扶持资金",
        ]
    )
    head = [
        "序号",
        "姓名",
        "村组",
        ["开户银行", "开户行", "代发银行"][i % 3],
        ["卡号", "账号", "银行卡号", "一卡通账号"][i % 4],
        "金额（元）",
    ]
    rows = [head]
    n = w.rng.randint(3, 10)
    leak_at = {w.rng.randrange(n)} if i % 2 else set(range(n))
    planted = ""
    for k in range(n):
        bank, card = w.card()
        shown = card if k in leak_at else w.mask_card(card)
        planted = planted or (card if k in leak_at else "")
        rows.append(
            [str(k + 1), w.name(), w.rng.choice(VILLAGES), bank, shown, f"{w.rng.uniform(100, 3000):.2f}"]
        )
    blocks = [
        f"现将{c[0]}{w.date().year}年{what}发放情况予以公示，接受社会监督。",
        rows,
        f"监督电话：{landline(c)}",
    ]
    return Doc(
        f"{c[0]}{w.date().year}年{what}发放花名册",
        blocks,
        flagged=True,
        kinds=["bank_card"],
        category="bank",
        planted=planted,
    )


def pos_bank_sentence(w: World, i: int) -> Doc:
    c = w.county()
    bank, card = w.card()
    name = w.name()
    sent = f"经审核，同意向{name}发放救助金{w.rng.randint(1, 9)}000元，资金通过{bank}打卡发放，卡号：{card}。"
    return Doc(
        "临时救助审批结果",
        news(w, c, 1) + [sent],
        flagged=True,
        kinds=["bank_card"],
        category="bank-sentence",
        planted=card,
    )


def pos_combined(w: World, i: int) -> Doc:
    c = w.county()
    rows = [["姓名", "身份证号", "联系电话", "开户银行", "银行账号", "补助金额"]]
    for _ in range(w.rng.randint(3, 6)):
        bank, card = w.card()
        rows.append([w.name(), w.id18(c[1]), w.mobile(), bank, card, f"{w.rng.randint(5, 30)}00"])
    d = Doc(f"{c[0]}{w.date().year}年度农村危房改造补助资金兑付明细", [f"根据{c[0]}住建局审核结果，现将补助资金兑付情况公示如下：", rows],
            flagged=True, kinds=["id_number", "mobile", "bank_card"], category="combined", planted=rows[1][1])  # fmt: skip
    d.allowed_mobiles = 99
    return d


# ---------------------------------------------------------------------------
# negatives


def neg_masked_ids(w: World, i: int) -> Doc:
    c = w.county()
    d = w.date()
    rows = [["序号", "姓名", "身份证号", "住址", "补助标准（元/月）"]]
    for k in range(w.rng.randint(5, 14)):
        rows.append(
            [
                str(k + 1),
                w.name(),
                w.mask_id(w.id18(c[1])),
                w.address(c, fine=False),
                str(w.rng.choice([280, 350, 450, 560])),
            ]
        )
    blocks = [f"经个人申请、村级评议、镇级审核、县级审批，现将{d.year}年第{w.rng.randint(1, 4)}季度新增保障对象予以公示：", rows,
              f"公示期7天。监督电话：{landline(c)}。"]  # fmt: skip
    return Doc(f"{c[0]}{d.year}年新增城乡低保对象公示", blocks, sign=sign_lines(w, c, f"{c[0]}民政局"), flagged=False,
               category="neg-masked-id", planted=rows[1][2])  # fmt: skip


def neg_bad_ids(w: World, i: int) -> Doc:
    c = w.county()
    rows = [["姓名", "证件号码", "所在镇", "备注"]]
    gen = [w.id18_wrong_check, w.id18_bad_date, w.id18_bad_region][i % 3]
    for _ in range(w.rng.randint(3, 8)):
        rows.append([w.name(), gen(), w.rng.choice(TOWNS), "已核实"])
    cat = ["neg-wrong-check", "neg-bad-date", "neg-bad-region"][i % 3]
    return Doc(f"{c[0]}{w.date().year}年度见义勇为人员确认名单", [P(w, c, "经{county}见义勇为评定委员会审核，以下人员确认为见义勇为人员："), rows],
               flagged=False, category=cat, planted=rows[1][1])  # fmt: skip


def neg_long_numbers(w: World, i: int) -> Doc:
    c = w.county()
    d = w.date()
    k = i % 4
    if k == 0:
        contract = "HT" + w.non_luhn_digits(18, "20")
        order = w.non_luhn_digits(18, f"{d.year}")
        blocks = [
            f"项目名称：{c[0]}{w.rng.choice(TOWNS)}农村供水提升改造工程",
            f"合同编号：{contract}　采购订单号：{order}",
            f"中标金额：{w.rng.uniform(50, 900):.2f}万元　工期：{w.rng.randint(60, 240)}日历天",
            f"采购人：{c[0]}{w.rng.choice(DEPTS)}，地址：{c[0]}城关镇，联系电话：{landline(c)}。",
        ]
        title, planted = "中标结果公告", order
    elif k == 1:
        serial = w.non_luhn_digits(20, "51") + w.mobile() + "0"
        blocks = news(w, c, 1) + [
            f"电子票据号码：{serial}",
            f"交易流水号：{w.non_luhn_digits(18, '30')}，缴款金额{w.rng.randint(10, 900)}.00元。",
        ]
        title, planted = "非税收入缴款情况说明", serial
    elif k == 2:
        doc_no = w.non_luhn_digits(18, "00")
        blocks = policy(w, c, 2) + [
            f"登记编号：{doc_no}",
            f"索引号：{c[1]}-{w.rng.randint(1000, 9999)}-{d.year}-{w.rng.randint(10000, 99999)}",
        ]
        title, planted = f"{c[0]}规范性文件登记备案目录", doc_no
    else:
        pkg = w.non_luhn_digits(19, "78")
        blocks = news(w, c, 1) + [f"快递单号{pkg}已由县邮政分公司签收，请{c[0]}各镇及时领取。"]
        title, planted = "关于领取年度统计报表的通知", pkg
    return Doc(title, blocks, flagged=False, category="neg-long-number", planted=planted)


SPLIT_SENTENCES = [
    "包装容器应采用有机密封材料，确保运输过程中不发生泄漏。",
    "各单位要坚决杜绝密切接触者未经核酸检测擅自离开隔离场所的现象。",
    "实验室废液须使用有机密封桶收集，并交由有资质的单位集中处置。",
    "要严格执行中央八项规定精神，杜绝密集开会、层层发文等形式主义问题。",
    "本批次食品抽检样品均采用无机密封包装，检验结论为合格。",
    "新建冷库采用有机密封胶条，保温性能提升明显。",
]


def neg_split_terms(w: World, i: int) -> Doc:
    c = w.county()
    sent = SPLIT_SENTENCES[i % len(SPLIT_SENTENCES)]
    return Doc(w.rng.choice(["食品安全监督抽检信息公告", "关于进一步加强作风建设的通知", "危险废物规范化管理工作要点"]),
               news(w, c, 2) + [sent] + policy(w, c, 2), flagged=False, category="neg-split-term", planted=sent)  # fmt: skip


SECRECY_NEWS = [
    "{month}月{day}日，{county}召开{year}年保密工作会议，总结上年度保密工作，安排部署本年度重点任务。",
    "会议要求，各单位要充分认识新形势下保密工作的重要性，切实增强保密意识，落实保密工作责任制。",
    "为深入开展保密宣传月活动，{county}保密局在城区广场设立宣传点，向过往群众发放保密法宣传手册。",
    "活动期间，各单位组织干部职工观看保密警示教育片，开展保密知识测试。",
    "县保密局对{n}个县直部门开展了保密自查自评工作督导检查。",
    "会议传达学习了全省保密工作会议精神，通报了上年度保密检查情况。",
]
SECRECY_LAW = [
    "依照《中华人民共和国保守国家秘密法》，加强对干部职工的保密教育。",
    "依法确定为国家秘密的政府信息，法律、行政法规禁止公开的政府信息，以及公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息，不予公开。",
    "涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害的政府信息，行政机关不得公开。",
    "会议要求加强涉密人员管理，规范涉密载体使用，严防网络泄密事件发生。",
]


def neg_secrecy_news(w: World, i: int) -> Doc:
    c = w.county()
    blocks = [P(w, c, s) for s in w.rng.sample(SECRECY_NEWS, 4)]
    planted = blocks[0]
    if i % 3 == 0:
        law = SECRECY_LAW[(i // 3) % len(SECRECY_LAW)]
        blocks.insert(2, law)
        planted = law
    title = w.rng.choice(
        [
            f"{c[0]}召开保密工作会议",
            f"{c[0]}开展保密宣传月活动",
            "县保密局开展保密法宣传进社区活动",
            f"{c[0]}举办保密教育培训班",
        ]
    )
    return Doc(title, blocks, flagged=False, category="neg-secrecy-news", planted=planted)


def neg_disclosure_guide(w: World, i: int) -> Doc:
    c = w.county()
    blocks = [
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "一、公开的范围。行政机关应当主动公开本行政机关的机构职能、行政法规、规章、规范性文件等政府信息。",
        "二、不予公开的范围。" + SECRECY_LAW[1 + i % 2],
        f"三、依申请公开。公民、法人或者其他组织可以向{c[0]}人民政府办公室申请获取相关政府信息。",
        f"受理机构：{c[0]}人民政府办公室　办公地址：{c[0]}城关镇　邮政编码：{c[4]}　联系电话：{landline(c)}",
    ]
    return Doc(
        f"{c[0]}人民政府政府信息公开指南",
        blocks,
        flagged=False,
        category="neg-disclosure-guide",
        planted=blocks[2][:40],
    )


SECRET_PROSE = [
    "县图书馆举办“大自然的秘密”少儿科普展，吸引了众多家长带孩子前来参观。",
    "讲座以“成功的秘密”为题，勉励青年干部脚踏实地、久久为功。",
    "茶农老陈说，种好茶的秘密就在于精细管理和不用化肥农药。",
    "读书分享会上，学生们分享了《海底的秘密》《昆虫的秘密》等科普读物的阅读心得。",
    "长寿之乡的秘密，离不开当地良好的生态环境和健康的生活方式。",
    "这本《成功的秘密》被评为县“全民阅读”推荐书目之一。",
]


def neg_secret_prose(w: World, i: int) -> Doc:
    c = w.county()
    sent = SECRET_PROSE[i % len(SECRET_PROSE)]
    return Doc(w.rng.choice(["全民阅读活动走进校园", f"{c[0]}科技活动周精彩纷呈", "走进长寿之乡", "特色产业助农增收"]),
               news(w, c, 2) + [sent] + news(w, c, 1), flagged=False, category="neg-secret-prose", planted=sent)  # fmt: skip


def neg_landline(w: World, i: int) -> Doc:
    c = w.county()
    tel = landline(c)
    extra = f"{c[5]}-{w.rng.randint(5200000, 8899999)}"
    blocks = [w.rng.choice(NOTICE_OPENERS)] + policy(w, c, 3) + [
        f"联系人：{c[0]}{w.rng.choice(DEPTS)}办公室　联系电话：{tel}，{extra}（传真）",
        f"通讯地址：{c[0]}城关镇{w.rng.choice(['江南路', '育才路', '新城大道'])}{w.rng.randint(1, 200)}号　邮编：{c[4]}",
    ]  # fmt: skip
    return Doc(
        f"关于做好{w.date().year}年度统计年报工作的通知",
        blocks,
        sign=sign_lines(w, c),
        flagged=False,
        category="neg-landline",
        planted=tel,
    )


def neg_official_mobile(w: World, i: int) -> Doc:
    c = w.county()
    m = w.mobile()
    dept = w.rng.choice(DEPTS)
    forms = [
        f"联系人：{w.name()}　联系电话：{m}",
        f"咨询电话：{landline(c)}，{m}（{dept}）",
        f"联系人：{dept}就业服务股　联系电话：{m}",
        f"报名咨询：{c[0]}{dept}，联系人：{w.name()}，电话：{m}。",
        f"咨询电话：{m}（工作日8:00—18:00）",
    ]
    sent = forms[i % len(forms)]
    blocks = [w.rng.choice(NOTICE_OPENERS)] + policy(w, c, 3) + [sent]
    title = w.rng.choice(
        [
            f"{c[0]}{w.date().year}年公益性岗位招聘公告",
            "关于开展农村实用人才培训报名工作的通知",
            "关于申报小微企业创业担保贷款的通知",
        ]
    )
    d = Doc(
        title,
        blocks,
        sign=sign_lines(w, c, c[0] + dept.lstrip("县")),
        flagged=False,
        category="neg-official-mobile",
        planted=sent,
    )
    d.allowed_mobiles = 1
    return d


def neg_two_contacts(w: World, i: int) -> Doc:
    """Two official contacts of a recruitment notice: not three, not a private person."""
    c = w.county()
    m1, m2 = w.mobile(), w.mobile()
    sent = f"联系人：{c[0]}人社局 {w.name()}，联系电话：{m1}；{c[0]}{w.rng.choice(DEPTS)} {w.name()}，联系电话：{m2}。"
    blocks = (
        [P(w, c, "为做好{county}{year}年事业单位公开招聘工作，现将有关事项公告如下：")]
        + policy(w, c, 3)
        + [sent]
    )
    d = Doc(f"{c[0]}{w.date().year}年事业单位公开招聘公告", blocks, sign=sign_lines(w, c, f"{c[0]}人力资源和社会保障局"),
            flagged=False, category="neg-two-official-mobiles", planted=sent)  # fmt: skip
    d.allowed_mobiles = 2
    return d


def neg_masked_mobiles(w: World, i: int) -> Doc:
    c = w.county()
    rows = [["序号", "姓名", "联系电话", "中奖等级"]] if i % 2 else [["序号", "姓名", "手机号", "所在村"]]
    for k in range(w.rng.randint(4, 10)):
        rows.append(
            [
                str(k + 1),
                w.name()[0] + "**",
                w.mask_mobile(w.mobile()),
                w.rng.choice(["一等奖", "二等奖", "三等奖"]) if i % 2 else w.rng.choice(VILLAGES),
            ]
        )
    title = "全民健身知识竞赛获奖名单公示" if i % 2 else "消费券中签人员名单"
    return Doc(title, [P(w, c, "现将{county}相关活动结果公示如下（个人信息已脱敏处理）："), rows], flagged=False, category="neg-masked-mobile",
               planted=rows[1][2])  # fmt: skip


def neg_stats(w: World, i: int) -> Doc:
    c = w.county()
    d = w.date()
    rows = [["指标", "单位", f"{d.year}年", f"{d.year - 1}年", "同比增长（%）"]]
    for ind, unit in [("地区生产总值", "万元"), ("一般公共预算收入", "万元"), ("城乡居民储蓄存款余额", "万元"), ("社会消费品零售总额", "万元"),
                      ("户籍人口", "人"), ("粮食总产量", "吨"), ("规模以上工业总产值", "千元")]:  # fmt: skip
        a = w.rng.randint(10_000, 9_999_999)
        rows.append([ind, unit, f"{a}", f"{int(a / 1.06)}", f"{w.rng.uniform(-3, 12):.1f}"])
    big = w.non_luhn_digits(13, "3")
    blocks = [f"{d.year}年，{c[0]}国民经济和社会发展总体平稳、稳中有进。", rows,
              f"全县金融机构各项贷款余额{w.rng.randint(100000, 999999)}.{w.rng.randint(10, 99)}万元，折合{big}元（含应计利息）。",
              f"注：本表数据来源于{c[0]}统计局，邮政编码{c[4]}。"]  # fmt: skip
    return Doc(
        f"{c[0]}{d.year}年国民经济和社会发展统计公报",
        blocks,
        flagged=False,
        category="neg-stats",
        planted=big,
    )


def neg_credit_codes(w: World, i: int) -> Doc:
    c = w.county()
    old_reg = i % 2 == 1  # old 15-digit 注册号 (region + 9 digits) instead of the credit code
    rows = [["序号", "企业名称", "注册号" if old_reg else "统一社会信用代码", "法定代表人", "检查结果"]]
    for k in range(w.rng.randint(3, 9)):
        code = w.credit_code(c)
        if old_reg:
            code = c[1] + "6" + w.non_luhn_digits(8, "0")
            while id15_plausible(code):  # a real date in 7-12 would make it an old ID by the rules
                code = c[1] + "6" + w.non_luhn_digits(8, "0")
        rows.append([str(k + 1), f"{c[0]}{w.rng.choice(['绿源', '秦巴', '汉江', '富硒', '鑫盛', '安达'])}{w.rng.choice(['茶业', '农业', '商贸', '建材'])}有限公司",
                     code, w.name(), w.rng.choice(["未发现问题", "责令整改", "已整改"])])  # fmt: skip
    return Doc(f"{c[0]}{w.date().year}年度“双随机、一公开”抽查结果公示", [P(w, c, "根据{dept}抽查工作计划，现将抽查结果公示如下："), rows],
               flagged=False, category="neg-credit-code", planted=rows[1][2])  # fmt: skip


def neg_masked_bank(w: World, i: int) -> Doc:
    c = w.county()
    rows = [["序号", "姓名", "身份证号", "开户银行", "卡号", "金额（元）"]]
    for k in range(w.rng.randint(4, 12)):
        bank, card = w.card()
        rows.append(
            [
                str(k + 1),
                w.name(),
                w.mask_id(w.id18(c[1])),
                bank,
                w.mask_card(card),
                f"{w.rng.uniform(100, 2000):.2f}",
            ]
        )
    return Doc(f"{c[0]}{w.date().year}年耕地地力保护补贴发放公示", [f"现将{c[0]}耕地地力保护补贴发放情况公示如下：", rows],
               flagged=False, category="neg-masked-bank", planted=rows[1][4])  # fmt: skip


INNOCENT_INTERNAL = [
    "进一步健全单位内部控制制度，规范财务收支管理。",
    "县审计局对{n}个部门开展了内部审计工作指导。",
    "加强党内监督，完善内部管理，防范廉政风险。",
    "机关内部各股室要密切配合，形成工作合力。",
]


def neg_innocent_internal(w: World, i: int) -> Doc:
    c = w.county()
    sent = P(w, c, INNOCENT_INTERNAL[i % len(INNOCENT_INTERNAL)])
    return Doc(f"{c[0]}{w.rng.choice(DEPTS)}{w.date().year}年工作总结", news(w, c, 2) + [sent] + policy(w, c, 2), flagged=False,
               category="neg-internal-words", planted=sent)  # fmt: skip


def neg_plain(w: World, i: int) -> Doc:
    c = w.county()
    d = w.date()
    if i % 2:
        return Doc(w.rng.choice([f"{c[0]}召开{d.year}年乡村振兴工作推进会", f"{c[0]}开展安全生产大检查", "我县扎实推进人居环境整治"]),
                   news(w, c, 5), flagged=False, category="neg-plain")  # fmt: skip
    return Doc(f"{c[0]}关于印发{w.rng.choice(['农村供水保障', '全域旅游发展', '中小学校舍安全'])}实施方案的通知",
               [w.rng.choice(NOTICE_OPENERS)] + policy(w, c, 5), top=[w.doc_number(c, d)], sign=sign_lines(w, c), flagged=False,
               category="neg-plain")  # fmt: skip


def neg_masked_person(w: World, i: int) -> Doc:
    """Names with addresses down to 镇 only and a masked mobile: the masking guidance followed."""
    c = w.county()
    sent = f"申请人：{w.name()}，住址：{w.address(c, fine=False)}，联系电话：{w.mask_mobile(w.mobile())}。"
    return Doc(
        "网民留言办理回复",
        news(w, c, 1) + [sent] + policy(w, c, 1),
        flagged=False,
        category="neg-masked-person",
        planted=sent,
    )


# ---------------------------------------------------------------------------
# renderers


def render_html(doc: Doc, c, encoding: str) -> bytes:
    def para(b):
        if isinstance(b, str):
            return f"<p>{html.escape(b)}</p>"
        head, *body = b
        th = "".join(f"<th>{html.escape(x)}</th>" for x in head)
        trs = "".join("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in r) + "</tr>" for r in body)
        return f'<table class="gkTable" border="1"><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>'

    charset = "utf-8"
    if encoding == "gbk":
        try:
            doc.text().encode("gb2312")
            charset = "gb2312"
        except UnicodeEncodeError:
            charset = "gbk"
    body = "\n".join(
        [f'<p class="top">{html.escape(t)}</p>' for t in doc.top]
        + [para(b) for b in doc.blocks]
        + [f'<p style="text-align:right">{html.escape(t)}</p>' for t in doc.sign]
    )
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{html.escape(doc.title)}_{c[0]}人民政府</title>
<meta name="SiteName" content="{c[0]}人民政府"><meta name="ColumnName" content="通知公告">
<style>.gkTable td{{padding:4px}}</style>
<script>var _hmt = _hmt || [];</script></head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/zwfw/">政务服务</a> | <a href="/hdjl/">互动交流</a> | <a href="/zj/">走进{c[0]}</a></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">信息公开</a> &gt; 通知公告</div>
<div class="article">
<h1>{html.escape(doc.title)}</h1>
<div class="info">发布时间：{doc_date_iso(doc)}　来源：{c[0]}人民政府办公室　浏览次数：<span>{len(doc.title) * 37}</span></div>
<div class="content">
{body}
</div></div>
<div class="footer"><p>主办：{c[0]}人民政府办公室　地址：{c[0]}城关镇　邮编：{c[4]}　电话：{landline(c)}</p>
<p>网站标识码：{c[1]}0001　陕ICP备05004{c[1][-3:]}号　陕公网安备 {c[1]}02000101号</p></div>
</body></html>
"""
    return page.encode(encoding)


def doc_date_iso(doc: Doc) -> str:
    h = sum(map(ord, doc.title))
    return f"20{19 + h % 6}-{1 + h % 12:02d}-{1 + h % 28:02d}"


def plain_lines(doc: Doc) -> list[str]:
    lines = list(doc.top) + [doc.title, ""]
    for b in doc.blocks:
        if isinstance(b, str):
            lines.append("　　" + b)
        else:
            lines += ["  ".join(r) for r in b]
    lines += [""] + doc.sign
    return lines


def render_txt(doc: Doc, encoding: str) -> bytes:
    return ("\r\n" if encoding == "gbk" else "\n").join(plain_lines(doc)).encode(encoding) + b"\n"


def render_docx(doc: Doc, path: Path) -> None:
    import docx

    d = docx.Document()
    for t in doc.top:
        d.add_paragraph(t)
    d.add_heading(doc.title, level=1)
    for b in doc.blocks:
        if isinstance(b, str):
            d.add_paragraph(b)
        else:
            table = d.add_table(rows=len(b), cols=len(b[0]))
            for r, row in enumerate(b):
                for k, cell in enumerate(row):
                    table.cell(r, k).text = cell
    if doc.docx_comment:
        para = d.add_paragraph(doc.docx_comment[0])
        d.add_comment(para.runs, text=doc.docx_comment[1], author="审核人", initials="SH")
    if doc.docx_tracked:
        add_tracked(d, *doc.docx_tracked)
    for t in doc.sign:
        d.add_paragraph(t)
    sec = d.sections[0]
    if doc.docx_header:
        sec.header.paragraphs[0].text = doc.docx_header
    if doc.docx_footer:
        sec.footer.paragraphs[0].text = doc.docx_footer
    d.core_properties.author = "办公室"
    d.save(path)


def add_tracked(d, how: str, text: str) -> None:
    """A paragraph whose only run is a tracked insertion (w:ins) or deletion (w:del)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = d.add_paragraph()
    change = OxmlElement("w:" + how)
    change.set(qn("w:id"), "1")
    change.set(qn("w:author"), "审核人")
    change.set(qn("w:date"), "2024-03-01T09:00:00Z")
    run = OxmlElement("w:r")
    t = OxmlElement("w:delText" if how == "del" else "w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(t)
    change.append(run)
    para._p.append(change)


def render_xlsx(doc: Doc, path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示表"
    for t in doc.top:
        ws.append([t])
    ws.append([doc.title])
    for b in doc.blocks:
        if isinstance(b, str):
            ws.append([b])
        else:
            start = ws.max_row + 1
            for r in b:
                ws.append([int(x) if doc.xlsx_numeric and x.isdigit() and len(x) <= 15 else x for x in r])
            if doc.xlsx_hidden_col:
                col = len(b[0]) + 1
                header, values = doc.xlsx_hidden_col
                ws.cell(start, col, header)
                for k, v in enumerate(values):
                    ws.cell(start + 1 + k, col, v)
                ws.column_dimensions[openpyxl.utils.get_column_letter(col)].hidden = True
    for t in doc.sign:
        ws.append([t])
    if doc.xlsx_hidden_sheet:
        ws2 = wb.create_sheet("原始数据")
        for r in doc.xlsx_hidden_sheet:
            ws2.append(list(r))
        ws2.sheet_state = "hidden"
    wb.save(path)


_FONT = []


def render_pdf(doc: Doc, path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if not _FONT:
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        _FONT.append(1)
    cv = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    cv.setTitle(doc.title)
    width, height = A4
    y = height - 60

    def line(s: str, size=10):
        nonlocal y
        if y < 60:
            cv.showPage()
            y = height - 60
        cv.setFont("STSong-Light", size)
        cv.drawString(50, y, s)
        y -= size + 6

    for ln in plain_lines(doc):
        ln = ln.replace("\u200b", "")
        for part in wrap(ln, 46):
            line(part, 14 if ln == doc.title else 10)
    cv.save()


def wrap(s: str, n: int) -> list[str]:
    out = []
    while len(s) > n:
        cut = max((k + 1 for k in range(n // 2, n) if s[k] in "，。；：、）"), default=n)
        out.append(s[:cut])
        s = s[cut:]
    out.append(s)
    return out


# ---------------------------------------------------------------------------
# plan


def plan(w: World) -> list[tuple[Doc, str]]:
    """(document, format) pairs; format one of html, html-gbk, txt, txt-gbk, docx, xlsx, pdf."""
    out: list[tuple[Doc, str]] = []
    fmts_cycle = ["html", "txt", "html", "docx", "html-gbk", "txt-gbk", "html", "pdf", "txt", "html"]

    def add(maker, count, formats=None):
        for i in range(count):
            doc = maker(w, i)
            fmt = (formats or fmts_cycle)[i % len(formats or fmts_cycle)]
            out.append((doc, fmt))

    # positives ---------------------------------------------------------------
    add(pos_mark, 35, ["txt", "docx", "html", "pdf", "txt-gbk", "html", "docx", "txt"])
    add(pos_mark_inline, 6, ["html", "html-gbk", "txt"])
    add(pos_internal, 22, ["txt", "html", "docx", "pdf", "html-gbk", "txt-gbk"])
    add(pos_id_table, 20, ["html", "html", "docx", "xlsx", "pdf", "txt", "html-gbk"])
    add(pos_id_decision, 8, ["html", "txt", "pdf", "docx"])
    add(pos_id15, 8, ["html", "txt", "docx", "html-gbk"])
    add(pos_mobile_roster, 12, ["html", "xlsx", "docx", "txt", "pdf", "html-gbk"])
    add(pos_mobile_private, 10, ["html", "txt", "docx", "html", "pdf"])
    add(pos_bank, 14, ["html", "xlsx", "docx", "html-gbk", "pdf", "txt"])
    add(pos_bank_sentence, 4, ["html", "txt"])
    add(pos_combined, 3, ["xlsx", "html", "docx"])

    # positives hidden in attachments: docx header/footer marks, hidden xlsx column/sheet
    for i in range(4):
        c = w.county()
        doc = Doc(
            f"{c[0]}{w.date().year}年工作要点",
            policy(w, c, 4),
            flagged=True,
            kinds=["classified_mark"],
            category="docx-header-mark",
        )
        doc.docx_header = ["秘密★1年", "机密★长期", "内部资料 注意保存", "秘密 ★ 5 年"][i]
        if i == 2:
            doc.kinds, doc.category = ["internal_marker"], "docx-header-internal"
        doc.planted = doc.docx_header
        out.append((doc, "docx"))
    for i in range(2):
        c = w.county()
        doc = Doc(
            f"{c[0]}信访工作情况汇报",
            news(w, c, 3),
            flagged=True,
            kinds=["internal_marker"],
            category="docx-footer-internal",
        )
        doc.docx_footer = ["本文件为内部资料，注意保存", "内部文件 不得外传"][i]
        doc.planted = doc.docx_footer
        out.append((doc, "docx"))
    for i in range(4):
        c = w.county()
        doc = Doc(
            f"{c[0]}临时救助审批表",
            news(w, c, 2),
            flagged=True,
            kinds=["id_number"],
            category="docx-comment-or-tracked",
        )
        ident = w.id18(c[1])
        if i == 0:
            doc.docx_comment = (f"申请人：{w.name()}", f"申请人身份证号{ident}，请核实户籍")
        elif i == 1:
            doc.docx_comment = ("审批意见：同意", "此件为内部资料，注意保存，不得外传")
            doc.kinds, ident = ["internal_marker"], "内部资料"
        else:
            doc.docx_tracked = ("ins" if i == 2 else "del", f"申请人{w.name()}，身份证号码：{ident}")
        doc.planted = ident
        out.append((doc, "docx"))
    for _i in range(5):
        c = w.county()
        rows = [["序号", "姓名", "村组", "补助金额（元）"]]
        ids = []
        for k in range(w.rng.randint(4, 9)):
            rows.append([str(k + 1), w.name(), w.rng.choice(VILLAGES), str(w.rng.randint(2, 30) * 100)])
            ids.append(w.id18(c[1]))
        doc = Doc(f"{c[0]}{w.date().year}年度困难群众救助资金发放表", ["经审核，现将救助资金发放情况公示如下：", rows], flagged=True,
                  kinds=["id_number"], category="xlsx-hidden-col", planted=ids[0])  # fmt: skip
        doc.xlsx_hidden_col = ("身份证号码", ids)
        out.append((doc, "xlsx"))
    for i in range(4):
        c = w.county()
        rows = [["镇", "户数", "人数", "资金（万元）"]] + [
            [t, str(w.rng.randint(20, 400)), str(w.rng.randint(50, 900)), f"{w.rng.uniform(5, 90):.2f}"]
            for t in TOWNS[:6]
        ]
        doc = Doc(
            f"{c[0]}{w.date().year}年易地搬迁后续扶持汇总表",
            ["各镇汇总情况如下：", rows],
            flagged=True,
            category="xlsx-hidden-sheet",
        )
        if i % 2:
            hidden = [["姓名", "身份证号", "家庭住址"]] + [
                [w.name(), w.id18(c[1]), w.address(c)] for _ in range(6)
            ]
            doc.kinds = ["id_number"]
        else:
            hidden = [["姓名", "手机号码", "家庭住址"]] + [
                [w.name(), w.mobile(), w.address(c)] for _ in range(6)
            ]
            doc.kinds = ["mobile"]
            doc.allowed_mobiles = 6
        doc.xlsx_hidden_sheet = hidden
        doc.planted = hidden[1][1]
        out.append((doc, "xlsx"))

    # negatives ---------------------------------------------------------------
    add(neg_masked_ids, 16, ["html", "xlsx", "docx", "html-gbk", "pdf", "txt"])
    add(neg_bad_ids, 12, ["html", "txt", "xlsx", "docx"])
    add(neg_long_numbers, 12, ["html", "txt", "html-gbk", "pdf", "xlsx", "docx"])
    add(neg_split_terms, 10, ["html", "txt", "docx", "txt-gbk", "pdf"])
    add(neg_secrecy_news, 14, ["html", "html", "txt", "html-gbk", "docx", "pdf"])
    add(neg_disclosure_guide, 4, ["html", "txt", "docx", "pdf"])
    add(neg_secret_prose, 9, ["html", "txt", "html-gbk"])
    add(neg_landline, 12, ["html", "txt", "docx", "pdf", "txt-gbk"])
    add(neg_official_mobile, 14, ["html", "txt", "docx", "html-gbk", "pdf", "xlsx"])
    add(neg_two_contacts, 3, ["html", "txt", "docx"])
    add(neg_masked_mobiles, 10, ["html", "xlsx", "txt", "html-gbk", "docx"])
    add(neg_stats, 12, ["html", "xlsx", "txt", "pdf", "docx", "html-gbk"])
    add(neg_credit_codes, 10, ["html", "xlsx", "txt", "docx"])
    add(neg_masked_bank, 8, ["html", "xlsx", "docx", "txt-gbk"])
    add(neg_innocent_internal, 8, ["html", "txt", "docx", "pdf"])
    add(neg_plain, 16, ["html", "txt", "docx", "pdf", "html-gbk", "txt-gbk", "xlsx"])
    add(neg_masked_person, 6, ["html", "txt", "docx"])
    return out


def build(out_dir: Path | str, seed: int = SEED) -> dict:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    w = World(random.Random(seed))
    labels = {}
    problems = []
    for n, (doc, fmt) in enumerate(plan(w)):
        text = doc.text()
        c = next((k for k in COUNTIES if k[0] in text), None) or w.county()  # the page's own site
        if not doc.flagged:
            bad = self_check_negative(doc.text(), doc.allowed_mobiles)
            if bad:
                problems.append(f"{n} {doc.category}: {bad}")
        base, _, enc = fmt.partition("-")
        enc = enc or "utf-8"
        if enc == "gbk":
            try:
                doc.text().encode("gbk")
            except UnicodeEncodeError:
                enc = "utf-8"
        name = f"{n:03d}_{doc.category}{'_gbk' if enc == 'gbk' else ''}.{base}"
        path = out_dir / name
        if base == "html":
            path.write_bytes(render_html(doc, c, enc))
        elif base == "txt":
            path.write_bytes(render_txt(doc, enc))
        elif base == "docx":
            render_docx(doc, path)
        elif base == "xlsx":
            render_xlsx(doc, path)
        elif base == "pdf":
            render_pdf(doc, path)
        labels[name] = {
            "flagged": doc.flagged,
            "kinds": doc.kinds,
            "category": doc.category,
            "planted": doc.planted,
        }
    if problems:
        raise AssertionError("negatives with accidental hits:\n" + "\n".join(problems))
    (out_dir / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return labels


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "screencorpus2-out")
    lab = build(target)
    pos = sum(v["flagged"] for v in lab.values())
    print(f"{len(lab)} documents, {pos} positive, {len(lab) - pos} negative -> {target}")
