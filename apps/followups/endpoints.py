"""Writes about partner webhook endpoints: every create and change checks the address policy and
the secret, and leaves an audit row. The admin calls these; nothing else writes an endpoint.

The audit row names what changed, never the secret itself.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.roles import is_supervisor
from apps.audit.services import audit_record
from apps.common.errors import ApplicationError, NotFound, PermissionRefused
from apps.followups.models import PartnerEndpoint
from apps.resources.models import Service

MIN_SECRET_LENGTH = 24
KEEP = object()  # partner_endpoint_update: leave the endpoint's service as it is


def new_endpoint_secret() -> str:
    return secrets.token_urlsafe(32)


def _check_secret(secret: str) -> None:
    if len(secret) < MIN_SECRET_LENGTH or secret.strip() != secret:
        raise ApplicationError(
            _("The shared secret is too short."),
            extra={
                "secret": [
                    _("Use at least %(count)d characters, or leave it empty to generate one.")
                    % {"count": MIN_SECRET_LENGTH}
                ]
            },
        )


def _validated_save(endpoint: PartnerEndpoint, fields: list[str] | None = None) -> None:
    # An unchanged address is not judged again, so an old endpoint can still be switched off.
    exclude = ["url"] if fields is not None and "url" not in fields else None
    try:
        endpoint.full_clean(exclude=exclude)
    except ValidationError as error:
        messages = error.message_dict
        first = next(iter(messages.values()))[0]
        raise ApplicationError(first, extra=messages) from None
    endpoint.save(update_fields=fields)


def _check_service(organization_id, service_id) -> None:
    """An endpoint for one service must be that service's own organization's."""
    if service_id is not None and not Service.objects.filter(pk=service_id, organization_id=organization_id).exists():
        raise ApplicationError(
            _("That service is not one of this organization's."),
            extra={"service": [_("Choose a service of the partner.")]},
        )


def partner_endpoint_create(
    *, actor, organization_id, url: str, secret: str = "", active: bool = True, service_id=None
) -> tuple[PartnerEndpoint, str]:
    """Register a partner's webhook. Answers the endpoint and its secret (generated when none is
    given), which the supervisor hands to the partner once; it is stored only encrypted."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only supervisors manage partner endpoints."))
    secret = secret or new_endpoint_secret()
    _check_secret(secret)
    _check_service(organization_id, service_id)
    endpoint = PartnerEndpoint(
        organization_id=organization_id, service_id=service_id, url=(url or "").strip(), secret=secret, active=active
    )
    with transaction.atomic():
        _validated_save(endpoint)
        audit_record(
            actor=actor,
            action="partner_endpoint.create",
            obj=endpoint,
            detail={
                "organization": str(organization_id),
                "service": str(service_id or ""),
                "url": endpoint.url,
                "active": active,
            },
        )
    return endpoint, secret


def partner_endpoint_update(
    *,
    actor,
    endpoint_id,
    url: str | None = None,
    secret: str | None = None,
    active: bool | None = None,
    service_id=KEEP,
) -> PartnerEndpoint:
    """Change an endpoint's address, secret, service or switch. None (KEEP for the service) leaves a
    value as it is."""
    if not is_supervisor(actor):
        raise PermissionRefused(_("Only supervisors manage partner endpoints."))
    with transaction.atomic():
        endpoint = PartnerEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None:
            raise NotFound(_("No such partner endpoint."))
        changed = {}
        if url is not None and url.strip() != endpoint.url:
            changed["url"] = {"before": endpoint.url, "after": url.strip()}
            endpoint.url = url.strip()
        if secret:
            _check_secret(secret)
            if secret != endpoint.secret:
                changed["secret"] = {"replaced": True}
                endpoint.secret = secret
        if service_id is not KEEP and service_id != endpoint.service_id:
            _check_service(endpoint.organization_id, service_id)
            changed["service"] = {"before": str(endpoint.service_id or ""), "after": str(service_id or "")}
            endpoint.service_id = service_id
        if active is not None and active != endpoint.active:
            changed["active"] = {"before": endpoint.active, "after": active}
            endpoint.active = active
        if not changed:
            return endpoint
        _validated_save(endpoint, fields=[name for name in ("url", "secret", "service", "active") if name in changed])
        audit_record(actor=actor, action="partner_endpoint.update", obj=endpoint, detail={"changed": changed})
    return endpoint
