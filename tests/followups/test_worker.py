"""The reminders, delivered by a real Celery worker with beat, through crashes and a Redis restart."""

import time
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from apps.followups import services
from apps.followups.models import FollowUp, Reminder
from apps.streams.models import Event
from tests.factories import MembershipFactory, TeamFactory, UserFactory
from tests.servers import CeleryWorker

pytestmark = pytest.mark.services
FAST_SWEEP = {"FIRSTLINE_SWEEP_SECONDS": "1"}


def wait_until(predicate, *, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def delivered() -> int:
    return Reminder.objects.filter(kind="due").count()


def test_a_real_worker_reminds_the_assignee_when_the_follow_up_falls_due(transactional_db):
    team = TeamFactory()
    responder = UserFactory(role="responder", email="r1@example.org")
    MembershipFactory(team=team, user=responder)
    due_at = timezone.now() + timedelta(seconds=3)
    f = services.followup_create(actor=responder, kind="check_in_call", due_at=due_at, assignee_id=responder.pk)
    worker = CeleryWorker(beat=True, extra_env=FAST_SWEEP).start()
    try:
        assert wait_until(lambda: Event.objects.filter(kind="followup.due").exists(), timeout=40), "no reminder"
        assert wait_until(lambda: Reminder.objects.filter(email_sent_at__isnull=False).exists(), timeout=10)
    finally:
        worker.stop()
    event = Event.objects.get(kind="followup.due")
    assert event.stream == f"user:{responder.pk}" and event.data["followup"] == str(f.pk)
    assert event.created_at >= due_at, "a reminder must not come early"
    # How late reminders come is measured in bench/ (docs/performance/followups.md), not asserted here.
    reminder = Reminder.objects.get(followup=f)
    assert reminder.email_to == ["r1@example.org"] and reminder.email_sent_at is not None
    f.refresh_from_db()
    assert f.status == "due"


def test_chaos_200_reminders_through_worker_kills_and_a_redis_restart_each_delivered_exactly_once(
    transactional_db, private_redis
):
    teams = [TeamFactory() for _ in range(4)]
    start = timezone.now() + timedelta(seconds=3)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                kind="check_in_call",
                team=teams[i % 4],
                due_at=start + timedelta(milliseconds=40 * i),  # 200 falling due over 8 seconds
                escalate_at=start + timedelta(days=1),
            )
            for i in range(200)
        ]
    )
    env = {
        **FAST_SWEEP,
        "REDIS_URL": private_redis.url,
        "CELERY_BROKER_URL": private_redis.url,
        "FIRSTLINE_FOLLOWUP_SWEEP_BATCH": "5",
    }
    worker = CeleryWorker(beat=True, extra_env=env).start()
    try:
        assert wait_until(lambda: delivered() >= 30, timeout=40), f"only {delivered()} before the first kill"
        worker.kill()
        worker = CeleryWorker(beat=True, extra_env=env).start()
        assert wait_until(lambda: delivered() >= 90, timeout=40), f"only {delivered()} before Redis restart"
        private_redis.restart(down_seconds=1.5)
        assert wait_until(lambda: delivered() >= 140, timeout=40), f"only {delivered()} before the second kill"
        worker.kill()
        worker = CeleryWorker(beat=True, extra_env=env).start()
        assert wait_until(lambda: delivered() >= 200, timeout=60), f"only {delivered()} of 200 delivered"
        time.sleep(2)  # a few more sweeps: nothing may be delivered twice
    finally:
        worker.stop()

    assert Reminder.objects.filter(kind="due").count() == 200
    events = Event.objects.filter(kind="followup.due")
    assert events.count() == 200
    per_followup = events.values("data__followup").annotate(n=Count("id"))
    assert len(per_followup) == 200 and all(row["n"] == 1 for row in per_followup)
    assert not FollowUp.objects.filter(status="open").exists()
    for team in teams:
        seqs = list(Event.objects.filter(stream=f"team:{team.pk}").order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, 51)), "each team's stream stays contiguous"
