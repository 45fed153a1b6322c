"""Property tests generated from NENA's EIDO schema (issue 12).

`eido_strategies` walks NENA's schema (apps/intake/eido_schema) with `schema_strategies` and makes whole EIDO documents
that validate against it. For each: the intake takes it (201, or 200 for a `$id` it already has),
refusing only what docs/intake.md names besides the schema (a NUL, an empty or over-long `$id`);
what Firstline sends back (the incident's EIDO and every handback) validates against the schema;
the callback, location and caller language survive the trip in and back out. A valid document with
one required member removed or one value of the wrong type is a 400 naming the JSON path, writing
nothing. The generator is checked too: every document it makes validates, formats included.

More examples locally: FIRSTLINE_EIDO_EXAMPLES=500 pytest tests/intake/test_eido_properties.py
"""

import copy
import json
import os
import re

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from apps.audit.models import AuditEntry
from apps.incidents.models import CallType, Incident
from apps.incidents.states import OPEN_INCIDENT_STATUSES, SCREENING_HOLD
from apps.intake import eido_schema
from apps.intake.eido.parser import eido_parse
from apps.intake.models import EidoDocument, Handback
from apps.intake.services import call_screen
from tests.intake.eido_strategies import eido_documents, eido_walker
from tests.intake.schema_strategies import NEAR_MISSES, SchemaStrategies, Unsupported, format_checker, json_values

URL = "/api/v1/intake/eido/"
EXAMPLES = int(os.environ.get("FIRSTLINE_EIDO_EXAMPLES", "40"))
EIDO_PROPERTIES = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FIRSTLINE_EIDO_EXAMPLES" not in os.environ,  # CI sees the same examples on every run
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
DOCUMENT = {"$ref": f"{eido_schema.BASE_URI}openapi.yaml#/components/schemas/{eido_schema.DOCUMENT}"}
STRICT = eido_schema.NenaValidator(DOCUMENT, registry=eido_schema.registry(), format_checker=format_checker())
WALKER = eido_walker()
DOCUMENTS = eido_documents(WALKER)
READ_BY_THE_INTAKE = {
    "incidentComponent",
    "callComponent",
    "callbackComponent",
    "personComponent",
    "locationComponent",
    "notesComponent",
    "agentComponent",
}


def strict_errors(document) -> list[str]:
    """Every way `document` breaks NENA's schema with formats checked, except the deliberate near misses."""
    return [
        f"{e.json_path}: {e.message[:200]}"
        for e in STRICT.iter_errors(document)
        if not (e.validator == "format" and e.instance in NEAR_MISSES.get(e.validator_value, []))
    ]


def has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(has_nul(v) for v in value)


def refusal_besides_the_schema(document) -> bool:
    """What docs/intake.md says the intake refuses although NENA's schema allows it."""
    return has_nul(document) or not document["$id"].strip() or len(document["$id"]) > 255


def emitted_errors(document) -> list[tuple[str, str]]:
    return eido_schema.errors(document)


# --- the generator ---------------------------------------------------------------------------


SMALL = {
    "type": "object",
    "required": ["kind", "count", "link"],
    "properties": {
        "kind": {"oneOf": [{"enum": ["a", "b"]}, {"type": "string", "pattern": "^z+$"}]},
        "count": {"type": "integer", "minimum": 1, "maximum": 5, "exclusiveMaximum": True},
        "share": {"anyOf": [{"type": "null"}, {"type": "number", "minimum": 0, "maximum": 1}]},
        "tags": {"type": "array", "items": {"$ref": "#/definitions/tag"}, "minItems": 1, "uniqueItems": True},
        "link": {"required": ["to"], "properties": {"to": {"type": "string", "format": "uri"}}},
        "when": {"type": ["string", "null"], "format": "date-time"},
    },
    "definitions": {"tag": {"type": "string", "minLength": 2, "maxLength": 3}},
}


