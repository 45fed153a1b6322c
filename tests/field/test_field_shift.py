"""What a shift runs into on the tablet (issue 14): a hanging signal, where the app goes after saving
or clearing, the referral choice, the directory while typing, and a phone's width."""

import contextlib

import pytest

from tests.factories import PASSWORD
from tests.field.browser import reopen
from tests.field.helpers import assigned_call

pytestmark = [pytest.mark.browser, pytest.mark.services]

ALWAYS = [{"weekday": d, "opens": "00:00", "closes": "23:59"} for d in range(7)]
NEVER = [{"weekday": d, "opens": "03:00", "closes": "03:01"} for d in range(7)]


def service(name, *, needs=("shelter",), hours=ALWAYS, latitude=None, longitude=None, capacity=None):
    return {
        "id": name.lower().replace(" ", "-"),
        "name": name,
        "description": f"{name}: beds and meals",
        "organization": f"{name} Society",
        "address": "1 Main St",
        "latitude": latitude,
        "longitude": longitude,
        "phone": "555-0100",
        "url": "",
        "hours": hours,
        "eligibility": "Adults",
        "min_age": 18,
        "max_age": None,
        "languages": ["en", "es"],
        "needs": list(needs),
        "capacity": capacity,
    }


def use_directory(page, results):
    page.wait_for_function("() => FL.state.resources && FL.state.resources.fetched")  # the app's own fetch is done
    page.evaluate("(d) => FLStore.put('cache', d, 'resources')", {"available": True, "results": results})


def test_a_hanging_signal_opens_the_cached_app_and_queues_the_work(
    field_app, responder, tablet_device, dispatcher, team
):
    assigned_call(dispatcher, team, location_text="Confluence Park")
    context, page = field_app(responder, tablet_device)
    hanging = []
    context.route("**/*", lambda route: hanging.append(route))  # every request waits for an answer that never comes
    page.reload(wait_until="commit")
    # The service worker gives up on the network after about 3 s and opens the shell it kept.
    page.wait_for_selector("body[data-view=locked]", timeout=8000)
    page.fill("#fl-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#nav:not([hidden])", timeout=15000)  # the sign-in call times out: unlocked offline
    page.click(".call-card:has-text('Confluence Park')")
    page.click("[data-action=ack]")
    page.wait_for_selector("text=1 change waiting to sync")
    assert hanging, "the requests were held, not refused"
    context.unroute("**/*")
    for route in hanging:
        with contextlib.suppress(Exception):  # the page may have given up on it already
            route.abort()
    # A nudge: the app may already be resending on its own (then the button is gone), so a click
    # that finds no button is fine; what matters is that the change goes.
    with contextlib.suppress(Exception):
        page.locator("#pending").click(timeout=3000)
    page.wait_for_function("() => document.body.dataset.pending === '0'", timeout=30000)


def test_after_saving_the_calls_list_says_what_was_sent(field_app, responder, tablet_device, dispatcher, team):
    assigned_call(dispatcher, team, location_text="Washington Park boathouse")
    context, page = field_app(responder, tablet_device)
    use_directory(page, [service("Harbor Light Shelter", latitude=39.74, longitude=-104.99)])
    context.set_offline(True)
    reopen(page)
    page.click(".call-card:has-text('Washington Park boathouse')")
    page.click("[data-action=new-encounter]")
    page.click("[data-code=shelter]")
    page.click("[data-field=disposition][data-code=transported]")
    page.click("[data-action=flag][data-field=referral_needed]")
    page.click("[data-field=referral_service][data-code=harbor-light-shelter]")
    page.click("[data-action=flag][data-field=referral_consent]")
    page.click("[data-action=flag][data-field=followup_needed]")
    page.click("[data-field=followup_when][data-code=tomorrow]")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.click("[data-action=submit-form]")
    page.wait_for_selector("body[data-view=calls]")
    message = page.locator("#message")
    text = message.inner_text()
    assert "Harbor Light Shelter" in text and "Transported" in text and "check-in" in text.lower(), text
    box = message.bounding_box()
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= page.viewport_size["height"], box


