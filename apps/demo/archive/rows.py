"""The archive's writer: planned calls and shifts into rows, in bulk, the way the services would
have left them (incidents, assignments, a short timeline, encounters and their first version), with
intake's and the other agencies' rows from agencies.py and the referrals and follow-ups from loop.py.
"""

import random
from collections import Counter
from datetime import datetime, timedelta

from apps.common import callers
from apps.common.crypto import lookup_digest
from apps.common.errors import ApplicationError
from apps.demo.archive.agencies import write_co_responses, write_screening
from apps.demo.archive.loop import followup_rows, referral_rows
from apps.demo.archive.plan import (
    CALL_CENTER_SOURCES,
    PREFIX,
    Call,
    Cast,
    Visit,
)
from apps.demo.archive.stamps import BATCH, stamps_as_given
from apps.demo.call_kinds import AGE_RANGES, ALIASES, HOUSING, NARRATIVES, D
from apps.demo.city import demo_uuid
from apps.demo.history import _location
from apps.followups import conf as followups_conf
from apps.followups.models import Consent, FollowUp, Referral, ReferralStatusChange, Reminder, SweepCursor
from apps.followups.sweeps import ENCOUNTER_CURSOR
from apps.incidents import timeline
from apps.incidents.models import Assignment, Encounter, EncounterVersion, Incident, IncidentLogEntry
from apps.incidents.states import AssignmentStatus, IncidentStatus
from apps.teams.models import Shift


