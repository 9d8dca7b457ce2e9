"""Security settings a deployment relies on: check --deploy, CSP, login throttling, sessions."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "test-only-production-like-secret-key-8f3k2m5n7p9q1r4s6t8u0v",
    "DJANGO_ALLOWED_HOSTS": "ansvar.example.se",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://ansvar.example.se",
    "DJANGO_BEHIND_PROXY": "1",
    "DIGIANSVAR_ACCESSIBILITY_CONTACT": "tillganglighet@example.se",
}


def run_django(code_or_args, env_extra, *, check=True):
    """Run manage.py or a snippet with digiansvar.settings and only the given environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    env |= {"DJANGO_SETTINGS_MODULE": "digiansvar.settings", "DATABASE_URL": "sqlite://:memory:"}
    env |= env_extra
    if isinstance(code_or_args, str):
        command = [sys.executable, "-c", "import django; django.setup()\n" + code_or_args]
    else:
        command = [sys.executable, "manage.py", *code_or_args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, check=check, timeout=120
    )


def test_check_deploy_prints_no_warnings_with_the_documented_production_environment():
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_check_deploy_warns_without_an_address_for_accessibility_reports():
    env = {**PRODUCTION_ENV, "DIGIANSVAR_ACCESSIBILITY_CONTACT": ""}
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], env, check=False)
    assert result.returncode != 0
    assert "digiansvar.W001" in result.stderr + result.stdout