def test_the_generator_honours_the_keywords_nenas_schema_does_not_use_and_refuses_unknown_ones():
    registry = Registry().with_resource("urn:small", Resource.from_contents(SMALL, default_specification=DRAFT4))
    walker = SchemaStrategies(registry, validator_class=eido_schema.NenaValidator, max_depth=3)
    validator = eido_schema.NenaValidator({"$ref": "urn:small"}, registry=registry, format_checker=format_checker())
    shapes: set[str] = set()

    @EIDO_PROPERTIES
    @given(walker.from_ref("urn:small"))
    def check(value):
        assert [e.message for e in validator.iter_errors(value)] == []
        shapes.add(type(value["link"]).__name__)

    check()
    assert "dict" in shapes and len(shapes) > 1  # an untyped member is sometimes an object, sometimes not
    strange = {"type": "object", "patternProperties": {"^x": {"type": "string"}}}
    registry = Registry().with_resource("urn:strange", Resource.from_contents(strange, default_specification=DRAFT4))
    with pytest.raises(Unsupported, match="patternProperties"):
        SchemaStrategies(registry, validator_class=eido_schema.NenaValidator).from_ref("urn:strange")


# --- the intake --------------------------------------------------------------------------------


@pytest.fixture
def structure_fire(db):
    """A call type the program does not take: an EIDO naming it is handed back at once."""
    return CallType.objects.create(code="structure_fire", name="Structure fire", default_priority=1)


def numbers_in(document) -> set[str]:
    """Every phone number the document's callback URIs carry, read with phonenumbers (not the intake)."""
    found = set()
    for component in document.get("callbackComponent") or []:
        uris = list(component.get("callBackInformationUri") or [])
        uris.append((component.get("updatedCbn") or {}).get("updatedCbnIdentifierUri") or "")
        for uri in uris:
            match = re.match(r"(?i)(?:tel:|sips?:)([+0-9][0-9-]*)", uri.strip())
            if not match:
                continue
            try:
                number = phonenumbers.parse(match.group(1), "US")
            except phonenumbers.NumberParseException:
                continue
            found.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    return found


def check_round_trip(document, incident: Incident, sent_back: dict) -> None:
    """What Firstline read from the call is on the incident and in the EIDO it sends back."""
    read = eido_parse(document)
    again = eido_parse(sent_back)
    assert incident.callback == read.callback == again.callback
    if incident.callback:
        assert incident.callback in numbers_in(document)
        assert f"tel:{incident.callback}" in sent_back["callbackComponent"][0]["callBackInformationUri"]
    assert incident.caller_language == read.caller_language == again.caller_language
    if read.location.usable:
        if read.location.latitude is not None:
            assert incident.latitude == read.location.latitude and incident.longitude == read.location.longitude
            assert abs(again.location.latitude - incident.latitude) < 1e-6
            assert abs(again.location.longitude - incident.longitude) < 1e-6
        if read.location.civic:
            assert again.location.civic == read.location.civic
        if read.location.text:
            assert incident.location_text == read.location.text


