"""The sweeps the beat task runs: due reminders, overdue escalations, e-mail, rules, stalls, renewals.

Each sweep claims its rows with `select_for_update(skip_locked=True)`, so any number of workers can
run it at once, and changes a row's state in the same transaction that records the delivery, so a
worker killed half-way leaves either nothing or everything. A delivery is a Reminder row unique on
(follow-up, kind) plus its event: the constraint, not luck, makes it exactly once.
"""

import logging
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.common import metrics
from apps.common.formats import when
from apps.followups import conf
from apps.followups.models import FollowUp, FollowUpRule, Referral, ReferralStallRule, Reminder, SweepCursor
from apps.followups.services import (
    RULED_FIELDS,
    followup_create_once,
    followup_event_data,
    followup_stream,
    followups_apply_rules,
)
from apps.incidents.models import EncounterVersion
from apps.streams import services as streams_services
from apps.streams.names import BOARD, user_stream
from apps.streams.services import stream_append
from apps.teams.models import Certification, Membership

logger = logging.getLogger(__name__)
ENCOUNTER_CURSOR = "encounter_versions"
# Versions younger than this are left for the next sweep, so one committed late with a lower id is not skipped.
CURSOR_LAG = timedelta(seconds=2)


def _team_emails(team_ids: set[int]) -> dict[int, list[str]]:
    emails: dict[int, list[str]] = {}
    rows = Membership.objects.filter(team_id__in=team_ids, active=True, user__is_active=True).exclude(user__email="")
    for team_id, email in rows.values_list("team_id", "user__email"):
        emails.setdefault(team_id, []).append(email)
    return emails


def _append_grouped(rows: list[FollowUp], *, kind: str) -> None:
    """Append one event per follow-up on its stream, a stream's events together.

    Uses streams' `stream_append_many` (one counter update per stream) where it exists, else
    `stream_append` per event; either way inside the caller's transaction.
    """
    many = getattr(streams_services, "stream_append_many", None)
    groups: dict[str, list[dict]] = {}
    for f in rows:
        groups.setdefault(followup_stream(f), []).append(followup_event_data(f))
    for stream in sorted(groups):
        if many is not None:
            many(stream=stream, kind=kind, datas=groups[stream])
        else:
            for data in groups[stream]:
                stream_append(stream=stream, kind=kind, data=data)


def followups_deliver_due(*, batch: int | None = None, budget_seconds: float = 120.0) -> int:
    """Remind the assignee of every follow-up that has fallen due: one `followup.due` event, one e-mail."""
    batch = batch or conf.sweep_batch()
    started = time.monotonic()
    delivered = 0
    while time.monotonic() - started < budget_seconds:
        with transaction.atomic():
            rows = list(
                FollowUp.objects.select_for_update(skip_locked=True)
                .filter(status=FollowUp.Status.OPEN, due_at__lte=timezone.now())
                .order_by("due_at")[:batch]
            )
            if not rows:
                break
            user_emails = dict(
                User.objects.filter(pk__in={f.assignee_id for f in rows if f.assignee_id}).values_list("pk", "email")
            )
            team_emails = _team_emails({f.team_id for f in rows if not f.assignee_id})
            reminders = []
            # Counter locks taken in stream order, so two sweepers working at once cannot deadlock.
            rows.sort(key=lambda f: (followup_stream(f), f.due_at))
            for f in rows:
                f.status = FollowUp.Status.DUE
            _append_grouped(rows, kind="followup.due")
            for f in rows:
                stream = followup_stream(f)
                to = [user_emails[f.assignee_id]] if f.assignee_id and user_emails.get(f.assignee_id) else []
                if not f.assignee_id:
                    to = team_emails.get(f.team_id, [])
                reminders.append(
                    Reminder(followup=f, kind=Reminder.Kind.DUE, streams=[stream], email_to=to, email_pending=bool(to))
                )
            Reminder.objects.bulk_create(reminders)
            FollowUp.objects.filter(pk__in=[f.pk for f in rows]).update(
                status=FollowUp.Status.DUE, version=F("version") + 1
            )
            delivered += len(rows)
        sent_at = timezone.now()
        for f in rows:
            metrics.reminder_lateness.observe(max(0.0, (sent_at - f.due_at).total_seconds()))
    return delivered


