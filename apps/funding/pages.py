"""Pages: the figures (/funding/), the spending import and the funder report. Thin: they read
selectors and call services; who may see what is decided by apps.accounts.roles."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import may_keep_funding, may_read_funding_totals
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError
from apps.funding import billable, conf, reports, selectors, services
from apps.funding.models import FundingSource, ImportMapping, ImportRun
from apps.incidents.models import Coverage
from apps.teams.models import Certification

MAX_UPLOAD_BYTES = 10 * 2**20


def _period(request) -> tuple[date, date]:
    today = timezone.localdate()
    start, end = selectors.current_fiscal_year_bounds(today)
    end = min(end, today)  # the year so far
    try:
        start = date.fromisoformat(request.GET.get("start") or start.isoformat())
        end = date.fromisoformat(request.GET.get("end") or end.isoformat())
    except ValueError:
        pass
    if end < start:
        start, end = end, start
    return start, end


def _bars(rows: list[dict], *, budget: str, actual: str) -> list[dict]:
    """Widths (percent of the largest amount) for the page's simple SVG bars."""
    top = max([r[budget] for r in rows] + [r[actual] for r in rows] + [1])
    return [
        {**r, "budget_width": float(r[budget] * 100 / top), "actual_width": float(r[actual] * 100 / top)} for r in rows
    ]


@login_required
def figures(request):
    if not may_read_funding_totals(request.user):
        raise PermissionDenied(_("The program's money is for finance staff, supervisors and analysts."))
    start, end = _period(request)
    context = {
        "start": start,
        "end": end,
        "figures": selectors.figures_for_period(start, end),
        "categories": _bars(selectors.budget_vs_actual_by_category(start, end), budget="budget", actual="actual"),
        "sources": _bars(selectors.source_summaries(start, end), budget="awarded", actual="spent_to_date"),
        "keeper": may_keep_funding(request.user),
        "warnings": selectors.burn_rate_warnings(),
        "all_sources": selectors.sources_for_choice() if may_keep_funding(request.user) else [],
    }
    return render(request, "funding/figures.html", context)


@login_required
def spending_import_page(request):
    if not may_keep_funding(request.user):
        raise PermissionDenied(_("Only finance staff and supervisors import spending."))
    run = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        mapping = ImportMapping.objects.filter(pk=request.POST.get("mapping") or 0).first()
        if upload is None or mapping is None:
            messages.error(request, _("Choose a mapping and a CSV file."))
        elif upload.size > MAX_UPLOAD_BYTES:
            messages.error(request, _("The file is larger than 10 MB."))
        else:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                messages.error(request, _("The file is not UTF-8 text."))
            else:
                try:
                    run = services.spending_import(actor=request.user, text=text, mapping=mapping, filename=upload.name)
                except ApplicationError as error:
                    messages.error(request, error.message)
    context = {
        "mappings": ImportMapping.objects.order_by("name"),
        "run": run,
        "recent": ImportRun.objects.select_related("mapping")[:10],
    }
    return render(request, "funding/import.html", context)


@login_required
def funder_report(request):
    """A funder report as CSV (the default) or XLSX (`?format=xlsx`)."""
    if not may_keep_funding(request.user):
        raise PermissionDenied(_("Funder reports are for finance staff and supervisors."))
    source_id = request.GET.get("source")
    if not source_id:
        return redirect("funding-figures")
    source = get_object_or_404(FundingSource, pk=source_id if str(source_id).isdigit() else 0)
    start, end = _period(request)
    kind = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    audit_record(
        actor=request.user,
        action="funding.report",
        obj=source,
        door="export",
        detail={"start": start.isoformat(), "end": end.isoformat(), "format": kind},
    )
    name = f"funder-report-{source.pk}-{start.isoformat()}-{end.isoformat()}.{kind}"
    if kind == "xlsx":
        response = HttpResponse(
            reports.funder_report_xlsx(source, start, end),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(reports.funder_report_csv(source, start, end), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def billable_encounters_page(request):
    """Encounters checked against the Medicaid mobile-crisis criteria; `?format=csv` downloads them."""
    if not may_keep_funding(request.user):
        raise PermissionDenied(_("Billable encounters are for finance staff and supervisors."))
    start, end = _period(request)
    if request.GET.get("format") == "csv":
        rows = billable.billable_encounters_for(user=request.user, start=start, end=end, door="export")
        response = HttpResponse(reports.billable_csv(rows), content_type="text/csv; charset=utf-8")
        name = f"billable-encounters-{start.isoformat()}-{end.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    rows = billable.billable_encounters_for(user=request.user, start=start, end=end, door="page")
    context = {
        "start": start,
        "end": end,
        "rows": rows,
        "billable_count": sum(1 for r in rows if r.billable),
        "criteria": conf.billable_criteria(),
        "qualified_kinds": [Certification.Kind(k).label for k in conf.billable_criteria()["qualified_certifications"]],
        "coverage_kinds": [Coverage(c).label for c in conf.billable_criteria()["coverage"]],
    }
    return render(request, "funding/billable.html", context)


def public_budget(request):
    """The transparency page: the budget in force, by category and by source. Open to anyone; it
    shows aggregates only."""
    today = timezone.localdate()
    return render(
        request, "funding/public_budget.html", {"summary": selectors.public_budget_summary(today), "today": today}
    )
