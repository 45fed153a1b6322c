"""Supervisor admin for reviewing screened-out calls (issue 15, item 1): the list of calls the
eligibility policy screened out, with their review if any, and the review form. Every answer goes
through `services.screening_review`, which checks the supervisor and audits it."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.common.admin import ServiceSaveMixin, SupervisorAdmin
from apps.intake import services
from apps.intake.models import (
    REVIEW_NOTE_MAX,
    CouldHaveServed,
    ResponseType,
    ScreenedOutCall,
    ScreeningDecision,
    ScreeningReview,
)


class ReviewedFilter(admin.SimpleListFilter):
    title = _("reviewed")
    parameter_name = "reviewed"

    def lookups(self, request, model_admin):
        return [("no", _("Not yet reviewed")), *CouldHaveServed.choices]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(review__isnull=True)
        if self.value() in CouldHaveServed.values:
            return queryset.filter(review__could_have_served=self.value())
        return queryset


@admin.register(ScreenedOutCall)
class ScreenedOutCallAdmin(SupervisorAdmin):
    """The calls to review: list only; each row links to its review form."""

    read_only = True
    list_display = ["decided_at", "call_type", "policy_version", "reasons", "review_answer", "review_link"]
    list_filter = [ReviewedFilter, "policy_version", "call_type"]
    list_display_links = None

    def get_queryset(self, request):
        screened_out = super().get_queryset(request).filter(response_type=ResponseType.NOT_ELIGIBLE)
        return screened_out.select_related("call_type", "policy_version__policy", "review")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Could the team have served it?"))
    def review_answer(self, obj):
        review = getattr(obj, "review", None)
        return review.get_could_have_served_display() if review else _("Not yet reviewed")

    @admin.display(description=_("Review"))
    def review_link(self, obj):
        review = getattr(obj, "review", None)
        if review is not None:
            url = reverse("admin:intake_screeningreview_change", args=[review.pk])
            return format_html('<a href="{}">{}</a>', url, _("Change the review"))
        url = reverse("admin:intake_screeningreview_add") + f"?decision={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Review"))


class ScreeningReviewForm(forms.ModelForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=REVIEW_NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = ScreeningReview
        fields = ["decision", "could_have_served", "note"]


@admin.register(ScreeningReview)
class ScreeningReviewAdmin(ServiceSaveMixin, SupervisorAdmin):
    form = ScreeningReviewForm
    list_display = ["reviewed_at", "decision", "could_have_served", "reviewed_by"]
    list_filter = ["could_have_served"]
    raw_id_fields = ["decision"]

    def get_fields(self, request, obj=None):
        return ["decision", "could_have_served", "note", "reviewed_by", "reviewed_at"] if obj else self.form.Meta.fields

    def get_readonly_fields(self, request, obj=None):
        return ["decision", "reviewed_by", "reviewed_at"] if obj else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "decision":
            kwargs["queryset"] = ScreeningDecision.objects.filter(response_type=ResponseType.NOT_ELIGIBLE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        review = self.call_service(
            services.screening_review,
            actor=request.user,
            decision_id=obj.decision_id,
            could_have_served=form.cleaned_data["could_have_served"],
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk = review.pk
        obj._state.adding = False