def test_check_deploy_warns_when_https_is_switched_off():
    # The check itself must be able to fail: the same run without HTTPS settings warns.
    env = PRODUCTION_ENV | {"DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_HSTS_SECONDS": "0"}
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], env, check=False)
    assert result.returncode != 0
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_https_settings_default_on_in_production_and_off_for_local_development():
    code = (
        "from django.conf import settings as s\n"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_PROXY_SSL_HEADER)"
    )
    production = run_django(code, PRODUCTION_ENV).stdout.split()
    assert production == ["True", "True", "True", "True", "('HTTP_X_FORWARDED_PROTO',", "'https')"]
    development = run_django(code, {"DJANGO_DEBUG": "1"}).stdout.split()
    assert development == ["False", "False", "False", "False", "None"]


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_django(["check", "--deploy"], env, check=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    served = run_django("import digiansvar.wsgi", env, check=False)
    assert served.returncode != 0
    assert "DJANGO_SECRET_KEY" in served.stderr


def test_offline_commands_run_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_django(["makemigrations", "--check", "--dry-run"], env, check=False)
    assert result.returncode == 0, result.stderr


def test_admin_lives_at_the_configured_path():
    code = "from django.urls import reverse\nprint(reverse('admin:index'))"
    moved = run_django(code, PRODUCTION_ENV | {"DJANGO_ADMIN_PATH": "/forvaltning-7k/"})
    assert moved.stdout.strip() == "/forvaltning-7k/"
    assert run_django(code, PRODUCTION_ENV).stdout.strip() == "/admin/"


def test_no_secret_is_committed():
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    leaks = []
    for name in filter(None, files):
        path = ROOT / name
        if not path.is_file() or path.stat().st_size > 2_000_000:
            continue
        text = path.read_text(errors="ignore")
        # Django's startproject key prefix, spelt in two parts so that this file passes.
        if re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|" + "django" + "-insecure-", text):
            leaks.append(name)
        # A SECRET_KEY assigned a literal string, other than the dev-only
        # fallback and the keys of tests and benchmarks.
        for value in re.findall(r"SECRET_KEY[\"']?\s*[=:,]\s*[\"']([^\"']{8,})[\"']", text):
            if not value.startswith(("dev-only-", "test-only-", "bench-only-")):
                leaks.append(f"{name}: {value[:6]}…")
    assert leaks == []


@pytest.mark.django_db
class TestContentSecurityPolicy:
    def pages(self, client, superuser):
        client.force_login(superuser)
        return {
            url: client.get(url)
            for url in [
                "/",
                reverse("registry:blueprint_grid"),
                reverse("registry:coverage"),
                reverse("admin:index"),
                reverse("admin:registry_assignment_changelist"),
                reverse("admin:registry_item_add"),
            ]
        }

    def test_every_page_sends_a_policy_without_inline_script(self, client, seed, superuser):
        for url, response in self.pages(client, superuser).items():
            assert response.status_code == 200, url
            policy = response["Content-Security-Policy"]
            assert "default-src 'self'" in policy
            assert "script-src 'self'" in policy
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            assert "frame-ancestors 'none'" in policy

    def test_the_login_page_sends_the_policy_to_anonymous_visitors(self, client):
        response = client.get(reverse("login"))
        assert "default-src 'self'" in response["Content-Security-Policy"]

    def test_pages_hold_no_inline_script(self, client, seed, superuser):
        pages = self.pages(client, superuser) | {"login": client.get(reverse("login"))}
        for url, response in pages.items():
            html = response.content.decode()
            for tag in re.findall(r"<script\b[^>]*>", html):
                # Data blocks (json_script) are not executed; everything else needs a src.
                assert "src=" in tag or 'type="application/json"' in tag, (url, tag)
            assert not re.search(r"\son[a-z]+\s*=", html), url

    def test_our_own_pages_hold_no_inline_style(self, client, seed, superuser):
        client.force_login(superuser)
        for url in ["/", reverse("registry:blueprint_grid"), reverse("login")]:
            html = client.get(url).content.decode()
            assert "<style" not in html and not re.search(r"\sstyle\s*=", html), url


@pytest.mark.django_db
class TestLoginThrottling:
    def post_login(self, client, username, password, address="10.0.0.7"):
        return client.post(
            reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
        )

    def test_five_wrong_passwords_lock_the_login_even_for_the_right_password(
        self, client, django_user_model, settings
    ):
        django_user_model.objects.create_user("rektor", password="ratt-losenord-1")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert self.post_login(client, "rektor", "fel").status_code == 200
        locked = self.post_login(client, "rektor", "fel")
        assert locked.status_code == 429
        assert "Inloggningen är spärrad" in locked.content.decode()

        after = self.post_login(client, "rektor", "ratt-losenord-1")
        assert after.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_the_lock_is_per_username_and_address(self, client, django_user_model, settings):
        django_user_model.objects.create_user("rektor", password="ratt-losenord-1")
        django_user_model.objects.create_user("kollega", password="kollegans-losen-1")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.post_login(client, "rektor", "fel")

        # A colleague at the same computer and the same user elsewhere still get in.
        assert self.post_login(client, "kollega", "kollegans-losen-1").status_code == 302
        client.logout()
        other_address = self.post_login(client, "rektor", "ratt-losenord-1", "10.0.0.8")
        assert other_address.status_code == 302

    def test_behind_the_proxy_each_client_address_counts_not_the_proxys(
        self, client, django_user_model, settings
    ):
        # What DJANGO_BEHIND_PROXY=1 sets: the address comes from X-Forwarded-For.
        settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
        django_user_model.objects.create_user("rektor", password="ratt-losenord-1")
        url = reverse("login")
        wrong = {"username": "rektor", "password": "fel"}
        right = {"username": "rektor", "password": "ratt-losenord-1"}
        proxy = {"REMOTE_ADDR": "127.0.0.1"}
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(url, wrong, HTTP_X_FORWARDED_FOR="10.0.0.7", **proxy)
        assert client.post(url, right, HTTP_X_FORWARDED_FOR="10.0.0.7", **proxy).status_code == 429
        assert client.post(url, right, HTTP_X_FORWARDED_FOR="10.0.0.8", **proxy).status_code == 302

    def test_a_successful_login_resets_the_count(self, client, django_user_model, settings):
        django_user_model.objects.create_user("rektor", password="ratt-losenord-1")
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.post_login(client, "rektor", "fel")
        assert self.post_login(client, "rektor", "ratt-losenord-1").status_code == 302
        client.logout()
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            self.post_login(client, "rektor", "fel")
        assert self.post_login(client, "rektor", "ratt-losenord-1").status_code == 302


@pytest.mark.django_db
def test_an_expired_session_sends_the_user_back_to_the_login(client, superuser, settings):
    client.force_login(superuser)
    assert client.get(reverse("admin:index")).status_code == 200
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_AGE <= 24 * 60 * 60

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_postgresql_connections_turn_jit_off_keeping_the_urls_own_options():
    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    plain = run_django(show, {"DATABASE_URL": "postgres://u@db.example/digiansvar"})
    assert plain.stdout.strip() == "{'options': '-c jit=off'}"
    url = "postgres://u@db.example/digiansvar?options=-c%20statement_timeout%3D5000"
    assert run_django(show, {"DATABASE_URL": url}).stdout.strip() == (
        "{'options': '-c statement_timeout=5000 -c jit=off'}"
    )
    # A URL that sets jit itself decides.
    url = "postgres://u@db.example/digiansvar?options=-c%20jit%3Don"
    assert run_django(show, {"DATABASE_URL": url}).stdout.strip() == "{'options': '-c jit=on'}"
