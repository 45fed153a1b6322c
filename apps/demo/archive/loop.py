"""The archive's loop after the call: referrals to partner services through their steps, and the
follow-ups the program's rules raise or a team asked for, done on time, late, or cancelled.

Rows as apps.followups' services leave them (status, stamps, every referral step with who took
it); rows.py writes them in bulk. A step that would fall after `now` is not taken:
that referral or follow-up is still open, and the running program's sweeps pick it up.
"""

import random
from datetime import datetime, timedelta

from apps.accounts.roles import Role
from apps.demo.archive.cast import Cast
from apps.demo.city import demo_uuid
from apps.demo.followups import CONSENT, PART2_CONSENT
from apps.followups.models import Consent, FollowUp, Referral, ReferralStatusChange, Reminder
from apps.incidents.models import EncounterVersion
from apps.streams.names import team_stream, user_stream

S = Referral.Status
PART2_NEEDS = {"detox", "substance_use"}
DECLINES = ["No capacity this week.", "Not eligible for this service.", "Outside our service area."]
NOT_DELIVERED = ["could_not_contact", "client_declined", "no_capacity", "not_eligible"]
FOLLOWUP_KINDS = [FollowUp.Kind.CHECK_IN_CALL, FollowUp.Kind.VISIT, FollowUp.Kind.WELFARE_RECHECK]
OUTCOMES = [FollowUp.Outcome.REACHED, FollowUp.Outcome.NOT_REACHED, FollowUp.Outcome.DECLINED]
OUTCOMES.append(FollowUp.Outcome.NEW_NEED)
ASKED_FOR = "Check how the night went and whether the referral worked out."


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(seconds=int(rng.uniform(low, high) * 3600))


def referral_rows(
    versions: list[EncounterVersion], *, cast: Cast, rng: random.Random, prefix: str, now: datetime
) -> tuple[list, list, list]:
    """(referrals, consents, status changes) for the encounters that needed a referral."""
    referrals, consents, changes = [], [], []
    for version in versions:
        if not version.referral_needed:
            continue
        kind_needs = version.encounter.incident.call_type.code
        needs = [n for n in version.needs if n in cast.services]
        needs += [n for n in cast.kind_needs.get(kind_needs, ()) if n in cast.services and n not in needs]
        if not needs:
            continue  # a need with no partner to refer to: the missing-partnerships report counts it
        need = needs[0]
        service = rng.choice(cast.services[need])
        author = version.authored_by
        referral = Referral(
            id=demo_uuid(f"{prefix}referral:{version.encounter_id}"),
            encounter=version.encounter,
            service=service,
            need=need,
            created_by=author,
            created_at=version.created_at,
        )
        steps = _steps(rng, referral, cast=cast, author=author, now=now)
        last = steps[-1]
        referral.status, referral.status_changed_at, referral.status_reason = last[1], last[2], last[4]
        referral.updated_at, referral.version = last[2], len(steps) - 1
        referrals.append(referral)
        for from_status, to_status, at, actor, reason in steps:
            changes.append(
                ReferralStatusChange(
                    referral=referral,
                    from_status=from_status,
                    to_status=to_status,
                    reason=reason,
                    at=at,
                    actor=actor,
                    actor_role=actor.role if actor is not None else Role.PARTNER,
                )
            )
        part2 = need in PART2_NEEDS
        spec = dict(PART2_CONSENT if part2 else CONSENT)
        spec["expires_at"] = version.created_at + timedelta(days=180) if part2 else None
        consents.append(Consent(referral=referral, recorded_by=author, recorded_at=version.created_at, **spec))
    return referrals, consents, changes


