"""The demo's own encounter question: "Was naloxone administered?" published as version 1, with its
follow-on asked only after a yes, and the week's encounters answering it."""

from apps.accounts.models import User
from apps.field.selectors import field_working_set
from apps.incidents.answers import answer_counts
from apps.incidents.models import EncounterVersion
from apps.questions.models import FormVersion
from tests.factories import DeviceFactory


def test_the_demo_publishes_the_naloxone_question_and_its_encounters_answer_it(demo_output, db):
    version = FormVersion.objects.get(published_at__isnull=False)
    assert list(version.questions.values_list("key", "show_if_question")) == [
        ("naloxone", ""),
        ("naloxone_doses", "naloxone"),
    ]
    answered = EncounterVersion.objects.filter(
        form_version=version, encounter__incident__external_id__startswith="demo-"
    )
    assert answered.exists()
    counts = {row["key"]: row for row in answer_counts()}
    assert counts["naloxone"]["values"]["yes"] > 0 and counts["naloxone"]["values"]["no"] > 0
    assert counts["naloxone_doses"]["answered"] == counts["naloxone"]["values"]["yes"]


def test_a_demo_tablet_gets_the_question_in_its_bootstrap(demo_output, db):
    responder = User.objects.get(username="responder4")
    boot = field_working_set(user=responder, device=DeviceFactory())
    assert boot["encounter_form"]["questions"][0]["label"]["en"] == "Was naloxone administered?"
