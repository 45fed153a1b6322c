"""Partner webhooks cannot be turned against the program's own network (SSRF).

The attacks go through the real doors: the webhook task run as the worker runs it, against
listeners on 127.0.0.1 (standing in for a partner and for an internal service), the supervisor
admin's endpoint form, and the endpoint services. DNS answers for made-up partner names are the
only thing faked: they are the edge of the world.
"""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection

from apps.audit.models import AuditEntry
from apps.common.errors import ApplicationError, PermissionRefused
from apps.followups import services
from apps.followups.models import PartnerEndpoint, WebhookAttempt, WebhookDelivery
from apps.followups.tasks import deliver_webhooks
from apps.followups.webhooks import SIGNATURE_HEADER
from tests.factories import PASSWORD
from tests.followups.test_webhooks import SECRET, send_referral

pytestmark = pytest.mark.django_db
REAL_GETADDRINFO = socket.getaddrinfo


class Listener:
    """A loopback HTTP server that records every request and answers with a fixed status."""

    def __init__(self, status: int = 200, headers: dict | None = None):
        self.requests: list[dict] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                listener.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
                )
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_GET = do_PUT = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/firstline"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def run_worker_task() -> None:
    """What the Celery worker runs for the webhook nudge and the beat sweep."""
    deliver_webhooks.apply()


def stored_endpoint(service, url: str) -> PartnerEndpoint:
    """A row as an endpoint saved before the URL policy existed would be (validators not run)."""
    return PartnerEndpoint.objects.create(organization=service.organization, url=url, secret=SECRET)


