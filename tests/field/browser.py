"""What the tablet app's browser tests share: polling the server and the page, reopening the app."""

import threading
import time

from django.db import connection


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
