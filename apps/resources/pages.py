"""The capacity page: partner staff (and supervisors) say how many places their services have free.

A plain form page so it works on any phone at a front desk; every update goes through
services.capacity_update, the same rule and audit as the API.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.roles import Role, is_supervisor, role_of
from apps.common.errors import ApplicationError
from apps.resources import services
from apps.resources.cards import capacity_payload
from apps.resources.models import Service


def _services_for(user):
    qs = Service.objects.filter(status=Service.Status.ACTIVE).select_related("organization", "capacity")
    if is_supervisor(user):
        return qs.filter(capacity__isnull=False).order_by("organization__name", "name")
    if role_of(user) == Role.PARTNER:
        return qs.filter(organization_id=user.partner_organization_id).order_by("name")
    raise PermissionDenied


def _number(value: str) -> int | None:
    value = (value or "").strip()
    if value == "":
        return None
    if not value.isdigit():
        raise ValidationError(_("Enter a whole number of 0 or more."))
    return int(value)


@login_required
def capacity_page(request):
    listed = _services_for(request.user)
    if request.method == "POST":
        try:
            service = listed.get(pk=request.POST.get("service"))
        except (Service.DoesNotExist, ValidationError, ValueError):
            messages.error(request, _("That service is not one you can update."))
            return redirect("resources-capacity")
        try:
            services.capacity_update(
                actor=request.user,
                service_id=service.pk,
                available=_number(request.POST.get("available")),
                total=_number(request.POST.get("total")),
                unit=(request.POST.get("unit") or "").strip()[:40] or None,
            )
        except (ApplicationError, ValidationError) as error:
            text = getattr(error, "message", None) or " ".join(error.messages)
            messages.error(request, _("%(service)s: %(problem)s") % {"service": service.name, "problem": text})
        else:
            messages.success(request, _("Saved: %(service)s.") % {"service": service.name})
        return redirect("resources-capacity")
    rows = []
    for service in listed:
        capacity = getattr(service, "capacity", None) if _has_capacity(service) else None
        rows.append({"service": service, "capacity": capacity_payload(capacity), "unit": _unit(capacity)})
    return render(request, "resources/capacity.html", {"rows": rows})


def _has_capacity(service) -> bool:
    try:
        service.capacity  # noqa: B018 - the reverse one-to-one raises when absent
    except Service.capacity.RelatedObjectDoesNotExist:
        return False
    return True


def _unit(capacity) -> str:
    return capacity.unit if capacity else "beds"
