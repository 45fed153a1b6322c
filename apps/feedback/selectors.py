"""Reads about feedback and outreach, in aggregate: what the insights measures and the public
pages count. No message's words or contact leave here."""

from datetime import date, datetime, time, timedelta
from statistics import median

from django.db.models import Count, Sum
from django.utils import timezone

from apps.feedback.models import CommunityFeedback, OutreachEvent


def _instant(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def outreach_totals(*, start: date, end: date) -> dict[str, dict]:
    """Events and people reached by kind, for days start..end (inclusive)."""
    rows = (
        OutreachEvent.objects.filter(held_on__gte=start, held_on__lte=end)
        .values("kind")
        .annotate(events=Count("id"), people=Sum("people_reached"))
    )
    return {row["kind"]: {"events": row["events"], "people": row["people"] or 0} for row in rows}


def community_feedback_totals(*, start: date, end: date) -> dict:
    """Messages received by kind, how many were answered, and the median hours to the program's
    first response (reviewed or answered) of those that have one."""
    received = CommunityFeedback.objects.filter(
        received_at__gte=_instant(start), received_at__lt=_instant(end + timedelta(days=1))
    )
    by_kind = {row["kind"]: row["n"] for row in received.values("kind").annotate(n=Count("id"))}
    hours = [
        (first - at).total_seconds() / 3600
        for at, first in received.filter(reviewed_at__isnull=False).values_list("received_at", "reviewed_at")
    ]
    return {
        "by_kind": by_kind,
        "received": sum(by_kind.values()),
        "answered": received.filter(answered_at__isnull=False).count(),
        "median_response_hours": round(median(hours), 1) if hours else None,
        "responded": len(hours),
    }


def feedback_waiting() -> int:
    """Messages nobody has looked at yet (the supervisor's admin index says so)."""
    return CommunityFeedback.objects.filter(status="new").count()
