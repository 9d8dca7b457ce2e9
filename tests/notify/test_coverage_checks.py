"""The coverage report's "Ej bekräftat sedan mer än N dagar" and "Avböjt" (issue 23): found
as days pass without a write, scoped like every coverage figure, and the stored counts agree
with the live report."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from organisation.models import Unit
from registry.coverage import coverage_counts, coverage_findings, coverage_store_counts
from registry.coverage.store import coverage_store_refresh, coverage_summary
from registry.models import AssignmentConfirmation
from registry.notify.queries import unit_confirmations
from registry.services import assignment_reassign

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(started):
    """A.W was given E.M's five items now (registry.services.assignment_reassign)."""
    assignment_reassign(from_person=started.em, to_person=started.aw, user=started.admin)
    return started


def days_later(monkeypatch, days):
    """Move the clock `days` ahead: nothing is written."""
    later = timezone.now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: later)


def found(category, units=None):
    units = units if units is not None else Unit.objects.all()
    return [f for f in coverage_findings(units=units) if f.category == category]


def answer(r, assignment, state, comment=""):
    return AssignmentConfirmation.objects.create(
        assignment=assignment, person=r.aw, role=assignment.role, state=state, comment=comment
    )


def test_unconfirmed_shows_after_more_than_n_days_without_a_write(told, monkeypatch, settings):
    settings.DIGIANSVAR_CONFIRMATION_DAYS = 14
    units = Unit.objects.all()
    coverage_store_refresh()
    days_later(monkeypatch, 13)
    assert found("unconfirmed") == []
    assert coverage_summary(units)["unconfirmed"] == 0
    days_later(monkeypatch, 2)  # 15 days: the same assignments, no write in between
    assert coverage_store_refresh() == 0  # nothing to count again
    findings = found("unconfirmed")
    assert [f.subject for f in findings] == [
        f"Skrivare {n} (ITS), A.W – Anders Wik" for n in range(1, 6)
    ]
    since = (timezone.localdate() - timedelta(days=15)).isoformat()
    assert all(f.detail == f"Ej bekräftat sedan {since}." for f in findings)
    assert findings[0].admin_url == reverse("registry:person_detail", args=["A.W"])
    # The stored counts summed at read time, the cached summary, the live report and the unit
    # page (registry.notify.queries.unit_confirmations) agree.
    live = coverage_counts(units=units)
    assert live["unconfirmed"] == 5
    assert coverage_store_counts(units=units) == live
    assert coverage_summary(units) == live
    assert unit_confirmations(told.unit).old == 5
    # With N = 20 they are not old yet.
    settings.DIGIANSVAR_CONFIRMATION_DAYS = 20
    assert found("unconfirmed") == [] and coverage_summary(units)["unconfirmed"] == 0


def test_declined_shows_with_its_comment_and_confirmed_under_neither(told, monkeypatch, client):
    r = told
    declined, confirmed = r.assignments[:2]
    answer(r, declined, "declined", "Jag har slutat med skrivare.")
    answer(r, confirmed, "confirmed")
    days_later(monkeypatch, 15)
    (finding,) = found("declined")
    assert finding.subject == "Skrivare 1 (ITS), A.W – Anders Wik"
    assert finding.detail.endswith(": Jag har slutat med skrivare.")
    assert finding.admin_url == reverse("admin:registry_assignment_change", args=[declined.pk])
    assert [f.subject for f in found("unconfirmed")] == [
        f"Skrivare {n} (ITS), A.W – Anders Wik" for n in range(3, 6)
    ]
    units = Unit.objects.all()
    counts = coverage_counts(units=units)
    assert (counts["declined"], counts["unconfirmed"]) == (1, 3)
    assert coverage_store_counts(units=units) == counts
    # Both links work for the rektor's administrator.
    client.force_login(r.admin)
    for url in (finding.admin_url, found("unconfirmed")[0].admin_url):
        assert client.get(url).status_code == 200
    # Confirming the declined one takes it off both lists (a write: counted again).
    AssignmentConfirmation.objects.filter(assignment=declined).update(state="confirmed")
    AssignmentConfirmation.objects.get(assignment=declined).save()  # leaves a history row
    assert found("declined") == []
    assert coverage_store_counts(units=units)["declined"] == 0


def test_the_coverage_page_shows_them_to_the_rektor_and_not_to_another(told, monkeypatch, client):
    r = told
    answer(r, r.assignments[0], "declined", "Jag har slutat med skrivare.")
    days_later(monkeypatch, 15)
    client.force_login(r.rektor.user)
    page = client.get(reverse("registry:coverage")).content.decode()
    assert "Ej bekräftat sedan mer än 14 dagar" in page and "Avböjt" in page
    assert "Jag har slutat med skrivare." in page and "Skrivare 2 (ITS), A.W – Anders Wik" in page
    grid = client.get(reverse("registry:organisation_detail", args=["hemkommunen"]))
    assert "Ej bekräftat" in grid.content.decode()
    client.force_login(r.other_rektor.user)
    page = client.get(reverse("registry:coverage"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jag har slutat med skrivare." not in html and "A.W" not in html
    summary = dict((check.key, count) for check, count in page.context["summary"])
    assert (summary["unconfirmed"], summary["declined"]) == (0, 0)
    assert client.get(reverse("registry:coverage"), {"unit": "hemskolan"}).status_code == 404
    export = client.get(reverse("registry:coverage_export"))
    # Read as cells: the xlsx is compressed, so its bytes never hold a name as typed.
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    cells = [str(value) for row in sheet.iter_rows(values_only=True) for value in row]
    assert cells and not [cell for cell in cells if "A.W" in cell]


def test_the_export_lists_them(told, monkeypatch, client):
    r = told
    answer(r, r.assignments[0], "declined", "Jag har slutat med skrivare.")
    days_later(monkeypatch, 15)
    client.force_login(r.rektor.user)
    export = client.get(reverse("registry:coverage_export"))

    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    categories = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert categories.count("Avböjt") == 1
    assert categories.count("Ej bekräftat sedan mer än 14 dagar") == 4
