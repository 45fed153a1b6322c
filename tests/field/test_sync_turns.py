"""A process applies a few tablets' batches at a time; the others wait their turn, and one that waits
too long applies nothing and is answered "try again", so the tablet keeps its changes queued."""

import threading

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from apps.field.models import AppliedMutation
from apps.incidents.models import Encounter
from tests.factories import PASSWORD, DeviceFactory, device_key_for
from tests.field.helpers import assigned_call, encounter_create, note
from tests.field.helpers import synced as sync

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _signed_in(user, device) -> APIClient:
    client = APIClient()
    body = {
        "username": user.username,
        "password": PASSWORD,
        "device": str(device.pk),
        "device_key": device_key_for(device),
    }
    assert client.post("/api/v1/auth/login/", body, format="json").status_code == 200
    return client


def _outbox(call) -> list[dict]:
    create = encounter_create(*call)
    return [create, note(create["record"], "Walked with him to the shelter door.")]


def test_a_batch_that_waits_too_long_for_its_turn_applies_nothing_and_stays_queued(
    settings, responder, dispatcher, team
):
    settings.FIRSTLINE_SYNC_BATCHES_AT_ONCE = 1
    settings.FIRSTLINE_SYNC_TURN_WAIT_SECONDS = 0.5
    first, second = DeviceFactory(team=team), DeviceFactory(team=team)
    clients = {first.pk: _signed_in(responder, first), second.pk: _signed_in(responder, second)}
    call = assigned_call(dispatcher, team)
    outboxes = {first.pk: _outbox(call), second.pk: _outbox(call)}
    answers = {}

    def send(device):
        try:
            answers[device.pk] = sync(clients[device.pk], device, outboxes[device.pk])
        finally:
            connections.close_all()

    sending_first = threading.Thread(target=send, args=(first,))
    with transaction.atomic(), connection.cursor() as cursor:
        # The first batch takes the process's one turn, applies, and waits to write its answers.
        cursor.execute(f'LOCK TABLE "{AppliedMutation._meta.db_table}" IN EXCLUSIVE MODE')
        sending_first.start()
        for _ in range(300):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0] >= 1:
                break
            threading.Event().wait(0.1)
        else:
            raise AssertionError("the first batch never reached its answers")
        sending_second = threading.Thread(target=send, args=(second,))
        sending_second.start()
        sending_second.join(timeout=30)
        assert not sending_second.is_alive()
    sending_first.join(timeout=60)

    assert [r["status"] for r in answers[first.pk]] == ["applied", "applied"]
    waited = answers[second.pk]
    assert [(r["id"], r["status"], r["http_status"]) for r in waited] == [
        (m["id"], "rejected", 503) for m in outboxes[second.pk]
    ]
    assert "try again" in waited[0]["errors"]["detail"]
    late = outboxes[second.pk]
    assert not Encounter.objects.filter(pk=late[0]["record"]).exists()
    assert not AppliedMutation.objects.filter(pk__in=[m["id"] for m in late]).exists()
    # Sent again once the turn is free, the queued changes apply, once.
    assert [r["status"] for r in sync(clients[second.pk], second, late)] == ["applied", "applied"]
    assert [r["status"] for r in sync(clients[second.pk], second, late)] == ["duplicate", "duplicate"]
