"""Forgetting what call centers sent, once it has served (apps.retention runs it).

The raw EIDO documents are deleted (the incident holds what Firstline read from them; a resubmission
this late starts a new call), a handback keeps its reason but not the document sent back, an Open311
request keeps its service code and rough position but not the requester's contact, description or
address, and a screening decision keeps its answers, reasons and outcome (the policy report counts
them) but not the summary and address the call-taker typed.
"""

from datetime import datetime

from django.db.models import Q

from apps.intake.models import EidoDocument, Handback, Open311Request, ScreeningDecision


def _window(field: str, since: datetime | None, cutoff: datetime) -> Q:
    window = Q(**{f"{field}__lt": cutoff})
    return window & Q(**{f"{field}__gte": since}) if since is not None else window


def intake_payloads_forget(*, cutoff: datetime, since: datetime | None = None, dry_run: bool = False) -> dict:
    """Forget what arrived before `cutoff` (and, when given, on or after `since`: the previous run's
    cutoff, so a daily run touches one day of rows and never filters on the text it blanks)."""
    eido = EidoDocument.objects.filter(_window("last_received_at", None, cutoff))
    handbacks = Handback.objects.filter(_window("created_at", since, cutoff))
    open311 = Open311Request.objects.filter(_window("requested_at", since, cutoff))
    decisions = ScreeningDecision.objects.filter(_window("decided_at", since, cutoff))
    counts = {
        "eido_documents": eido.count(),
        "handbacks": handbacks.count(),
        "open311_requests": open311.count(),
        "screening_decisions": decisions.count(),
    }
    if dry_run:
        return counts
    eido.delete()
    handbacks.update(document={})
    for request in Open311Request.objects.filter(pk__in=list(open311.values_list("pk", flat=True))).only(
        "pk", "latitude", "longitude"
    ):
        Open311Request.objects.filter(pk=request.pk).update(
            contact={},
            description="",
            address_string="",
            latitude=round(request.latitude, 2) if request.latitude is not None else None,
            longitude=round(request.longitude, 2) if request.longitude is not None else None,
        )
    decisions.update(summary="", location_text="")
    return counts
