"""Production as a city IT team runs it: `config.settings.production` from this checkout.

One module-scoped installation: a fresh PostgreSQL database, a private redis-server, generated
secrets, `check --deploy`, `migrate`, `collectstatic` with the manifest storage, then two daphne
processes, a Celery worker and one beat on loopback. The tests drive it only from outside, over
HTTP and websockets, as a browser, a tablet and a load balancer would. The clients send
`X-Forwarded-Proto: https` as nginx does (deploy/nginx.conf); without it production redirects.
"""

import asyncio
import gzip
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from tests.deploy.outside import PASSWORD, Browser, first_event
from tests.servers import ROOT, RedisServer, free_port, stop_process, wait_for_port

pytestmark = [pytest.mark.services]

METRICS_TOKEN = secrets.token_urlsafe(32)

# Created once in the fresh database through Django's own shell, as an administrator would.
PEOPLE = f"""
from apps.accounts.models import User
from apps.teams.models import Membership, Team
team = Team.objects.create(call_sign="CR-1", name="Team CR-1", capabilities=["peer_support"])
User.objects.create_user("dispatcher", password="{PASSWORD}", role="dispatcher")
User.objects.create_user("supervisor", password="{PASSWORD}", role="supervisor", email="s@example.org")
responder = User.objects.create_user("responder", password="{PASSWORD}", role="responder", email="r@example.org")
Membership.objects.create(team=team, user=responder)
from apps.accounts.services import device_enroll, device_register
supervisor = User.objects.get(username="supervisor")
device, code = device_register(actor=supervisor, name="CR-1 tablet", team=team)
device, key = device_enroll(enrollment_code=code)
print(responder.pk, device.pk, key)
"""


def server_dsn(database: str) -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{database}"


