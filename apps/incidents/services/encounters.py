"""Writes about what a team documented: encounter versions (never overwritten) and notes.

Only the team on the call (or a supervisor) documents it; `encounter_recorded` (apps/incidents/hooks.py)
is sent after commit.
"""

from datetime import datetime

from django.utils.translation import gettext as _

from apps.accounts.roles import is_responder, is_supervisor
from apps.accounts.selectors import user_team_id
from apps.audit.services import audit_record
from apps.common.batching import RowBuffer, service_atomic
from apps.common.bulk import bulk_insert
from apps.common.errors import ApplicationError, Conflict, NotFound, PermissionRefused
from apps.incidents import timeline
from apps.incidents.hooks import encounter_recorded_announce
from apps.incidents.models import (
    Assignment,
    Coverage,
    Disposition,
    Encounter,
    EncounterNote,
    EncounterVersion,
    Incident,
)
from apps.incidents.payloads import encounter_payload
from apps.incidents.selectors import (
    assignment_facts,
    encounter_facts,
    encounter_facts_known,
    encounter_is_new,
    incident_exists,
)
from apps.incidents.services.shared import _log
from apps.questions.selectors import answers_checked
from apps.streams.names import BOARD, team_stream
from apps.streams.services import streams_append


def _check_documents_incident(actor, *, incident_id, assignment_team_id=None, has_assignment: bool) -> None:
    """Only the team on the call (its assignment's team, or any team on it when there is none)."""
    if is_supervisor(actor):
        return
    team_id = user_team_id(actor)
    if is_responder(actor) and team_id is not None:
        if has_assignment and assignment_team_id == team_id:
            return
        if not has_assignment and Assignment.objects.filter(incident_id=incident_id, team_id=team_id).exists():
            return
    raise PermissionRefused(_("Only the team assigned to this call can document it."))


def _encounter_streams(team_id) -> list[str]:
    """Who hears of an encounter's versions and notes: the board, and the team that wrote it."""
    return [BOARD] + ([team_stream(team_id)] if team_id else [])


def _write_records(rows: list) -> None:
    """Encounters first, then their versions, then notes: one INSERT per kind."""
    for model in (Encounter, EncounterVersion, EncounterNote):
        of_kind = [row for row in rows if type(row) is model]
        if of_kind:
            bulk_insert(model, of_kind)


# New encounters, versions and notes held back by a batch that writes them in bulk (the tablet's sync,
# between changes that read none of them back). Outside such a batch each is written at once.
_held = RowBuffer("encounter_records", _write_records)


def encounter_writes_held():
    """Hold the new encounters, versions and notes of this block and write them as it ends, inside
    it. The caller flushes (`encounter_writes_flush`) before anything in the block reads them back."""
    return _held.batch()


def encounter_writes_flush() -> None:
    _held.flush()


def _insert(row) -> None:
    if not _held.add(row):
        row.save(force_insert=True)


