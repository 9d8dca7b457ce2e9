"""Admin for review rounds: opening one is adding it; the units' answers are read here only."""

from django.contrib import admin

from organisation.admin_base import ReadOnlyScopedInline, ScopedHistoryAdmin
from review import services
from review.models import ReviewRound, UnitReview


class UnitReviewInline(ReadOnlyScopedInline):
    """The units' answers; given on the review pages by their rektorer, never here."""

    model = UnitReview
    fields = ["unit", "status", "decided_by", "decided_at", "comment", "reminded_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit", "decided_by")


@admin.register(ReviewRound)
class ReviewRoundAdmin(ScopedHistoryAdmin):
    list_display = ["title", "organisation", "deadline", "opened_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    fields = ["organisation", "title", "deadline"]
    inlines = [UnitReviewInline]

    def get_readonly_fields(self, request, obj=None):
        # The huvudman is fixed once units have their reviews.
        return ["organisation"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            obj._history_user = request.user
            super().save_model(request, obj, form, change)
            return
        opened = services.review_round_open(
            organisation=obj.organisation, title=obj.title, deadline=obj.deadline, user=request.user
        )
        obj.pk = opened.pk

    def get_inlines(self, request, obj):
        # On add, the service creates the units' reviews.
        return self.inlines if obj is not None else []
