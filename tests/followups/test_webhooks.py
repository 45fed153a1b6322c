"""Partner webhooks against a fake partner server on 127.0.0.1: signed, replay-proof, retried, logged."""

import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from apps.followups import services
from apps.followups.models import PartnerEndpoint, WebhookAttempt, WebhookDelivery
from apps.followups.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    sign,
    verify_signature,
    webhooks_deliver_due,
)
from tests.factories import PASSWORD
from tests.followups.conftest import FULL_CONSENT

pytestmark = pytest.mark.django_db
SECRET = "s3cret-shared-with-the-shelter"


class FakePartner:
    """What a partner runs: verify the signature and timestamp, then answer as scripted."""

    def __init__(self, answers=None):
        self.answers = list(answers or [])
        self.received: list[dict] = []
        self.clock_offset = 0.0
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                ok = verify_signature(
                    secret=SECRET,
                    body=body,
                    timestamp=self.headers.get(TIMESTAMP_HEADER),
                    signature=self.headers.get(SIGNATURE_HEADER),
                    now=time.time() + partner.clock_offset,
                )
                partner.received.append({"headers": dict(self.headers), "body": body, "verified": ok})
                code = 401 if not ok else (partner.answers.pop(0) if partner.answers else 200)
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/firstline"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def replay(self, request: dict) -> int:
        import urllib.error
        import urllib.request

        headers = {k: v for k, v in request["headers"].items() if k.lower().startswith("x-firstline")}
        headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.url, data=request["body"], headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=5) as response:  # noqa: S310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.fixture
def partner_server():
    with FakePartner() as server:
        yield server


def send_referral(responder, encounter_version, service, consent=None):
    return services.referral_create(
        actor=responder,
        encounter_id=encounter_version.encounter_id,
        service_id=service.pk,
        consent=consent or {**FULL_CONSENT, "scope": ["need", "age_range"]},
        need="shelter",
        notes="private note",
    )


def endpoint_for(service, url):
    """The service's own endpoint: a consent to 'only the service referred to' reaches it."""
    return PartnerEndpoint.objects.create(organization=service.organization, service=service, url=url, secret=SECRET)


def test_a_sent_referral_is_posted_signed_with_only_the_consented_fields(
    responder, encounter_version, shelter_service, partner_server
):
    endpoint_for(shelter_service, partner_server.url)
    referral = send_referral(responder, encounter_version, shelter_service)
    assert webhooks_deliver_due() == 1
    (request,) = partner_server.received
    assert request["verified"]
    body = json.loads(request["body"])
    assert body["event"] == "referral.updated" and body["referral"]["id"] == str(referral.pk)
    assert body["referral"]["status"] == "sent"
    assert body["referral"]["shared"] == {"need": "shelter", "age_range": "30-39"}
    assert "private note" not in request["body"].decode()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and request["headers"][DELIVERY_HEADER] == str(delivery.pk)
    (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempt.ok and attempt.status_code == 200


def test_the_signature_covers_body_and_timestamp_and_old_requests_are_replays():
    body = b'{"event":"referral.updated"}'
    now = int(time.time())
    signature = sign(secret=SECRET, body=body, timestamp=now)
    assert verify_signature(secret=SECRET, body=body, timestamp=str(now), signature=signature)
    assert not verify_signature(secret=SECRET, body=body + b" ", timestamp=str(now), signature=signature)
    assert not verify_signature(secret="wrong", body=body, timestamp=str(now), signature=signature)
    assert not verify_signature(secret=SECRET, body=body, timestamp=str(now + 1), signature=signature)
    assert not verify_signature(
        secret=SECRET, body=body, timestamp=str(now), signature=signature, now=now + 301, tolerance_seconds=300
    )
    assert not verify_signature(secret=SECRET, body=body, timestamp=None, signature=signature)


def test_a_captured_request_replayed_later_is_refused_by_the_partner(
    responder, encounter_version, shelter_service, partner_server
):
    endpoint_for(shelter_service, partner_server.url)
    send_referral(responder, encounter_version, shelter_service)
    webhooks_deliver_due()
    captured = partner_server.received[0]
    assert partner_server.replay(captured) == 200  # within the window it verifies (the partner dedupes by id)
    partner_server.clock_offset = 10 * 60
    assert partner_server.replay(captured) == 401
    assert partner_server.received[-1]["verified"] is False


def test_a_failing_partner_is_retried_with_exponential_backoff_and_each_attempt_logged(
    responder, encounter_version, shelter_service, settings
):
    settings.FIRSTLINE_WEBHOOK_BACKOFF_SECONDS = 10
    with FakePartner(answers=[500, 503, 200]) as partner:
        endpoint_for(shelter_service, partner.url)
        send_referral(responder, encounter_version, shelter_service)
        delivery = WebhookDelivery.objects.get()
        delays = []
        for _ in range(3):
            assert webhooks_deliver_due() == 1
            assert webhooks_deliver_due() == 0  # not due again until the backoff has passed
            delivery.refresh_from_db()
            if delivery.next_attempt_at:
                last = WebhookAttempt.objects.filter(delivery=delivery).order_by("-number").first()
                delays.append(round((delivery.next_attempt_at - last.at).total_seconds()))
                WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())  # time passes
    assert delays == [10, 20]
    assert delivery.status == "delivered" and delivery.attempts == 3
    codes = list(WebhookAttempt.objects.filter(delivery=delivery).values_list("number", "status_code", "ok"))
    assert codes == [(1, 500, False), (2, 503, False), (3, 200, True)]


