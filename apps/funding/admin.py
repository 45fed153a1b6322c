"""The admin for budgets, sources and spending, kept by supervisors, administrators and finance staff
(the site lets finance staff reach this app's pages and no other: config/admin.py). Every save goes
through apps.funding.services, so a refused charge reads the same here as in the import."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.common.admin import ServiceSaveMixin, SupervisorAdmin, SupervisorInline, may_use
from apps.funding import services
from apps.funding.models import (
    Allocation,
    Budget,
    BudgetLine,
    BurnRateWarning,
    Category,
    CategoryCap,
    Expenditure,
    FiscalYear,
    FundingSource,
    ImportMapping,
    ImportRun,
    Measure,
    ReportingDeadline,
)


def _written_by_service(formset) -> None:
    """An inline whose rows a service wrote (and audited): the admin's history names no row of it."""
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []


def _adopt(obj, saved) -> None:
    """Point the admin's object at the row the service wrote, so the admin's redirect finds it."""
    obj.pk = saved.pk
    obj._state.adding = False


@admin.register(FiscalYear)
class FiscalYearAdmin(SupervisorAdmin):
    list_display = ("name", "starts_on", "ends_on")
    readonly_fields = ("starts_on", "ends_on")

    def has_change_permission(self, request, obj=None):
        return False


class LineOfBudgetInline(SupervisorInline):
    model = BudgetLine
    fields = ("category", "program_area", "team", "amount", "notes")
    readonly_fields = fields
    verbose_name_plural = _("lines (change them under Budget lines)")


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ("fiscal_year", "status", "effective_on", "notes")


@admin.register(Budget)
class BudgetAdmin(ServiceSaveMixin, SupervisorAdmin):
    form = BudgetForm
    list_display = ("fiscal_year", "number", "status", "effective_on", "created_at")
    list_filter = ("fiscal_year", "status")
    inlines = [LineOfBudgetInline]
    actions = ["adopt", "amend"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # versions are never edited

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = self.call_service(
            services.budget_version_create,
            actor=request.user,
            fiscal_year=data["fiscal_year"],
            status=data["status"],
            effective_on=data.get("effective_on"),
            notes=data.get("notes") or "",
        )
        _adopt(obj, saved)

    def _copy(self, request, queryset, status):
        for budget in queryset:
            saved = self.run_service(
                request,
                services.budget_version_copy,
                actor=request.user,
                budget=budget,
                status=status,
                effective_on=timezone.localdate() if status == Budget.Status.AMENDED else budget.effective_on,
            )
            if saved is not None:
                self.message_user(
                    request,
                    gettext("Version %(number)s started from version %(old)s.")
                    % {"number": saved.number, "old": budget.number},
                    level=messages.SUCCESS,
                )

    @admin.action(description=_("Adopt as a new version"))
    def adopt(self, request, queryset):
        self._copy(request, queryset, Budget.Status.ADOPTED)

    @admin.action(description=_("Amend from today as a new version"))
    def amend(self, request, queryset):
        self._copy(request, queryset, Budget.Status.AMENDED)


def _keeps(inline, request, obj=None) -> bool:
    """An inline of the funding admin is kept by whoever may use the page it sits on."""
    return may_use(inline.admin_site, request, inline.parent_model)


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 1
    fields = ("source", "amount")

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = _keeps


@admin.register(BudgetLine)
class BudgetLineAdmin(ServiceSaveMixin, SupervisorAdmin):
    list_display = ("budget", "category", "program_area", "team", "amount")
    list_filter = ("budget__fiscal_year", "category")
    fields = ("budget", "category", "program_area", "team", "amount", "notes")
    inlines = [AllocationInline]

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in self.fields}
        if not change:
            saved = self.call_service(
                services.budget_line_add,
                actor=request.user,
                **{**data, "program_area": data["program_area"] or "", "notes": data["notes"] or ""},
            )
            _adopt(obj, saved)
            return
        changes = {name: data[name] for name in form.changed_data if name in data and name != "budget"}
        line = BudgetLine.objects.get(pk=obj.pk)
        self.call_service(services.budget_line_change, actor=request.user, line=line, **changes)

    def save_formset(self, request, form, formset, change):
        _written_by_service(formset)
        for row in formset.cleaned_data:
            if not row or row.get("DELETE") or row.get("source") is None:
                continue
            self.call_service(
                services.allocation_set,
                actor=request.user,
                line=form.instance,
                source=row["source"],
                amount=row["amount"],
            )


class CategoriesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Category.choices)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class FundingSourceForm(forms.ModelForm):
    allowed_categories = CategoriesField(help_text=_("None ticked means every category."))
    measures = CategoriesField(
        choices=Measure.choices, help_text=_("The measures for the report's appendix; none ticked means all.")
    )

    class Meta:
        model = FundingSource
        fields = (
            "name",
            "kind",
            "awarded",
            "starts_on",
            "ends_on",
            "allowed_categories",
            "match_percent",
            "restrictions_notes",
            "measures",
        )


class CapInline(admin.TabularInline):
    model = CategoryCap
    extra = 0

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = _keeps


class DeadlineInline(CapInline):
    model = ReportingDeadline


@admin.register(FundingSource)
class FundingSourceAdmin(ServiceSaveMixin, SupervisorAdmin):
    form = FundingSourceForm
    list_display = ("name", "kind", "awarded", "starts_on", "ends_on")
    list_filter = ("kind",)
    inlines = [CapInline, DeadlineInline]

    def save_model(self, request, obj, form, change):
        if change and "name" in form.changed_data:
            obj.save(update_fields=["name"])  # rename first, then the service updates by name

    def save_related(self, request, form, formsets, change):
        """The source, its caps and its reporting dates in one service call (audited), never row by row."""
        caps, deadlines = {}, []
        for formset in formsets:
            _written_by_service(formset)
            for row in formset.cleaned_data:
                if not row or row.get("DELETE"):
                    continue
                if formset.model is CategoryCap:
                    caps[row["category"]] = row["cap"]
                else:
                    deadlines.append((row["due_on"], row["description"]))
        saved = self.call_service(
            services.funding_source_save,
            actor=request.user,
            **form.cleaned_data,
            caps=caps,
            deadlines=deadlines,
            exact=True,
        )
        _adopt(form.instance, saved)


class ExpenditureForm(forms.ModelForm):
    class Meta:
        model = Expenditure
        fields = ("spent_on", "amount", "line", "source", "vendor", "description", "reference")


@admin.register(Expenditure)
class ExpenditureAdmin(ServiceSaveMixin, SupervisorAdmin):
    form = ExpenditureForm
    list_display = ("spent_on", "amount", "line", "source", "vendor", "reference")
    list_filter = ("source", "line__category")
    search_fields = ("vendor", "description", "reference")
    date_hierarchy = "spent_on"

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)  # a charge is corrected by another

    def save_model(self, request, obj, form, change):
        saved = self.call_service(services.expenditure_record, actor=request.user, **form.cleaned_data)
        _adopt(obj, saved)


@admin.register(ImportMapping)
class ImportMappingAdmin(ServiceSaveMixin, SupervisorAdmin):
    list_display = ("name", "date_format")

    def save_model(self, request, obj, form, change):
        saved = self.call_service(services.import_mapping_save, actor=request.user, **form.cleaned_data)
        _adopt(obj, saved)


@admin.register(ImportRun)
class ImportRunAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("created_at", "filename", "rows_total", "rows_created", "rows_already_there", "actor")


@admin.register(BurnRateWarning)
class BurnRateWarningAdmin(SupervisorAdmin):
    read_only = True
    list_display = ("raised_on", "source", "condition", "spent_to_date", "projected", "awarded")
    list_filter = ("condition",)
