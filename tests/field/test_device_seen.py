"""A sync or a tablet's service check marks the tablet as heard from (the board's last contact) at
most every 30 s: a busy tablet's every batch need not write its row, and the board still sees it
within the minute. A new person on the tablet is written at once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Device
from apps.accounts.roles import Role
from tests.factories import UserFactory, device_key_for
from tests.field.helpers import assigned_call, encounter_create, note
from tests.field.helpers import synced as sync

pytestmark = pytest.mark.django_db
CHECK = "/api/v1/devices/check/"


def test_last_contact_is_written_at_most_every_30_seconds(tablet, device, dispatcher, team):
    create = encounter_create(*assigned_call(dispatcher, team))
    long_ago = timezone.now() - timedelta(minutes=5)
    Device.objects.filter(pk=device.pk).update(last_seen_at=long_ago)
    sync(tablet, device, [create])
    first = Device.objects.get(pk=device.pk).last_seen_at
    assert first > long_ago + timedelta(minutes=4)
    sync(tablet, device, [note(create["record"])])
    assert Device.objects.get(pk=device.pk).last_seen_at == first  # 30 s have not passed
    Device.objects.filter(pk=device.pk).update(last_seen_at=first - timedelta(seconds=31))
    sync(tablet, device, [note(create["record"])])
    assert Device.objects.get(pk=device.pk).last_seen_at > first


def test_a_new_person_on_the_tablet_is_written_at_once(tablet, device, dispatcher, team, responder):
    """The admin's "last used by" must not keep the previous shift's name for 30 s."""
    previous = UserFactory(role=Role.RESPONDER)
    just_now = timezone.now() - timedelta(seconds=5)
    Device.objects.filter(pk=device.pk).update(last_seen_at=just_now, last_user=previous)
    sync(tablet, device, [encounter_create(*assigned_call(dispatcher, team))])
    seen = Device.objects.get(pk=device.pk)
    assert seen.last_user_id == responder.pk and seen.last_seen_at > just_now


def test_a_tablet_asking_whether_it_is_still_in_service_counts_as_heard_from(api, device):
    body = {"device": str(device.pk), "device_key": device_key_for(device)}
    long_ago = timezone.now() - timedelta(minutes=5)
    Device.objects.filter(pk=device.pk).update(last_seen_at=long_ago)
    assert api.post(CHECK, body, format="json").json() == {"status": "in_service"}
    first = Device.objects.get(pk=device.pk).last_seen_at
    assert first > long_ago + timedelta(minutes=4)
    assert api.post(CHECK, body, format="json").status_code == 200
    assert Device.objects.get(pk=device.pk).last_seen_at == first  # 30 s have not passed
