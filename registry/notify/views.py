"""The confirmation link's page and the person page's confirm / decline.

A GET never writes: the link shows the assignment and a form; the answer is a
POST with the CSRF token, by the signed-in person the link was made for.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organisation.queries import own_person
from registry.notify import queries, services
from registry.notify.forms import AnswerForm
from registry.notify.tokens import LinkExpired, confirmation_token_read


@require_http_methods(["GET", "POST"])
def confirmation_link(request, token):
    """The e-mail's link: only for its person, once, before it expires, while the assignment
    still names them with the same role."""
    try:
        claim = confirmation_token_read(token)
    except LinkExpired:
        return _link_problem(request, _("Länken har gått ut. Bekräfta på din personsida."))
    if claim is None:
        raise Http404(_("Länken är ogiltig."))
    person = own_person(request.user)
    if person is None or person.pk != claim.person_id:
        raise PermissionDenied(_("Länken gäller någon annan."))
    if queries.link_used(claim.nonce):
        return _link_problem(request, _("Länken är redan använd."), person)
    assignment = queries.own_assignment(user=request.user, person=person, pk=claim.assignment_id)
    if assignment is None or assignment.role_id != claim.role_id:
        return _link_problem(request, _("Ansvaret har ändrats sedan länken skickades."), person)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.assignment_answer(
                assignment=assignment,
                person=person,
                user=request.user,
                state=form.cleaned_data["state"],
                comment=form.cleaned_data["comment"],
                nonce=claim.nonce,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            return _link_problem(request, " ".join(error.messages), person)
        _answered(request, form.cleaned_data["state"], assignment)
        return redirect("registry:person_detail", person.initials)
    return render(
        request,
        "registry/notify/confirmation_link.html",
        {"assignment": assignment, "person": person, "form": form},
    )


def _link_problem(request, message, person=None):
    return render(
        request,
        "registry/notify/confirmation_link.html",
        {"problem": message, "person": person},
        status=410,
    )


def _answered(request, state, assignment):
    """Say what became of the answer: a decline names who it was sent to, or warns that
    nobody could be told (queries.decline_recipients)."""
    if state == "confirmed":
        messages.success(request, _("Tack! Du har bekräftat ansvaret."))
        return
    told = queries.decline_recipients(assignment)
    if told:
        messages.success(
            request,
            _("Du har avböjt ansvaret. Ditt svar skickas med e-post till %(people)s.")
            % {"people": ", ".join(str(person) for person in told)},
        )
    else:
        messages.warning(
            request,
            _(
                "Du har avböjt ansvaret, men varken enheten eller huvudmannen har någon rektor "
                "eller utbildningschef med e-postadress i registret: ingen får ditt svar med "
                "e-post. Berätta det för din chef."
            ),
        )


@require_POST
def assignment_answer(request, pk):
    """Confirm or decline on the person page: the signed-in person's own assignments only."""
    person = own_person(request.user)
    assignment = queries.own_assignment(user=request.user, person=person, pk=pk)
    if assignment is None:
        raise Http404(_("Ansvaret finns inte bland dina."))
    form = AnswerForm(request.POST)
    if form.is_valid():
        services.assignment_answer(
            assignment=assignment,
            person=person,
            user=request.user,
            state=form.cleaned_data["state"],
            comment=form.cleaned_data["comment"],
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
        _answered(request, form.cleaned_data["state"], assignment)
    else:
        messages.error(request, " ".join(form.errors.get("comment", [_("Svaret saknas.")])))
    return redirect(f"{person.get_absolute_url()}#ansvar-{pk}")
