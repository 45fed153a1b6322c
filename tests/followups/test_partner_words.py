"""A partner reads a referral in words: needs, housing and language as people say them, who referred,
how to reach them, and when; and the inbox and the detail give one answer to what is shared."""

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.followups import services
from tests.followups.conftest import FULL_CONSENT

pytestmark = pytest.mark.django_db


def _refer(responder, encounter_version, service, scope, **extra):
    return services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=service.pk,
        consent={**FULL_CONSENT, "scope": scope},
        need="shelter",
        **extra,
    )


def _pages(partner, referral):
    client = Client()
    client.force_login(partner)
    return client.get("/partners/").content.decode(), client.get(f"/partners/referrals/{referral.pk}/").content.decode()


def test_the_detail_shows_words_not_codes_and_who_referred_and_when(
    responder, team, encounter_version, shelter_service, shelter_partner
):
    User.objects.filter(pk=responder.pk).update(first_name="Ana", last_name="Ruiz", phone="+13035550142")
    scope = ["need", "needs", "name", "age_range", "language", "housing_status"]
    referral = _refer(responder, encounter_version, shelter_service, scope)
    _inbox, page = _pages(shelter_partner, referral)
    assert "Shelter or housing tonight" in page
    assert "Unsheltered (outside, car, tent)" in page
    assert '<dd data-field="language">English</dd>' in page
    assert ">shelter<" not in page and ">unsheltered<" not in page and "—" not in page
    assert f"Ana Ruiz, team {team.call_sign}" in page
    assert 'href="tel:+13035550142"' in page
    assert "Referred</dt><dd>" in page and "· Denver (M" in page


def test_the_inbox_and_the_detail_agree_on_what_the_person_needs(
    responder, encounter_version, shelter_service, shelter_partner
):
    noted_only = _refer(responder, encounter_version, shelter_service, ["needs", "name"])
    inbox, page = _pages(shelter_partner, noted_only)
    row = inbox.split(f'data-referral="{noted_only.pk}"')[1].split("</tr>")[0]
    assert "Shelter or housing tonight" in row and "Not shared" not in row
    assert '<dd id="referral-need">Shelter or housing tonight</dd>' in page


def test_nothing_about_the_need_is_shown_when_the_consent_shares_neither(
    responder, encounter_version, shelter_service, shelter_partner
):
    referral = _refer(responder, encounter_version, shelter_service, ["name"])
    inbox, page = _pages(shelter_partner, referral)
    row = inbox.split(f'data-referral="{referral.pk}"')[1].split("</tr>")[0]
    assert "Not shared" in row and "Shelter" not in row
    assert "Not shared" in page and "Shelter or housing tonight" not in page
