"""Opening the field app in Chromium the way a responder does: enrollment code once, then username, password."""

import pytest

from tests.factories import PASSWORD, DeviceFactory, enrollment_code_for

TABLET = {"width": 1280, "height": 800}  # a 10-inch tablet in landscape


@pytest.fixture
def field_app(chromium, asgi_server):
    """Return open(user, device) -> (context, page): the tablet enrolled with a fresh code typed into the
    app, then signed in through the app's own login form."""
    contexts = []

    def open_app(user, device, *, viewport=None, geolocation=None):
        """`geolocation` ({latitude, longitude, accuracy}) grants the permission and fakes the position."""
        located = {"geolocation": geolocation, "permissions": ["geolocation"]} if geolocation else {}
        context = chromium.new_context(base_url=asgi_server.url, viewport=viewport or TABLET, **located)
        contexts.append(context)
        page = context.new_page()
        page.goto("/field/")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#fl-enroll-code", enrollment_code_for(device))
        page.click("#enroll-form button[type=submit]")
        page.wait_for_selector("#login-form")
        page.fill("#fl-username", user.username)
        page.fill("#fl-password", PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#nav:not([hidden])")
        page.wait_for_selector("body[data-boot=loaded]", timeout=20000)
        page.wait_for_function("() => document.body.dataset.sw === 'ready'", timeout=20000)
        return context, page

    yield open_app
    for context in contexts:
        context.close()


@pytest.fixture
def tablet_device(team):
    return DeviceFactory(team=team, name="Unit tablet A")
