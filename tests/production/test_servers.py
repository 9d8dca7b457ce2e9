"""Two app servers behind one Redis: shared page cache, sessions and login throttling.

Starts a Redis of its own and two gunicorn servers on free ports on
127.0.0.1, in production settings (only https off), against a scratch
database (an SQLite file, or a fresh PostgreSQL database when DATABASE_URL
points at PostgreSQL). Each process is stopped by its own pid.
"""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))
REQUIRE = os.environ.get("REQUIRE_BROWSER") == "1"  # CI: a missing Redis fails, never skips
FAILURE_LIMIT = 3

pytestmark = pytest.mark.servers

SETUP = """
from django.contrib.auth import get_user_model
from registry.seed.load import seed_load
seed_load()
get_user_model().objects.create_superuser("chef", "chef@example.com", "ett-langt-losenord-77")
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # any answer means it is up
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {deadline} s")


def stop(pid):
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        if REQUIRE:
            pytest.fail("REQUIRE_BROWSER=1 but redis-server is missing (apt-get install it)")
        pytest.skip("redis-server is not installed")
    folder = tmp_path_factory.mktemp("redis")
    port, pidfile = free_port(), folder / "redis.pid"
    subprocess.run(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--daemonize", "yes", "--pidfile", str(pidfile), "--dir", str(folder)],
        check=True,
    )
    for _ in range(100):
        if pidfile.exists() and pidfile.read_text().strip():
            break
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    yield f"redis://127.0.0.1:{port}/0"
    stop(pid)


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("servers")
    if ON_POSTGRES:
        import psycopg

        name = f"digiansvar_servers_{uuid.uuid4().hex[:8]}"
        server = SERVER_URL.rsplit("/", 1)[0]
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}"
    else:
        url = f"sqlite:///{folder / 'db.sqlite3'}"
    env = environment(url, "")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + SETUP],
        cwd=ROOT,
        env=env,
        check=True,
    )
    yield url
    if ON_POSTGRES:
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(database_url, cache_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return env | {
        "DATABASE_URL": database_url,
        "DJANGO_CACHE_URL": cache_url,
        "DJANGO_SETTINGS_MODULE": "digiansvar.settings",
        "DJANGO_SECRET_KEY": "test-only-two-servers-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_PLAIN_STATIC": "1",
        "DJANGO_LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


@pytest.fixture(scope="module")
def servers(database, redis_url, tmp_path_factory):
    """Two gunicorn servers (separate processes, as on two hosts) sharing database and Redis."""
    folder = tmp_path_factory.mktemp("gunicorn")
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    env = environment(database, redis_url)
    started = []
    for name in ("a", "b"):
        port, pidfile = free_port(), folder / f"{name}.pid"
        process = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", "digiansvar.wsgi"]
            + ["-b", f"127.0.0.1:{port}", "-w", "1"]
            + ["--pid", str(pidfile), "--error-logfile", str(folder / f"{name}.log")],
            cwd=ROOT,
            env=env,
        )
        started.append((process, f"http://127.0.0.1:{port}"))
    try:
        for _process, base in started:
            wait_for(base + "/konto/login/")
        yield [base for _process, base in started]
    finally:
        for process, _base in started:
            stop(process.pid)
            process.wait(timeout=30)


class Browser:
    """A cookie jar and urllib: one browser talking to both servers (cookies are per host)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, url):
        return self._open(urllib.request.Request(url))

    def post(self, url, data, referer):
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, headers={"Referer": referer}))

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def csrf_token(html):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(browser, base, password):
    _status, html = browser.get(base + "/konto/login/")
    return browser.post(
        base + "/konto/login/",
        {"username": "chef", "password": password, "csrfmiddlewaretoken": csrf_token(html)},
        referer=base + "/konto/login/",
    )


def test_a_write_on_one_server_shows_on_the_other_at_the_next_request(servers, redis_url):
    import redis

    a, b = servers
    browser = Browser()
    status, _html = log_in(browser, a, "ett-langt-losenord-77")
    assert status == 302
    # The session made on server A is valid on server B.
    status, html = browser.get(b + "/?unit=arstaviken")
    assert status == 200, html[:500]
    assert "IT-samordnare" in html or "ITS" in html
    # The page parts server B rendered are in the shared cache.
    assert redis.Redis.from_url(redis_url).dbsize() > 0

    # A change through the admin on server A ...
    status, html = browser.get(a + "/admin/registry/role/?q=ITS")
    role_id = re.search(r'href="/admin/registry/role/(\d+)/change/', html).group(1)
    change = f"{a}/admin/registry/role/{role_id}/change/"
    _status, form = browser.get(change)
    inputs = r'<input type="(?:text|number)" name="(\w+)" value="([^"]*)"'
    fields = dict(re.findall(inputs, form))
    fields |= {"name": "Samordnare på två servrar", "csrfmiddlewaretoken": csrf_token(form)}
    fields.setdefault("description", "")
    selected = dict(
        re.findall(r'<select name="(\w+)"[^>]*>.*?<option value="([^"]*)" selected', form, re.S)
    )
    status, _html = browser.post(change, {**fields, **selected, "_save": "1"}, referer=change)
    assert status == 302
    # ... shows on server B at its next request, from the shared cache's new version.
    _status, html = browser.get(b + "/?unit=arstaviken")
    assert "Samordnare på två servrar" in html
    _status, html = browser.get(a + "/?unit=arstaviken")
    assert "Samordnare på två servrar" in html


def test_login_throttling_counts_failures_on_every_server(servers):
    a, b = servers
    browser = Browser()
    for number in range(FAILURE_LIMIT - 1):
        status, _html = log_in(browser, (a, b)[number % 2], "fel-losenord")
        assert status == 200  # the form again, with an error
    # The last allowed failure lands on the other server, which locks the pair out ...
    status, _html = log_in(browser, (a, b)[(FAILURE_LIMIT - 1) % 2], "fel-losenord")
    assert status == 429
    # ... and each server now refuses even the right password.
    for base in (a, b):
        status, _html = log_in(browser, base, "ett-langt-losenord-77")
        assert status == 429
