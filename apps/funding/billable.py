"""Reads: which encounters meet the program's criteria for Medicaid mobile-crisis reimbursement, and
what is missing from those that do not. An aid to billing staff, not a claims system.

Each check is one of the criteria in `conf.billable_criteria()`:
- face to face: the team was stamped on scene and found someone (not "no person found");
- duration: arriving on scene to clearing lasted at least `min_minutes`;
- crew: at least `min_crew` people on the team then (its shift's members, else its memberships);
- qualified professional: one of them held a `qualified_certifications` certification valid that day;
- coverage: the encounter records the person's coverage, and it is one this payer reimburses.

Every read is audited with the encounters it disclosed (`funding.billable.read`). No narrative and no
name is read here.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.funding import conf
from apps.funding.selectors import _instant
from apps.incidents.models import Coverage
from apps.incidents.selectors import encounters_for_billing
from apps.teams.models import Certification
from apps.teams.selectors import certified_on, crews_at

NO_PERSON_FOUND = "no_person_found"


@dataclass
class BillableEncounter:
    id: object
    reference: str
    received_at: object
    team: str
    minutes: int | None
    crew: int
    qualified: bool
    face_to_face: bool
    coverage: str
    missing: list[str] = field(default_factory=list)

    @property
    def billable(self) -> bool:
        return not self.missing

    @property
    def coverage_label(self) -> str:
        return str(Coverage(self.coverage).label) if self.coverage in Coverage.values else ""


def _missing(fact: dict, *, minutes, crew: set, qualified: bool, criteria: dict) -> list[str]:
    missing = []
    if fact["on_scene_at"] is None:
        missing.append(_("No face-to-face contact: the team was never recorded on scene."))
    elif fact["disposition"] == NO_PERSON_FOUND:
        missing.append(_("No face-to-face contact: no person was found."))
    if minutes is None:
        missing.append(_("Duration unknown: the team's arrival or clearing is not recorded."))
    elif minutes < criteria["min_minutes"]:
        missing.append(
            _("%(minutes)s minutes on scene; at least %(least)s are needed.")
            % {"minutes": minutes, "least": criteria["min_minutes"]}
        )
    if len(crew) < criteria["min_crew"]:
        missing.append(
            _("%(crew)s on the crew; at least %(least)s are needed.")
            % {"crew": len(crew), "least": criteria["min_crew"]}
        )
    if not qualified:
        kinds = ", ".join(str(Certification.Kind(k).label) for k in criteria["qualified_certifications"])
        missing.append(_("No qualified behavioural-health professional on the crew (%(kinds)s).") % {"kinds": kinds})
    if not fact["coverage"]:
        missing.append(_("The person's coverage is not recorded."))
    elif fact["coverage"] not in criteria["coverage"]:
        missing.append(
            _("The person's coverage is %(coverage)s, which this payer does not reimburse.")
            % {"coverage": Coverage(fact["coverage"]).label}
        )
    return missing


def billable_encounters(start: date, end: date) -> list[BillableEncounter]:
    """Every encounter on calls received in the period (both days included), checked. Not audited:
    doors call `billable_encounters_for`, which is."""
    criteria = conf.billable_criteria()
    facts = encounters_for_billing(start=_instant(start), end=_instant(end + timedelta(days=1)))
    crews = crews_at([(f["team_id"], f["on_scene_at"] or f["received_at"]) for f in facts])
    people = set().union(*crews) if crews else set()
    by_day: dict[date, dict] = {}
    rows = []
    for fact, crew in zip(facts, crews, strict=True):
        day = timezone.localdate(fact["on_scene_at"] or fact["received_at"])
        if day not in by_day:
            by_day[day] = certified_on(user_ids=people, day=day, kinds=criteria["qualified_certifications"])
        qualified = any(by_day[day].get(person) for person in crew)
        minutes = None
        if fact["on_scene_at"] and fact["cleared_at"] and fact["cleared_at"] >= fact["on_scene_at"]:
            minutes = int((fact["cleared_at"] - fact["on_scene_at"]).total_seconds() // 60)
        rows.append(
            BillableEncounter(
                id=fact["id"],
                reference=fact["reference"],
                received_at=fact["received_at"],
                team=fact["team"],
                minutes=minutes,
                crew=len(crew),
                qualified=qualified,
                face_to_face=fact["on_scene_at"] is not None and fact["disposition"] != NO_PERSON_FOUND,
                coverage=fact["coverage"],
                missing=_missing(fact, minutes=minutes, crew=crew, qualified=qualified, criteria=criteria),
            )
        )
    return rows


def billable_encounters_for(*, user, start: date, end: date, door: str) -> list[BillableEncounter]:
    """The checked encounters, with the read audited: one row naming every encounter disclosed."""
    rows = billable_encounters(start, end)
    audit_record(
        actor=user,
        action="funding.billable.read",
        object_type="incidents.encounter",
        door=door,
        detail={"start": start.isoformat(), "end": end.isoformat(), "encounters": len(rows)},
        record_ids=[str(r.id) for r in rows],
    )
    return rows