def _steps(rng: random.Random, referral: Referral, *, cast: Cast, author, now: datetime) -> list[tuple]:
    """(from, to, at, actor, reason) from draft to closed, or as far as `now` allows."""
    partner = cast.partner
    if partner is None or partner.partner_organization_id != referral.service.organization_id:
        partner = None  # the partner answers through its own system; the step names its role only
    at = referral.created_at
    steps = [("", S.DRAFT, at, author, "")]
    plan = [(S.SENT, timedelta(minutes=rng.randint(1, 5)), author, "")]
    draw = rng.random()
    if draw < 0.05:
        plan.append((S.CANCELLED, _hours(rng, 1, 48), cast.supervisor, "Person moved out of the area."))
    elif draw < 0.2:
        plan.append((S.DECLINED, _hours(rng, 2, 48), partner, rng.choice(DECLINES)))
    else:
        plan.append((S.ACCEPTED, _hours(rng, 1, 30), partner, ""))
        if rng.random() < 0.4:
            plan.append((S.IN_PROGRESS, _hours(rng, 24, 120), partner, ""))
        if rng.random() < 0.85:
            plan.append((S.DELIVERED, _hours(rng, 24, 480), partner, ""))
        else:
            plan.append((S.NOT_DELIVERED, _hours(rng, 24, 240), partner, rng.choice(NOT_DELIVERED)))
    plan.append((S.CLOSED, _hours(rng, 24, 240), cast.supervisor, ""))
    for status, after, actor, reason in plan:
        at = at + after
        if at >= now:
            break
        steps.append((steps[-1][1], status, at, actor, reason))
    return steps


def followup_rows(
    versions: list[EncounterVersion], *, cast: Cast, rng: random.Random, grace: timedelta, now: datetime, prefix: str
) -> tuple[list, list]:
    """(follow-ups, reminders): what the rules raise for each encounter, and what teams asked for."""
    rows, reminders = [], []
    for version in versions:
        encounter = version.encounter
        for rule in cast.rules:
            if not rule.matches(version):
                continue
            due = version.created_at + timedelta(hours=rule.due_after_hours)
            origin = f"rule:{rule.pk}:encounter:{encounter.pk}"
            f = FollowUp(
                id=demo_uuid(f"{prefix}followup:{origin}"),
                origin_key=origin,
                kind=rule.kind,
                due_at=due,
                escalate_at=due + (timedelta(hours=rule.grace_hours) if rule.grace_hours is not None else grace),
                team_id=encounter.team_id,
                encounter=encounter,
                responder=version.authored_by if rule.kind == FollowUp.Kind.WELLNESS_DEBRIEF else None,
                rule=rule,
                notes=rule.notes or rule.name,
                created_at=version.created_at,
            )
            rows.append(f)
        if version.followup_needed:
            due = version.created_at + _hours(rng, 20, 72)
            rows.append(
                FollowUp(
                    id=demo_uuid(f"{prefix}followup:{encounter.pk}"),
                    kind=rng.choice(FOLLOWUP_KINDS),
                    due_at=due,
                    escalate_at=due + grace,
                    team_id=encounter.team_id,
                    encounter=encounter,
                    notes=ASKED_FOR,
                    created_by=version.authored_by,
                    created_at=version.created_at,
                )
            )
    for f in rows:
        reminders += _finish(f, rng=rng, cast=cast, now=now)
    return rows, reminders


def _finish(f: FollowUp, *, rng: random.Random, cast: Cast, now: datetime) -> list[Reminder]:
    """Done on time (most), late, very late (a supervisor was told), or cancelled."""
    crew = cast.crew.get(f.team_id) or [cast.supervisor]
    draw, stream = rng.random(), [team_stream(f.team_id)]
    reminders = []
    if draw < 0.04:
        if f.due_at - _hours(rng, 1, 12) < now:
            f.status, f.outcome_notes, f.version = FollowUp.Status.CANCELLED, "Person moved away.", 2
        return reminders
    if draw < 0.76:
        at = f.created_at + (f.due_at - f.created_at) * rng.uniform(0.2, 0.98)
    elif draw < 0.94:
        at = f.due_at + _hours(rng, 0.5, 20)
        reminders.append(Reminder(followup=f, kind=Reminder.Kind.DUE, streams=stream, created_at=f.due_at))
    else:
        at = f.escalate_at + _hours(rng, 2, 96)
        reminders.append(Reminder(followup=f, kind=Reminder.Kind.DUE, streams=stream, created_at=f.due_at))
        reminders.append(
            Reminder(
                followup=f,
                kind=Reminder.Kind.OVERDUE,
                streams=[user_stream(cast.supervisor.pk)],
                created_at=f.escalate_at,
            )
        )
    if at >= now:  # not done yet: the sweeps take it from here
        return []
    f.status, f.completed_at, f.completed_by = FollowUp.Status.DONE, at, rng.choice(crew)
    f.outcome = rng.choices(OUTCOMES, weights=[60, 25, 5, 10])[0]
    f.version = 2 + len(reminders)
    return reminders
