"""``patrol web [--host H] [--port P]`` — serve the web app with waitress (a production WSGI server).

Static files (the app's stylesheet, the admin's assets) are served by WhiteNoise from the
installed apps, so no ``collectstatic`` step and no separate web server are needed. The
signing key is ``PATROL_SECRET_KEY`` or, when unset, one generated once under the data
folder (``<data>/secret_key``, mode 0600): never a built-in default.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class Command(BaseCommand):
    help = "Serve the review queue, dashboards and admin with waitress."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")

    def handle(self, *args, **opts):
        from waitress import serve

        from web.wsgi import application

        host, port = opts["host"], opts["port"]
        if not 0 < port < 65536:
            raise CommandError(f"--port: {port} is not a port number")
        if not os.environ.get("PATROL_SECRET_KEY"):
            # config/settings.py generated one on first use (0600, kept across restarts)
            self.stderr.write(
                f"提示：未设置 PATROL_SECRET_KEY，使用数据目录中的密钥 {settings.DATA_DIR / 'secret_key'}。"
            )
        if settings.DEBUG:
            self.stderr.write("警告：PATROL_DEBUG=1，调试模式不得用于正式部署。")
        if host not in LOOPBACK:
            self.stderr.write(
                f"提示：监听 {host}，请确认 PATROL_ALLOWED_HOSTS 包含访问用的主机名"
                f"（当前：{', '.join(settings.ALLOWED_HOSTS) or '无'}），并在其前部署 HTTPS。"
            )
        shown = f"[{host}]" if ":" in host else host
        self.stdout.write(f"政府网站巡查网页端：http://{shown}:{port}/  （Ctrl-C 停止）")
        proxy = {}
        if getattr(settings, "PATROL_TRUST_X_FORWARDED_FOR", False):
            # behind the reverse proxy (PATROL_BEHIND_PROXY=1): waitress passes its
            # X-Forwarded-Proto/-For on only from the proxy's own address
            proxy = {
                "trusted_proxy": os.environ.get("PATROL_TRUSTED_PROXY", "127.0.0.1"),
                "trusted_proxy_count": 1,
                "trusted_proxy_headers": "x-forwarded-proto x-forwarded-for",
            }
        serve(application, host=host, port=port, threads=opts["threads"], ident="portal-patrol", **proxy)
