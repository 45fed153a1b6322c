"""No door answers 500 to bad input, and a refused request leaves every main table as it was.

Every URL pattern under /api/ and /open311/ (walked from the resolver) and every page with a form gets
the same fixed set of hostile bodies and query strings, sent as a role that may use it.
"""

import json
from urllib.parse import urlencode

import pytest

from tests.robustness.helpers import (
    FIELD_VALUES,
    MISSING_INT,
    MISSING_UUID,
    QUERY_STRINGS,
    QUERY_VALUES,
    RAW_BODIES,
    describe,
    endpoints,
    fill_route,
    json_error_shape_ok,
    known_fields,
    row_counts,
)

API = endpoints(("api/", "open311/"))
PAGES = endpoints(("intake/screen/", "partners/", "resources/capacity/", "followups/supervision/"))
ROLE_ORDER = ["dispatcher", "supervisor", "responder", "call_center", "partner", "call_taker"]
# Doors whose permission check runs after validation: send the role that may really use them, so
# hostile values that pass the serializer reach the service too.
PREFERRED_ROLE = {
    "api/v1/assignments/<int:assignment_id>/": "responder",
    "api/v1/encounters/": "responder",
    "api/v1/field/": "responder",
    "api/v1/followups/": "responder",
    "api/v1/referrals/<uuid:referral_id>/transition/": "partner",
    "api/v1/referrals/": "responder",
    "api/v1/resources/services/<uuid:service_id>/capacity/": "partner",
    "api/v1/intake/screen/": "call_taker",
    "api/v1/intake/eido/": "call_center",
    "open311/": "call_center",
}
SKIP = ("api/schema/", "api/docs/")  # generated documentation, no input


def _send(client, method: str, path: str, *, body: bytes | None = None, content_type: str = "application/json"):
    call = getattr(client, method)
    if method == "get":
        return call(path)
    return call(path, data=body if body is not None else b"", content_type=content_type)


def _check(response, method: str, path: str, what, before: dict, *, open311: bool = False) -> None:
    where = describe(method, path, what)
    assert response.status_code < 500, f"{where} -> {response.status_code}: {response.content[:300]!r}"
    if response.status_code < 400:
        return
    after = row_counts()
    changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not changed, f"{where} was refused ({response.status_code}) but wrote rows: {changed}"
    if response.status_code in (405, 406, 415, 429) or "json" not in response.get("Content-Type", ""):
        assert response.status_code in (404, 405, 406, 415, 429) or response.status_code == 401, (
            f"{where} -> {response.status_code} without a JSON error body"
        )
        return
    body = json.loads(response.content)
    if open311:
        assert isinstance(body, list), f"{where}: Open311 errors are a list, got {body!r}"
        assert all({"code", "description"} <= set(item) for item in body), f"{where}: {body!r}"
    else:
        assert json_error_shape_ok(body), f"{where} -> {response.status_code} with body {body!r}"


def _pick_role(world, method: str, path: str, route: str) -> str:
    """The role that may use the door, else the first one it lets past its permission check."""
    for prefix, role in PREFERRED_ROLE.items():
        if route.startswith(prefix):
            return role
    for role in ROLE_ORDER:
        response = _send(world.clients[role], method, path, body=b"{}")
        if response.status_code not in (401, 403, 404):
            return role
    return "supervisor"


def _bodies(fields: list[str], *, form: bool):
    yield from RAW_BODIES
    for value in FIELD_VALUES:
        if form:
            if isinstance(value, dict | list) or value is None:
                continue
            yield (
                f"every field = {value!r}",
                urlencode(dict.fromkeys(fields, value)).encode(),
                ("application/x-www-form-urlencoded"),
            )
            for field in fields:
                yield {field: value}, urlencode({field: value}).encode(), "application/x-www-form-urlencoded"
        else:
            yield f"every field = {value!r}", json.dumps(dict.fromkeys(fields, value)).encode(), "application/json"
            for field in fields:
                yield {field: value}, json.dumps({field: value}).encode(), "application/json"


def _missing_kwargs(kwargs: dict) -> dict:
    missing = {}
    for key, value in kwargs.items():
        if key in ("format", "service_code"):
            missing[key] = value
        elif isinstance(value, int):
            missing[key] = MISSING_INT
        else:
            missing[key] = MISSING_UUID
    return missing


