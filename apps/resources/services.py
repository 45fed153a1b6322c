"""Every write to the resource directory: imports, capacity updates, partnership changes."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.roles import Role, is_supervisor, role_of
from apps.audit.models import Door, Outcome
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.resources.importer import ImportResult, ProgressFn, RowError, import_hsds
from apps.resources.models import Organization, Service, ServiceCapacity
from apps.streams.names import BOARD
from apps.streams.services import stream_append


def directory_import(*, actor, path, progress: ProgressFn | None = None, door: str | None = None) -> ImportResult:
    """Import HSDS data. A person must be a supervisor; a management command (actor None) may always."""
    if actor is not None and not is_supervisor(actor):
        raise PermissionRefused(_("Only supervisors may import the resource directory."))
    door = door or (Door.COMMAND if actor is None else None)
    try:
        result = import_hsds(path, progress=progress)
    except RowError as error:
        # A refused package (outside paths, links, bombs) stays on record: it may be an attack.
        audit_record(
            actor=actor,
            action="resources.import",
            object_type="resources.directory",
            outcome=Outcome.DENIED,
            detail={"source": str(path)[-200:], "reason": str(error)[:300]},
            door=door,
        )
        raise
    audit_record(
        actor=actor,
        action="resources.import",
        object_type="resources.directory",
        detail={**result.totals(), "source": str(path)[-200:]},
        door=door,
    )
    return result


MAX_PLACES = 2_147_483_647  # PositiveIntegerField's upper bound


def may_update_capacity(user, service: Service) -> bool:
    if is_supervisor(user):
        return True
    return role_of(user) == Role.PARTNER and user.partner_organization_id == service.organization_id


def capacity_update(
    *, actor, service_id, available: int | None, total: int | None = None, unit: str | None = None
) -> ServiceCapacity:
    """Record how many places a service has free now; partners of its organization or supervisors."""
    if available is not None and available < 0:
        raise ApplicationError(_("Available places cannot be negative."))
    for name, value in (("available", available), ("total", total)):
        if value is not None and value > MAX_PLACES:  # the column's limit; every door gets a 400, not a 500
            raise ApplicationError(
                _("That number of places is too large."), extra={name: [_("Enter a smaller number.")]}
            )
    if unit and "\x00" in unit:
        raise ApplicationError(
            _("The unit cannot contain a NUL character."), extra={"unit": [_("Remove the NUL character.")]}
        )
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise NotFound(_("No such service."))
    if not may_update_capacity(actor, service):
        # Outside the transaction, so the refusal stays on record.
        audit_record(actor=actor, action="resources.capacity.update", obj=service, outcome="denied")
        raise PermissionRefused(_("Only the service's partner staff or a supervisor may update its capacity."))
    with transaction.atomic():
        service = Service.objects.select_for_update().get(pk=service.pk)
        capacity, _created = ServiceCapacity.objects.select_for_update().get_or_create(service=service)
        before = {"available": capacity.available, "total": capacity.total}
        capacity.available = available
        if total is not None:
            capacity.total = total
        if capacity.total is not None and available is not None and available > capacity.total:
            raise ApplicationError(_("Available places cannot exceed the total."))
        if unit:
            capacity.unit = unit
        capacity.updated_at = timezone.now()
        capacity.updated_by = actor
        capacity.save()
        audit_record(
            actor=actor,
            action="resources.capacity.update",
            obj=service,
            detail={"before": before, "available": available, "total": capacity.total, "unit": capacity.unit},
        )
        stream_append(
            stream=BOARD,
            kind="resource.capacity",
            data={"service": str(service.pk), "available": available, "total": capacity.total, "unit": capacity.unit},
        )
    return capacity


def partnership_checked(*, status: str, agreement_start: date | None, agreement_end: date | None) -> None:
    """The partnership's own rules, which a form may ask before anything is written."""
    if status not in Organization.Partnership.values:
        text = _("Partnership status must be one of %(statuses)s.") % {
            "statuses": ", ".join(Organization.Partnership.values)
        }
        raise ApplicationError(text, extra={"partnership_status": [text]})
    if agreement_start and agreement_end and agreement_end < agreement_start:
        text = _("The agreement cannot end before it starts.")
        raise ApplicationError(text, extra={"agreement_end": [text]})


def partnership_update(
    *,
    actor,
    organization_id,
    status: str,
    agreement_start: date | None = None,
    agreement_end: date | None = None,
    notes: str | None = None,
) -> Organization:
    """Supervisors record the program's relationship with an organization."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only supervisors may change partnerships."))
    partnership_checked(status=status, agreement_start=agreement_start, agreement_end=agreement_end)
    with transaction.atomic():
        organization = Organization.objects.select_for_update().filter(pk=organization_id).first()
        if organization is None:
            raise NotFound(_("No such organization."))
        organization.partnership_status = status
        organization.agreement_start = agreement_start
        organization.agreement_end = agreement_end
        if notes is not None:
            organization.partnership_notes = notes
        organization.save()
        audit_record(
            actor=actor,
            action="resources.partnership.update",
            obj=organization,
            detail={"status": status, "start": str(agreement_start or ""), "end": str(agreement_end or "")},
        )
    return organization
