"""Coverage report benchmark: the whole-organisation summary, its pages and the xlsx export.

Run by bench/run.py on the large demo (`make bench`) and at each national size
(`make bench-national`); by hand:

    DATABASE_URL=... python -P bench/coverage.py [--units 200] [--seed 1] [--repeat 3]

Builds the demo with `generate_demo` if the database has none (an existing
demo is reused as it is). As a superuser (every unit in scope), it prints
the median time of --repeat runs and the number of SQL queries of: the
summary counted from scratch (`coverage_counts`, and the coverage store
counting every unit as after a deploy, once), after one write (the store
counts the unit the write touched; registry.coverage.store) and read from the
page cache (warm, until the next write); the coverage page after a write and
warm, its first and a middle page of units; the organisation page and a
person's page; and the xlsx export, run once in a process of its own for its
wall time and peak resident memory (GNU time). The write adds an assignment
at one unit, or removes the one it added.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, setup  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from organisation.models import Unit  # noqa: E402
from registry.coverage import coverage_counts  # noqa: E402
from registry.coverage.store import coverage_store_refresh, coverage_summary  # noqa: E402
from registry.coverage.views import UNITS_PER_PAGE  # noqa: E402
from registry.models import Assignment, CoverageMark, Item  # noqa: E402
from registry.seed.demo import DEMO_SLUG, demo_counts, demo_organisation_generate  # noqa: E402

BENCH_USER = "bench-superuser"


def counted(action):
    """The number of SQL statements `action` runs (an execute wrapper: the test
    client resets connection.queries between requests)."""
    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        action()
    return len(queries)


def measure(label, action, repeat, before=None):
    """`before` runs ahead of each timed run, untimed (a write, for a figure after one)."""
    for prepare in (before, action):  # warm Django's own caches (templates, content types)
        if prepare:
            prepare()
    action()
    if before:
        before()
    queries = counted(action)
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    print(f"| {label} | {statistics.median(times):.0f} | {queries} |", flush=True)


def one_write(units):
    """A write touching one unit: an assignment added at the middle unit, or removed again."""
    unit = units.order_by("pk")[units.count() // 2]
    person = Assignment.objects.filter(unit=unit, person__isnull=False).first().person
    added = dict(item=Item.objects.order_by("pk").last(), unit=unit, person=person, role=None)

    def write():
        existing = Assignment.objects.filter(**added, kind=Assignment.Kind.RESPONSIBLE).first()
        if existing:
            existing.delete()
        else:
            Assignment.objects.create(**added, kind=Assignment.Kind.RESPONSIBLE)

    return write


def client():
    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    browser = Client()
    browser.force_login(user)
    return browser


def export_once():
    """The xlsx export once, for a process of its own: prints its seconds and queries."""
    browser = client()

    size = 0

    def export():
        nonlocal size
        response = browser.get(reverse("registry:coverage_export"))
        assert response.status_code == 200
        for chunk in response.streaming_content:  # the file is written while it is sent
            size += len(chunk)

    start = time.perf_counter()
    queries = counted(export)
    print(f"seconds {time.perf_counter() - start:.1f} queries {queries} bytes {size}")


def export_process():
    """Wall time, queries and peak RSS (MiB) of the export in a fresh process."""
    with tempfile.NamedTemporaryFile(suffix=".time") as report:
        output = subprocess.run(
            [
                "/usr/bin/time",
                "-f",
                "%M",
                "-o",
                report.name,
                sys.executable,
                "-P",
                __file__,
                "--export-once",
            ],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        peak_kib = int(Path(report.name).read_text().split()[-1])
    figures = dict(zip(output[::2], output[1::2], strict=False))
    print(
        f"| xlsx export (own process, once) | {float(figures['seconds']) * 1000:.0f} "
        f"| {figures['queries']} | peak RSS {peak_kib / 1024:.0f} MiB, "
        f"file {int(figures['bytes']) / 2**20:.1f} MiB |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--export-once", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.export_once:
        return export_once()

    result = demo_organisation_generate(units=options.units, seed=options.seed)
    if result["created"]:
        print(f"Built the demo in {result['seconds']} s.")
    counts = demo_counts(slug=DEMO_SLUG)
    units = Unit.objects.all()
    print(
        f"Coverage on {connection.vendor}: {units.count()} units, {counts['people']} people, "
        f"{Assignment.objects.count()} assignments"
    )
    findings = coverage_counts(units=units)
    print("Findings: " + ", ".join(f"{key} {count}" for key, count in findings.items()))

    browser = client()

    def get(url):
        def action():
            assert browser.get(url).status_code == 200

        return action

    page = reverse("registry:coverage")
    middle = max(1, (units.count() + UNITS_PER_PAGE - 1) // UNITS_PER_PAGE // 2)
    person = (
        Assignment.objects.filter(unit__isnull=False, person__isnull=False)
        .order_by("pk")
        .select_related("person")
        .first()
        .person
    )
    organisation = reverse("registry:organisation_detail", args=[DEMO_SLUG])

    print("\n| coverage, superuser | ms (median) | queries |")
    print("|---|---|---|")
    repeat = options.repeat
    write = one_write(units)
    measure(
        "summary counted from scratch (coverage_counts)",
        lambda: coverage_counts(units=units),
        repeat,
    )
    measure(
        "store counts every unit (as after a deploy: coverage_refresh)",
        coverage_store_refresh,
        1,
        before=lambda: CoverageMark.objects.all().delete(),
    )
    measure("summary after one write", lambda: coverage_summary(units), repeat, before=write)
    measure("summary, warm (cached)", lambda: coverage_summary(units), repeat)
    measure("coverage page 1, after one write", get(page), repeat, before=write)
    measure("coverage page 1, warm", get(page), repeat)
    measure(f"coverage page {middle}, warm", get(f"{page}?sida={middle}"), repeat)
    measure("organisation page (coverage grid)", get(organisation), repeat)
    measure("person page", get(person.get_absolute_url()), repeat)
    export_process()


if __name__ == "__main__":
    main()
