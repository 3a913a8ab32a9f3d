"""The one home of the crawl rules that are data: selectors, keywords, regexes, file and parameter
names. The algorithms (``rows``, ``pager``, ``nextpage``, ``detail``, ``discover`` …) import them from
here and keep none of their own, the way trafilatura keeps its XPaths in ``xpaths.py``: a new CMS
quirk should usually mean a new entry in one of these tables, not a new branch in the code.

Where each family lives (issue 9, "one home for each crawl rule, as data"):

* page-parameter names: ``PAGE_PARAMS`` (the column URL drops them - ``crawler.urls.column_url`` -
  and a form field of such a name is a script pager's page field) and ``PAGER_URL_PARAMS`` (they
  mark the page number's digit run when a pager's URL template is inferred);
* index-file names: ``INDEX_FILES`` (``crawler.urls``: the column URL and a scope drop them);
  these two families are written in ``urlrules.py`` and imported here;
* date patterns and date labels: ``FULL_DATE_RE`` … ``ROW_DATE_LABELS``, the table-column heads
  ``PUBLISH_COLUMN_HEAD_RE`` / ``OTHER_DATE_COLUMN_HEAD_RE``, the detail page's ``LABELS``;
* navigation words and classes: ``NAV_CLASS_RE``, ``NON_COLUMN_TEXT_RE``, ``BREADCRUMB_*``;
* pager words: ``PAGER_WORDS``, ``NEXT_WORDS``, ``PREV_WORDS``, ``LAST_WORDS``, ``FIRST_WORDS``;
* empty-column and soft-404 markers: the one exception, because a county extends them - their home
  is ``config/rules.yaml`` (``timeliness.empty_markers``, ``timeliness.soft_404_markers``: regular
  expressions, a plain phrase is one), read by ``crawler.extract.markers``; nothing here repeats
  them. The soft-404 rules that are not phrases (a 404 title, a bare "404" on a tiny page) stay
  here (``SOFT404_*``).

This module imports nothing but ``re``; the URL names live in its small companion ``urlrules`` (imported
here), which ``crawler.urls`` reads without compiling the expressions below or loading lxml.
"""

from __future__ import annotations

import re

# the URL names of this home, kept in a small module of their own (see "URLs" below)
from .urlrules import INDEX_FILE_RE, INDEX_FILES, PAGE_PARAMS, PAGER_URL_PARAMS  # noqa: F401

# ---------------------------------------------------------------------------- encodings
GB_FAMILY = {
    "gb2312",
    "gb_2312",
    "gb_2312-80",
    "gbk",
    "x-gbk",
    "cp936",
    "ms936",
    "windows-936",
    "gb18030",
    "euc-cn",
    "hz-gb-2312",
}
WEAK_HEADER_CHARSETS = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
XML_DECL_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)

# ---------------------------------------------------------------------------- dates
_SEP = r"\s*[-/.年]\s*"
FULL_DATE_RE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})" + _SEP + r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)\s*日?"
    r"(?:[\sT\-日]*(\d{1,2})[:：时](\d{1,2})(?:[:：分](\d{1,2}))?)?"
)
# MM-DD / MM月DD日 (only trusted when a text segment is nothing but a date)
PARTIAL_DATE_RE = re.compile(r"(?<![\d\-/.])(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?![\d\-/.])\s*日?")
# labels a list row may write before its date ("发布日期：2020-12-29"): the segment is still only a date
ROW_DATE_LABELS = ("发布时间", "发布日期", "更新时间", "更新日期", "时间", "日期", "发布于", "发表于")
# what may surround a date in a text segment that is "only a date": brackets, labels, times
DATE_ONLY_NOISE_RE = re.compile(
    r"[\s\[\]【】()（）<>《》|｜·•:：]|" + "|".join(ROW_DATE_LABELS) + r"|\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
)
# heads of a list table's date columns: the publish date's column, and the other dates' columns
# (成文日期 | 发布日期: the row's date is the publish column's)
PUBLISH_COLUMN_HEAD_RE = re.compile(r"发布|公开|更新|上网")
OTHER_DATE_COLUMN_HEAD_RE = re.compile(r"成文|印发|生成|签发|施行|实施|有效|截止|废止")
# a short label before a date in its own segment ("日期：", "日间：" typo, "发布："): still only a date
DATE_LABEL_PREFIX_RE = re.compile(r"^\s*[\u4e00-\u9fff]{1,4}\s*[:：]")
# a date only inside the title text, at its end in brackets: "标题(2020-12-29)", "标题【2020-12-29】"
TITLE_TRAILING_DATE_RE = re.compile(
    r"\s*[(（\[【]\s*((?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s*[)）\]】]\s*$"
)
COMPACT_URL_DATE_RE = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")
PATH_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})[-/](\d{1,2})[-/](\d{1,2})/")

