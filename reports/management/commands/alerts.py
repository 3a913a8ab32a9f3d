"""``patrol alerts digest|test|patrol RUN``: send the daily digest now, test every channel,
or send a patrol's immediate alert again (channels from ``alerts:`` in patrol.yaml)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.patrolconf import ConfigError, load
from reports import alerts


class Command(BaseCommand):
    help = "告警：立即发送日报（digest）、测试各通道（test）、补发某次巡查的即时告警（patrol RUN）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["digest", "test", "patrol"])
        parser.add_argument("run", nargs="?", type=int, help="patrol: the run id (PatrolRun)")

    def handle(self, *args, **opts) -> None:
        try:
            conf = load(settings.PATROL_CONFIG)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        if not conf.alerts.get("channels"):
            raise CommandError("patrol.yaml 未配置告警通道（alerts.channels）")
        if opts["action"] == "digest":
            sent = alerts.send_digest(conf)
        elif opts["action"] == "test":
            sent = alerts.test_channels(conf)
        else:
            if opts["run"] is None:
                raise CommandError("patrol 需要巡查编号：patrol alerts patrol RUN")
            sent = alerts.after_patrol(conf, opts["run"])
            if not sent:
                self.stdout.write("该次巡查没有需要即时告警的新发现（或没有保密局通道）。")
                return
        for name, ok in sent.items():
            self.stdout.write(f"{name}：{'已发送' if ok else '失败（已重试，见日志）'}")
        if not all(sent.values()):
            raise CommandError("有告警通道发送失败")
