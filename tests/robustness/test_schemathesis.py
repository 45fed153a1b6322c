"""Schemathesis sends requests generated from the OpenAPI schema to every operation, with the ids
of real records in the path, and checks each answer: never a 500, a declared status and content
type, and a body of the declared shape. Seeded, one example per operation, so it stays short."""

from contextlib import contextmanager

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.openapi import api_schema

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ["supervisor", "responder"]
# Doors that would end the session the other requests ride on.
SPARED = {("POST", "/api/v1/auth/logout/"), ("POST", "/api/v1/devices/{device_id}/revoke/")}


@contextmanager
def connection_kept():
    """Keep Django's WSGI handler from closing the test's database connection around each request
    (it is inside the test's transaction). Django's test client does the same, and reconnects the
    signal after each of its own requests, so this wraps only the schemathesis calls."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def _session(client) -> dict:
    """The cookies of a signed-in test client, with a CSRF token (SessionAuthentication asks for one)."""
    client.get("/api/v1/auth/me/")
    return {name: morsel.value for name, morsel in client.cookies.items()}


@seed(19)
@settings(
    max_examples=1,  # one generated request per operation: the walk stays well under a minute
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_generated_requests_get_a_declared_answer(world, data):
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = WSGIHandler()
    sessions = {role: _session(world.clients[role]) for role in ROLES}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SPARED:
            continue
        case = data.draw(operation.as_strategy(), label=f"{operation.method.upper()} {operation.path}")
        case.path_parameters = {
            name: str(world.kwargs.get(name, value)) for name, value in (case.path_parameters or {}).items()
        }
        cookies = sessions[data.draw(st.sampled_from(ROLES))]
        try:
            with connection_kept():
                case.call_and_validate(
                    cookies=cookies, headers={"X-CSRFToken": cookies.get("csrftoken", "")}, checks=CHECKS
                )
        except Exception as failure:  # every operation is tried; the failures are reported together
            failures.append(f"{operation.method.upper()} {operation.path}: {failure}")
    assert not failures, "\n\n".join(failures)
