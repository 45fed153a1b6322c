"""The tablet app protects what it holds: sign-out, idle lock, revocation, the enrollment link, the
sealed store and the offline limit, in a real Chromium against a real server."""

import pytest

from apps.accounts.services import device_revoke
from apps.incidents.models import EncounterVersion
from tests.field.browser import eventually, in_thread
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]


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
