"""Budgets (kept in versions), funding sources with their restrictions, allocations and spending.

Money is `DecimalField(max_digits=14, decimal_places=2)` in the one currency of the program
(`FIRSTLINE_CURRENCY`), never a float, so every total adds up to the cent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def money(**kwargs):
    return models.DecimalField(max_digits=14, decimal_places=2, **kwargs)


class Category(models.TextChoices):
    STAFFING = "staffing", _("Staffing")
    FRINGE = "fringe", _("Fringe benefits")
    DIRECT = "direct", _("Direct costs")
    INDIRECT = "indirect", _("Indirect costs")
    RADIOS = "radios", _("Radios and communications")
    VEHICLES = "vehicles", _("Vehicles and fuel")
    UNIFORMS = "uniforms", _("Uniforms and equipment")
    MARKETING = "marketing", _("Marketing and outreach")
    WELLNESS = "wellness", _("Wellness")
    TRAINING = "training", _("Training")
    TECHNOLOGY = "technology", _("Technology")
    OTHER = "other", _("Other")


class Measure(models.TextChoices):
    """What a funder may ask to see in the report's appendix (the program's operational measures)."""

    CALLS = "calls", _("Calls handled")
    WITHOUT_POLICE = "without_police", _("Calls handled without police")
    SHARE_WITHOUT_POLICE = "share_without_police", _("Share of calls handled without police (%)")
    POLICE_HOURS = "police_hours", _("Estimated police hours avoided")
    PEOPLE_SERVED = "people_served", _("People served")
    RESOLVED_ON_SCENE = "resolved_on_scene", _("Calls resolved on scene")
    REFERRED = "referred", _("Calls ending in a referral")
    TRANSPORTED = "transported", _("Calls ending in a transport")
    MEDIAN_RESPONSE = "median_response", _("Median minutes from call to a team on scene")
    BILLABLE = "billable", _("Encounters meeting the Medicaid mobile-crisis criteria")


class FiscalYear(models.Model):
    name = models.CharField(_("name"), max_length=20, unique=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("The last day of the fiscal year."))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")

    def __str__(self) -> str:
        return self.name


class Budget(models.Model):
    """One version of a fiscal year's budget. A change is a new version; old ones stay as they were."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ADOPTED = "adopted", _("Adopted")
        AMENDED = "amended", _("Amended")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="budgets")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    effective_on = models.DateField(_("in force from"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fiscal_year", "number"]
        verbose_name = _("budget version")
        verbose_name_plural = _("budget versions")
        constraints = [models.UniqueConstraint(fields=["fiscal_year", "number"], name="budget_version_unique")]

    def __str__(self) -> str:
        return f"{self.fiscal_year} v{self.number} ({self.get_status_display()})"


class BudgetLine(models.Model):
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="lines")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = money(verbose_name=_("amount"))
    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("team")
    )
    program_area = models.CharField(_("program area"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["budget", "category", "pk"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        area = f" · {self.program_area}" if self.program_area else ""
        return f"{self.get_category_display()}{area} ({self.budget})"


class FundingSource(models.Model):
    class Kind(models.TextChoices):
        GENERAL_FUND = "general_fund", _("General fund")
        GRANT = "grant", _("Grant")
        SETTLEMENT = "settlement", _("Settlement")
        MEDICAID = "medicaid", _("Medicaid")
        PHILANTHROPY = "philanthropy", _("Philanthropy")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    awarded = money(verbose_name=_("amount awarded"))
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    allowed_categories = models.JSONField(
        _("allowed categories"), default=list, blank=True, help_text=_("Empty means every category.")
    )
    match_percent = models.DecimalField(
        _("match required (%)"), max_digits=5, decimal_places=2, default=0, help_text=_("Local match as a percent.")
    )
    restrictions_notes = models.TextField(_("other restrictions"), blank=True)
    measures = models.JSONField(
        _("measures reported"),
        default=list,
        blank=True,
        help_text=_("The measures this funder asks for in the report's appendix; empty means all of them."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return self.name

    def allows(self, category: str) -> bool:
        return not self.allowed_categories or category in self.allowed_categories


class CategoryCap(models.Model):
    """The most a source may pay for one category over its whole period."""

    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="caps")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    cap = money(verbose_name=_("cap"))

    class Meta:
        verbose_name = _("cap per category")
        verbose_name_plural = _("caps per category")
        constraints = [models.UniqueConstraint(fields=["source", "category"], name="category_cap_unique")]

    def __str__(self) -> str:
        return f"{self.source} · {self.get_category_display()} ≤ {self.cap}"


class ReportingDeadline(models.Model):
    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="deadlines")
    due_on = models.DateField(_("due on"))
    description = models.CharField(_("what is due"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")

    def __str__(self) -> str:
        return f"{self.source} · {self.due_on}"


class Allocation(models.Model):
    """Part (or all) of a budget line paid by one source; a line may be split across several."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="allocations")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="allocations")
    amount = money(verbose_name=_("amount"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        constraints = [models.UniqueConstraint(fields=["line", "source"], name="allocation_line_source_unique")]

    def __str__(self) -> str:
        return f"{self.source} → {self.line}: {self.amount}"


class ImportMapping(models.Model):
    """Which column of a finance system's CSV holds which field; saved so next month's file just works."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    columns = models.JSONField(_("columns"), default=dict, help_text=_("Field name to the CSV column heading."))
    date_format = models.CharField(_("date format"), max_length=40, default="%Y-%m-%d")

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self) -> str:
        return self.name


class ImportRun(models.Model):
    mapping = models.ForeignKey(ImportMapping, null=True, on_delete=models.SET_NULL, related_name="runs")
    filename = models.CharField(_("file"), max_length=255, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_already_there = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("spending import")
        verbose_name_plural = _("spending imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"


class Expenditure(models.Model):
    spent_on = models.DateField(_("spent on"), db_index=True)
    amount = money(verbose_name=_("amount"))
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="expenditures")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="expenditures")
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    fingerprint = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")

    def __str__(self) -> str:
        return f"{self.spent_on} {self.amount} {self.vendor}"


class BurnRateWarning(models.Model):
    """A source whose pace of spending will run out before its period ends, or leave money unspent.
    Raised once per source and condition by the daily beat job (apps/funding/tasks.py), never again."""

    class Condition(models.TextChoices):
        RUNS_OUT = "runs_out", _("Runs out before its period ends")
        LEFT_UNSPENT = "left_unspent", _("Money left unspent at its period's end")

    source = models.ForeignKey(FundingSource, on_delete=models.CASCADE, related_name="warnings")
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    raised_on = models.DateField(_("raised on"))
    spent_to_date = money(verbose_name=_("spent to date"))
    projected = money(verbose_name=_("projected spending at the period's end"))
    awarded = money(verbose_name=_("amount awarded"))

    class Meta:
        ordering = ["-raised_on", "source"]
        verbose_name = _("burn-rate warning")
        verbose_name_plural = _("burn-rate warnings")
        constraints = [
            models.UniqueConstraint(fields=["source", "condition"], name="burn_rate_warning_once_per_condition")
        ]

    def __str__(self) -> str:
        return f"{self.source} · {self.get_condition_display()}"

    def describe(self) -> str:
        """The warning in words, in the active language."""
        values = {
            "source": self.source.name,
            "ends": self.source.ends_on.isoformat(),
            "spent": self.spent_to_date,
            "projected": self.projected,
            "awarded": self.awarded,
            "left": self.awarded - self.projected,
        }
        if self.condition == self.Condition.RUNS_OUT:
            return (
                gettext(
                    "%(source)s: %(spent)s spent so far; at this pace %(projected)s would be spent by %(ends)s, "
                    "more than the %(awarded)s awarded. The money runs out before the period ends."
                )
                % values
            )
        return (
            gettext(
                "%(source)s: %(spent)s spent so far; at this pace only %(projected)s of the %(awarded)s awarded "
                "would be spent by %(ends)s, leaving %(left)s unspent."
            )
            % values
        )
