"""Regexes and word lists used by the detectors and the scorer: data, no logic.

All patterns run on the *normalised* text (see normalize.py): full-width forms
are already half-width (``：`` is ``:``), traditional characters simplified,
and dodge spaces/dots between CJK characters removed.
"""

from __future__ import annotations

import re

HAN = "\u4e00-\u9fff"
LEVEL = r"(?:绝密|机密|秘密)"
STAR = r"[★☆✩✪✫✬✭✮✯✰⭐*]"
_SP = r"[ \t]*"
# 保密期限 after the star: 1年, 6个月, 长期, 会议结束前, 公开前, a date ...
TERM = (
    rf"(?:\d{{1,3}}{_SP}(?:年|个月|月|周|天|日)(?:内)?"
    rf"|长期|永久"
    rf"|[{HAN}]{{0,8}}(?:结束|公开|公布|发布|印发)前"
    rf"|(?:解密(?:时间|日期)?{_SP}:?{_SP})?\d{{4}}{_SP}年(?:{_SP}\d{{1,2}}{_SP}月(?:{_SP}\d{{1,2}}{_SP}日)?)?前?)"
)

# name -> (kind, severity, regex); ordered; flags are part of the regex. A pattern begins with
# its words, not with a lookbehind: what must not come before the level word is checked right
# after it, two characters further back ("..": the level word itself), so the regex engine can
# skip ahead to the words' first characters instead of trying a match at every character
# (mark:star over 20 MB: 170 -> 45 ms)
MARK_PATTERNS: dict[str, tuple[str, str, re.Pattern[str]]] = {
    # 秘密★1年, 机密 ☆ 长期, 绝密*, 秘密★★
    # (工作秘密★, 商业秘密★ are no 密级: the first is an internal marker, the second a trade secret)
    "mark:star": (
        "classified_mark",
        "high",
        re.compile(rf"{LEVEL}(?<!工作..)(?<!商业..)(?<!技术..){_SP}{STAR}+(?:{_SP}{TERM})?"),
    ),
    # 机密 5年, 绝密长期 (no star, period right after; not followed by more prose, not the end
    # of a longer word: 保守商业秘密 3年 is a sentence)
    "mark:term": (
        "classified_mark",
        "high",
        re.compile(rf"{LEVEL}(?<![{HAN}]..){_SP}(?:\d{{1,2}}{_SP}年|长期)(?![{HAN}\d])"),
    ),
    # 密级：秘密 / 密级 机密 (spaces between CJK are already bridged)
    "mark:field": (
        "classified_mark",
        "high",
        re.compile(rf"密级{_SP}[:：]?{_SP}{LEVEL}级?(?![{HAN}])"),
    ),
    # a level word alone on its line (with optional brackets, 份号 and urgency; not in 《》,
    # which name a book or a film)
    "mark:line": (
        "classified_mark",
        "high",
        re.compile(
            rf"^{_SP}(?:(?:份号|编号)?{_SP}:?{_SP}\d{{1,8}}{_SP})?[(\[【〔<]?{_SP}{LEVEL}{_SP}[)\]】〕>]?"
            rf"{_SP}(?:(?:特急|加急|特提|平急|急件){_SP})?$",
            re.M,
        ),
    ),
    # 密级：内部 — an internal-only marker given in the 密级 field
    "marker:field": (
        "internal_marker",
        "medium",
        re.compile(rf"密级{_SP}[:：]{_SP}(?:内部(?:资料|文件)?|工作秘密)"),
    ),
}
# every pattern above holds this character and none crosses a line end (the detector scans
# only the lines that hold it); a pattern without it must be added to the scan in validators.py
MARK_CHAR = "密"
LEVEL_RE = re.compile(LEVEL)
LONE_LEVEL_RULES = ("mark:line", "mark:head")  # a level word alone on its line
# a mark between quotation marks, or next to another level in a list, is talked about
OPEN_QUOTES = "“‘\"'「『"
CLOSE_QUOTES = "”’\"'」』"
LEVEL_LIST_AFTER = re.compile(rf"{_SP}[、,/或和及与]{_SP}{LEVEL}")
LEVEL_LIST_BEFORE = re.compile(rf"{LEVEL}{_SP}[、,/或和及与]{_SP}$")
HEAD_LINES = 10  # a bare level line within this many first non-blank lines is reported as mark:head

# --- personal data -----------------------------------------------------------
# every number pattern below lies inside one of these runs: a cheap first pass. Normalisation
# has made every decimal digit an ASCII one (normalize.DECIMAL_ZEROS), so [0-9] finds what \d
# would, and the regex engine scans for a small character set about twice as fast as for \d.
NUMBER_RUN = re.compile(r"[0-9][0-9 -]{9,}[0-9Xx]")
ID18 = re.compile(r"(?<!\d)(\d{6}[ -]?\d{8}[ -]?\d{3}[0-9Xx]|\d{6} \d{4} \d{4} \d{3}[0-9Xx])(?![0-9])")
ID15 = re.compile(r"(?<!\d)(\d{15})(?![0-9])")
MOBILE = re.compile(r"(?<!\d)(?:(?:\+|00)?86[ -]?)?(1[3-9]\d(?:\d{8}|-\d{4}-\d{4}| \d{4} \d{4}))(?!\d)")
BANK_CARD = re.compile(r"(?<!\d)(\d{4}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?)(?!\d)")
MASK_CHARS = "*×●•○#"
MASKED_X = re.compile(r"[Xx]{3,}")

PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
# 台湾/香港/澳门 codes used on residence permits: 710000, 810000, 820000, 830000
WHOLE_REGION_PROVINCES = frozenset({"71", "81", "82", "83"})
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

# --- context words (searched as substrings in a window of normalised text) ---
CONTEXT_WINDOW = 40
# words that say a number belongs to a private person
PERSONAL_WORDS = (
    "姓名",
    "身份证",
    "证件号",
    "公民身份",
    "身份号码",
    "住址",
    "家庭地址",
    "户籍",
    "出生日期",
    "出生年月",
    "性别",
    "民族",
    "户主",
    "患者",
    "病人",
    "来电人",
    "反映人",
    "监护人",
    "被执行人",
    "户名",
    # parties of complaints, applications and penalty decisions
    "投诉人",
    "举报人",
    "当事人",
    "申请人",
    "被申请人",
    "本人",
    "家住",
    "受助人",
    "救助对象",
    "低保户",
)
# a private home address (家住/住址/…住 down to 村/组/号), which makes a nearby number personal
PRIVATE_ADDRESS_RE = re.compile(
    r"(?:家住|现住|住在|住址|居住[于在]?|[，,、]住)\s*[:：]?[^，。；;\n]{0,16}?(?:村|组|社区|小区|号|室)"
)
# words that say a number is an official contact
OFFICIAL_WORDS = (
    "联系电话",
    "咨询电话",
    "监督电话",
    "举报电话",
    "投诉电话",
    "服务电话",
    "值班电话",
    "办公电话",
    "热线",
    "联系人",
    "联系方式",
    "咨询",
    "监督",
    "受理",
    "报名",
    "办公室",
    "传真",
    "邮箱",
)
BANK_CARD_WORDS = ("卡号", "银行卡", "储蓄卡", "借记卡", "信用卡", "社保卡", "一卡通", "存折")
BANK_ACCOUNT_WORDS = ("银行", "账号", "帐号", "账户", "帐户", "开户", "户名")
ID_WORDS = ("身份证", "证件号", "公民身份", "身份号码", "证号", "姓名", "出生", "户主", "性别", "民族")
# a label right before a long number that says it is not an ID
NOT_ID_LABELS = (
    "订单",
    "单号",
    "编号",
    "流水号",
    "文号",
    "批次",
    "合同号",
    "发票",
    "条码",
    "序列号",
    "税号",
    "纳税人识别号",
    "登记号",
    "代码",
    "卡号",
    "账号",
    "帐号",
    "账户",
    "许可证号",
    "备案号",
    "工号",
    "证书号",
    "案号",
    "运单",
    "快递",
    "交易号",
    "凭证号",
)
NOT_ID_LABEL_WINDOW = 14
# sentence punctuation ends the clause a label or a verb belongs to
CLAUSE_END = "。;!?\n,，；！？、"
# words before a keyword in the same clause that make it rule talk (严禁…), not a marking
PROHIBITION_WORDS = (
    "严禁",
    "禁止",
    "不准",
    "严防",
    "防止",
    "杜绝",
    "切勿",
    "不要",
    "不许",
    "不能",
    "避免",
    "防范",
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
TITLE_SUFFIXES = (
    "长",
    "主任",
    "书记",
    "老师",
    "经理",
    "先生",
    "女士",
    "同志",
    "工",
    "师傅",
    "总",
    "委员",
    "干事",
)
MOBILE_PERSONAL_WINDOW = 40  # an ID or bank-card hit this close makes a mobile personal
BULK_MOBILES = 3  # this many distinct mobiles on a page are a list of people
# an 11-digit number followed by a unit is an amount or a count, not a mobile
NOT_MOBILE_AFTER = re.compile(r"[ \t]*(?:元|万|亿|人|户|个|次|吨|平方|米|公里|千克|kg|%|‰)")
NOT_MOBILE_BEFORE = "¥￥$"

# --- document labels (internal_marker) ----------------------------------------
# RULES.md: a marker (内部资料, 不得外传, 工作秘密 …) counts where it labels the document —
# its own line or table cell, brackets or a box, the head or foot — not as a word in a
# sentence (a law's 国家秘密、工作秘密、商业秘密).  labels.py reads these rules.

# the marker is one of a list: a conjunction right before it or right after it
LABEL_LIST_BEFORE = re.compile(r"(?:、|和|或|及|与|暨|或者|以及|及其)$")
LABEL_LIST_AFTER = re.compile(r"^(?:、|和|或|及|与|暨|或者|以及|等)")
# the marker is the object of a verb in a sentence (保守工作秘密, 泄露内部资料)
LABEL_VERB_BEFORE = re.compile(
    r"(?:保守|严守|泄露|泄漏|泄密|涉及|知悉|窃取|刺探|收买|获取|提供|传播|传递|存储|处理|保护|管理|接触|掌握|"
    r"制作|印制|编印|发放|使用|擅自|违规|将|把)$"
)
# the marker is part of a longer phrase: a CJK character right after it that starts no
# label word (工作秘密管理办法, 不得外传的, 内部资料性)
LABEL_PHRASE_AFTER = re.compile(rf"^[{HAN}]")
# a heading or a numbered article/item is prose about the marker, not a label
LABEL_HEADING = re.compile(
    r"^[ \t#>*-]*(?:第[一二三四五六七八九十百千零〇\d]+[章节条款编部分项]|"
    r"[一二三四五六七八九十]+[、.]|[(][一二三四五六七八九十\d]+[)]|\d+[、.](?!\d))"
)
# what may stand beside a marker in a label, besides other markers
# the document naming itself (not 本法/本条例/本办法: a law's own rules are prose)
LABEL_SELF = r"(?:此|本|该)(?:文件|材料|资料|简报|报告|通知|纪要|意见|方案|文稿|汇报|信息|专报|快报|件|文|刊|期|报|表|页|册|函|稿)"
# a sentence that starts by naming the document, then says what it is or how to handle
# it, and carries a marker declares the document's status (本报告为审计专用文档,未经授权
# 不得外传); brackets and dashes aside.  Not a news lead (本报讯 …)
LABEL_DECLARATION = re.compile(
    rf"^[\W_]*{LABEL_SELF}(?:为|系|属|是|仅|只|供|请|内容|涉及|所载|所涉|中|未经|严禁|不得|请勿|务必|须|应)"
)
# a field of the document's secrecy level, then the marker (保密级别:内部资料)
LABEL_FIELD = re.compile(r"(?:密级|保密级别|保密等级|文件密级|文件等级|密别)[ \t]*[:：]?[ \t]*$")
# what may stand beside a marker in a label, besides other markers
LABEL_WORDS = re.compile(
    LABEL_SELF + r"|均为|属于|为|系|属|是"
    r"|请|务必|妥善|严格|注意|保密|保存|保管|阅后|阅毕|收回|退回|交回|销毁|留存"
    r"|仅供|仅限|只供|供|仅|领导|参考|参阅|阅读|使用|传阅|内部|机关|单位"
    r"|发至|县团级|县处级|地市级|省部级|县级|乡镇|级|未经(?:授权|允许|同意|批准)"
    r"|等级|特急|加急|平急|特提|急件"
    r"|(?:不得|请勿|严禁|禁止|切勿|不准|不宜|不要)(?:擅自|随意)?(?:复制|复印|翻印|转载|转发|扩散|上网|外传|外泄|公开|对外)"
    r"|总第|第|期|号|份号|编号|共|页|份|年|月|日|\d+"
)
# characters that are not words: spacing, punctuation, brackets and box drawing
LABEL_NOISE = re.compile(r"[\s\W_★☆✩■□◆◇●○▲△▼▽※│┃|─━┌┐└┘]+")
# sentence ends split a line into sentences; brackets and boxes enclose a label
LABEL_SENTENCE_END = re.compile(r"[。!?;]")
LABEL_CLAUSE_END = re.compile(r"[。!?;,:、 \t]")
# (quotes and 《》 are left out: a term in quotes or a title is being talked about)
LABEL_BRACKETS = {"(": ")", "[": "]", "【": "】", "〔": "〕", "<": ">", "「": "」", "『": "』"}
LABEL_BOX = "★☆■□◆◇※│┃|"
# a line or cell naming who issued it, then the marker: 县统计局内部资料, 某某政务信息 内部资料
LABEL_ISSUER_SUFFIXES = (
    "办公室", "委员会", "人民政府", "政府", "局", "委", "办", "厅", "处", "科", "室", "中心", "院", "所",
    "站", "队", "部", "组", "信息", "简报", "专报", "快报", "要情", "动态", "参阅件", "参阅", "通讯",
    "内参", "纪要", "会议材料", "材料", "编", "编印", "主办",
)  # fmt: skip
LABEL_ISSUER_MAX = 24  # characters of an issuer's name
LABEL_SEGMENT_MAX = 40  # a sentence, cell or bracket longer than this is not a label
LABEL_HEAD_FOOT_LINES = 3  # the first and last non-blank lines are the head and foot
# there a label may carry a few other words (本资料仅供领导参阅,阅后请交回机要室): this many
# characters in all, none of them a run longer than LABEL_HEAD_FOOT_WORD (not a clause)
LABEL_HEAD_FOOT_REST = 10
LABEL_HEAD_FOOT_WORD = 4
