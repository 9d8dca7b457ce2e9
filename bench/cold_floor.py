"""What the blueprint page costs after a write at its unit with parts of its work made free:
which parts a cold page of 3× the raw read would need gone (issue 26).

    DATABASE_URL=... python bench/cold_floor.py [--repeat 25]

A what-if, not the page as served: each named part is replaced, in this process only, by its
first answer kept (no query, no Python work): "holders" (who holds the roles named alone,
registry.queries.role_holders), "header" (the version label and its count of changes,
registry.versions.header.version_header), "entries" (the unit's entries and people,
registry.blueprint.queries.unit_responsible), "template" (the page template around the
cached parts: the response's bytes kept). Each row is the median ms of --repeat requests as
a superuser at the first unit of the demo huvudman, a write at that unit before each,
outside the time; against the raw read of bench/unit_cache.py and the warm page.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import median_ms, setup  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

import registry.blueprint.page_cache as page_cache  # noqa: E402
import registry.blueprint.views as views  # noqa: E402
import registry.matrix as matrix  # noqa: E402
from bench.unit_cache import RAW, write_at  # noqa: E402
from organisation.models import Unit  # noqa: E402

PARTS = {
    "holders": (matrix, "role_holders"),
    "header": (page_cache, "version_header"),
    "entries": (page_cache, "unit_responsible"),
    "template": (views, "render"),
}


def made_free(name):
    """Replace the part by its first answer; returns a function that puts it back."""
    module, attribute = PARTS[name]
    original = getattr(module, attribute)
    kept = {}

    def first_answer(*args, **kwargs):
        if "answer" not in kept:
            answer = original(*args, **kwargs)
            # A response is kept as its bytes: a new one each time, as render() gives.
            kept["answer"] = answer.content if name == "template" else answer
        if name == "template":
            return HttpResponse(kept["answer"])
        return kept["answer"]

    setattr(module, attribute, first_answer)
    return lambda: setattr(module, attribute, original)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=25)
    options = parser.parse_args()
    superuser, _ = get_user_model().objects.get_or_create(
        username="bench-superuser", defaults={"is_staff": True, "is_superuser": True}
    )
    unit = Unit.objects.filter(slug__startswith="demokommunen-").order_by("pk").first()
    client = Client()
    client.force_login(superuser)
    url = reverse("registry:blueprint") + f"?unit={unit.slug}"

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(RAW, [unit.pk, unit.organisation_id])
            return json.dumps(cursor.fetchall())

    def after_write():
        client.get(url)
        times = []
        for _ in range(options.repeat):
            write_at(unit)
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    raw_ms = median_ms(raw, options.repeat)
    warm_ms = median_ms(lambda: client.get(url), options.repeat)
    print(f"{Unit.objects.count():,} units; raw read {raw_ms:.2f} ms, warm page {warm_ms:.2f} ms")
    print("| made free | after a write at the unit, ms | ÷ raw |\n|---|---|---|")
    for names in ([], *([name] for name in PARTS), list(PARTS)):
        restore = [made_free(name) for name in names]
        ms = after_write()
        for put_back in restore:
            put_back()
        print(f"| {', '.join(names) or 'nothing'} | {ms:.2f} | {ms / raw_ms:.2f}× |")


if __name__ == "__main__":
    main()