class Installation:
    """Everything a production install has, under a temporary folder, torn down afterwards."""

    def __init__(self, folder):
        self.folder = folder
        self.database = f"firstline_prodtest_{os.getpid()}_{secrets.token_hex(3)}"
        self.redis = RedisServer()
        self.processes: list[subprocess.Popen] = []
        self.logs = []
        self.ports = [free_port(), free_port()]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]

    def env(self) -> dict:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "FIRSTLINE_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            SECRET_KEY=secrets.token_urlsafe(64),
            FIRSTLINE_FIELD_KEYS=Fernet.generate_key().decode(),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=server_dsn(self.database),
            REDIS_URL=self.redis.url,
            STATIC_ROOT=str(self.folder / "static"),
            FIRSTLINE_VAR_DIR=str(self.folder / "var"),
            FIRSTLINE_SWEEP_SECONDS="1",
            FIRSTLINE_HEARTBEAT_SECONDS="2",
            FIRSTLINE_METRICS_TOKEN=METRICS_TOKEN,
            # The second factor production asks of supervisors is proven in tests/accounts/test_second_factor.py;
            # here the supervisor reads the admin with a password alone.
            FIRSTLINE_MFA_ROLES="",
            PROMETHEUS_MULTIPROC_DIR=str(self.folder / "metrics"),
            # The consumers' slow safety poll is pushed out of the way: events must ring through Redis.
            FIRSTLINE_STREAM_POLL_SECONDS="60",
            PYTHONPATH=str(ROOT),
        )
        return env

    def start(self) -> "Installation":
        (self.folder / "metrics").mkdir()
        with psycopg.connect(server_dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.database}"')
        self.redis.start()
        self.environment = self.env()
        return self

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop)
        process = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.logs.append(log)
        self.processes.append(process)
        return process

    def serve(self) -> None:
        webs = [
            self.spawn(
                f"web-{port}",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "--proxy-headers",
                "config.asgi:application",
            )
            for port in self.ports
        ]
        schedule = str(self.folder / "celerybeat-schedule")
        self.worker = self.spawn("worker", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=INFO")
        self.beat = self.spawn("beat", "celery", "-A", "config", "beat", "--schedule", schedule, "--loglevel=INFO")
        for port, web in zip(self.ports, webs, strict=True):
            wait_for_port(port, web, timeout=60)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for process in self.processes:  # all at once, then wait: the shutdowns overlap
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            stop_process(process, timeout=15)
        for log in self.logs:
            log.close()
        self.redis.stop()
        with psycopg.connect(server_dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.fail("the production test needs redis-server on PATH (apt-get install redis-server)")
    install = Installation(tmp_path_factory.mktemp("production")).start()
    try:
        steps = [
            ("check", "--deploy", "--fail-level", "WARNING"),
            ("migrate", "--noinput"),
            ("collectstatic", "--noinput"),
        ]
        with ThreadPoolExecutor(len(steps)) as pool:  # independent of each other: run them side by side
            results = list(pool.map(lambda step: install.manage(*step), steps))
        for step, result in zip(steps, results, strict=True):
            setattr(install, step[0], result)
            assert result.returncode == 0, f"manage.py {' '.join(step)} failed:\n{result.stdout}\n{result.stderr}"
        people = install.manage("shell", "-c", PEOPLE)
        assert people.returncode == 0, people.stderr
        responder_id, install.device_id, install.device_key = people.stdout.strip().splitlines()[-1].split()
        install.responder_id = int(responder_id)
        install.serve()
        yield install
    finally:
        install.stop()


# --- the checks ----------------------------------------------------------------------------------


def test_setup_passes_the_deploy_check_and_collects_hashed_compressed_static(installation):
    assert "System check identified no issues" in installation.check.stdout
    assert "post-processed" in installation.collectstatic.stdout
    manifest = json.loads((installation.folder / "static" / "staticfiles.json").read_text())
    assert re.fullmatch(r"vendor/leaflet/leaflet\.[0-9a-f]{12}\.js", manifest["paths"]["vendor/leaflet/leaflet.js"])


def test_plain_http_is_redirected_to_https(installation):
    response = Browser(installation.urls[0]).request("GET", "/accounts/login/", proxied=False)
    assert response.status == 301
    assert response.headers["Location"].startswith("https://127.0.0.1")


def test_sign_in_page_and_its_static_files_load_hashed_compressed_and_cached_for_long(installation):
    browser = Browser(installation.urls[0])
    page = browser.request("GET", "/accounts/login/")
    assert page.status == 200
    assert "Strict-Transport-Security" in page.headers
    html = page.content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', html)
    assert assets, f"the sign-in page links no hashed static file:\n{html[:2000]}"
    for asset in assets:
        plain = browser.request("GET", asset)
        assert plain.status == 200, asset
        assert "max-age=315360000" in plain.headers["Cache-Control"] and "immutable" in plain.headers["Cache-Control"]
        zipped = browser.request("GET", asset, headers={"Accept-Encoding": "gzip"})
        assert zipped.status == 200 and zipped.headers["Content-Encoding"] == "gzip", asset
        assert gzip.decompress(zipped.content) == plain.content
    unknown = browser.request("GET", "/static/vendor/leaflet/leaflet.js.map")
    assert unknown.status == 404


def test_an_api_call_works_with_a_session_and_csrf_and_refuses_without(installation):
    anonymous = Browser(installation.urls[1]).request("GET", "/api/v1/incidents/")
    assert anonymous.status in (401, 403)
    browser = Browser(installation.urls[1]).sign_in("dispatcher")
    created = browser.request("POST", "/api/v1/incidents/", {"summary": "Welfare check", "location_text": "5th & Main"})
    assert created.status == 201, created.content
    listed = browser.request("GET", "/api/v1/incidents/")
    assert listed.status == 200
    assert "Welfare check" in listed.content.decode()


def test_an_event_made_on_one_web_process_reaches_a_websocket_on_the_other(installation):
    watcher = Browser(installation.urls[0]).sign_in("dispatcher")
    actor = Browser(installation.urls[1]).sign_in("dispatcher")
    ws_url = installation.urls[0].replace("http://", "ws://") + "/ws/v1/stream/"

    def create_on_the_other_process():
        response = actor.request("POST", "/api/v1/incidents/", {"summary": "Scale-out", "location_text": "Depot"})
        assert response.status == 201, response.content

    event = asyncio.run(
        first_event(ws_url, watcher.cookies["sessionid"], "board", "incident.created", create_on_the_other_process, 20)
    )
    assert event["stream"] == "board"


def test_a_follow_up_falling_due_is_reminded_by_the_worker_and_beat(installation):
    responder = Browser(installation.urls[1]).sign_in(
        "responder", device=installation.device_id, device_key=installation.device_key
    )
    stream = f"user:{installation.responder_id}"
    ws_url = installation.urls[0].replace("http://", "ws://") + "/ws/v1/stream/"
    due_at = datetime.now(UTC) + timedelta(seconds=2)

    def create_follow_up():
        body = {"kind": "check_in_call", "due_at": due_at.isoformat(), "assignee": installation.responder_id}
        response = responder.request("POST", "/api/v1/followups/", body)
        assert response.status == 201, response.content

    try:
        event = asyncio.run(
            first_event(ws_url, responder.cookies["sessionid"], stream, "followup.due", create_follow_up, 45)
        )
    except AssertionError:
        print(installation.log("worker")[-4000:], installation.log("beat")[-2000:])
        raise
    assert datetime.fromisoformat(event["at"].replace("Z", "+00:00")) >= due_at - timedelta(seconds=1)
    assert installation.worker.poll() is None and installation.beat.poll() is None


def wait_for(predicate, timeout: float, step: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    return predicate()


def test_liveness_and_readiness_see_database_redis_schema_worker_beat_and_stream(installation):
    browser = Browser(installation.urls[1])
    assert browser.request("GET", "/healthz").content == b"ok"

    def ready():
        response = browser.request("GET", "/readyz")
        return json.loads(response.content) if response.status == 200 else None

    body = wait_for(lambda: (r := ready()) and r["status"] == "ok" and r, timeout=30)
    assert body, f"never ready: {browser.request('GET', '/readyz').content}"
    for check in ("database", "redis", "migrations", "worker", "beat", "tasks", "stream"):
        assert body[check] == "ok", body


def test_logs_are_json_lines_carrying_the_request_id(installation):
    request_id = "prodtest-" + secrets.token_hex(8)
    response = Browser(installation.urls[0]).request("GET", "/no-such-page/", headers={"X-Request-ID": request_id})
    assert response.status == 404 and response.headers["X-Request-ID"] == request_id
    port = installation.ports[0]

    def logged():
        for line in installation.log(f"web-{port}").splitlines():
            if line.startswith("{") and request_id in line:
                return json.loads(line)
        return None

    entry = wait_for(logged, timeout=10)
    assert entry and entry["request_id"] == request_id and entry["level"] == "WARNING", entry


def test_metrics_need_the_token_and_sum_every_process_on_the_host(installation):
    browser = Browser(installation.urls[0])
    assert browser.request("GET", "/metrics").status == 403
    assert browser.request("GET", "/metrics", headers={"Authorization": "Bearer wrong"}).status == 403
    response = browser.request("GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status == 200
    text = response.content.decode()
    # Appended on the web processes, delivered over websockets, reminded by the worker: one page.
    assert re.search(r'^firstline_stream_events_appended_total\{stream="board"\} [1-9]', text, re.M), text[:3000]
    assert re.search(r'^firstline_stream_events_delivered_total\{stream="board"\} [1-9]', text, re.M)
    assert re.search(r"^firstline_reminder_lateness_seconds_count [1-9]", text, re.M)
    assert "firstline_websockets_connected" in text


def test_a_stopped_beat_raises_an_alert_on_the_supervisors_admin_page(installation):
    """Last in this module: it stops the beat for good."""
    supervisor = Browser(installation.urls[0]).sign_in("supervisor")
    calm = wait_for(lambda: "needs attention" not in supervisor.request("GET", "/admin/").content.decode(), 20)
    assert calm, "an alert showed before anything was stopped"
    stop_process(installation.beat)

    def alerted():
        page = supervisor.request("GET", "/admin/").content.decode()
        return "The Celery beat has stopped" in page and page

    page = wait_for(alerted, timeout=30)
    assert page, installation.log("worker")[-3000:]
    assert "Background work needs attention" in page

    def recorded():
        # The page reads stale heartbeats at once; the worker's heartbeat thread records the alert
        # (and mails it) on its own next beat, so the row may come a moment after the page.
        shown = installation.manage(
            "shell",
            "-c",
            "from apps.operations.models import Alert; print(list(Alert.objects.values_list('part', 'cleared_at')))",
        )
        return "('beat', None)" in shown.stdout and shown

    raised = wait_for(recorded, timeout=30)
    assert raised, installation.log("worker")[-3000:]
