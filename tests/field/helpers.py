"""Shared set-up for the field tests: a call assigned to a team, and mutations as a tablet builds them."""

import uuid

from django.utils import timezone

from apps.incidents import services


def assigned_call(dispatcher, team, **extra):
    incident = services.incident_create(
        actor=dispatcher,
        summary=extra.pop("summary", "Person sleeping in a doorway, not answering"),
        location_text=extra.pop("location_text", "1200 Broadway"),
        latitude=39.735,
        longitude=-104.987,
        caller_notes=extra.pop("caller_notes", "Caller says he has been there since morning."),
        safety_flags=extra.pop("safety_flags", ["dog on scene"]),
        **extra,
    )
    assignment = services.incident_assign(actor=dispatcher, incident_id=incident.pk, team_id=team.pk)
    return incident, assignment


def encounter_create(incident, assignment=None, *, record=None, mutation_id=None, **data):
    body = {
        "incident": incident.pk,
        "assignment": assignment.pk if assignment else None,
        "disposition": "resolved_on_scene",
        "people_served": 1,
        "needs": ["shelter"],
        "services_provided": ["resource_info"],
        "narrative": "Talked; accepted a shelter bed.",
        **data,
    }
    return {
        "id": str(mutation_id or uuid.uuid4()),
        "type": "encounter.create",
        "record": str(record or uuid.uuid4()),
        "base_version": None,
        "data": body,
        "device_time": timezone.now().isoformat(),
    }


def encounter_amend(record, base_version, **data):
    return {
        "id": str(uuid.uuid4()),
        "type": "encounter.amend",
        "record": str(record),
        "base_version": base_version,
        "data": {"disposition": "referred", "narrative": "Amended.", **data},
    }


def note(record, text="Checked back later: doing fine."):
    return {
        "id": str(uuid.uuid4()),
        "type": "encounter.note",
        "record": str(record),
        "base_version": None,
        "data": {"text": text},
    }


SYNC = "/api/v1/field/sync/"


def synced(client, device, mutations) -> list[dict]:
    """Send a batch as the tablet does; the per-mutation results (the batch itself must be a 200)."""
    response = client.post(SYNC, {"device": str(device.pk), "mutations": mutations}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["results"]
