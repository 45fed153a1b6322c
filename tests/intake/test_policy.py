"""The versioned eligibility policy and screening decisions, through the services."""

import pytest
from django.core.exceptions import ValidationError

from apps.common.errors import ApplicationError, PermissionRefused
from apps.incidents.models import Incident
from apps.incidents.services import incident_create
from apps.intake import services
from apps.intake.models import (
    DuplicateFlag,
    DuplicateStatus,
    Handback,
    PolicyCallType,
    PriorityTarget,
    ResponseType,
    ScreeningDecision,
    ScreeningQuestion,
    UnmetNeed,
)
from apps.intake.selectors import current_response_targets, policy_in_force
from apps.streams.models import Event
from apps.teams.models import Team, UnitStatus

pytestmark = pytest.mark.django_db

NO = {
    "weapon_involved": "no",
    "violence_or_threats": "no",
    "medical_emergency": "no",
    "suicide_attempt_with_means": "no",
}


def screen(actor, **extra):
    fields = {
        "answers": NO,
        "call_type": "welfare_check",
        "location_text": "Riverside Park",
        "summary": "Man on a bench in the cold",
    }
    fields.update(extra)
    return services.call_screen(actor=actor, **fields)


def test_an_eligible_call_creates_an_incident_and_records_the_decision(policy, call_taker, team):
    decision = screen(call_taker)
    assert decision.response_type == ResponseType.ALTERNATIVE
    assert decision.policy_version == policy
    assert decision.decided_by == call_taker
    assert decision.answers["weapon_involved"] is False
    assert decision.incident.call_type.code == "welfare_check"
    assert Event.objects.filter(stream="board", kind="incident.created").count() == 1
    assert Event.objects.filter(stream="board", kind="call.screened", data__decision=decision.pk).exists()
    assert not UnmetNeed.objects.exists()


def test_a_weapon_makes_the_call_not_eligible_and_hands_it_back(policy, call_taker):
    decision = screen(call_taker, answers={**NO, "weapon_involved": "yes"})
    assert decision.response_type == ResponseType.NOT_ELIGIBLE
    assert decision.incident is None
    assert "A weapon is involved." in decision.reasons
    handback = Handback.objects.get(decision=decision)
    assert handback.document["incidentComponent"]["incidentStatusInternalText"] == ["not_eligible"]
    assert not Incident.objects.exists()


def test_the_most_restrictive_answer_wins_and_raises_priority(policy, call_taker):
    decision = screen(call_taker, answers={**NO, "medical_emergency": "yes", "violence_or_threats": "yes"})
    assert decision.response_type == ResponseType.CO_RESPONSE_POLICE
    assert decision.priority == 1
    assert decision.incident.priority == 1
    assert set(decision.incident.safety_flags) == {"medical_emergency", "violence_or_threats"}
    assert Handback.objects.filter(incident=decision.incident).exists()  # police are asked for


def test_a_call_type_the_policy_does_not_take_is_not_eligible(policy, call_taker):
    from apps.incidents.models import CallType

    CallType.objects.create(code="noise_complaint", name="Noise complaint")
    decision = screen(call_taker, call_type="noise_complaint")
    assert decision.response_type == ResponseType.NOT_ELIGIBLE
    assert "not taken" in decision.reasons[0]


def test_an_unknown_question_or_call_type_is_refused(policy, call_taker):
    with pytest.raises(ApplicationError):
        screen(call_taker, answers={"is_it_raining": "yes"})
    with pytest.raises(ApplicationError):
        screen(call_taker, call_type="martian_landing")
    assert not ScreeningDecision.objects.exists()


def test_an_override_needs_a_reason_and_is_kept_with_the_recommendation(policy, call_taker):
    with pytest.raises(ApplicationError, match="override"):
        screen(call_taker, answers={**NO, "crime_in_progress": "yes"}, override="alternative")
    decision = screen(
        call_taker,
        answers={**NO, "crime_in_progress": "yes"},
        override="alternative",
        override_reason="Store says no theft",
    )
    assert decision.recommended == ResponseType.SECONDARY
    assert decision.response_type == ResponseType.ALTERNATIVE
    assert decision.overridden and decision.override_reason == "Store says no theft"
    assert decision.incident is not None


def test_a_responder_cannot_screen_calls(policy, responder):
    with pytest.raises(PermissionRefused):
        screen(responder)


def test_no_available_team_records_unmet_need(policy, call_taker):
    Team.objects.update(status=UnitStatus.OFF_DUTY)
    decision = screen(call_taker)
    assert UnmetNeed.objects.get().decision == decision