class ArchiveWriter:
    """Turns planned calls and shifts into rows, in bulk, the way the services would have left them."""

    def __init__(self, cast: Cast, rng: random.Random, *, now: datetime, prefix: str = PREFIX):
        self.cast, self.rng, self.now, self.prefix = cast, rng, now, prefix
        self.counts: Counter = Counter()
        self.texts: dict[tuple, str] = {}
        self.numbers: dict[str, str] = {}
        self.grace = followups_conf.grace()
        self.max_version_id = 0
        self.area_codes: list[int] = []

    # --- shifts ---------------------------------------------------------------------------------

    def shifts(self, planned: list) -> None:
        rows = [Shift(team=team, starts_at=start, ends_at=end) for team, start, end in planned]
        Shift.objects.bulk_create(rows, batch_size=BATCH)
        through = Shift.members.through
        members = [through(shift_id=s.pk, user_id=u.pk) for s in rows for u in self.cast.crew[s.team_id]]
        through.objects.bulk_create(members, batch_size=BATCH)
        self.counts["shifts"] += len(rows)

    # --- calls ----------------------------------------------------------------------------------

    def calls(self, calls: list[Call]) -> None:
        details = {call.number: self._details(call) for call in calls}
        incidents = {}
        for call in calls:
            if not call.screened_out:
                incidents[call.number] = self._incident(call, details[call.number])
        with stamps_as_given(Incident):
            Incident.objects.bulk_create(incidents.values(), batch_size=BATCH)
        self.counts["incidents"] += len(incidents)
        write_screening(self, calls, incidents)
        visits = []
        for call in calls:
            for visit in call.visits:
                visits.append((call, visit, self._assignment(incidents[call.number], visit)))
        Assignment.objects.bulk_create([a for _c, _v, a in visits], batch_size=BATCH)
        self.counts["assignments"] += len(visits)
        assignment_of = {id(v): a for _c, v, a in visits}
        encounters, versions = [], []
        for call in calls:
            worked = call.worked
            if worked is None:
                continue
            encounter, version = self._encounter(call, incidents[call.number], assignment_of[id(worked)], details)
            encounters.append(encounter)
            versions.append(version)
        with stamps_as_given(Encounter, EncounterVersion):
            Encounter.objects.bulk_create(encounters, batch_size=BATCH)
            EncounterVersion.objects.bulk_create(versions, batch_size=BATCH)
        self.counts["encounters"] += len(encounters)
        if versions:
            self.max_version_id = max(self.max_version_id, max(v.pk for v in versions))
        self._timeline(calls, incidents, assignment_of)
        write_co_responses(self, calls, incidents)
        self._referrals(versions)
        self._followups(versions)

    def _fictional_number(self, rng: random.Random) -> str:
        """A number from the fictional 555-0100 to 555-0199 range of some North American area code:
        most callers call once, so most numbers are met once."""
        if not self.area_codes:
            for area in range(201, 990):
                try:
                    callers.callback_e164(f"{area}-555-0100")
                except ApplicationError:
                    continue
                self.area_codes.append(area)
        return f"{rng.choice(self.area_codes)}-555-01{rng.randrange(100):02d}"

    def _callback(self, raw: str) -> str:
        if raw not in self.numbers:
            self.numbers[raw] = callers.callback_e164(raw)
        return self.numbers[raw]

    def _details(self, call: Call) -> dict:
        """What the call-taker and the team wrote down, drawn in a fixed order so the plan repeats."""
        rng, kind = self.rng, call.kind
        location, lat, lon = _location(rng, call.district)
        needs = rng.sample(kind.needs, k=min(len(kind.needs), rng.randint(0, 2))) if kind.needs else []
        services = rng.sample(kind.services, k=min(len(kind.services), rng.randint(1, 3)))
        person, callback, draw = {}, "", rng.random()
        if call.source in CALL_CENTER_SOURCES:
            callback = self._fictional_number(rng)
        regulars = self.cast.regulars.get(call.district.name) or []
        if regulars and draw < 0.2:
            # A few people are met again and again (weighted: some by far the most).
            regular = rng.choices(regulars, weights=[1 / (i + 1) for i in range(len(regulars))])[0]
            person = dict(regular.person)
            if callback and rng.random() < 0.7:
                callback = regular.callback
        elif draw < 0.45:
            person = {
                "alias": rng.choice(ALIASES),
                "age_range": rng.choice(AGE_RANGES),
                "language": "es" if rng.random() < 0.15 else "en",
                "housing_status": rng.choice(HOUSING),
            }
        return {
            "location": location,
            "lat": lat,
            "lon": lon,
            "summary": rng.choice(kind.summaries),
            "callback": callback,
            "language": "es" if rng.random() < 0.12 else "",
            "needs": needs,
            "services": services,
            "person": person,
            "people_served": rng.choice([1, 1, 1, 1, 2]),
            "responder": rng.randrange(3),
            "followup": rng.random() < 0.5,
            "referral_on_scene": rng.random() < 0.15,
            "coverage": rng.choices(["medicaid", "", "none", "private", "medicare", "unknown"], [50, 15, 12, 10, 8, 5])[
                0
            ],
            "decided_after": rng.randint(60, 200),
        }

    def _incident(self, call: Call, details: dict) -> Incident:
        evaluation = call.evaluation
        flags = list(evaluation.flags) if evaluation else []
        callback = self._callback(details["callback"]) if details["callback"] else ""
        incident = Incident(
            received_at=call.received_at,
            source=call.source,
            call_type=self.cast.call_types[call.kind.code],
            priority=call.priority,
            summary=details["summary"],
            location_text=details["location"],
            latitude=details["lat"],
            longitude=details["lon"],
            district=call.district.name,
            callback=callback,
            callback_digest=lookup_digest(callback),
            caller_language=details["language"],
            safety_notes="; ".join(r for r in (evaluation.reasons[1:] if evaluation else []) if flags)[:500],
            safety_flags=flags,
            external_id=f"{self.prefix}{call.number}",
            created_by=self.cast.dispatcher
            if call.source in {"police_request", "self_initiated"}
            else self.cast.calltaker,
            created_at=call.received_at,
        )
        moves = 1 + 2 * len([v for v in call.visits if v.cancel_reason.startswith("Reassigned")])
        if call.visits and call.visits[-1].on_scene_at:
            moves += 1
        if call.cancelled_at:
            incident.status, incident.cancelled_at, incident.cancel_reason = (
                IncidentStatus.CANCELLED,
                call.cancelled_at,
                call.cancel_reason,
            )
            incident.updated_at = call.cancelled_at
        else:
            worked = call.worked
            incident.status, incident.disposition = IncidentStatus.CLOSED, call.disposition
            incident.closed_at = incident.updated_at = max(v.cleared_at for v in call.visits if v.cleared_at)
            moves += 1 if worked else 0
        incident.version = 1 + moves
        return incident

    def _assignment(self, incident: Incident, visit: Visit) -> Assignment:
        stamps = [visit.en_route_at, visit.on_scene_at, visit.transport_started_at, visit.at_destination_at]
        finished = visit.cleared_at or visit.cancelled_at
        return Assignment(
            incident=incident,
            team=visit.team,
            status=AssignmentStatus.CANCELLED if visit.cancelled_at else AssignmentStatus.CLEARED,
            dispatched_by=self.cast.dispatcher,
            dispatched_at=visit.dispatched_at,
            acknowledged_at=visit.en_route_at,
            en_route_at=visit.en_route_at,
            on_scene_at=visit.on_scene_at,
            transport_started_at=visit.transport_started_at,
            at_destination_at=visit.at_destination_at,
            cleared_at=visit.cleared_at,
            cancelled_at=visit.cancelled_at,
            cancel_reason=visit.cancel_reason,
            version=1 + len([s for s in stamps if s]) + (1 if finished else 0),
        )

    def _encounter(self, call: Call, incident: Incident, assignment: Assignment, details: dict) -> tuple:
        facts = details[call.number]
        crew = self.cast.crew[assignment.team_id]
        author = crew[facts["responder"] % len(crew)]
        at = assignment.cleared_at - timedelta(minutes=2)
        nobody = call.disposition == D.NO_PERSON_FOUND
        services = ["welfare_check"] if nobody else list(facts["services"])
        if call.disposition == D.TRANSPORTED and "transport" not in services:
            services.append("transport")
        encounter = Encounter(
            id=demo_uuid(f"{self.prefix}encounter:{call.number}"),
            incident=incident,
            assignment=assignment,
            team_id=assignment.team_id,
            created_by=author,
            created_at=at,
            current_version=1,
            disposition=call.disposition,
        )
        referral_needed = call.disposition == D.REFERRED or (
            call.disposition == D.RESOLVED_ON_SCENE and facts["referral_on_scene"]
        )
        version = EncounterVersion(
            encounter=encounter,
            number=1,
            people_served=0 if nobody else facts["people_served"],
            needs=[] if nobody else list(facts["needs"]),
            services_provided=services,
            disposition=call.disposition,
            followup_needed=call.disposition in {D.REFERRED, D.DECLINED_SERVICES} and facts["followup"],
            referral_needed=referral_needed,
            coverage="" if nobody else facts["coverage"],
            narrative=NARRATIVES[call.disposition],
            person={} if nobody else facts["person"],
            authored_by=author,
            device_time=at,
            created_at=at,
        )
        return encounter, version

    def _text(self, message: str, params: dict) -> str:
        key = (message, tuple(sorted(params.items())))
        if key not in self.texts:
            self.texts[key] = timeline.recorded_text(message, params)
        return self.texts[key]

    def entry(self, incident, kind, message, params, at, *, actor=None, assignment=None, data=None):
        return IncidentLogEntry(
            incident=incident,
            at=at,
            kind=kind,
            text=self._text(message, params),
            message=message,
            params=params,
            actor=actor,
            assignment=assignment,
            data=data or {},
        )

    def _timeline(self, calls: list[Call], incidents: dict, assignment_of: dict) -> None:
        """A short timeline: received, each team sent and cleared or taken off, closed or cancelled (the
        stamps in between are on the assignments, the documentation on the encounter)."""
        rows = []
        for call in calls:
            incident = incidents.get(call.number)
            if incident is None:
                continue
            rows.append(
                self.entry(
                    incident,
                    "incident.created",
                    timeline.CALL_RECEIVED,
                    {"source": call.source},
                    call.received_at,
                    actor=incident.created_by,
                )
            )
            for visit in call.visits:
                a, sign = assignment_of[id(visit)], visit.team.call_sign
                crew = self.cast.crew[visit.team.pk]
                rows.append(
                    self.entry(
                        incident,
                        "assignment.created",
                        timeline.TEAM_DISPATCHED,
                        {"team": sign},
                        visit.dispatched_at,
                        actor=self.cast.dispatcher,
                        assignment=a,
                    )
                )
                if visit.cancelled_at:
                    params = {"team": sign, "reason": visit.cancel_reason}
                    rows.append(
                        self.entry(
                            incident, "assignment.cancelled", timeline.TEAM_CANCELLED_BECAUSE, params,
                            visit.cancelled_at, actor=self.cast.dispatcher, assignment=a,
                        )
                    )  # fmt: skip
                elif visit.cleared_at:
                    params = {"team": sign, "status": "cleared"}
                    rows.append(
                        self.entry(
                            incident, "assignment.cleared", timeline.TEAM_MOVED, params, visit.cleared_at,
                            actor=crew[0], assignment=a,
                        )
                    )  # fmt: skip
            if call.cancelled_at:
                rows.append(
                    self.entry(
                        incident, "incident.cancelled", timeline.CALL_CANCELLED, {"reason": call.cancel_reason},
                        call.cancelled_at, actor=self.cast.dispatcher,
                    )
                )  # fmt: skip
            else:
                rows.append(
                    self.entry(incident, "incident.closed", timeline.CALL_CLOSED_ALL_CLEARED, {}, incident.closed_at)
                )
        rows.sort(key=lambda r: r.at)
        IncidentLogEntry.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["timeline entries"] += len(rows)

    def _referrals(self, versions: list[EncounterVersion]) -> None:
        referrals, consents, changes = referral_rows(
            versions, cast=self.cast, rng=self.rng, prefix=self.prefix, now=self.now
        )
        with stamps_as_given(Referral, Consent):
            Referral.objects.bulk_create(referrals, batch_size=BATCH)
            Consent.objects.bulk_create(consents, batch_size=BATCH)
        ReferralStatusChange.objects.bulk_create(changes, batch_size=BATCH)
        self.counts["referrals"] += len(referrals)

    def _followups(self, versions: list[EncounterVersion]) -> None:
        rows, reminders = followup_rows(
            versions, cast=self.cast, rng=self.rng, grace=self.grace, now=self.now, prefix=self.prefix
        )
        with stamps_as_given(FollowUp, Reminder):
            FollowUp.objects.bulk_create(rows, batch_size=BATCH)
            Reminder.objects.bulk_create(reminders, batch_size=BATCH)
        self.counts["follow-ups"] += len(rows)

    def move_rule_cursor(self) -> None:
        """The rule sweep need not look at the archive's versions: their follow-ups are written."""
        cursor, _made = SweepCursor.objects.get_or_create(name=ENCOUNTER_CURSOR)
        if self.max_version_id > cursor.last_id:
            cursor.last_id = self.max_version_id
            cursor.save(update_fields=["last_id", "updated_at"])