@pytest.mark.services
@pytest.mark.parametrize("endpoint", [e for e in API if not e.route.startswith(SKIP)], ids=lambda e: e.route)
def test_no_api_door_answers_500_to_bad_input(world, endpoint):
    path = fill_route(endpoint.route, world.kwargs)
    open311 = endpoint.route.startswith("open311/")
    fields = known_fields(endpoint.callback)
    for method in endpoint.methods:
        role = _pick_role(world, method, path, endpoint.route)
        client = world.clients[role]
        before = row_counts()
        if endpoint.kwargs:
            missing_path = fill_route(endpoint.route, _missing_kwargs(world.kwargs))
            response = _send(client, method, missing_path, body=b"{}")
            _check(response, method, missing_path, "ids that do not exist", before, open311=open311)
        if method == "get":
            queries = list(QUERY_STRINGS) + [f"{f}={v}" for f in fields for v in QUERY_VALUES]
            if open311:
                queries = [f"{q}&api_key={world.raw_key}" for q in queries]
            for query in queries:
                response = _send(client, "get", f"{path}?{query}")
                _check(response, "get", path, query, before, open311=open311)
            continue
        for what, raw, content_type in _bodies(fields, form=open311):
            if open311 and content_type == "application/x-www-form-urlencoded":
                raw = raw + f"&api_key={world.raw_key}".encode()  # Open311 carries the key in the form
            before = row_counts()
            response = _send(client, method, path, body=raw, content_type=content_type)
            _check(response, method, path, (role, what), before, open311=open311)


def _page_base(world, route: str) -> dict:
    """A form that would be accepted, so each hostile field is the only thing wrong with it."""
    if route.startswith("resources/capacity/"):
        return {"service": str(world.service.pk), "available": "1", "total": "5", "unit": "beds"}
    if route.startswith("intake/screen/"):
        return {"location_text": "Civic Center Park", "summary": "Person asking for help", "action": "decide"}
    if route.startswith("partners/referrals/"):
        return {"status": "accepted", "reason": "We have a bed."}
    return {}


@pytest.mark.services
@pytest.mark.parametrize("endpoint", PAGES, ids=lambda e: e.route)
def test_no_form_page_answers_500_to_bad_input(world, endpoint):
    path = fill_route(endpoint.route, world.kwargs)
    fields = known_fields(endpoint.callback)
    client = world.pages["partner" if endpoint.route.startswith("partners/") else "supervisor"]
    if endpoint.route.startswith("intake/"):
        client = world.pages["call_taker"]
    for query in QUERY_STRINGS:
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, f"GET {path}?{query} -> {response.status_code}"
    base = _page_base(world, endpoint.route)
    values = [v for v in FIELD_VALUES if not isinstance(v, dict | list) and v is not None]
    bodies = [urlencode(dict.fromkeys(fields, v)) for v in values]
    bodies += [urlencode({**base, f: v}) for f in fields for v in values]
    bodies += ["", "a=%00&b=%ff", "service=" + MISSING_UUID]
    for body in bodies:
        before = row_counts()
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        where = f"POST {path} with {body[:120]!r}"
        assert response.status_code < 500, f"{where} -> {response.status_code}"
        if response.status_code == 302:
            continue  # accepted (the form redirects after a write)
        assert row_counts() == before, f"{where} was refused ({response.status_code}) but wrote rows"
        if response.status_code == 200:
            assert b"<form" in response.content or b"<html" in response.content.lower(), where


@pytest.mark.services
@pytest.mark.parametrize(
    ("path", "good", "count"),
    [("/api/v1/followups/", "open,due,done", 1), ("/api/v1/referrals/", "sent,draft,accepted", 1)],
)
def test_a_list_filtered_by_an_unknown_status_is_a_400_and_known_ones_still_filter(world, path, good, count):
    client = world.clients["supervisor"]
    response = client.get(f"{path}?status={good}")
    assert response.status_code == 200, response.content[:300]
    assert len(response.json()["results"]) == count
    for bad in ["bogus", "open,%00", "sent,"]:
        response = client.get(f"{path}?status={bad}")
        assert response.status_code == 400, (bad, response.content[:300])
        assert "status" in response.json()
