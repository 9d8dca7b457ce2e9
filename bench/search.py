""" "Vem ansvarar för …?" benchmark: the search and its page for one unit, at 200 units.

Run by bench/run.py against the database with the large demo; by hand:

    DATABASE_URL=... python bench/search.py [--units 200] [--seed 1] [--repeat 5]

Builds the demo with `generate_demo` if the database has none (an existing
demo is reused as it is), then asks every question of the tuning file
(tests/search/questions_tuning.tsv) --repeat times and prints, for
item_search() alone and for the answer page of one unit (/fraga/?q=…&unit=…,
through Django's test client: middleware, session, templates, support
chain), the median and the 90th percentile over all questions, the number of
SQL queries per page, and how many questions have their expected item in the
first three answers; beside them, in the same run, the plain blueprint page
of the same unit (/?unit=…, no filter), which the answer page must stay
within 1.5× of (issue 21).
"""

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import query_count, setup, timed  # noqa: E402

setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from organisation.models import Unit  # noqa: E402
from registry.models import Item  # noqa: E402
from registry.search import item_search  # noqa: E402
from registry.search.evaluate import questions_read  # noqa: E402
from registry.seed.demo import DEMO_SLUG, demo_counts, demo_organisation_generate  # noqa: E402

QUESTIONS = questions_read(
    Path(__file__).resolve().parent.parent / "tests/search/questions_tuning.tsv"
)

BENCH_USER = "bench-superuser"


def summary(label, times, queries="–"):
    times = sorted(times)
    p90 = times[int(len(times) * 0.9) - 1]
    print(
        f"| {label} | {statistics.median(times):.1f} | {p90:.1f} | {max(times):.1f} | {queries} |"
    )


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
        f"{counts['assignments']} assignments, {Item.objects.count()} items; "
        f"database {connection.vendor}."
    )
    unit = Unit.objects.filter(organisation__slug=DEMO_SLUG).order_by("name").first()
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USER, defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    url = reverse("registry:search")

    def page(question):
        response = client.get(url, {"q": question, "unit": unit.slug})
        assert response.status_code == 200

    passed = 0
    for question, expected in QUESTIONS:
        top = [hit.item.name for hit in item_search(question)[:3]]
        passed += bool(set(expected) & set(top))
        page(question)  # warm: templates, translations, the session's unit

    search_queries = query_count(lambda: item_search(QUESTIONS[0][0]))
    page_queries = query_count(lambda: page(QUESTIONS[0][0]))
    print(f"Question set: {passed}/{len(QUESTIONS)} with an expected item in the first three.")
    blueprint_url = reverse("registry:blueprint")

    def blueprint():
        response = client.get(blueprint_url, {"unit": unit.slug})
        assert response.status_code == 200

    blueprint()
    blueprint_queries = query_count(blueprint)
    search_times, page_times, blueprint_times = [], [], []
    for _ in range(options.repeat):
        for question, _expected in QUESTIONS:
            search_times.append(timed(lambda q=question: item_search(q))[1] * 1000)
            page_times.append(timed(lambda q=question: page(q))[1] * 1000)
            blueprint_times.append(timed(blueprint)[1] * 1000)
    print(
        f"\n| {len(QUESTIONS)} questions × {options.repeat} "
        "| median ms | p90 ms | max ms | queries |"
    )
    print("|---|---|---|---|---|")
    summary("item_search()", search_times, search_queries)
    summary(f"answer page, one unit ({unit.name})", page_times, page_queries)
    summary(f"plain blueprint page, same unit ({unit.name})", blueprint_times, blueprint_queries)
    ratio = statistics.median(page_times) / statistics.median(blueprint_times)
    print(f"\nAnswer page / blueprint page (medians): {ratio:.2f}× (target ≤ 1.5×).")


if __name__ == "__main__":
    main()
