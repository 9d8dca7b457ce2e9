"""The blueprint page against its data, a write elsewhere, and the pages that grew with the
country (issue 26), for one database:

    DATABASE_URL=... python bench/unit_cache.py [--repeat 9] [--json FILE]

Server time through Django's test client (median of --repeat), with query counts: the
blueprint page of one unit cold (cache emptied; and as in a new process, which has kept no
catalogue, poster skeleton or rendered chips), warm, and after a write at another unit,
against the raw read (one SQL query for the unit's items with role codes and initials, plus
json.dumps; each page also over the raw read timed just before each of its requests: "÷ raw,
paired"), and the conditional GET's 304; after a write at the unit when another session
has seen the page since (the unit's parts cached, this session's page not); warm and after a
write at the unit as a browser asks for it (gzipped, the kept page kept compressed); cold and after
a write at a unit of a huvudman with a published version (the header then compares the
unit with that version); "Vem frågar jag?" as a superuser and as a rektor of one unit; the
coverage page of that rektor warm and after a write at another unit; the huvudman's page
(its coverage grid); the coverage page of a superuser warm; the last two also cold (the
kept page and every cached part emptied: registry/page_body.py) and after a write at another
unit (the coverage store brought up to date first). A write or emptying the
cache runs before each request, outside its time and query count.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import median_ms, query_count, setup, timed  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from guardian.shortcuts import assign_perm  # noqa: E402

from organisation.models import Unit  # noqa: E402
from registry.blueprint import page_cache  # noqa: E402
from registry.models import Assignment, Blueprint  # noqa: E402

RAW = """
SELECT i.id, i.name, a.kind, a.priority, r.code, p.initials
FROM registry_assignment a JOIN registry_item i ON i.id = a.item_id
LEFT JOIN registry_role r ON r.id = a.role_id
LEFT JOIN organisation_person p ON p.id = a.person_id
WHERE a.unit_id = %s OR (a.unit_id IS NULL AND (a.person_id IS NULL OR p.organisation_id = %s))
"""


def write_at(unit):
    """A write at `unit`: one of its assignments saved again with another order (admin-like)."""
    with transaction.atomic():
        assignment = Assignment.objects.filter(unit=unit).first()
        assignment.order += 1
        assignment.save()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--json")
    options = parser.parse_args()
    users = get_user_model()
    superuser, _ = users.objects.get_or_create(
        username="bench-superuser", defaults={"is_staff": True, "is_superuser": True}
    )
    # Two units of the demo huvudman, the one that grows with --units.
    units = list(Unit.objects.filter(slug__startswith="demokommunen-").order_by("pk")[:2])
    unit, other = units
    rektor, _ = users.objects.get_or_create(username="bench-rektor", defaults={"is_staff": True})
    assign_perm("organisation.view_unit", rektor, unit)
    assign_perm("organisation.manage_unit", rektor, unit)
    as_super, as_rektor = Client(), Client()
    as_super.force_login(superuser)
    as_rektor.force_login(rektor)
    figures = {"units": Unit.objects.count()}

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [unit.pk, unit.organisation_id])
            return json.dumps(cursor.fetchall())

    def page(client, url, before=None):
        """Median ms and queries of the page, and the median of its time over the raw read's
        timed just before it (the pair in the same moment: this machine's speed drifts by
        tens of percent between minutes and processes); `before` (emptying the cache, a
        write) runs before each request, outside the time and the count."""

        def get():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        get()
        times, ratios = [], []
        for _ in range(options.repeat):
            if before:
                before()
            raw_ms = timed(raw)[1] * 1000
            start = time.perf_counter()
            get()
            times.append((time.perf_counter() - start) * 1000)
            ratios.append(times[-1] / raw_ms)
        if before:
            before()
        count = query_count(get)
        return {
            "ms": round(statistics.median(times), 2),
            "queries": count,
            "per_raw": round(statistics.median(ratios), 2),
        }

    figures["raw"] = {"ms": round(median_ms(raw, options.repeat), 2), "queries": 1}
    blueprint = reverse("registry:blueprint") + f"?unit={unit.slug}"
    figures["blueprint cold"] = page(as_super, blueprint, before=cache.clear)

    def forget_all():
        cache.clear()
        page_cache.kept_clear()

    # As in a process that has not shown a poster yet: the catalogue, the poster's skeleton
    # and the rendered chips it keeps (registry.blueprint.catalogue, page_cache) read anew.
    figures["blueprint cold, new process"] = page(as_super, blueprint, before=forget_all)
    figures["blueprint warm"] = page(as_super, blueprint)
    etag = as_super.get(blueprint).headers["ETag"]

    def not_modified():
        response = as_super.get(blueprint, headers={"If-None-Match": etag})
        assert response.status_code == 304, response.status_code

    figures["blueprint 304 (If-None-Match)"] = {
        "ms": round(median_ms(not_modified, options.repeat), 2),
        "queries": query_count(not_modified),
    }
    figures["blueprint after a write at another unit"] = page(
        as_super, blueprint, before=lambda: write_at(other)
    )
    figures["blueprint after a write at this unit"] = page(
        as_super, blueprint, before=lambda: write_at(unit)
    )
    # Every viewer after the first: the unit's parts are cached, only this session's page is
    # built (the kept page is per user and CSRF secret).
    first_viewer = Client()
    first_viewer.force_login(superuser)

    def write_then_seen():
        write_at(unit)
        first_viewer.get(blueprint)

    figures["blueprint after a write at this unit, seen in another session since"] = page(
        as_super, blueprint, before=write_then_seen
    )
    # As a browser asks for it: gzipped (GZipMiddleware), the kept page kept compressed.
    as_browser = Client(headers={"Accept-Encoding": "gzip, deflate, br"})
    as_browser.force_login(superuser)
    figures["blueprint warm, gzipped"] = page(as_browser, blueprint)
    figures["blueprint after a write at this unit, gzipped"] = page(
        as_browser, blueprint, before=lambda: write_at(unit)
    )
    # A unit of a huvudman with a published version (the seed's; the demo huvudman has none):
    # its header counts the changes since that version, worked out again after each write.
    published = Blueprint.objects.exclude(published_at=None).values("organisation_id")
    versioned = Unit.objects.filter(organisation_id__in=published).order_by("pk").first()
    if versioned is not None:
        poster = reverse("registry:blueprint") + f"?unit={versioned.slug}"
        figures["blueprint cold, a version published"] = page(as_super, poster, before=cache.clear)
        figures["blueprint after a write at this unit, a version published"] = page(
            as_super, poster, before=lambda: write_at(versioned)
        )
    chain = reverse("registry:support_chain") + f"?unit={unit.slug}&kind=teknik"
    figures["support chain superuser"] = page(as_super, chain)
    figures["support chain rektor"] = page(as_rektor, chain)
    coverage = reverse("registry:coverage")
    figures["coverage superuser warm"] = page(as_super, coverage)
    figures["coverage superuser cold"] = page(as_super, coverage, before=cache.clear)
    figures["coverage superuser after a write"] = page(
        as_super, coverage, before=lambda: write_at(other)
    )
    figures["coverage rektor warm"] = page(as_rektor, coverage)
    figures["coverage rektor after a write at another unit"] = page(
        as_rektor, coverage, before=lambda: write_at(other)
    )
    huvudman = reverse("registry:organisation_detail", args=[unit.organisation.slug])
    figures["huvudman page"] = page(as_super, huvudman)
    figures["huvudman page cold"] = page(as_super, huvudman, before=cache.clear)
    figures["huvudman page after a write"] = page(
        as_super, huvudman, before=lambda: write_at(other)
    )
    print(f"| {figures['units']:,} units | ms | queries | ÷ raw, paired |\n|---|---|---|---|")
    for name, value in figures.items():
        if name != "units":
            # The raw read is the blueprint page's own data; other pages read other things.
            paired = (
                f"{value['per_raw']}×"
                if name.startswith("blueprint ") and "per_raw" in value
                else ""
            )
            print(f"| {name} | {value['ms']} | {value['queries']} | {paired} |")
    if options.json:
        Path(options.json).write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
