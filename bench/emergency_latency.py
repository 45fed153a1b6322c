"""Emergency latency: from a tablet's press (the POST that raises it) to the alarm on an open board.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python bench/emergency_latency.py [--raises 10] [--runs 3]

A real daphne process on loopback, the real board page in Debian's Chromium (signed in through the
login form, following the board stream over its websocket), and a responder's session on an
enrolled tablet. Each raise is POST /api/v1/field/emergencies/; a MutationObserver in the board
stamps the moment the alarm shows that emergency (same machine clock). Between raises a dispatcher
acknowledges and resolves it through the API. Reported per run, medians over runs:

  answer   POST sent -> the tablet has the server's answer (the baseline: one HTTP round trip
           that commits the emergency, its audit row, timeline entry and events)
  board    POST sent -> the alarm visible on the board
  ratio    board / answer

It creates and drops its own database (test_<name>), so real data is never touched.
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM set-up runs beside Playwright's loop

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from tests.servers import AsgiServer  # noqa: E402

PASSWORD = "bench-password-1"
CHROMIUM = "/usr/bin/chromium"

OBSERVE = """() => {
  window.seen = {};
  new MutationObserver(() => {
    for (const node of document.querySelectorAll("#emergency-alarm:not([hidden]) [data-emergency]")) {
      const id = node.getAttribute("data-emergency");
      if (!(id in window.seen)) window.seen[id] = performance.timeOrigin + performance.now();
    }
  }).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""


def people():
    from apps.accounts.models import Device, User
    from apps.accounts.services import device_enroll, enrollment_code_normalize, secret_digest
    from apps.teams.models import Membership, Team

    dispatcher = User.objects.create_user(username="bench-dispatcher", password=PASSWORD, role="dispatcher")
    team = Team.objects.create(call_sign="BENCH-1", status="available")
    responder = User.objects.create_user(username="bench-responder", password=PASSWORD, role="responder")
    Membership.objects.create(team=team, user=responder)
    device = Device.objects.create(name="Bench tablet", team=team)
    code = "BENCHSOS0001"
    Device.objects.filter(pk=device.pk).update(
        enrollment_code_digest=secret_digest(enrollment_code_normalize(code)),
        enrollment_expires_at=timezone.now() + timedelta(hours=1),
    )
    _device, key = device_enroll(enrollment_code=code)
    return dispatcher, responder, device, key


def session(base: str, body: dict) -> requests.Session:
    s = requests.Session()
    s.get(f"{base}/accounts/login/")
    answer = s.post(f"{base}/api/v1/auth/login/", json=body, headers={"X-CSRFToken": s.cookies.get("csrftoken", "")})
    answer.raise_for_status()
    s.headers["X-CSRFToken"] = s.cookies["csrftoken"]
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raises", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run against PostgreSQL: set DATABASE_URL.")
    setup_test_environment()
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_sos_{connection.settings_dict['NAME']}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    (ROOT / "var").mkdir(exist_ok=True)
    server = None
    try:
        dispatcher, responder, device, key = people()
        connections.close_all()
        server = AsgiServer().start()
        base = server.url
        tablet = session(
            base, {"username": responder.username, "password": PASSWORD, "device": str(device.pk), "device_key": key}
        )
        desk = session(base, {"username": dispatcher.username, "password": PASSWORD})
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page(base_url=base)
            page.goto("/accounts/login/")
            page.fill("#id_username", dispatcher.username)
            page.fill("#id_password", PASSWORD)
            page.click("form:has(#id_password) button[type=submit]")
            page.wait_for_load_state("networkidle")
            page.goto("/board/")
            page.wait_for_selector("#board[data-stream=live]", timeout=20000)
            page.evaluate(OBSERVE)
            answers, boards = [], []
            for run in range(args.runs + 1):  # the first run warms up and is not counted
                run_answer, run_board = [], []
                for _ in range(args.raises):
                    emergency = str(uuid.uuid4())
                    sent = time.time() * 1000
                    tablet.post(f"{base}/api/v1/field/emergencies/", json={"id": emergency}).raise_for_status()
                    answered = time.time() * 1000
                    page.wait_for_function(f"() => window.seen['{emergency}'] !== undefined", timeout=10000)
                    shown = page.evaluate(f"window.seen['{emergency}']")
                    run_answer.append(answered - sent)
                    run_board.append(shown - sent)
                    for step in ("acknowledge", "resolve"):
                        desk.post(f"{base}/api/v1/board/emergencies/{emergency}/{step}/", json={}).raise_for_status()
                    page.wait_for_selector("#emergency-alarm", state="hidden", timeout=10000)
                if run:
                    answers.append(statistics.median(run_answer))
                    boards.append(statistics.median(run_board))
                    print(
                        f"run {run}: answer median {answers[-1]:6.1f} ms, board median {boards[-1]:6.1f} ms, "
                        f"board max {max(run_board):6.1f} ms"
                    )
            browser.close()
        answer, board = statistics.median(answers), statistics.median(boards)
        print(f"\nPostgreSQL + Redis, one daphne, {args.runs} runs of {args.raises} raises, medians of run medians")
        print(f"   answer (baseline): {answer:6.1f} ms")
        print(f"   board:             {board:6.1f} ms   ({board / answer:.1f}x the answer)")
    finally:
        if server is not None:
            server.stop()
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
