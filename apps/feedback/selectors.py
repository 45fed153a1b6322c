"""Reads about feedback and outreach, in aggregate: what the insights measures and the public
pages count. No message's words or contact leave here."""

import hashlib
import re
from datetime import date, datetime, time, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.feedback.models import CommunityFeedback, FeedbackCard, OutreachEvent, Reply


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


# --- feedback cards --------------------------------------------------------------------------------------

TOKEN = re.compile(r"^[0-9a-hjkmnp-tv-z]{20}$")  # 20 characters of lower-case Crockford base32: 100 bits
CARD_QUESTIONS = ("respect", "needs_met", "call_again")
_LOOKALIKES = str.maketrans("oil", "011")


def card_token(raw: str) -> str | None:
    """A token as a person may have typed it from a printed card (capitals, dashes, O for 0), or
    None when it cannot be one (then no lookup is made)."""
    token = (raw or "").strip().lower().replace("-", "").replace(" ", "").translate(_LOOKALIKES)
    return token if TOKEN.match(token) else None


def feedback_card_for(token: str) -> FeedbackCard | None:
    """The card a link names, found by the digest of its token; None for anything unknown."""
    token = card_token(token)
    if token is None:
        return None
    return FeedbackCard.objects.filter(token_hash=hashlib.sha256(token.encode()).hexdigest()).first()


def card_state(card: FeedbackCard | None) -> str:
    """What the public page says: unknown, answered, expired or open."""
    if card is None:
        return "unknown"
    if card.answered_at is not None:
        return "answered"
    return "expired" if card.expires_at <= timezone.now() else "open"


def recipient_feedback_totals(*, start: date, end: date, team_id: int | None = None) -> dict:
    """Cards offered on days start..end (inclusive) and what the people served answered.

    `response_rate` is answered/issued (None when none were issued); for each question the counts
    of yes/partly/no and a score from 0 to 100 (yes counts 1, partly one half, no 0; None with no
    answers). `commented` counts answers with words; the words themselves never leave here.
    """
    cards = FeedbackCard.objects.filter(issued_at__gte=_instant(start), issued_at__lt=_instant(end + timedelta(days=1)))
    if team_id is not None:
        cards = cards.filter(team_id=team_id)
    counts = {f"{q}_{r}": Count("id", filter=Q(**{q: r})) for q in CARD_QUESTIONS for r in Reply.values}
    row = cards.aggregate(
        issued=Count("id"),
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        commented=Count("id", filter=Q(answered_at__isnull=False) & ~Q(comment="")),
        **counts,
    )
    questions = {}
    for question in CARD_QUESTIONS:
        tally = {reply: row[f"{question}_{reply}"] for reply in Reply.values}
        total = sum(tally.values())
        score = (tally["yes"] + tally["partly"] / 2) / total * 100 if total else None
        questions[question] = {**tally, "answers": total, "score": round(score, 1) if score is not None else None}
    issued, answered = row["issued"], row["answered"]
    return {
        "issued": issued,
        "answered": answered,
        "response_rate": round(answered / issued, 3) if issued else None,
        "commented": row["commented"],
        "questions": questions,
    }


def feedback_for_measures(*, since: datetime, until: datetime) -> list[tuple[datetime, str, float | None, bool]]:
    """Each message received in [since, until), for the insights measures: (received at, kind,
    hours to the program's first response or None, answered). Never its words or contact."""
    rows = CommunityFeedback.objects.filter(received_at__gte=since, received_at__lt=until).values_list(
        "received_at", "kind", "reviewed_at", "answered_at"
    )
    return [
        (at, kind, (reviewed - at).total_seconds() / 3600 if reviewed else None, answered is not None)
        for at, kind, reviewed, answered in rows
    ]


def outreach_for_measures(*, start: date, end: date) -> list[tuple[date, str, int]]:
    """Each outreach event or training session held on days start..end: (day, kind, people reached)."""
    rows = OutreachEvent.objects.filter(held_on__gte=start, held_on__lte=end)
    return list(rows.values_list("held_on", "kind", "people_reached"))


def listening_changed_by_month() -> dict[date, datetime]:
    """When each month's feedback and outreach last grew: the latest message received in it, the
    latest outreach event recorded for a day in it (the public releases are recomputed after)."""
    changed: dict[date, datetime] = {}
    events = OutreachEvent.objects.annotate(month=TruncMonth("held_on")).values("month").annotate(at=Max("created_at"))
    messages = (
        CommunityFeedback.objects.annotate(month=TruncMonth("received_at", tzinfo=_zone()))
        .values("month")
        .annotate(at=Max("received_at"))
    )
    for row in [*events.order_by(), *messages.order_by()]:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        changed[month] = max(changed.get(month, row["at"]), row["at"])
    return changed


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.FIRSTLINE_PROGRAM_TIME_ZONE)


def feedback_cards_for_measures(*, since: datetime, until: datetime) -> list[tuple]:
    """Each card issued in [since, until), for the insights measures: (issued at, team id, call type
    code, answered?, respect, needs met, call again), the replies "" when not given. Never the words."""
    cards = FeedbackCard.objects.filter(issued_at__gte=since, issued_at__lt=until)
    return [
        (at, team, call_type or "", answered is not None, *replies)
        for at, team, call_type, answered, *replies in cards.values_list(
            "issued_at",
            "team_id",
            "encounter__incident__call_type__code",
            "answered_at",
            *CARD_QUESTIONS,
        )
    ]


def themes_for_measures(*, since: datetime, until: datetime) -> list[tuple[datetime, str]]:
    """Each theme tag on a message received, or a card answered, in [since, until): (when, theme)."""
    messages = CommunityFeedback.objects.filter(received_at__gte=since, received_at__lt=until)
    cards = FeedbackCard.objects.filter(answered_at__gte=since, answered_at__lt=until)
    rows = [*messages.values_list("received_at", "themes"), *cards.values_list("answered_at", "themes")]
    return [(at, theme) for at, themes in rows for theme in themes or []]


def published_words(*, limit: int = 5) -> list[dict]:
    """The latest words a supervisor reviewed and marked publishable, for the public pages:
    {"month": the first day of the month they were written, "text", "source": "community" or "card"}.
    Nothing else about them (no day, team, kind of call or contact)."""
    messages = CommunityFeedback.objects.filter(publishable_at__isnull=False).order_by("-received_at")[:limit]
    cards = FeedbackCard.objects.filter(publishable_at__isnull=False, answered_at__isnull=False)
    cards = cards.order_by("-answered_at")[:limit]
    found = [(m.received_at, m.message, "community") for m in messages]
    found += [(c.answered_at, c.comment, "card") for c in cards]
    found.sort(key=lambda row: row[0], reverse=True)
    zone = _zone()
    return [
        {"month": at.astimezone(zone).date().replace(day=1), "text": text, "source": source}
        for at, text, source in found[:limit]
        if text.strip()
    ]
