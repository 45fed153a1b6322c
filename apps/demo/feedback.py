"""Riverton's year of listening: outreach events and call-center training sessions each month,
messages through the public feedback form (most read and answered, a few still new), and partners'
word on the handoff for most referrals they closed. Written through the feedback services, then
moved back to their own dates; feedback cards after a third of the year's encounters are written in
bulk like the archive (`feedback_cards`). Idempotent: a second `load_demo` adds nothing. All words
invented.
"""

import hashlib
import random
import uuid
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.feedback import conf as feedback_conf
from apps.feedback.models import CommunityFeedback, FeedbackCard, FeedbackStatus, OutreachEvent
from apps.feedback.services import (
    community_feedback_handle,
    community_feedback_submit,
    feedback_text_publishable,
    feedback_themes_set,
    outreach_save,
)
from apps.followups.models import Referral
from apps.incidents.models import Encounter

MONTHS = 13
OUTREACH = [
    ("Meet the team at the Eastside library", "Neighbours and library patrons", "Riverton Public Library"),
    ("Shelter staff briefing", "Shelter and day-center staff", "Riverton Shelter; Hope Day Center"),
    ("Faith leaders' breakfast", "Clergy and congregation volunteers", "Riverton Interfaith Council"),
    ("Business district walk", "Shop owners along Main Street", "Downtown Business Association"),
    ("Youth center open house", "Teenagers and youth workers", "Northside Youth Center"),
    ("Neighborhood association meeting", "Residents", "Westside Neighbors"),
]
TRAINING = [
    (
        "911 call-taker training: which calls go to the team",
        "Riverton 911 call-takers",
        "Riverton Emergency Communications",
    ),
    ("988 handoff practice", "988 crisis counselors", "Riverton Crisis Line"),
]
MESSAGES = [
    ("compliment", "The team talked my neighbor down calmly and stayed until his sister came.", "en"),
    ("compliment", "Thank you for treating my son with respect. No sirens, no handcuffs.", "en"),
    ("compliment", "El equipo fue muy amable con mi madre y le explicaron todo en español.", "es"),
    ("concern", "It took a long time for someone to come on Saturday night.", "en"),
    ("concern", "I called about a man sleeping outside a school and nobody told me what happened.", "en"),
    ("suggestion", "Put the team's number on the bus shelters so people know it exists.", "en"),
    ("suggestion", "Please have more Spanish speakers on the night shift.", "es"),
    ("concern", "A van was parked across my driveway during a call.", "en"),
    ("compliment", "The follow-up call the next day meant a lot.", "en"),
    ("suggestion", "Could you visit our senior center and explain when to call you?", "en"),
]
# The themes a supervisor reads in each message (by its first words), and those whose words name
# no one and may be published ("In their words" on /transparency/).
THEMES = {
    "The team talked": ["respect"],
    "Thank you for treating": ["respect", "safety"],
    "El equipo fue": ["respect", "language"],
    "It took a long time": ["wait_time"],
    "I called about": ["follow_up"],
    "Put the team's": ["other"],
    "Please have more Spanish": ["language"],
    "A van was parked": ["other"],
    "The follow-up call": ["follow_up"],
    "Could you visit": ["other"],
}
PUBLISHABLE = ("The team talked", "Thank you for treating", "El equipo fue", "The follow-up call", "Put the team's")
CARD_THEMES = {
    "They listened": ["respect"],
    "The responder knelt": ["respect"],
    "It took a while": ["wait_time", "referrals"],
    "I wanted someone": ["follow_up"],
    "Me hablaron": ["language", "respect"],
    "Gracias por no": ["safety"],
    "The shelter they": ["referrals"],
}
ANSWERS = [
    "Thank you. We shared your words with the team.",
    "We looked into it and talked with the team on that shift.",
    "We called you back and explained what happened.",
    "Good idea: it is on the outreach plan for next month.",
]


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _month_starts(today: date) -> list[date]:
    first = today.replace(day=1)
    starts = []
    for back in range(MONTHS, -1, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        starts.append(date(year, month + 1, 1))
    return starts


def _outreach(supervisor: User, rng: random.Random, today: date) -> int:
    made = 0
    for start in _month_starts(today):
        plan = [(*rng.choice(OUTREACH), "community") for _ in range(rng.randint(2, 4))]
        plan.append((*TRAINING[start.month % 2], "call_center_training"))
        for title, audience, organisations, kind in plan:
            held_on = start + timedelta(days=rng.randint(0, 27))
            if held_on > today or OutreachEvent.objects.filter(title=title, held_on=held_on).exists():
                continue
            reached = rng.randint(8, 24) if kind == "call_center_training" else rng.randint(12, 90)
            event = OutreachEvent(
                kind=kind,
                held_on=held_on,
                title=title,
                audience=audience,
                organisations=organisations,
                people_reached=reached,
                notes="Handouts in English and Spanish.",
            )
            outreach_save(actor=supervisor, event=event)
            made += 1
    return made


def _community(supervisor: User, rng: random.Random, now: datetime) -> int:
    made = 0
    today = now.date()
    for start in _month_starts(today):
        for n in range(rng.randint(6, 14)):
            day = start + timedelta(days=rng.randint(0, 27))
            if day > today:
                continue
            kind, message, language = rng.choice(MESSAGES)
            received = _at(day, rng.randint(7, 22))
            if received > now:
                continue
            # A fixed, invented address per message: the hourly limit is about scripts, not this.
            address = "192.0.2." + str(int(hashlib.sha256(f"{day}{n}".encode()).hexdigest(), 16) % 250 + 1)
            feedback = community_feedback_submit(
                kind=kind,
                message=message,
                contact="" if rng.random() < 0.6 else "555-0142",
                language=language,
                address=address,
            )
            CommunityFeedback.objects.filter(pk=feedback.pk).update(received_at=received)
            feedback.received_at = received
            age_days = (now - received).days
            if age_days >= 3 or rng.random() < 0.5:
                status = FeedbackStatus.ANSWERED if rng.random() < 0.7 else FeedbackStatus.REVIEWED
                answer = rng.choice(ANSWERS) if status == FeedbackStatus.ANSWERED else ""
                community_feedback_handle(actor=supervisor, feedback=feedback, status=status, answer=answer)
                first = min(received + timedelta(hours=rng.choice([3, 6, 20, 26, 48, 70])), now)
                CommunityFeedback.objects.filter(pk=feedback.pk).update(
                    reviewed_at=first, answered_at=first if status == FeedbackStatus.ANSWERED else None
                )
                opening = next(k for k in THEMES if message.startswith(k))
                feedback_themes_set(actor=supervisor, item=feedback, themes=THEMES[opening])
                if opening in PUBLISHABLE:
                    feedback_text_publishable(actor=supervisor, item=feedback, publishable=True)
            made += 1
    return made


def handoff_answers() -> int:
    """Most partners answer the optional handoff question when they close a referral: run after
    the archive, whose referrals were closed by partners too."""
    with transaction.atomic():
        return _handoffs(random.Random(4518))


def _handoffs(rng: random.Random) -> int:
    closed = list(
        Referral.objects.filter(status=Referral.Status.CLOSED, handoff_info_enough__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    answered = 0
    for pk in closed:
        if rng.random() < 0.25:
            continue
        Referral.objects.filter(pk=pk).update(
            handoff_info_enough=rng.random() < 0.82, handoff_timely=None if rng.random() < 0.15 else rng.random() < 0.74
        )
        answered += 1
    return answered


# The one card a newcomer can open: /f/demcard1feedback2345/ (offered after CR-1's latest encounter).
DEMO_CARD_TOKEN = "demcard1feedback2345"  # noqa: S105 - a demo link, printed by load_demo
CARD_WORDS = [
    ("They listened and did not rush me.", "en"),
    ("The responder knelt down to talk to my dad. Thank you.", "en"),
    ("It took a while, but they found me a bed for the night.", "en"),
    ("I wanted someone to call me back the next day.", "en"),
    ("Me hablaron en español y con mucha paciencia.", "es"),
    ("Gracias por no llamar a la policía.", "es"),
    ("The shelter they sent me to was full.", "en"),
]
# How the people served answer (yes, partly/maybe, no): most are glad someone came.
REPLY_WEIGHTS = {"respect": (86, 10, 4), "needs_met": (64, 25, 11), "call_again": (80, 13, 7)}


def _reply(rng: random.Random, question: str) -> str:
    if rng.random() < 0.06:
        return ""  # a question left unanswered
    return rng.choices(["yes", "partly", "no"], weights=REPLY_WEIGHTS[question])[0]


def feedback_cards() -> int:
    """Cards offered after about a third of the year's encounters (the archive's and the week's),
    a third of them answered. Run after the archive. Written in bulk like the archive, with no audit
    rows (nobody offered or read these in this database); tokens are thrown away but the demo card's."""
    if FeedbackCard.objects.exists():
        return 0
    rng = random.Random(4519)
    days = timedelta(days=feedback_conf.card_days())
    now = timezone.now()
    encounters = (
        Encounter.objects.filter(team__isnull=False)
        .order_by("created_at", "pk")
        .values_list("pk", "team_id", "created_at", "created_by_id")
    )
    cards = []
    for pk, team_id, created_at, author in encounters.iterator(chunk_size=2000):
        if rng.random() >= 0.33:
            continue
        issued = created_at + timedelta(minutes=rng.randint(2, 20))
        if issued > now:
            continue
        card = FeedbackCard(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            encounter_id=pk,
            team_id=team_id,
            token_hash=hashlib.sha256(f"demo-card-{pk}-{rng.random()}".encode()).hexdigest(),
            issued_at=issued,
            expires_at=issued + days,
            issued_by_id=author,
            texts_sent=1 if rng.random() < 0.3 else 0,
        )
        answered = issued + timedelta(hours=rng.choice([1, 2, 5, 20, 30, 70]))
        if rng.random() < 0.36 and answered < min(now, card.expires_at):
            words, language = rng.choice(CARD_WORDS) if rng.random() < 0.3 else ("", "")
            card.answered_at, card.comment = answered, words
            card.themes = next((t for k, t in CARD_THEMES.items() if words.startswith(k)), []) if words else []
            card.language = language or ("es" if rng.random() < 0.25 else "en")
            card.respect, card.needs_met, card.call_again = (_reply(rng, q) for q in REPLY_WEIGHTS)
        cards.append(card)
    latest = Encounter.objects.filter(team__call_sign="CR-1").order_by("-created_at").first()
    if latest is not None:
        cards.append(
            FeedbackCard(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                encounter=latest,
                team_id=latest.team_id,
                token_hash=hashlib.sha256(DEMO_CARD_TOKEN.encode()).hexdigest(),
                issued_at=now,
                expires_at=now + days,
                issued_by_id=latest.created_by_id,
            )
        )
    with transaction.atomic():
        FeedbackCard.objects.bulk_create(cards, batch_size=1000)
    return len(cards)


def load_demo_data(*, stdout) -> None:
    supervisor = User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").first()
    if supervisor is None:
        return
    now = timezone.now()
    rng = random.Random(4517)
    with transaction.atomic():
        events = _outreach(supervisor, rng, now.date()) if not OutreachEvent.objects.exists() else 0
        messages = _community(supervisor, rng, now) if not CommunityFeedback.objects.exists() else 0
    stdout.write(f"  {events} outreach and training events, {messages} community messages")
