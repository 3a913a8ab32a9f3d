"""Planted screening hits and hard negatives, and the attachments that carry them.

Positives (listed in the truth as ``screening_positives``): a valid resident ID number with
身份证 context on a page and in an xlsx, a 秘密★1年 mark in a PDF, 内部资料 in a docx and on a
GBK page. Hard negatives: a masked ID (610922********1234), a masked mobile number and office
landlines (every contact line of the generated text is a landline).
"""

from __future__ import annotations

import random
import re
from datetime import date

from demo import text
from demo.model import Article, Attachment, Column, Network, Site

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def resident_id(region: str, birth: date, seq: int) -> str:
    """A valid 18-character resident ID (GB 11643 check digit)."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + ID_CHECK[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def attach(
    art: Article, fmt: str, rng: random.Random, title: str | None = None, lines: list[str] | None = None
) -> Attachment:
    n = len(art.attachments) + 1
    if title is None:
        m = re.search(r"《(.+?)》", art.title)
        title = m.group(1) if m else art.title
    if lines is None:
        if fmt in ("xlsx", "xls"):
            lines = ["序号\t项目名称\t金额（万元）\t备注"] + [
                f"{i}\t{rng.choice(text.TOPICS)}\t{rng.randint(5, 500)}\t"
                for i in range(1, rng.randint(4, 9))
            ]
        else:
            lines = [title, *text.body(rng, art.site.variant["unit"], 4)]
    att = Attachment("", f"附件{n}：{title}.{fmt}", fmt, title, lines)
    art.attachments.append(att)
    return att


def _latest(col: Column) -> Article:
    """The newest untagged dated article of the column that is not its newest item."""
    cands = [
        e.article
        for e in col.entries
        if not e.article.tags and e.article.date and e.article.home is col and e.article.date.year == 2012
    ]
    art = max(cands, key=lambda a: (a.date, a.time))
    return art


def plant(site: Site, col: Column, rng: random.Random, pick) -> None:
    t = col.traits
    unit = site.variant["unit"]
    if t.get("plant_id_page"):
        a = pick(col, rng, 1, year=2012, tag="plant")[0]
        a.title = f"{unit}2012年公开招聘工作人员拟聘用人员公示"
        pid = resident_id("610922", date(1986, 4, 17), 213)
        a.body = [
            f"根据{unit}2012年公开招聘工作人员公告，经笔试、面试、考察和体检，现将拟聘用人员公示如下：",
            f"拟聘用人员：王玉兰，女，身份证号码：{pid}，报考岗位：综合管理。",
            "公示期为七个工作日。公示期间如有异议，请向县人力资源和社会保障局反映。",
            f"监督电话：{text.phone(rng)}。",
        ]
        a.planted.append((None, "id_number"))
    if t.get("hardneg_masked"):
        a = pick(col, rng, 1, year=2012, tag="plant")[0]
        a.title = f"{unit}2012年公益性岗位拟录用人员公示"
        a.body = [
            "经审核，现将公益性岗位拟录用人员名单公示如下：",
            "张德胜，身份证号：610922********1234；李秀英，身份证号：610922********402X。",
            f"联系电话：{text.phone(rng)}，咨询手机：138****5678。",
            "大自然的秘密需要我们共同探索，本次公益性岗位以护林防火、环境保洁为主。",
        ]
        a.negatives.append((None, "masked_id"))
    if t.get("plant_secret_pdf"):
        a = pick(col, rng, 1, year=2012, tag="plant")[0]
        lines = ["秘密★1年", a.title, *text.body(rng, unit, 3)]
        a.planted.append((attach(a, "pdf", rng, lines=lines), "classified_mark"))
    if t.get("plant_id_xlsx"):
        a = pick(col, rng, 1, year=2012, tag="plant")[0]
        a.title = "2012年第三季度农村低保新增对象名单公示"
        rows = ["序号\t姓名\t身份证号码\t村组\t月保障金（元）"]
        for i, (name, born) in enumerate(
            [("刘长林", date(1952, 3, 8)), ("陈春生", date(1961, 11, 23)), ("杨秀英", date(1948, 6, 30))],
            start=1,
        ):
            rows.append(
                f"{i}\t{name}\t{resident_id('610922', born, 100 + i * 37)}\t{rng.choice(text.VILLAGES)}\t"
                f"{rng.randint(80, 200)}"
            )
        a.planted.append((attach(a, "xlsx", rng, title="农村低保新增对象名单", lines=rows), "id_number"))
    if t.get("plant_internal_docx"):
        a = pick(col, rng, 1, year=2012, tag="plant")[0]
        lines = ["内部资料 注意保存", a.title, *text.body(rng, unit, 3)]
        a.planted.append((attach(a, "docx", rng, lines=lines), "internal_marker"))
    if t.get("plant_gbk"):
        a = _latest(col)
        a.tags.add("plant")
        a.title = f"{unit}局长陈镕带队督查春播生产"
        a.body = [f"近日，{unit}局长陈镕、副局长王喆一行深入各镇督查春播生产工作。", *a.body]
    if t.get("plant_internal_page"):
        a = pick(col, rng, 1, year=2012, tag="plant")[0]
        a.body = [*a.body, "（此件为内部资料，不得外传）"]
        a.planted.append((None, "internal_marker"))


def _scan_host(col: Column) -> Article:
    """The article a scan is attached to: the column's newest own dated article not planted yet
    (else its newest own dated article: the small network has few)."""
    own = [
        e.article
        for e in col.entries
        if e.article.home is col and e.article.date and not e.article.external_url
    ]
    free = [a for a in own if not a.tags]
    a = max(free or own, key=lambda a: (a.date, a.time))
    a.tags.add("plant")
    return a


def plant_scans(site: Site, col: Column, rng: random.Random) -> None:
    """Scanned documents (issue 11), beside the text-layer plants of the same columns: a 红头文件
    scanned to an image-only PDF with its 秘密★1年 mark, and a photographed ID list shown as a
    picture in an article's body. OCR is the only way to read them."""
    unit = site.variant["unit"]
    if col.traits.get("plant_secret_pdf"):
        a = _scan_host(col)
        lines = ["秘密★1年", a.title, *text.body(rng, unit, 4)]
        att = attach(a, "pdf", rng, title=f"{a.title}（扫描件）", lines=lines)
        att.scan = True
        a.planted.append((att, "classified_mark"))
    if col.traits.get("plant_id_xlsx"):
        a = _scan_host(col)
        a.title = "2012年临时救助对象名单公示"
        rows = ["序号\t姓名\t身份证号码\t村组\t救助金额（元）"]
        for i, (name, born) in enumerate(
            [("赵德明", date(1957, 9, 12)), ("孙桂兰", date(1963, 2, 27))], start=1
        ):
            rows.append(
                f"{i}\t{name}\t{resident_id('610922', born, 300 + i * 41)}\t{rng.choice(text.VILLAGES)}\t{rng.randint(300, 900)}"
            )
        att = attach(a, "jpg", rng, title="临时救助对象名单", lines=rows)
        att.scan = att.inline = True
        a.planted.append((att, "id_number"))


def collect(net: Network) -> tuple[list[dict], list[dict]]:
    pos, neg = [], []
    for site in net.sites:
        for a in site.articles:
            pos += [{"article": a, "attachment": att, "kind": k} for att, k in a.planted]
            neg += [{"article": a, "attachment": att, "kind": k} for att, k in a.negatives]
    return pos, neg
