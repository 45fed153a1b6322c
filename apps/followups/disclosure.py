"""What about a referral may leave the program, to whom, and the trace each disclosure leaves.

Three rules every door (partner inbox page, partner API, webhook payload) goes through here:

1. 42 CFR Part 2. Whether a referral carries substance-use information is derived from what the
   encounter and the referral actually hold (the needs written down, what responders did, the
   service's directory category, words in the notes), never from a box someone ticks. Such a
   referral leaves only under WRITTEN consent that says the person agreed to share substance-use
   information, names a purpose, a recipient and an end date (`part2_consent_problems`).
2. Recipients. A consent to "the service referred to" opens the person's details to the partner
   staff and webhook endpoints of that one service, not to the whole organization.
3. Every disclosed referral carries the redisclosure notice, and every disclosure writes one audit
   row per referral naming the recipient and the fields it included.

Never filter the database by referral notes or narratives here: those fields may be encrypted at
rest, so the text checks run in Python on the values already loaded.
"""

import re
from functools import lru_cache

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_noop

from apps.followups.models import Consent, PartnerEndpoint, PartnerServiceStaff
from apps.incidents.models import EncounterNote, EncounterVersion
from apps.resources.models import Attribute

# The program's need and service codes (apps/incidents/vocab.py) that are substance-use information.
DEFAULT_PART2_NEEDS = ("substance_use", "detox")
DEFAULT_PART2_SERVICES_PROVIDED = ("naloxone",)
# Words that, written in a referral's notes, the encounter's narrative or its notes, mean the
# record speaks of substance use or its treatment. Programs add their own (street names, local
# clinics) with FIRSTLINE_PART2_KEYWORDS.
DEFAULT_PART2_KEYWORDS = (
    "methadone",
    "buprenorphine",
    "suboxone",
    "subutex",
    "sublocade",
    "naltrexone",
    "vivitrol",
    "detox",
    "withdrawal management",
    "rehab",
    "substance use",
    "substance-use",
    "opioid use disorder",
    "alcohol use disorder",
    "MAT program",
    "sobering center",
)

# Plain wording of what 42 CFR 2.32 asks a disclosure to say; carried on every disclosed referral,
# because a crisis record can hold substance-use information that no rule spotted.
# Kept in English where it travels (webhooks, the API); pages show it translated ({% translate %}).
REDISCLOSURE_NOTICE = gettext_noop(
    "Notice to the recipient: this referral is shared with the person's consent, for this referral "
    "only. Do not pass it on. If any of it shows that the person has or had a substance use disorder, "
    "federal law (42 CFR Part 2) forbids you to disclose that information further unless the person's "
    "written consent expressly allows it or Part 2 otherwise permits it; a general authorization to "
    "release medical information is not enough. Part 2 also forbids using that information to "
    "investigate or prosecute the person for a crime."
)


def _setting_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = getattr(settings, name, None)
    if value is None:
        return default
    if isinstance(value, str):
        value = value.split(",")
    return tuple(v.strip() for v in value if v and v.strip())


def part2_needs() -> set[str]:
    return set(_setting_list("FIRSTLINE_PART2_NEEDS", DEFAULT_PART2_NEEDS))


def part2_services_provided() -> set[str]:
    return set(_setting_list("FIRSTLINE_PART2_SERVICES_PROVIDED", DEFAULT_PART2_SERVICES_PROVIDED))


def part2_keywords() -> tuple[str, ...]:
    return _setting_list("FIRSTLINE_PART2_KEYWORDS", DEFAULT_PART2_KEYWORDS)


@lru_cache(maxsize=8)
def _keyword_pattern(keywords: tuple[str, ...]) -> re.Pattern | None:
    if not keywords:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords) + r")\b", re.IGNORECASE)


def mentions_substance_use(*texts: str) -> bool:
    pattern = _keyword_pattern(part2_keywords())
    return pattern is not None and any(pattern.search(t or "") for t in texts)


def _reasons(*, need, notes, version, service_codes, note_texts) -> list[str]:
    needs_codes = part2_needs()
    reasons = []
    if need in needs_codes:
        reasons.append("the referral's need")
    if version is not None:
        if needs_codes & set(version.needs or []):
            reasons.append("the encounter's needs")
        if part2_services_provided() & set(version.services_provided or []):
            reasons.append("what the responders did")
    if needs_codes & service_codes:
        reasons.append("the service's category")
    if mentions_substance_use(need, notes):
        reasons.append("the referral's notes")
    if mentions_substance_use(version.narrative if version is not None else "", *note_texts):
        reasons.append("the encounter's narrative or notes")
    return reasons


