"""The helpdesk example of docs/api.md, run against the seed: the curl call and the Python."""

import io
import re
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from tests.api.conftest import bearer, key_for

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text(encoding="utf-8")
BASE = "https://ansvar.example.se"


@pytest.fixture
def helpdesk_key(seed, reader):
    return key_for(reader)


def test_the_curl_call_answers_who_handles_skolplattform_at_arstaviken(helpdesk_key):
    url = re.search(r'curl -s -H "Authorization: Bearer \$DIGIANSVAR_KEY" \\\n\s+"([^"]+)"', DOC)
    answer = Client().get(url.group(1).removeprefix(BASE), **bearer(helpdesk_key)).json()
    best = answer["results"][0]
    assert best["item"]["name"] == "Skolplattform | Skoladministratör"
    assert [(r["role"]["code"], r["person"]["initials"]) for r in best["responsible"]] == [
        ("ITP", "R.A")
    ]


def test_the_python_example_prints_the_documented_answer(helpdesk_key, monkeypatch, capsys):
    code = re.search(r"```python\n(.*?)```", DOC, re.DOTALL).group(1)
    client = Client()

    def urlopen(request, timeout):
        response = client.get(
            request.full_url.removeprefix(BASE),
            HTTP_AUTHORIZATION=request.get_header("Authorization"),
        )
        assert response.status_code == 200
        return io.BytesIO(response.content)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    monkeypatch.setenv("DIGIANSVAR_KEY", helpdesk_key)
    exec(compile(code, "docs/api.md", "exec"), {"__name__": "example"})
    printed = capsys.readouterr().out.strip()
    documented = re.search(r"^# (\(.*\))$", code, re.MULTILINE).group(1)
    assert printed == documented
