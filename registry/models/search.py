"""The search's word list and the log of unanswered questions (registry.search)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organisation.permissions import SHARED, SITE_WIDE
from organisation.queries import RestrictedQuerySet


class SearchWord(models.Model):
    """An everyday word of the word list, and the words of the items it means (docs/search.md).

    "passerbrickan" means "passerkort": a question with the word is answered
    as if it held those words too. Staff grow the list in admin, from the
    week's unanswered questions (UnansweredSearch) or a spreadsheet.
    """

    word = models.CharField(
        verbose_name=_("ord"),
        max_length=60,
        unique=True,
        help_text=_("Ett ord som personalen söker med, till exempel ”passerbricka”."),
        error_messages={"unique": _("Ordet finns redan i ordlistan.")},
    )
    means = models.CharField(
        verbose_name=_("betyder"),
        max_length=300,
        help_text=_(
            "Sökord eller ord ur ansvarsområdenas namn, åtskilda med komma, till exempel "
            "”passerkort, tjänstekort”."
        ),
    )
    note = models.CharField(verbose_name=_("anteckning"), max_length=200, blank=True)

    ownership = SHARED
    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["word"]
        verbose_name = _("sökord i ordlistan")
        verbose_name_plural = _("ordlista för sökningen")

    def __str__(self):
        return f"{self.word} → {self.means}"

    def clean(self):
        self.word = self.word.strip().casefold()
        if not self.word or any(character.isspace() for character in self.word):
            raise ValidationError({"word": _("Skriv ett ord, utan mellanslag.")})


class UnansweredSearch(models.Model):
    """A question that found no item, counted per day: its words only, never who asked."""

    TEXT_LENGTH = 200

    day = models.DateField(verbose_name=_("dag"))
    text = models.CharField(verbose_name=_("fråga"), max_length=TEXT_LENGTH)
    count = models.PositiveIntegerField(verbose_name=_("antal"), default=1)

    ownership = SITE_WIDE
    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "-count", "text"]
        verbose_name = _("obesvarad sökning")
        verbose_name_plural = _("obesvarade sökningar")
        constraints = [
            models.UniqueConstraint(fields=["day", "text"], name="unanswered_search_unique_day"),
        ]

    def __str__(self):
        return self.text
