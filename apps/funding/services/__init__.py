"""The only writers of budgets, funding sources, allocations and spending.

Every charge passes `expenditure_check`, so the admin, the import and the command refuse the same
charge with the same words. Doors call these through this package's names; the modules inside are
split by sub-domain (budgets, sources, spending, csv_import).
"""

from apps.funding.services.budgets import (
    budget_line_add,
    budget_line_change,
    budget_version_copy,
    budget_version_create,
    fiscal_year_bounds,
    fiscal_year_create,
)
from apps.funding.services.csv_import import import_mapping_save, spending_import
from apps.funding.services.shared import CENT, IMPORT_FIELDS, REQUIRED_IMPORT_FIELDS
from apps.funding.services.sources import allocation_set, funding_source_save
from apps.funding.services.spending import expenditure_check, expenditure_record
from apps.funding.services.warnings import burn_rate_warnings_raise

__all__ = [
    "CENT",
    "IMPORT_FIELDS",
    "REQUIRED_IMPORT_FIELDS",
    "allocation_set",
    "budget_line_add",
    "budget_line_change",
    "budget_version_copy",
    "budget_version_create",
    "burn_rate_warnings_raise",
    "expenditure_check",
    "expenditure_record",
    "fiscal_year_bounds",
    "fiscal_year_create",
    "funding_source_save",
    "import_mapping_save",
    "spending_import",
]
