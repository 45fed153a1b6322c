"""Health, readiness, metrics, request ids and alerts, through their real doors.

The production module (test_production.py) proves the same against real processes; these pin the
rules: who may read /metrics, what readiness means, when an alert is raised and cleared.
"""

import gzip
import os
import secrets
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.fernet import Fernet
from django.core import mail
from django.test import Client, override_settings
from django.utils import timezone

from apps.operations import requests, services
from apps.operations.models import Alert, Heartbeat
from apps.operations.tasks import heartbeat
from tests.factories import UserFactory
from tests.servers import ROOT, CeleryWorker

PARTS = Heartbeat.Part.values


def beat_all(ago: timedelta = timedelta(0)) -> None:
    for part in PARTS:
        Heartbeat.objects.update_or_create(part=part, defaults={"at": timezone.now() - ago})


def test_healthz_answers_without_asking_anything_else(client):
    assert client.get("/healthz").content == b"ok"


def test_readyz_is_ready_when_this_process_can_serve_and_degraded_while_background_work_is_silent(db, client):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200
    assert body["database"] == "ok" and body["migrations"] == "ok"
    assert body["status"] == "degraded" and body["beat"] == "never seen"
    beat_all()
    body = client.get("/readyz").json()
    assert body["status"] == "ok" and all(body[part] == "ok" for part in PARTS)


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_readyz_refuses_traffic_when_redis_is_unreachable(db, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["redis"].startswith("failed") and response.json()["status"] == "unavailable"


def test_metrics_are_for_loopback_only_without_a_token(db):
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.9").get("/metrics").status_code == 403


@override_settings(FIRSTLINE_METRICS_TOKEN="s3cret-token-for-metrics")
def test_with_a_token_metrics_need_it_even_from_loopback(db):
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 403
    wrong = Client(REMOTE_ADDR="127.0.0.1").get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = Client(REMOTE_ADDR="203.0.113.9").get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-metrics")
    assert right.status_code == 200
    assert b"firstline_http_requests_total" in right.content


def test_the_request_id_is_kept_when_sane_and_replaced_when_not(client):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="abc12345-ok").headers["X-Request-ID"] == "abc12345-ok"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="<script>\nfake log line").headers["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()


def test_an_alert_is_raised_once_per_stopped_part_mailed_to_supervisors_and_cleared_when_back(db):
    UserFactory(role="supervisor", email="lead@example.org")
    beat_all()
    Heartbeat.objects.filter(part=Heartbeat.Part.BEAT).update(at=timezone.now() - timedelta(minutes=10))
    raised = services.alerts_check()
    assert [a.part for a in raised] == ["beat"]
    assert services.alerts_check() == []  # still stopped: not raised again
    assert Alert.objects.filter(cleared_at__isnull=True).count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lead@example.org"]
    assert "beat" in mail.outbox[0].subject.lower()
    beat_all()
    services.alerts_check()
    assert Alert.objects.get().cleared_at is not None


def test_the_admin_index_tells_a_supervisor_which_part_stopped(db):
    supervisor = UserFactory(role="supervisor")
    beat_all()
    Heartbeat.objects.filter(part=Heartbeat.Part.WORKER).update(at=timezone.now() - timedelta(hours=1))
    client = Client()
    client.force_login(supervisor)
    page = client.get("/admin/").content.decode()
    assert "Background work needs attention" in page and "The Celery worker has stopped" in page
    assert "The Celery beat has stopped" not in page
    beat_all()
    assert "Background work needs attention" not in client.get("/admin/").content.decode()


@pytest.mark.services
def test_a_real_worker_runs_the_heartbeat_and_logs_it_under_the_request_that_queued_it(transactional_db):
    request_id = "reqtest-" + secrets.token_hex(6)
    worker = CeleryWorker().start()
    try:
        token = requests.current.set(request_id)
        try:
            heartbeat.apply_async()
        finally:
            requests.current.reset(token)
        # The "succeeded" line is written after the task returns, so wait for it as well as for the
        # rows the task writes; stopping the worker at the first row raced the log line.
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not (
            Heartbeat.objects.filter(part="stream").exists() and heartbeat_logged(request_id)
        ):
            time.sleep(0.3)
    finally:
        worker.stop()
    assert set(Heartbeat.objects.values_list("part", flat=True)) >= {"tasks", "stream", "worker"}
    assert heartbeat_logged(request_id), worker_log_lines(request_id)


def worker_log_lines(request_id: str) -> list[str]:
    log = (ROOT / "var" / f"test-celery-{os.getpid()}.log").read_text(errors="replace")
    return [line for line in log.splitlines() if request_id in line]


def heartbeat_logged(request_id: str) -> bool:
    lines = worker_log_lines(request_id)
    return any("apps.operations.tasks.heartbeat" in line and "succeeded" in line for line in lines)


class FakeSentry(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        FakeSentry.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def test_errors_reach_the_error_reporter_only_with_a_dsn_and_without_personal_data(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), FakeSentry)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    program = (
        "import django, logging, sentry_sdk; django.setup();"
        "print('active', sentry_sdk.get_client().is_active());"
        "logging.getLogger('firstline.check').error('boom for the reporter');"
        "sentry_sdk.flush(5)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "FIRSTLINE_FIELD_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "FIRSTLINE_VAR_DIR": str(tmp_path),
    }
    try:
        without = subprocess.run([sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True)
        assert "active False" in without.stdout, without.stderr
        dsn = f"http://publickey@127.0.0.1:{server.server_port}/1"
        with_dsn = subprocess.run(
            [sys.executable, "-c", program], cwd=ROOT, env={**env, "SENTRY_DSN": dsn}, capture_output=True, text=True
        )
        assert "active True" in with_dsn.stdout, with_dsn.stderr
    finally:
        server.shutdown()
    assert any(b"boom for the reporter" in body for body in FakeSentry.received)