# ---------------------------------------------------------------------------- html structure
DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "select",
    "textarea",
)
ROW_TAGS = {"li", "tr", "dd", "dt"}
BLOCK_TAGS = {
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
    "br",
    "caption",
    "title",
}
CELL_TAGS = {"td", "th"}
NAV_TAGS = {"nav", "header", "footer", "menu"}
# class/id words marking navigation-like containers (substring match, lower case)
NAV_CLASS_RE = re.compile(
    r"nav|menu|header|footer|breadcrumb|crumb|topbar|top_bar|top-bar|sidebar|side_bar|side-bar|sidemenu|"
    r"friend|yqlj|links?_|_links?|-links?|copyright|bottom|foot|dh_|daohang|tabnav|mainnav|subnav|leftmenu|tree"
)
FOOTER_CLASS_RE = re.compile(r"footer|foot|bottom|copyright|yqlj|friend|out_links|links")
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# attributes of client-side template engines (avalon, vue, angular): their elements are not content
TEMPLATE_ATTR_PREFIXES = ("ms-repeat", "ms-for", "v-for", "ng-repeat", "x-for")
TEMPLATE_COND_ATTR_PREFIXES = ("ms-if", "v-if", "ng-if", "x-if", "v-show", "ng-show", "x-show", "*ngif")

# ---------------------------------------------------------------------------- list rows
MIN_TITLE_CHARS = 4
PAGER_WORDS = (
    "首页",
    "上一页",
    "下一页",
    "尾页",
    "末页",
    "最后一页",
    "上页",
    "下页",
    "前一页",
    "后一页",
    "第一页",
    "跳转",
    "GO",
    "go",
    "Next",
    "next",
    "Prev",
    "prev",
    "Last",
    "last",
    "First",
    "first",
)
PREV_WORDS = ("上一页", "上页")
NEXT_WORDS = ("下一页", "下页", "后一页", "next", "Next", "NEXT", "›", "»", ">", "＞", ">>")
LAST_WORDS = ("尾页", "末页", "最后一页", "最末页", "last", "Last", ">>|", "»|")
FIRST_WORDS = ("首页", "第一页", "first", "First")
MORE_WORDS_RE = re.compile(r"^(更多|more|MORE|More|更多>>|更多»|>>|\+|查看更多)")
# decorative bullets some CMS templates print before every title ("·标题"); never part of the title
TITLE_BULLET_RE = re.compile(r"^[\s·•・▪▫◆◇■□●○►▶]+(?=\S)")
# elements inside a whole-row link that hold the row's title (the rest is summary, category, date)
ROW_TITLE_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
PINNED_TEXT_RE = re.compile(r"置顶|【顶】|\[顶\]")
PINNED_TITLE_PREFIX_RE = re.compile(r"^\s*[\[【(（]\s*置顶\s*[\]】)）]\s*|^\s*置顶\s*[:：|]?\s*")
# a class name or image file name marking a pinned row (icon_top, zd, zhiding2, settop …)
PIN_TOKEN_RE = re.compile(
    r"^(icon?[_-]?)?(top|zd|zhiding|ding|istop|is_top|is-top|settop|set_top|pinned|sticky)([_-]?(icon?|\d+))?$",
    re.I,
)
PINNED_ATTR_RE = re.compile(
    r"(^|[\s_\-/.])(zhiding|zd|istop|is_top|is-top|settop|top|pinned|sticky|ding)([\s_\-.\d]|$)", re.I
)
# the 暂无信息 / 共0条 markers of an empty column: config/rules.yaml (timeliness.empty_markers), see markers.py

