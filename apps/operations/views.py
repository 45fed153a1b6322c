"""The doors for load balancers and Prometheus: /healthz, /readyz, /metrics."""

import hmac

from django.conf import settings
from django.http import HttpResponse, JsonResponse

from apps.common import metrics
from apps.operations import selectors

LOOPBACK = {"127.0.0.1", "::1"}


def healthz(request):
    """The process answers; nothing else is asked (a liveness probe must not fail for the database)."""
    return JsonResponse({"status": "ok"}) if request.GET.get("json") else HttpResponse("ok")


def readyz(request):
    ready, body = selectors.readiness()
    return JsonResponse(body, status=200 if ready else 503)


def metrics_view(request):
    """Prometheus text format: with FIRSTLINE_METRICS_TOKEN a bearer token, without it loopback only."""
    token = settings.FIRSTLINE_METRICS_TOKEN
    if token:
        offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        allowed = hmac.compare_digest(offered.encode(), token.encode())
    else:
        allowed = request.META.get("REMOTE_ADDR") in LOOPBACK
    if not allowed:
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
