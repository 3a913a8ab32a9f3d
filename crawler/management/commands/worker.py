from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.patrolconf import ConfigError


class Command(BaseCommand):
    help = "A crawl worker for the shared queue (PATROL_QUEUE): takes patrol units until stopped."

    def add_arguments(self, parser):
        parser.add_argument(
            "--slots", type=int, default=4, help="units crawled at once in this process (default 4)"
        )
        parser.add_argument(
            "--idle-exit",
            type=float,
            default=None,
            metavar="S",
            help="exit after S seconds without work (default: run until stopped)",
        )
        parser.add_argument(
            "--max-units", type=int, default=None, metavar="N", help="exit after taking N units"
        )

    def handle(self, *args, **opts):
        from crawler import distributed
        from crawler.worker import Worker

        try:
            distributed.queue_url()
            worker = Worker(
                settings.PATROL_CONFIG,
                slots=opts["slots"],
                idle_exit=opts["idle_exit"],
                max_units=opts["max_units"],
            )
            worker.queue.redis.ping()
        except (ConfigError, distributed.QueueError) as exc:
            raise CommandError(str(exc)) from None
        except Exception as exc:  # redis.ConnectionError and the like
            raise CommandError(f"共享队列不可用（PATROL_QUEUE）：{type(exc).__name__}: {exc}") from None
        return_code = worker.run()
        if return_code:
            raise CommandError("worker stopped with errors", returncode=return_code)