# ---------------------------------------------------------------------------- URLs
ATTACHMENT_EXT = (
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "wps",
    "et",
    "txt",
    "zip",
    "rar",
    "ofd",
    "ppt",
    "pptx",
    "7z",
    "csv",
)
ATTACHMENT_EXT_RE = re.compile(r"\.(" + "|".join(ATTACHMENT_EXT) + r")(?:$|[?#;])", re.I)
DOWNLOAD_URL_RE = re.compile(
    r"download|downfile|down\.(asp|jsp|php|aspx)|getfile|attachment|attach\.|fileid=|file_id=|filedown", re.I
)
# a page a server script writes (older ASP/JSP/PHP sites: list.asp?classid=12&page=2)
DYNAMIC_PAGE_RE = re.compile(r"\.(asp|aspx|jsp|php|do|action|cfm)$", re.I)
SKIP_HREF_RE = re.compile(r"^\s*(javascript:|mailto:|tel:|data:|about:|#|$)", re.I)
LISTING_FILE_RE = re.compile(
    r"^(index|default|list|more|column|lm|node)([_\-]\d+)?\.(s?html?|aspx?|jsp|php)$", re.I
)
ARTICLE_URL_RE = re.compile(
    r"(/t\d{8}_\d+\.s?html?$)|(/art_\d+_\d+\.html?$)|(/\d{4}-?\d{2}-?\d{2}/)|(content_\d+)|(/\d{3,}\.s?html?$)|"
    r"([?&](id|articleid|newsid|infoid|docid|aid|nid|itemid|contentid|fileid)=\d+)",
    re.I,
)
# detail scripts of dynamic sites (show.asp, Article_Show.asp, NewsShow.asp, content.jsp) …
ARTICLE_FILE_RE = re.compile(
    r"(show|detail|view|content|display|read)[\w-]*\.(asp|aspx|jsp|php|do|s?html?)$|"
    r"(show|detail|view|content|display|read)\.",
    re.I,
)
# … unless the file name says it is a listing (Article_Class.asp, NewsList.asp, list.jsp)
LISTING_WORD_RE = re.compile(r"list|class|index|more|column|channel|category|lanmu", re.I)
# index-file and page-parameter names (INDEX_FILES, PAGE_PARAMS, PAGER_URL_PARAMS): written in urlrules.py,
# imported at the top of this module (crawler.urls reads them without compiling these expressions)

# ---------------------------------------------------------------------------- pager text
TOTAL_RECORDS_RES = (
    re.compile(r"共\s*(?:有)?\s*(\d+)\s*条"),
    re.compile(r"(?:总记录数|记录数|总条数|总数|信息总数)\s*[:：]?\s*(\d+)"),
    re.compile(r"(\d+)\s*条记录"),
    re.compile(r"total\s*records?\s*[:：]?\s*(\d+)", re.I),
)
TOTAL_PAGES_RES = (
    re.compile(r"共\s*(?:计|有)?\s*(\d+)\s*页"),
    re.compile(r"页次\s*[:：]?\s*\d+\s*/\s*(\d+)"),
    re.compile(r"第\s*\d+\s*/\s*(\d+)\s*页"),
    re.compile(r"(?<![\d/])\d+\s*/\s*(\d+)\s*页"),
)
CURRENT_PAGE_RES = (
    re.compile(r"页次\s*[:：]?\s*(\d+)\s*/\s*\d+"),
    re.compile(r"(?:当前|现在)\s*(?:是)?\s*第?\s*(\d+)\s*页"),
    re.compile(r"第\s*(\d+)\s*/\s*\d+\s*页"),
    re.compile(r"第\s*(\d+)\s*页"),
)
# EmpireCMS and similar: <a title="Total record"><b>333</b></a>
TOTAL_RECORD_TITLE_XPATH = "//*[@title='Total record' or @title='总记录数' or @title='记录数']"
SCRIPT_RECORD_COUNT_RE = re.compile(
    r"\b(?:recordCount|totalRecord|totalRecords|recordTotal|totalCount|total_count|allRecord)\b\s*[:=]\s*['\"]?(\d+)",
    re.I,
)
SCRIPT_PAGE_SIZE_RE = re.compile(
    r"\b(?:prepage|perpage|pageSize|page_size|perPageCount|pagesize)\b\s*[:=]\s*['\"]?(\d+)", re.I
)
SCRIPT_PAGE_COUNT_RE = re.compile(
    r"\b(?:countPage|pageCount|totalPage|totalPages|page_count|maxPage)\b\s*[:=]\s*['\"]?(\d+)", re.I
)
SCRIPT_CURRENT_PAGE_RE = re.compile(
    r"\b(?:currentPage|curPage|pageIndex|current_page)\b\s*[:=]\s*['\"]?(\d+)", re.I
)

