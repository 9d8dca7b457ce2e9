"""The coverage report's checks: what each finding means and how it is fixed (docs/coverage.md)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

from organisation.models import Position, ProblemKind

# The decision's first line for each kind of problem: who the register's
# local support for that kind should be (check "disagreements").
FIRST_LINE_POSITIONS = {
    ProblemKind.TECHNOLOGY: Position.Code.FIRST_LINE_CONTACT,
    ProblemKind.SYSTEMS: Position.Code.FIRST_LINE_CONTACT,
    ProblemKind.PEDAGOGY: Position.Code.IT_MENTOR,
}


def _with_days(text):
    """`text` with %(days)s as DIGIANSVAR_CONFIRMATION_DAYS, read when it is shown."""
    return lazy(lambda: gettext(text) % {"days": settings.DIGIANSVAR_CONFIRMATION_DAYS}, str)()


@dataclass(frozen=True)
class Check:
    """One kind of finding: a heading, what it means and how it is fixed."""

    key: str
    title: str
    short: str  # the column heading of the grid on the organisation page
    explanation: str


CHECKS = [
    Check(
        "unfilled_roles",
        gettext_lazy("Roller som ingen har på enheten"),
        gettext_lazy("Roll utan innehavare"),
        gettext_lazy(
            "En enskild roll (till exempel ITS eller SPE) står i enhetens ansvarsfördelning, "
            "men ingen är utsedd till rollens befattning på enheten eller för hela huvudmannen. "
            "Utse någon under Uppdrag. Kollektiva roller (LÄR, MEN, HÄL) och Resp chef räknas "
            "inte: de fylls av alla med funktionen eller av den som frågar."
        ),
    ),
    Check(
        "items_without_responsible",
        gettext_lazy("Ansvarsområden utan ansvarig"),
        gettext_lazy("Utan ansvarig"),
        gettext_lazy(
            "Ingen är ansvarig för området på enheten, varken på enheten eller för hela "
            "huvudmannen. Lägg till en ansvarig."
        ),
    ),
    Check(
        "missing_positions",
        gettext_lazy("Enheter utan IT-handledare eller hanteringsansvarig"),
        gettext_lazy("IT-handledare och hanteringsansvarig"),
        gettext_lazy(
            "Beslutet kräver en IT-handledare och en hanteringsansvarig på varje enhet. "
            "Utse dem under Uppdrag."
        ),
    ),
    Check(
        "overloaded_people",
        gettext_lazy("Personer med många uppdrag"),
        gettext_lazy("Många uppdrag"),
        gettext_lazy(
            "Personen har fler uppdrag i ansvarsfördelningen än gränsen. Fördela om några "
            "med Flytta ansvar eller utse ersättare."
        ),
    ),
    Check(
        "missing_deputies",
        gettext_lazy("Ersättare saknas"),
        gettext_lazy("Ersättare"),
        gettext_lazy(
            "Området eller rollen är markerat som att det kräver ersättare, men ingen "
            "ersättare är utsedd på enheten. Lägg till en ansvarig med prioritet Ersättare."
        ),
    ),
    Check(
        "disagreements",
        gettext_lazy("Ansvarsfördelning och uppdrag säger olika"),
        gettext_lazy("Olika uppgifter"),
        gettext_lazy(
            "Ansvarsfördelningen nämner en person med en roll som personen inte har något "
            "uppdrag för på enheten, eller så nämner den andra personer för lokalt stöd än "
            "de som är utsedda till hanteringsansvarig eller IT-handledare. Rätta den som är fel."
        ),
    ),
    Check(
        "departed_people",
        gettext_lazy("Ansvar hos person som slutat"),
        gettext_lazy("Har slutat"),
        gettext_lazy(
            "Inloggningstjänsten har avaktiverat personen (hon eller han har slutat), men "
            "personen är fortfarande ansvarig på enheten. Flytta ansvaret till någon annan "
            "med Flytta ansvar."
        ),
    ),
    Check(
        "unconfirmed",
        _with_days(gettext_noop("Ej bekräftat sedan mer än %(days)s dagar")),
        gettext_lazy("Ej bekräftat"),
        _with_days(
            gettext_noop(
                "Personen har haft ansvaret i mer än %(days)s dagar utan att bekräfta det. "
                "Påminn personen: hon eller han bekräftar på sin personsida eller genom "
                "länken i e-postmeddelandet. Stämmer ansvaret inte, "
                "flytta det till någon annan."
            )
        ),
    ),
    Check(
        "declined",
        gettext_lazy("Avböjt"),
        gettext_lazy("Avböjt"),
        gettext_lazy(
            "Personen har avböjt ansvaret, med kommentaren som visas. Tala med personen och "
            "ge ansvaret till någon annan, eller ändra det så att personen kan bekräfta det."
        ),
    ),
]
CHECK_KEYS = [check.key for check in CHECKS]


def max_assignments_setting():
    return getattr(settings, "DIGIANSVAR_COVERAGE_MAX_ASSIGNMENTS", 25)
