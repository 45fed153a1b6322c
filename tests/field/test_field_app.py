"""The responder's tablet app in a real Chromium against a real server: offline, sync, live calls."""

import pytest

from apps.field.models import AppliedMutation
from apps.incidents import services
from apps.incidents.models import Encounter, EncounterVersion
from tests.factories import DeviceFactory, MembershipFactory, UserFactory
from tests.field.browser import assign_through_api, eventually, in_thread, pending, reopen, until
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


def test_the_app_shell_opens_from_cache_after_a_reload_with_no_network(
    field_app, responder, tablet_device, dispatcher, team
):
    assigned_call(dispatcher, team, location_text="1200 Broadway")
    context, page = field_app(responder, tablet_device)
    page.wait_for_selector("text=1200 Broadway")
    context.set_offline(True)
    reopen(page)
    assert "Offline" in page.inner_text("#conn")
    page.wait_for_selector("text=1200 Broadway")  # the working set comes from IndexedDB


def test_an_encounter_documented_offline_reaches_the_server_exactly_once(
    field_app, responder, tablet_device, dispatcher, team
):
    incident, _assignment = assigned_call(dispatcher, team, location_text="Civic Center Park")
    context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Civic Center Park')")
    context.set_offline(True)
    page.click("[data-action=new-encounter]")
    page.click("[data-code=shelter]")
    page.click("[data-code=resource_info]")
    page.click("[data-action=people][data-step='1']")
    page.fill("#narrative", "Cold, accepted a ride to the shelter")
    # Saved in IndexedDB as it was typed, before any submit.
    assert until(page, "FLStore.all('drafts').then((d) => d.some((x) => x.narrative.startsWith('Cold')))")
    reopen(page)
    page.click(".call-card:has-text('Civic Center Park')")
    page.click("[data-action=new-encounter]")
    # The draft is decrypted from the store after the form opens: wait for it to be filled in.
    page.wait_for_function("() => (document.querySelector('#narrative') || {}).value", timeout=10000)
    assert page.input_value("#narrative") == "Cold, accepted a ride to the shelter"
    assert page.get_attribute("[data-code=shelter]", "aria-pressed") == "true"
    page.click("[data-field=disposition][data-code=transported]")
    page.click("[data-action=submit-form]")
    page.wait_for_selector("text=1 change waiting to sync")
    reopen(page)
    assert pending(page) == 1
    context.set_offline(False)
    page.wait_for_function("() => document.body.dataset.pending === '0'", timeout=15000)
    version = EncounterVersion.objects.get(encounter__incident=incident)
    assert version.narrative == "Cold, accepted a ride to the shelter" and version.people_served == 2
    assert version.needs == ["shelter"] and version.disposition == "transported"
    assert Encounter.objects.filter(incident=incident).count() == 1


def test_the_same_mutation_replayed_three_times_makes_one_record(field_app, responder, tablet_device, dispatcher, team):
    incident, assignment = assigned_call(dispatcher, team)
    _context, page = field_app(responder, tablet_device)
    statuses = page.evaluate(
        """async ([incident, assignment]) => {
          const item = await FLStore.enqueue({type: "encounter.create", record: FLStore.uuid(), data: {
            incident, assignment, disposition: "declined_services", narrative: "Declined, has a place to stay"}});
          const answers = [];
          for (let i = 0; i < 3; i++) {
            await FLStore.put("outbox", item);
            await FLStore.drain();
            answers.push(await FLStore.count("outbox"));
          }
          return answers;
        }""",
        [incident.pk, assignment.pk],
    )
    assert statuses == [0, 0, 0]
    assert Encounter.objects.filter(incident=incident).count() == 1
    assert EncounterVersion.objects.filter(encounter__incident=incident).count() == 1
    assert AppliedMutation.objects.filter(type="encounter.create").count() == 1


def test_two_tablets_editing_one_encounter_get_a_conflict_the_responder_resolves(
    field_app, responder, tablet_device, dispatcher, team
):
    incident, assignment = assigned_call(dispatcher, team, location_text="Union Station")
    first = services.encounter_record(
        actor=responder,
        incident_id=incident.pk,
        assignment_id=assignment.pk,
        disposition="referred",
        narrative="First account",
    )
    partner = UserFactory(username="responder-c")
    MembershipFactory(team=team, user=partner)
    _context_a, page_a = field_app(responder, tablet_device)
    context_b, page_b = field_app(partner, DeviceFactory(team=team, name="Unit tablet B"))
    for page in (page_a, page_b):
        page.click(".call-card:has-text('Union Station')")
        page.wait_for_selector("text=First account")
    context_b.set_offline(True)
    page_b.click("[data-action=edit-encounter]")
    page_b.fill("#narrative", "Tablet B's account")
    page_b.click("[data-action=submit-form]")
    page_a.click("[data-action=edit-encounter]")
    page_a.fill("#narrative", "Tablet A's account")
    page_a.click("[data-action=submit-form]")
    assert eventually(lambda: Encounter.objects.get(pk=first.encounter_id).current_version == 2)
    context_b.set_offline(False)
    page_b.wait_for_selector("#problem-count:not([hidden])", timeout=15000)
    page_b.click("[data-view=problems]")
    assert "Tablet B's account" in page_b.inner_text(".versions .mine")
    assert "Tablet A's account" in page_b.inner_text(".versions .theirs")
    page_b.click("[data-choice=mine]")
    assert eventually(lambda: Encounter.objects.get(pk=first.encounter_id).current_version == 3)
    encounter = Encounter.objects.get(pk=first.encounter_id)
    assert [v.narrative for v in encounter.versions.order_by("number")] == [
        "First account",
        "Tablet A's account",
        "Tablet B's account",
    ]