def fake_dns(monkeypatch, answers: dict[str, list[list[str]]]) -> list[str]:
    """Answer NAME with answers[NAME][n] on the n-th lookup (the last one repeats); record lookups."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        asked.append(host)
        batch = answers[host][min(len(asked) - 1, len(answers[host]) - 1)]
        return [
            (socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 443))
            for ip in batch
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


# --- the worker -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_not_followed_and_the_signature_is_not_sent_on(
    responder, encounter_version, shelter_service, status
):
    with Listener(200) as internal:
        location = f"http://127.0.0.1:{internal.port}/admin/steal"  # an internal service
        with Listener(status, {"Location": location}) as redirecting:
            stored_endpoint(shelter_service, redirecting.url)
            send_referral(responder, encounter_version, shelter_service)
            run_worker_task()
    assert len(redirecting.requests) == 1 and SIGNATURE_HEADER in redirecting.requests[0]["headers"]
    assert internal.requests == [], "the redirect was followed and the signed request re-sent"
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == status and not attempt.ok and "redirect, not followed" in attempt.error
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and "redirect" in delivery.last_error


@pytest.mark.parametrize(
    "template",
    [
        "http://127.0.0.1:{port}/firstline",
        "https://127.0.0.1:{port}/firstline",
        "https://localhost:{port}/firstline",
        "https://[::ffff:127.0.0.1]:{port}/firstline",
        "https://2130706433:{port}/firstline",
    ],
)
def test_loopback_targets_are_refused_at_connect_time_without_the_test_allowance(
    responder, encounter_version, shelter_service, settings, template
):
    settings.FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    with Listener(200) as internal:
        stored_endpoint(shelter_service, template.format(port=internal.port))
        send_referral(responder, encounter_version, shelter_service)
        run_worker_task()
    assert internal.requests == []
    attempt = WebhookAttempt.objects.get()
    assert not attempt.ok and attempt.status_code is None
    assert "loopback" in attempt.error or "https" in attempt.error or "this server" in attempt.error


@pytest.mark.parametrize(
    "answer",
    [["127.0.0.1"], ["10.1.2.3"], ["169.254.169.254"], ["192.168.0.10"], ["100.64.0.1"], ["::1"],
     ["fe80::1"], ["fd00::5"], ["::ffff:10.0.0.1"], ["93.184.216.34", "10.0.0.7"], ["0.0.0.0"], ["224.0.0.1"]],  # noqa: S104
)  # fmt: skip
def test_a_partner_name_that_resolves_inside_is_refused_when_the_worker_connects(
    responder, encounter_version, shelter_service, settings, monkeypatch, answer
):
    settings.FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    fake_dns(monkeypatch, {"partner.example.org": [answer]})
    services.partner_endpoint_create(
        actor=_supervisor(), organization_id=shelter_service.organization_id, url="https://partner.example.org/hook"
    )
    send_referral(responder, encounter_version, shelter_service)
    run_worker_task()
    attempt = WebhookAttempt.objects.get()
    assert not attempt.ok and attempt.status_code is None and attempt.error.startswith("Refused")


def test_the_worker_connects_to_the_address_it_checked_not_a_second_dns_answer(
    responder, encounter_version, shelter_service, settings, monkeypatch
):
    """DNS rebinding: the first answer passes the check, a second lookup would say the metadata service."""
    settings.FIRSTLINE_WEBHOOK_TIMEOUT_SECONDS = 2
    with Listener(200) as partner:
        asked = fake_dns(monkeypatch, {"partner.example.org": [["127.0.0.1"], ["169.254.169.254"]]})
        stored_endpoint(shelter_service, f"http://partner.example.org:{partner.port}/hook")
        send_referral(responder, encounter_version, shelter_service)
        run_worker_task()
    assert asked == ["partner.example.org"], "the host was looked up again after the check"
    assert len(partner.requests) == 1
    assert partner.requests[0]["headers"]["Host"] == f"partner.example.org:{partner.port}"
    assert WebhookDelivery.objects.get().status == "delivered"


def test_the_worker_falls_back_through_the_checked_addresses_in_order(
    responder, encounter_version, shelter_service, monkeypatch
):
    with Listener(200) as partner:
        asked = fake_dns(monkeypatch, {"partner.example.org": [["::1", "127.0.0.1"]]})
        stored_endpoint(shelter_service, f"http://partner.example.org:{partner.port}/hook")
        send_referral(responder, encounter_version, shelter_service)
        run_worker_task()
    assert asked == ["partner.example.org"]
    assert len(partner.requests) == 1 and WebhookDelivery.objects.get().status == "delivered"


def test_with_the_test_allowance_plain_http_still_reaches_only_loopback(
    responder, encounter_version, shelter_service, monkeypatch
):
    fake_dns(monkeypatch, {"partner.example.org": [["10.9.9.9"]]})
    stored_endpoint(shelter_service, "http://partner.example.org/hook")
    send_referral(responder, encounter_version, shelter_service)
    run_worker_task()
    attempt = WebhookAttempt.objects.get()
    assert not attempt.ok and "private" in attempt.error


# --- saving an endpoint: the services and the admin ----------------------------------------------

BAD_URLS = [
    "http://127.0.0.1:8000/hook",
    "http://partner.example.org/hook",
    "ftp://partner.example.org/hook",
    "file:///etc/passwd",
    "gopher://partner.example.org/",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.8/hook",
    "https://172.16.4.4/hook",
    "https://192.168.1.1/hook",
    "https://100.64.1.1/hook",
    "https://0.0.0.0/hook",
    "https://127.1/hook",
    "https://2130706433/hook",
    "https://0x7f000001/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://[::1]/hook",
    "https://[::ffff:169.254.169.254]/hook",
    "https://[fd12::1]/hook",
    "https://[fe80::1]/hook",
    "https://[64:ff9b::a00:1]/hook",
    "https://[2002:a00:1::]/hook",
    "https://user:pw@partner.example.org/hook",
    "partner.example.org/hook",
]


def _supervisor():
    from tests.factories import UserFactory

    return UserFactory(role="supervisor")


@pytest.mark.parametrize("url", BAD_URLS)
def test_the_service_refuses_an_internal_or_non_https_address_with_a_field_error(settings, shelter_service, url):
    settings.FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    with pytest.raises(ApplicationError) as refused:
        services.partner_endpoint_create(
            actor=_supervisor(), organization_id=shelter_service.organization_id, url=url, secret=SECRET
        )
    assert refused.value.extra.get("url"), refused.value.extra
    assert not PartnerEndpoint.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="partner_endpoint").exists()


@pytest.mark.parametrize("url", BAD_URLS[:-1])  # the admin reads a bare host name as https
def test_the_admin_form_refuses_an_internal_or_non_https_address_with_a_field_error(
    client, supervisor, settings, shelter_service, url
):
    settings.FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    assert client.login(username=supervisor.username, password=PASSWORD)
    response = client.post(
        "/admin/followups/partnerendpoint/add/",
        {"organization": shelter_service.organization_id, "url": url, "secret": "", "active": "on"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors.get("url"), response.context["adminform"].form.errors
    assert not PartnerEndpoint.objects.exists()


def test_the_admin_adds_an_endpoint_through_the_service_audited_and_the_secret_encrypted(
    client, supervisor, settings, shelter_service
):
    settings.FIRSTLINE_WEBHOOK_ALLOW_HTTP_LOOPBACK = False
    assert client.login(username=supervisor.username, password=PASSWORD)
    response = client.post(
        "/admin/followups/partnerendpoint/add/",
        {"organization": shelter_service.organization_id, "url": "https://partner.example.org/hook", "active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    endpoint = PartnerEndpoint.objects.get()
    page = response.content.decode()
    assert "not shown again" in page and endpoint.secret in page  # generated, shown once
    entry = AuditEntry.objects.get(action="partner_endpoint.create")
    assert entry.actor == supervisor and entry.door == "admin" and endpoint.secret not in str(entry.detail)
    assert_secret_is_ciphertext(endpoint)

    # Changing the address goes through the service too; an empty secret keeps the old one.
    before = endpoint.secret
    change = f"/admin/followups/partnerendpoint/{endpoint.pk}/change/"
    assert before not in client.get(change).content.decode()
    client.post(change, {"url": "https://partner.example.org/v2", "secret": "", "active": "on"})
    endpoint.refresh_from_db()
    assert endpoint.url == "https://partner.example.org/v2" and endpoint.secret == before
    update = AuditEntry.objects.get(action="partner_endpoint.update")
    assert update.detail["changed"]["url"]["after"] == "https://partner.example.org/v2"
    refused = client.post(change, {"url": "https://10.0.0.1/hook", "secret": "", "active": "on"})
    assert refused.context["adminform"].form.errors.get("url")
    endpoint.refresh_from_db()
    assert endpoint.url == "https://partner.example.org/v2"


def test_only_supervisors_manage_endpoints_and_every_change_is_audited(responder, shelter_service):
    supervisor = _supervisor()
    with pytest.raises(PermissionRefused):
        services.partner_endpoint_create(
            actor=responder, organization_id=shelter_service.organization_id, url="https://partner.example.org/"
        )
    endpoint, secret = services.partner_endpoint_create(
        actor=supervisor, organization_id=shelter_service.organization_id, url="https://partner.example.org/"
    )
    assert len(secret) >= 24
    with pytest.raises(ApplicationError) as short:
        services.partner_endpoint_update(actor=supervisor, endpoint_id=endpoint.pk, secret="short")
    assert short.value.extra["secret"]
    services.partner_endpoint_update(actor=supervisor, endpoint_id=endpoint.pk, secret="n" * 40, active=False)
    entry = AuditEntry.objects.get(action="partner_endpoint.update")
    assert entry.detail["changed"] == {"secret": {"replaced": True}, "active": {"before": True, "after": False}}
    assert "n" * 40 not in str(entry.detail)


# --- the secret at rest ---------------------------------------------------------------------------


def raw_secret(endpoint) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM followups_partnerendpoint WHERE id = %s", [endpoint.pk])
        return cursor.fetchone()[0]


def assert_secret_is_ciphertext(endpoint) -> None:
    stored = raw_secret(endpoint)
    assert stored.startswith("fl1:") and endpoint.secret not in stored


def test_the_shared_secret_is_ciphertext_in_the_database_and_still_signs(responder, encounter_version, shelter_service):
    with Listener(200) as partner:
        endpoint = stored_endpoint(shelter_service, partner.url)
        assert_secret_is_ciphertext(endpoint)
        assert PartnerEndpoint.objects.get().secret == SECRET
        send_referral(responder, encounter_version, shelter_service)
        run_worker_task()
    from apps.followups.webhooks import verify_signature

    (request,) = partner.requests
    assert verify_signature(
        secret=SECRET,
        body=request["body"],
        timestamp=request["headers"]["X-Firstline-Timestamp"],
        signature=request["headers"]["X-Firstline-Signature"],
    )


def test_the_migration_encrypts_secrets_stored_in_plain_text(shelter_service):
    import importlib

    from django.apps import apps as django_apps

    endpoint = stored_endpoint(shelter_service, "https://partner.example.org/hook")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE followups_partnerendpoint SET secret = %s WHERE id = %s", [SECRET, endpoint.pk])
    assert raw_secret(endpoint) == SECRET
    migration = importlib.import_module("apps.followups.migrations.0006_partner_endpoint_url_policy_secret_encrypted")
    with connection.schema_editor() as editor:
        migration.encrypt_existing(django_apps, editor)
    assert_secret_is_ciphertext(PartnerEndpoint.objects.get())
    assert PartnerEndpoint.objects.get().secret == SECRET
