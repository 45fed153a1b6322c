"""The responder's tablet app in a real Chromium against a real server: offline, sync, live calls."""

import threading
import time

import pytest
from django.db import connection

from apps.accounts.services import device_revoke
from apps.field.models import AppliedMutation
from apps.incidents import services
from apps.incidents.models import Encounter, EncounterVersion
from tests.factories import DeviceFactory, MembershipFactory, UserFactory
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


def eventually(check, timeout: float = 15.0):
    """Poll the database until the server has done what the app sent (bounded)."""
    deadline = time.monotonic() + timeout
    while True:
        connection.close()
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def until(page, expression: str, timeout: float = 10.0):
    """Poll a JavaScript expression that may return a promise (wait_for_function takes a promise for a
    true answer), until it is truthy or the time is up; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(100)


def reopen(page):
    """Reload the app: the data key does not survive it, so the responder unlocks with the password
    (offline too: the password unwraps the key kept on the tablet)."""
    from tests.factories import PASSWORD

    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector("body[data-view=locked]")
    page.fill("#fl-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#nav:not([hidden])")


def in_thread(func, *args, **kwargs):
    """Run a service outside Playwright's event loop thread, as another process's request would."""
    box = {}

    def run():
        try:
            box["value"] = func(*args, **kwargs)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return box.get("value")


def assign_through_api(dispatcher, team, location_text: str) -> None:
    """A dispatcher creates a call and sends the team, through the public REST API."""
    from rest_framework.test import APIClient

    from tests.factories import PASSWORD

    client = APIClient(enforce_csrf_checks=True)
    client.post("/api/v1/auth/login/", {"username": dispatcher.username, "password": PASSWORD}, format="json")
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    incident = client.post(
        "/api/v1/incidents/",
        {
            "location_text": location_text,
            "summary": "Man pacing, talking to himself",
            "latitude": 39.735,
            "longitude": -104.987,
            "safety_flags": ["dog on scene"],
        },
        format="json",
    )
    assert incident.status_code == 201, incident.content
    answer = client.post(f"/api/v1/incidents/{incident.json()['id']}/assignments/", {"team": team.pk}, format="json")
    assert answer.status_code == 201, answer.content


def pending(page) -> int:
    return int(page.evaluate("document.body.dataset.pending || '0'"))


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
    page.wait_for_selector(".call-card:has-text('Sunken Gardens Park')", timeout=15000)
    page.click(".call-card:has-text('Sunken Gardens Park')")
    assert "dog on scene" in page.inner_text(".safety")
    assert page.get_attribute("a[href^='geo:']", "href").startswith("geo:39.735,-104.987")
    page.click("[data-action=ack]")
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


def test_a_revoked_tablet_wipes_its_data(field_app, responder, tablet_device, dispatcher, team, supervisor):
    assigned_call(dispatcher, team, location_text="Five Points")
    _context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Five Points')")
    page.click("[data-action=new-encounter]")
    page.fill("#narrative", "Something private")
    in_thread(device_revoke, actor=supervisor, device_id=tablet_device.pk, reason="lost in the field")
    page.evaluate("FL.contact()")  # the next contact with the server (the stream may say it first)
    page.wait_for_selector("body[data-wiped=true]", timeout=15000)
    left = page.evaluate(
        """async () => ({
          databases: (await indexedDB.databases()).map((d) => d.name),
          caches: await caches.keys(),
          local: localStorage.length,
        })"""
    )
    assert left == {"databases": [], "caches": [], "local": 0}
    assert "revoked" in page.inner_text("#message")


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


def test_signing_out_erases_the_tablets_copy_but_keeps_its_enrollment(
    field_app, responder, tablet_device, dispatcher, team
):
    assigned_call(dispatcher, team, location_text="Washington Park")
    _context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Washington Park')")
    page.click("[data-action=new-encounter]")
    page.fill("#narrative", "Private words")
    page.wait_for_selector("body[data-draft=saved]")
    page.click("#logout")
    page.wait_for_selector("#login-form")
    left = page.evaluate(
        """async () => ({
          drafts: await FLStore.count("drafts"), encounters: await FLStore.count("encounters"),
          boot: await FLStore.get("cache", "bootstrap"), user: await FLStore.get("meta", "user"),
          local: Object.keys(localStorage),
        })"""
    )
    assert left == {"drafts": 0, "encounters": 0, "boot": None, "user": None, "local": ["fl.device"]}
    assert str(tablet_device.name) in page.inner_text("#fl-tablet-name")
    assert page.evaluate("FLStore.get('meta', 'device')") == str(tablet_device.pk)


def test_an_idle_app_locks_and_unlocks_with_the_password_keeping_work(field_app, responder, tablet_device):
    from tests.factories import PASSWORD

    _context, page = field_app(responder, tablet_device)
    page.evaluate("FL.state.boot.idle_seconds = 0.001; FL.state.lastInput = 0; FL.idleCheck()")
    page.wait_for_selector("body[data-view=locked]")
    assert page.locator("#nav").is_hidden()
    page.fill("#fl-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#nav:not([hidden])")


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


def test_a_tablet_enrolls_from_the_supervisors_link_and_keeps_its_key_not_its_code(
    chromium, asgi_server, responder, tablet_device
):
    from tests.factories import PASSWORD, enrollment_code_for

    code = enrollment_code_for(tablet_device)
    context = chromium.new_context(base_url=asgi_server.url)
    try:
        page = context.new_page()
        page.goto(f"/field/#enroll={code}")
        page.wait_for_selector("#login-form")
        assert "enroll" not in page.url  # the code does not linger in the address bar or history
        stored = page.evaluate("FLStore.get('meta', 'device_key')")
        assert stored and code not in stored
        page.fill("#fl-username", responder.username)
        page.fill("#fl-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#nav:not([hidden])")
        again = context.new_page()  # the code is spent: a second tablet opening the link is refused
        again.goto(f"/field/#enroll={code}")
        again.wait_for_selector("#message:has-text('not valid')")
    finally:
        context.close()


NARRATIVE = "Marisol spoke of her brother's overdose at the river camp"

READ_RAW_STORES = """async () => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open("firstline-field");
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const dump = {};
  for (const name of db.objectStoreNames) {
    dump[name] = await new Promise((ok) => {
      const r = db.transaction(name).objectStore(name).getAll();
      r.onsuccess = () => ok(r.result);
    });
  }
  db.close();
  // Every byte of every value, as text: ArrayBuffers and typed arrays decoded, the rest as JSON.
  const asText = (v) => v instanceof ArrayBuffer || ArrayBuffer.isView(v)
    ? new TextDecoder("utf-8", { fatal: false }).decode(v)
    : (v && typeof v === "object" ? Object.values(v).map(asText).join(" ") : String(v));
  return Object.fromEntries(Object.entries(dump).map(([k, v]) => [k, v.map(asText).join("\\n")]));
}"""


def test_a_locked_tablet_holds_only_ciphertext_and_unlocking_restores_it(
    field_app, responder, tablet_device, dispatcher, team
):
    """The attack: take a locked tablet and read IndexedDB. Nothing of the person may be there."""
    from tests.factories import PASSWORD

    assigned_call(dispatcher, team, location_text="Confluence Park", caller_notes="Caller: Jo at 303-555-0142")
    context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Confluence Park')")
    page.click("[data-action=new-encounter]")
    page.fill("#narrative", NARRATIVE)  # a draft, saved as it is typed
    page.wait_for_selector("body[data-draft=saved]")
    context.set_offline(True)
    page.click("[data-field=disposition][data-code=referred]")
    page.click("[data-action=submit-form]")  # and queued in the outbox, since there is no signal
    page.wait_for_selector("text=1 change waiting to sync")
    page.click(".call-card:has-text('Confluence Park')")  # saving went back to the calls list
    page.click("[data-action=new-encounter]")
    page.fill("#narrative", NARRATIVE + " (second draft)")
    page.wait_for_selector("body[data-draft=saved]")
    before = page.evaluate(READ_RAW_STORES)
    assert before["outbox"] and before["drafts"] and before["cache"]

    page.evaluate("FL.state.boot.idle_seconds = 0.001; FL.state.lastInput = 0; FL.idleCheck()")
    page.wait_for_selector("body[data-view=locked]")
    raw = page.evaluate(READ_RAW_STORES)
    everything = "\n".join(raw.values())
    for secret in (NARRATIVE, "Marisol", "overdose", "Confluence Park", "303-555-0142", "Jo at"):
        assert secret not in everything, f"{secret!r} is readable in IndexedDB while locked"
    assert "Confluence Park" not in page.inner_text("body") and "Marisol" not in page.inner_text("body")
    assert page.evaluate("FLStore.unlocked()") is False
    assert page.evaluate("FLStore.all('drafts').then(() => 'read', () => 'refused')") == "refused"

    page.fill("#fl-password", "not the password")
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#message:has-text('does not open')")
    assert page.evaluate("FLStore.unlocked()") is False

    page.fill("#fl-password", PASSWORD)  # offline: the password unwraps the key on the tablet
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#nav:not([hidden])")
    page.click(".call-card:has-text('Confluence Park')")
    page.wait_for_selector(f"text={NARRATIVE}")
    drafts = page.evaluate("FLStore.all('drafts').then((d) => d.map((x) => x.narrative))")
    assert NARRATIVE + " (second draft)" in drafts
    context.set_offline(False)
    page.evaluate("FL.contact()")
    # Narratives are encrypted in the database too, so compare what the model decrypts.
    assert eventually(lambda: any(v.narrative == NARRATIVE for v in EncounterVersion.objects.all()))


def test_a_tablet_revoked_while_closed_wipes_itself_when_it_opens(
    field_app, responder, tablet_device, dispatcher, team, supervisor
):
    assigned_call(dispatcher, team, location_text="Globeville Landing")
    context, page = field_app(responder, tablet_device)
    page.wait_for_selector("text=Globeville Landing")
    page.close()  # the tablet is put away; meanwhile the supervisor revokes it
    in_thread(device_revoke, actor=supervisor, device_id=tablet_device.pk, reason="left on the bus")
    page = context.new_page()
    page.goto("/field/")
    page.wait_for_selector("body[data-wiped=true]", timeout=15000)
    left = page.evaluate(
        "async () => ({databases: (await indexedDB.databases()).map((d) => d.name), local: localStorage.length})"
    )
    assert left == {"databases": [], "local": 0}


def test_a_tablet_offline_too_long_erases_its_working_set(field_app, responder, tablet_device, dispatcher, team):
    assigned_call(dispatcher, team, location_text="Ruby Hill")
    context, page = field_app(responder, tablet_device)
    page.wait_for_selector("text=Ruby Hill")
    assert page.evaluate("FL.state.boot.offline_wipe_days") == 7
    context.set_offline(True)
    # Eight days without reaching the server (the clock is moved by rewriting the last contact).
    page.evaluate("FLStore.put('meta', Date.now() - 8 * 86400000, 'last_contact')")
    page.reload()
    page.wait_for_selector("body[data-wiped=offline]")
    left = page.evaluate(
        """async () => ({outbox: await FLStore.count("outbox"), cache: await FLStore.count("cache"),
                        encounters: await FLStore.count("encounters"), user: await FLStore.get("meta", "user"),
                        device: await FLStore.get("meta", "device")})"""
    )
    assert left == {"outbox": 0, "cache": 0, "encounters": 0, "user": None, "device": str(tablet_device.pk)}
    assert page.locator("#login-form").count() == 1  # still enrolled: the responder may sign in again
