"""The documented gunicorn command logs no query string: no sign-in code or state in the log.

Starts gunicorn exactly as docs/operations.md's systemd unit does (with
gunicorn.conf.py and `--access-logfile -`), only on a free port of 127.0.0.1
with one worker, and stops it by its pid.
"""

import re
import shlex
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.production.test_servers import free_port, stop, wait_for

ROOT = Path(__file__).resolve().parents[2]
CODE, STATE = "SECRET123", "STATE456"

pytestmark = pytest.mark.servers


def documented_arguments():
    """The arguments of the ExecStart line in docs/operations.md, after the gunicorn binary."""
    text = (ROOT / "docs" / "operations.md").read_text()
    line = re.search(r"^ExecStart=\S+/gunicorn (.+)$", text, re.MULTILINE).group(1)
    return shlex.split(line)


def test_the_documented_command_uses_gunicorn_conf():
    arguments = documented_arguments()
    assert arguments[:2] == ["-c", "gunicorn.conf.py"]
    assert "--access-logfile" in arguments


def test_the_access_log_has_the_sign_in_callback_but_not_its_code_or_state(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "digiansvar.settings",
        "DJANGO_SECRET_KEY": "test-only-access-log-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_PLAIN_STATIC": "1",
        # Nothing here reads the database.
        "DATABASE_URL": "sqlite://:memory:",
        # Sign-in configured, so the callback view answers (the state is unknown to it).
        "DIGIANSVAR_OIDC_ISSUER": "http://127.0.0.1:9",
        "DIGIANSVAR_OIDC_CLIENT_ID": "digiansvar",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    overrides = ["-b", f"127.0.0.1:{port}", "-w", "1", "--pid", str(tmp_path / "pid")]
    log = tmp_path / "access.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [gunicorn, *documented_arguments(), *overrides],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
    try:
        wait_for(base + "/konto/login/")
        callback = f"{base}/oidc/callback/?code={CODE}&state={STATE}"
        try:
            urllib.request.urlopen(callback, timeout=10)
        except urllib.error.HTTPError as error:
            assert error.code == 400  # the sign-in page for an unknown state
        # The error page's own requests send its address as the Referer.
        urllib.request.urlopen(
            urllib.request.Request(base + "/konto/login/", headers={"Referer": callback}),
            timeout=10,
        )
    finally:
        stop(process.pid)
        process.wait(timeout=30)
    lines = log.read_text().splitlines()
    assert any('"GET /oidc/callback/ HTTP/1.1" 400' in line for line in lines), lines
    assert any(f'"{base}/oidc/callback/"' in line for line in lines), lines
    assert not [line for line in lines if CODE in line or STATE in line]
