"""Follow-ups (what must happen after the van leaves) and referrals to partner services.

Reminders, escalations and webhook retries are rows with a due time that a beat task sweeps; no
long ETA tasks. "Exactly once" is a unique constraint here, never a check in Python.

The models live in the modules of this package by sub-domain; every one is imported here, where
Django and the rest of the code find it.
"""

from apps.followups.models.followups import FollowUp, FollowUpRule, Reminder, SweepCursor
from apps.followups.models.partners import PartnerEndpoint, PartnerServiceStaff, WebhookAttempt, WebhookDelivery
from apps.followups.models.referrals import Consent, Referral, ReferralStallRule, ReferralStatusChange

__all__ = [
    "Consent",
    "FollowUp",
    "FollowUpRule",
    "PartnerEndpoint",
    "PartnerServiceStaff",
    "Referral",
    "ReferralStallRule",
    "ReferralStatusChange",
    "Reminder",
    "SweepCursor",
    "WebhookAttempt",
    "WebhookDelivery",
]
