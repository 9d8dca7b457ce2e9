"""REST API benchmark: one unit's assignments through the API beside its blueprint page.

Run by bench/run.py against the database with the large demo; by hand:

    DATABASE_URL=... python bench/api.py [--repeat 7]

Through Django's test client (middleware included), median of --repeat
requests, for one demo unit: the blueprint page (/?unit=…) cold (cache
emptied) and warm, and through the API with a key: the unit's assignments
(/api/v1/assignments/?unit=…) one page of 100, the whole unit in one page
(page_size=500), the search with the unit (the helpdesk's question) and the
support chain; each as a superuser (sees every unit) and as a rektor of that
unit. Prints milliseconds, the ratio to the cold blueprint page (issue 22's
target: ≤ 1.5×) and the queries of one request, which must not grow with
the number of units.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import median_ms, query_count, setup  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from api.keys.services import token_create  # noqa: E402
from organisation.models import Unit  # noqa: E402
from organisation.services import unit_grant  # noqa: E402
from registry.models import Assignment  # noqa: E402

BENCH_USER = "bench-superuser"
BENCH_REKTOR = "bench-api-rektor"


def request(client, url, cold=False):
    """A call that GETs `url` (emptying the cache first when cold) and insists on 200."""

    def get():
        if cold:
            cache.clear()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return get


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    options = parser.parse_args()
    unit = Unit.objects.filter(slug__startswith="demokommunen-").order_by("-slug").first()
    if unit is None:
        raise SystemExit("No demo unit: run manage.py generate_demo first.")
    users = get_user_model().objects
    superuser, _ = users.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    rektor, created = users.get_or_create(username=BENCH_REKTOR)
    if created:
        unit_grant(user=rektor, unit=unit, role="rektor")
    print(
        f"{connection.vendor}: {Unit.objects.count():,} units, "
        f"{Assignment.objects.count():,} assignments; unit {unit.slug} "
        f"({Assignment.objects.filter(unit=unit).count()} own rows)"
    )
    print("| user | request | ms | × blueprint cold | queries |")
    print("|---|---|---|---|---|")
    for who, user in (("superuser", superuser), ("rektor", rektor)):
        site = Client()
        site.force_login(user)
        _token, key = token_create(user=user, name="bench", days=1)
        api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

        slug = unit.slug
        rows = [
            ("blueprint cold", request(site, f"/?unit={slug}", cold=True)),
            ("blueprint warm", request(site, f"/?unit={slug}")),
            ("API assignments, 100", request(api, f"/api/v1/assignments/?unit={slug}")),
            (
                "API assignments, all",
                request(api, f"/api/v1/assignments/?unit={slug}&page_size=500"),
            ),
            ("API search", request(api, f"/api/v1/search/?q=skolplattform&unit={slug}")),
            (
                "API support chain",
                request(api, f"/api/v1/support-chain/?unit={slug}&kind=system"),
            ),
        ]
        baseline = None
        for label, get in rows:
            get()
            ms = median_ms(get, options.repeat)
            baseline = baseline or ms
            print(f"| {who} | {label} | {ms:.1f} | {ms / baseline:.2f} | {query_count(get)} |")
        # The rows are settings of the bench database: keys go, the rektor stays.
        user.api_tokens.all().delete()


if __name__ == "__main__":
    main()