def test_a_call_near_an_open_incident_is_flagged_and_a_dispatcher_links_it(policy, call_taker, dispatcher, team):
    first = screen(call_taker, latitude=39.7400, longitude=-104.9900)
    second = screen(call_taker, latitude=39.7405, longitude=-104.9902)
    far = screen(call_taker, latitude=39.80, longitude=-104.90)
    flag = DuplicateFlag.objects.get()
    assert (flag.incident, flag.candidate) == (second.incident, first.incident)
    assert flag.distance_m < 100
    assert not DuplicateFlag.objects.filter(incident=far.incident).exists()
    with pytest.raises(PermissionRefused):
        services.duplicate_link(actor=call_taker, flag_id=flag.pk)
    services.duplicate_link(actor=dispatcher, flag_id=flag.pk)
    flag.refresh_from_db()
    second.incident.refresh_from_db()
    assert flag.status == DuplicateStatus.LINKED
    assert second.incident.status == "cancelled"
    assert first.incident.reference in second.incident.cancel_reason


def test_publishing_v2_leaves_decisions_under_v1_unchanged(policy, call_taker, supervisor):
    old = screen(call_taker, answers={**NO, "crime_in_progress": "yes"})
    assert old.response_type == ResponseType.SECONDARY
    draft = services.policy_version_draft(actor=supervisor, policy_id=policy.policy_id)
    assert draft.number == 2
    ScreeningQuestion.objects.filter(version=draft, key="crime_in_progress").update(yes_leads_to="not_eligible")
    PriorityTarget.objects.filter(version=draft, priority=1).update(minutes=8)
    services.policy_version_publish(actor=supervisor, version_id=draft.pk)
    assert policy_in_force() == draft
    assert current_response_targets()[1] == 8
    new = screen(call_taker, answers={**NO, "crime_in_progress": "yes"})
    assert new.response_type == ResponseType.NOT_ELIGIBLE and new.policy_version == draft
    old.refresh_from_db()
    assert old.response_type == ResponseType.SECONDARY and old.policy_version == policy
    assert ScreeningQuestion.objects.get(version=policy, key="crime_in_progress").yes_leads_to == "secondary"


def test_a_published_version_cannot_change(policy, supervisor):
    question = ScreeningQuestion.objects.filter(version=policy).first()
    question.text = "Changed"
    with pytest.raises(ValidationError):
        question.save()
    with pytest.raises(ValidationError):
        PolicyCallType.objects.filter(version=policy).first().delete()
    with pytest.raises(ApplicationError):
        services.policy_version_publish(actor=supervisor, version_id=policy.pk)


def test_only_supervisors_publish(policy, dispatcher):
    with pytest.raises(PermissionRefused):
        services.policy_version_draft(actor=dispatcher, policy_id=policy.policy_id)


def test_response_targets_fall_back_to_settings_without_a_policy(db, settings):
    settings.FIRSTLINE_RESPONSE_TARGET_MINUTES = {1: 7, 2: 14, 3: 30, 4: 90}
    assert current_response_targets() == {1: 7, 2: 14, 3: 30, 4: 90}


def test_screening_without_a_published_policy_is_refused(db, call_taker):
    with pytest.raises(ApplicationError, match="No eligibility policy"):
        screen(call_taker)


def test_quality_report_counts_police_backup_overrides_and_not_eligible(policy, call_taker, dispatcher, supervisor):
    from apps.incidents.services import incident_close
    from apps.intake.selectors import policy_quality_report

    taken = screen(call_taker)
    incident_close(actor=dispatcher, incident_id=taken.incident_id, disposition="police_requested")
    screen(call_taker, answers={**NO, "weapon_involved": "yes"})
    screen(call_taker, answers={**NO, "crime_in_progress": "yes"}, override="alternative", override_reason="No crime")
    screen(call_taker, answers={**NO, "crime_in_progress": "yes"}, override="alternative", override_reason="No crime")
    with pytest.raises(PermissionRefused):
        policy_quality_report(user=call_taker)
    (row,) = [r for r in policy_quality_report(user=supervisor) if r["call_type"] == "welfare_check"]
    assert row["decisions"] == 4
    assert row["screened_in"] == 3 and row["not_eligible"] == 1
    assert row["needed_police_backup"] == 1
    assert row["overridden"] == 2 and row["override_reasons"] == [{"reason": "No crime", "count": 2}]


def test_incidents_created_elsewhere_are_candidates_for_duplicates(policy, call_taker, team):
    incident_create(actor=call_taker, summary="x", location_text="y", latitude=39.74, longitude=-104.99)
    decision = screen(call_taker, latitude=39.7401, longitude=-104.9901)
    assert DuplicateFlag.objects.filter(incident=decision.incident).count() == 1
