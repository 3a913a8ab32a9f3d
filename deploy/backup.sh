#!/usr/bin/env bash
# Nightly backup of portal-patrol (patrol-backup.timer):
#   1. the store: pg_dump -Fc of DATABASE_URL (or, without it, an online copy of the SQLite file)
#      into $PATROL_BACKUP_DIR/db/, written under a temporary name and renamed when complete;
#      dumps older than PATROL_BACKUP_KEEP_DAYS go, the newest PATROL_BACKUP_KEEP_MIN always stay;
#   2. the snapshots: <data>/snapshots copied incrementally into $PATROL_BACKUP_DIR/snapshots/
#      (content-addressed files never change, so only new ones are copied; files that
#      `patrol prune` removed stay in the copy, so an older dump still finds its evidence).
# The dump runs first: every snapshot row it holds has its file in the store already (files are
# written before rows), and the copy taken after it holds them all.
# Restore: see README, "部署 / Deployment".
set -euo pipefail

if [ -f "${PATROL_ENV:-/etc/patrol/patrol.env}" ] && [ -z "${PATROL_DATA:-}" ]; then
  set -a; . "${PATROL_ENV:-/etc/patrol/patrol.env}"; set +a
fi
DATA="${PATROL_DATA:?PATROL_DATA is not set}"
DEST="${PATROL_BACKUP_DIR:-/var/backups/patrol}"
KEEP_DAYS="${PATROL_BACKUP_KEEP_DAYS:-14}"
KEEP_MIN="${PATROL_BACKUP_KEEP_MIN:-3}"
PYTHON="${PATROL_PYTHON:-/opt/patrol/venv/bin/python}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

mkdir -p "$DEST/db" "$DEST/snapshots"

if [ -n "${DATABASE_URL:-}" ]; then
  out="$DEST/db/patrol-$stamp.dump"
  pg_dump --format=custom --no-owner --dbname="$DATABASE_URL" --file="$out.part"
else
  out="$DEST/db/patrol-$stamp.sqlite3"
  "$PYTHON" - "$DATA/patrol.sqlite3" "$out.part" <<'PY'
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
with dst:
    src.backup(dst)  # a consistent copy while the store is in use (WAL)
dst.close(); src.close()
PY
fi
mv "$out.part" "$out"

# retention: by age, never below the newest KEEP_MIN complete dumps
mapfile -t dumps < <(ls -1t "$DEST/db"/patrol-*.dump "$DEST/db"/patrol-*.sqlite3 2>/dev/null || true)
i=0
for f in "${dumps[@]}"; do
  i=$((i + 1))
  if [ "$i" -gt "$KEEP_MIN" ] && [ -n "$(find "$f" -maxdepth 0 -mtime +"$KEEP_DAYS" 2>/dev/null)" ]; then
    rm -f -- "$f"
  fi
done
rm -f "$DEST"/db/*.part

if [ -d "$DATA/snapshots" ]; then
  if command -v rsync >/dev/null 2>&1; then
    rsync -a --exclude='.*' "$DATA/snapshots/" "$DEST/snapshots/"
  else
    cp -a -n "$DATA/snapshots/." "$DEST/snapshots/"
    find "$DEST/snapshots" -name '.*' -type f -delete
  fi
fi
echo "备份完成：数据库 $out；快照 $DEST/snapshots"