def supervisor_recipients() -> list[tuple[int, str]]:
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True).order_by("pk").values_list("pk", "email"))


def followups_escalate_overdue(*, batch: int | None = None, budget_seconds: float = 120.0) -> int:
    """Tell supervisors (each on their own user stream, and by e-mail) about follow-ups past due + grace.

    With no supervisor account the escalation goes to the `board` stream so it is never silent.
    """
    batch = batch or conf.sweep_batch()
    started = time.monotonic()
    escalated = 0
    supervisors = supervisor_recipients()
    streams = [user_stream(pk) for pk, _ in supervisors] or [BOARD]
    emails = [email for _, email in supervisors if email]
    while time.monotonic() - started < budget_seconds:
        with transaction.atomic():
            rows = list(
                FollowUp.objects.select_for_update(skip_locked=True)
                .filter(status=FollowUp.Status.DUE, escalate_at__lte=timezone.now())
                .order_by("escalate_at")[:batch]
            )
            if not rows:
                break
            for f in rows:
                f.status = FollowUp.Status.OVERDUE
                data = followup_event_data(f)
                for stream in sorted(streams):
                    stream_append(stream=stream, kind="followup.overdue", data=data)
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        followup=f,
                        kind=Reminder.Kind.OVERDUE,
                        streams=streams,
                        email_to=emails,
                        email_pending=bool(emails),
                    )
                    for f in rows
                ]
            )
            FollowUp.objects.filter(pk__in=[f.pk for f in rows]).update(
                status=FollowUp.Status.OVERDUE, version=F("version") + 1
            )
            escalated += len(rows)
        metrics.escalations.labels("followup").inc(len(rows))
    return escalated


def _email_for(reminder: Reminder) -> EmailMessage:
    f = reminder.followup
    # In the program's language (LANGUAGE_CODE) and clock: no request says whose language to use.
    words = {"kind": f.get_kind_display(), "kind_lower": str(f.get_kind_display()).lower(), "when": when(f.due_at)}
    if reminder.kind == Reminder.Kind.DUE:
        subject = _("Follow-up due: %(kind)s") % words
        body = _("A %(kind_lower)s is due (%(when)s). Open Firstline to see it and record the outcome.") % words
    else:
        subject = _("Overdue follow-up: %(kind)s") % words
        body = _("A %(kind_lower)s due %(when)s has not been done. Open the supervision page.") % words
    # No names or health details in e-mail: it leaves the program's systems.
    body += "\n\n" + _("Follow-up %(id)s") % {"id": f.pk} + "\n"
    return EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=reminder.email_to)


def reminders_send_emails(*, batch: int = 100) -> int:
    """Send the e-mails of delivered reminders. At-least-once: a crash between send and commit resends."""
    sent = 0
    while True:
        with transaction.atomic():
            rows = list(
                Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("followup")
                .filter(email_pending=True)
                .order_by("created_at")[:batch]
            )
            if not rows:
                return sent
            connection = get_connection()
            now = timezone.now()
            for reminder in rows:
                try:
                    connection.send_messages([_email_for(reminder)])
                    reminder.email_sent_at = now
                except Exception as error:
                    logger.warning("reminder e-mail %s failed", reminder.pk, exc_info=True)
                    reminder.email_error = str(error)[:300]
                reminder.email_pending = False
            Reminder.objects.bulk_update(rows, ["email_sent_at", "email_error", "email_pending"])
            sent += len(rows)


