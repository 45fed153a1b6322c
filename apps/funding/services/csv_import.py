"""Importing spending from a CSV file: a saved column mapping, rows recorded once each (by
fingerprint), every row through the same rule as a charge entered by hand.
"""

import csv
import hashlib
import io
from datetime import datetime

from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.common.errors import ApplicationError
from apps.funding.models import Category, Expenditure, FundingSource, ImportMapping, ImportRun
from apps.funding.selectors import budget_in_force
from apps.funding.services.shared import IMPORT_FIELDS, REQUIRED_IMPORT_FIELDS, _amount, _require_keeper
from apps.funding.services.spending import expenditure_record


def import_mapping_save(*, actor, name: str, columns: dict, date_format: str = "%Y-%m-%d") -> ImportMapping:
    _require_keeper(actor)
    missing = [field for field in REQUIRED_IMPORT_FIELDS if not columns.get(field)]
    if missing:
        raise ApplicationError(_("The mapping needs a column for %(field)s.") % {"field": missing[0]})
    unknown = [field for field in columns if field not in IMPORT_FIELDS]
    if unknown:
        raise ApplicationError(_("“%(field)s” is not a field of an expenditure.") % {"field": unknown[0]})
    mapping, _created = ImportMapping.objects.update_or_create(
        name=name, defaults={"columns": columns, "date_format": date_format}
    )
    audit_record(actor=actor, action="funding.mapping.save", obj=mapping)
    return mapping


def _fingerprint(values: dict, occurrence: int) -> str:
    """The same row of the same file always gives the same print (the n-th of identical rows too)."""
    text = "\x1f".join(str(values.get(field, "")).strip() for field in IMPORT_FIELDS) + f"\x1f{occurrence}"
    return hashlib.sha256(text.encode()).hexdigest()


def _resolve_row(values: dict, mapping: ImportMapping) -> dict:
    try:
        spent_on = datetime.strptime(values["spent_on"].strip(), mapping.date_format).date()  # noqa: DTZ007 a day
    except ValueError:
        raise ApplicationError(_("“%(value)s” is not a date.") % {"value": values["spent_on"]}) from None
    amount = _amount(values["amount"])
    category = values["category"].strip().lower()
    labels = {str(label).lower(): value for value, label in Category.choices}
    category = labels.get(category, category)
    if category not in Category.values:
        raise ApplicationError(_("“%(category)s” is not a budget category.") % {"category": values["category"]})
    source = FundingSource.objects.filter(name__iexact=values["source"].strip()).first()
    if source is None:
        raise ApplicationError(_("No funding source is called “%(name)s”.") % {"name": values["source"]})
    budget = budget_in_force(spent_on)
    if budget is None:
        raise ApplicationError(_("No budget is in force on %(day)s.") % {"day": spent_on})
    lines = budget.lines.filter(category=category)
    if values.get("program_area"):
        lines = lines.filter(program_area__iexact=values["program_area"].strip())
    funded = lines.filter(allocations__source=source).first()
    line = funded or lines.first()
    if line is None:
        raise ApplicationError(_("The budget in force has no %(category)s line.") % {"category": category})
    return {
        "spent_on": spent_on,
        "amount": amount,
        "line": line,
        "source": source,
        "vendor": values.get("vendor", "")[:200],
        "description": values.get("description", "")[:300],
        "reference": values.get("reference", "")[:100],
    }


def spending_import(*, actor, text: str, mapping: ImportMapping, filename: str = "") -> ImportRun:
    """Import a finance system's CSV. Each row is charged on its own (a refused row is reported with
    its line number and reason, the others still land); a row already imported is skipped, so
    importing the same file again changes nothing."""
    _require_keeper(actor)
    run = ImportRun.objects.create(mapping=mapping, filename=filename[:255], actor=actor if actor.pk else None)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headings = set(reader.fieldnames or [])
    missing = [mapping.columns[f] for f in REQUIRED_IMPORT_FIELDS if mapping.columns.get(f) not in headings]
    errors = []
    if missing:
        errors.append({"row": 1, "error": _("The file has no column “%(column)s”.") % {"column": missing[0]}})
    seen: dict[str, int] = {}
    created = already = total = 0
    for number, raw in enumerate(reader if not missing else [], start=2):
        total += 1
        values = {field: (raw.get(column) or "") for field, column in mapping.columns.items()}
        key = "\x1f".join(str(values.get(field, "")).strip() for field in IMPORT_FIELDS)
        seen[key] = seen.get(key, 0) + 1
        fingerprint = _fingerprint(values, seen[key])
        if Expenditure.objects.filter(fingerprint=fingerprint).exists():
            already += 1
            continue
        try:
            expenditure_record(actor=actor, fingerprint=fingerprint, import_run=run, **_resolve_row(values, mapping))
        except ApplicationError as error:
            errors.append({"row": number, "error": error.message})
            continue
        created += 1
    run.rows_total, run.rows_created, run.rows_already_there, run.errors = total, created, already, errors
    run.save()
    audit_record(
        actor=actor,
        action="funding.import",
        obj=run,
        detail={"file": filename, "created": created, "already_there": already, "errors": len(errors)},
    )
    return run
