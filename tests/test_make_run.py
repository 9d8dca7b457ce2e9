"""`make run`: the login line names the port served, and each log line is printed once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent

# One record to each logger path a `make run` console shows: the autoreloader,
# a 404, a request line, the project's own.
LOG_LINES = """
import logging
logging.getLogger("django.utils.autoreload").info("Watching for file changes with StatReloader")
logging.getLogger("django.request").warning("Not Found: /nowhere")
logging.getLogger("django.server").info('"GET / HTTP/1.1" 302 0')
logging.getLogger("registry.services").warning("A warning of the project")
"""


@pytest.mark.django_db
def test_demo_user_prints_the_port_it_is_given(capsys):
    call_command("demo_user", "--port", "8123")
    assert "Demo login (superuser) at http://127.0.0.1:8123/ — username: demo" in (
        capsys.readouterr().out
    )
    call_command("demo_user")
    assert "at http://127.0.0.1:8000/" in capsys.readouterr().out


def test_make_run_passes_its_port_to_the_login_line_and_the_server():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "PORT ?= 8000" in makefile
    assert "demo_user --port $(PORT)" in makefile
    assert "runserver 127.0.0.1:$(PORT)" in makefile


@pytest.mark.parametrize("debug", ["1", "0"])
def test_each_log_line_is_printed_once(debug):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "digiansvar.settings",
        "DJANGO_DEBUG": debug,
        "DJANGO_SECRET_KEY": "test-only-secret-key",
        "DATABASE_URL": "sqlite://:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + LOG_LINES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    lines = result.stderr.splitlines()
    for message in (
        "Watching for file changes with StatReloader",
        "Not Found: /nowhere",
        '"GET / HTTP/1.1" 302 0',
        "A warning of the project",
    ):
        assert sum(message in line for line in lines) == 1, result.stderr
    # The request line keeps runserver's time stamp.
    assert any(line.startswith("[") and '"GET / HTTP/1.1"' in line for line in lines)