def test_every_schema_valid_eido_is_taken_and_what_firstline_sends_back_validates(
    policy, center_key, center_client, call_taker, structure_fire
):
    center, _key = center_key
    seen: set[str] = set()

    @EIDO_PROPERTIES
    @given(DOCUMENTS)
    def check(document):
        assert strict_errors(document) == []  # the generator made what NENA's schema allows
        seen.update(document)
        if refusal_besides_the_schema(document):
            response = center_client.post(URL, json.dumps(document), content_type="application/json")
            assert response.status_code == 400, response.content[:500]
            return
        known = EidoDocument.objects.filter(call_center=center, eido_id=document["$id"].strip()).exists()
        response = center_client.post(URL, json.dumps(document), content_type="application/json")
        assert response.status_code == (200 if known else 201), response.content[:500]
        body = response.json()
        if body.get("handback"):
            assert emitted_errors(body["handback"]) == []
        if not body["incident"]:
            return
        sent_back = center_client.get(f"/api/v1/incidents/{body['incident']}/eido/")
        assert sent_back.status_code == 200, sent_back.content[:500]
        assert emitted_errors(sent_back.json()) == []
        incident = Incident.objects.get(pk=body["incident"])
        if not known:
            check_round_trip(document, incident, sent_back.json())
        if incident.status in OPEN_INCIDENT_STATUSES and SCREENING_HOLD in incident.safety_flags:
            # The call-taker completes it: a weapon is involved, so the call goes back to 911 as an EIDO.
            call_screen(
                actor=call_taker,
                answers={"weapon_involved": "yes"},
                call_type=incident.call_type or "welfare_check",
                location_text=incident.location_text,
                summary=incident.summary,
                held_incident_id=incident.pk,
            )

    check()
    handbacks = center_client.get("/api/v1/intake/handbacks/").json()["results"]
    assert handbacks and len(handbacks) == Handback.objects.count()
    for handback in handbacks:
        assert emitted_errors(handback["eido"]) == [], handback["id"]
    # The walk reached every construct NENA's schema uses, and every component the intake reads.
    keywords = {"$ref", "allOf", "enum", "items", "properties", "required", "type", "format", "minItems"}
    assert keywords <= WALKER.seen_keywords
    assert {"date-time", "uri"} <= WALKER.seen_formats  # uri-reference: MediaType only, not always reached
    assert seen >= READ_BY_THE_INTAKE


# --- documents that break the schema --------------------------------------------------------------


def required_names() -> set[str]:
    """Every member NENA's components require (read from the schema, not listed by hand)."""
    names = {"$ref"}
    for name in eido_schema._load("openapi.yaml")["components"]["schemas"]:
        definition = eido_schema.definition(name)
        for part in [definition, *definition.get("allOf", [])]:
            names.update(part.get("required", []))
    return names


REQUIRED = required_names()


def member_paths(value, path=()) -> list[tuple]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*path, key))
            found += member_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += member_paths(item, (*path, index))
    return found


@st.composite
def broken_documents(draw) -> tuple[dict, tuple, str]:
    """A valid EIDO with one member removed (a required one, mostly) or given a value of another type."""
    document = copy.deepcopy(draw(DOCUMENTS))
    paths = member_paths(document)
    required = [p for p in paths if p[-1] in REQUIRED]
    path = draw(st.sampled_from(required) if required and draw(st.integers(0, 3)) else st.sampled_from(paths))
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if draw(st.booleans()):
        del parent[path[-1]]
        return document, path, "removed"
    current = type(parent[path[-1]])
    parent[path[-1]] = draw(json_values(2).filter(lambda v: type(v) is not current))
    return document, path, "retyped"


def test_a_valid_eido_with_a_required_member_removed_or_a_wrong_type_is_a_400_naming_the_path(policy, center_client):
    refused = []

    @EIDO_PROPERTIES
    @given(broken_documents())
    def check(case):
        document, path, how = case
        errors = eido_schema.errors(document)
        rows = (EidoDocument.objects.count(), Incident.objects.count())
        audited = AuditEntry.objects.filter(action="intake.eido.refused").count()
        response = center_client.post(URL, json.dumps(document), content_type="application/json")
        assert response.status_code < 500, response.content[:500]
        if not errors:  # e.g. an optional member removed, or a `$ref` object made a number: still valid
            assert response.status_code in (200, 201, 400), response.content[:500]
            assert response.status_code != 400 or refusal_besides_the_schema(document)
            return
        assert response.status_code == 400, (path, how, response.content[:500])
        body = response.json()
        assert body["path"] in {p for p, _reason in errors} or has_nul(document), (body, errors)
        assert body[body["path"]] == [body["reason"]]
        assert (EidoDocument.objects.count(), Incident.objects.count()) == rows
        assert AuditEntry.objects.filter(action="intake.eido.refused").count() == audited + 1
        refused.append(path)

    check()
    assert len(refused) >= EXAMPLES // 2, f"only {len(refused)} of the broken documents broke the schema"