def _content(encounters: list, service_ids: set) -> tuple[dict, dict, dict]:
    """The current version and notes of each encounter and the need codes of each service, in three
    queries whatever the number of referrals."""
    wanted = Q()
    for encounter in encounters:
        wanted |= Q(encounter_id=encounter.pk, number=encounter.current_version)
    versions = {}
    if encounters:
        for v in EncounterVersion.objects.filter(wanted).only(
            "encounter_id", "needs", "services_provided", "narrative"
        ):
            versions[v.encounter_id] = v
    notes: dict = {}
    for note in EncounterNote.objects.filter(encounter_id__in=[e.pk for e in encounters]).only("encounter_id", "text"):
        notes.setdefault(note.encounter_id, []).append(note.text)
    codes: dict = {}
    rows = Attribute.objects.filter(link_entity="service", link_id__in=service_ids).exclude(taxonomy_term__need_code="")
    for link_id, code in rows.values_list("link_id", "taxonomy_term__need_code"):
        codes.setdefault(link_id, set()).add(code)
    return versions, notes, codes


def part2_reasons(*, encounter, service, need: str = "", notes: str = "") -> list[str]:
    """Why a referral from this encounter to this service holds substance-use information; empty
    when nothing says so. The reasons name where it was found, never the words themselves."""
    versions, note_texts, codes = _content([encounter], {service.pk})
    return _reasons(
        need=need,
        notes=notes,
        version=versions.get(encounter.pk),
        service_codes=codes.get(service.pk, set()),
        note_texts=note_texts.get(encounter.pk, []),
    )


def referrals_part2_reasons(referrals) -> dict:
    """`part2_reasons` for many referrals at once (lists), keyed by referral id."""
    referrals = list(referrals)
    encounters = list({r.encounter_id: r.encounter for r in referrals}.values())
    versions, note_texts, codes = _content(encounters, {r.service_id for r in referrals})
    return {
        r.pk: _reasons(
            need=r.need,
            notes=r.notes,
            version=versions.get(r.encounter_id),
            service_codes=codes.get(r.service_id, set()),
            note_texts=note_texts.get(r.encounter_id, []),
        )
        for r in referrals
    }


def referral_part2_reasons(referral) -> list[str]:
    return referrals_part2_reasons([referral])[referral.pk]


def part2_consent_problems(consent) -> list[str]:
    """What a consent lacks to cover substance-use information (42 CFR 2.31)."""
    problems = []
    if not consent.substance_use_records:
        problems.append(
            "This referral holds substance-use information: the person's consent must say they agree to share it."
        )
    if consent.given_by != Consent.GivenBy.WRITTEN:
        problems.append("Substance-use treatment records need written consent.")
    if not (consent.purpose or "").strip():
        problems.append("Consent for substance-use treatment records must state the purpose.")
    if not (consent.recipient_name or "").strip():
        problems.append("Consent for substance-use treatment records must name the recipient.")
    if consent.expires_at is None:
        problems.append("Consent for substance-use treatment records needs an end date.")
    return problems


def recipient_allowed(consent, referral, recipient) -> bool:
    """Whether the consent opens the person's details to this partner user or webhook endpoint.

    'organization': anyone the organization has set up. 'service': only staff assigned to the
    service referred to, and only endpoints bound to that service.
    """
    if recipient is None or consent is None:
        return False
    if isinstance(recipient, PartnerEndpoint):
        if recipient.organization_id != referral.service.organization_id:
            return False
        if consent.recipients == Consent.Recipients.ORGANIZATION:
            return True
        return recipient.service_id == referral.service_id
    if getattr(recipient, "partner_organization_id", None) != referral.service.organization_id:
        return False
    if consent.recipients == Consent.Recipients.ORGANIZATION:
        return True
    return PartnerServiceStaff.objects.filter(user_id=recipient.pk, service_id=referral.service_id).exists()


def recipient_label(recipient) -> dict:
    if isinstance(recipient, PartnerEndpoint):
        return {"endpoint": recipient.pk, "url": recipient.url}
    if recipient is None:
        return {}
    return {"user": recipient.pk, "username": recipient.get_username()}
