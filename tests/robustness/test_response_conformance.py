"""Every REST answer matches what the OpenAPI schema declares: a declared status, and a body of the
declared shape. Each operation is called as four roles, reads first, then writes with an empty body
(a 400 for most, a success for those that need no input), so refusals are checked as well as answers."""

import json
import re

import jsonschema
import pytest

from tests.openapi import operations, response_schema

pytestmark = pytest.mark.django_db

# Supervisors reach most answers; responders the tablet's doors; partners their view of referrals;
# call centers intake. Dispatchers and call-takers would repeat the supervisor's shapes.
ROLES = ["supervisor", "responder", "partner", "call_center"]
# Doors that end the caller's session or tablet: called last, so the other answers see a live session.
LAST = ("/api/v1/devices/{device_id}/revoke/", "/api/v1/auth/logout/")


def _path(template: str, kwargs: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(kwargs[m.group(1)]), template)


def _problems(response, path: str, method: str, operation: dict, role: str) -> list[str]:
    where = f"{method.upper()} {path} as {role} -> {response.status_code}"
    if str(response.status_code) not in operation["responses"]:
        return [f"{where}: status not declared ({sorted(operation['responses'])}): {response.content[:200]!r}"]
    schema = response_schema(operation, response.status_code)
    if schema is None or "json" not in response.get("Content-Type", ""):
        return []
    try:
        jsonschema.validate(json.loads(response.content), schema)
    except jsonschema.ValidationError as error:
        at = "/".join(str(p) for p in error.absolute_path)
        return [f"{where}: body at '{at}' does not match the schema: {error.message[:200]}"]
    return []


def test_every_answer_has_a_declared_status_and_shape(world):
    ordered = sorted(operations(), key=lambda op: (op[1] != "get", LAST.index(op[0]) + 1 if op[0] in LAST else 0))
    problems: list[str] = []
    answered: set[int] = set()
    for template, method, operation in ordered:
        path = _path(template, world.kwargs)
        for role in ROLES:
            client = world.clients[role]
            send = getattr(client, method)
            response = send(path) if method == "get" else send(path, data={}, format="json")
            answered.add(response.status_code)
            problems += _problems(response, template, method, operation, role)
    assert not problems, "\n".join(problems)
    assert {200, 400, 403, 404} <= answered  # the walk reached successes and refusals alike
