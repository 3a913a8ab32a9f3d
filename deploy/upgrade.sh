#!/usr/bin/env bash
# Upgrade portal-patrol in place: stop, back up, install the new version, migrate, start.
#   sudo /opt/patrol/deploy/upgrade.sh /path/to/portal_patrol-X.Y.Z-py3-none-any.whl
# (or a source folder / git checkout). Run on every machine; the migration runs once (on the
# first machine), the others find nothing to migrate. Stop the workers of every machine before
# migrating: a worker of the old version must not write into the new schema.
set -euo pipefail

PACKAGE="${1:?usage: upgrade.sh WHEEL-OR-SOURCE-DIR}"
ENV_FILE="${PATROL_ENV:-/etc/patrol/patrol.env}"
VENV="${PATROL_VENV:-/opt/patrol/venv}"
SYSTEMCTL="${SYSTEMCTL:-systemctl}"
BACKUP="${PATROL_BACKUP:-/opt/patrol/deploy/backup.sh}"
AS_USER="${PATROL_USER:-patrol}"
UNITS=(patrol-scheduler.service patrol-web.service patrol-workers.target)

if [ -f "$ENV_FILE" ]; then
  set -a; . "$ENV_FILE"; set +a
fi
run_as() {  # the patrol commands run as the service user, like the units
  if [ "$(id -u)" = 0 ] && [ "$AS_USER" != root ] && id "$AS_USER" >/dev/null 2>&1; then
    runuser -u "$AS_USER" -- env "PATH=$PATH" "$@"
  else
    "$@"
  fi
}

echo "1/6 停止服务：${UNITS[*]} patrol-worker@*"
"$SYSTEMCTL" stop "${UNITS[@]}" 'patrol-worker@*.service' patrol-prune.timer
echo "2/6 备份"
run_as "$BACKUP"
echo "3/6 安装新版本：$PACKAGE"
"$VENV/bin/pip" install --upgrade "$PACKAGE"
echo "4/6 数据库迁移"
run_as "$VENV/bin/patrol" django migrate --noinput
run_as "$VENV/bin/patrol" django collectstatic --noinput --verbosity 0
echo "5/6 检查"
run_as "$VENV/bin/patrol" django check --deploy --fail-level ERROR
echo "6/6 启动服务"
"$SYSTEMCTL" start "${UNITS[@]}" patrol-prune.timer
echo "升级完成"
