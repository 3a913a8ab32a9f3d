"""Chinese names for the admin: apps, models and fields of the other apps.

Applied at start-up to the runtime labels only (``_meta.verbose_name``, ``field.verbose_name``);
migrations read the declared originals (``_meta.original_attrs``, ``field._verbose_name``),
so no app gains a migration from this table. A name the owning model declares in Chinese
itself wins; a field not listed keeps its own label.
"""

from __future__ import annotations

from django.apps import apps

APP_NAMES = {
    "crawler": "巡查采集",
    "screening": "保密筛查",
    "scheduler": "定时任务",
    "reports": "报表",
    "axes": "登录防护",
}

COMMON_FIELDS = {
    "id": "编号",
    "url": "网址",
    "name": "名称",
    "title": "标题",
    "site": "网站",
    "status": "状态",
    "kind": "类型",
    "note": "备注",
    "run": "巡查",
    "item": "信息",
    "page": "页面",
    "snapshot": "快照",
    "headers": "响应头",
    "created_at": "创建时间",
    "started_at": "开始时间",
    "finished_at": "结束时间",
    "fetched_at": "抓取时间",
    "first_seen_run": "首次发现于巡查",
    "last_seen_run": "最近发现于巡查",
    "screen_status": "筛查状态",
    "screen_reason": "未能筛查的原因",
    "pid": "进程号",
    "error": "错误",
    "user_agent": "浏览器标识",
    "ip_address": "IP 地址",
    "username": "用户名",
    "http_accept": "接受的内容类型",
    "path_info": "路径",
    "attempt_time": "尝试时间",
}

MODELS: dict[str, tuple[str, dict[str, str]]] = {
    "crawler.PatrolRun": (
        "巡查记录",
        {
            "trigger": "触发方式",
            "sites": "网站",
            "requests": "请求数",
            "pages": "页面数",
            "new_items": "新信息数",
            "findings": "发现数",
            "stats": "统计",
        },
    ),
    "crawler.Site": (
        "网站",
        {
            "site_id": "网站标识",
            "tier": "层级",
            "scope": "范围",
            "entry_url": "政务公开入口",
            "active": "启用",
            "homepage_last_published": "首页最近更新",
            "homepage_checked_at": "首页检查时间",
        },
    ),
    "crawler.Column": (
        "栏目",
        {
            "path": "栏目路径",
            "parent": "上级栏目",
            "profile": "页面类型",
            "empty": "空白栏目",
            "items_listed": "列出条数",
            "walk_complete": "已完整翻页",
            "next_page": "待续翻页",
            "validators": "缓存校验",
            "retired_at": "撤销时间",
            "retired_run": "撤销于巡查",
        },
    ),
    "crawler.Item": (
        "信息",
        {
            "publish_date": "发布日期",
            "date_source": "日期来源",
            "written_date": "成文日期",
            "index_no": "索引号",
            "doc_no": "文号",
            "publisher": "发布机构",
            "external": "站外链接",
            "detail_status": "详情页状态码",
            "soft_404": "软 404",
            "needs_detail": "待抓取详情",
            "signature": "列表签名",
            "moved_from": "迁移自",
        },
    ),
    "crawler.Listing": (
        "栏目条目",
        {"column": "栏目", "row_date": "列表日期", "partial_date": "不完整日期", "pinned": "置顶"},
    ),
    "crawler.Snapshot": ("快照", {"sha256": "SHA-256", "size": "大小（字节）"}),
    "crawler.Page": ("页面", {}),
    "crawler.Attachment": ("附件", {}),
    "crawler.SiteFinding": ("网站问题", {"detail": "详情"}),
    "screening.Finding": (
        "筛查发现",
        {
            "page_url": "所在页面",
            "attachment": "附件",
            "severity": "严重程度",
            "flagged": "达到阈值",
            "kinds": "命中类型",
            "hits": "命中",
            "first_confirmed_at": "首次确认时间",
            "checked_at": "核查时间",
            "updated_at": "更新时间",
        },
    ),
    "screening.Review": (
        "审核记录",
        {
            "finding": "筛查发现",
            "reviewer": "审核人",
            "reviewer_name": "审核人姓名",
            "from_status": "原状态",
            "decision": "处理结果",
            "at": "时间",
        },
    ),
    "screening.AllowEntry": (
        "白名单条目",
        {
            "scope": "范围",
            "phrase": "短语",
            "rule": "规则",
            "finding": "来源发现",
            "created_by": "添加人",
            "created_by_name": "添加人姓名",
            "revoked_by": "撤销人",
            "revoked_by_name": "撤销人姓名",
            "revoked_at": "撤销时间",
        },
    ),
    "axes.AccessAttempt": (
        "访问尝试",
        {"failures_since_start": "失败次数", "get_data": "GET 数据", "post_data": "POST 数据"},
    ),
    "axes.AccessFailureLog": ("登录失败记录", {"locked_out": "已锁定"}),
    "axes.AccessLog": ("登录日志", {"logout_time": "退出时间", "session_hash": "会话标识哈希"}),
    "axes.AccessAttemptExpiration": (
        "访问尝试过期",
        {"access_attempt": "访问尝试", "expires_at": "过期时间"},
    ),
    "scheduler.ScheduledJob": ("调度任务", {"next_run_time": "下次运行", "job_state": "任务状态"}),
    "scheduler.JobRun": (
        "任务运行记录",
        {
            "job_id": "任务",
            "scheduled_for": "计划时间",
            "patrol_run": "巡查",
            "output": "输出",
        },
    ),
}


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def apply() -> None:
    for label, name in APP_NAMES.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        if not _is_chinese(config.verbose_name):
            config.verbose_name = name
    for dotted, (model_name, fields) in MODELS.items():
        try:
            model = apps.get_model(dotted)
        except LookupError:
            continue
        opts = model._meta
        if not _is_chinese(opts.verbose_name):
            opts.verbose_name = model_name
            opts.verbose_name_plural = model_name
        for field in opts.get_fields():
            if not getattr(field, "concrete", False):
                continue
            label = fields.get(field.name) or COMMON_FIELDS.get(field.name)
            if label and not _is_chinese(field.verbose_name):
                field.verbose_name = label