def test_clearing_a_call_returns_to_the_list(field_app, responder, tablet_device, dispatcher, team):
    incident, _assignment = assigned_call(dispatcher, team, location_text="Ruby Hill park")
    _context, page = field_app(responder, tablet_device)
    page.click(".call-card:has-text('Ruby Hill park')")
    page.click("[data-action=ack]")
    for status in ("en_route", "on_scene", "cleared"):
        page.click(f"[data-action=status][data-status={status}]")
    page.wait_for_selector("body[data-view=calls]")
    assert incident.reference in page.inner_text("#message") and "cleared" in page.inner_text("#message")


def test_referral_choices_show_who_open_distance_and_spots(field_app, responder, tablet_device, dispatcher, team):
    assigned_call(dispatcher, team, location_text="Cheesman Park")
    context, page = field_app(responder, tablet_device)
    use_directory(
        page,
        [
            service("Far Open Shelter", latitude=39.90, longitude=-104.99, capacity={"available": 4, "stale": False}),
            service("Near Closed Shelter", hours=NEVER, latitude=39.736, longitude=-104.988),
            service("Near Open Shelter", latitude=39.74, longitude=-104.99, capacity={"available": 1, "stale": True}),
        ],
    )
    context.set_offline(True)  # the directory put above stays: no refetch
    reopen(page)
    page.click(".call-card:has-text('Cheesman Park')")
    page.click("[data-action=new-encounter]")
    page.click("[data-code=shelter]")
    page.click("[data-action=flag][data-field=referral_needed]")
    page.wait_for_selector(".referral-choice >> nth=2")
    cards = page.locator(".referral-choice").all_inner_texts()
    assert [c.splitlines()[0] for c in cards] == ["Near Open Shelter", "Far Open Shelter", "Near Closed Shelter"]
    assert "Near Open Shelter Society" in cards[0] and "Open now" in cards[0] and "km" in cards[0]
    assert "1 open spot" in cards[0] and "(old count)" in cards[0]
    assert "Closed now" in cards[2]


@pytest.mark.parametrize("size", [{"width": 1024, "height": 768}, {"width": 390, "height": 844}])
def test_directory_results_stay_in_view_while_typing(field_app, responder, tablet_device, size):
    context, page = field_app(responder, tablet_device, viewport=size)
    use_directory(page, [service("Sunrise Pantry", needs=("food",)), service("Harbor Light Shelter")])
    context.set_offline(True)
    reopen(page)
    page.click("[data-view=resources]")
    page.fill("#res-q", "harbor")
    first = page.locator(".resource").first.bounding_box()
    assert first["y"] < size["height"] * 0.75, first  # the first result is on screen, above a keyboard


@pytest.mark.parametrize("width", [360, 390])
def test_the_app_fits_a_phone(field_app, responder, tablet_device, dispatcher, team, width):
    assigned_call(dispatcher, team, location_text="Platte River trail")
    _context, page = field_app(responder, tablet_device, viewport={"width": width, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    logout = page.locator("#logout").bounding_box()
    assert logout["x"] >= 0 and logout["x"] + logout["width"] <= width
    page.click(".call-card:has-text('Platte River trail')")
    bar = page.locator("#actions").bounding_box()
    assert bar["height"] <= 800 / 4, bar  # the call's actions leave the call in view


def test_opening_hours_read_as_people_say_them(field_app, responder, tablet_device):
    weekdays = [{"weekday": d, "opens": "08:00", "closes": "17:00"} for d in range(5)]
    context, page = field_app(responder, tablet_device)
    use_directory(
        page,
        [
            service("All Day Shelter"),
            service("Office Hours Clinic", hours=[*weekdays, {"weekday": 5, "opens": "10:00", "closes": "14:00"}]),
            service("Night Minute Pantry", hours=NEVER),
        ],
    )
    context.set_offline(True)
    reopen(page)
    page.click("[data-view=resources]")
    cards = {
        name: page.inner_text(f".resource:has-text('{name}')") for name in ("All Day", "Office Hours", "Night Minute")
    }
    assert "Open 24 hours, every day" in cards["All Day"] and "00:00" not in cards["All Day"]
    assert "Mon–Fri 08:00–17:00; Sat 10:00–14:00; Sun closed" in cards["Office Hours"]
    assert "Closed now, opens" in cards["Night Minute"] and "03:00" in cards["Night Minute"]
