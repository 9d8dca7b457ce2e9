"""National-size figures for one database: pages, admin lists, coverage, export and backup.

Run by `bench/run.py --profile national` (10, 1,000 and 10,000 units on
PostgreSQL); by hand:

    DATABASE_URL=... python bench/national.py [--repeat 5] [--json FILE]

As a superuser (the user who sees every unit, the worst case for the
pages): server time through Django's test client (median of --repeat
requests, middleware and templates included) and the number of queries of
the person page, the role page, the admin assignment list (page 1, last
page, a search, a role filter, a unit filter), the blueprint page cold (cache
emptied) and warm, the unit search, the person admin (list and a search by
name), the version list, the coverage page cold and warm and its xlsx; then the full blueprint
export (csv, every unit) and the backup as separate `manage.py` processes,
with their wall time and peak resident memory (GNU time).
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, median_ms, query_count, setup  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from organisation.models import Person, Unit  # noqa: E402
from registry.models import Assignment, Role  # noqa: E402

BENCH_USER = "bench-superuser"


def measure(client, url, repeat, cold=False):
    def get():
        if cold:
            cache.clear()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    get()
    count = query_count(get)
    return {"url": url, "ms": round(median_ms(get, repeat), 1), "queries": count}


def process(args, env=None):
    """Wall time (s) and peak RSS (MiB) of a manage.py command, by GNU time."""
    with tempfile.NamedTemporaryFile(suffix=".time") as report:
        start = time.perf_counter()
        subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", report.name, sys.executable, "-P", *args],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        seconds = time.perf_counter() - start
        peak_kib = int(Path(report.name).read_text().split()[-1])
    return {"s": round(seconds, 1), "peak_mib": round(peak_kib / 1024)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json")
    parser.add_argument(
        "--only-pages", action="store_true", help="no coverage, export and backup (quick)"
    )
    options = parser.parse_args()

    user, _created = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)

    unit = Unit.objects.filter(slug__startswith="demokommunen-").order_by("-slug").first()
    its = Role.objects.get(code="ITS")
    holder = (
        Assignment.objects.filter(unit=unit, role=its, person__isnull=False)
        .select_related("person")
        .first()
        .person
    )
    figures = {
        "units": Unit.objects.count(),
        "assignments": Assignment.objects.count(),
        "people": Person.objects.count(),
        "vendor": connection.vendor,
    }
    repeat = options.repeat
    admin = "/admin/registry/assignment/"
    people = "/admin/organisation/person/"
    first = client.get(admin)
    # The admin's paginator links its last page.
    last_page = max(int(n) for n in re.findall(r"\?p=(\d+)", first.content.decode()))
    pages = {
        "person": measure(client, holder.get_absolute_url(), repeat),
        "role": measure(client, its.get_absolute_url(), repeat),
        "admin page 1": measure(client, admin, repeat),
        "admin last page": measure(client, f"{admin}?p={last_page}", repeat),
        "admin search": measure(client, f"{admin}?q={holder.initials}", repeat),
        "admin role filter": measure(client, f"{admin}?role__id__exact={its.pk}", repeat),
        "admin unit filter": measure(client, f"{admin}?enhet={unit.slug}", repeat),
        "blueprint cold": measure(client, f"/?unit={unit.slug}", repeat, cold=True),
        "blueprint warm": measure(client, f"/?unit={unit.slug}", repeat),
        "unit search": measure(client, "/enheter/?q=skolan+99", repeat),
        "person admin": measure(client, people, repeat),
        "person admin search": measure(client, f"{people}?q={holder.name}", repeat),
        "version list": measure(client, reverse("registry:version_list"), repeat),
    }
    if not options.only_pages:
        coverage_repeat = max(1, repeat // 3)
        # Cold: the summary's counts computed (as after a write); warm: read from the cache.
        pages["coverage page cold"] = measure(
            client, "/organisation/tackning/", coverage_repeat, cold=True
        )
        pages["coverage page warm"] = measure(client, "/organisation/tackning/", coverage_repeat)
        pages["coverage xlsx"] = measure(
            client, "/organisation/tackning/export.xlsx", coverage_repeat
        )
    figures["pages"] = pages
    if not options.only_pages:
        with tempfile.TemporaryDirectory() as folder:
            export = Path(folder) / "alla.csv"
            figures["export"] = process(["manage.py", "export_blueprint", "-o", str(export)])
            figures["export"]["rows"] = sum(1 for _ in export.open("rb")) - 1
            figures["export"]["mib"] = round(export.stat().st_size / 2**20, 1)
            backup = Path(folder) / "backup.json.gz"
            figures["backup"] = process(["manage.py", "backup", str(backup)])
            figures["backup"]["mib"] = round(backup.stat().st_size / 2**20, 1)

    print(
        f"national on {figures['vendor']}: {figures['units']} units, "
        f"{figures['assignments']} assignments, {figures['people']} people"
    )
    for name, row in pages.items():
        print(f"  {name:<18} {row['ms']:>9} ms {row['queries']:>4} queries  {row['url']}")
    for name in ("export", "backup"):
        if name in figures:
            print(f"  {name:<18} {figures[name]}")
    if options.json:
        Path(options.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
