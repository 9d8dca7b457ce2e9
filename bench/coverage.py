"""Coverage report benchmark: the whole-organisation report over the demo municipality.

Run by bench/run.py against the database with the large demo; by hand:

    DATABASE_URL=... python bench/coverage.py [--units 200] [--seed 1] [--repeat 5]

Builds the demo with `generate_demo` if the database has none (an existing
demo is reused as it is), then prints, for the report function alone, for the
report page and for the xlsx export: the median time of --repeat runs, the
number of SQL queries, and the peak memory of one run (tracemalloc).
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Replace this script's folder on the path by the project root: bench/ holds
# scripts named like packages (import_export.py) that would shadow them.
sys.path[0] = str(ROOT)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiansvar.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from organisation.models import Unit  # noqa: E402
from registry.coverage import coverage_report  # noqa: E402
from registry.demo import DEMO_SLUG, demo_counts, demo_organisation_generate  # noqa: E402

BENCH_USER = "bench-superuser"


def measure(label, action, repeat):
    action()  # warm caches (content types, templates) once
    # Counted with an execute wrapper: a test-client request resets
    # connection.queries, so CaptureQueriesContext would see none.
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        action()
    tracemalloc.start()
    action()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    print(f"| {label} | {statistics.median(times):.0f} | {len(queries)} | {peak / 1024:.0f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()

    result = demo_organisation_generate(units=options.units, seed=options.seed)
    if result["created"]:
        print(f"Built the demo in {result['seconds']} s.")
    counts = demo_counts(slug=DEMO_SLUG)
    print(
        f"Demo: {counts['units']} units, {counts['people']} people, "
        f"{counts['assignments']} assignments; database {connection.vendor}."
    )
    units = Unit.objects.all()
    report = coverage_report(units=units)
    print(
        "Findings: "
        + ", ".join(
            f"{category} {len(getattr(report, category))}" for category in report.CATEGORIES
        )
    )

    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    page_url = reverse("registry:coverage")
    export_url = reverse("registry:coverage_export")

    def page():
        assert client.get(page_url).status_code == 200

    def export():
        response = client.get(export_url)
        assert response.status_code == 200
        b"".join(response.streaming_content)  # the file is written while it is sent

    print("\n| coverage, all units | ms (median) | queries | peak KiB |")
    print("|---|---|---|---|")
    measure("coverage_report()", lambda: coverage_report(units=units), options.repeat)
    measure("report page (HTML)", page, options.repeat)
    measure("xlsx export", export, options.repeat)


if __name__ == "__main__":
    main()
