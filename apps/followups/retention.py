"""De-identifying old follow-ups and referrals (apps.retention runs it).

Only finished ones: a follow-up done or cancelled, a referral whose loop ended. They keep their
kind, status, times, outcome and need code (what the program counts) and lose the free text about
the person: notes, outcome notes, status reasons. A referral's consent row stays as the proof of
what was agreed. Text fields may be encrypted at rest, so nothing here filters on them.
"""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from apps.followups.models import FollowUp, Referral

FINISHED_REFERRALS = (
    Referral.Status.CLOSED,
    Referral.Status.DECLINED,
    Referral.Status.DELIVERED,
    Referral.Status.NOT_DELIVERED,
    Referral.Status.CANCELLED,
)


def followups_past_retention(*, cutoff: datetime):
    ended = Q(completed_at__lt=cutoff) | Q(completed_at__isnull=True, due_at__lt=cutoff)
    return FollowUp.objects.filter(
        ended, status__in=[FollowUp.Status.DONE, FollowUp.Status.CANCELLED], deidentified_at__isnull=True
    )


def referrals_past_retention(*, cutoff: datetime):
    return Referral.objects.filter(
        status__in=FINISHED_REFERRALS, status_changed_at__lt=cutoff, deidentified_at__isnull=True
    )


def followups_deidentify(*, cutoff: datetime, dry_run: bool = False) -> dict:
    rows = followups_past_retention(cutoff=cutoff)
    count = rows.count()
    if not dry_run and count:
        rows.update(notes="", outcome_notes="", deidentified_at=timezone.now())
    return {"followups": count}


def referrals_deidentify(*, cutoff: datetime, dry_run: bool = False) -> dict:
    rows = referrals_past_retention(cutoff=cutoff)
    count = rows.count()
    if not dry_run and count:
        rows.update(notes="", status_reason="", deidentified_at=timezone.now())
    return {"referrals": count}
