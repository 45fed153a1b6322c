"""Feedback cards as a tablet makes them: a token drawn on the tablet, only its digest synced."""

import hashlib
import secrets
import uuid

from django.utils import timezone

from tests.field.helpers import assigned_call, encounter_create

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
SYNC = "/api/v1/field/sync/"


def new_token() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(20))


def sync(client, device, mutations):
    return client.post(SYNC, {"device": str(device.pk), "mutations": mutations}, format="json")


def documented_encounter(tablet, device, dispatcher, team) -> str:
    """A call assigned to the team and an encounter documented from its tablet; the encounter id."""
    incident, assignment = assigned_call(dispatcher, team)
    mutation = encounter_create(incident, assignment)
    [result] = sync(tablet, device, [mutation]).json()["results"]
    assert result["status"] == "applied", result
    return mutation["record"]


def card_mutation(encounter_id, token, *, card_id=None, device_time=None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "type": "feedback_card.issue",
        "record": str(card_id or uuid.uuid4()),
        "data": {"encounter": str(encounter_id), "token_hash": hashlib.sha256(token.encode()).hexdigest()},
        "device_time": (device_time or timezone.now()).isoformat(),
    }


def issue_card(tablet, device, encounter_id, **kwargs) -> tuple[str, str, dict]:
    """Issue a card from the tablet: (card id, token, the sync result)."""
    token = new_token()
    mutation = card_mutation(encounter_id, token, **kwargs)
    [result] = sync(tablet, device, [mutation]).json()["results"]
    return mutation["record"], token, result
