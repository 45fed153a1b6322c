"""Every main page under the Content-Security-Policy in real Chromium: no violation, no console error.

Chromium enforces the header the real daphne process sends; an inline script, an inline style, a
style="" attribute, or a script or image from an unlisted host fires `securitypolicyviolation` and
logs a console error, and either fails this test. The map tiles come from a local tile server on
another port, so the board proves the tile host is allowed in img-src; the board and the field app
open their websockets, so connect-src is proved too.
"""

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.factories import PASSWORD
from tests.field.conftest import field_app, tablet_device  # noqa: F401 (the field app's own sign-in)
from tests.intake.conftest import policy  # noqa: F401 (the screening page needs a published policy)
from tests.security.world import build_world
from tests.servers import ROOT, AsgiServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any page script in every document: records each violation the browser reports.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""

# A 1x1 transparent PNG: the map tile every request gets.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


class TileHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(TILE)))
        self.end_headers()
        self.wfile.write(TILE)

    def log_message(self, *args):
        pass


@pytest.fixture
def tile_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), TileHandler)
    server.hits = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def asgi_server(transactional_db, tile_server):
    """The real server, with map tiles from the local tile server (another origin than the page)."""
    (ROOT / "var").mkdir(exist_ok=True)
    tiles = f"http://127.0.0.1:{tile_server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    server = AsgiServer(extra_env={"FIRSTLINE_MAP_TILE_URL": tiles}).start()
    yield server
    server.stop()


def console_line(msg) -> str:
    return f"console: {msg.text} ({msg.location.get('url')} on {msg.page.url if msg.page else '?'})"


class Watcher:
    """Collects what Chromium reports on a context's pages: violations, console errors, page errors."""

    def __init__(self, chromium, base_url):
        self.context = chromium.new_context(base_url=base_url, viewport={"width": 1280, "height": 800})
        self.context.add_init_script(WATCH_VIOLATIONS)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.watch(self.page)

    def watch(self, page):
        page.on("console", lambda msg: msg.type == "error" and self.problems.append(console_line(msg)))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def sign_in(self, user):
        self.visit("/accounts/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("form:has(#id_password) button[type=submit]")  # not the language switch
        self.page.wait_for_load_state("networkidle")

    def visit(self, path: str, *, ready: str | None = None, idle: bool = True):
        response = self.page.goto(path)
        assert response is not None, path
        header = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in header and "style-src 'self'" in header, f"{path}: {header!r}"
        assert "unsafe-inline" not in header
        if ready:
            self.page.wait_for_selector(ready, timeout=15000)
        try:
            self.page.wait_for_load_state("networkidle" if idle else "load")
        except Exception as error:
            raise AssertionError(f"{path} did not settle: {error}") from error
        self.collect(path)

    def collect(self, where: str, page=None):
        page = page or self.page
        for violation in page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{where}: {violation}")

    def close(self):
        self.context.close()


@pytest.fixture
def watcher(chromium, asgi_server):
    watchers = []

    def open_watcher():
        watchers.append(Watcher(chromium, asgi_server.url))
        return watchers[-1]

    yield open_watcher
    for each in watchers:
        each.close()


def admin_paths(world) -> list[str]:
    """The index, every list (a report or an import page where that is the model's page), a few forms."""
    paths = ["/admin/"]
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):
        with contextlib.suppress(NoReverseMatch):
            paths.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
    paths += [reverse("admin:incidents_incident_add"), reverse("admin:accounts_user_add")]
    for record in (world.incident, world.users["responder_a"], world.team_a, world.referral):
        meta = record._meta
        paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk]))
    return paths


def test_sign_in_board_screening_partners_supervision_and_docs_show_no_violation(
    watcher,
    tile_server,
    policy,  # noqa: F811 (the fixture imported above)
):
    world = build_world()
    problems = []

    anonymous = watcher()
    anonymous.visit("/accounts/login/", ready="#id_username")
    problems += anonymous.problems

    dispatcher = watcher()
    dispatcher.sign_in(world.users["dispatcher"])
    dispatcher.visit("/board/", ready="#board[data-stream=live]")
    dispatcher.page.wait_for_selector("img.leaflet-tile-loaded", timeout=15000)
    assert tile_server.hits > 0, "the board loaded map tiles from the tile host"
    dispatcher.visit("/api/docs/", ready=".swagger-ui .info")
    problems += dispatcher.problems

    call_taker = watcher()
    call_taker.sign_in(world.users["call_taker"])
    call_taker.visit("/intake/screen/", ready="#id_call_type")
    call_taker.page.select_option("#id_call_type", "welfare_check")
    call_taker.page.fill("#id_location_text", "Riverside Park")
    call_taker.page.fill("#id_summary", "Older man on a bench")
    for safety_answer in call_taker.page.locator("input[type=radio][value=no]").all():
        safety_answer.check()  # safety questions have no default answer
    call_taker.page.click("#btn-check")
    call_taker.page.wait_for_load_state("networkidle")
    call_taker.collect("/intake/screen/ after checking")
    problems += call_taker.problems

    partner = watcher()
    partner.sign_in(world.users["partner_x"])
    partner.visit("/partners/")
    partner.visit(f"/partners/referrals/{world.referral.pk}/")
    partner.visit("/resources/capacity/")
    problems += partner.problems

    supervisor = watcher()
    supervisor.sign_in(world.users["supervisor"])
    supervisor.visit("/followups/supervision/")
    problems += supervisor.problems
    assert problems == [], "\n".join(problems)


def test_the_admin_shows_no_violation_on_any_list_add_or_change_page(watcher):
    world = build_world()
    supervisor = watcher()
    supervisor.sign_in(world.users["supervisor"])
    paths = admin_paths(world)
    for path in paths:
        supervisor.visit(path, idle=False)
    assert len(paths) > 20
    assert supervisor.problems == [], "\n".join(supervisor.problems)


def test_the_field_app_signed_in_on_a_tablet_shows_no_violation(chromium, field_app, responder, tablet_device):  # noqa: F811
    context, page = field_app(responder, tablet_device)
    problems: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and problems.append(console_line(msg)))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    context.add_init_script(WATCH_VIOLATIONS)
    response = page.reload()
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "geolocation=(self)" in response.headers["permissions-policy"]
    # A reload drops the tablet's in-memory data key (docs/security/tablets.md): unlock with the password.
    page.wait_for_selector("body[data-view=locked]")
    page.fill("#fl-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#nav:not([hidden])")
    page.wait_for_selector("body[data-boot=loaded]", timeout=20000)
    for view in ("resources", "problems", "calls"):
        page.click(f".nav-btn[data-view={view}]")
        page.wait_for_load_state("networkidle")
    page.wait_for_function("() => window.FL.state.ws && window.FL.state.ws.readyState === 1", timeout=15000)
    problems += [f"/field/: {v}" for v in page.evaluate("window.__cspViolations || []")]
    assert problems == [], "\n".join(problems)
