"""The measures of what follows a call (referrals, follow-ups, unmet needs) and of staffing."""

from django.utils.translation import gettext_lazy as _

from apps.insights.registry.base import (
    CALL_BREAKDOWNS,
    OUTCOMES,
    REFERRAL_BREAKDOWNS,
    REFERRALS,
    TEAM_BREAKDOWNS,
    count,
    duration,
    share,
)

MEASURES = [
    # The loop.
    count(
        "referrals_sent",
        _("Referrals sent"),
        _("Referrals to a partner's service, counted on the local day they were first sent (drafts are not)."),
        _("count of referrals first sent in the period"),
        unit="referrals",
        sources=REFERRALS,
        privacy="program",
        breakdowns=REFERRAL_BREAKDOWNS,
    ),
    count(
        "referrals_accepted",
        _("Referrals accepted"),
        _("Of the referrals sent in the period, those the partner accepted (at any time so far)."),
        _("count of referrals sent in the period that reached accepted"),
        unit="referrals",
        sources=REFERRALS,
        privacy="program",
        breakdowns=REFERRAL_BREAKDOWNS,
    ),
    count(
        "referrals_served",
        _("Referrals served"),
        _("Of the referrals sent in the period, those where the partner delivered the service."),
        _("count of referrals sent in the period that reached service delivered"),
        unit="referrals",
        sources=REFERRALS,
        privacy="program",
        breakdowns=REFERRAL_BREAKDOWNS,
    ),
    count(
        "referrals_closed",
        _("Referrals closed"),
        _("Of the referrals sent in the period, those closed."),
        _("count of referrals sent in the period that reached closed"),
        unit="referrals",
        sources=REFERRALS,
        privacy="program",
        breakdowns=REFERRAL_BREAKDOWNS,
    ),
    duration(
        "referral_sent_to_accepted",
        _("Referral sent to accepted"),
        _("From a referral first sent to the partner first accepting it."),
        _("p50 and p90 of (first accepted − first sent)"),
        sources=REFERRALS,
        privacy="program",
        breakdowns=REFERRAL_BREAKDOWNS,
    ),
    duration(
        "referral_accepted_to_served",
        _("Referral accepted to served"),
        _("From the partner accepting a referral to the service being delivered."),
        _("p50 and p90 of (first delivered − first accepted)"),
        sources=REFERRALS,
        privacy="program",
        breakdowns=REFERRAL_BREAKDOWNS,
    ),
    duration(
        "referral_served_to_closed",
        _("Referral served to closed"),
        _("From the service being delivered to the referral being closed."),
        _("p50 and p90 of (first closed − first delivered)"),
        sources=REFERRALS,
        privacy="program",
        breakdowns=REFERRAL_BREAKDOWNS,
    ),
    share(
        "followups_on_time",
        _("Follow-ups completed on time"),
        _(
            "Of the follow-ups with people (check-in calls, visits, welfare re-checks, stalled referral checks) "
            "due in the period and not cancelled, the share completed no later than their due time."
        ),
        _("follow-ups completed by their due time ÷ follow-ups due and not cancelled × 100"),
        sources=("followups.FollowUp",),
        privacy="program",
        breakdowns=TEAM_BREAKDOWNS,
        counter="followups_on_time",
        base="followups_due",
    ),
    count(
        "needs_without_partner",
        _("Needs with no partner"),
        _(
            "Needs named in encounters (current version, calls not cancelled) for which, on the day of the "
            "call, no active partner organization ran an active service mapped to that need."
        ),
        _("count of (encounter, need) pairs with no partner service for the need on the call's day"),
        unit="needs",
        sources=(*OUTCOMES, "resources.Service", "resources.Organization"),
        privacy="program",
        breakdowns=CALL_BREAKDOWNS,
    ),
    # Staffing.
    count(
        "team_hours_on_shift",
        _("Team-hours on shift"),
        _("Hours each team was scheduled on shift, split at local midnight and counted on each local day."),
        _("sum over shifts of the hours inside the period"),
        unit="hours",
        sources=("teams.Shift",),
        privacy="program",
        breakdowns=TEAM_BREAKDOWNS,
        counter="shift_seconds",
        scale=3600.0,
        records="shift_pieces",
    ),
    share(
        "shift_share_on_calls",
        _("Share of shift time spent on calls"),
        _(
            "Hours teams were busy on calls (from being sent to clearing or being cancelled, counted on the day "
            "the call was received) as a share of team-hours on shift."
        ),
        _("team-hours on calls ÷ team-hours on shift × 100"),
        sources=("teams.Shift", "incidents.Assignment"),
        privacy="program",
        breakdowns=TEAM_BREAKDOWNS,
        counter="busy_seconds",
        base="shift_seconds",
        records="shift_pieces",
    ),
]