# a link whose target sits in its onclick: location.href=encodeURI('index_2.jhtml'), window.open('x')
ONCLICK_URL_RE = re.compile(
    r"""(?:location(?:\.href)?\s*=|location\.(?:assign|replace)\s*\(|window\.open\s*\()\s*"""
    r"""(?:encodeURI(?:Component)?\s*\()?\s*(['"])([^'"]+)\1"""
)
# a script pager link's page number: its last numeric argument (__doPostBack('pager','25'), goPage(3))
SCRIPT_PAGE_ARG_RE = re.compile(
    r"""^\s*javascript:\s*[\w$.]+\s*\((?:[^()]*,)?\s*['"]?(\d{1,5})['"]?\s*\)""", re.I
)
# a script pager link over a form: javascript:goPage(3) (its only argument is the page number)
FORM_PAGE_LINK_RE = re.compile(
    r"^\s*(?:javascript:)?\s*[A-Za-z_$][\w$.]*\(\s*['\"]?(\d{1,4})['\"]?\s*\)\s*;?\s*$"
)
# an ASP.NET pager link: javascript:__doPostBack('ctl00$Content$pager','2')
POSTBACK_RE = re.compile(
    r"""^\s*javascript:\s*__doPostBack\(\s*(['"])([^'"]+)\1\s*,\s*['"](\d{1,5})['"]\s*\)"""
)
# an ellipsis in a pager: the numbered links are a window, not every page
PAGER_ELLIPSIS_RE = re.compile(r"(?:\.{2,}|…+|·{3,})")
PAGER_SCRIPT_RE = re.compile(
    r"createPageHTML|countPage|\bPager\s*\(\s*\{|pageCount|totalPage|下一页|jpage\(", re.I
)

# ---------------------------------------------------------------------------- TRS
# TRS-family pager object: Pager({size:3, current:0, prefix:'index', suffix:'html'}) (page k+1 = prefix_k)
TRS_PAGER_OBJECT_RE = re.compile(r"\bPager\s*\(\s*\{([^{}]*)\}\s*\)")
TRS_PAGER_KEY_RE = re.compile(r"""\b(size|current|prefix|suffix)\s*:\s*['"]?([\w.\-]*)['"]?""")
TRS_CREATE_PAGE_RE = re.compile(r"createPageHTML\s*\(([^)]*)\)")
TRS_MARKERS_RE = re.compile(r"TRS_Editor|trs_|/t\d{8}_\d+\.s?html?|TRS WCM|trsapi", re.I)

