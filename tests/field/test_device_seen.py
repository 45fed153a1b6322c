"""A sync marks the tablet as heard from (the board's last contact) at most every 30 s: a busy
tablet's every batch need not write its row, and the board still sees it within the minute."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import Device
from tests.field.helpers import assigned_call, encounter_create, note
from tests.field.helpers import synced as sync

pytestmark = pytest.mark.django_db


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
