"""Supervisors' queue of community feedback, and the record of outreach and training events."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.audit.models import Door
from apps.audit.services import audit_record
from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, changed_fields
from apps.feedback.models import CommunityFeedback, FeedbackCard, OutreachEvent, Theme
from apps.feedback.services import (
    community_feedback_handle,
    feedback_text_publishable,
    feedback_themes_set,
    outreach_save,
)

REVIEW_FIELDS = ("theme_tags", "publishable", "publishable_at", "publishable_by")


class ReviewForm(forms.ModelForm):
    """Themes and the review for publication, both written through their services."""

    theme_tags = forms.MultipleChoiceField(
        label=_("Themes"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    publishable = forms.BooleanField(
        label=_("Reviewed: nothing identifying, may be published"),
        required=False,
        help_text=_(
            "Tick only after reading the words for names, places, dates or details that could point to "
            "someone. Only words ticked here appear outside the admin, with their month only."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme_tags"].initial = list(self.instance.themes or [])
        self.fields["publishable"].initial = self.instance.publishable_at is not None


class CommunityFeedbackForm(ReviewForm):
    class Meta:
        model = CommunityFeedback
        fields = ("status", "answer")


class FeedbackCardForm(ReviewForm):
    class Meta:
        model = FeedbackCard
        fields = ()


def _review(admin_view, request, obj, form) -> None:
    admin_view.call_service(feedback_themes_set, actor=request.user, item=obj, themes=form.cleaned_data["theme_tags"])
    admin_view.call_service(
        feedback_text_publishable, actor=request.user, item=obj, publishable=form.cleaned_data["publishable"]
    )


@admin.action(description=_("Mark the words reviewed: nothing identifying, may be published"))
def mark_publishable(modeladmin, request, queryset):
    for item in queryset:
        modeladmin.run_service(request, feedback_text_publishable, actor=request.user, item=item, publishable=True)


@admin.register(CommunityFeedback)
class CommunityFeedbackAdmin(ServiceSaveMixin, SupervisorAdmin):
    """The queue: new messages first. Opening one is audited (it may carry a contact)."""

    form = CommunityFeedbackForm
    list_display = ("received_at", "kind", "status", "reviewed_at", "answered_at", "themes", "publishable_at")
    list_filter = ("status", "kind")
    date_hierarchy = "received_at"
    actions = (mark_publishable,)
    readonly_fields = (
        "kind", "received_at", "language", "message", "contact", "reviewed_at", "answered_at", "publishable_at",
        "publishable_by",
    )  # fmt: skip
    fields = (
        "kind", "received_at", "language", "message", "contact", "status", "answer", "reviewed_at", "answered_at",
        *REVIEW_FIELDS,
    )  # fmt: skip

    def has_add_permission(self, request):
        return False  # messages come only through the public form

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            feedback = self.get_object(request, object_id)
            if feedback is not None:
                audit_record(actor=request.user, action="community_feedback.view", obj=feedback, door=Door.ADMIN)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        self.call_service(
            community_feedback_handle,
            actor=request.user,
            feedback=obj,
            status=form.cleaned_data["status"],
            answer=form.cleaned_data.get("answer", ""),
        )
        _review(self, request, obj, form)


@admin.register(OutreachEvent)
class OutreachEventAdmin(ServiceSaveMixin, SupervisorAdmin):
    """Community outreach and call-center training, counted on the public pages and in insights."""

    list_display = ("held_on", "kind", "title", "audience", "people_reached")
    list_filter = ("kind",)
    date_hierarchy = "held_on"
    search_fields = ("title", "audience", "organisations")
    fields = ("kind", "held_on", "title", "audience", "organisations", "people_reached", "notes", "materials")

    def save_model(self, request, obj, form, change):
        self.call_service(outreach_save, actor=request.user, event=obj, changed=changed_fields(form))


@admin.register(FeedbackCard)
class FeedbackCardAdmin(ServiceSaveMixin, SupervisorAdmin):
    """What the people served said on their feedback cards. The answers are theirs and cannot be
    changed; a supervisor only tags themes and reviews the words for publication. The list shows the
    taps; the words are read by opening a card, which is audited."""

    form = FeedbackCardForm
    actions = (mark_publishable,)
    list_display = (
        "issued_at", "team", "answered_at", "respect", "needs_met", "call_again", "language", "themes",
        "publishable_at",
    )  # fmt: skip
    list_filter = ("respect", "needs_met", "call_again", "team", ("answered_at", admin.EmptyFieldListFilter))
    date_hierarchy = "issued_at"
    list_select_related = ("team",)
    fields = (
        "issued_at",
        "expires_at",
        "team",
        "encounter",
        "texts_sent",
        "answered_at",
        "language",
        "respect",
        "needs_met",
        "call_again",
        "comment",
    )
    readonly_fields = (*fields, "publishable_at", "publishable_by")
    fields = (*fields, *REVIEW_FIELDS)

    def has_add_permission(self, request):
        return False  # cards are offered from the tablet and answered by the person served

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        _review(self, request, obj, form)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            card = self.get_object(request, object_id)
            if card is not None:
                audit_record(actor=request.user, action="feedback_card.view", obj=card, door=Door.ADMIN)
        return super().change_view(request, object_id, form_url, extra_context)
