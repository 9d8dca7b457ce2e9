"""Run every benchmark on SQLite and PostgreSQL: `make bench` (or python bench/run.py).

For each database it builds the synthetic municipality twice with
`generate_demo` (1 unit and --units units, 200 by default), runs
bench/pages.py on both (so "unchanged from 1 to 200 units" can be read
off), then the other bench/*.py scripts (coverage, import/export) on the
large one, and prints a summary. The databases are kept for the next run
(--rebuild to build them again): SQLite files under var/bench/, PostgreSQL
databases digiansvar_bench_u1 and digiansvar_bench_u200 on the server
BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432; skipped if it
does not answer). Every figure is relative to a baseline measured in the
same run; nothing here passes or fails on absolute time.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# bench/coverage.py would shadow the coverage package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
# Scripts run here in this order, each on the large database; others' too.
# common.py is the helpers they share, not a benchmark.
OWN = {"run.py", "pages.py", "national.py", "common.py"}
# `--profile national`: these sizes on PostgreSQL only, figures relative to the first.
NATIONAL_SIZES = [10, 1000, 10000]
NATIONAL_PAGE_TARGET = 1.5
TARGET_RATIO = 3
TARGET_QUERIES = 6


def bench_env(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "digiansvar.settings",
        "DJANGO_SECRET_KEY": "bench-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_PLAIN_STATIC": "1",
        "PYTHONPATH": str(ROOT),
    }
    return env


def run(args, url, **kwargs):
    return subprocess.run(
        # -P: bench/ is not put on sys.path (bench/coverage.py would shadow the
        # coverage package); PYTHONPATH gives the project root instead.
        [sys.executable, "-P", *args],
        cwd=ROOT,
        env=bench_env(url),
        check=True,
        **kwargs,
    )


def postgres_server():
    server = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
    try:
        import psycopg

        psycopg.connect(server + "/postgres", connect_timeout=3).close()
    except Exception as error:  # any failure means: no PostgreSQL for this run
        print(f"PostgreSQL at {server} does not answer ({error}); skipping it.")
        return None
    return server


def prepare(kind, server, units, seed, rebuild):
    """A migrated database with the demo municipality of `units` units; returns its URL."""
    name = f"digiansvar_bench_u{units}"
    if kind == "sqlite":
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.sqlite3"
        if rebuild:
            path.unlink(missing_ok=True)
        exists = path.exists()
        url = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            if rebuild:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = bool(
                admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            )
            if not exists:
                admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}"
    run(["manage.py", "migrate", "--noinput", "-v0"], url)
    if not exists:
        start = time.perf_counter()
        run(["manage.py", "generate_demo", "--units", str(units), "--seed", str(seed)], url)
        print(f"  built {name} on {kind} in {time.perf_counter() - start:.1f} s")
    return url


def machine():
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.node()}: {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def national(options):
    """bench/national.py, unit_cache.py, cold_floor.py and coverage.py at each size on PostgreSQL;
    a table with ratios to the smallest size.

    The databases digiansvar_bench_u<N> are built once by generate_demo (10,000
    units: ~3M assignments, about 4 minutes here) and kept; --rebuild builds
    them again.
    """
    import django

    server = postgres_server()
    if server is None:
        raise SystemExit("The national profile needs PostgreSQL (BENCH_POSTGRES).")
    print(f"# digiansvar national benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"# {machine()}, Django {django.get_version()}")
    results = {}
    for units in options.sizes:
        print(f"\n## PostgreSQL, demo with {units} units")
        url = prepare("postgres", server, units, options.seed, options.rebuild)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            pages_only = ["--only-pages"] if options.only_pages else []
            run(
                ["bench/national.py", "--repeat", str(options.repeat), "--json", out.name]
                + pages_only,
                url,
            )
            results[units] = json.loads(Path(out.name).read_text())
        print(f"\n## bench/unit_cache.py ({units} units)")
        run(["bench/unit_cache.py", "--repeat", str(options.repeat)], url)
        print(f"\n## bench/cold_floor.py ({units} units)")
        run(["bench/cold_floor.py"], url)
        if not options.only_pages:
            print(f"\n## bench/coverage.py ({units} units)")
            run(["bench/coverage.py", "--repeat", str(max(1, options.repeat // 3))], url)
    sizes = sorted(results)
    base = results[sizes[0]]
    header = " | ".join(f"{results[n]['units']:,} units" for n in sizes)
    print(
        f"\n## Summary (superuser; ratio to {base['units']} units; target ≤ "
        f"{NATIONAL_PAGE_TARGET}× for pages, flat memory for files)\n"
    )
    print(f"| figure | {header} |")
    print("|---" * (len(sizes) + 1) + "|")
    for page in base["pages"]:
        cells = []
        for n in sizes:
            row = results[n]["pages"][page]
            ratio = row["ms"] / base["pages"][page]["ms"]
            cells.append(f"{row['ms']} ms, {row['queries']} q ({ratio:.1f}×)")
        print(f"| {page} | " + " | ".join(cells) + " |")
    for name in ("export", "backup"):
        if name not in base:
            continue
        cells = []
        for n in sizes:
            row = results[n][name]
            ratio = row["peak_mib"] / base[name]["peak_mib"]
            cells.append(
                f"{row['s']} s, {row['peak_mib']} MiB peak ({ratio:.1f}×), {row['mib']} MiB file"
            )
        print(f"| {name} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--rebuild", action="store_true", help="build the demo databases again")
    parser.add_argument(
        "--only-pages", action="store_true", help="skip the other bench/*.py scripts"
    )
    parser.add_argument(
        "--profile",
        choices=["default", "national"],
        default="default",
        help="national: 10, 1,000 and 10,000 units on PostgreSQL (bench/national.py)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=NATIONAL_SIZES)
    options = parser.parse_args()
    if options.profile == "national":
        return national(options)

    import django

    print(f"# digiansvar benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"# {machine()}, Django {django.get_version()}")
    others = sorted(p for p in BENCH.glob("*.py") if p.name not in OWN)
    summary = []
    for kind in options.databases:
        server = postgres_server() if kind == "postgres" else None
        if kind == "postgres" and server is None:
            continue
        figures = {}
        for units in sorted({1, options.units}):
            print(f"\n## {kind}, demo with {units} unit(s)")
            url = prepare(kind, server, units, options.seed, options.rebuild)
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                run(["bench/pages.py", "--repeat", str(options.repeat), "--json", out.name], url)
                figures[units] = json.loads(Path(out.name).read_text())
        if not options.only_pages:
            for script in others:
                print(f"\n## {kind}: {script.name} ({options.units} units)")
                try:
                    run([str(script.relative_to(ROOT))], url)
                except subprocess.CalledProcessError as error:
                    print(f"  {script.name} failed with exit status {error.returncode}")
        small, large = figures[min(figures)], figures[max(figures)]
        for page, row in large["pages"].items():
            before = small["pages"][page]
            summary.append(
                f"| {kind} | {page} | {before['ms']} | {row['ms']} | {row['cold_ms']} | "
                f"{row['raw_ms']} | {row['ratio']}× | {row['cold_ratio']}× | "
                f"{before['queries']} → {row['queries']} | {row['cold_queries']} | "
                f"{row['peak_kib']} |"
            )

    print("\n## Summary: one unit's page, demo with 1 unit → with", options.units, "units")
    print(
        f"Targets: ≤ {TARGET_RATIO}× the raw query dumped to JSON, ≤ {TARGET_QUERIES} queries, "
        "unchanged from 1 to N units."
    )
    print("\nwarm: a repeat view (cache filled); cold: the first view after a write.")
    print(
        "\n| database | page | warm ms (1 unit) | warm ms (N units) | cold ms (N) | raw ms "
        "| ×raw warm | ×raw cold | queries warm, 1 → N | cold | peak KiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
