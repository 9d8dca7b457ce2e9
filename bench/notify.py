"""The daily responsibility e-mails to 10,000 people through a local SMTP sink (issue 23).

By hand (not part of `make bench`):

    python bench/notify.py [--people 10000] [--items 3] [--database sqlite|postgres]

Builds a fresh database (an SQLite file in a temporary folder, or a new
PostgreSQL database on 127.0.0.1 that is dropped afterwards), one huvudman
with one unit and N people with e-mail addresses, sets the digest's starting
point, then gives every person `--items` new assignments (with history rows,
as every write path leaves them) and runs `responsibility_digest_send()`
against `python -m aiosmtpd` (the Sink handler) on a free port of 127.0.0.1.
Prints mails per second and the peak of Python's memory (tracemalloc) during
the send, for a tenth of the people first and then for all of them: a flat
peak is the point (people are read as a stream, each person's changes one at
a time). A second run must send nothing.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    port = free_port()
    folder = tempfile.mkdtemp(prefix="digiansvar-notify-")
    pg_name = f"digiansvar_bench_notify_{os.getpid()}"
    if args.database == "postgres":
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", pg_name], check=True)
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{pg_name}"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.update(
        {
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(port),
            "DJANGO_EMAIL_USE_TLS": "0",
            "DIGIANSVAR_SITE_URL": "https://ansvar.example",
        }
    )
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink"]
        + ["-l", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        run(args)
    finally:
        sink.terminate()
        sink.wait()
        if args.database == "postgres":
            from django.db import connections

            connections.close_all()
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", pg_name], check=False)


def run(args):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.common import setup

    setup()
    from django.core.management import call_command
    from django.db import connection
    from simple_history.utils import bulk_create_with_history

    from organisation.models import Organisation, Person, Unit
    from registry.models import Area, Assignment, Column, Item, Role
    from registry.notify.services import responsibility_digest_send

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    organisation = Organisation.objects.create(name="Benchkommunen", slug="benchkommunen")
    unit = Unit.objects.create(organisation=organisation, name="Benchskolan", slug="benchskolan")
    area = Area.objects.create(name="HYGIEN", slug="hygien", order=1)
    column = Column.objects.create(area=area, name="Infrastruktur", slug="infrastruktur")
    items = Item.objects.bulk_create(
        [Item(column=column, name=f"Ansvarsområde {n}", order=n) for n in range(args.items)]
    )
    role = Role.objects.create(code="ITS", name="IT-samordnare", kind=Role.Kind.INDIVIDUAL)
    print(
        f"database {connection.vendor}, {args.people:,} people, {args.items} new assignments "
        f"each; built in {time.perf_counter() - started:.1f} s"
    )

    done = 0
    for share in (args.people // 10, args.people):
        people = Person.objects.bulk_create(
            [
                Person(
                    organisation=organisation,
                    initials=f"P.{n}",
                    name=f"Person {n}",
                    email=f"p{n}@bench.example",
                )
                for n in range(done, share)
            ],
            batch_size=2000,
        )
        done = share
        responsibility_digest_send()  # the starting point, or everything up to now
        rows = [
            Assignment(item=item, unit=unit, role=role, person=person)
            for person in people
            for item in items
        ]
        bulk_create_with_history(rows, Assignment, batch_size=2000)
        tracemalloc.start()
        start = time.perf_counter()
        result = responsibility_digest_send()
        seconds = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        again = responsibility_digest_send()
        print(
            f"{len(people):>6,} people told: {result.sent:,} e-mails in {seconds:.1f} s = "
            f"{result.sent / seconds:,.0f} mails/s; peak Python memory {peak / 2**20:.1f} MiB; "
            f"second run sent {again.sent}"
        )
    baseline(min(args.people, 1000))


def baseline(count):
    """The sink alone, in the same run: `count` ready-made e-mails of the same size sent over
    one connection, so the digest's own cost can be told from the SMTP round trips."""
    from django.core.mail import EmailMultiAlternatives

    from registry.notify.services import mail_connection

    body = "Ansvarsområde 0\nEnhet: Benchskolan\n" * 20
    html = "<p>Ansvarsområde 0, Benchskolan</p>" * 40
    messages = []
    for n in range(count):
        message = EmailMultiAlternatives(
            "Ditt ansvar har ändrats", body, to=[f"p{n}@bench.example"]
        )
        message.attach_alternative(html, "text/html")
        messages.append(message)
    connection = mail_connection()
    start = time.perf_counter()
    connection.send_messages(messages)
    seconds = time.perf_counter() - start
    print(f"baseline: {count:,} ready-made e-mails to the sink = {count / seconds:,.0f} mails/s")


if __name__ == "__main__":
    main()