def test_after_the_last_retry_the_failure_is_shown_to_a_supervisor(
    client, supervisor, responder, encounter_version, shelter_service, settings
):
    settings.FIRSTLINE_WEBHOOK_MAX_ATTEMPTS = 3
    settings.FIRSTLINE_WEBHOOK_TIMEOUT_SECONDS = 2
    with FakePartner(answers=[500, 500, 500, 500]) as partner:
        endpoint_for(shelter_service, partner.url)
        send_referral(responder, encounter_version, shelter_service)
        for _ in range(3):
            WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
            webhooks_deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempts == 3 and delivery.last_error == "HTTP 500"
    assert WebhookDelivery.objects.filter(status="pending").count() == 0
    client.login(username=supervisor.username, password=PASSWORD)
    page = client.get("/followups/supervision/").content.decode()
    assert f'data-delivery="{delivery.pk}"' in page and "HTTP 500" in page and 'id="count-failed">1<' in page
    client.post(f"/followups/supervision/deliveries/{delivery.pk}/retry/")
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0


def test_an_unreachable_partner_is_logged_as_an_error(responder, encounter_version, shelter_service, settings):
    from tests.servers import free_port

    settings.FIRSTLINE_WEBHOOK_TIMEOUT_SECONDS = 2
    endpoint_for(shelter_service, f"http://127.0.0.1:{free_port()}/gone")
    send_referral(responder, encounter_version, shelter_service)
    webhooks_deliver_due()
    attempt = WebhookAttempt.objects.get()
    assert not attempt.ok and attempt.status_code is None and attempt.error


def test_revoking_consent_tells_the_partner_without_any_personal_fields(
    responder, encounter_version, shelter_service, partner_server
):
    endpoint_for(shelter_service, partner_server.url)
    referral = send_referral(responder, encounter_version, shelter_service)
    services.consent_revoke(actor=responder, referral_id=referral.pk, reason="withdrawn")
    assert webhooks_deliver_due() == 2
    bodies = [json.loads(r["body"]) for r in partner_server.received]
    events = sorted(b["event"] for b in bodies)
    assert events == ["referral.consent_revoked", "referral.updated"]
    # Built at send time: even the message queued before the revocation discloses nothing now.
    assert all(b["referral"]["shared"] == {} for b in bodies)
    assert all(b["referral"]["consent"]["revoked"] for b in bodies)
