"""Hostile input for every door: the endpoints (from the URL resolver), the values, and the checks.

Everything here is fixed and seeded so a failure names the same request on every run.
"""

import inspect
import json
import re
import uuid
from dataclasses import dataclass, field

from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers

NUL = "bad\x00value"
HUGE = "x" * 100_000
MISSING_UUID = "00000000-0000-4000-8000-00000000dead"
MISSING_INT = 2_147_483_000


def deeply_nested(depth: int = 2000) -> str:
    """JSON nested deeper than Python's recursion limit: the parser must refuse it, not crash."""
    return "[" * depth + "]" * depth


# Values each known field gets in turn: wrong types, sizes, ranges, formats and ids that do not exist.
FIELD_VALUES = [
    None,
    "",
    NUL,
    HUGE,
    -1,
    10**30,
    True,
    [],
    ["a", 1, None],
    {"nested": {"deeper": [1, 2]}},
    {"key": NUL, NUL: "value"},
    [NUL],
    "not-a-uuid",
    MISSING_UUID,
    MISSING_INT,
    "2026-13-45T25:61:00+99:00",
    "unknown_enum_value",
    -91.5,
]

# Whole bodies that are wrong before any field is read.
RAW_BODIES = [
    ("empty", b"", "application/json"),
    ("not json", b"{this is not json", "application/json"),
    ("nul in json", b'{"a": "\\u0000"}', "application/json"),
    ("json array", b"[1, 2, 3]", "application/json"),
    ("json string", b'"hello"', "application/json"),
    ("json null", b"null", "application/json"),
    ("json number", b"42", "application/json"),
    ("deep nesting", deeply_nested().encode(), "application/json"),
    ("deep object", ('{"a":' * 600 + "1" + "}" * 600).encode(), "application/json"),
    ("bad utf-8", b'{"a": "\xff\xfe"}', "application/json"),
    ("huge", json.dumps({"x": HUGE * 5}).encode(), "application/json"),
    ("form", b"a=1&b=%00", "application/x-www-form-urlencoded"),
    ("xml", b"<?xml version='1.0'?><a><b>", "application/xml"),
    ("text", b"hello", "text/plain"),
]

# Query strings every GET is tried with, plus one bad value per parameter its code reads.
QUERY_STRINGS = [
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "per_page=1000000000",
    "per_page=-5",
    "page_size=abc",
    "limit=-1&offset=abc",
    "lat=abc&lng=def",
    "latitude=abc&longitude=1e999",
    "latitude=91&longitude=-181",
    "lat=91&lon=-181&radius=-1",
    "since=2026-13-45",
    "until=2026-13-45T99:00:00",
    "from=nope&to=2026-02-30",
    "start_date=2026-13-45&end_date=x",
    "status=unknown_enum_value",
    "team=abc",
    "incident=abc",
    "q=%00",
    "cursor=%%%",
]
QUERY_VALUES = ["-1", "abc", "%00", "2026-13-45", "99999999999999999999", "x" * 5000]


@dataclass
class Endpoint:
    route: str  # a readable pattern, e.g. "api/v1/incidents/<int:incident_id>/"
    callback: object
    kwargs: list[str]
    regex_parts: list = field(default_factory=list)

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def methods(self) -> list[str]:
        cls = self.view_class
        if cls is None:  # a function view: try both; one it does not take answers 405
            return ["get", "post"]
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]


def _walk(patterns, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def endpoints(prefixes: tuple[str, ...]) -> list[Endpoint]:
    """Every URL pattern whose route starts with one of `prefixes`, found by walking the resolver."""
    found = []
    for route, pattern in _walk(get_resolver().url_patterns):
        clean = route.lstrip("^")
        if not clean.startswith(prefixes):
            continue
        kwargs = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", clean)
        names = [a or b for a, b in kwargs]
        found.append(Endpoint(route=clean, callback=pattern.callback, kwargs=names))
    return found


def fill_route(route: str, values: dict) -> str:
    """Turn a route pattern into a concrete path with the given kwargs."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), path)
    path = path.replace("\\.", ".").rstrip("$")
    return "/" + path


def _serializer_fields(serializer_class) -> list[str]:
    try:
        return list(serializer_class().fields)
    except Exception:  # a serializer that needs context to build; its fields are then unknown
        return []


def known_fields(view) -> list[str]:
    """Field names a view reads: its serializers' fields and the names its source reads from the request."""
    target = getattr(view, "view_class", None) or inspect.unwrap(view)
    try:
        # A function view reads its form through helpers: read the names from its whole module.
        source = inspect.getsource(target if inspect.isclass(target) else inspect.getmodule(target))
    except (OSError, TypeError):
        return []
    names: list[str] = []
    module = inspect.getmodule(target)
    for name in set(re.findall(r"\b(\w*Serializer)\b", source)):
        cls = getattr(target, name, None) or getattr(module, name, None)
        if inspect.isclass(cls) and issubclass(cls, serializers.BaseSerializer):
            names += _serializer_fields(cls)
    names += re.findall(r"(?:POST|data|query_params|GET|post|params)\.get\(\s*\"(\w+)\"", source)
    names += re.findall(r"(?:POST|data|query_params|GET)\[\"(\w+)\"\]", source)
    return sorted(set(names))


# --- what must not change when a request is refused ----------------------------------------------

GUARDED_TABLES = [
    "incidents.Incident",
    "incidents.Assignment",
    "incidents.IncidentLogEntry",
    "incidents.Encounter",
    "incidents.EncounterVersion",
    "incidents.EncounterNote",
    "followups.FollowUp",
    "followups.Referral",
    "followups.Consent",
    "followups.ReferralStatusChange",
    "followups.WebhookDelivery",
    "intake.ScreeningDecision",
    "intake.Handback",
    "intake.DuplicateFlag",
    "intake.EidoDocument",
    "intake.Open311Request",
    "resources.ServiceCapacity",
    "teams.UnitStatusChange",
    "streams.Event",
    "field.AppliedMutation",
    "accounts.Device",
]


def row_counts() -> dict[str, int]:
    """Row counts of the main tables, in one query."""
    from django.apps import apps

    tables = {label: apps.get_model(label)._meta.db_table for label in GUARDED_TABLES}
    # Table names come from the models, not from input.
    sql = "SELECT " + ", ".join(f'(SELECT count(*) FROM "{t}")' for t in tables.values())  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = cursor.fetchone()
    return dict(zip(tables, values, strict=True))


def json_error_shape_ok(body) -> bool:
    """`{"detail": ...}` or field errors `{"field": [messages]}` (possibly nested for list items)."""
    if not isinstance(body, dict) or not body:
        return False
    if "detail" in body:
        return True
    return all(isinstance(v, list | dict | str) for v in body.values())


def describe(method: str, path: str, what) -> str:
    text = repr(what)
    return f"{method.upper()} {path} with {text[:120]}"


def new_uuid() -> str:
    return str(uuid.uuid4())
