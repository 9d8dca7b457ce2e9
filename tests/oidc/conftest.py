"""A real OpenID provider for the sign-in tests: node's oidc-provider on 127.0.0.1.

`make test` installs it (npm ci in tests/oidc). The session fixture starts
provider.mjs on a free port, waits until its discovery document answers and
stops it by its pid at the end. A test sets the people the provider knows,
with their claims, through `oidc.accounts(...)` before signing in; `sign_in`
drives the provider's own login form over HTTP, as a browser would.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

OIDC_DIR = Path(__file__).resolve().parent
# CI sets REQUIRE_BROWSER=1: a missing node or oidc-provider fails instead of skipping.
REQUIRE = os.environ.get("REQUIRE_BROWSER") == "1"
CLIENT_ID = "digiansvar"
CLIENT_SECRET = "test-only-client-secret"
SCOPES = "openid email profile groups"
RIGHTS_MAP = (
    "digiansvar-admin=administratör;"
    "rektor-{unit}=rektor@{unit};"
    "digiansvar-lasare=läsare@*;"
    "digiansvar-utvecklare=verksamhetsutvecklare"
)
KEY_ID = "test-key"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Provider:
    """The running provider: its issuer, the accounts file it reads at each sign-in, its key."""

    def __init__(self, issuer, accounts_file, key):
        self.issuer = issuer
        self.accounts_file = accounts_file
        self.key = key

    def accounts(self, accounts):
        """{login: claims}: the people the provider signs in, and what it says about them."""
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")

    def sign(self, claims, kid=KEY_ID):
        """A token signed with the provider's own key, as a misbehaving provider would send it."""
        return jwt.encode(claims, self.key, "RS256", headers={"kid": kid} if kid else None)


def provider_key_set(key):
    """The provider's signing key set (JWKS, with the private part) for provider.mjs."""
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk.pop("key_ops")  # ["sign"] only: the provider also verifies its own ID tokens
    return json.dumps({"keys": [{**jwk, "kid": KEY_ID, "use": "sig", "alg": "RS256"}]})


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    node = shutil.which("node")
    installed = (OIDC_DIR / "node_modules" / "oidc-provider").is_dir()
    if not node or not installed:
        missing = "node" if not node else "tests/oidc/node_modules (run `make test`)"
        if REQUIRE:
            pytest.fail(f"REQUIRE_BROWSER=1 but the test OpenID provider is missing: {missing}")
        pytest.skip(f"test OpenID provider missing: {missing}")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("oidc")
    accounts_file = folder / "accounts.json"
    accounts_file.write_text("{}", encoding="utf-8")
    log = (folder / "provider.log").open("w")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    env = {
        **os.environ,
        "PORT": str(port),
        "ACCOUNTS_FILE": str(accounts_file),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "JWKS": provider_key_set(key),
    }
    process = subprocess.Popen(
        [node, "provider.mjs"], cwd=OIDC_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                output = (folder / "provider.log").read_text()
                pytest.fail(f"the test OpenID provider did not start:\n{output}")
            time.sleep(0.1)
        yield Provider(issuer, accounts_file, key)
    finally:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture
def oidc(oidc_provider, settings, db):
    """The site configured for the test provider, which knows nobody yet."""
    from accounts.provider import provider_metadata_forget

    settings.DIGIANSVAR_OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = SCOPES
    settings.DIGIANSVAR_OIDC_PROVIDER_NAME = "Testkommunen"
    settings.DIGIANSVAR_OIDC_RIGHTS_CLAIM = "groups"
    settings.DIGIANSVAR_OIDC_RIGHTS_MAP = RIGHTS_MAP
    settings.DIGIANSVAR_OIDC_PERSON_CLAIM = "email"
    settings.DIGIANSVAR_OIDC_PERSON_FIELD = "email"
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **directives,
            "form-action": [*directives["form-action"], oidc_provider.issuer],
        }
    }
    provider_metadata_forget()
    oidc_provider.accounts({})
    yield oidc_provider
    provider_metadata_forget()


FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def follow(browser, response, stop_at):
    """Follow redirects at the provider until one points at `stop_at` (our site)."""
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(stop_at):
            return location
        response = browser.get(location, allow_redirects=False)
    return response


def provider_login(browser, authorize_url, login, callback_prefix):
    """At the provider: open the authorisation URL, fill in its login form if it asks.

    Returns the callback URL the provider sends the browser back to.
    """
    result = follow(browser, browser.get(authorize_url, allow_redirects=False), callback_prefix)
    if isinstance(result, str):
        return result  # the provider remembered the person: no form
    assert result.status_code == 200, result.text
    action = urljoin(result.url, FORM_ACTION.search(result.text).group(1))
    submitted = browser.post(
        action,
        data={"prompt": "login", "login": login, "password": "any-password"},
        allow_redirects=False,
    )
    result = follow(browser, submitted, callback_prefix)
    assert isinstance(result, str), f"the provider did not send the browser back: {result.text}"
    return result


def sign_in(client, login, browser=None, next_path=None):
    """Sign in through the provider with Django's test client; returns (response, callback URL).

    `browser` is the requests session that carries the provider's cookies
    (a new one, so a fresh login form, unless given).
    """
    from django.urls import reverse

    browser = browser or requests.Session()
    start = client.get(
        reverse("oidc_authentication_init"), {"next": next_path} if next_path else {}
    )
    assert start.status_code == 302, start.content
    callback = provider_login(browser, start["Location"], login, "http://testserver/")
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}"), callback