def encounter_record(
    *,
    actor,
    incident_id,
    disposition: str,
    encounter_id=None,
    assignment_id=None,
    base_version: int | None = None,
    people_served: int = 1,
    needs: list[str] | None = None,
    services_provided: list[str] | None = None,
    followup_needed: bool = False,
    referral_needed: bool = False,
    coverage: str | None = None,
    narrative: str = "",
    person: dict | None = None,
    custom: dict | None = None,
    device=None,
    device_time: datetime | None = None,
) -> EncounterVersion:
    """Write a new version of an encounter (creating it on first write). Nothing is overwritten.

    `base_version` is the version the author edited; if someone wrote a newer one meanwhile the
    call is a conflict carrying the server's copy, so both can be shown. `coverage` left out (None)
    keeps the previous version's: the tablet's form does not ask for it, and an amendment written
    there must not erase what billing staff need. `custom` (the program's own questions) likewise:
    left out, the previous version's answers stay; given, they are checked against the published
    version it names and kept with that version.
    """
    if disposition not in Disposition.values:
        raise ApplicationError(
            _("Choose how the encounter ended."), extra={"disposition": [_("Not a known disposition.")]}
        )
    if coverage and coverage not in Coverage.values:
        raise ApplicationError(_("Choose the person's coverage."), extra={"coverage": [_("Not a known coverage.")]})
    with service_atomic():
        if not incident_exists(incident_id):
            raise NotFound(_("No such incident."))
        assignment = assignment_facts(assignment_id) if assignment_id is not None else None
        if assignment_id is not None and (assignment is None or assignment["incident_id"] != int(incident_id)):
            raise ApplicationError(
                _("That assignment is not part of this call."), extra={"assignment": [_("Not on this call.")]}
            )
        _check_documents_incident(
            actor,
            incident_id=incident_id,
            assignment_team_id=assignment["team_id"] if assignment else None,
            has_assignment=assignment is not None,
        )
        encounter = None
        if encounter_id is not None and not encounter_is_new(encounter_id):
            encounter = Encounter.objects.select_for_update().filter(pk=encounter_id).first()
        created = encounter is None
        if created:
            encounter = Encounter(
                incident_id=incident_id,
                assignment_id=assignment_id,
                created_by=actor,
                team_id=assignment["team_id"] if assignment else user_team_id(actor),
            )
            if encounter_id is not None:
                encounter.id = encounter_id
        elif encounter.incident_id != int(incident_id):
            raise ApplicationError(_("That encounter belongs to another call."), extra={"incident": [_("Mismatch.")]})
        if base_version is not None and base_version != encounter.current_version:
            raise Conflict(
                _("This encounter was updated on another device. Both versions are shown."),
                extra={"server": encounter_payload(encounter)},
            )
        previous = (
            encounter.versions.filter(number=encounter.current_version)
            .only("coverage", "form_version", "answers")
            .first()
            if encounter.current_version
            else None  # a new encounter has no version before this one
        )
        if coverage is None:
            coverage = previous.coverage if previous else ""
        if custom is None:
            form_version_id, answers = (previous.form_version_id, previous.answers) if previous else (None, {})
        else:
            call_type = Incident.objects.filter(pk=incident_id).values_list("call_type__code", flat=True).first()
            form_version, answers = answers_checked(custom=custom, call_type=call_type)
            form_version_id = form_version.pk
        version = EncounterVersion(
            encounter=encounter,
            number=encounter.current_version + 1,
            people_served=people_served,
            needs=list(needs or []),
            services_provided=list(services_provided or []),
            disposition=disposition,
            followup_needed=followup_needed,
            referral_needed=referral_needed,
            coverage=coverage,
            narrative=narrative,
            person=dict(person or {}),
            form_version_id=form_version_id,
            answers=answers,
            authored_by=actor,
            device=device,
            device_time=device_time,
        )
        # The encounter, author and tablet are this call's own objects, not input: not looked up again.
        version.full_clean(exclude=["encounter", "authored_by", "device"])
        encounter.current_version = version.number
        encounter.disposition = disposition
        if created:
            # Inserted with its first version's number (a row this transaction inserted is locked by it).
            _insert(encounter)
            _insert(version)
            encounter_facts_known(encounter, assignment_team_id=assignment["team_id"] if assignment else None)
        else:
            version.save()
            encounter.save(update_fields=["current_version", "disposition"])
        _log(
            int(incident_id),
            kind="encounter.recorded",
            message=timeline.ENCOUNTER_DOCUMENTED,
            params={"version": version.number},
            actor=actor,
            data={"encounter": str(encounter.pk), "version": version.number},
        )
        audit_record(actor=actor, action="encounter.write", obj=encounter, detail={"version": version.number})
        streams_append(
            streams=_encounter_streams(encounter.team_id),
            kind="encounter.recorded",
            data={"encounter": str(encounter.pk), "incident": int(incident_id), "version": version.number},
        )
        # Other apps (follow-up rules: "referred → check in within 48 h") hear of it once committed.
        encounter_recorded_announce(version=version)
    return version


def encounter_add_note(
    *, actor, encounter_id, text: str, note_id=None, device_time: datetime | None = None
) -> EncounterNote:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("The note is empty."), extra={"text": [_("This field is required.")]})
    with service_atomic():
        encounter = encounter_facts(encounter_id)
        if encounter is None:
            raise NotFound(_("No such encounter."))
        _check_documents_incident(
            actor,
            incident_id=encounter["incident_id"],
            assignment_team_id=encounter["assignment_team_id"],
            has_assignment=encounter["assignment_id"] is not None,
        )
        note = EncounterNote(encounter_id=encounter["id"], author=actor, text=text, device_time=device_time)
        if note_id is not None:
            note.id = note_id
        _insert(note)
        _log(
            encounter["incident_id"],
            kind="encounter.note",
            message=timeline.NOTE_ADDED,
            actor=actor,
            data={"encounter": str(encounter["id"]), "note": str(note.pk)},
        )
        audit_record(
            actor=actor,
            action="encounter.note",
            object_type=Encounter._meta.label_lower,
            object_id=str(encounter["id"]),
            detail={"note": str(note.pk)},
        )
        streams_append(
            streams=_encounter_streams(encounter["team_id"]),
            kind="encounter.note_added",
            data={"encounter": str(encounter["id"]), "incident": encounter["incident_id"], "note": str(note.pk)},
        )
    return note


# --- reassignment and escalation (live dispatch) -----------------------------------------------
