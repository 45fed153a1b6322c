"""The missing-partnerships report: needs the program met in the field but could not place.

A need counts when, in the period, an encounter's current version named it and no active partner
(an organization in a formal or informal partnership, agreement in force) runs an active service
mapped to that need; or when a referral for it was declined or not delivered for lack of capacity
or eligibility. Counts only, by need and district: no person's record leaves this module.
It lives in followups, above resources and incidents, because it reads referrals; the API
(`GET /api/v1/resources/partnerships/missing/`) and the admin page are served from here too.
"""

from collections import defaultdict
from datetime import date, datetime

from django.db.models import F

from apps.common.days import day_bounds, program_today
from apps.followups.models import Referral
from apps.incidents.models import EncounterVersion
from apps.incidents.vocab import NEEDS
from apps.resources.models import Attribute, Organization, Service

CAPACITY_WORDS = ("no_capacity", "capacity", "full", "no beds", "waitlist")
ELIGIBILITY_WORDS = ("not_eligible", "eligib")


def active_partner_ids(day: date) -> set:
    candidates = Organization.objects.exclude(partnership_status=Organization.Partnership.NONE)
    return {o.pk for o in candidates if o.partnership_active_on(day)}


def needs_covered_by_partners(day: date) -> set[str]:
    services = Service.objects.filter(status=Service.Status.ACTIVE, organization_id__in=active_partner_ids(day))
    rows = Attribute.objects.filter(link_entity="service", link_id__in=services.values("id")).exclude(
        taxonomy_term__need_code=""
    )
    return set(rows.values_list("taxonomy_term__need_code", flat=True))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return day_bounds(start)[0], day_bounds(end)[1]


def _referral_reason(referral) -> str | None:
    """'no_capacity' / 'not_eligible' when the referral failed for those reasons, else None."""
    text = " ".join(str(getattr(referral, f, "") or "") for f in ("status_reason", "reason")).lower()
    if any(word in text for word in CAPACITY_WORDS):
        return "no_capacity"
    if any(word in text for word in ELIGIBILITY_WORDS):
        return "not_eligible"
    return None


def missing_partnerships(*, start: date, end: date) -> dict:
    """Rows by (need, district) with counts, biggest gaps first."""
    begin, finish = _bounds(start, end)
    covered = needs_covered_by_partners(program_today())
    counts = defaultdict(lambda: {"encounters": 0, "referrals_no_capacity": 0, "referrals_not_eligible": 0,
                                  "referrals_no_partner": 0})  # fmt: skip
    versions = EncounterVersion.objects.filter(
        number=F("encounter__current_version"),
        encounter__created_at__gte=begin,
        encounter__created_at__lt=finish,
    ).values_list("needs", "encounter__incident__district")
    for needs, district in versions.iterator(chunk_size=2000):
        for need in {n for n in (needs or []) if isinstance(n, str)}:
            if need not in covered:
                counts[(need, district or "")]["encounters"] += 1
    referrals = Referral.objects.filter(created_at__gte=begin, created_at__lt=finish).select_related(
        "encounter__incident"
    )
    failed = {Referral.Status.DECLINED, Referral.Status.NOT_DELIVERED}
    for referral in referrals.iterator(chunk_size=2000):
        need = referral.need or ""
        district = referral.encounter.incident.district or ""
        reason = _referral_reason(referral) if referral.status in failed else None
        if reason:
            counts[(need, district)][f"referrals_{reason}"] += 1
        elif need and need not in covered:
            counts[(need, district)]["referrals_no_partner"] += 1
    rows = []
    for (need, district), c in counts.items():
        total = sum(c.values())
        rows.append(
            {
                "need": need,
                "need_label": NEEDS.get(need, need),
                "district": district,
                "has_active_partner": need in covered,
                **c,
                "total": total,
            }
        )
    rows.sort(key=lambda r: (-r["total"], r["need"], r["district"]))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "needs_without_active_partner": sorted(set(NEEDS) - covered),
        "rows": rows,
    }