# ---------------------------------------------------------------------------- Hanweb jpage
HANWEB_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
HANWEB_TOTAL_RE = re.compile(
    r"<totalrecord>\s*(\d+)\s*</totalrecord>|\btotalRecord\b\s*[:=]\s*['\"]?(\d+)", re.I
)
HANWEB_DATASTORE_RE = re.compile(r"<datastore>|<recordset>", re.I)
HANWEB_PARAM_RE = re.compile(
    r"\b(columnid|unitid|webid|path|webname|col|appid|sourcecontenttype|permissiontype|perpage|classid)\b"
    r"\s*[:=]\s*['\"]?([^'\",}&\s<]*)",
    re.I,
)
HANWEB_SCRIPT_HINT_RE = re.compile(r"jpage|dataproxy|datastore|totalRecord|columnid", re.I)
HANWEB_PROXY_URL_RE = re.compile(r"""(?:proxyUrl\s*[:=]\s*['"]|href=['"])([^'"?]*dataproxy\.jsp)""", re.I)
HANWEB_PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
HANWEB_MARKERS_RE = re.compile(
    r"/module/web/jpage/|/module/jslib/|dataproxy\.jsp|/art/\d{4}/\d{1,2}/\d{1,2}/art_", re.I
)
HANWEB_GROUP_SIZE_RE = re.compile(r"\bgroupSize\b\s*[:=]\s*['\"]?(\d+)", re.I)

# ---------------------------------------------------------------------------- detail metadata labels
# each label is written without spaces; the matcher allows whitespace (&ensp; etc.) between characters
LABELS: dict[str, tuple[str, ...]] = {
    "publish": (
        "发布日期",
        "发布时间",
        "公开日期",
        "公开时间",
        "发表日期",
        "发表时间",
        "上网日期",
        "上网时间",
        "生效日期",
    ),
    "written": ("成文日期", "成文时间", "发文日期", "印发日期"),
    "index_no": ("信息索引号", "索引号", "索取号"),
    "doc_no": ("发文字号", "发文文号", "文件编号", "文件字号", "文号"),
    "publisher": (
        "发布机构",
        "发文机关",
        "发布单位",
        "发文单位",
        "公开主体",
        "信息公开主体",
        "所属机构",
        "责任部门",
    ),
    "source": ("信息来源", "文章来源", "稿件来源", "来源"),
}
# other labels of metadata tables: a cell holding one of them is never another field's value
OTHER_META_LABELS = (
    "主题分类",
    "主题词",
    "关键词",
    "关键字",
    "体裁分类",
    "服务对象",
    "有效性",
    "标题",
    "名称",
    "作者",
    "分类",
)
# a 公文 (official document) by its title: "…关于…的通知/决定/意见…" (its signature date is its 成文日期)
OFFICIAL_TITLE_RE = re.compile(
    r"关于.{2,}?(通知|决定|意见|批复|通报|报告|请示|函|公告|通告|决议|命令|纪要|规定|办法|方案|规划|细则|答复)$"
)
# the signature line of a 公文: a line that is only a date written 年月日 (Arabic or Chinese numerals)
SIGNATURE_DATE_RE = re.compile(
    r"^\s*([0-9〇零一二三四五六七八九○Ｏ]{4})\s*年\s*([0-9一二三四五六七八九十]{1,3})\s*月"
    r"\s*([0-9一二三四五六七八九十]{1,3})\s*日\s*$"
)
SIGNATURE_MAX_DAYS = 366  # a signature date more than a year before publication is not trusted
# a 文号 standing alone on a line (the centred line under the masthead): 柘政办〔2018〕47号
DOC_NO_LINE_RE = re.compile(
    r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\s*\d{1,5}\s*号$"
)
# a 文号 in brackets at the end of the title: 管理办法（2017年农业部令第7号）, 意见（农农发〔2017〕4号）
TITLE_DOC_NO_RE = re.compile(
    r"[（(]\s*([^（）()]{0,30}?(?:[〔\[［]\s*(?:19|20)\d{2}\s*[〕\]］]|(?:19|20)\d{2}\s*年)"
    r"[^（）()]{0,20}?第?\s*\d{1,5}\s*号)\s*[）)]\s*$"
)
BYLINE_MAX_LINES = 4  # a byline / bare 时间 label sits within this many lines under the title
BYLINE_MAX_CHARS = 60
LIST_LABEL_REPEATS = 3  # a 发布日期 label on this many lines is a list's rows, not the page's field
SENTENCE_PUNCT_RE = re.compile(r"[，。；！？,;]")
WEAK_PUBLISH_LABELS = ("时间", "日期")  # only when nothing better exists, and never after another CJK char
NO_VALUE_RE = re.compile(r"^(无|暂无|空|/|-|—|－|--|null|none|n/?a)$", re.I)
PUBLISH_META_NAMES = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "publishtime",
    "pubtime",
    "article:published_time",
    "dc.date.issued",
    "releasedate",
)
TITLE_META_NAMES = ("articletitle", "title", "og:title")
SOURCE_META_NAMES = ("contentsource", "source")
COLUMN_META_NAMES = ("columnname",)
# meta names that look like dates but are page generation times
NOT_PUBLISH_META_NAMES = ("maketime", "others", "generator", "lastmodified")

