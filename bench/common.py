"""What the bench scripts share: Django set up as a production-like process, and timing.

Not a benchmark itself (bench/run.py skips it). A script puts the project
root on the path, then calls setup() before it imports anything of Django:

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import setup  # noqa: E402

    setup()
"""

import os
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    # bench/ itself must not be on the path: bench/coverage.py and
    # bench/import_export.py would shadow the packages of those names.
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digiansvar.settings")
    # A production-like process without https (the test client speaks http)
    # and without collectstatic (plain static names).
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")
    # whitenoise warns that there is no collectstatic folder: not needed here.
    warnings.filterwarnings("ignore", message="No directory at")

    import django

    django.setup()


def timed(call):
    """(what call() returns, seconds it took)."""
    start = time.perf_counter()
    value = call()
    return value, time.perf_counter() - start


def median_ms(call, repeat, warm=1):
    """Median milliseconds of `repeat` calls, after `warm` calls (caches, connections)."""
    for _ in range(warm):
        call()
    return statistics.median(timed(call)[1] * 1000 for _ in range(repeat))


def query_count(call):
    # Counted with an execute wrapper: a test-client request resets
    # connection.queries, so CaptureQueriesContext can miss queries.
    from django.db import connection

    queries = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
    ):
        call()
    return len(queries)


def peak_bytes(call):
    """Peak memory Python allocated during call() (tracemalloc)."""
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(label, action, repeat):
    """Print | label | median ms | queries | peak KiB | and return the last result."""
    result = action()  # warm caches (content types, templates) once
    queries = query_count(action)
    peak = peak_bytes(action)
    times = []
    for _ in range(repeat):
        result, seconds = timed(action)
        times.append(seconds * 1000)
    print(f"| {label} | {statistics.median(times):,.0f} | {queries} | {peak / 1024:,.0f} |")
    return result
