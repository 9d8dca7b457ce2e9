#!/usr/bin/env bash
# Load test: gunicorn (2 workers, 4 threads each) + PostgreSQL + whitenoise in production
# settings, wrk on 127.0.0.1 for a bounded time with a logged-in session.
#
#   make loadtest                       # or: bash bench/loadtest.sh
#   DURATION=30s CONNECTIONS=8 UNITS=200 bash bench/loadtest.sh
#   SERVERS=2 bash bench/loadtest.sh    # two app servers sharing a Redis (docs/deployment.md)
#
# With SERVERS=2 it starts a Redis of its own (Debian's redis-server, on
# REDIS_PORT with its own pidfile, no persistence) and two gunicorn servers on
# PORT and PORT+1 with DJANGO_CACHE_URL pointing at it, loads both at once
# (half the connections each) and checks that a write made through one server
# shows on the other at the next request. Every process is stopped by its pid.
#
# Builds the demo municipality (generate_demo) in the PostgreSQL database
# LOADTEST_DATABASE_URL once (kept for the next run), runs collectstatic,
# creates a session for a superuser without a password, starts gunicorn on
# 127.0.0.1:PORT and loads: the blueprint page of one unit, a filtered view,
# the login page, and a static file through whitenoise. Target: >= 500 req/s, p99 <= 100 ms,
# 0 errors on 2 cores. Never part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-.venv/bin/python}
GUNICORN=${GUNICORN:-$(dirname "$PYTHON")/gunicorn}
PORT=${PORT:-8765}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
WORKERS=${WORKERS:-2}
# gthread workers keep connections alive (sync workers close each one): with
# 4 threads each, the login page went from ~250 to ~530 req/s here.
WORKER_THREADS=${WORKER_THREADS:-4}
UNITS=${UNITS:-200}
SERVERS=${SERVERS:-1}
REDIS_PORT=${REDIS_PORT:-$((PORT + 100))}
# What a browser asks for: the pages come back gzipped (docs/blueprint-pages.md#compression).
# ACCEPT_ENCODING=identity loads them plain.
ACCEPT_ENCODING=${ACCEPT_ENCODING:-gzip, deflate, br}
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
export DATABASE_URL=${LOADTEST_DATABASE_URL:-$PG_SERVER/digiansvar_loadtest}

