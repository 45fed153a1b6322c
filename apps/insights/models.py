"""The rollups behind the program's measures: one fact row per call, screening decision, referral
and follow-up, and per-day sums by one dimension at a time that the measures read.

These tables are derived: `insights_rebuild` recomputes all of them from the domain tables, and
the follow task (apps/insights/tasks.py) keeps them current. Nothing here holds a name, a note, a
callback number or any free text; facts name their source row only by id.
"""

from django.db import models


class CallFact(models.Model):
    """What the measures need to know about one call, computed from the call, its assignments,
    encounters and screening (apps/insights/facts.py)."""

    incident_id = models.BigIntegerField(primary_key=True)
    # The local day (program time zone) the call was received.
    day = models.DateField(db_index=True)
    received_at = models.DateTimeField()
    source = models.CharField(max_length=20)
    call_type = models.CharField(max_length=40, blank=True)
    priority = models.PositiveSmallIntegerField()
    district = models.CharField(max_length=60, blank=True)
    # The first team on scene, else the first sent.
    team_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20)
    disposition = models.CharField(max_length=30, blank=True)
    screened = models.BooleanField(default=False)
    response_type = models.CharField(max_length=30, blank=True)
    # Planned police co-response (or a secondary response after police), or a police disposition.
    police_involved = models.BooleanField(default=False)
    # Police requested or an arrest, on the call or any encounter.
    police_disposition = models.BooleanField(default=False)
    co_planned = models.BooleanField(default=False)
    co_requested = models.BooleanField(default=False)
    people_served = models.PositiveIntegerField(default=0)
    teams_sent = models.PositiveSmallIntegerField(default=0)
    reassigned = models.BooleanField(default=False)
    target_minutes = models.PositiveIntegerField(null=True, blank=True)
    # Seconds between the call's steps (None when a step never happened); see registry.INTERVALS.
    to_dispatch = models.IntegerField(null=True, blank=True)
    dispatch_to_en_route = models.IntegerField(null=True, blank=True)
    en_route_to_on_scene = models.IntegerField(null=True, blank=True)
    to_on_scene = models.IntegerField(null=True, blank=True)
    on_scene = models.IntegerField(null=True, blank=True)
    # The callback number's keyed digest (as on the call): repeat contacts are found by it.
    callback_digest = models.CharField(max_length=64, blank=True, db_index=True)
    repeat_30 = models.BooleanField(default=False)
    repeat_90 = models.BooleanField(default=False)
    needs_without_partner = models.PositiveSmallIntegerField(default=0)
    # The other agencies asked to the call (apps.safety CoResponse): [[agency, reason], ...].
    co_requests = models.JSONField(default=list, blank=True)
    # {team id: seconds the team was busy on this call (dispatched to cleared or cancelled)}.
    team_seconds = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"call {self.incident_id} on {self.day}"


class ScreeningFact(models.Model):
    decision_id = models.BigIntegerField(primary_key=True)
    day = models.DateField(db_index=True)
    incident_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    source = models.CharField(max_length=20, blank=True)
    call_type = models.CharField(max_length=40, blank=True)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    district = models.CharField(max_length=60, blank=True)
    policy_version = models.CharField(max_length=140, blank=True)
    response_type = models.CharField(max_length=30)
    screened_in = models.BooleanField()
    overridden = models.BooleanField(default=False)
    needed_police = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"decision {self.decision_id} on {self.day}"


class ReferralFact(models.Model):
    """A referral that was sent, dated by the local day it was first sent."""

    referral_id = models.UUIDField(primary_key=True)
    day = models.DateField(db_index=True)
    incident_id = models.BigIntegerField(db_index=True)
    # The partner organization's id.
    partner_id = models.CharField(max_length=40)
    source = models.CharField(max_length=20, blank=True)
    call_type = models.CharField(max_length=40, blank=True)
    priority = models.PositiveSmallIntegerField(null=True, blank=True)
    district = models.CharField(max_length=60, blank=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    accepted = models.BooleanField(default=False)
    served = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    sent_to_accepted = models.IntegerField(null=True, blank=True)
    accepted_to_served = models.IntegerField(null=True, blank=True)
    served_to_closed = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"referral {self.referral_id} on {self.day}"


class FollowUpFact(models.Model):
    """A follow-up with a person (not a staff debrief or renewal), dated by its local due day."""

    followup_id = models.UUIDField(primary_key=True)
    day = models.DateField(db_index=True)
    team_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=30)
    cancelled = models.BooleanField(default=False)
    done = models.BooleanField(default=False)
    on_time = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"follow-up {self.followup_id} due {self.day}"


class DailyRollup(models.Model):
    """The sums of one local day for one value of one dimension ("all" has the value "").

    `counts` maps a counter to an integer; `histograms` maps an interval to {whole minutes: calls},
    so percentiles of any range of days come from adding histograms (registry.percentile).
    """

    day = models.DateField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=140, blank=True)
    counts = models.JSONField(default=dict)
    histograms = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dimension", "day", "value"], name="daily_rollup_once")]
        indexes = [models.Index(fields=["dimension", "day"], name="daily_rollup_dimension_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}"


class MonthlyRollup(models.Model):
    """The sum of a month's DailyRollup rows (`month` is its first day), kept with them, so a year is
    read from twelve rows per value instead of 365."""

    month = models.DateField()
    dimension = models.CharField(max_length=20)
    value = models.CharField(max_length=140, blank=True)
    counts = models.JSONField(default=dict)
    histograms = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dimension", "month", "value"], name="monthly_rollup_once")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.value}"


class RollupMonth(models.Model):
    """The lock of a month's rollups: taken before its days', so refreshes never wait in a circle."""

    month = models.DateField(primary_key=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} @ {self.refreshed_at:%H:%M:%S}"


class RollupDay(models.Model):
    """When a day's rollups were last recomputed; its row is also the lock that serialises that work."""

    day = models.DateField(primary_key=True)
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} @ {self.refreshed_at:%H:%M:%S}"


class RollupCursor(models.Model):
    """How far the follow task has read the event log (apps.streams.Event ids), and the ids below it
    not yet seen (a transaction still open when it read), each with when it was first missed."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_id}"


class PublicRelease(models.Model):
    """The public numbers of one period, computed ahead by the publish task (apps/insights/
    services/releases.py) so that no reader ever runs the suppression: each month since the first
    with rollups (this month so far included) and the dashboard's default period, per language and
    threshold. `summary` is the public summary API's answer for start..end, suppressed values null.
    """

    start = models.DateField()
    end = models.DateField()
    language = models.CharField(max_length=10)
    min_count = models.PositiveSmallIntegerField()
    # What it was computed from: the public measures and breakdowns (a new measure means a recompute).
    basis = models.CharField(max_length=64)
    summary = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["start", "end", "language", "min_count"], name="public_release_once")
        ]

    def __str__(self) -> str:
        return f"{self.start}..{self.end} {self.language} (min {self.min_count})"
