"""Admin pages beside the stock ones: "Flytta ansvar" and recent changes per unit.

Both are reached through AssignmentAdmin.get_urls (admin_view: staff login),
check permissions themselves and read only what `restrict` allows.
"""

from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext

from organisation.models import Appointment, Unit
from organisation.permissions import allows, restrict
from registry.admin.forms import ReassignForm
from registry.models import Assignment
from registry.notify.queries import confirmation_history
from registry.services import assignment_reassign, assignment_reassign_preview

RECENT_CHANGES = 50


def _action_label(history_type):
    return {
        "+": gettext("Tillagd"),
        "~": gettext("Ändrad"),
        "-": gettext("Borttagen"),
    }[history_type]


def reassign(request, *, model_admin):
    """Preview, then move one person's assignments to another (assignment_reassign).

    When the person taking over does not hold a moved row's role at its unit,
    the preview warns and the move waits for a choice: keep the roles, or
    change them to a chosen role; *Avbryt* leaves everything as it was.
    """
    if not model_admin.has_change_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Flytta ansvar"),
        "opts": model_admin.model._meta,
    }
    if request.method != "POST":
        form = ReassignForm(initial=request.GET.dict(), user=request.user)
        return TemplateResponse(
            request, "admin/registry/assignment/reassign.html", {**context, "form": form}
        )
    if "cancel" in request.POST:
        messages.info(request, gettext("Inget ansvar flyttades."))
        return HttpResponseRedirect(reverse("admin:registry_assignment_changelist"))
    form = ReassignForm(request.POST, user=request.user)
    if form.is_valid():
        arguments = form.service_arguments()
        try:
            preview = assignment_reassign_preview(**arguments, user=request.user)
            if preview.mismatched and not form.cleaned_data["mismatch"]:
                if "confirm" in request.POST:
                    form.add_error(
                        "mismatch",
                        gettext("Välj om ansvaren ska behålla sin roll eller få en annan."),
                    )
            elif "confirm" in request.POST:
                return _reassign_done(request, arguments)
            context["preview"] = preview
            form.offer_roles(preview.held)
        except ValidationError as error:
            form.add_error(None, error)
    return TemplateResponse(
        request, "admin/registry/assignment/reassign.html", {**context, "form": form}
    )


def _reassign_done(request, arguments):
    result = assignment_reassign(**arguments, user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d ansvar flyttat från %(from)s till %(to)s "
            "(%(merged)d slogs ihop med befintliga).",
            "%(count)d ansvar flyttade från %(from)s till %(to)s "
            "(%(merged)d slogs ihop med befintliga).",
            result.count,
        )
        % {
            "count": result.count,
            "merged": len(result.merged),
            "from": arguments["from_person"],
            "to": arguments["to_person"],
        },
    )
    url = reverse("admin:registry_assignment_changelist")
    query = urlencode({"person__id__exact": arguments["to_person"].pk})
    return HttpResponseRedirect(f"{url}?{query}")


def _with_previous(history_model, records):
    """Attach each record's previous version, fetched in one query, and its changed fields."""
    ids = {record.id for record in records}
    versions = history_model.objects.filter(id__in=ids).order_by("id", "history_date", "history_id")
    previous = {}
    for _id, group in groupby(versions, key=lambda version: version.id):
        before = None
        for version in group:
            previous[version.history_id] = before
            before = version
    for record in records:
        record.previous = previous.get(record.history_id)
        if record.history_type == "~" and record.previous is not None:
            delta = record.diff_against(record.previous, foreign_keys_are_objs=False)
            record.changed_fields = [
                str(history_model._meta.get_field(change.field).verbose_name)
                for change in delta.changes
            ]
        else:
            record.changed_fields = []
    return records


def recent_changes(request, *, model_admin):
    """The latest changes of assignments, appointments and answers to assignments, per
    unit."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    units = Unit.objects.restrict(request.user)
    unit = None
    if request.GET.get("enhet"):
        unit = get_object_or_404(units, slug=request.GET["enhet"])
    where = {"unit": unit} if unit else {}

    assignments = _with_previous(
        Assignment.history.model,
        list(
            restrict(Assignment.history.filter(**where), request.user)
            .select_related("history_user", "item", "unit", "person", "role")
            .order_by("-history_date")[:RECENT_CHANGES]
        ),
    )
    appointments = _with_previous(
        Appointment.history.model,
        list(
            restrict(Appointment.history.filter(**where), request.user)
            .select_related("history_user", "person", "position", "unit")
            .order_by("-history_date")[:RECENT_CHANGES]
        ),
    )
    rows = []
    for record in assignments:
        who = " ".join(
            part
            for part in (
                record.person.initials if record.person else "",
                record.role.code if record.role else "",
            )
            if part
        )
        rows.append(_row(request, model_admin, record, f"{record.item}: {who}", "assignment"))
    for record in appointments:
        rows.append(
            _row(
                request,
                model_admin,
                record,
                f"{record.person} – {record.position}",
                "appointment",
                app_label="organisation",
            )
        )
    # Who confirmed or declined what (registry.notify): no revert, an answer is the person's.
    for answer in confirmation_history(user=request.user, unit=unit, limit=RECENT_CHANGES):
        assignment = answer.assignment
        rows.append(
            {
                "date": answer.date,
                "user": answer.recorded_by,
                "action": gettext("Svar: %(state)s") % {"state": answer.state},
                "text": f"{assignment.item if assignment else ''}: {answer.person.initials}",
                "unit": assignment.unit if assignment else None,
                "fields": [],
                "reason": answer.comment,
                "history_url": "",
                "revert_url": "",
            }
        )
    rows.sort(key=lambda row: row["date"], reverse=True)
    return TemplateResponse(
        request,
        "admin/registry/assignment/recent_changes.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": (
                gettext("Senaste ändringar: %(unit)s") % {"unit": unit}
                if unit
                else gettext("Senaste ändringar")
            ),
            "opts": model_admin.model._meta,
            "units": units,
            "unit": unit,
            "rows": rows[:RECENT_CHANGES],
        },
    )


def _row(request, model_admin, record, text, model_name, app_label="registry"):
    """One line of the recent changes: what, who, when, and where to see or revert it."""
    # Reverting a change restores the version before it; reverting a deletion
    # restores the deleted version itself. An addition is undone by deleting.
    restore = record if record.history_type == "-" else record.previous
    # Both the row and the version restored must be the user's to change.
    can_change = allows(request.user, "change", record.instance) and (
        restore is None or allows(request.user, "change", restore.instance)
    )
    revert_url = ""
    if can_change and restore is not None:
        revert_url = reverse(
            f"admin:{app_label}_{model_name}_simple_history",
            args=[record.id, restore.history_id],
        )
    return {
        "date": record.history_date,
        "user": record.history_user,
        "action": _action_label(record.history_type),
        "text": text,
        "unit": record.unit,
        "fields": record.changed_fields,
        "reason": record.history_change_reason or "",
        "history_url": reverse(f"admin:{app_label}_{model_name}_history", args=[record.id]),
        "revert_url": revert_url,
    }
