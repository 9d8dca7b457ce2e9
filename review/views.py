"""The review pages: a user's rounds, a unit's checklist and decision, a round's status.

Checks live in review.permissions; a unit the user may not see answers 404,
a decision the user may not take 403.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from organisation.models import Unit
from review import permissions, queries, services
from review.forms import DecisionForm
from review.models import ReviewRound, UnitReview


@require_GET
def round_list(request):
    """The open rounds of the huvudmän whose units the user sees, with those units' status."""
    return render(
        request,
        "review/round_list.html",
        {
            "rounds": queries.rounds_with_reviews(request.user),
            "can_view_status": permissions.can_view_status(request.user),
            "can_open_round": permissions.can_open_round(request.user),
        },
    )


def _unit_review(request, round_pk, unit_slug):
    reviews = (
        UnitReview.objects.restrict(request.user)
        .filter(round_id=round_pk, unit__slug=unit_slug)
        .select_related("round__organisation", "unit", "decided_by")
    )
    review = reviews.first()
    if review is None:
        # A unit that joined the round after it opened: pending, written when decided.
        missing = queries.missing_reviews(
            rounds=ReviewRound.objects.restrict(request.user).filter(pk=round_pk),
            units=Unit.objects.restrict(request.user).filter(slug=unit_slug),
        )
        review = missing[0] if missing else None
    if review is None:
        raise Http404(_("Granskningen finns inte."))
    return review


@require_http_methods(["GET", "POST"])
def unit_review(request, round_pk, unit_slug):
    """A unit's checklist; its rektor signs off or returns it with questions (POST)."""
    review = _unit_review(request, round_pk, unit_slug)
    can_decide = permissions.can_decide_unit_review(request.user, review)
    form = DecisionForm(request.POST or None, initial={"comment": review.comment})
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(_("Du får bara granska dina egna enheter."))
        status = {"sign": UnitReview.Status.SIGNED, "return": UnitReview.Status.RETURNED}.get(
            request.POST.get("decision")
        )
        if form.is_valid() and status:
            try:
                services.unit_review_decide(
                    review=review,
                    user=request.user,
                    status=status,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(unit)s är godkänd.") % {"unit": review.unit}
                    if status == UnitReview.Status.SIGNED
                    else _("%(unit)s är skickad tillbaka med dina frågor.") % {"unit": review.unit},
                )
                return redirect(review.get_absolute_url())
        elif not status:
            form.add_error(None, _("Välj att godkänna eller skicka tillbaka."))
    return render(
        request,
        "review/unit_review.html",
        {
            "review": review,
            "round": review.round,
            "checklist": queries.unit_checklist(review),
            "form": form,
            "can_decide": can_decide,
        },
        status=400 if form.errors else 200,
    )


@require_GET
def round_status(request, pk):
    """Every unit's status in a round at a glance: a bar chart and a table (IT-strateg)."""
    if not permissions.can_view_status(request.user):
        raise PermissionDenied(_("Du får inte se alla enheters granskning."))
    round = get_object_or_404(
        ReviewRound.objects.restrict(request.user).select_related("organisation"), pk=pk
    )
    return render(
        request,
        "review/round_status.html",
        {"round": round, "status": queries.round_status(round)},
    )


@require_POST
def round_remind(request, pk):
    if not permissions.can_view_status(request.user):
        raise PermissionDenied(_("Du får inte skicka påminnelser."))
    round = get_object_or_404(ReviewRound.objects.restrict(request.user), pk=pk)
    sent = services.review_round_remind(
        round=round, user=request.user, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    messages.success(
        request,
        ngettext(
            "Påminnelse skickad till %(count)s rektor.",
            "Påminnelse skickad till %(count)s rektorer.",
            sent,
        )
        % {"count": sent}
        if sent
        else _("Ingen att påminna: alla enheter är godkända eller saknar rektor med e-post."),
    )
    return redirect(round.get_absolute_url())
