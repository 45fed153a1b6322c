"""Supervisor admin for the encounter questions: draft a version, add its questions, publish it.

Every write goes through apps/questions/services.py. A published version opens read-only; "Start a
new draft from it" is how it is changed.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, changed_fields, may_use
from apps.questions import services
from apps.questions.models import FormVersion, Question


def _words(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace("\n", ",").split(",") if part.strip()]


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For one or several choices: one a line, as value | English | Spanish."),
    )
    show_if_text = forms.CharField(
        label=_("Has one of these answers"),
        required=False,
        help_text=_("Comma-separated: yes or no for a yes-or-no question, else the choices' values."),
    )
    call_types_text = forms.CharField(
        label=_("Only for call types"),
        required=False,
        help_text=_("Comma-separated call type codes; empty asks it on every call."),
    )

    class Meta:
        model = Question
        fields = (
            "position",
            "key",
            "kind",
            "label",
            "label_es",
            "help_text",
            "help_text_es",
            "required",
            "min_value",
            "max_value",
            "show_if_question",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        q = self.instance
        self.initial.setdefault(
            "choices_text",
            "\n".join(f"{c['value']} | {c.get('label', '')} | {c.get('label_es', '')}" for c in q.choices or []),
        )
        self.initial.setdefault("show_if_text", ", ".join(q.show_if_answers or []))
        self.initial.setdefault("call_types_text", ", ".join(q.call_types or []))

    def clean_choices_text(self):
        rows = []
        for line in (self.cleaned_data.get("choices_text") or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            value, english, spanish = [*parts, "", ""][:3]
            if not value:
                raise forms.ValidationError(_("Each choice needs a value before the first |."))
            rows.append({"value": value, "label": english or value, "label_es": spanish})
        return rows

    def _post_clean(self):
        self.instance.choices = self.cleaned_data.get("choices_text") or []
        self.instance.show_if_answers = _words(self.cleaned_data.get("show_if_text"))
        self.instance.call_types = _words(self.cleaned_data.get("call_types_text"))
        super()._post_clean()


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    extra = 0
    fields = (
        ("position", "key", "kind", "required"),
        ("label", "label_es"),
        ("help_text", "help_text_es"),
        "choices_text",
        ("min_value", "max_value"),
        ("show_if_question", "show_if_text"),
        "call_types_text",
    )

    def has_view_permission(self, request, obj=None):
        return may_use(self.admin_site, request, FormVersion)

    def _may_write(self, request, obj) -> bool:
        """Only a draft's questions change; a published version's are shown read-only."""
        return self.has_view_permission(request, obj) and (obj is None or not obj.published)

    def has_add_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)


@admin.register(FormVersion)
class FormVersionAdmin(ServiceSaveMixin, SupervisorAdmin):
    """Versions of the program's own encounter questions. Publish a draft to send it to the tablets."""

    inlines = [QuestionInline]
    list_display = ("number", "note", "state", "question_count", "published_at", "created_at")
    fields = ("note",)
    actions = ["publish", "new_draft"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_total=Count("questions"))

    @admin.display(description=_("Questions"), ordering="question_total")
    def question_count(self, obj):
        return obj.question_total

    @admin.display(description=_("State"))
    def state(self, obj):
        return _("published") if obj.published else _("draft")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not obj.published)

    def save_model(self, request, obj, form, change):
        self.call_service(services.form_version_save, actor=request.user, version=obj, changed=changed_fields(form))

    def save_formset(self, request, form, formset, change):
        # The service wrote (and audited) each row; the admin's own history names none of them.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for row in formset.forms:
            if not row.has_changed() and row.instance.pk is not None:
                continue
            if formset.can_delete and formset._should_delete_form(row):
                if row.instance.pk is not None:
                    self.call_service(services.question_remove, actor=request.user, question=row.instance)
                continue
            if not row.has_changed():
                continue
            question = row.instance
            question.form_version = form.instance
            self.call_service(
                services.question_save, actor=request.user, question=question, changed=changed_fields(row)
            )

    @admin.action(description=_("Publish (tablets get it on their next refresh)"))
    def publish(self, request, queryset):
        for version in queryset.order_by("number"):
            self.run_service(
                request,
                services.form_version_publish,
                actor=request.user,
                version_id=version.pk,
                success=_("Version %(number)s is published.") % {"number": version.number},
            )

    @admin.action(description=_("Start a new draft from this version"))
    def new_draft(self, request, queryset):
        for version in queryset.order_by("number"):
            draft = self.run_service(
                request, services.form_version_draft_from, actor=request.user, version_id=version.pk
            )
            if draft is not None:
                self.message_user(
                    request,
                    _("Draft version %(number)s holds a copy of version %(source)s.")
                    % {"number": draft.number, "source": version.number},
                    level=messages.SUCCESS,
                )