def followups_sweep_rules(*, limit: int = 500) -> int:
    """Apply the program's rules to encounter versions recorded since the last sweep (a cursor row)."""
    with transaction.atomic():
        SweepCursor.objects.get_or_create(name=ENCOUNTER_CURSOR)
        cursor = SweepCursor.objects.select_for_update(skip_locked=True).filter(name=ENCOUNTER_CURSOR).first()
        if cursor is None:
            return 0  # another worker is on it
        versions = list(
            EncounterVersion.objects.select_related("encounter")
            .filter(pk__gt=cursor.last_id, created_at__lte=timezone.now() - CURSOR_LAG)
            .only(*RULED_FIELDS)
            .order_by("pk")[:limit]
        )
        created = 0
        rules = list(FollowUpRule.objects.filter(active=True).order_by("pk"))
        for version in versions:
            created += len(followups_apply_rules(encounter_version=version, rules=rules))
        if versions:
            cursor.last_id = versions[-1].pk
            cursor.save(update_fields=["last_id", "updated_at"])
    return created


def referrals_sweep_stalled(*, now: datetime | None = None) -> int:
    """A referral sitting in one status past the program's limit raises a check for the referring team."""
    now = now or timezone.now()
    created = 0
    for rule in ReferralStallRule.objects.filter(active=True):
        stalled = Referral.objects.select_related("encounter", "service").filter(
            status=rule.status, status_changed_at__lte=now - timedelta(hours=rule.limit_hours)
        )
        for referral in stalled.iterator():
            key = f"stall:{referral.pk}:{referral.status}:{int(referral.status_changed_at.timestamp())}"
            team_id = referral.encounter.team_id
            f = followup_create_once(
                origin_key=key,
                kind=FollowUp.Kind.REFERRAL_CHECK,
                due_at=now,
                team_id=team_id,
                assignee_id=None if team_id else referral.created_by_id,
                encounter_id=referral.encounter_id,
                referral=referral,
                notes=(
                    f"Referral to {referral.service.name} has been {referral.get_status_display().lower()} "
                    f"for more than {rule.limit_hours} hours. Check with the partner."
                ),
            )
            created += f is not None
    return created


def certifications_sweep(*, now: datetime | None = None) -> int:
    """Raise a renewal follow-up for each certification ahead of its expiry (once per expiry date)."""
    now = now or timezone.now()
    lead = conf.certification_lead()
    today = now.date()
    # Raised two weeks before it falls due, so it shows on lists in good time.
    horizon = today + lead + timedelta(days=14)
    certifications = list(
        Certification.objects.filter(
            expires_on__isnull=False, expires_on__lte=horizon, expires_on__gte=today - timedelta(days=30)
        ).select_related("responder")
    )
    if not certifications:
        return 0
    keys = {c.pk: f"cert:{c.pk}:{c.expires_on.isoformat()}" for c in certifications}
    existing = set(FollowUp.objects.filter(origin_key__in=keys.values()).values_list("origin_key", flat=True))
    teams = dict(
        Membership.objects.filter(user_id__in={c.responder_id for c in certifications}, active=True).values_list(
            "user_id", "team_id"
        )
    )
    created = 0
    for cert in certifications:
        if keys[cert.pk] in existing:
            continue
        due_day = cert.expires_on - lead
        due_at = max(now, datetime(due_day.year, due_day.month, due_day.day, 15, 0, tzinfo=UTC))
        f = followup_create_once(
            origin_key=keys[cert.pk],
            kind=FollowUp.Kind.CERTIFICATION_RENEWAL,
            due_at=due_at,
            assignee_id=cert.responder_id,
            team_id=teams.get(cert.responder_id),
            responder_id=cert.responder_id,
            certification=cert,
            notes=f"{cert.get_kind_display()} expires on {cert.expires_on:%Y-%m-%d}. Renew it before then.",
        )
        created += f is not None
    return created


def sweep_all() -> dict:
    """One pass of everything time-driven; each part on its own so one failing does not stop the rest."""
    results = {}
    for name, func in (
        ("rules", followups_sweep_rules),
        ("stalled", referrals_sweep_stalled),
        ("certifications", certifications_sweep),
        ("due", followups_deliver_due),
        ("overdue", followups_escalate_overdue),
        ("emails", reminders_send_emails),
    ):
        try:
            results[name] = func()
        except Exception:
            logger.exception("follow-up sweep %s failed", name)
            results[name] = "error"
    return results