BANNER_CLASS_RE = re.compile(r"logo|banner|header|head_|_head|top_|_top|topbar|site-?name|sitename|masthead")
SOFT404_TITLE_RE = re.compile(
    r"(?<![\d\w])404(?![\d\w国])|页面不存在|页面未找到|找不到|not\s*found|错误提示|出错了", re.I
)
# the phrases a short page says when it is gone (页面不存在 …): config/rules.yaml (timeliness.soft_404_markers)
SOFT404_BARE_RE = re.compile(r"(?<![\d\w\-])404(?![\d\w国号])")
SOFT404_MAX_TEXT = 1200  # a page saying 页面不存在 is a soft 404 only when it is short
SOFT404_TINY_TEXT = 300  # ... and a bare "404" only when it is tiny

# ---------------------------------------------------------------------------- discovery
DISCLOSURE_TEXTS: tuple[tuple[str, int], ...] = (
    ("政府信息公开平台", 100),
    ("政府信息公开专栏", 100),
    ("政府信息公开", 95),
    ("信息公开平台", 90),
    ("信息公开专栏", 90),
    ("信息公开", 85),
    ("信息公开目录", 80),
    ("政府信息公开目录", 80),
    ("政务公开", 70),
    ("公开目录", 65),
)
DISCLOSURE_EXCLUDE_RE = re.compile(r"指南|年报|年度报告|制度|规定|申请|意见箱|条例|查询|办法")
NON_COLUMN_TEXT_RE = re.compile(
    r"^(首页|网站首页|返回首页|网站地图|联系我们|关于我们|登录|注册|无障碍|无障碍浏览|长者模式|English|ENGLISH|手机版|繁体|简体|繁體|"
    r"RSS|收藏|设为首页|加入收藏|版权声明|隐私声明|网站声明|站点地图|更多|more|MORE|返回|打印|关闭|关闭窗口|分享|搜索|高级搜索|"
    r"上一篇|下一篇|上一页|下一页|尾页|末页|"
    # site-wide services next to the disclosure platform, never its columns
    r"办事服务|网上办事|在线办事|互动交流|政民互动|公众参与|在线访谈|\S{0,4}信箱)$"
)
COLUMN_NAME_MAX = 16
# class/id words of the container a script fills with a column's rows (an empty one on a scripted page)
LIST_BOX_CLASS_RE = re.compile(r"list|news|item|data|article|content|\bapp\b|\bcon\b|lb|gk|info|result", re.I)
BREADCRUMB_CLASS_RE = re.compile(r"crumb|position|location|weizhi|dqwz|current|path|place|daohang", re.I)
BREADCRUMB_TEXT_RE = re.compile(r"当前位置|您现在的位置|所在位置|您的位置|当前的位置")
BREADCRUMB_SPLIT_RE = re.compile(r"\s*(?:>>|>|»|›|→|＞|/|\\|-&gt;)\s*")
TITLE_SPLIT_RE = re.compile(r"\s*(?:_|\||｜|--| - |—|－)\s*")

# A clock or "today is" banner is never a row's date (PORTALS.md: "never a clock").
CLOCK_RE = re.compile(r"今天是|今日是|当前时间|现在时间|现在是|星期[一二三四五六日天]|礼拜[一二三四五六日天]")
