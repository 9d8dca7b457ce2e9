#!/usr/bin/env bash
# Fault: PostgreSQL restarts while gunicorn is under load.
#
#   bash bench/pg_restart.sh          # about a minute; never part of `make test`
#
# Starts a private PostgreSQL cluster of its own (initdb in a temporary
# folder, port PG_PORT, default 5499), so the shared server on 5432 and the
# other test runs are never touched. Builds a small demo there, starts
# gunicorn (2 workers, production settings, CONN_MAX_AGE 60 with health
# checks) and runs wrk on the blueprint page for DURATION; RESTART_AFTER
# seconds in, the cluster is stopped (fast mode), left down DOWN seconds and
# started again. The per-second statuses show what users saw: pages (200)
# until the restart, clean 500 answers (no hanging requests, no traceback)
# while the database is down, and 200 again after it is back, from the same
# gunicorn workers, without restarting them. The script fails if the app
# does not answer 200 after the restart.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
GUNICORN=${GUNICORN:-$(dirname "$PYTHON")/gunicorn}
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}
PG_PORT=${PG_PORT:-5499}
PORT=${PORT:-8766}
DURATION=${DURATION:-30}
RESTART_AFTER=${RESTART_AFTER:-8}
DOWN=${DOWN:-5}
PG_USER=${PG_USER:-postgres}

DATA=$(mktemp -d /tmp/digiansvar-pgrestart.XXXXXX)
chown "$PG_USER" "$DATA" 2>/dev/null || true
as_pg() { if [[ $(id -u) == 0 ]]; then su "$PG_USER" -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
pg_ctl() { as_pg "$PG_BIN/pg_ctl -D $DATA/cluster -l $DATA/postgres.log -w $*"; }

GUNICORN_PID=
cleanup() {
  [[ -n $GUNICORN_PID ]] && { kill "$GUNICORN_PID" 2>/dev/null || true; wait "$GUNICORN_PID" 2>/dev/null || true; }
  pg_ctl stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$DATA"
}
trap cleanup EXIT

as_pg "$PG_BIN/initdb -D $DATA/cluster -A trust -U postgres" >/dev/null
pg_ctl start -o "'-p $PG_PORT -k $DATA -c listen_addresses=127.0.0.1'" >/dev/null
as_pg "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT -U postgres digiansvar"

unset DJANGO_DEBUG DJANGO_PLAIN_STATIC
export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/digiansvar"
export DJANGO_SETTINGS_MODULE=digiansvar.settings
export DJANGO_SECRET_KEY=$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_LOG_LEVEL=CRITICAL
export DJANGO_CONN_MAX_AGE=60
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py generate_demo --units 20 --seed 1 >/dev/null
"$PYTHON" manage.py collectstatic --noinput -v0
read -r SESSION UNIT < <("$PYTHON" manage.py shell -v0 -c '
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from organisation.models import Unit
user = get_user_model().objects.create_superuser("restart", None, None)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key, Unit.objects.filter(slug__startswith="demokommunen-")[0].slug)
')
URL="http://127.0.0.1:$PORT/?unit=$UNIT"

# Server-side errors (Django logs each 500 with its traceback) go to a log
# file, as in production; clients get only the plain 500 page.
"$GUNICORN" -c gunicorn.conf.py digiansvar.wsgi -b "127.0.0.1:$PORT" -w 2 --timeout 30 \
  --access-logfile /dev/null --error-logfile "$DATA/gunicorn.log" 2>>"$DATA/gunicorn.log" &
GUNICORN_PID=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/konto/login/" && break; sleep 0.1; done
workers_before=$(pgrep -P "$GUNICORN_PID" | sort | tr '\n' ' ')

echo "# PostgreSQL restart under load, $(date -u '+%Y-%m-%d %H:%M') UTC"
echo "# gunicorn 2 workers (pids $workers_before), private cluster on port $PG_PORT, wrk -t2 -c4 -d${DURATION}s"
echo "# the cluster stops at t+${RESTART_AFTER}s and starts again ${DOWN}s later"
TIMELINE=1 wrk -t2 -c4 -d"${DURATION}s" --timeout 10s -H "Cookie: sessionid=$SESSION" \
  -s bench/lua/statuses.lua "$URL" > "$DATA/wrk.txt" &
WRK_PID=$!
sleep "$RESTART_AFTER"
echo "stopping PostgreSQL at $(date -u +%T)"
pg_ctl stop -m fast >/dev/null
sleep "$DOWN"
echo "starting PostgreSQL at $(date -u +%T)"
pg_ctl start -o "'-p $PG_PORT -k $DATA -c listen_addresses=127.0.0.1'" >/dev/null
wait "$WRK_PID"
cat "$DATA/wrk.txt"

workers_after=$(pgrep -P "$GUNICORN_PID" | sort | tr '\n' ' ')
status=$(curl -s -o "$DATA/page.html" -w '%{http_code}' -H "Cookie: sessionid=$SESSION" "$URL")
echo
echo "after the restart: the blueprint page answers $status; gunicorn workers before: $workers_before, after: $workers_after"
echo "server log: $(grep -c 'Internal Server Error' "$DATA/gunicorn.log" || true) errors logged, first: $(grep -m1 -o 'OperationalError: .*' "$DATA/gunicorn.log" || true)"
if grep -q "Traceback" "$DATA/wrk.txt" "$DATA/page.html"; then
  echo "a traceback reached a client" >&2
  exit 1
fi
[[ $status == 200 ]] || { echo "the app did not recover" >&2; tail -20 "$DATA/gunicorn.log" >&2; exit 1; }
echo "recovered without restarting gunicorn: OK"
