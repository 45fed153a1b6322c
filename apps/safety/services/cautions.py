"""Caution notes supervisors keep about a location (shown with premise history)."""

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.roles import is_supervisor
from apps.audit.services import audit_record
from apps.common.errors import PermissionRefused
from apps.safety.models import LocationCaution


def caution_save(*, actor, caution: LocationCaution, changed: list[str] | None = None) -> LocationCaution:
    """A supervisor writes or changes a location's caution note; audited with the fields changed."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only a supervisor keeps caution notes."))
    creating = caution.pk is None
    caution.updated_by = actor
    caution.full_clean()
    with transaction.atomic():
        caution.save()
        audit_record(
            actor=actor,
            action="caution.create" if creating else "caution.update",
            obj=caution,
            detail={"fields": sorted(changed or []), "flags": caution.flags},
        )
    return caution