def test_an_assignment_made_through_the_api_appears_in_the_open_app(
    field_app, responder, tablet_device, dispatcher, team
):
    _context, page = field_app(responder, tablet_device)
    page.wait_for_selector("text=No calls right now")
    page.wait_for_function("() => document.body.dataset.conn === 'live'", timeout=15000)
    in_thread(assign_through_api, dispatcher, team, "Sunken Gardens Park")
    page.wait_for_selector("#new-call:has-text('Sunken Gardens Park')", timeout=15000)  # it takes over the screen
    page.click("#new-call-ack")  # acknowledges and opens the call
    assert "dog on scene" in page.inner_text(".safety")
    assert page.get_attribute("a[href^='geo:']", "href").startswith("geo:39.735,-104.987")
    assert eventually(lambda: team.assignments.get().status == "acknowledged")
    page.click("[data-status=en_route]")
    assert eventually(lambda: team.assignments.get().status == "en_route")
    page.wait_for_selector("#call-status:has-text('En route')")


def test_an_app_that_was_offline_shows_the_call_made_meanwhile(field_app, responder, tablet_device, dispatcher, team):
    context, page = field_app(responder, tablet_device)
    page.wait_for_selector("text=No calls right now")
    context.set_offline(True)
    in_thread(assigned_call, dispatcher, team, location_text="Cheesman Park pavilion")
    page.wait_for_timeout(500)
    assert page.locator("text=Cheesman Park pavilion").count() == 0
    context.set_offline(False)
    page.wait_for_selector("text=Cheesman Park pavilion", timeout=15000)


def test_resources_are_searched_offline_by_need_and_name_open_ones_first(field_app, responder, tablet_device):
    context, page = field_app(responder, tablet_device)
    always = [{"weekday": d, "opens": "00:00", "closes": "23:59"} for d in range(7)]
    never = [{"weekday": d, "opens": "03:00", "closes": "03:01"} for d in range(7)]

    def service(name, needs, hours):
        return {
            "id": name,
            "name": name,
            "description": f"{name} description",
            "organization": "Org",
            "address": "1 Main St",
            "latitude": None,
            "longitude": None,
            "phone": "555-0100",
            "url": "",
            "hours": hours,
            "eligibility": "Adults",
            "min_age": 18,
            "max_age": None,
            "languages": ["es"],
            "needs": needs,
            "capacity": None,
        }

    directory = {
        "available": True,
        "results": [
            service("A Closed Shelter", ["shelter"], never),
            service("B Open Shelter", ["shelter"], always),
            service("Food Pantry", ["food"], always),
        ],
    }
    page.wait_for_function("() => FL.state.resources && FL.state.resources.fetched")  # the app's own fetch is done
    page.evaluate("(d) => FLStore.put('cache', d, 'resources')", directory)
    context.set_offline(True)
    reopen(page)
    page.click("[data-view=resources]")
    page.click("[data-action=res-need][data-code=shelter]")
    names = page.locator(".resource h2").all_inner_texts()
    assert names == ["B Open Shelter", "A Closed Shelter"]
    assert "Open now" in page.inner_text(".resource >> nth=0")
    page.click("[data-action=res-need][data-code=shelter]")
    page.fill("#res-q", "pantry")
    assert page.locator(".resource h2").all_inner_texts() == ["Food Pantry"]


def test_a_refused_change_is_listed_with_its_reason_not_dropped(field_app, responder, tablet_device, dispatcher, team):
    _incident, assignment = assigned_call(dispatcher, team, location_text="Alameda Station")
    _context, page = field_app(responder, tablet_device)
    page.evaluate(
        "(id) => FLStore.enqueue({type: 'assignment.status', record: id, data: {status: 'at_destination'}})",
        assignment.pk,
    )
    page.evaluate("FL.sync()")
    page.wait_for_selector("#problem-count:not([hidden])")
    page.click("[data-view=problems]")
    reason = page.inner_text(".problem.rejected .reason")
    assert "cannot go to at destination" in reason
    page.click("[data-choice=drop]")
    page.wait_for_selector("text=Nothing needs your attention")


def test_a_follow_up_asked_for_on_the_form_is_created_with_the_encounter(
    field_app, responder, tablet_device, dispatcher, team
):
    from apps.followups.models import FollowUp

    incident, _assignment = assigned_call(dispatcher, team, location_text="Sloan's Lake")
    _context, page = field_app(responder, tablet_device)
    page.click('.call-card:has-text("Sloan\'s Lake")')
    page.click("[data-action=new-encounter]")
    page.click("[data-field=disposition][data-code=resolved_on_scene]")
    page.click("[data-action=flag][data-field=followup_needed]")
    page.click("[data-field=followup_when][data-code=tomorrow]")
    page.click("[data-action=submit-form]")
    assert eventually(lambda: FollowUp.objects.filter(encounter__incident=incident).exists())
    followup = FollowUp.objects.get(encounter__incident=incident)
    assert followup.kind == "check_in_call" and followup.team_id == team.pk
    assert EncounterVersion.objects.get(encounter__incident=incident).followup_needed is True
