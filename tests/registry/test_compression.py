"""Pages are sent gzipped to browsers that accept it (GZipMiddleware, with its random padding
against BREACH), kept pages as they were sent, and never to a client that does not accept it;
a page of other input carries a new mask of the CSRF token (docs/blueprint-pages.md)."""

import gzip
import re

import pytest
from django.test import Client
from django.urls import reverse

from organisation.models import Unit
from tests.registry.coverage_data import every_check_firing

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


def unzipped(response):
    assert response["Content-Encoding"] == "gzip"
    # Django's padding against BREACH: a random-length file name in the gzip header.
    assert response.content[3] & gzip.FNAME
    return gzip.decompress(response.content).decode()


@pytest.fixture
def gzip_client(superuser, positions):
    every_check_firing(positions)
    client = Client(headers=BROWSER)
    client.force_login(superuser)
    return client


def test_the_poster_is_sent_gzipped_and_kept_as_sent(gzip_client):
    unit = Unit.objects.get(slug="u5-1")
    poster = reverse("registry:blueprint") + f"?unit={unit.slug}"
    gzip_client.get(poster)  # sets the CSRF cookie: the next is rendered and kept
    first = gzip_client.get(poster)
    page = unzipped(first)
    assert unit.name in page and "csrfmiddlewaretoken" in page
    assert len(first.content) * 3 < len(page.encode())
    assert "Accept-Encoding" in first["Vary"]
    # A compressed body is its own representation: a weak tag, which still answers 304.
    assert first["ETag"].startswith('W/"')
    again = gzip_client.get(poster)
    assert again.content == first.content  # the kept bytes, not compressed again
    assert again["Content-Encoding"] == "gzip" and again["ETag"] == first["ETag"]
    assert gzip_client.get(poster, headers={"If-None-Match": first["ETag"]}).status_code == 304
    # Other input (what BREACH varies) is another page: a new mask of the same secret.
    other = unzipped(gzip_client.get(poster + "&q=wifi"))
    assert TOKEN.search(other).group(1) != TOKEN.search(page).group(1)


def test_a_client_that_does_not_accept_gzip_gets_the_page_plain(gzip_client):
    unit = Unit.objects.get(slug="u5-1")
    poster = reverse("registry:blueprint") + f"?unit={unit.slug}"
    gzip_client.get(poster)
    gzip_client.get(poster)  # kept, compressed
    plain = gzip_client.get(poster, headers={"Accept-Encoding": "identity"})
    assert not plain.has_header("Content-Encoding")
    assert unit.name in plain.content.decode()
    assert not plain["ETag"].startswith("W/")


def test_register_pages_and_pages_never_kept_are_gzipped_too(gzip_client, client, superuser):
    coverage = reverse("registry:coverage")
    gzip_client.get(coverage)
    kept = gzip_client.get(coverage)
    assert "Täckning" in unzipped(kept)
    assert gzip_client.get(coverage).content == kept.content
    # A page no cache keeps: compressed on its way out.
    chain = gzip_client.get(reverse("registry:support_chain"))
    assert chain.status_code == 200 and "</html>" in unzipped(chain)
    # The test client, like curl, asks for no compression and gets none.
    client.force_login(superuser)
    assert not client.get(coverage).has_header("Content-Encoding")