# Production settings; only https is off, since wrk speaks plain http to 127.0.0.1.
unset DJANGO_DEBUG DJANGO_PLAIN_STATIC
export DJANGO_SETTINGS_MODULE=digiansvar.settings
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$("$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_SECURE_SSL_REDIRECT=0
export DJANGO_LOG_LEVEL=${DJANGO_LOG_LEVEL:-ERROR}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
database=${DATABASE_URL##*/}
if [[ $DATABASE_URL == postgres* ]]; then
  server=${DATABASE_URL%/*}
  if ! psql "$server/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
    psql "$server/postgres" -qc "CREATE DATABASE \"$database\""
  fi
fi

"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py generate_demo --units "$UNITS" --seed 1
"$PYTHON" manage.py collectstatic --noinput -v0

# A session made directly in the session store: the login form would be
# throttled by django-axes after a few scripted attempts, and needs no testing here.
read -r SESSION UNIT < <("$PYTHON" manage.py shell -v0 -c '
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from organisation.models import Unit
user, _ = get_user_model().objects.get_or_create(
    username="loadtest", defaults={"is_staff": True, "is_superuser": True})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key, Unit.objects.filter(slug__startswith="demokommunen-").order_by("-slug")[0].slug)
')
COOKIE="sessionid=$SESSION"

PIDS=()
REDIS_PIDFILE=""
stop() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  if [[ -n $REDIS_PIDFILE && -s $REDIS_PIDFILE ]]; then kill "$(cat "$REDIS_PIDFILE")" 2>/dev/null || true; fi
}
trap stop EXIT
if (( SERVERS > 1 )); then
  command -v redis-server >/dev/null || { echo "redis-server is missing: apt-get install -y redis-server" >&2; exit 1; }
  REDIS_PIDFILE=$(mktemp -u /tmp/digiansvar-loadtest-redis.XXXXXX.pid)
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$REDIS_PIDFILE" --dir /tmp >/dev/null
  export DJANGO_CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
fi
BASES=()
for n in $(seq 0 $((SERVERS - 1))); do
  port=$((PORT + n))
  "$GUNICORN" -c gunicorn.conf.py digiansvar.wsgi -b "127.0.0.1:$port" -w "$WORKERS" -k gthread --threads "$WORKER_THREADS" \
    --pid "$(mktemp -u /tmp/digiansvar-loadtest.XXXXXX.pid)" \
    --access-logfile /dev/null --error-logfile "/tmp/digiansvar-loadtest-gunicorn-$n.log" &
  PIDS+=($!)
  BASES+=("http://127.0.0.1:$port")
done
for base in "${BASES[@]}"; do
  for _ in $(seq 100); do
    curl -s -o /dev/null "$base/konto/login/" && break
    sleep 0.1
  done
done

BLUEPRINT="http://127.0.0.1:$PORT/?unit=$UNIT"
FILTERED="http://127.0.0.1:$PORT/?unit=$UNIT&area=hygien&role=ITS"
CSS=$(curl -s -H "Cookie: $COOKIE" "$BLUEPRINT" | grep -o '/static/css/site\.[0-9a-f]*\.css' | head -1)
STATIC="http://127.0.0.1:$PORT${CSS:-/static/css/site.css}"

# A browser sends back the CSRF cookie its first page set, with every request after it; so
# does wrk. A page kept whole for its user is only served to a request that brings it
# (registry/page_body.py): without it every request would render, as no browser's does.
csrf=$(curl -s -o /dev/null -c - -H "Cookie: $COOKIE" "$BLUEPRINT" | awk '$6 == "csrftoken" { print $7 }')
[[ -n $csrf ]] || { echo "no CSRF cookie from $BLUEPRINT" >&2; exit 1; }
COOKIE="$COOKIE; csrftoken=$csrf"
# The session must really be logged in: a 302 to the login page would look like success.
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" "$BLUEPRINT")
[[ $status == 200 ]] || { echo "the blueprint page answered $status, not 200" >&2; exit 1; }

echo "# load test $(date -u '+%Y-%m-%d %H:%M') UTC: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $SERVERS gunicorn server(s), each $WORKERS gthread workers x $WORKER_THREADS threads, PostgreSQL database $database, demo with $UNITS units${DJANGO_CACHE_URL:+, shared cache $DJANGO_CACHE_URL}"
echo "# wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $WRK_TIMEOUT, logged-in superuser session, Accept-Encoding: $ACCEPT_ENCODING"
# The login page (a small template; with the cookie: session, user and person
# lookups) shows what the stack itself costs per logged-in request on this
# machine: the ceiling for any page.
LOGIN="http://127.0.0.1:$PORT/konto/login/"
for target in "$BLUEPRINT" "$FILTERED" "$LOGIN" "$STATIC"; do
  path=${target#"http://127.0.0.1:$PORT"}
  echo
  echo "## $path on ${#BASES[@]} server(s) at once"
  # wrk's own timeout is 2 s; a browser waits far longer, so a slow answer
  # counts in the latency figures, not as an error. With two servers, one wrk
  # per server runs at the same time, each with half the connections.
  WRK_PIDS=()
  for base in "${BASES[@]}"; do
    wrk -t"$THREADS" -c$((CONNECTIONS / SERVERS)) -d"$DURATION" --timeout "$WRK_TIMEOUT" --latency \
      -H "Cookie: $COOKIE" -H "Accept-Encoding: $ACCEPT_ENCODING" -s bench/lua/statuses.lua "$base$path" > "/tmp/digiansvar-loadtest-wrk-${base##*:}.txt" &
    WRK_PIDS+=($!)
  done
  for pid in "${WRK_PIDS[@]}"; do wait "$pid"; done
  for base in "${BASES[@]}"; do echo "### $base"; cat "/tmp/digiansvar-loadtest-wrk-${base##*:}.txt"; done
done

if (( SERVERS > 1 )); then
  # A write through the first server (an admin change of a role's name, with
  # its CSRF token) must show on the second server's blueprint page at once.
  A=${BASES[0]} B=${BASES[1]}
  curl -s -o /dev/null -H "Cookie: $COOKIE" "$B/?unit=$UNIT"  # fills the shared cache
  role_id=$(curl -s -H "Cookie: $COOKIE" "$A/admin/registry/role/?q=ITS" | grep -o 'registry/role/[0-9]*/change' | head -1 | tr -dc 0-9)
  form=$(curl -s -H "Cookie: $COOKIE" "$A/admin/registry/role/$role_id/change/")
  token=$(grep -o 'name="csrfmiddlewaretoken" value="[^"]*"' <<<"$form" | head -1 | sed 's/.*value="//; s/"$//')
  field() { grep -o "name=\"$1\" value=\"[^\"]*\"" <<<"$form" | head -1 | sed 's/.*value="//; s/"$//'; }
  # The role's choices as they are (a select's chosen option, the deputy checkbox): the form
  # needs them all, and putting the name back must change nothing else.
  selected() { sed -n "/name=\"$1\"/,/<\/select>/p" <<<"$form" | grep -o 'value="[^"]*" selected' | head -1 | sed 's/value="//; s/" selected//'; }
  kind=$(selected kind) position=$(selected position)
  deputy=()
  grep -q 'name="needs_deputy"[^>]*checked' <<<"$form" && deputy=(--data-urlencode "needs_deputy=on")
  name="Samordnare $(date +%s)"
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $COOKIE" -H "Referer: $A/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "code=$(field code)" \
    --data-urlencode "name=$name" --data-urlencode "order=$(field order)" --data-urlencode "description=" \
    --data-urlencode "position=$position" --data-urlencode "kind=$kind" "${deputy[@]}" --data-urlencode "_save=1" "$A/admin/registry/role/$role_id/change/")
  seen=no
  # Read whole before grep: with pipefail, `curl | grep -q` fails when grep stops reading early.
  shown=$(curl -s -H "Cookie: $COOKIE" "$B/?unit=$UNIT")
  [[ $status == 302 ]] && grep -q "$name" <<<"$shown" && seen=yes
  # Put the old name back (the load-test database is kept between runs).
  curl -s -o /dev/null -H "Cookie: $COOKIE" -H "Referer: $A/" \
    --data-urlencode "csrfmiddlewaretoken=$token" --data-urlencode "code=$(field code)" \
    --data-urlencode "name=$(field name)" --data-urlencode "order=$(field order)" --data-urlencode "description=" \
    --data-urlencode "position=$position" --data-urlencode "kind=$kind" "${deputy[@]}" --data-urlencode "_save=1" "$A/admin/registry/role/$role_id/change/"
  if [[ $seen == yes ]]; then
    echo; echo "## consistency: a role renamed through $A shows on $B at the next request: yes"
  else
    echo; echo "## consistency: FAILED (admin answered $status, or $B still shows the old name)" >&2; exit 1
  fi
fi
