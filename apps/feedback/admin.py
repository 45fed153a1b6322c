"""Supervisors' queue of community feedback, and the record of outreach and training events."""

from django import forms
from django.contrib import admin

from apps.audit.models import Door
from apps.audit.services import audit_record
from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, changed_fields
from apps.feedback.models import CommunityFeedback, FeedbackCard, OutreachEvent
from apps.feedback.services import community_feedback_handle, outreach_save


class CommunityFeedbackForm(forms.ModelForm):
    class Meta:
        model = CommunityFeedback
        fields = ("status", "answer")


@admin.register(CommunityFeedback)
class CommunityFeedbackAdmin(ServiceSaveMixin, SupervisorAdmin):
    """The queue: new messages first. Opening one is audited (it may carry a contact)."""

    form = CommunityFeedbackForm
    list_display = ("received_at", "kind", "status", "reviewed_at", "answered_at")
    list_filter = ("status", "kind")
    date_hierarchy = "received_at"
    readonly_fields = ("kind", "received_at", "language", "message", "contact", "reviewed_at", "answered_at")
    fields = ("kind", "received_at", "language", "message", "contact", "status", "answer", "reviewed_at", "answered_at")

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
class FeedbackCardAdmin(SupervisorAdmin):
    """What the people served said on their feedback cards. Read-only: the answers are theirs.
    The list shows the taps; the words are read by opening a card, which is audited."""

    list_display = ("issued_at", "team", "answered_at", "respect", "needs_met", "call_again", "language")
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
    readonly_fields = fields
    read_only = True  # cards are offered from the tablet and answered by the person served

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            card = self.get_object(request, object_id)
            if card is not None:
                audit_record(actor=request.user, action="feedback_card.view", obj=card, door=Door.ADMIN)
        return super().change_view(request, object_id, form_url, extra_context)
