"""Decoding Chinese text of unknown encoding: BOM, then UTF-8, then GB18030 vs Big5.

GB2312 and GBK are subsets of GB18030, so every declared GB2312/GBK is decoded as
GB18030 (pages labelled gb2312 routinely use GBK-only characters). When both GB18030
and Big5 decode a byte string, the one whose characters are the commoner Chinese
characters wins: GB18030 accepts almost any byte pair, so Big5 text read as GB18030
decodes without error but to rare characters.
"""

from __future__ import annotations

import codecs
import re

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# declared charset labels → the codec that reads them correctly
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "hz",
    "big5-hkscs": "big5hkscs",
    "x-euc-tw": "euc-tw",
    "unicode": "utf-16",
    "utf8": "utf-8",
}

# The most frequent characters of Chinese prose, simplified and traditional forms.
_COMMON = set(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说"
    "产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从"
    "业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利"
    "比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必"
    "战先回则任取据处理府研质信息公开县镇乡街道局委办厅室科处会议通知工作单位人员名单联系电话号码身份证姓名"
    "手机银行账户开户保密内部资料文件规定要求落实加强推进全面开展组织领导责任监督检查安全服务管理发展建设改革"
    "經這個們為來時說國學對動過會後發現當從還於開關長問還間點實與麼種將區進資應體門義處機員縣鄉鎮辦廳單聯繫"
    "電話碼號證銀帳戶規定監檢查務領導責組織議通設標準實議會員協調區務環境"
)
_CJK = re.compile(r"[\u3400-\u9fff]")


def normalise_label(label: str | None) -> str | None:
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    return None


def _score(text: str) -> float:
    cjk = _CJK.findall(text[:20000])
    if not cjk:
        return 0.0
    return sum(1 for c in cjk if c in _COMMON) / len(cjk)


def sniff_decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; returns ``(text, encoding)``. Never raises."""
    found = bom_encoding(data)
    if found:
        enc, skip = found
        return data[skip:].decode(enc, errors="replace"), enc
    declared_codec = normalise_label(declared)
    if declared_codec:
        try:
            return data.decode(declared_codec), declared_codec
        except (UnicodeDecodeError, LookupError):
            pass  # labels lie; sniff instead
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[float, str, str]] = []
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_score(text), enc, text))
    if candidates:
        # ties go to GB18030 (listed first): mainland government text
        best = max(candidates, key=lambda c: c[0])
        return best[2], best[1]
    # mixed or damaged bytes: the encoding that loses the least
    best_text, best_enc, best_bad = "", "gb18030", None
    for enc in ("utf-8", "gb18030", "big5hkscs"):
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        if best_bad is None or bad < best_bad:
            best_text, best_enc, best_bad = text, enc, bad
    return best_text, best_enc


_HTMLISH = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|table)\b", re.IGNORECASE)


def looks_like_html(head: bytes) -> bool:
    """The first bytes hold an HTML tag (here, not in html.py: sniffing needs no lxml)."""
    found = bom_encoding(head)
    if found:
        enc, skip = found
        head = head[skip:].decode(enc, errors="ignore").encode("ascii", errors="ignore")
    return bool(_HTMLISH.search(head[:2048]))


def looks_binary(head: bytes) -> bool:
    """True for data that is not text in any of the encodings above (NULs, control bytes)."""
    if not head:
        return False
    if bom_encoding(head):
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32 and b != 27)
    return control / len(head) > 0.05
